import type { Bundle, Patient, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../src/ehr/fhir-task.mapper.ts';
import { findCall } from '../src/calls/calls.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import type { StaffRole } from '../src/auth/staff-token.ts';
import { backendKinds } from './helpers/backends.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from './helpers/engine-harness.ts';
import { consentEvents } from './helpers/consent-events.ts';

/**
 * Issue 12, defects 4 and 5 (synthetic patients and calls only):
 * - an unknown caller was a dead end: no way to search the EHR and link the call to a chart;
 * - a call filed on the wrong patient (a six-week-old's call on a chart born decades ago) went
 *   unnoticed: no review reason, and no patient name, date of birth, MRN or phone in the review API.
 */
const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const patientById = (id: string) => clinic.patients.find((patient) => patient.id === id)!;
const olderAdults = scenarios.uniquePatient.filter((caller) => patientById(caller.patientId).birthDate! < '1965-01-01' && !patientById(caller.patientId).communication);
// A girl under ten months old (her age in weeks goes into the call's words).
const baby = clinic.patients.find((patient) => patient.gender === 'female' && patient.birthDate! > new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10));
const babyWeeks = baby ? Math.floor((Date.now() - Date.parse(baby.birthDate!)) / (7 * 86_400_000)) : 0;
const yes = { patientIdentifiedCorrectly: true, actionAppropriate: true, noUnnecessaryPhi: true, neutralFactualTone: true };
const mrnOf = (patient: Patient) => patient.identifier!.find((identifier) => identifier.type?.coding?.[0]?.code === 'MR')!.value!;
const primaryPhoneOf = (patient: Patient) => [...(patient.telecom ?? [])].filter((point) => point.system === 'phone').sort((a, b) => (a.rank ?? 9) - (b.rank ?? 9))[0]?.value ?? null;
const displayNameOf = (patient: Patient) => `${patient.name![0]!.given!.join(' ')} ${patient.name![0]!.family}`;

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

async function callTasks(id: string): Promise<Task[]> {
  const identifier = `${callTaskIdentifierSystem}|${callTaskIdentifierValue('synthetic-pbx', id)}`;
  const response = await fetch(`${ehr.baseUrl}/Task?identifier=${encodeURIComponent(identifier)}`, { headers: { authorization: `Bearer ${ehr.issueTestToken('system/Task.rs')}` } });
  return ((await response.json()) as Bundle<Task>).entry?.map((entry) => entry.resource!) ?? [];
}

