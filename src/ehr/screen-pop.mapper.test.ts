import type { AllergyIntolerance, Encounter, MedicationRequest, Patient, Practitioner } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { CallerMatch } from './patient-match.ts';
import { ageOn, buildScreenPop, mapPatientSlice, type PatientChartSlice } from './screen-pop.mapper.ts';

// Synthetic chart: invented people, fictional numbers, a fixed clock.
const now = new Date('2026-03-14T15:00:00Z');

const patient: Patient = {
  resourceType: 'Patient',
  id: 'pat-a',
  active: true,
  name: [{ use: 'official', given: ['Avery'], family: 'Synthetic' }],
  gender: 'female',
  birthDate: '1980-03-15',
  identifier: [
    { system: 'https://clinic.example.test/ssn', value: 'not-the-mrn' },
    { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, value: 'MRN-SYN-0001' },
  ],
  telecom: [{ system: 'phone', value: '+16175550142' }],
  generalPractitioner: [{ reference: 'Practitioner/prac-1' }],
};

const allergy = (substance: string, criticality?: AllergyIntolerance['criticality'], status = 'active'): AllergyIntolerance => ({
  resourceType: 'AllergyIntolerance',
  patient: { reference: 'Patient/pat-a' },
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: status }] },
  code: { text: substance },
  ...(criticality ? { criticality } : {}),
});

const encounter = (start: string, reason: string): Encounter => ({
  resourceType: 'Encounter',
  status: 'finished',
  class: { code: 'AMB' },
  period: { start },
  reasonCode: [{ text: reason }],
});

const medication = (name: string, status: MedicationRequest['status']): MedicationRequest => ({
  resourceType: 'MedicationRequest',
  status,
  intent: 'order',
  subject: { reference: 'Patient/pat-a' },
  medicationCodeableConcept: { text: name },
});

const practitioner: Practitioner = { resourceType: 'Practitioner', id: 'prac-1', name: [{ given: ['Jordan'], family: 'Placeholder', prefix: ['Dr.'] }] };

function slice(overrides: Partial<PatientChartSlice> = {}): PatientChartSlice {
  return {
    patient,
    conditions: [],
    medications: [],
    allergies: [],
    encounters: [],
    serviceRequests: [],
    tasks: [],
    careTeams: [],
    practitioners: [practitioner],
    ...overrides,
  };
}

const uniquePatient: CallerMatch = { outcome: 'unique', confidence: 'ani-only', candidates: [{ patientId: 'pat-a', matchedOn: 'primary-phone' }] };

describe('ageOn', () => {
  it('counts the birthday only once it has come', () => {
    expect(ageOn('1980-03-15', now)).toBe(45); // the day before the 46th birthday
    expect(ageOn('1980-03-14', now)).toBe(46); // on the birthday
    expect(ageOn('1980-03-13', now)).toBe(46);
    expect(ageOn('1980-04-01', now)).toBe(45); // later month
    expect(ageOn('1980-02-28', now)).toBe(46); // earlier month
  });

  it('is null for a missing or partial birth date rather than a guess', () => {
    expect(ageOn(undefined, now)).toBeNull();
    expect(ageOn('1980', now)).toBeNull();
    expect(ageOn('1980-03', now)).toBeNull();
  });
});

describe('mapPatientSlice', () => {
  it('shows name, age on the given date, sex and the MRN identifier', () => {
    const pop = mapPatientSlice(slice(), now);
    expect(pop).toMatchObject({ id: 'pat-a', name: 'Avery Synthetic', age: 45, sex: 'female', mrn: 'MRN-SYN-0001' });
  });

  it('puts high-criticality allergies first, flagged highRisk, and drops inactive ones', () => {
    const pop = mapPatientSlice(
      slice({
        allergies: [
          allergy('Latex', 'low'),
          allergy('Sulfa drugs'),
          allergy('Codeine', 'low', 'inactive'),
          allergy('Penicillin', 'high'),
          allergy('Peanut', 'high'),
        ],
      }),
      now,
    );
    expect(pop.allergies.slice(0, 2).map((a) => a.substance).sort()).toEqual(['Peanut', 'Penicillin']);
    expect(pop.allergies.slice(0, 2).every((a) => a.highRisk && a.criticality === 'high')).toBe(true);
    expect(pop.allergies.slice(2).every((a) => !a.highRisk)).toBe(true);
    expect(pop.allergies.map((a) => a.substance)).not.toContain('Codeine');
    expect(pop.allergies).toHaveLength(4);
    expect(pop.noKnownAllergies).toBe(false);
  });

  it('reports no known allergies only when the chart says so, not when it is silent', () => {
    expect(mapPatientSlice(slice(), now).noKnownAllergies).toBe(false);
    const nka: AllergyIntolerance = {
      resourceType: 'AllergyIntolerance',
      patient: { reference: 'Patient/pat-a' },
      clinicalStatus: { coding: [{ code: 'active' }] },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '716186003', display: 'No known allergy' }] },
    };
    const pop = mapPatientSlice(slice({ allergies: [nka] }), now);
    expect(pop.noKnownAllergies).toBe(true);
    expect(pop.allergies).toEqual([]);
  });

  it('last visit is the most recent encounter, whatever the list order', () => {
    const pop = mapPatientSlice(
      slice({
        encounters: [
          encounter('2025-06-02T09:00:00Z', 'Annual physical'),
          encounter('2026-02-20T16:30:00Z', 'Sore throat'),
          encounter('2024-11-11T10:00:00Z', 'Flu shot'),
        ],
      }),
      now,
    );
    expect(pop.lastVisit).toEqual({ date: '2026-02-20', reason: 'Sore throat' });
  });

  // BUG (reported): screen-pop.mapper.ts line 92 orders encounters by comparing period.start as
  // strings, so with mixed UTC offsets the later visit can lose: 22:00-05:00 on the 20th is
  // 03:00Z on the 21st, after 01:00Z on the 21st, but sorts before it as text.
  it('last visit compares instants, not strings, when offsets differ', () => {
    const pop = mapPatientSlice(
      slice({ encounters: [encounter('2026-02-20T22:00:00-05:00', 'Later visit'), encounter('2026-02-21T01:00:00Z', 'Earlier visit')] }),
      now,
    );
    expect(pop.lastVisit?.reason).toBe('Later visit');
  });

  it('has no last visit when there are no dated encounters', () => {
    expect(mapPatientSlice(slice(), now).lastVisit).toBeNull();
  });

  it('lists only active medications', () => {
    const pop = mapPatientSlice(
      slice({ medications: [medication('Lisinopril 10 mg', 'active'), medication('Amoxicillin 500 mg', 'completed'), medication('Metformin 500 mg', 'stopped'), medication('Atorvastatin 20 mg', 'active')] }),
      now,
    );
    expect(pop.activeMedications).toEqual(['Lisinopril 10 mg', 'Atorvastatin 20 mg']);
  });

  it('resolves the PCP name from the Practitioner when the reference has no display', () => {
    expect(mapPatientSlice(slice(), now).pcp).toBe('Jordan Placeholder');
    const withDisplay = { ...patient, generalPractitioner: [{ reference: 'Practitioner/prac-1', display: 'Dr. Shown Display' }] };
    expect(mapPatientSlice(slice({ patient: withDisplay }), now).pcp).toBe('Dr. Shown Display');
    expect(mapPatientSlice(slice({ practitioners: [] }), now).pcp).toBeNull();
  });
});

