import { Box, Stack, Table, Text, Title } from '@mantine/core';
import { clinicTime } from '../../shell/format';
import { useSession } from '../../shell/session';
import { Empty } from '../../shell/states';
import { shortVersion, whoChanged, type SettingsHistoryEntry } from './settings-types';

/** Who changed the section, when (clinic time) and why: newest first. */
export function HistoryList({ history }: { history: SettingsHistoryEntry[] }) {
  const { info } = useSession();
  return (
    <Stack gap="xs" component="section" aria-labelledby="history-title">
      <Title order={3} size="h5" id="history-title">
        Changes so far
      </Title>
      {history.length === 0 ? (
        <Empty title="No changes yet">The settings are as the configuration file gave them at start.</Empty>
      ) : (
        <Box style={{ overflowX: 'auto' }}>
          <Table layout="fixed" miw={320} aria-label="Changes so far" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="32%">When</Table.Th>
                <Table.Th w="30%">Who</Table.Th>
                <Table.Th>Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.map((entry) => (
                <Table.Tr key={`${entry.version}-${entry.savedAt}`}>
                  <Table.Td>
                    <Text size="sm">{clinicTime(entry.savedAt, info.clinic.timeZone, true)}</Text>
                    <Text size="xs" c="dimmed">
                      version {shortVersion(entry.version)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'break-word' }}>
                    <Text size="sm">{whoChanged(entry)}</Text>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'break-word' }}>
                    <Text size="sm">{entry.reason}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      )}
    </Stack>
  );
}
