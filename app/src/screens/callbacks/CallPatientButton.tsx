import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, read } from '../../api/client';

/** An outbound call's status as the engine reports it (GET /api/callbacks/{id}/calls). */
type OutboundStatus = 'placing' | 'queued' | 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'no-answer' | 'busy' | 'failed' | 'canceled' | 'not-placed' | 'place-unknown';
interface OutboundCallView {
  id: string;
  status: OutboundStatus;
  attemptOutcome: string | null;
  answeredBy: string | null;
  requestedAt: string;
}

const active: readonly OutboundStatus[] = ['placing', 'queued', 'initiated', 'ringing', 'in-progress'];

/** The live status in words, and its colour. */
export function outboundStatusWords(call: Pick<OutboundCallView, 'status' | 'answeredBy'>): { words: string; color: string } {
  const machine = call.answeredBy !== null && call.answeredBy !== 'human' && call.answeredBy !== 'unknown';
  switch (call.status) {
    case 'placing':
    case 'queued':
    case 'initiated':
      return { words: 'Placing the call…', color: 'blue' };
    case 'ringing':
      return { words: 'Ringing…', color: 'blue' };
    case 'in-progress':
      return machine ? { words: 'Answering machine: leaving a message…', color: 'yellow' } : { words: 'Answered: your phone rings next', color: 'green' };
    case 'completed':
      return machine ? { words: 'Message left on the answering machine', color: 'yellow' } : { words: 'Answered', color: 'green' };
    case 'no-answer':
      return { words: 'No answer', color: 'orange' };
    case 'busy':
      return { words: 'No answer (line busy)', color: 'orange' };
    case 'failed':
      return { words: 'No answer (the call could not connect)', color: 'orange' };
    case 'canceled':
      return { words: 'Cancelled', color: 'gray' };
    case 'not-placed':
      return { words: 'Not placed', color: 'red' };
    case 'place-unknown':
      return { words: 'Unclear whether the call was placed', color: 'red' };
  }
}

/**
 * "Call" on a callback task (issue 16): Callchart calls the patient on the chart's number from the
 * clinic's number, asks their consents, then rings this person's phone. The live status follows
 * the call (placing, ringing, answered, no answer); the attempt lands on the task by itself.
 */
export function CallPatientButton({ taskId, onChanged }: { taskId: string; onChanged: () => void }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const calls = useQuery({
    queryKey: ['callbacks', 'calls', taskId],
    queryFn: () => read<{ calls: OutboundCallView[] }>(api.GET('/api/callbacks/{id}/calls', { params: { path: { id: taskId } } })),
    // Follow a call while it is on its way; then the task's attempts say the rest.
    refetchInterval: (query) => (query.state.data?.calls.some((call) => active.includes(call.status)) ? 2_000 : false),
  });
  const latest = calls.data?.calls[0] ?? null;
  const onItsWay = latest !== null && active.includes(latest.status);
  const [followed, setFollowed] = useState<string | null>(null);
  // The call just ended: the task has its attempt now.
  useEffect(() => {
    if (latest && followed === latest.id && !onItsWay) {
      setFollowed(null);
      onChanged();
    }
  }, [latest, followed, onItsWay, onChanged]);

  const call = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const answer = await read<{ call: OutboundCallView; placed: boolean }>(api.POST('/api/callbacks/{id}/call', { params: { path: { id: taskId } } }));
      setFollowed(answer.call.id);
      await queryClient.invalidateQueries({ queryKey: ['callbacks', 'calls', taskId] });
    } catch (error) {
      setProblem(error instanceof ApiError ? error.words : 'That did not work. Try again.');
    } finally {
      setBusy(false);
    }
  };

  const status = latest ? outboundStatusWords(latest) : null;
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Button size="sm" onClick={() => void call()} loading={busy} disabled={busy || onItsWay} aria-describedby={`call-status-${taskId}`}>
          Call
        </Button>
        {status ? <Badge color={status.color} variant="light" id={`call-status-${taskId}`} role="status" aria-live="polite">{status.words}</Badge> : null}
      </Group>
      <Text size="xs" c="dimmed">Calls the number in the chart from the clinic&apos;s number; your phone rings once they answer.</Text>
      {problem ? <Alert color="red" variant="light" role="alert">{problem}</Alert> : null}
    </Stack>
  );
}
