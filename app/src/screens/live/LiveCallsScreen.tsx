import { Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useReducer } from 'react';
import { api, read } from '../../api/client';
import { queuesInWords } from '../../shell/format';
import { useLiveFeed, type LiveConnection } from '../../shell/live-socket';
import { useSession } from '../../shell/session';
import { Empty, Problem } from '../../shell/states';
import { CallCard } from './CallCard';
import { Tag, type Tone } from './Tag';
import { emptyLive, liveReducer, visibleEntries } from './live-state';
import type { LiveCallSummary, LiveMessage } from './types';

const connectionWords: Record<LiveConnection, { label: string; tone: Tone; help: string }> = {
  connecting: { label: 'Connecting…', tone: 'gray', help: 'Starting the live feed.' },
  live: { label: 'Live', tone: 'green', help: 'New calls appear here as they ring.' },
  reconnecting: { label: 'Reconnecting…', tone: 'orange', help: 'The live feed dropped; calls shown may be out of date until it is back.' },
};

const clinicalRoles = new Set(['nurse', 'clinician', 'supervisor']);

/**
 * Live calls (issue 14, item 2): the calls ringing and on the line in my queues, each with its
 * screen pop, as they happen. Cards update in place (keyed by call id, never re-sorted), so the
 * keyboard focus stays where the person left it when a call arrives or changes.
 */
export default function LiveCallsScreen() {
  const { me, info } = useSession();
  const [state, dispatch] = useReducer(liveReducer, emptyLive);
  const connection = useLiveFeed((message) => dispatch(message as unknown as LiveMessage));
  // The stored calls too: the feed replays only what this engine saw since it started.
  const stored = useQuery({ queryKey: ['live-calls'], queryFn: () => read<{ calls: LiveCallSummary[] }>(api.GET('/api/calls')) });
  useEffect(() => {
    if (stored.data) dispatch({ type: 'calls.loaded', calls: stored.data.calls });
  }, [stored.data]);
  const entries = visibleEntries(state);
  const clinical = clinicalRoles.has(me.user.role);
  const status = connectionWords[connection];
  return (
    <Stack gap="md" maw={1400}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <div>
          <Title order={1} size="h2">
            Live calls
          </Title>
          <Text size="sm" c="dimmed">
            {queuesInWords(me.user.queues)} · times in {info.clinic.timeZone}
          </Text>
        </div>
        <Group gap="xs" role="status" aria-live="polite" data-connection={connection}>
          <Tag tone={status.tone} icon="●">
            {status.label}
          </Tag>
          <Text size="xs" c="dimmed">
            {status.help}
          </Text>
        </Group>
      </Group>
      {stored.isError && entries.length === 0 ? <Problem error={stored.error} retry={() => void stored.refetch()} title="The calls could not be read" /> : null}
      <section aria-labelledby="live-calls-heading">
        <Title order={2} size="h4" id="live-calls-heading" mb="xs">
          Calls in my queues
        </Title>
        {entries.length === 0 ? (
          <Empty title="No calls right now">A ringing call appears here with the caller's chart before you answer.</Empty>
        ) : (
          <Stack gap="md">
            {entries.map((entry) => (
              <CallCard key={entry.callId} entry={entry} timeZone={info.clinic.timeZone} clinical={clinical} />
            ))}
          </Stack>
        )}
      </section>
    </Stack>
  );
}
