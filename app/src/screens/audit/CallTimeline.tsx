import type { ReactNode } from 'react';
import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Timeline, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useSession } from '../../shell/session';
import { Empty, Loading, Problem } from '../../shell/states';
import { useCallTimeline } from './audit-api';
import { auditTime } from './audit-time';
import { eventTitle, actorWords, detailWords, objectWords, outcomeColor, outcomeWords, reasonWords } from './audit-words';
import { ExportButton } from './ExportButton';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

/**
 * A call's chain of custody: every event about it in order (arrived, identified, consent, routed,
 * understood, red flags acknowledged, review, chart writes, views), with who and when. Opening it
 * is itself in the access log when the call names a patient.
 */
export function CallTimeline({ callId }: { callId: string }) {
  const { info } = useSession();
  const zone = info.clinic.timeZone;
  const timeline = useCallTimeline(callId);
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/audit" size="sm">
        ← Back to the audit trail
      </Anchor>
      <Group justify="space-between" align="flex-end" gap="sm">
        <Title order={1} size="h3">
          Chain of custody of a call
        </Title>
        {timeline.data ? <ExportButton search={{ callId: timeline.data.call?.id ?? callId }} label="Export this call's events (signed)" fileName={`callchart-audit-call-${(timeline.data.call?.id ?? callId).slice(0, 8)}.jsonl`} /> : null}
      </Group>
      {timeline.isPending ? (
        <Loading what="the call's events" />
      ) : timeline.isError ? (
        <Problem error={timeline.error} retry={() => void timeline.refetch()} title="This call's events could not be loaded" />
      ) : (
        <>
          <Paper withBorder p="sm">
            <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
              <Fact label="Call id">{timeline.data.call?.id ?? callId}</Fact>
              <Fact label="Phone system call id">{timeline.data.call ? `${timeline.data.call.providerCallId} (${timeline.data.call.provider})` : '— (the call record was deleted on schedule)'}</Fact>
              <Fact label="Queue">{timeline.data.call?.queue ?? '—'}</Fact>
              <Fact label="Started">{auditTime(timeline.data.call?.startedAt, zone)}</Fact>
              <Fact label="Ended">{auditTime(timeline.data.call?.endedAt, zone)}</Fact>
              <Fact label="Linked charts">{timeline.data.call?.patientIds.length ? timeline.data.call.patientIds.join(', ') : 'None'}</Fact>
              <Fact label="Events">{timeline.data.events.length}</Fact>
            </SimpleGrid>
          </Paper>
          {timeline.data.events.length === 0 ? (
            <Empty title="No events about this call yet">Events appear as the call is identified, routed, reviewed and written to the chart.</Empty>
          ) : (
            <Timeline bulletSize={14} lineWidth={2} active={timeline.data.events.length} data-testid="audit-timeline">
              {timeline.data.events.map((event) => {
                const facts = detailWords(event);
                const reason = reasonWords(event.reason);
                return (
                  <Timeline.Item
                    key={event.seq}
                    data-testid="timeline-event"
                    data-action={event.action}
                    data-seq={event.seq}
                    title={
                      <Text component="h2" size="sm" fw={600} m={0}>
                        {eventTitle(event)}
                      </Text>
                    }
                  >
                    <Stack gap={2}>
                      <Text size="sm">
                        {auditTime(event.at, zone)} · {actorWords(event.actor, timeline.data.people)}
                      </Text>
                      <Group gap="xs">
                        <Badge size="sm" color={outcomeColor(event.outcome)} variant="outline">
                          {outcomeWords(event.outcome)}
                        </Badge>
                        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                          {objectWords(event.objectType)} {event.objectType === 'call' ? '' : (event.objectId ?? '')} · #{event.seq}
                        </Text>
                      </Group>
                      {facts.length ? (
                        <Text size="xs" c="dimmed">
                          {facts.join(' · ')}
                        </Text>
                      ) : null}
                      {reason ? <Text size="sm">Reason: {reason}</Text> : null}
                    </Stack>
                  </Timeline.Item>
                );
              })}
            </Timeline>
          )}
        </>
      )}
    </Stack>
  );
}
