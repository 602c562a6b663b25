import { Alert, Badge, Button, Card, Checkbox, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, read } from '../../api/client';
import type { paths } from '../../api/openapi';
import { clinicTime, roleWords } from '../../shell/format';
import { useSession } from '../../shell/session';
import { useStepUp } from '../../shell/step-up';
import { Problem } from '../../shell/states';
import { NoteForm, SaveBar } from './NoteForm';
import { PatientHeader } from './PatientHeader';
import { RedFlags } from './RedFlags';
import { BookingLink } from './BookingLink';
import { NoTranscript, Transcript, type TranscriptMark } from './Transcript';
import type { Checklist, NoteField, OpenedItem, ReviewItem, ReviewNote } from './types';
import { VersionHistory } from './VersionHistory';
import { checklistWords, personInWords, reasonInWords, rejectionReasons, rejectionWords, statusWords, transcriptQualityInWords, transcriptSourceInWords, withMe } from './words';

const noChecks: Checklist = { patientIdentifiedCorrectly: false, actionAppropriate: false, noUnnecessaryPhi: false, neutralFactualTone: false };
const downgradeWords: Record<string, string> = {
  'not-current': 'The red flag is not happening now',
  misheard: 'The red flag was misheard in the transcript',
  'clinician-assessed': 'A clinician assessed the caller',
};
/** The edit body's fields as the engine types them (codes from its schema). */
type EditChanges = NonNullable<paths['/api/review/{id}']['patch']['requestBody']>['content']['application/json']['changes'];
const urgencyRank = { routine: 0, urgent: 1, emergency: 2 } as const;

/** True when the key press came from somewhere a person types: shortcuts never fire there. */
function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('[role="dialog"]') !== null;
}

interface ItemViewProps {
  opened: OpenedItem;
  /** After approve or reject: the screen opens the next item. */
  onDecided: (item: ReviewItem) => void;
  onNext: () => void;
  onPrevious: () => void;
  reload: () => Promise<unknown>;
}

/**
 * One review item: whose chart, red flags, the transcript with evidence, the editable summary, the
 * S0 checklist, history, and the decision. A decided item is read-only and says who decided when.
 */
