import { Box, Stack, Text, Title } from '@mantine/core';
import { clinicTime } from '../../shell/format';
import { useSession } from '../../shell/session';
import { Empty } from '../../shell/states';
import { shortVersion, whoChanged, type SettingsHistoryEntry } from './settings-types';

/** Who changed the section, when (clinic time) and why: newest first, one entry per change (reads at 390 px too). */
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
        <Box component="ul" aria-labelledby="history-title" m={0} p={0} style={{ listStyle: 'none' }}>
          {history.map((entry) => (
            <Box component="li" key={`${entry.version}-${entry.savedAt}`} py={8} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
              <Text size="sm">
                <strong>{clinicTime(entry.savedAt, info.clinic.timeZone, true)}</strong> · {whoChanged(entry)}
              </Text>
              <Text size="sm" style={{ overflowWrap: 'break-word' }}>
                {entry.reason}
              </Text>
              <Text size="xs" c="dimmed">
                Version {shortVersion(entry.version)}
                {entry.previousVersion ? `, replaced ${shortVersion(entry.previousVersion)}` : ''}
              </Text>
            </Box>
          ))}
        </Box>
      )}
    </Stack>
  );
}
