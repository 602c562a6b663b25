import { Anchor, Badge, Button, Code, Group, List, Paper, Stack, Text } from '@mantine/core';
import { memo } from 'react';
import { Link } from 'react-router';
import { clinicTime } from '../../shell/format';
import { cancelReasonWords, eventWords, kindWords, mayCancel, mayRetry, shortId, statusColor, statusLabel, targetWords, waitsForEhr } from './worklist.words';
import type { WorklistItem } from './worklist.types';

interface Props {
  item: WorklistItem;
  /** The EHR this item goes to is down (or its breaker is open). */
  ehrDown: boolean;
  timeZone: string;
  /** Supervisors open the call's review item; an administrator does not use Review. */
  linkToReview: boolean;
  onRetry: (item: WorklistItem) => void;
  onCancel: (item: WorklistItem) => void;
  retrying: boolean;
}

/** The id of an item's heading: focus goes there when its buttons go away (after a retry or a cancel). */
export const itemHeadingId = (id: string) => `write-back-${id}`;

/**
 * One chart write: what it is, for which call and chart (ids, no names), its status in words, the
 * EHR's reason with each code beside its words, who cancelled it and why. Memoised with a stable
 * key, so a refresh updates it in place and keyboard focus stays where it was.
 */
export const WorklistItemCard = memo(function WorklistItemCard({ item, ehrDown, timeZone, linkToReview, onRetry, onCancel, retrying }: Props) {
  const headingId = itemHeadingId(item.id);
  const waiting = waitsForEhr(item, ehrDown);
  const label = statusLabel(item, ehrDown);
  const color = statusColor[waiting ? 'waiting' : item.status];
  return (
    <Paper component="li" withBorder p="sm" radius="sm" aria-labelledby={headingId} data-testid="worklist-item" data-status={item.status} data-item-id={item.id}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="wrap" align="flex-start">
          <Stack gap={0} style={{ minWidth: 0, flex: '1 1 220px' }}>
            <Text component="h3" id={headingId} fw={600} size="sm" m={0} tabIndex={-1}>
              {kindWords[item.kind]}
              {item.eventType ? `: ${eventWords[item.eventType] ?? 'an event'}` : ''}
            </Text>
            <Text size="xs" c="dimmed">
              Queued {clinicTime(item.createdAt, timeZone, true)} · {targetWords[item.target]} · item {shortId(item.id)}
            </Text>
          </Stack>
          <Badge color={color} variant="filled" size="lg" radius="sm" style={{ textTransform: 'none' }}>
            {label}
          </Badge>
        </Group>

        <Group gap="md" wrap="wrap">
          <Text size="sm">
            Call:{' '}
            {item.callId ? (
              linkToReview && item.reviewId ? (
                <Anchor component={Link} to={`/review/${item.reviewId}`} aria-label={`Open the review of call ${shortId(item.callId)}`}>
                  {shortId(item.callId)}
                </Anchor>
              ) : (
                <Code>{shortId(item.callId)}</Code>
              )
            ) : (
              <Text span c="dimmed" size="sm">
                none (an event)
              </Text>
            )}
          </Text>
          <Text size="sm">
            Chart:{' '}
            {item.patientId ? (
              <Code>Patient/{item.patientId}</Code>
            ) : (
              <Text span c="dimmed" size="sm">
                not shown
              </Text>
            )}
          </Text>
          {item.reviewVersion ? <Text size="sm">Review version {item.reviewVersion}</Text> : null}
          <Text size="sm">
            {item.attempts === 0 ? 'Not tried yet' : item.attempts === 1 ? 'Tried once' : `Tried ${item.attempts} times`}
          </Text>
          {item.deliveredAt ? <Text size="sm">Sent {clinicTime(item.deliveredAt, timeZone, true)}</Text> : null}
        </Group>

        {waiting ? (
          <Text size="sm">
            {item.waitingSince
              ? `Waiting for the EHR since ${clinicTime(item.waitingSince, timeZone, true)}. It is sent by itself when the EHR answers${item.nextAttemptAt ? ` (next try ${clinicTime(item.nextAttemptAt, timeZone)})` : ''}.`
              : 'Waiting in line behind earlier chart writes until the EHR answers; they go oldest first.'}
          </Text>
        ) : null}

        {item.failure && item.status !== 'cancelled' ? (
          <Stack gap={4} role={item.status === 'failed' ? 'group' : undefined} aria-label={item.status === 'failed' ? 'Why it failed' : undefined}>
            <Text size="sm">
              <Text span fw={600} size="sm">
                {item.status === 'failed' ? 'Why it failed: ' : 'Last try: '}
              </Text>
              {item.failure.words} <Code>{item.failure.code}</Code>
            </Text>
            {item.failure.ehrReasons.length ? (
              <List size="sm" spacing={2} aria-label="What the EHR said">
                {item.failure.ehrReasons.map((reason) => (
                  <List.Item key={reason.code}>
                    {reason.words} <Code>{reason.code}</Code>
                  </List.Item>
                ))}
              </List>
            ) : null}
          </Stack>
        ) : null}

        {item.cancelled ? (
          <Text size="sm">
            Cancelled {clinicTime(item.cancelled.at, timeZone, true)} by {item.cancelled.byName ?? item.cancelled.by ?? 'someone'}: {item.cancelled.reason ? cancelReasonWords[item.cancelled.reason] : 'no reason recorded'}. It will not be sent.
          </Text>
        ) : null}

        {mayRetry(item) || mayCancel(item) ? (
          <Group gap="xs">
            {mayRetry(item) ? (
              <Button size="xs" onClick={() => onRetry(item)} loading={retrying} aria-label={`Retry item ${shortId(item.id)}`}>
                Retry
              </Button>
            ) : null}
            {mayCancel(item) ? (
              <Button size="xs" variant="default" color="red" onClick={() => onCancel(item)} aria-label={`Cancel item ${shortId(item.id)}`}>
                Cancel…
              </Button>
            ) : null}
          </Group>
        ) : null}
      </Stack>
    </Paper>
  );
});
