import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, ApiError, read } from '../../api/client';
import type { DobAnswer, ScreenPop, ScreenPopCandidate } from './types';
import { dobRefusalWords, isVerified, matchedOn } from './words';

/**
 * The agent's part in identifying the caller: on a shared number, pick the chart the caller names
 * (a pick, not verification); then type the date of birth the caller gives and let the engine
 * compare it. The card itself changes when the engine sends the updated screen pop.
 */
export function IdentityPanel({ pop, sharedNumberCandidates, active }: { pop: ScreenPop; sharedNumberCandidates: ScreenPopCandidate[] | undefined; active: boolean }) {
  const candidates = pop.outcome === 'several' ? pop.candidates : (sharedNumberCandidates ?? []);
  const pickedId = pop.outcome === 'unique' ? (pop.patient?.id ?? null) : null;
  const verified = isVerified(pop.confidence);
  const canCheckDob = !verified && !pop.restricted && (pop.outcome === 'unique' || pop.outcome === 'several');
  if (!active || (candidates.length < 2 && !canCheckDob)) return null;
  return (
    <Stack gap="sm">
      {candidates.length > 1 ? <CandidatePicker callId={pop.callId} candidates={candidates} pickedId={pickedId} moreCandidates={pop.moreCandidates} /> : null}
      {canCheckDob ? <DobCheck callId={pop.callId} /> : null}
    </Stack>
  );
}

function CandidatePicker({ callId, candidates, pickedId, moreCandidates }: { callId: string; candidates: ScreenPopCandidate[]; pickedId: string | null; moreCandidates: number }) {
  const labelId = useId();
  const pick = useMutation({
    mutationFn: (patientId: string) => read<{ patientId: string }>(api.POST('/api/calls/{id}/caller', { params: { path: { id: callId } }, body: { patientId } })),
  });
  return (
    <Stack gap={6} data-field="candidates">
      <Text size="sm" fw={600} id={labelId}>
        {pickedId ? 'Several charts share this number. Wrong person? Pick another:' : 'Several charts share this number. Ask who is calling, then pick their chart:'}
      </Text>
      <Group gap="xs" role="group" aria-labelledby={labelId}>
        {candidates.map((candidate) => (
          <Button
            key={candidate.patientId}
            size="compact-sm"
            variant={candidate.patientId === pickedId ? 'filled' : 'default'}
            aria-pressed={candidate.patientId === pickedId}
            loading={pick.isPending && pick.variables === candidate.patientId}
            onClick={() => pick.mutate(candidate.patientId)}
            data-candidate={candidate.patientId}
            styles={{ label: { whiteSpace: 'normal', textAlign: 'left' } }}
          >
            {candidate.name}
            {candidate.birthYear ? `, born ${candidate.birthYear}` : ''}
          </Button>
        ))}
      </Group>
      <Text size="xs" c="dimmed">
        {candidates.map((candidate) => `${candidate.name}: ${matchedOn(candidate.matchedOn)}`).join(' · ')}
        {moreCandidates ? ` · and ${moreCandidates} more charts: ask for the date of birth` : ''}
      </Text>
      {pick.isError ? (
        <Alert color="red" variant="light" role="alert" p="xs">
          {pick.error instanceof ApiError ? pick.error.words : 'The pick did not go through. Try again.'}
        </Alert>
      ) : null}
    </Stack>
  );
}

function DobCheck({ callId }: { callId: string }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const check = useMutation({
    mutationFn: (birthDate: string) => read<DobAnswer & { callId: string }>(api.POST('/api/calls/{id}/verify-dob', { params: { path: { id: callId } }, body: { birthDate } })),
    onSuccess: (answer) => {
      setProblem(answer.verified ? null : (dobRefusalWords[answer.reason] ?? dobRefusalWords['no-match']!));
      if (answer.verified) setValue('');
    },
    onError: (error) => setProblem(error instanceof ApiError ? error.words : 'The check did not go through. Try again.'),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      setProblem('Type the whole date of birth (month, day and year) first.');
      return;
    }
    check.mutate(value);
  };
  return (
    <form onSubmit={submit} data-field="dob-check">
      <Group align="flex-end" gap="xs" wrap="wrap">
        <TextInput
          type="date"
          label="Date of birth the caller gives"
          description="Checked against the chart; not stored"
          value={value}
          onChange={(event) => setValue(event.currentTarget.value)}
          style={{ flex: '1 1 12rem', minWidth: 0 }}
          error={problem ?? undefined}
        />
        <Button type="submit" loading={check.isPending}>
          Check date of birth
        </Button>
      </Group>
      <div role="status" aria-live="polite">
        {check.data?.verified ? (
          <Text size="sm" c="green.9" fw={600} mt={4} data-field="dob-verified">
            <span aria-hidden>✓ </span>Date of birth matches the chart: the caller is verified.
          </Text>
        ) : null}
      </div>
    </form>
  );
}