describe('buildScreenPop', () => {
  const candidates: Patient[] = [
    { ...patient, id: 'pat-a', birthDate: '1980-03-15' },
    { resourceType: 'Patient', id: 'pat-b', name: [{ given: ['Blair'], family: 'Synthetic' }], birthDate: '1957-09-01' },
  ];

  it('a unique match pops the patient chart with the caller as the patient', () => {
    const pop = buildScreenPop({ callId: 'call-syn-1', match: uniquePatient, slice: slice(), candidates: [], now });
    expect(pop).toMatchObject({ callId: 'call-syn-1', outcome: 'unique', confidence: 'ani-only', callerRole: 'patient', relationship: null, candidates: [] });
    expect(pop.patient?.name).toBe('Avery Synthetic');
    expect(pop.generatedAt).toBe(now.toISOString());
  });

  it('several matches list candidates with names and birth years but no chart details', () => {
    const match: CallerMatch = {
      outcome: 'several',
      confidence: 'ani-only',
      candidates: [
        { patientId: 'pat-a', matchedOn: 'primary-phone' },
        { patientId: 'pat-b', matchedOn: 'primary-phone' },
      ],
    };
    const pop = buildScreenPop({ callId: 'call-syn-2', match, slice: slice(), candidates, now });
    expect(pop.patient).toBeNull();
    expect(pop.callerRole).toBe('unknown');
    expect(pop.candidates).toEqual([
      { patientId: 'pat-a', name: 'Avery Synthetic', birthYear: 1980, matchedOn: 'primary-phone' },
      { patientId: 'pat-b', name: 'Blair Synthetic', birthYear: 1957, matchedOn: 'primary-phone' },
    ]);
    const json = JSON.stringify(pop);
    expect(json).not.toContain('MRN-SYN-0001');
    expect(json).not.toContain('1980-03-15');
  });

  it('a blocked caller gets no patient and an unknown role', () => {
    const pop = buildScreenPop({ callId: 'call-syn-3', match: { outcome: 'blocked', confidence: 'none', candidates: [] }, slice: null, candidates: [], now });
    expect(pop).toMatchObject({ outcome: 'blocked', confidence: 'none', callerRole: 'unknown', patient: null, candidates: [], relationship: null });
  });

  it('a caregiver match pops the patient with the caller role caregiver and the relationship', () => {
    const match: CallerMatch = {
      outcome: 'unique',
      confidence: 'ani-only',
      candidates: [{ patientId: 'pat-a', matchedOn: 'caregiver-phone', relatedPersonId: 'rp-1', relationship: 'daughter' }],
    };
    const pop = buildScreenPop({ callId: 'call-syn-4', match, slice: slice(), candidates: [], now });
    expect(pop.callerRole).toBe('caregiver');
    expect(pop.relationship).toBe('daughter');
    expect(pop.patient?.id).toBe('pat-a');
  });
});

describe('ageOn in the clinic time zone', () => {
  it('does not age a patient before the birthday has started on the clinic calendar', () => {
    // 21:00 in New York on 14 March is already 15 March in UTC.
    const evening = new Date('2026-03-15T01:00:00Z');
    expect(ageOn('1980-03-15', evening)).toBe(46);
    expect(ageOn('1980-03-15', evening, 'America/New_York')).toBe(45);
    expect(ageOn('1980-03-15', new Date('2026-03-15T05:00:00Z'), 'America/New_York')).toBe(46);
  });
});
