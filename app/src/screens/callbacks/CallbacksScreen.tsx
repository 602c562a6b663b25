import { Alert, Badge, Button, Card, Group, SegmentedControl, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { api, ApiError, read } from '../../api/client';
import { age, birthDate, clinicTime } from '../../shell/format';
import { useSession } from '../../shell/session';
import { Empty, Loading, Problem } from '../../shell/states';
import { CallPatientButton } from './CallPatientButton';
import { levelWords, originWords, outcomeWords, requestTypeWords, statusWords, type AttemptOutcome, type CallbackOrigin, type CallbackStatus } from './callbacks.words';

/** A task as the list and the detail show it (ids, codes, times; the engine adds age and overdue). */
export interface CallbackTaskView {
  id: string;
  origin: CallbackOrigin;
  status: CallbackStatus;
  patientId: string | null;
  callIds: string[];
  requestType: string | null;
  urgent: boolean;
  queue: string;
  owner: string | null;
  dueAt: string;
  escalationLevel: number;
  attempts: number;
  context: { ivrReason: string | null; requestTypes: string[]; redFlags: string[]; barriers: string[] };
  firstCallAt: string;
  afterHours: boolean;
  ageMinutes: number;
  overdue: boolean;
  minutesOverdue: number;
}
interface CallbackAttemptView { id: string; outcome: AttemptOutcome; agent: string; at: string; channel: 'phone' | 'sms'; escalationLevel: number }
interface CallbackDetail { task: CallbackTaskView; attempts: CallbackAttemptView[]; patient: { id: string; name: string | null; birthDate: string | null; unavailable?: string } | null }

const refreshMs = 10_000;
const outcomes = Object.keys(outcomeWords) as AttemptOutcome[];
const minutes = (count: number) => (count < 60 ? `${count} min` : `${Math.floor(count / 60)} h${count % 60 ? ` ${count % 60} min` : ''}`);

/**
 * Callbacks (issue 16, FU-1; front desk, nurses, clinicians, supervisors): the calls the clinic
 * owes a return call, urgent first, overdue marked in words and colour, each with its age, its
 * attempts and its rung on the escalation ladder. Open one to see whom to call and what they
 * called about (codes in words), then log what happened in one click, or complete it.
 */
export default function CallbacksScreen() {
  const { info } = useSession();
  const timeZone = info.clinic.timeZone;
  const queryClient = useQueryClient();
  const [show, setShow] = useState<'open' | 'mine' | 'closed'>('open');
  const [openId, setOpenId] = useState<string | null>(null);
  const query = show === 'closed' ? { status: 'completed,closed-unreachable,cancelled' } : show === 'mine' ? { mine: 'true' as const } : {};
  const list = useQuery({
    queryKey: ['callbacks', show],
    queryFn: () => read<{ now: string; tasks: CallbackTaskView[] }>(api.GET('/api/callbacks', { params: { query } })),
    refetchInterval: refreshMs,
  });
  const refresh = useCallback(() => queryClient.invalidateQueries({ queryKey: ['callbacks'] }), [queryClient]);

  return (
    <Stack gap="md" maw={900}>
      <Title order={1} size="h2">Callbacks</Title>
      <SegmentedControl
        aria-label="Which callbacks"
        value={show}
        onChange={(value) => setShow(value as typeof show)}
        data={[{ value: 'open', label: 'Open' }, { value: 'mine', label: 'Mine' }, { value: 'closed', label: 'Closed' }]}
      />
      {list.isPending ? <Loading what="callbacks" /> : null}
      {list.isError ? <Problem error={list.error} retry={() => void list.refetch()} /> : null}
      {list.data && list.data.tasks.length === 0 ? <Empty title="No callbacks here">Every call in your queues has been returned.</Empty> : null}
      <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {list.data?.tasks.map((task) => (
          <li key={task.id}>
            <CallbackCard task={task} timeZone={timeZone} open={openId === task.id} onToggle={() => setOpenId(openId === task.id ? null : task.id)} onChanged={refresh} />
          </li>
        ))}
      </Stack>
    </Stack>
  );
}

function CallbackCard({ task, timeZone, open, onToggle, onChanged }: { task: CallbackTaskView; timeZone: string; open: boolean; onToggle: () => void; onChanged: () => void }) {
  const headingId = `callback-${task.id}`;
  return (
    <Card withBorder padding="sm" radius="md" data-testid="callback-task" data-overdue={task.overdue} style={task.overdue ? { borderColor: 'var(--mantine-color-red-6)', borderWidth: 2 } : undefined}>
      <UnstyledButton onClick={onToggle} aria-expanded={open} aria-controls={`${headingId}-detail`} style={{ width: '100%' }}>
        <Stack gap={4}>
          <Group gap="xs" wrap="wrap">
            {task.urgent ? <Badge color="red" variant="filled">Urgent</Badge> : null}
            {task.overdue ? <Badge color="red" variant="light">Overdue {minutes(task.minutesOverdue)}</Badge> : null}
            {task.context.redFlags.length ? <Badge color="red" variant="outline">Red flag</Badge> : null}
            <Badge variant="light" color={task.status === 'escalated' ? 'orange' : 'gray'}>{statusWords[task.status]}</Badge>
          </Group>
          <Text fw={600} id={headingId}>
            {originWords[task.origin]} · {requestTypeWords(task.requestType)}
          </Text>
          <Text size="sm" c="dimmed">
            Waiting {age(task.firstCallAt)} · due {clinicTime(task.dueAt, timeZone, true)} · {task.attempts} {task.attempts === 1 ? 'attempt' : 'attempts'}
            {task.callIds.length > 1 ? ` · called ${task.callIds.length} times` : ''}
            {task.afterHours ? ' · after hours' : ''}
          </Text>
          {task.escalationLevel > 0 ? <Text size="sm" c="orange.8">Next: {levelWords[task.escalationLevel]}</Text> : null}
        </Stack>
      </UnstyledButton>
      {open ? <CallbackDetailPanel id={task.id} headingId={headingId} timeZone={timeZone} onChanged={onChanged} /> : null}
    </Card>
  );
}

function CallbackDetailPanel({ id, headingId, timeZone, onChanged }: { id: string; headingId: string; timeZone: string; onChanged: () => void }) {
  const queryClient = useQueryClient();
  const { me } = useSession();
  const detail = useQuery({
    queryKey: ['callbacks', 'detail', id],
    queryFn: () => read<CallbackDetail>(api.GET('/api/callbacks/{id}', { params: { path: { id } } })),
  });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; words: string } | null>(null);
  const act = useCallback(async (work: () => Promise<{ escalated?: boolean }>, done: string) => {
    setBusy(true);
    try {
      const answer = await work();
      setMessage({ ok: true, words: answer.escalated ? `${done} The callback moved up the ladder.` : done });
      await queryClient.invalidateQueries({ queryKey: ['callbacks', 'detail', id] });
      onChanged();
    } catch (error) {
      setMessage({ ok: false, words: error instanceof ApiError ? error.words : 'That did not work. Try again.' });
    } finally {
      setBusy(false);
    }
  }, [id, onChanged, queryClient]);

  if (detail.isPending) return <Loading what="the callback" />;
  if (detail.isError) return <Problem error={detail.error} retry={() => void detail.refetch()} />;
  const { task, attempts, patient } = detail.data;
  const closed = ['completed', 'closed-unreachable', 'cancelled'].includes(task.status);
  // Calling out through Twilio (issue 16): the roles that make callbacks.
  const canCall = ['intake', 'nurse', 'clinician'].includes(me.user.role);
  return (
    <Stack gap="sm" mt="sm" id={`${headingId}-detail`} aria-labelledby={headingId} role="region">
      <Text size="sm">
        {patient ? (
          <>Call back <strong>{patient.name ?? 'the patient'}</strong>{patient.birthDate ? `, born ${birthDate(patient.birthDate)}` : ''}{patient.unavailable ? ' (the EHR could not give the chart just now)' : ''}</>
        ) : 'Caller not identified: call back the number of the call.'}
      </Text>
      {task.context.requestTypes.length ? <Text size="sm">They called about: {task.context.requestTypes.map(requestTypeWords).join(', ')}</Text> : null}
      {task.context.redFlags.length ? <Text size="sm" c="red.8" fw={600}>Red flags: {task.context.redFlags.map(requestTypeWords).join(', ')}</Text> : null}
      <Text size="sm" c="dimmed">Queue {task.queue}{task.owner ? ` · owned by ${task.owner}` : ' · nobody has taken it yet'}</Text>
      {attempts.length ? (
        <Stack gap={2} component="ol" m={0} pl="md" aria-label="Attempts so far">
          {attempts.map((attempt) => (
            <Text size="sm" component="li" key={attempt.id}>
              {clinicTime(attempt.at, timeZone, true)}: {outcomeWords[attempt.outcome]}{attempt.channel === 'sms' ? ' (SMS)' : ''} — {attempt.agent.replace(/^staff:/, '')}
            </Text>
          ))}
        </Stack>
      ) : <Text size="sm" c="dimmed">No attempts yet.</Text>}
      {message ? <Alert color={message.ok ? 'green' : 'red'} role="status" variant="light" styles={{ title: { color: 'var(--mantine-color-text)' } }}>{message.words}</Alert> : null}
      {closed ? null : (
        <>
          {canCall ? <CallPatientButton taskId={id} onChanged={() => void queryClient.invalidateQueries({ queryKey: ['callbacks', 'detail', id] }).then(onChanged)} /> : null}
          <Text size="sm" fw={600}>What happened when you called?</Text>
          <Group gap="xs" wrap="wrap">
            {outcomes.map((outcome) => (
              <Button key={outcome} size="sm" variant={outcome === 'answered' ? 'filled' : 'light'} disabled={busy}
                onClick={() => void act(() => read(api.POST('/api/callbacks/{id}/attempts', { params: { path: { id } }, body: { outcome } })), `Logged: ${outcomeWords[outcome]}.`)}>
                {outcomeWords[outcome]}
              </Button>
            ))}
          </Group>
          <Group gap="xs" wrap="wrap">
            {task.owner ? null : (
              <Button size="sm" variant="default" disabled={busy} onClick={() => void act(() => read(api.POST('/api/callbacks/{id}/claim', { params: { path: { id } } })), 'It is yours now.')}>
                Take it
              </Button>
            )}
            <Button size="sm" disabled={busy} onClick={() => void act(() => read(api.POST('/api/callbacks/{id}/complete', { params: { path: { id } }, body: {} })), 'Completed.')}>
              Complete
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
