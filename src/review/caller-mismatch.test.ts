import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { analyzeCall } from '../nlp/analyze-call.ts';
import { chartFactsOf, compareWithChart, reasonsAfterLink } from './caller-mismatch.ts';

// Synthetic charts and calls only. "Today" is fixed so ages do not drift.
const at = new Date('2026-12-07T15:00:00Z');
const chart = (id: string, given: string, family: string, gender: Patient['gender'], birthDate: string): Patient => ({
  resourceType: 'Patient', id, name: [{ use: 'official', given: [given], family }], gender, birthDate,
});
const mother = chart('pat-mother', 'Dana', 'Okafor', 'female', '1991-04-12');
const sixWeekOld = chart('pat-baby', 'Amara', 'Okafor', 'female', '2026-10-25');
const sevenYearOld = chart('pat-son', 'Ikenna', 'Okafor', 'male', '2019-06-02');
const grandfather = chart('pat-1951', 'Joseph', 'Whitfield', 'male', '1951-03-09');

function mismatch(text: string, patient: Patient) {
  return compareWithChart(analyzeCall(text, { now: at }).subject, chartFactsOf(patient), at);
}

describe('compareWithChart: a call about someone else is compared with them, not the caller', () => {
  const babyCall = 'hi this is dana, my baby is six weeks old and has a fever of one hundred point five, what should we do';

  it("a mother calling about her baby, linked to the baby's chart: no mismatch", () => {
    expect(mismatch(babyCall, sixWeekOld)).toEqual([]);
  });

  it("the same call linked to the mother's own chart: the age does not fit", () => {
    expect(mismatch(babyCall, mother)).toEqual(['age']);
  });

  it("a six-week-old's fever filed on a patient born in 1951: age", () => {
    expect(mismatch('synthetic test caller here my baby is six weeks old and has a fever of one hundred point five what should we do', grandfather)).toEqual(['age']);
  });

  it("a parent calling about their son by name and age: fits the son's chart, not the mother's or a sister's", () => {
    const sonCall = "hi this is dana okafor, I'm calling about my son ikenna, he's 7 and has had a cough for a week";
    expect(mismatch(sonCall, sevenYearOld)).toEqual([]);
    expect(mismatch(sonCall, mother)).toEqual(['age', 'sex', 'name']);
    expect(mismatch(sonCall, sixWeekOld)).toEqual(['age', 'sex', 'name']);
  });

  it('a caller speaking of themself: their own age and name against the chart', () => {
    const selfCall = "my name is joseph whitfield and I'm 75 years old, I need a refill of my lisinopril";
    expect(mismatch(selfCall, grandfather)).toEqual([]);
    expect(mismatch(selfCall, mother)).toEqual(['age', 'name']);
  });

  it('a provider calling about "her" medication: sex against the chart', () => {
    const pharmacy = 'hi its a synthetic test call from a pharmacy my patient needs a prior authorization for her ozempic the insurance denied it';
    expect(mismatch(pharmacy, mother)).toEqual([]);
    expect(mismatch(pharmacy, grandfather)).toEqual(['sex']);
  });

  it('says nothing when nothing was said about the subject, or it cannot tell who the call is about', () => {
    for (const text of [
      'hi I need a refill of my lisinopril please',
      'I would like to reschedule my appointment next week to a morning slot',
      'my husband is driving me in, I have crushing chest pain',
    ]) {
      expect(mismatch(text, grandfather), text).toEqual([]);
    }
  });

  it("a pregnant caller's baby is not a patient yet: her own chart fits, a man's does not", () => {
    const pregnant = "I'm 30 weeks pregnant and my baby isn't moving as much as usual";
    expect(mismatch(pregnant, mother)).toEqual([]);
    expect(mismatch(pregnant, grandfather)).toEqual(['sex']);
  });

  it('ages said loosely still fit; names heard slightly wrong still fit', () => {
    const eightWeeks = chart('pat-8w', 'Amara', 'Okafor', 'female', '2026-10-12');
    expect(mismatch('my baby is six weeks old and has a rash', eightWeeks)).toEqual([]);
    expect(mismatch('calling about my daughter amarah, she is a baby and has a rash', sixWeekOld)).toEqual([]);
  });

  it('a chart without the field is never a mismatch', () => {
    const unknownGender = { ...grandfather, gender: 'unknown' as const, birthDate: undefined };
    expect(mismatch('my baby is six weeks old and I need to book her first checkup', unknownGender)).toEqual([]);
  });
});

describe('reasonsAfterLink', () => {
  it('drops identity-unverified and the old chart\'s mismatch; adds the new chart\'s mismatch and sensitivity', () => {
    expect(reasonsAfterLink(['pattern-review', 'identity-unverified', 'patient-mismatch:age', 'patient-mismatch:sex'], { mismatch: ['name'], sensitive: ['minor'] }))
      .toEqual(['pattern-review', 'sensitive:minor', 'patient-mismatch:name']);
    expect(reasonsAfterLink(['red-flag', 'sensitive:minor'], { mismatch: [], sensitive: ['minor'] })).toEqual(['red-flag', 'sensitive:minor']);
  });
});