describe.each(backendKinds)('patient search, link to chart and mismatch flags (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr });
  });
  afterAll(async () => harness.close());

  const api = async (method: string, path: string, body?: unknown, role: StaffRole = 'nurse', queues: string[] = ['*']) => {
    const response = await fetch(`${harness.engine.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await harness.token(role, queues)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  const auditRows = async (action: string) => {
    const { rows } = await harness.engine.db.query<{ actor: string; object_id: string | null; outcome: string; reason: string | null; detail: unknown }>(
      `select actor, object_id, outcome, reason, detail from audit_event where action = $1
       union all select actor, object_id, outcome, reason, detail from audit_pending where action = $1`,
      [action],
    );
    return rows.map((row) => ({ ...row, detail: typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail }));
  };

  /** One call (all consents granted) from `ani`; returns its review item once planned. */
  async function placeCall(options: { id: string; ani: string; queue: string; text: string; dobOf?: Patient }) {
    const call = { id: options.id, ani: options.ani, dnis: '+16175550100', queue: options.queue, direction: 'inbound' as const };
    const event = (overrides: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(overrides), call });
    await harness.post(event({ type: 'call.ringing', callId: options.id }));
    for (const consent of consentEvents(options.id, options.ani, [], options.queue)) await harness.post(consent);
    if (options.dobOf) {
      const dob = options.dobOf.birthDate!;
      await harness.post(event({ type: 'ivr.input', callId: options.id, data: { kind: 'dtmf', menu: 'dob', value: `${dob.slice(5, 7)}${dob.slice(8, 10)}${dob.slice(0, 4)}` } }));
    }
    await harness.post(event({ type: 'call.answered', callId: options.id }));
    await harness.post(event({ type: 'transcript.available', callId: options.id, data: { transcript: { text: options.text } } }));
    await harness.post(event({ type: 'call.ended', callId: options.id }));
    return eventually(async () => {
      const listed = await api('GET', '/api/review?status=pending,approved,auto-approved,rejected&limit=500');
      for (const item of listed.body.items as { id: string; callId: string }[]) {
        if ((await findCall(harness.engine.db, item.callId))?.providerCallId === options.id) return item as { id: string; callId: string; status: string; reasons: string[]; patient: Record<string, unknown> | null };
      }
      return null;
    }, 30_000, 'the review item');
  }

  it('searches the EHR by name and birth date, MRN or phone for reviewers only, refuses a name alone, and audits the kinds of criteria, never their values', async () => {
    const patient = patientById(olderAdults[0]!.patientId);
    const given = patient.name![0]!.given![0]!;
    const family = patient.name![0]!.family!;
    const expected = { id: patient.id, name: displayNameOf(patient), birthDate: patient.birthDate, mrn: mrnOf(patient), phone: primaryPhoneOf(patient) };

    const byName = await api('GET', `/api/patients?name=${encodeURIComponent(`${given} ${family}`)}&birthDate=${patient.birthDate}`);
    expect(byName.status).toBe(200);
    expect(byName.body.patients).toEqual([expect.objectContaining(expected)]);
    expect(byName.body.more).toBe(false);
    const byMrn = await api('GET', `/api/patients?mrn=${encodeURIComponent(mrnOf(patient))}`);
    expect(byMrn.body.patients.map((found: { id: string }) => found.id)).toEqual([patient.id]);
    // The phone as a person types it: normalised to E.164 before the EHR is asked.
    const national = primaryPhoneOf(patient)!.slice(2);
    const byPhone = await api('GET', `/api/patients?phone=${encodeURIComponent(`(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`)}`, undefined, 'clinician');
    expect(byPhone.body.patients.map((found: { id: string }) => found.id)).toContain(patient.id);

    // Minimum necessary: a name alone (or a birth date alone, or nothing) is too broad to search.
    for (const query of [`name=${encodeURIComponent(family)}`, `birthDate=${patient.birthDate}`, '']) {
      const refused = await api('GET', `/api/patients?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error.code).toBe('SEARCH_TOO_BROAD');
    }
    expect((await api('GET', '/api/patients?phone=12')).status).toBe(400);
    expect((await api('GET', '/api/patients?birthDate=1950-02-31&name=x')).status).toBe(400);
    for (const role of ['intake', 'analyst', 'admin'] as const) {
      const refused = await api('GET', `/api/patients?mrn=${encodeURIComponent(mrnOf(patient))}`, undefined, role);
      expect(refused.status, role).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain(family);
    }

    const searched = await auditRows('ehr.patient.searched');
    expect(searched.map((row) => row.detail)).toEqual(expect.arrayContaining([
      expect.objectContaining({ criteria: ['birthDate', 'name'], results: 1 }),
      expect.objectContaining({ criteria: ['mrn'], results: 1 }),
      expect.objectContaining({ criteria: ['phone'] }),
    ]));
    expect(searched.every((row) => row.actor.startsWith('staff:test-'))).toBe(true);
    const refusedSearches = await auditRows('ehr.patient.search.refused');
    expect(refusedSearches.filter((row) => row.reason === 'SEARCH_TOO_BROAD').length).toBeGreaterThanOrEqual(3);
    const audited = JSON.stringify([...searched, ...refusedSearches]);
    for (const value of [given, family, patient.birthDate!, mrnOf(patient), primaryPhoneOf(patient)!, national]) {
      expect(audited).not.toContain(value);
      expect(harness.logs.text).not.toContain(value);
    }
  });

  it("links an unknown caller's call to the chart a nurse found, records the staff check, and moves the Task to that patient exactly once", async () => {
    const id = `${kind}-unknown-caller`;
    const patient = patientById(olderAdults[1]!.patientId);
    const item = await placeCall({ id, ani: scenarios.unknown[0]!, queue: 'demo-review', text: 'Synthetic: I need a refill of my lisinopril, I am almost out.' });
    expect(item.status).toBe('pending');
    expect(item.reasons).toContain('identity-unverified');
    const unlinked = await eventually(async () => ((await callTasks(id)).length ? callTasks(id) : null), 30_000, 'the call Task');
    expect(unlinked).toHaveLength(1);
    expect(unlinked[0]!.for).toBeUndefined();
    expect((await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 1, checklist: yes })).body.error.code).toBe('IDENTITY_UNVERIFIED');

    // The nurse searches the EHR, then links the chart with how the caller was confirmed.
    const found = await api('GET', `/api/patients?mrn=${encodeURIComponent(mrnOf(patient))}`);
    expect(found.body.patients[0].id).toBe(patient.id);
    const missing = await api('POST', `/api/review/${item.id}/link-patient`, { patientId: 'pat-9999', check: 'date-of-birth-confirmed' });
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('PATIENT_NOT_FOUND');
    expect((await api('POST', `/api/review/${item.id}/link-patient`, { patientId: patient.id, check: 'gut-feeling' })).status).toBe(400);
    expect((await api('POST', `/api/review/${item.id}/link-patient`, { patientId: patient.id })).status).toBe(400);
    for (const role of ['intake', 'analyst', 'admin'] as const) {
      expect((await api('POST', `/api/review/${item.id}/link-patient`, { patientId: patient.id, check: 'in-person' }, role)).status, role).toBe(403);
    }
    // Another queue's item does not exist for this nurse.
    expect((await api('POST', `/api/review/${item.id}/link-patient`, { patientId: patient.id, check: 'in-person' }, 'nurse', ['somewhere-else'])).status).toBe(404);

    const linked = await api('POST', `/api/review/${item.id}/link-patient`, { patientId: patient.id, check: 'date-of-birth-confirmed' });
    expect(linked.status).toBe(200);
    expect(linked.body.identity).toMatchObject({ confidence: 'staff-verified', verified: true, check: { method: 'date-of-birth-confirmed', by: 'test-nurse' } });
    expect(linked.body.patient).toMatchObject({ id: patient.id, name: displayNameOf(patient), birthDate: patient.birthDate, mrn: mrnOf(patient), verified: true });
    expect(linked.body.item.reasons).not.toContain('identity-unverified');

    const moved = await eventually(async () => {
      const tasks = await callTasks(id);
      return tasks[0]?.for?.reference === `Patient/${patient.id}` ? tasks : null;
    }, 30_000, 'the Task moved to the linked patient');
    expect(moved).toHaveLength(1);
    expect(moved[0]!.input?.find((input) => input.type.text === 'caller-identity-confidence')?.valueString).toBe('staff-verified');

    // Linking again, and the write-task job delivered again: still one Task, on the same patient.
    const again = await api('POST', `/api/review/${item.id}/link-patient`, { patientId: patient.id, check: 'date-of-birth-confirmed' });
    expect(again.status).toBe(200);
    await harness.engine.pipeline.enqueue(null, 'write-task', { callId: item.callId });
    await eventually(async () => ((await harness.engine.pipeline.pendingJobs()) === 0 ? true : null), 30_000, 'the redelivered job');
    const after = await callTasks(id);
    expect(after).toHaveLength(1);
    expect(after[0]!.for?.reference).toBe(`Patient/${patient.id}`);
    expect(after[0]!.meta?.versionId).toBe(moved[0]!.meta?.versionId);

    const call = (await findCall(harness.engine.db, item.callId))!;
    expect(call.callerMatch).toMatchObject({ outcome: 'unique', confidence: 'staff-verified', candidates: [{ patientId: patient.id }], staffCheck: { method: 'date-of-birth-confirmed', by: 'test-nurse' } });
    const audited = await auditRows('call.identity.linked');
    const mine = audited.filter((row) => row.object_id === item.callId);
    // Chained and not yet chained rows come back in no particular order: one link, one duplicate.
    expect(mine.map((row) => row.outcome).sort()).toEqual(['duplicate', 'success']);
    expect(mine.find((row) => row.outcome === 'success')!.detail).toMatchObject({ reviewId: item.id, check: 'date-of-birth-confirmed', previousConfidence: 'none' });
    expect(JSON.stringify(audited)).not.toContain(patient.name![0]!.family!);
    expect((await auditRows('call.identity.link.refused')).map((row) => row.reason)).toContain('PATIENT_NOT_FOUND');

    expect((await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 1, checklist: yes })).status).toBe(200);
    // The outbox shows whose chart each item is for: to reviewers of the call's queue only.
    const outbox = await api('GET', `/api/write-back?callId=${item.callId}`);
    expect(outbox.body.items.length).toBeGreaterThan(0);
    expect(outbox.body.items[0].patient).toMatchObject({ id: patient.id, name: displayNameOf(patient), birthDate: patient.birthDate, mrn: mrnOf(patient), verified: true });
    const otherQueue = await api('GET', `/api/write-back?callId=${item.callId}`, undefined, 'nurse', ['somewhere-else']);
    expect(otherQueue.body.items[0].patient).toBeNull();
    const admin = await api('GET', `/api/write-back?callId=${item.callId}`, undefined, 'admin');
    expect(admin.body.items[0].patient).toBeUndefined();
    expect(JSON.stringify(admin.body)).not.toContain(patient.name![0]!.family!);
    // A decided item is not re-linked here: a wrong patient after approval is a rejection.
    expect((await api('POST', `/api/review/${item.id}/link-patient`, { patientId: patient.id, check: 'in-person' })).status).toBe(409);
  });

  it("confirming one of the charts the caller's number matched (verify-identity) moves the call's Task to it too", async () => {
    const caller = olderAdults[3]!;
    const id = `${kind}-verify-candidate`;
    const item = await placeCall({ id, ani: caller.phone, queue: 'demo-review', text: 'Synthetic: are my blood test results back yet?' });
    expect(item.patient).toMatchObject({ id: caller.patientId, verified: false });
    const unlinked = await eventually(async () => ((await callTasks(id)).length ? callTasks(id) : null), 30_000, 'the call Task');
    expect(unlinked[0]!.for).toBeUndefined();
    expect((await api('POST', `/api/review/${item.id}/verify-identity`, { patientId: caller.patientId })).status).toBe(200);
    const moved = await eventually(async () => {
      const tasks = await callTasks(id);
      return tasks[0]?.for?.reference === `Patient/${caller.patientId}` ? tasks : null;
    }, 30_000, 'the Task linked to the confirmed chart');
    expect(moved).toHaveLength(1);
    expect((await findCall(harness.engine.db, item.callId))!.callerMatch?.staffCheck).toMatchObject({ method: 'caller-id-candidate-confirmed', by: 'test-nurse' });
  });

  it("flags a baby's call filed on an older adult's chart as a patient mismatch, shows the chart's demographics, and moves the Task when the right chart is linked", async () => {
    const caller = olderAdults[2]!;
    const adult = patientById(caller.patientId);
    const id = `${kind}-wrong-patient`;
    // No red flag and a summary-only queue: without the mismatch this call would be auto-approved.
    const item = await placeCall({ id, ani: caller.phone, dobOf: adult, queue: 'demo-summary-only', text: `Synthetic test caller here, my baby is ${babyWeeks} weeks old and I need to book her next checkup.` });
    expect(item.status).toBe('pending');
    expect(item.reasons).toContain('patient-mismatch:age');
    expect(item.reasons).not.toContain('identity-unverified');
    expect(item.patient).toMatchObject({ id: adult.id, verified: true, name: displayNameOf(adult), birthDate: adult.birthDate, mrn: mrnOf(adult), phone: primaryPhoneOf(adult) });

    const opened = await api('GET', `/api/review/${item.id}`);
    expect(opened.body.identity.mismatch).toContain('age');
    expect(opened.body.patient).toMatchObject({ id: adult.id, name: displayNameOf(adult), birthDate: adult.birthDate, mrn: mrnOf(adult) });
    const filed = await eventually(async () => ((await callTasks(id))[0]?.for ? callTasks(id) : null), 30_000, 'the Task on the keyed-in chart');
    expect(filed[0]!.for?.reference).toBe(`Patient/${adult.id}`);
    // Who may read the demographics: reviewers; the write-back list shows them to reviewers only.
    const outbox = await api('GET', `/api/write-back?callId=${item.callId}`, undefined, 'supervisor');
    expect(outbox.status).toBe(200);
    const asAdmin = await api('GET', '/api/write-back?limit=1000', undefined, 'admin');
    expect(JSON.stringify(asAdmin.body)).not.toContain(adult.name![0]!.family!);
    expect((await api('GET', `/api/review/${item.id}`, undefined, 'intake')).status).toBe(403);

    // The right chart: the baby girl. The mismatch goes away and the Task moves, once.
    expect(baby, 'a synthetic baby girl in the clinic').toBeTruthy();
    const relinked = await api('POST', `/api/review/${item.id}/link-patient`, { patientId: baby!.id, check: 'called-back-on-chart-number' });
    expect(relinked.status).toBe(200);
    expect(relinked.body.identity.mismatch).toEqual([]);
    expect(relinked.body.item.reasons.filter((reason: string) => reason.startsWith('patient-mismatch'))).toEqual([]);
    expect(relinked.body.item.status).toBe('pending');
    // The chart is a minor's now: the reviewer gets that prompt, and the parent is not the patient.
    expect(relinked.body.item.reasons).toContain('sensitive:minor');
    const moved = await eventually(async () => {
      const tasks = await callTasks(id);
      return tasks[0]?.for?.reference === `Patient/${baby!.id}` ? tasks : null;
    }, 30_000, 'the Task moved to the baby');
    expect(moved).toHaveLength(1);
    const reopened = await api('GET', `/api/review/${item.id}`);
    expect(reopened.body.patient).toMatchObject({ id: baby!.id, verified: true, birthDate: baby!.birthDate });
    expect(reopened.body.identity).toMatchObject({ confidence: 'staff-verified', mismatch: [], check: { method: 'called-back-on-chart-number' } });
    expect(reopened.body.prompts.join(' ')).toContain('minor');
  });
});
