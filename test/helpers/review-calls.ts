import type { CallEvent } from '../../src/calls/call-event.schema.ts';
import type { Bundle, Provenance, Resource } from '@medplum/fhirtypes';
import { findCall } from '../../src/calls/calls.repository.ts';
import type { StaffRole } from '../../src/auth/staff-token.ts';
import type { SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { consentEvents } from './consent-events.ts';
import { eventually, syntheticEvent, type Harness } from './engine-harness.ts';

/**
 * Placing a synthetic call through an engine and working its review item as staff would, for the
 * review and write-back e2e tests. Synthetic patients and calls only.
 */
export const clinic = generateSyntheticClinic();
export const scenarios = sandboxPhoneScenarios(clinic);
/** Adults only: a minor's chart is a sensitive category that always goes to review (tested in unit tests). */
export const adultCallers = scenarios.uniquePatient.filter((caller) => (clinic.patients.find((patient) => patient.id === caller.patientId)?.birthDate ?? '2020') < '2000-01-01');
/** Every S0 checklist answer yes. */
export const allYes = { patientIdentifiedCorrectly: true, actionAppropriate: true, noUnnecessaryPhi: true, neutralFactualTone: true };

export interface ReviewItemSummary { id: string; callId: string; status: string; reasons: string[] }

export function reviewCalls(getHarness: () => Harness, getEhr: () => SandboxEhr) {
  /** A staff request to the engine's API, as the given role. */
  const api = async (method: string, path: string, body?: unknown, role: StaffRole = 'nurse') => {
    const harness = getHarness();
    const response = await fetch(`${harness.engine.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await harness.token(role)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  /** Resources in the sandbox EHR by business identifier, read as an outside FHIR client would. */
  async function searchEhr<T extends Resource>(resourceType: string, system: string, value: string): Promise<T[]> {
    const ehr = getEhr();
    const identifier = `${system}|${value}`;
    const response = await fetch(`${ehr.baseUrl}/${resourceType}?identifier=${encodeURIComponent(identifier)}`, {
      headers: { authorization: `Bearer ${ehr.issueTestToken(`system/${resourceType}.rs`)}` },
    });
    const bundle = (await response.json()) as Bundle<T>;
    return (bundle.entry ?? []).map((entry) => entry.resource!);
  }

  async function provenanceFor(reference: string): Promise<Provenance[]> {
    const ehr = getEhr();
    const response = await fetch(`${ehr.baseUrl}/Provenance?target=${encodeURIComponent(reference)}`, { headers: { authorization: `Bearer ${ehr.issueTestToken('system/Provenance.rs')}` } });
    const bundle = (await response.json()) as Bundle<Provenance>;
    return (bundle.entry ?? []).map((entry) => entry.resource!);
  }

  /** One call into a queue: consents, optional DOB, a transcript, the end; returns the review item once planned. */
  async function placeCall(options: {
    id: string; queue: string; declined?: ('transcribe' | 'ai' | 'ehr')[]; dob: boolean; text: string; patientIndex?: number; caller?: { phone: string; patientId: string };
    /** More of the transcript than its text (issue 17): source, quality, reasons, segments with words. */
    transcript?: Omit<Extract<CallEvent, { type: 'transcript.available' }>['data']['transcript'], 'text'>;
  }) {
    const harness = getHarness();
    const caller = options.caller ?? adultCallers[options.patientIndex ?? 0]!;
    const patient = clinic.patients.find((entry) => entry.id === caller.patientId)!;
    const call = { id: options.id, ani: caller.phone, dnis: '+16175550100', queue: options.queue, direction: 'inbound' as const };
    const event = (overrides: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(overrides), call });
    await harness.post(event({ type: 'call.ringing', callId: options.id }));
    for (const consent of consentEvents(options.id, caller.phone, options.declined ?? [], options.queue)) await harness.post(consent);
    if (options.dob) {
      const dob = patient.birthDate!;
      await harness.post(event({ type: 'ivr.input', callId: options.id, data: { kind: 'dtmf', menu: 'dob', value: `${dob.slice(5, 7)}${dob.slice(8, 10)}${dob.slice(0, 4)}` } }));
    }
    await harness.post(event({ type: 'call.answered', callId: options.id }));
    await harness.post(event({ type: 'transcript.available', callId: options.id, data: { transcript: { ...options.transcript, text: options.text } } }));
    await harness.post(event({ type: 'call.ended', callId: options.id }));
    const item = await eventually(async () => {
      const listed = await api('GET', `/api/review?status=pending,approved,auto-approved,rejected&limit=500`);
      const found = (listed.body.items as ReviewItemSummary[]).filter((entry) => entry.callId);
      for (const entry of found) {
        const record = await findCall(harness.engine.db, entry.callId);
        if (record?.providerCallId === options.id) return entry;
      }
      return null;
    }, 30_000, 'the review item');
    return { item, patient, caller };
  }

  return { api, searchEhr, provenanceFor, placeCall };
}
