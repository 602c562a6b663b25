import { Badge, Box, Group, List, Stack, Text, Title } from '@mantine/core';
import { diffWords } from 'diff';
import { clinicTime } from '../../shell/format';
import type { VersionEntry } from './types';
import { fieldWords, personInWords, rejectionWords, requestTypeInWords, urgencyWords, versionWords } from './words';

/** A field's value as people read it (codes in words, dates in the clinic's zone). */
function valueInWords(field: string, value: unknown, timeZone: string): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (field === 'reasonForCall') return requestTypeInWords(String(value));
  if (field === 'urgency') return urgencyWords[String(value)] ?? String(value);
  if (field === 'followUpDue') return clinicTime(String(value), timeZone, true);
  return String(value);
}

/** Word-level changes between two values: removed words struck through, added words underlined. */
export function WordDiff({ before, after }: { before: string; after: string }) {
  return (
    <Text size="sm" component="p" style={{ overflowWrap: 'anywhere', margin: 0 }} data-testid="word-diff">
      {diffWords(before, after).map((part, index) =>
        part.added ? (
          <ins key={index} style={{ background: '#d3f9d8', color: '#1a1b1e', textDecoration: 'underline' }}>
            {part.value}
          </ins>
        ) : part.removed ? (
          <del key={index} style={{ background: '#ffe3e3', color: '#1a1b1e' }}>
            {part.value}
          </del>
        ) : (
          <span key={index}>{part.value}</span>
        ),
      )}
    </Text>
  );
}

/** Every version of the item, newest first: what kind, who, when, and for each changed field a word diff. */
export function VersionHistory({ versions, people, me, timeZone, rejectionReason }: { versions: VersionEntry[]; people: Record<string, string> | undefined; me: string; timeZone: string; rejectionReason: string | null }) {
  return (
    <Stack gap="sm" component="section" aria-labelledby="history-heading">
      <Title order={3} size="h5" id="history-heading">
        Version history
      </Title>
      <List listStyleType="none" spacing="sm" data-testid="version-history">
        {[...versions].reverse().map((version) => (
          <List.Item key={version.version} data-version={version.version} data-kind={version.kind}>
            <Box>
              <Group gap="xs" wrap="wrap">
                <Badge variant="light" color={version.kind === 'rejected' ? 'red' : version.kind === 'approved' ? 'green' : version.generatedByAi ? 'violet' : 'gray'}>
                  Version {version.version}
                </Badge>
                <Text size="sm" fw={600}>
                  {versionWords[version.kind] ?? 'Changed'}
                </Text>
                <Text size="sm" c="dimmed">
                  by {personInWords(version.author, people, me)} at {clinicTime(version.createdAt, timeZone, true)}
                </Text>
              </Group>
              {version.checklist ? (
                <Text size="sm" data-testid="checklist-answered">
                  {Object.values(version.checklist).every(Boolean) ? 'Checklist: every line ticked' : 'Checklist: not every line ticked'}
                </Text>
              ) : null}
              {version.kind === 'rejected' && rejectionReason ? <Text size="sm">Reason: {rejectionWords[rejectionReason] ?? 'another reason'}</Text> : null}
              {version.changes.length ? (
                <Stack gap={4} mt={4}>
                  {version.changes.map((change) => (
                    <Box key={change.field} data-changed-field={change.field}>
                      <Text size="xs" fw={600}>
                        {fieldWords[change.field] ?? 'A field'}
                      </Text>
                      <WordDiff before={valueInWords(change.field, change.before, timeZone)} after={valueInWords(change.field, change.after, timeZone)} />
                    </Box>
                  ))}
                </Stack>
              ) : null}
            </Box>
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}
