import { Anchor, Box, Button, Card, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, read } from '../../api/client';
import { birthDate } from '../../shell/format';
import { Problem } from '../../shell/states';
import type { OpenedItem, ReviewPatient } from './types';
import { identityCheckWords, linkChecks } from './words';

function Fact({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </div>
  );
}

function identityInWords(opened: OpenedItem): { text: string; color: string } {
  const { identity } = opened;
  if (identity.verified && identity.confidence === 'staff-verified') {
    return { text: `Identity confirmed by staff${identity.check ? ` (${(identityCheckWords[identity.check.method] ?? 'checked').replace(/^I /, 'they ')})` : ''}`, color: 'green' };
  }
  if (identity.verified) return { text: 'Identity confirmed: the caller gave the date of birth', color: 'green' };
  if (opened.patient) return { text: 'Matched by phone number only: confirm who called', color: 'orange' };
  return { text: 'Caller not identified: find and link the chart', color: 'red' };
}

/** Whose chart this call is on: name, birth date, MRN, phone, a link into the EHR; for an unconfirmed caller, search and link. */
export function PatientHeader({ opened, readOnly, onLinked }: { opened: OpenedItem; readOnly: boolean; onLinked: () => void }) {
  const { patient } = opened;
  const identity = identityInWords(opened);
  const patientHeading = patient?.name ?? (patient ? 'Chart found, but the EHR did not give its details now' : 'No chart linked');
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="patient-heading" data-testid="patient-header">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={3} size="h4" id="patient-heading" data-testid="patient-name">
            {patientHeading}
          </Title>
          <Group gap={6} wrap="nowrap" align="center">
            <Box w={12} h={12} bg={`${identity.color}.7`} style={{ borderRadius: '50%', flexShrink: 0 }} aria-hidden />
            <Text size="sm" fw={600} data-testid="identity">
              {identity.text}
            </Text>
          </Group>
        </Group>
        {patient ? (
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <Fact label="Birth date" value={birthDate(patient.birthDate)} testId="patient-birth-date" />
            <Fact label="MRN" value={patient.mrn ?? '—'} testId="patient-mrn" />
            <Fact label="Phone" value={patient.phone ?? '—'} testId="patient-phone" />
            <Fact label="Sex" value={patient.gender ? patient.gender[0]!.toUpperCase() + patient.gender.slice(1) : '—'} testId="patient-sex" />
          </SimpleGrid>
        ) : null}
        {patient?.ehrUrl ? (
          <Anchor href={patient.ehrUrl} target="_blank" rel="noopener noreferrer" size="sm">
            Open the chart in the EHR
          </Anchor>
        ) : patient ? (
          <Text size="xs" c="dimmed">
            This EHR has no web link to the chart; look it up by MRN.
          </Text>
        ) : null}
        {opened.identity.mismatch.length ? (
          <Text size="sm" c="var(--callchart-danger-text)" role="note">
            The caller’s words do not fit this chart ({opened.identity.mismatch.map((what) => ({ age: 'age', sex: 'sex', name: 'name' })[what] ?? 'details').join(', ')}). Check it is the right patient.
          </Text>
        ) : null}
        {!readOnly && !opened.identity.verified ? <ConfirmPatient opened={opened} onLinked={onLinked} /> : null}
      </Stack>
    </Card>
  );
}

/** Confirm one of the charts the caller's number matched, or search the EHR and link the chart found. */
function ConfirmPatient({ opened, onLinked }: { opened: OpenedItem; onLinked: () => void }) {
  const id = opened.item.id;
  const [check, setCheck] = useState<string>('date-of-birth-confirmed');
  const [results, setResults] = useState<ReviewPatient[] | null>(null);
  const search = useMutation({
    mutationFn: async (form: { name: string; birthDate: string; mrn: string; phone: string }) => {
      const query = Object.fromEntries(Object.entries(form).filter(([, value]) => value.trim() !== '').map(([key, value]) => [key, value.trim()]));
      return read<{ patients: ReviewPatient[] }>(api.GET('/api/patients', { params: { query } }));
    },
    onSuccess: (answer) => setResults(answer.patients),
  });
  const link = useMutation({
    mutationFn: (patientId: string) => read(api.POST('/api/review/{id}/link-patient', { params: { path: { id } }, body: { patientId, check: check as (typeof linkChecks)[number] } })),
    onSuccess: onLinked,
  });
  const verify = useMutation({
    mutationFn: (patientId: string) => read(api.POST('/api/review/{id}/verify-identity', { params: { path: { id } }, body: { patientId } })),
    onSuccess: onLinked,
  });
  const candidates = opened.identity.candidates.length ? opened.identity.candidates : opened.patient ? [opened.patient] : [];
  return (
    <Stack gap="sm" data-testid="confirm-patient">
      {candidates.length ? (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Charts the caller’s number matched
          </Text>
          {candidates.map((candidate) => (
            <Group key={candidate.id} justify="space-between" wrap="wrap" gap="xs">
              <Text size="sm">
                {candidate.name ?? 'Name not available'} · born {birthDate(candidate.birthDate)} · MRN {candidate.mrn ?? '—'}
              </Text>
              <Button size="xs" variant="light" onClick={() => verify.mutate(candidate.id)} loading={verify.isPending}>
                This is the caller
              </Button>
            </Group>
          ))}
          {verify.error ? <Problem error={verify.error} title="Could not confirm the chart" /> : null}
        </Stack>
      ) : null}
      <form
        aria-label="Find the chart in the EHR"
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          search.mutate({ name: String(data.get('name') ?? ''), birthDate: String(data.get('birthDate') ?? ''), mrn: String(data.get('mrn') ?? ''), phone: String(data.get('phone') ?? '') });
        }}
      >
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            Find the chart in the EHR
          </Text>
          <Text size="xs" c="dimmed">
            A name with a birth date, an MRN, or a phone number.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
            <TextInput label="Name" name="name" autoComplete="off" />
            <TextInput label="Birth date" name="birthDate" type="date" />
            <TextInput label="MRN" name="mrn" autoComplete="off" data-testid="find-mrn" />
            <TextInput label="Phone" name="phone" type="tel" autoComplete="off" />
          </SimpleGrid>
          <Group>
            <Button type="submit" size="xs" variant="default" loading={search.isPending}>
              Search the EHR
            </Button>
          </Group>
        </Stack>
      </form>
      {search.error ? <Problem error={search.error} title="The search did not work" /> : null}
      {results ? (
        results.length === 0 ? (
          <Text size="sm">No chart matches. Check the spelling, or search by MRN.</Text>
        ) : (
          <Stack gap="xs" data-testid="search-results">
            <NativeSelect label="How you confirmed the caller" value={check} onChange={(event) => setCheck(event.currentTarget.value)} data={linkChecks.map((value) => ({ value, label: identityCheckWords[value]! }))} />
            {results.map((found) => (
              <Group key={found.id} justify="space-between" wrap="wrap" gap="xs">
                <Text size="sm">
                  {found.name ?? 'Name not available'} · born {birthDate(found.birthDate)} · MRN {found.mrn ?? '—'}
                </Text>
                <Button size="xs" onClick={() => link.mutate(found.id)} loading={link.isPending} data-link-patient={found.id}>
                  Link this chart
                </Button>
              </Group>
            ))}
            {link.error ? <Problem error={link.error} title="Could not link the chart" /> : null}
          </Stack>
        )
      ) : null}
    </Stack>
  );
}
