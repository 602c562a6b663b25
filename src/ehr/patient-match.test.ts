import type { ContactPoint, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { blockedCallerMatch, failedCallerMatch, matchCaller } from './patient-match.ts';

// Synthetic patients and fictional 555-01xx numbers.
const caller = '+16175550142';
const other = '+16175550199';

function phone(value: string, rank?: number): ContactPoint {
  return { system: 'phone', value, ...(rank === undefined ? {} : { rank }) };
}

function patient(id: string, telecom: ContactPoint[], extra: Partial<Patient> = {}): Patient {
  return { resourceType: 'Patient', id, name: [{ given: ['Synthetic'], family: id }], telecom, ...extra };
}

function relatedPerson(id: string, patientId: string, telecom: ContactPoint[], relationship?: string, extra: Partial<RelatedPerson> = {}): RelatedPerson {
  return {
    resourceType: 'RelatedPerson',
    id,
    patient: { reference: `Patient/${patientId}` },
    telecom,
    ...(relationship ? { relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'DAU', display: relationship }] }] } : {}),
    ...extra,
  };
}

describe('matchCaller', () => {
  it('finds a unique patient by primary phone', () => {
    const match = matchCaller(caller, [patient('pat-a', [phone(caller)]), patient('pat-b', [phone(other)])], []);
    expect(match).toEqual({ outcome: 'unique', confidence: 'ani-only', candidates: [{ patientId: 'pat-a', matchedOn: 'primary-phone' }] });
  });

  it('primary beats alternate: A has the number as primary, B as alternate → unique A', () => {
    const a = patient('pat-a', [phone(caller)]);
    const b = patient('pat-b', [phone(other), phone(caller)]);
    for (const patients of [[a, b], [b, a]]) {
      expect(matchCaller(caller, patients, [])).toEqual({
        outcome: 'unique',
        confidence: 'ani-only',
        candidates: [{ patientId: 'pat-a', matchedOn: 'primary-phone' }],
      });
    }
  });

  it('rank 1 makes a phone primary even when it is not listed first', () => {
    const a = patient('pat-a', [phone(other, 2), phone(caller, 1)]);
    const b = patient('pat-b', [phone(other), phone(caller)]);
    expect(matchCaller(caller, [b, a], []).candidates).toEqual([{ patientId: 'pat-a', matchedOn: 'primary-phone' }]);
  });

  it('two patients with the number as primary → several, both listed', () => {
    const match = matchCaller(caller, [patient('pat-a', [phone(caller)]), patient('pat-b', [phone(caller)])], []);
    expect(match.outcome).toBe('several');
    expect(match.confidence).toBe('ani-only');
    expect(match.candidates.map((c) => c.patientId).sort()).toEqual(['pat-a', 'pat-b']);
    expect(match.candidates.every((c) => c.matchedOn === 'primary-phone')).toBe(true);
  });

  it('an alternate-only match is unique with matchedOn alternate-phone', () => {
    const match = matchCaller(caller, [patient('pat-b', [phone(other), phone(caller)])], []);
    expect(match).toEqual({ outcome: 'unique', confidence: 'ani-only', candidates: [{ patientId: 'pat-b', matchedOn: 'alternate-phone' }] });
  });

  it('ignores email and fax entries with the same value', () => {
    const p = patient('pat-a', [{ system: 'fax', value: caller }, { system: 'email', value: caller }]);
    expect(matchCaller(caller, [p], []).outcome).toBe('none');
  });

  it('a caregiver number matches only when no patient owns it, flagged with relatedPersonId and relationship', () => {
    const daughter = relatedPerson('rp-1', 'pat-c', [phone(caller)], 'daughter');
    const match = matchCaller(caller, [patient('pat-c', [phone(other)])], [daughter]);
    expect(match).toEqual({
      outcome: 'unique',
      confidence: 'ani-only',
      candidates: [{ patientId: 'pat-c', matchedOn: 'caregiver-phone', relatedPersonId: 'rp-1', relationship: 'daughter' }],
    });
  });

  it('a patient owning the number wins over a caregiver with the same number', () => {
    const daughter = relatedPerson('rp-1', 'pat-c', [phone(caller)], 'daughter');
    const match = matchCaller(caller, [patient('pat-a', [phone(other), phone(caller)])], [daughter]);
    expect(match.candidates).toEqual([{ patientId: 'pat-a', matchedOn: 'alternate-phone' }]);
  });

  it('the same patient reached through two caregivers is one candidate', () => {
    const match = matchCaller(caller, [], [relatedPerson('rp-1', 'pat-c', [phone(caller)], 'daughter'), relatedPerson('rp-2', 'pat-c', [phone(caller)], 'son')]);
    expect(match.outcome).toBe('unique');
    expect(match.candidates).toHaveLength(1);
  });

  it('one caregiver for two patients → several', () => {
    const match = matchCaller(caller, [], [relatedPerson('rp-1', 'pat-c', [phone(caller)]), relatedPerson('rp-2', 'pat-d', [phone(caller)])]);
    expect(match.outcome).toBe('several');
    expect(match.candidates.map((c) => c.patientId).sort()).toEqual(['pat-c', 'pat-d']);
  });

  it('ignores inactive patients and inactive caregivers', () => {
    const inactive = patient('pat-old', [phone(caller)], { active: false });
    expect(matchCaller(caller, [inactive], []).outcome).toBe('none');
    expect(matchCaller(caller, [inactive, patient('pat-new', [phone(caller)])], []).candidates).toEqual([{ patientId: 'pat-new', matchedOn: 'primary-phone' }]);
    expect(matchCaller(caller, [], [relatedPerson('rp-1', 'pat-c', [phone(caller)], 'daughter', { active: false })]).outcome).toBe('none');
  });

  it('no match → outcome none, confidence none, no candidates', () => {
    expect(matchCaller(caller, [patient('pat-a', [phone(other)])], [])).toEqual({ outcome: 'none', confidence: 'none', candidates: [] });
    expect(matchCaller(caller, [], [])).toEqual({ outcome: 'none', confidence: 'none', candidates: [] });
  });

  it('confidence is ani-only for every kind of phone match, never verified', () => {
    const cases = [
      matchCaller(caller, [patient('pat-a', [phone(caller)])], []),
      matchCaller(caller, [patient('pat-a', [phone(caller)]), patient('pat-b', [phone(caller)])], []),
      matchCaller(caller, [patient('pat-b', [phone(other), phone(caller)])], []),
      matchCaller(caller, [], [relatedPerson('rp-1', 'pat-c', [phone(caller)], 'daughter')]),
    ];
    for (const match of cases) expect(match.confidence).toBe('ani-only');
  });

  it('blocked and failed lookups carry no candidates and no confidence', () => {
    expect(blockedCallerMatch()).toEqual({ outcome: 'blocked', confidence: 'none', candidates: [] });
    expect(failedCallerMatch('EHR_TIMEOUT')).toEqual({ outcome: 'lookup-failed', confidence: 'none', candidates: [], errorCode: 'EHR_TIMEOUT' });
  });
});
