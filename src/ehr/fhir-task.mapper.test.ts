import { validateResource } from '@medplum/core';
import type { Task } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFhirR4Definitions } from '../sandbox-ehr/fhir-definitions.loader.ts';
import type { RequiredCodeIndex } from '../sandbox-ehr/required-codes.ts';
import { validateWrite } from '../sandbox-ehr/validating-repository.ts';
import {
  buildCallTask, callchartTagSystem, callTaskIdentifierSystem, callTaskIfNoneExist, relinkCallTask, type CallTaskInput,
} from './fhir-task.mapper.ts';
import type { CallerMatch } from './patient-match.ts';

// Synthetic call and match data only.
const authoredAt = new Date('2026-01-05T14:02:00Z');

const matches: Record<'unique' | 'uniqueAniOnly' | 'several' | 'none' | 'blocked' | 'caregiver', CallerMatch> = {
  unique: { outcome: 'unique', confidence: 'ani-dob-verified', candidates: [{ patientId: 'pat-a', matchedOn: 'primary-phone' }] },
  uniqueAniOnly: { outcome: 'unique', confidence: 'ani-only', candidates: [{ patientId: 'pat-a', matchedOn: 'primary-phone' }] },
  several: {
    outcome: 'several',
    confidence: 'ani-only',
    candidates: [
      { patientId: 'pat-a', matchedOn: 'primary-phone' },
      { patientId: 'pat-b', matchedOn: 'primary-phone' },
    ],
  },
  none: { outcome: 'none', confidence: 'none', candidates: [] },
  blocked: { outcome: 'blocked', confidence: 'none', candidates: [] },
  caregiver: {
    outcome: 'unique',
    confidence: 'ani-dob-verified',
    candidates: [{ patientId: 'pat-c', matchedOn: 'caregiver-phone', relatedPersonId: 'rp-1', relationship: 'daughter' }],
  },
};

function input(match: CallerMatch | null, overrides: Partial<CallTaskInput> = {}): CallTaskInput {
  return {
    provider: 'synthetic-pbx',
    providerCallId: 'call-syn-0001',
    callStatus: 'ended',
    match,
    requestType: 'prescription_refill',
    requestTypeLabel: 'Prescription refill',
    startedAt: '2026-01-05T14:00:00Z',
    authoredAt,
    ...overrides,
  };
}

