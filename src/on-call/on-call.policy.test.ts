import { describe, expect, it } from 'vitest';
import { openingHoursSchema } from '../routing/routing-rules.schema.ts';
import { generateSyntheticClinic } from '../sandbox-ehr/synthetic-clinic.ts';
import { matchRefill } from './chart-summary.service.ts';
import { newNoticeId, noticeBackoffMs, noticeLink, noticePayload, noticeText, onCallDecision, type OnCallRoster } from './on-call.policy.ts';

// Synthetic clinic, staff and calls only.
const hours = openingHoursSchema.parse({
  weekly: { mon: [{ open: '08:00', close: '17:00' }], tue: [{ open: '08:00', close: '17:00' }], wed: [{ open: '08:00', close: '17:00' }], thu: [{ open: '08:00', close: '17:00' }], fri: [{ open: '08:00', close: '17:00' }] },
  holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
});
const timeZone = 'America/New_York';
const roster: OnCallRoster = [
  { user: 'dr.night', notify: { sms: '+15555550142' }, covers: 'after-hours' },
  { user: 'dr.backup', notify: { webhook: 'https://pager.example.test/hook' }, covers: 'after-hours' },
];
const clinical = ['prescription_refill', 'symptom_report', 'urgent_emergency'];
const refill = { status: 'pending', requestType: 'prescription_refill', redFlags: [], priority: 'routine' };
// Monday 7 Dec 2026: 22:30 and 10:30 in New York.
const mondayNight = new Date('2026-12-08T03:30:00Z');
const mondayMorning = new Date('2026-12-07T15:30:00Z');

describe('who is told about an after-hours item', () => {
  it('the first clinician on the roster, for a clinical request after hours', () => {
    expect(onCallDecision({ item: refill, callAt: mondayNight, roster, hours, timeZone, clinicalRequestTypes: clinical })).toEqual({ notify: roster[0] });
  });

  it('nobody in open hours (unless someone covers always), and nobody for a non-clinical request', () => {
    expect(onCallDecision({ item: refill, callAt: mondayMorning, roster, hours, timeZone, clinicalRequestTypes: clinical })).toEqual({ notify: null, reason: 'nobody-covering' });
    const always: OnCallRoster = [{ user: 'dr.day', notify: { sms: '+15555550143' }, covers: 'always' }];
    expect(onCallDecision({ item: refill, callAt: mondayMorning, roster: always, hours, timeZone, clinicalRequestTypes: clinical })).toEqual({ notify: always[0] });
    expect(onCallDecision({ item: { ...refill, requestType: 'billing_insurance' }, callAt: mondayNight, roster, hours, timeZone, clinicalRequestTypes: clinical })).toEqual({ notify: null, reason: 'not-clinical' });
  });

  it('a red flag needs a clinician whatever the request type; a decided item needs nobody', () => {
    expect(onCallDecision({ item: { ...refill, requestType: 'billing_insurance', redFlags: ['chest_pain'] }, callAt: mondayNight, roster, hours, timeZone, clinicalRequestTypes: clinical }).notify).toEqual(roster[0]);
    expect(onCallDecision({ item: { ...refill, status: 'approved' }, callAt: mondayNight, roster, hours, timeZone, clinicalRequestTypes: clinical }).notify).toBeNull();
  });

  it('a holiday in the daytime is after hours', () => {
    expect(onCallDecision({ item: refill, callAt: new Date('2026-12-25T15:00:00Z'), roster, hours, timeZone, clinicalRequestTypes: clinical }).notify).toEqual(roster[0]);
  });
});

describe('the notification', () => {
  const clinic = generateSyntheticClinic();
  const patient = clinic.patients[0]!;
  const id = newNoticeId();
  const link = noticeLink('https://callchart.clinic.example/', id);
  const text = noticeText('Synthetic Family Practice', link);
  const payload = JSON.stringify(noticePayload('Synthetic Family Practice', link, id));

  it('is fixed words and an opaque link', () => {
    expect(link).toBe(`https://callchart.clinic.example/on-call/${id}`);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newNoticeId()).not.toBe(id);
    expect(text).toBe(`Synthetic Family Practice: an after-hours call needs a clinician. Sign in to view: ${link}`);
  });

  it('carries nothing of the call or the chart: no name, birth date, MRN, phone, request type, red flag or medication', () => {
    const phi = [
      ...(patient.name?.[0]?.given ?? []), patient.name?.[0]?.family ?? '', patient.birthDate!, patient.birthDate!.replaceAll('-', ''),
      ...(patient.identifier ?? []).map((identifier) => identifier.value ?? ''), ...(patient.telecom ?? []).map((telecom) => telecom.value ?? ''),
      'refill', 'prescription', 'lisinopril', 'chest', 'pain', 'suicid', 'pregnan', 'HIV', 'symptom', 'urgent',
    ].filter((value) => value.length >= 3);
    for (const sent of [text, payload]) {
      for (const value of phi) expect(sent.toLowerCase(), `"${value}" in the notification`).not.toContain(value.toLowerCase());
      // No digit run long enough to be a phone number, date or record number outside the link's random id.
      expect(sent.replace(id, '')).not.toMatch(/\d{4,}/);
    }
  });

  it('is retried with growing backoff, capped', () => {
    expect([1, 2, 3].map(noticeBackoffMs)).toEqual([15_000, 30_000, 60_000]);
    expect(noticeBackoffMs(20)).toBe(600_000);
  });
});

describe('which active order a refill renews', () => {
  const medications = [
    { id: 'medrx-1', text: 'lisinopril 10 MG Oral Tablet', dosage: null, rxnorm: '314076' },
    { id: 'medrx-2', text: 'metformin hydrochloride 500 MG Oral Tablet', dosage: null, rxnorm: '861007' },
    { id: 'medrx-3', text: 'atorvastatin 20 MG Oral Tablet', dosage: null, rxnorm: '617310' },
    { id: 'medrx-4', text: 'atorvastatin 40 MG Oral Tablet', dosage: null, rxnorm: '259255' },
  ];
  it('the one order of the named drug; none when the drug is not on the list, two orders match, or two drugs were named', () => {
    expect(matchRefill(medications, ['Lisinopril'])?.id).toBe('medrx-1');
    expect(matchRefill(medications, ['sertraline'])).toBeNull();
    expect(matchRefill(medications, ['atorvastatin'])).toBeNull();
    expect(matchRefill(medications, ['lisinopril', 'metformin'])).toBeNull();
    expect(matchRefill(medications, [])).toBeNull();
  });
});
