import { Alert, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { api, ApiError, read } from '../../api/client';
import { clinicTime } from '../../shell/format';
import { Problem } from '../../shell/states';
import { shortId } from './worklist.words';

/** What `GET /api/event-webhooks/deliveries` answers (src/event-subscriptions/event-subscriptions.routes.ts): ids and codes only. */
export interface EventDelivery {
  id: string;
  subscriptionId: string;
  subscriptionName: string | null;
  eventId: string;
  eventType: string;
  queue: string;
  callId: string | null;
  taskId: string | null;
  status: 'failing' | 'dead' | 'pending' | 'delivered';
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deadAt: string | null;
  createdAt: string;
}

const eventWords: Record<string, string> = {
  'call.new': 'New call',
  'call.missed': 'Missed call',
  'call.voicemail': 'Voicemail',
  'callback.completed': 'Callback completed',
  'case.resolved': 'Case resolved',
};

/** The subscriber's answer in words (the code stays beside it). */
function failureWords(code: string | null): string {
  if (!code) return 'no answer recorded';
  if (code === 'TIMEOUT') return 'the subscriber did not answer in time';
  if (code === 'UNREACHABLE') return 'the subscriber could not be reached';
  const status = /^HTTP_(\d{3})$/.exec(code)?.[1];
  if (status === '410') return 'the subscriber says this address is gone';
  if (status === '401' || status === '403') return 'the subscriber refused the signature or the sender';
  if (status && status.startsWith('5')) return 'the subscriber had an error';
  return status ? `the subscriber answered ${status}` : code;
}

/**
 * Event webhooks that are failing or dead (OW-1), in the worklist: which subscriber, which event
 * (type and ids), how many tries and the subscriber's answer; administrators send one again. Shown
 * only when there is something to act on.
 */
export function EventDeliveries({ timeZone, mayRedeliver }: { timeZone: string; mayRedeliver: boolean }) {
  const queryClient = useQueryClient();
  const deliveries = useQuery({
    queryKey: ['event-webhooks', 'deliveries'],
    queryFn: () => read<{ deliveries: EventDelivery[] }>(api.GET('/api/event-webhooks/deliveries', { params: { query: { limit: 50 } } })),
    refetchInterval: 10_000,
  });
  const [message, setMessage] = useState<{ ok: boolean; words: string } | null>(null);
  const [sending, setSending] = useState<string | null>(null);
  const redeliver = useCallback(async (delivery: EventDelivery) => {
    setSending(delivery.id);
    try {
      await read(api.POST('/api/event-webhooks/deliveries/{id}/redeliver', { params: { path: { id: delivery.id } } }));
      setMessage({ ok: true, words: `Event ${shortId(delivery.eventId)} will be sent to ${delivery.subscriptionName ?? 'the subscriber'} again now.` });
    } catch (error) {
      setMessage({ ok: false, words: error instanceof ApiError ? error.words : 'That did not work. Try again.' });
    } finally {
      setSending(null);
      await queryClient.invalidateQueries({ queryKey: ['event-webhooks'] });
    }
  }, [queryClient]);

  if (deliveries.isError) return <Problem error={deliveries.error} title="The event webhooks could not be loaded" />;
  const list = deliveries.data?.deliveries ?? [];
  if (list.length === 0 && !message) return null;
  return (
    <Stack component="section" aria-labelledby="event-webhooks-title" gap="xs" data-testid="event-webhooks">
      <Title order={2} size="h4" id="event-webhooks-title">
        Event webhooks not delivered
      </Title>
      <div role="status" aria-live="polite">
        {message ? (
          <Alert color={message.ok ? 'green' : 'red'} variant="light" data-testid="event-webhooks-message">
            <Text size="sm">{message.words}</Text>
          </Alert>
        ) : null}
      </div>
      <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Event webhooks not delivered">
        {list.map((delivery) => (
          <li key={delivery.id} data-testid="event-delivery">
            <Group justify="space-between" wrap="wrap" p="xs" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)' }}>
              <Stack gap={2}>
                <Group gap="xs">
                  <Badge color={delivery.status === 'dead' ? 'red' : 'orange'} variant="light">
                    {delivery.status === 'dead' ? 'Given up' : 'Retrying'}
                  </Badge>
                  <Text size="sm" fw={600}>
                    {eventWords[delivery.eventType] ?? delivery.eventType} to {delivery.subscriptionName ?? shortId(delivery.subscriptionId)}
                  </Text>
                </Group>
                <Text size="sm">
                  {delivery.attempts === 1 ? '1 try' : `${delivery.attempts} tries`}: {failureWords(delivery.lastError)} <Text span c="dimmed" size="xs">({delivery.lastError ?? 'none'})</Text>
                  {delivery.nextAttemptAt && delivery.status !== 'dead' ? ` — next try ${clinicTime(delivery.nextAttemptAt, timeZone, true)}` : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  Event {shortId(delivery.eventId)} · queue {delivery.queue}
                  {delivery.callId ? ` · call ${shortId(delivery.callId)}` : ''}
                  {delivery.taskId ? ` · task ${delivery.taskId}` : ''}
                </Text>
              </Stack>
              {mayRedeliver ? (
                <Button size="xs" variant="default" loading={sending === delivery.id} onClick={() => void redeliver(delivery)}>
                  Send again
                </Button>
              ) : null}
            </Group>
          </li>
        ))}
      </Stack>
    </Stack>
  );
}
