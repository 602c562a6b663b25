import { Box, Code, Stack, Table, Text, Title } from '@mantine/core';
import { diffLines } from 'diff';
import { Fragment, useMemo } from 'react';
import { valueInWords, type FieldChange } from './settings-types';

/**
 * The change before it is saved: field by field (path, before, after), then the YAML lines that
 * differ (removed lines marked "−", added "+"), so an admin sees exactly what the engine will use.
 */
export function DiffPreview({ changes, before, after }: { changes: FieldChange[]; before: string; after: string }) {
  const parts = useMemo(() => diffLines(before, after), [before, after]);
  return (
    <Stack gap="sm" aria-labelledby="diff-title">
      <Title order={3} size="h5" id="diff-title">
        What will change ({changes.length === 1 ? '1 field' : `${changes.length} fields`})
      </Title>
      <Box style={{ overflowX: 'auto' }}>
        <Table striped withTableBorder layout="fixed" miw={320} aria-label="Changed fields">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="40%">Field</Table.Th>
              <Table.Th>Now</Table.Th>
              <Table.Th>After saving</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {changes.map((change) => (
              <Table.Tr key={change.path}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  <Code style={{ whiteSpace: 'normal' }}>
                    {change.path.split('.').map((part, index) => (
                      <Fragment key={index}>
                        {index > 0 ? '.' : null}
                        {index > 0 ? <wbr /> : null}
                        {part}
                      </Fragment>
                    ))}
                  </Code>
                </Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{valueInWords(change.before)}</Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }} fw={600}>
                  {valueInWords(change.after)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Box>
      <Text size="sm" fw={600} id="yaml-diff-label">
        Lines that change in the YAML
      </Text>
      <Box component="pre" aria-labelledby="yaml-diff-label" m={0} p="xs" fz="xs" style={{ overflowX: 'auto', maxHeight: 320, border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }} tabIndex={0}>
        {parts
          .filter((part) => part.added || part.removed)
          .flatMap((part, partIndex) =>
            part.value
              .replace(/\n$/, '')
              .split('\n')
              .map((line, lineIndex) => (
                <Box
                  component="div"
                  key={`${partIndex}-${lineIndex}`}
                  data-change={part.added ? 'added' : 'removed'}
                  style={{
                    background: part.added ? 'var(--mantine-color-green-light)' : 'var(--mantine-color-red-light)',
                    whiteSpace: 'pre',
                  }}
                >
                  {part.added ? '+ ' : '− '}
                  {line}
                </Box>
              )),
          )}
      </Box>
    </Stack>
  );
}
