import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadRoutingRules } from '../../src/routing/routing-rules.loader.ts';
import { adultCallers, clinic } from './review-calls.ts';

/**
 * The on-call view's test fixtures (issue 16): a clinic calendar that is always closed (or always
 * open), so "after hours" does not depend on when the test runs, and a synthetic patient with one
 * active lisinopril order (the refill the calls ask for). Synthetic data only.
 */
export function rulesFileWithHours(kind: 'always-closed' | 'always-open'): string {
  const rules = loadRoutingRules();
  const day = kind === 'always-open' ? [{ open: '00:00', close: '23:59' }] : [];
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'callchart-on-call-')), 'rules.yaml');
  writeFileSync(file, stringify({ ...rules, hours: { weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }, holidays: [] } }));
  return file;
}

/** Adult callers with exactly one active lisinopril order in the sandbox chart. */
export const lisinoprilCallers = adultCallers.filter((caller) => !clinic.consents.some((consent) => consent.patient?.reference === `Patient/${caller.patientId}`) &&
  clinic.medicationRequests.filter((order) => order.subject?.reference === `Patient/${caller.patientId}` && order.status === 'active'
    && order.medicationCodeableConcept?.coding?.[0]?.display?.toLowerCase().includes('lisinopril')).length === 1);

export function lisinoprilOrderOf(patientId: string): string {
  return clinic.medicationRequests.find((order) => order.subject?.reference === `Patient/${patientId}` && order.medicationCodeableConcept?.coding?.[0]?.display?.toLowerCase().includes('lisinopril'))!.id!;
}

export const onCallPhone = '+15555550142';
export const clinicNumber = '+15555550100';
