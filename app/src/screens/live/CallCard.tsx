import { Divider, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { memo, useId } from 'react';
import { clinicTime } from '../../shell/format';
import { ConsentPanel } from './ConsentPanel';
import { IdentityPanel } from './IdentityPanel';
import { LiveTranscriptPanel } from './LiveTranscriptPanel';
import type { LiveEntry } from './live-state';
import { PatientCard } from './PatientCard';
import { Tag, type Tone } from './Tag';
import type { LiveCallSummary } from './types';
import { RedFlags, Understanding } from './Understanding';
import { callerOutcome, callStatus, isActive, ivrReason, requestType } from './words';

const statusTone: Record<string, Tone> = { ringing: 'blue', 'in-progress': 'green', ended: 'gray', missed: 'orange' };

/**
 * One call: its state, the screen pop, the agent's identity steps, what the caller chose in the
 * phone menu, where routing sent it and why, consent, and (clinical roles) what it was about.
 * Memoised on the entry: a message about another call does not touch this card.
 */
export const CallCard = memo(function CallCard({ entry, timeZone, clinical }: { entry: LiveEntry; timeZone: string; clinical: boolean }) {
  const { call, pop, understanding, transcript } = entry;
  const headingId = useId();
  const active = isActive(call?.status);
  return (
    <Paper
      component="article"
      withBorder
      p="md"
      radius="md"
      aria-labelledby={headingId}
      data-call-id={entry.callId}
      data-status={call?.status ?? 'unknown'}
      style={{ borderLeft: `6px solid var(--mantine-color-${call?.redFlagCount || understanding?.redFlags.length ? 'red-8' : active ? 'blue-7' : 'gray-5'})`, minWidth: 0 }}
    >
      <Stack gap="sm">
        <Group gap="xs" wrap="wrap" id={headingId}>
          <Tag tone={statusTone[call?.status ?? ''] ?? 'blue'} filled icon={call?.status === 'ringing' ? '☎' : undefined} data-field="status">
            {callStatus(call?.status)}
          </Tag>
          {call?.queue ? (
            <Text size="sm" c="dimmed">
              Queue: {call.queue}
            </Text>
          ) : null}
          {call ? (
            <Text size="sm" c="dimmed">
              Updated {clinicTime(call.updatedAt, timeZone)}
            </Text>
          ) : null}
          <UrgencyBadges call={call} clinical={clinical} />
        </Group>
        {clinical && understanding?.redFlags.length ? <RedFlags understanding={understanding} callUpdatedAt={call?.updatedAt} /> : null}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg" verticalSpacing="md">
          <Stack gap="sm" style={{ minWidth: 0 }}>
            {pop ? (
              <PatientCard pop={pop} />
            ) : (
              <Title order={3} size="h4">
                {callerOutcome(call?.callerOutcome)}
              </Title>
            )}
            {pop ? <IdentityPanel pop={pop} sharedNumberCandidates={entry.sharedNumberCandidates} active={active} /> : null}
          </Stack>
          <Stack gap="sm" style={{ minWidth: 0 }}>
            {call ? <CallFacts call={call} /> : null}
            {call ? <ConsentPanel callId={call.callId} active={active} callUpdatedAt={call.updatedAt} /> : null}
          </Stack>
        </SimpleGrid>
        {clinical && transcript ? (
          <>
            <Divider />
            <LiveTranscriptPanel transcript={transcript} />
          </>
        ) : null}
        {clinical && understanding ? (
          <>
            <Divider />
            <Understanding understanding={understanding} />
          </>
        ) : null}
      </Stack>
    </Paper>
  );
});

/** Loud when it matters: a red flag or an urgent call, with an icon and words, never colour alone. */
function UrgencyBadges({ call, clinical }: { call: LiveCallSummary | undefined; clinical: boolean }) {
  if (!call) return null;
  if (call.redFlagCount > 0) {
    return (
      <Tag tone="red" filled icon="⚠" data-field="red-flag-badge">
        {clinical ? `Red flag${call.redFlagCount > 1 ? `s (${call.redFlagCount})` : ''}` : 'Red flag — hand this call to a nurse now'}
      </Tag>
    );
  }
  if (call.urgent || call.urgency === 'urgent' || call.urgency === 'emergency') {
    return (
      <Tag tone="orange" filled icon="!">
        {call.urgency === 'emergency' ? 'Emergency' : 'Urgent'}
      </Tag>
    );
  }
  return null;
}

function CallFacts({ call }: { call: LiveCallSummary }) {
  const routing = call.routing ?? (call.routedTo ? { destination: call.routedTo, reason: '', fallback: false, afterHours: false, ruleId: '' } : null);
  return (
    <Stack gap={6}>
      <Text size="sm" data-field="ivr-reason">
        <Text span fw={600} size="sm">
          Caller chose:{' '}
        </Text>
        {call.ivrReason ? ivrReason(call.ivrReason) : isActive(call.status) ? 'Nothing yet in the phone menu' : 'Nothing in the phone menu'}
        {call.urgent ? ' — pressed the urgent option' : ''}
      </Text>
      {call.requestTypes.length ? (
        <Text size="sm" data-field="request">
          <Text span fw={600} size="sm">
            Request:{' '}
          </Text>
          {call.requestTypes.map(requestType).join(', ')}
        </Text>
      ) : null}
      <div data-field="routing">
        <Text size="sm">
          <Text span fw={600} size="sm">
            Routed to:{' '}
          </Text>
          {routing ? routing.destination : 'Not routed by Callchart (the phone system decided)'}
          {routing?.afterHours ? ' · after hours' : ''}
        </Text>
        {routing?.reason ? (
          <Text size="sm" c="dimmed" data-field="routing-why" style={{ overflowWrap: 'anywhere' }}>
            Why: {routing.reason}
            {routing.fallback ? ' (the EHR did not answer in time, so the fallback rule was used)' : ''}
          </Text>
        ) : null}
      </div>
    </Stack>
  );
}