describe('buildCallTask', () => {
  let requiredCodes: RequiredCodeIndex;
  beforeAll(() => {
    requiredCodes = loadFhirR4Definitions().requiredCodes;
  });

  it.each([...Object.keys(matches), 'null'] as const)('builds a Task the FHIR R4 validator accepts (match: %s)', (key) => {
    const task = buildCallTask(input(key === 'null' ? null : matches[key as keyof typeof matches]));
    const issues = validateResource(task);
    expect(issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')).toEqual([]);
    // Required value-set bindings (status, intent, priority) too, which validateResource does not check.
    expect(validateWrite(task, requiredCodes)).toEqual([]);
  });

  it('carries the call business identifier, status requested, intent order', () => {
    const task = buildCallTask(input(matches.unique));
    expect(task.identifier).toEqual([{ system: callTaskIdentifierSystem, value: 'synthetic-pbx/call-syn-0001' }]);
    expect(task.status).toBe('requested');
    expect(task.intent).toBe('order');
    expect(task.authoredOn).toBe('2026-01-05T14:02:00.000Z');
    expect(task.executionPeriod).toEqual({ start: '2026-01-05T14:00:00Z' });
  });

  it('on caller ID alone only suggests the chart, never links it (ID-2)', () => {
    const task = buildCallTask(input(matches.uniqueAniOnly));
    expect(task.for).toBeUndefined();
    expect(task.requester).toBeUndefined();
    const suggestion = task.input?.find((i) => i.type.text === 'suggested-patient-unverified');
    expect(suggestion?.valueReference).toEqual({ reference: 'Patient/pat-a' });
  });

  it('links the patient only on a unique, verified match', () => {
    expect(buildCallTask(input(matches.unique)).for).toEqual({ reference: 'Patient/pat-a' });
    for (const match of [matches.several, matches.none, matches.blocked, null]) {
      const task = buildCallTask(input(match));
      expect(task.for).toBeUndefined();
      expect(JSON.stringify(task)).not.toContain('Patient/');
    }
  });

  it('a caregiver call is for the patient and requested by the RelatedPerson', () => {
    const task = buildCallTask(input(matches.caregiver));
    expect(task.for).toEqual({ reference: 'Patient/pat-c' });
    expect(task.requester).toEqual({ reference: 'RelatedPerson/rp-1' });
    expect(buildCallTask(input(matches.unique)).requester).toBeUndefined();
  });

  it('is tagged automated-unreviewed', () => {
    const task = buildCallTask(input(matches.unique));
    expect(task.meta?.tag).toContainEqual(expect.objectContaining({ system: callchartTagSystem, code: 'automated-unreviewed' }));
  });

  it('carries the identity confidence and match outcome so nobody mistakes ANI for verification', () => {
    const values = (task: Task) => Object.fromEntries((task.input ?? []).map((i) => [i.type.text, i.valueString]));
    expect(values(buildCallTask(input(matches.unique)))).toEqual({ 'caller-identity-confidence': 'ani-dob-verified', 'caller-match-outcome': 'unique' });
    expect(values(buildCallTask(input(matches.uniqueAniOnly)))).toMatchObject({ 'caller-identity-confidence': 'ani-only', 'caller-match-outcome': 'unique' });
    expect(values(buildCallTask(input(null)))).toEqual({ 'caller-identity-confidence': 'none', 'caller-match-outcome': 'none' });
  });

  it('says a missed call was missed', () => {
    expect(buildCallTask(input(matches.unique, { callStatus: 'missed' })).description).toBe('Phone call: Prescription refill (missed call)');
    expect(buildCallTask(input(matches.unique)).description).toBe('Phone call: Prescription refill');
  });

  it('never carries transcript text, even when the caller object has it', () => {
    const canary = 'CANARY-synthetic-transcript-7f3e: my lisinopril ran out';
    const withTranscript = { ...input(matches.caregiver), transcript: canary, transcriptText: canary };
    const task = buildCallTask(withTranscript);
    expect(JSON.stringify(task)).not.toContain('CANARY-synthetic-transcript-7f3e');
    expect(JSON.stringify(task)).not.toContain('lisinopril');
  });
});

describe('callTaskIfNoneExist', () => {
  it('is identifier=<url-encoded system|value>', () => {
    const header = callTaskIfNoneExist('synthetic-pbx', 'call-syn-0001');
    expect(header).toBe(`identifier=${encodeURIComponent('https://callchart.dev/fhir/sid/call-task|synthetic-pbx/call-syn-0001')}`);
    expect(header).toBe('identifier=https%3A%2F%2Fcallchart.dev%2Ffhir%2Fsid%2Fcall-task%7Csynthetic-pbx%2Fcall-syn-0001');
    expect(new URLSearchParams(header).get('identifier')).toBe(`${callTaskIdentifierSystem}|synthetic-pbx/call-syn-0001`);
  });

  it('encodes characters a PBX call id may contain so they cannot split the query', () => {
    const header = callTaskIfNoneExist('synthetic-pbx', 'a&b=c d#f?g');
    expect(header).not.toMatch(/[&#? ]/);
    expect(header.split('=')).toHaveLength(2);
    expect(new URLSearchParams(header).get('identifier')).toBe(`${callTaskIdentifierSystem}|synthetic-pbx/a&b=c d#f?g`);
  });

  // BUG (reported): FHIR search token values must escape `,` `|` `$` `\` with a backslash
  // (https://hl7.org/fhir/R4/search.html#escaping). Unescaped, a call id `abc,def` is read by the
  // server as `identifier=<system>|synthetic-pbx/abc` OR `identifier=def`, so the conditional create
  // can match another call's Task (or several, which fails with 412).
  it('escapes FHIR search special characters in the call id', () => {
    const decoded = new URLSearchParams(callTaskIfNoneExist('synthetic-pbx', 'abc,def|x$y')).get('identifier');
    expect(decoded).toBe(`${callTaskIdentifierSystem}|synthetic-pbx/abc\\,def\\|x\\$y`);
  });

  it('matches the identifier the Task carries', () => {
    const task = buildCallTask(input(matches.unique));
    const [identifier] = task.identifier ?? [];
    expect(new URLSearchParams(callTaskIfNoneExist('synthetic-pbx', 'call-syn-0001')).get('identifier')).toBe(`${identifier?.system}|${identifier?.value}`);
  });
});

describe('relinking a Task when identity is verified after it was written', () => {
  const base = { provider: 'p', providerCallId: 'c1', callStatus: 'completed', requestType: 'appointment', requestTypeLabel: 'Appointment', startedAt: null, authoredAt: new Date('2026-01-01T00:00:00Z') };
  const aniOnly = { outcome: 'unique', confidence: 'ani-only', candidates: [{ patientId: 'pat-1' }] } as unknown as CallerMatch;
  const verified = { outcome: 'unique', confidence: 'ani-dob-verified', candidates: [{ patientId: 'pat-1' }] } as unknown as CallerMatch;

  it('sets the subject, updates the confidence and drops the unverified suggestion, keeping the rest', () => {
    const existing = { ...buildCallTask({ ...base, match: aniOnly }), id: 't1', meta: { versionId: '1' } };
    const relinked = relinkCallTask(existing, buildCallTask({ ...base, match: verified }))!;
    expect(relinked.id).toBe('t1');
    expect(relinked.meta?.versionId).toBe('1');
    expect(relinked.for?.reference).toBe('Patient/pat-1');
    expect(relinked.input?.find((input) => input.type.text === 'caller-identity-confidence')?.valueString).toBe('ani-dob-verified');
    expect(relinked.input?.some((input) => input.type.text === 'suggested-patient-unverified')).toBe(false);
    expect(relinked.description).toBe(existing.description);
  });

  it("moves a Task filed on the wrong chart to the one staff linked, without the first chart's caregiver as requester (issue 12)", () => {
    const onCaregiversPatient = { ...buildCallTask({ ...base, match: matches.caregiver }), id: 't2' };
    expect(onCaregiversPatient.requester?.reference).toBe('RelatedPerson/rp-1');
    const staffLinked: CallerMatch = { outcome: 'unique', confidence: 'staff-verified', candidates: [{ patientId: 'pat-baby', matchedOn: 'staff-link' }] };
    const moved = relinkCallTask(onCaregiversPatient, buildCallTask({ ...base, match: staffLinked }))!;
    expect(moved.for?.reference).toBe('Patient/pat-baby');
    expect(moved.requester).toBeUndefined();
    expect(moved.input?.find((input) => input.type.text === 'caller-identity-confidence')?.valueString).toBe('staff-verified');
    expect(relinkCallTask(moved, buildCallTask({ ...base, match: staffLinked }))).toBeNull();
  });

  it('changes nothing when the Task already has that subject or identity is still unverified', () => {
    const linked = buildCallTask({ ...base, match: verified });
    expect(relinkCallTask(linked, buildCallTask({ ...base, match: verified }))).toBeNull();
    expect(relinkCallTask(buildCallTask({ ...base, match: aniOnly }), buildCallTask({ ...base, match: aniOnly }))).toBeNull();
  });
});
