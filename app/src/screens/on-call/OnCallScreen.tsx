import { Alert, Badge, Button, Card, Group, List, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { api, read } from '../../api/client';
import { Loading, Problem } from '../../shell/states';
import { checklistWords, redFlagInWords, requestTypeInWords, urgencyWords } from '../review/words';

/**
 * The on-call clinician's phone view (issue 16, AH-1), reached from the link in an SMS or push:
 * what the AI read in the call (marked as AI until a person approves), red flags loud, the chart
 * summary, the redacted summary and transcript, and four actions — approve the refill in one tap,
 * deny with a reason, hand to nurse triage, call the patient back from the clinic's number.
 */
interface OnCallView {
  notice: { id: string; sentAt: string | null; firstAction: string | null };
  item: { id: string; status: string; queue: string | null; priority: string; currentVersion: number };
  ai: { generated: boolean; approved: boolean; requestType: string; urgency: string };
  redFlags: { code: string; status: string }[];
  summary: { reasonForCall: string; details: string; actionRequested: string; nextStep: string; urgency: string };
  transcript: { redaction: 'on'; text: string | null };
  patient: { id: string; name: string | null; birthDate: string | null; verified: boolean } | null;
  chart: {
    problems: { text: string; since: string | null }[];
    medications: { id: string; text: string; dosage: string | null }[];
    allergies: { text: string; criticality: string | null }[];
    allergiesRecorded: boolean;
    recentVisits: { date: string | null; text: string }[];
  } | null;
  chartUnavailable: string | null;
  refill: { medicationRequestId: string; text: string; dosage: string | null } | null;
  refillWithheld: string | null;
  callBack: { available: boolean; clinicNumber: string | null };
  denialReasons: { code: string; words: string }[];
}

const withheldWords: Record<string, string> = {
  NOT_A_REFILL: 'This call is not a refill request.',
  IDENTITY_UNVERIFIED: "The caller's identity is not verified: no one-tap refill.",
  CHART_UNAVAILABLE: 'The chart could not be read just now: no one-tap refill.',
  NO_SINGLE_MATCH: 'The refill does not match exactly one active medication: hand it to nurse triage.',
  TRANSCRIPT_UNUSABLE: 'The machine could not hear this call reliably: listen to it or call back. No one-tap refill.',
};

const outcomeWords: Record<string, string> = {
  approved: 'Refill approved. The order is on its way to the chart.',
  'already-approved': 'Already approved. The order went to the chart once.',
  denied: 'Refill denied. The chart gets the follow-up Task.',
  'handed-off': 'Handed to nurse triage.',
  'ringing-you': 'Calling your phone now. Answer it to be connected to the patient.',
};

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card withBorder padding="sm" component="section" aria-label={title}>
      <Title order={3} size="h5" mb={6}>{title}</Title>
      {children}
    </Card>
  );
}

