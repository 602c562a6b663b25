import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCall } from '../../src/calls/calls.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { backendKinds } from '../helpers/backends.ts';
import { consentEvents } from '../helpers/consent-events.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';

/**
 * Finding 12 (claims): the README says an interpreter call always goes to a person, and the policy
 * has an `interpreter` category and prompt, but nothing ever passed the interpreter flag to
 * `detectSensitiveCategories`. The chart says it: a preferred language (Patient.communication)
 * other than the clinic's, or the patient-interpreterRequired extension. Two verified adult
 * callers in the same summary-only queue with the same request: the English speaker's summary is
 * auto-approved; the Spanish (or Vietnamese, …) speaker's waits for a person with the
 * interpreter prompt.
 */
const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const patientOf = (id: string) => clinic.patients.find((patient) => patient.id === id)!;
const adult = (patient: Patient) => (patient.birthDate ?? '2020') < '2000-01-01';
const prefersOtherLanguage = (patient: Patient) => (patient.communication ?? []).some((entry) => entry.preferred && !entry.language.coding?.some((coding) => coding.code?.startsWith('en')));
const hasRelatedCaller = new Set(clinic.relatedPersons.map((person) => person.patient.reference!.replace('Patient/', '')));
const candidates = scenarios.uniquePatient.filter((caller) => adult(patientOf(caller.patientId)) && !hasRelatedCaller.has(caller.patientId));
const interpreterCaller = candidates.find((caller) => prefersOtherLanguage(patientOf(caller.patientId)))!;
const englishCaller = candidates.find((caller) => !patientOf(caller.patientId).communication)!;

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr?.close());

describe.each(backendKinds)('a patient who needs an interpreter goes to a person (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr });
  });
  afterAll(async () => harness?.close());

  async function reviewItemOf(callId: string, caller: { phone: string; patientId: string }) {
    const patient = patientOf(caller.patientId);
    const call = { id: callId, ani: caller.phone, dnis: '+16175550100', queue: 'demo-summary-only', direction: 'inbound' as const };
    const event = (overrides: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(overrides), call });
    const dob = patient.birthDate!;
    for (const posted of [
      event({ type: 'call.ringing', callId }),
      ...consentEvents(callId, caller.phone, [], 'demo-summary-only').map((consent) => ({ ...consent, call })),
      event({ type: 'ivr.input', callId, data: { kind: 'dtmf', menu: 'dob', value: `${dob.slice(5, 7)}${dob.slice(8, 10)}${dob.slice(0, 4)}` } }),
      event({ type: 'call.answered', callId }),
      event({ type: 'transcript.available', callId, data: { transcript: { text: 'Synthetic: I would like to book an appointment for next week please.' } } }),
      event({ type: 'call.ended', callId }),
    ]) {
      expect((await harness.post(posted)).status).toBe(202);
    }
    const token = await harness.token('nurse');
    const headers = { authorization: `Bearer ${token}` };
    const item = await eventually(async () => {
      const listed = (await (await fetch(`${harness.engine.url}/api/review?status=pending,auto-approved,approved&limit=500`, { headers })).json()) as { items: { id: string; callId: string; status: string; reasons: string[] }[] };
      for (const found of listed.items) if ((await findCall(harness.engine.db, found.callId))?.providerCallId === callId) return found;
      return null;
    }, 30_000, 'the review item');
    const opened = (await (await fetch(`${harness.engine.url}/api/review/${item.id}`, { headers })).json()) as { prompts: string[]; identity: { verified: boolean } };
    return { item, opened };
  }

  it('the synthetic clinic has both kinds of caller', () => {
    expect(interpreterCaller).toBeDefined();
    expect(englishCaller).toBeDefined();
  });

  it('same queue, same request, both verified: English is auto-approved, the interpreter-needed call waits for a person with the interpreter prompt', async () => {
    const english = await reviewItemOf(`${kind}-interp-en`, englishCaller);
    expect(english.opened.identity.verified).toBe(true);
    expect(english.item.status).toBe('auto-approved');
    expect(english.item.reasons).not.toContain('sensitive:interpreter');

    const needsInterpreter = await reviewItemOf(`${kind}-interp-other`, interpreterCaller);
    expect(needsInterpreter.opened.identity.verified).toBe(true);
    expect(needsInterpreter.item.status).toBe('pending');
    expect(needsInterpreter.item.reasons).toContain('sensitive:interpreter');
    expect(needsInterpreter.opened.prompts.join(' ')).toMatch(/interpreter/i);
  });
});
