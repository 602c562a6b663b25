import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { isCallchartError } from '../lib/errors.ts';
import { criteriaOf, demographicsOf, maxSearchResults, patientSearchParams, patientSearchQuerySchema, searchResults } from './patient-search.ts';

// Synthetic patients only.
const patient = (id: string, overrides: Partial<Patient> = {}): Patient => ({
  resourceType: 'Patient', id, active: true, birthDate: '1952-03-03', gender: 'female',
  name: [{ use: 'official', given: ['Maria', 'Elena'], family: 'Lopez' }],
  identifier: [
    { system: 'https://other.example/id', value: 'X-1' },
    { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'https://sandbox.callchart.dev/mrn', value: 'MRN420042' },
  ],
  telecom: [{ system: 'email', value: 'x@example.invalid' }, { system: 'phone', value: '+15085550199', rank: 2 }, { system: 'phone', value: '+16175550142', rank: 1 }],
  ...overrides,
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isCallchartError(error)) return error.code;
    throw error;
  }
  return 'none';
}

describe('patient search criteria (minimum necessary)', () => {
  it('accepts a name with a birth date, an MRN, or a phone; refuses a name alone, a birth date alone, nothing', () => {
    expect(patientSearchParams({ name: 'Maria Lopez', birthDate: '1952-03-03' }, 'US')).toEqual({ _count: String(maxSearchResults + 1), name: ['Maria', 'Lopez'], birthdate: '1952-03-03' });
    expect(patientSearchParams({ mrn: 'MRN420042' }, 'US')).toMatchObject({ identifier: 'MRN420042' });
    expect(refusal(() => patientSearchParams({ name: 'Lopez' }, 'US'))).toBe('SEARCH_TOO_BROAD');
    expect(refusal(() => patientSearchParams({ birthDate: '1952-03-03' }, 'US'))).toBe('SEARCH_TOO_BROAD');
    expect(refusal(() => patientSearchParams({}, 'US'))).toBe('SEARCH_TOO_BROAD');
  });

  it('searches the phone in E.164, however it was typed; refuses what is not a phone number', () => {
    for (const typed of ['(617) 555-0142', '617.555.0142', '+1 617 555 0142', '1-617-555-0142']) {
      expect(patientSearchParams({ phone: typed }, 'US').phone, typed).toBe('+16175550142');
    }
    expect(refusal(() => patientSearchParams({ phone: '12' }, 'US'))).toBe('PAYLOAD_INVALID');
  });

  it('never sends a comma (FHIR "or") and splits the name into words that must all match', () => {
    expect(patientSearchParams({ name: 'Lopez, Maria', birthDate: '1952-03-03' }, 'US').name).toEqual(['Lopez', 'Maria']);
    expect(patientSearchParams({ name: "O'Brien-Smith Ana María", mrn: 'A1' }, 'US').name).toEqual(["O'Brien-Smith", 'Ana', 'María']);
  });

  it('validates each criterion at the boundary', () => {
    expect(patientSearchQuerySchema.safeParse({ birthDate: '1952-02-30', name: 'Maria' }).success).toBe(false);
    expect(patientSearchQuerySchema.safeParse({ name: 'Maria; drop table', birthDate: '1952-03-03' }).success).toBe(false);
    expect(patientSearchQuerySchema.safeParse({ mrn: 'MRN|1' }).success).toBe(false);
    expect(patientSearchQuerySchema.safeParse({ mrn: 'MRN1', extra: 'x' }).success).toBe(false);
    expect(patientSearchQuerySchema.safeParse({ name: 'Ana María', birthDate: '1931-08-28' }).success).toBe(true);
  });

  it('tells the audit trail the kinds of criteria, sorted, never their values', () => {
    expect(criteriaOf({ phone: '6175550142', name: 'Maria' })).toEqual(['name', 'phone']);
  });
});

describe('what a reviewer sees of a chart', () => {
  it('name, birth date, sex, MRN (the MR-typed identifier) and the primary phone; nothing clinical', () => {
    expect(demographicsOf(patient('pat-1'))).toEqual({ id: 'pat-1', name: 'Maria Elena Lopez', birthDate: '1952-03-03', gender: 'female', mrn: 'MRN420042', phone: '+16175550142' });
    expect(demographicsOf({ resourceType: 'Patient', id: 'pat-2' })).toEqual({ id: 'pat-2', name: null, birthDate: null, gender: null, mrn: null, phone: null });
  });

  it(`returns at most ${maxSearchResults} active charts and says when there were more`, () => {
    const many = Array.from({ length: maxSearchResults + 1 }, (_, index) => patient(`pat-${index}`));
    expect(searchResults(many)).toMatchObject({ more: true });
    expect(searchResults(many).patients).toHaveLength(maxSearchResults);
    const few = [patient('pat-a'), patient('pat-b', { active: false })];
    expect(searchResults(few)).toEqual({ patients: [expect.objectContaining({ id: 'pat-a' })], more: false });
  });
});