export function ReviewItemView({ opened, onDecided, onNext, onPrevious, reload }: ItemViewProps) {
  const { me, info } = useSession();
  const timeZone = info.clinic.timeZone;
  const queryClient = useQueryClient();
  const stepUp = useStepUp();
  const { item } = opened;
  const people = withMe(opened.people, me.user);
  const readOnly = item.status !== 'pending';
  const [draft, setDraft] = useState<ReviewNote>(opened.note);
  const [checks, setChecks] = useState<Checklist>(noChecks);
  const [activeField, setActiveField] = useState<NoteField | null>(null);
  const [rejectReason, setRejectReason] = useState('');
  const [downgrade, setDowngrade] = useState('');
  const [raw, setRaw] = useState<OpenedItem | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const firstField = useRef<HTMLTextAreaElement | null>(null);
  const rejectSelect = useRef<HTMLSelectElement | null>(null);
  const headingRef = useRef<HTMLHeadingElement | null>(null);

  // A new version from the engine (saved, or someone else's) replaces the draft.
  useEffect(() => {
    setDraft(opened.note);
  }, [opened.note]);
  useEffect(() => {
    // A newly opened item (after a decision, or j/k) takes the focus the loading state dropped: never the page body.
    if (!document.activeElement || document.activeElement === document.body) headingRef.current?.focus();
    setChecks(noChecks);
    setRaw(null);
    setProblem(null);
    setRejectReason('');
  }, [item.id]);

  const changes = useMemo(() => Object.fromEntries((Object.keys(draft) as NoteField[]).filter((field) => draft[field] !== opened.note[field]).map((field) => [field, draft[field]])) as Partial<ReviewNote>, [draft, opened.note]);
  const dirty = Object.keys(changes).length > 0;
  const lowersRedFlag = item.redFlags.length > 0 && urgencyRank[draft.urgency] < urgencyRank[opened.note.urgency];

  const refresh = () => Promise.all([reload(), queryClient.invalidateQueries({ queryKey: ['review-list'] })]);
  /** Saves the edits (a new version) and returns the version to approve against. */
  const save = async (): Promise<number> => {
    if (!dirty) return item.currentVersion;
    const answer = await read<{ item: ReviewItem }>(
      api.PATCH('/api/review/{id}', { params: { path: { id: item.id } }, body: { baseVersion: item.currentVersion, changes: changes as EditChanges, ...(lowersRedFlag && downgrade ? { redFlagDowngrade: downgrade as 'not-current' } : {}) } }),
    );
    return answer.item.currentVersion;
  };
  const onError = async (error: unknown) => {
    setProblem(error);
    if (error instanceof ApiError && error.code === 'REVIEW_VERSION_STALE') await refresh();
  };
  const saving = useMutation({ mutationFn: save, onSuccess: () => { setProblem(null); return refresh(); }, onError });
  const approving = useMutation({
    mutationFn: async () => {
      const unticked = (Object.keys(checks) as (keyof Checklist)[]).filter((key) => !checks[key]);
      if (unticked.length) throw new ApiError(422, 'REVIEW_CHECKLIST_INCOMPLETE', 'Tick every line of the checklist before approving.');
      const baseVersion = await save();
      return read<{ item: ReviewItem }>(api.POST('/api/review/{id}/approve', { params: { path: { id: item.id } }, body: { baseVersion, checklist: checks } }));
    },
    onSuccess: async (answer) => {
      setProblem(null);
      await refresh();
      onDecided(answer.item);
    },
    onError,
  });
  const rejecting = useMutation({
    mutationFn: async () => {
      if (!rejectReason) throw new ApiError(400, 'REJECT_REASON_MISSING', 'Choose why you reject it first.');
      return read<{ item: ReviewItem }>(api.POST('/api/review/{id}/reject', { params: { path: { id: item.id } }, body: { reason: rejectReason as 'other' } }));
    },
    onSuccess: async (answer) => {
      setProblem(null);
      await refresh();
      onDecided(answer.item);
    },
    onError,
  });
  const assigning = useMutation({
    mutationFn: (assignee: string | null) => read(api.POST('/api/review/{id}/assign', { params: { path: { id: item.id } }, body: { assignee } })),
    onSuccess: () => { setProblem(null); return refresh(); },
    onError,
  });
  const [reassignTo, setReassignTo] = useState('');
  const reviewers = useQuery({
    queryKey: ['reviewers', item.id],
    queryFn: () => read<{ reviewers: { id: string; name: string; role: string }[] }>(api.GET('/api/review/{id}/reviewers', { params: { path: { id: item.id } } })),
    enabled: !readOnly,
    staleTime: 60_000,
  });
  const showRaw = useMutation({
    mutationFn: () => stepUp('raw-content', () => read<OpenedItem>(api.GET('/api/review/{id}', { params: { path: { id: item.id }, query: { redaction: 'off' } } }))),
    onSuccess: (answer) => setRaw(answer),
    onError,
  });

  // Keyboard shortcuts (listed on screen); never while typing in a field or in a dialog.
  const actions = useRef({ approve: () => {}, reject: () => {}, edit: () => {}, next: onNext, previous: onPrevious });
  actions.current = {
    approve: () => { if (!readOnly) approving.mutate(); },
    reject: () => { if (!readOnly) rejectSelect.current?.focus(); },
    edit: () => { if (!readOnly) firstField.current?.focus(); },
    next: onNext,
    previous: onPrevious,
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typingIn(event.target)) return;
      const action = ({ a: 'approve', r: 'reject', e: 'edit', j: 'next', k: 'previous' } as const)[event.key as 'a'];
      if (!action) return;
      event.preventDefault();
      actions.current[action]();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const shown = raw ?? opened;
  const marks: TranscriptMark[] = [
    ...Object.entries(shown.highlights?.evidence ?? {}).flatMap(([field, spans]) => (spans ?? []).map((span) => ({ start: span.start, end: span.end, kind: 'evidence' as const, of: field }))),
    ...(shown.highlights?.redFlags ?? []).map((flag) => ({ start: flag.start, end: flag.end, kind: 'red-flag' as const, of: flag.code })),
    ...(shown.transcript.unsureWords ?? []).map((span) => ({ start: span.start, end: span.end, kind: 'unsure' as const, of: 'unsure' })),
  ];
  const transcriptQuality = shown.transcript.quality ?? null;
  const evidenceCount = Object.fromEntries(Object.entries(opened.highlights?.evidence ?? {}).map(([field, spans]) => [field, spans?.length ?? 0]));
  const mayLiftRedaction = me.user.role === 'clinician' || me.user.role === 'supervisor';
  const decidedBy = personInWords(item.decidedBy, people, me.user.id);
  const assignedToMe = item.assignedTo === me.user.id;

  return (
    <Stack gap="md" data-open-item={item.id} data-status={item.status}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={2} size="h3" ref={headingRef} tabIndex={-1}>
          Review item
        </Title>
        {!readOnly && opened.aiDraft ? (
          <Badge color="violet" variant="light" size="lg" data-testid="ai-label">
            AI draft · not reviewed
          </Badge>
        ) : !readOnly ? (
          <Badge color="gray" variant="light" size="lg" data-testid="ai-label">
            {opened.versions.some((version) => version.generatedByAi) ? 'Edited by a person · not yet approved' : 'Written by a person · not yet approved'}
          </Badge>
        ) : null}
      </Group>

      {readOnly ? (
        <Alert color={item.status === 'rejected' ? 'red' : 'green'} variant="light" title={statusWords[item.status]} data-testid="decision">
          {item.status === 'approved'
            ? `Approved by ${decidedBy} at ${clinicTime(item.decidedAt, timeZone, true)}. It is read-only; the chart has the approved version.`
            : item.status === 'rejected'
              ? `Rejected by ${decidedBy} at ${clinicTime(item.decidedAt, timeZone, true)}: ${rejectionWords[item.rejectionReason ?? 'other'] ?? 'another reason'}. It is read-only.`
              : `Filed by the clinic’s policy at ${clinicTime(item.createdAt, timeZone, true)} without a person’s review. It is read-only.`}
        </Alert>
      ) : null}

      <PatientHeader opened={opened} readOnly={readOnly} onLinked={() => void refresh()} />
      <RedFlags opened={opened} />
      <BookingLink opened={opened} />

      <Card withBorder padding="sm">
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Why a person reviews it
          </Text>
          {item.reasons.length ? (
            <ul style={{ margin: 0, paddingInlineStart: '1.2em' }} data-testid="reasons">
              {item.reasons.map((reason) => (
                <li key={reason}>
                  <Text size="sm">{reasonInWords(reason)}</Text>
                </li>
              ))}
            </ul>
          ) : (
            <Text size="sm">No particular reason recorded.</Text>
          )}
          {opened.prompts.map((prompt) => (
            <Text key={prompt} size="sm" c="orange.9">
              {prompt}
            </Text>
          ))}
          <Group gap="xs" wrap="wrap" mt={4}>
            <Text size="sm" data-testid="assignee">
              {item.assignedTo ? `Assigned to ${personInWords(item.assignedTo, people, me.user.id)}` : 'Not assigned: anyone in the queue may take it'}
            </Text>
            {!readOnly && !assignedToMe ? (
              <Button size="xs" variant="light" onClick={() => assigning.mutate(me.user.id)} loading={assigning.isPending}>
                Assign to me
              </Button>
            ) : null}
            {!readOnly && item.assignedTo ? (
              <Button size="xs" variant="default" onClick={() => assigning.mutate(null)} loading={assigning.isPending}>
                Return to the queue
              </Button>
            ) : null}
          </Group>
          {!readOnly && reviewers.data ? (
            <Group gap="xs" wrap="wrap" align="flex-end">
              <NativeSelect
                size="xs"
                label="Reassign to"
                value={reassignTo}
                onChange={(event) => setReassignTo(event.currentTarget.value)}
                data={[{ value: '', label: 'Choose a person' }, ...reviewers.data.reviewers.filter((person) => person.id !== item.assignedTo).map((person) => ({ value: person.id, label: `${person.name}${person.id === me.user.id ? ' (you)' : ''} · ${roleWords[person.role] ?? 'Staff'}` }))]}
                style={{ minWidth: 0, flex: '1 1 200px' }}
              />
              <Button size="xs" variant="default" disabled={!reassignTo} onClick={() => { assigning.mutate(reassignTo); setReassignTo(''); }}>
                Reassign
              </Button>
            </Group>
          ) : null}
        </Stack>
      </Card>

      <Stack gap="md">
          <Card withBorder padding="sm" component="section" aria-labelledby="transcript-heading">
            <Stack gap="xs">
              <Group justify="space-between" wrap="wrap" gap="xs">
                <Title order={3} size="h5" id="transcript-heading">
                  {shown.transcript.redaction === 'off' ? 'Transcript (unredacted)' : 'Transcript (redacted)'}
                </Title>
                {mayLiftRedaction && !raw && opened.transcript.text ? (
                  <Button size="xs" variant="default" onClick={() => showRaw.mutate()} loading={showRaw.isPending}>
                    Show unredacted
                  </Button>
                ) : raw ? (
                  <Button size="xs" variant="default" onClick={() => setRaw(null)}>
                    Redact again
                  </Button>
                ) : null}
              </Group>
              {transcriptQuality ? (
                <Alert
                  data-testid="transcript-quality"
                  data-quality={transcriptQuality.quality ?? 'not-reported'}
                  // A standing fact about the transcript, not an event: a note, so screen readers do
                  // not announce it as an alert and the item's real alerts stay the only ones.
                  role="note"
                  color={transcriptQuality.quality === 'unusable' ? 'red' : transcriptQuality.quality === 'low' ? 'orange' : transcriptQuality.quality === 'ok' ? 'green' : 'gray'}
                  variant="light"
                  title={transcriptSourceInWords(transcriptQuality)}
                  // Dark text on the light fill: 4.5:1 contrast whatever the colour.
                  styles={{ title: { color: 'var(--mantine-color-text)' } }}
                >
                  {transcriptQualityInWords(transcriptQuality)}
                </Alert>
              ) : null}
              {shown.transcript.text ? <Transcript text={shown.transcript.text} marks={marks} activeField={activeField} /> : <NoTranscript />}
              <Text size="xs" c="dimmed">
                Yellow: the words behind the summary; click into a field below to see its own words in darker yellow. Red: words that raised a red flag.
              </Text>
              {shown.transcript.unsureWords?.length ? (
                <Text size="xs" data-testid="unsure-legend">
                  <span style={{ textDecoration: 'underline dotted #e8590c', textDecorationThickness: 2, textUnderlineOffset: 3 }}>Dotted orange underline</span>: the machine was unsure of these words. Check them against the call.
                </Text>
              ) : null}
            </Stack>
          </Card>
          <Card withBorder padding="sm" component="section" aria-labelledby="note-heading">
            <Stack gap="sm">
              <Title order={3} size="h5" id="note-heading">
                Summary and chart note
              </Title>
              <NoteForm note={readOnly ? opened.note : draft} readOnly={readOnly} evidenceCount={evidenceCount} timeZone={timeZone} onChange={(field, value) => setDraft((before) => ({ ...before, [field]: value }))} onFocusField={setActiveField} firstField={firstField} />
              {!readOnly && lowersRedFlag ? (
                <NativeSelect label="Why this red-flag call is less urgent" value={downgrade} onChange={(event) => setDowngrade(event.currentTarget.value)} data={[{ value: '', label: 'Choose a reason' }, ...Object.entries(downgradeWords).map(([value, label]) => ({ value, label }))]} />
              ) : null}
              {!readOnly ? <SaveBar dirty={dirty} saving={saving.isPending} onSave={() => saving.mutate()} onDiscard={() => setDraft(opened.note)} /> : null}
            </Stack>
          </Card>
      </Stack>

      {!readOnly ? (
        <Card withBorder padding="sm" component="section" aria-labelledby="decision-heading">
          <Stack gap="sm">
            <Title order={3} size="h5" id="decision-heading">
              Checklist and decision
            </Title>
            <Stack gap={6} data-testid="checklist">
              {(Object.keys(checklistWords) as (keyof Checklist)[]).map((key) => (
                <Checkbox key={key} label={checklistWords[key]} checked={checks[key]} onChange={(event) => { const checked = event.currentTarget.checked; setProblem(null); setChecks((before) => ({ ...before, [key]: checked })); }} data-check={key} />
              ))}
            </Stack>
            {problem ? <Problem error={problem} title="Not done" /> : null}
            <Group gap="sm" wrap="wrap" align="flex-end">
              <Button onClick={() => approving.mutate()} loading={approving.isPending}>
                {dirty ? 'Save and approve' : 'Approve'}
              </Button>
              <NativeSelect ref={rejectSelect} label="Reason to reject" value={rejectReason} onChange={(event) => setRejectReason(event.currentTarget.value)} data={[{ value: '', label: 'Choose a reason' }, ...rejectionReasons.map((value) => ({ value, label: rejectionWords[value]! }))]} style={{ minWidth: 0, flex: '1 1 220px' }} />
              <Button color="red.9" variant="outline" onClick={() => rejecting.mutate()} loading={rejecting.isPending}>
                Reject
              </Button>
            </Group>
          </Stack>
        </Card>
      ) : problem ? (
        <Problem error={problem} title="Not done" />
      ) : null}

      <Card withBorder padding="sm">
        <VersionHistory versions={opened.versions} people={people} me={me.user.id} timeZone={timeZone} rejectionReason={item.rejectionReason} />
      </Card>
    </Stack>
  );
}
