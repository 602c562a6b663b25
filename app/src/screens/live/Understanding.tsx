import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, ApiError, read } from '../../api/client';
import { clinicTime, duration } from '../../shell/format';
import { useSession } from '../../shell/session';
import { Tag } from './Tag';
import type { CallUnderstanding, RedFlagsAnswer } from './types';
import { certainty, readable, redFlag, requestType, urgency } from './words';

/**
 * Everything machine-made on this screen carries this label until a person approves it in Review;
 * it says when the clinic's language model wrote the request types and summary (over the rules).
 */
export function AiLabel({ generatedBy }: { generatedBy?: string }) {
  const byModel = generatedBy === 'callchart-language-model';
  return (
    <Tag
      tone="grape"
      title={byModel ? "Proposed by the clinic's language model, checked against Callchart's rules; no person has reviewed it yet" : "Made by Callchart's rules from the call; no person has reviewed it yet"}
      data-field="ai-label"
      data-source={generatedBy ?? 'callchart-rules'}
    >
      {byModel ? 'AI · language model · not reviewed' : 'AI · not reviewed'}
    </Tag>
  );
}

/**
 * What Callchart understood from the call (clinical roles; the engine sends it to no one else):
 * the urgency, request types and the redacted summary, all marked as AI output. Its red flags are
 * at the top of the card (`RedFlags`).
 */
export function Understanding({ understanding }: { understanding: CallUnderstanding }) {
  const { info } = useSession();
  const summary = understanding.summary;
  return (
    <Stack gap="xs" data-understood={understanding.callId} data-urgency={understanding.urgency}>
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={700}>
          What the call was about
        </Text>
        <AiLabel generatedBy={understanding.generatedBy} />
        <Tag tone={understanding.urgency === 'emergency' ? 'red' : understanding.urgency === 'urgent' ? 'orange' : 'gray'} filled={understanding.urgency !== 'routine'} icon={understanding.urgency === 'routine' ? undefined : '!'}>
          {urgency(understanding.urgency)}
        </Tag>
      </Group>
      <Text size="sm" data-field="request-types">
        <Text span fw={600} size="sm">
          Request:{' '}
        </Text>
        {understanding.requestTypes.length ? understanding.requestTypes.map((type) => `${requestType(type.type)} (${certainty(type.confidence)}${type.source === 'callchart-language-model' ? ', model' : ''})`).join(', ') : 'Not classified'}
      </Text>
      {summary ? (
        <Stack gap={2} data-field="summary">
          <Text size="sm">
            <Text span fw={600} size="sm">
              Reason:{' '}
            </Text>
            {readable(summary.reasonForCall)}
          </Text>
          <Text size="sm">
            <Text span fw={600} size="sm">
              Action requested:{' '}
            </Text>
            {summary.actionRequested || '—'}
          </Text>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            <Text span fw={600} size="sm">
              Details (identifiers removed):{' '}
            </Text>
            {summary.details || '—'}
          </Text>
          <Text size="sm" c="dimmed">
            Next: {summary.nextStep || '—'} · {summary.owner ? readable(summary.owner) : 'no owner yet'} · follow up by {clinicTime(summary.followUpDue, info.clinic.timeZone, true)}
          </Text>
        </Stack>
      ) : null}
    </Stack>
  );
}

/**
 * Red flags loud — colour, an icon and words — at the top of the call's card, each with an
 * Acknowledge button; the acknowledgement is timed and audited by the engine, and then says who
 * and when.
 */
export function RedFlags({ understanding, callUpdatedAt }: { understanding: CallUnderstanding; callUpdatedAt: string | undefined }) {
  const { me, info } = useSession();
  const queryClient = useQueryClient();
  const callId = understanding.callId;
  const key = ['live-red-flags', callId];
  const acks = useQuery({ queryKey: key, queryFn: () => read<RedFlagsAnswer>(api.GET('/api/calls/{id}/red-flags', { params: { path: { id: callId } } })) });
  const { refetch } = acks;
  useEffect(() => {
    if (callUpdatedAt) void refetch();
  }, [callUpdatedAt, refetch]);
  const acknowledge = useMutation({
    mutationFn: (code: string) => read(api.POST('/api/calls/{id}/red-flags/acknowledge', { params: { path: { id: callId } }, body: { code, screen: 'live' } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const who = (by: string) => (by === `staff:${me.user.id}` ? 'you' : 'a colleague');
  return (
    <Stack gap={6} data-field="red-flags">
      {understanding.redFlags.map((flag) => {
        const ack = acks.data?.redFlags.find((entry) => entry.code === flag.code)?.acknowledgement ?? null;
        return (
          <Alert
            key={flag.code}
            color="red"
            variant={ack ? 'light' : 'filled'}
            icon={<span aria-hidden style={{ fontSize: '1.1rem' }}>⚠</span>}
            title={`Red flag: ${redFlag(flag.code)}${flag.status === 'uncertain' ? ' (possible)' : ''}`}
            data-red-flag={flag.code}
            data-acknowledged={ack ? 'yes' : 'no'}
            p="xs"
          >
            <Group gap="xs" justify="space-between" wrap="wrap">
              <Text size="sm" c={ack ? undefined : 'white'}>
                {ack
                  ? `Acknowledged by ${who(ack.acknowledgedBy)} at ${clinicTime(ack.acknowledgedAt, info.clinic.timeZone)} (${duration(ack.secondsToAcknowledge)} after it was raised)`
                  : 'Raised by Callchart (AI · not reviewed). Act on it now, then acknowledge.'}
              </Text>
              {ack ? null : (
                <Button size="compact-sm" color="dark" variant="white" loading={acknowledge.isPending && acknowledge.variables === flag.code} onClick={() => acknowledge.mutate(flag.code)}>
                  Acknowledge
                </Button>
              )}
            </Group>
          </Alert>
        );
      })}
      {acknowledge.isError ? (
        <Alert color="red" variant="light" role="alert" p="xs">
          {acknowledge.error instanceof ApiError ? acknowledge.error.words : 'The acknowledgement did not go through. Try again.'}
        </Alert>
      ) : null}
    </Stack>
  );
}