export default function OnCallScreen() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'On call · Callchart';
  }, []);
  const view = useQuery({
    queryKey: ['on-call', id],
    queryFn: () => read<OnCallView>(api.GET('/api/on-call/{id}', { params: { path: { id } } })),
  });
  const act = useMutation({
    mutationFn: async (action: 'approve' | 'deny' | 'hand-off' | 'call-back') => {
      const current = view.data!;
      const path = { params: { path: { id } } };
      if (action === 'approve') return read<{ outcome: string }>(api.POST('/api/on-call/{id}/approve-refill', { ...path, body: { baseVersion: current.item.currentVersion, medicationRequestId: current.refill!.medicationRequestId } }));
      if (action === 'deny') return read<{ outcome: string }>(api.POST('/api/on-call/{id}/deny', { ...path, body: { baseVersion: current.item.currentVersion, reason: reason as 'other' } }));
      if (action === 'hand-off') return read<object>(api.POST('/api/on-call/{id}/hand-off', path)).then(() => ({ outcome: 'handed-off' }));
      return read<{ status: string }>(api.POST('/api/on-call/{id}/call-back', path)).then((answer) => ({ outcome: answer.status }));
    },
    onSuccess: (answer) => {
      setDone(answer.outcome);
      void queryClient.invalidateQueries({ queryKey: ['on-call', id] });
    },
  });

  if (view.isPending) return <Loading what="the on-call item" />;
  if (view.isError) return <Problem error={view.error} retry={() => void view.refetch()} />;
  const data = view.data;
  const pending = data.item.status === 'pending';
  return (
    <Stack gap="sm" maw={560} data-on-call-item={data.item.id} data-status={data.item.status}>
      <Title order={2}>After-hours call</Title>
      {data.patient ? (
        <Text fw={600} data-testid="on-call-patient">
          {data.patient.name ?? 'Name not available'}{data.patient.birthDate ? ` · born ${data.patient.birthDate}` : ''}{data.patient.verified ? '' : ' · identity not verified'}
        </Text>
      ) : <Text>Caller not matched to a chart.</Text>}

      {data.redFlags.map((flag) => (
        <Alert key={flag.code} color="red" variant="filled" title={`Red flag: ${redFlagInWords(flag.code)}`} data-red-flag-code={flag.code} role="alert" />
      ))}

      <Section title="What the AI read in the call">
        <Group gap="xs" wrap="wrap">
          {data.ai.approved ? null : <Badge color="violet" variant="filled" data-testid="ai-marker">AI · not reviewed</Badge>}
          <Badge color="blue" variant="light" data-testid="ai-request-type">{requestTypeInWords(data.ai.requestType)}</Badge>
          <Badge color={data.ai.urgency === 'routine' ? 'gray' : 'red'} variant="light" data-testid="ai-urgency">{urgencyWords[data.ai.urgency] ?? data.ai.urgency}</Badge>
        </Group>
        <Text size="sm" mt={6} data-testid="summary">{data.summary.details || 'No summary.'}</Text>
        {data.summary.actionRequested ? <Text size="sm">Requested: {data.summary.actionRequested}</Text> : null}
      </Section>

      {done ? <Alert color="green" role="status" data-testid="on-call-outcome">{outcomeWords[done] ?? done}</Alert> : null}
      {act.isError ? <Alert color="red" role="alert">{(act.error as Error).message}</Alert> : null}

      {pending ? (
        <Section title="Act">
          <Stack gap="xs">
            {data.refill ? (
              <>
                <Text size="sm" c="dimmed">Approving confirms: {Object.values(checklistWords).join('; ')}.</Text>
                <Button size="lg" onClick={() => act.mutate('approve')} loading={act.isPending && act.variables === 'approve'} data-testid="approve-refill">
                  Approve refill: {data.refill.text}
                </Button>
              </>
            ) : <Text size="sm" data-testid="refill-withheld">{withheldWords[data.refillWithheld ?? ''] ?? ''}</Text>}
            {data.ai.requestType === 'prescription_refill' && data.patient ? (
              <Group gap="xs" align="end" wrap="wrap">
                <Select label="Reason to deny" data={data.denialReasons.map((entry) => ({ value: entry.code, label: entry.words }))} value={reason} onChange={setReason} w={240} />
                <Button color="red" variant="outline" disabled={!reason} onClick={() => act.mutate('deny')}>Deny refill</Button>
              </Group>
            ) : null}
            <Button variant="default" onClick={() => act.mutate('hand-off')} data-testid="hand-off">Hand to nurse triage</Button>
          </Stack>
        </Section>
      ) : <Text data-testid="decided">This item was {data.item.status}.</Text>}
      {data.callBack.available ? (
        <Button variant="light" onClick={() => act.mutate('call-back')} data-testid="call-back">
          Call the patient back (they will see {data.callBack.clinicNumber})
        </Button>
      ) : null}

      <Section title="Chart">
        {data.chart ? (
          <Stack gap={6} data-testid="chart-summary">
            <Text size="sm" fw={600}>Problems</Text>
            <List size="sm">{data.chart.problems.map((problem) => <List.Item key={`${problem.text}${problem.since}`}>{problem.text}</List.Item>)}</List>
            <Text size="sm" fw={600}>Medications</Text>
            <List size="sm">{data.chart.medications.map((medication) => <List.Item key={medication.id}>{medication.text}{medication.dosage ? ` — ${medication.dosage}` : ''}</List.Item>)}</List>
            <Text size="sm" fw={600}>Allergies</Text>
            {data.chart.allergiesRecorded
              ? <List size="sm">{data.chart.allergies.map((allergy) => <List.Item key={allergy.text} c={allergy.criticality === 'high' ? 'var(--callchart-danger-text)' : undefined}>{allergy.text}</List.Item>)}</List>
              : <Text size="sm">No allergies recorded</Text>}
            <Text size="sm" fw={600}>Recent visits</Text>
            <List size="sm">{data.chart.recentVisits.map((visit) => <List.Item key={`${visit.date}${visit.text}`}>{visit.date ?? ''} {visit.text}</List.Item>)}</List>
          </Stack>
        ) : <Text size="sm">The chart is not available ({data.chartUnavailable === 'NO_PATIENT' ? 'no chart for this caller' : 'the EHR did not answer'}).</Text>}
      </Section>

      <Section title="Transcript (redacted)">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="transcript">{data.transcript.text ?? 'No transcript.'}</Text>
      </Section>
    </Stack>
  );
}
