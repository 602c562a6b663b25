import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { interpreterNeeded, interpreterRequiredExtension } from './interpreter-need.mapper.ts';
import { generateSyntheticClinic } from '../sandbox-ehr/synthetic-clinic.ts';

// Synthetic charts only.
const speaks = (code: string, preferred?: boolean): NonNullable<Patient['communication']>[number] => ({
  language: { coding: [{ system: 'urn:ietf:bcp:47', code }] },
  ...(preferred === undefined ? {} : { preferred }),
});
const chart = (extra: Partial<Patient>): Patient => ({ resourceType: 'Patient', id: 'synthetic-1', ...extra });

describe('interpreterNeeded', () => {
  it('a chart that says nothing about language: no', () => {
    expect(interpreterNeeded(chart({}), 'en-US')).toBe(false);
  });

  it('a preferred language other than the clinic\'s: yes; the clinic\'s own, in any region: no', () => {
    expect(interpreterNeeded(chart({ communication: [speaks('es', true)] }), 'en-US')).toBe(true);
    expect(interpreterNeeded(chart({ communication: [speaks('vi-VN', true), speaks('en')] }), 'en-US')).toBe(true);
    expect(interpreterNeeded(chart({ communication: [speaks('en-GB', true)] }), 'en-US')).toBe(false);
    expect(interpreterNeeded(chart({ communication: [speaks('es-MX', true)] }), 'es-US')).toBe(false);
  });

  it('languages listed without a preference: yes only when none is the clinic\'s', () => {
    expect(interpreterNeeded(chart({ communication: [speaks('pt'), speaks('es')] }), 'en-US')).toBe(true);
    expect(interpreterNeeded(chart({ communication: [speaks('pt'), speaks('en')] }), 'en-US')).toBe(false);
  });

  it('the patient-interpreterRequired extension wins either way', () => {
    expect(interpreterNeeded(chart({ extension: [{ url: interpreterRequiredExtension, valueBoolean: true }] }), 'en-US')).toBe(true);
    expect(interpreterNeeded(chart({ extension: [{ url: interpreterRequiredExtension, valueBoolean: false }], communication: [speaks('es', true)] }), 'en-US')).toBe(false);
  });

  it('in the synthetic clinic, exactly the patients with a non-English preferred language need one', () => {
    const clinic = generateSyntheticClinic();
    const needing = clinic.patients.filter((patient) => interpreterNeeded(patient, 'en-US'));
    expect(needing.length).toBeGreaterThan(0);
    expect(needing.length).toBe(clinic.patients.filter((patient) => patient.communication?.some((entry) => entry.preferred)).length);
  });
});
