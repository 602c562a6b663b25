import type { ReactNode } from 'react';
import { Group, List, Stack, Text, Title } from '@mantine/core';
import { birthDate } from '../../shell/format';
import { Tag } from './Tag';
import type { ScreenPop, ScreenPopPatient } from './types';
import { identity, isVerified, outcomeHeading, readable, sexWords } from './words';

/**
 * The screen pop (ID-4) as the agent reads it while the phone rings: who is calling, how sure
 * that is, allergies first (a missed allergy is the costly mistake), then the last visit, pending
 * results and open tasks. What the engine withholds for the role (front desk) is said, not hidden.
 */
export function PatientCard({ pop }: { pop: ScreenPop }) {
  const patient = pop.patient;
  return (
    <Stack gap="xs" data-screen-pop={pop.callId} data-outcome={pop.outcome}>
      <Title order={3} size="h4" style={{ overflowWrap: 'anywhere' }}>
        {heading(pop)}
      </Title>
      {patient && !pop.restricted ? <Demographics patient={patient} /> : null}
      {pop.callerRole === 'caregiver' ? (
        <Text size="sm" data-field="caller-role">
          The caller is {pop.relationship ? `the patient's ${pop.relationship}` : 'a caregiver'}, not the patient.
        </Text>
      ) : null}
      <Group gap="xs" data-field="identity">
        <Tag tone={isVerified(pop.confidence) ? 'green' : 'orange'} icon={isVerified(pop.confidence) ? '✓' : '?'}>
          {identity(pop.confidence)}
        </Tag>
        {!isVerified(pop.confidence) && pop.outcome !== 'blocked' && pop.outcome !== 'lookup-failed' ? (
          <Text size="xs" c="dimmed">
            Caller ID is not identity: confirm the date of birth before discussing the chart.
          </Text>
        ) : null}
      </Group>
      {pop.restricted ? (
        <Text size="sm" fw={600} data-field="restricted">
          Restricted record: follow the restricted-record procedure. Nothing else is shown.
        </Text>
      ) : patient ? (
        <ChartDetails pop={pop} patient={patient} />
      ) : pop.outcome === 'unique' ? (
        <ChartState pop={pop} />
      ) : null}
    </Stack>
  );
}

function heading(pop: ScreenPop): string {
  if (pop.restricted) return 'Restricted record';
  if (pop.outcome === 'unique' && pop.patient) return pop.patient.name;
  if (pop.outcome === 'several') return `${pop.candidates.length + pop.moreCandidates} ${outcomeHeading.several}`;
  if (pop.outcome === 'unique') return 'Caller matches one chart';
  return Object.hasOwn(outcomeHeading, pop.outcome) ? outcomeHeading[pop.outcome]! : 'Caller not identified — look the caller up manually';
}

function Demographics({ patient }: { patient: ScreenPopPatient }) {
  const parts = [
    patient.age !== null ? `${patient.age} years` : null,
    patient.sex ? (sexWords[patient.sex] ?? readable(patient.sex)) : null,
    patient.mrn ? (/^MRN/i.test(patient.mrn) ? patient.mrn : `MRN ${patient.mrn}`) : null,
  ].filter(Boolean);
  return parts.length ? (
    <Text size="sm" c="dimmed" data-field="demographics">
      {parts.join(' · ')}
    </Text>
  ) : null;
}

function ChartState({ pop }: { pop: ScreenPop }) {
  if (pop.chartUnavailable) {
    return (
      <Text size="sm" data-field="chart-unavailable">
        Chart details did not load — open the chart in the EHR.
      </Text>
    );
  }
  if (!pop.complete) {
    return (
      <Text size="sm" c="dimmed" data-field="loading" role="status">
        Loading the chart summary…
      </Text>
    );
  }
  return null;
}

function ChartDetails({ pop, patient }: { pop: ScreenPop; patient: ScreenPopPatient }) {
  if (!pop.complete) return <ChartState pop={pop} />;
  return (
    <Stack gap={6}>
      {patient.fieldsWithheld ? (
        <Text size="sm" c="dimmed" data-field="withheld">
          Allergies, problems and medications are not shown to the front desk; the nurse sees them.
        </Text>
      ) : (
        <Allergies patient={patient} />
      )}
      <Detail label="Last visit" field="last-visit">
        {patient.lastVisit ? `${birthDate(patient.lastVisit.date)}${patient.lastVisit.reason ? ` — ${patient.lastVisit.reason}` : ''}` : 'None on file'}
      </Detail>
      {patient.fieldsWithheld ? null : (
        <>
          <Detail label="Pending results and orders" field="pending">
            {patient.pendingOrders.length ? patient.pendingOrders.join('; ') : 'None'}
          </Detail>
          <Detail label="Problems" field="problems">
            {patient.problems.length ? patient.problems.slice(0, 5).join('; ') : 'None on file'}
          </Detail>
          <Detail label="Medications" field="medications">
            {patient.activeMedications.length ? patient.activeMedications.slice(0, 6).join('; ') : 'None on file'}
          </Detail>
        </>
      )}
      <Detail label="Open tasks" field="open-tasks">
        {patient.openTasks.length ? patient.openTasks.join('; ') : 'None'}
      </Detail>
      <Detail label="Care team" field="care-team">
        {[patient.pcp ? `${patient.pcp} (primary care)` : null, ...patient.careTeam.filter((name) => name !== patient.pcp)].filter(Boolean).join(', ') || 'Not recorded'}
      </Detail>
    </Stack>
  );
}

function Allergies({ patient }: { patient: ScreenPopPatient }) {
  return (
    <div data-field="allergies">
      <Text size="sm" fw={700}>
        Allergies
      </Text>
      {patient.allergies.length ? (
        <List size="sm" spacing={2} listStyleType="none" ml={0} pl={0}>
          {patient.allergies.map((allergy) => (
            <List.Item key={allergy.substance} className="allergy" c="var(--callchart-danger-text)" fw={600}>
              <span aria-hidden>⚠ </span>
              {allergy.substance}
              {allergy.highRisk ? ' (high risk)' : ''}
            </List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm">{patient.noKnownAllergies ? 'No known allergies (recorded in the chart)' : 'Allergies not recorded — ask the caller'}</Text>
      )}
    </div>
  );
}

function Detail({ label, field, children }: { label: string; field: string; children: ReactNode }) {
  return (
    <Text size="sm" data-field={field} style={{ overflowWrap: 'anywhere' }}>
      <Text span fw={600} size="sm">
        {label}:{' '}
      </Text>
      {children}
    </Text>
  );
}
