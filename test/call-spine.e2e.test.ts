import type { Bundle, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import type { ScreenPop } from '../src/ehr/screen-pop.mapper.ts';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../src/ehr/fhir-task.mapper.ts';
import { verifyAuditChain } from '../src/audit/audit.repository.ts';
import { findCall } from '../src/calls/calls.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { keypadDob } from '../src/simulator/call-scenarios.ts';
import { runSimulation } from '../src/simulator/simulate.client.ts';
import { backendKinds } from './helpers/backends.ts';
import { connectLiveClient, eventually, startHarness, syntheticEvent, type Harness } from './helpers/engine-harness.ts';
import { consentEvents } from './helpers/consent-events.ts';

const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const known = scenarios.uniquePatient[0]!;
const knownPatient = clinic.patients.find((patient) => patient.id === known.patientId)!;
const shared = scenarios.sharedFamily[0]!;
const transcriptCanary = 'CANARY-TRANSCRIPT-7f3a: I need a refill of my lisinopril sent to the pharmacy';

const isPopFor = (callId: string) => (message: LiveMessage): message is Extract<LiveMessage, { type: 'screen-pop' }> =>
  message.type === 'screen-pop' && message.screenPop.callId === callId && message.screenPop.complete;

async function tasksForCall(ehr: SandboxEhr, providerCallId: string): Promise<Task[]> {
  const identifier = `${callTaskIdentifierSystem}|${callTaskIdentifierValue('synthetic-pbx', providerCallId)}`;
  const response = await fetch(`${ehr.baseUrl}/Task?identifier=${encodeURIComponent(identifier)}`, { headers: { authorization: `Bearer ${ehr.issueTestToken('system/Task.rs')}` } });
  const bundle = (await response.json()) as Bundle<Task>;
  return (bundle.entry ?? []).map((entry) => entry.resource!);
}

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('one call from signed webhook to one FHIR Task (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr });
  });
  afterAll(async () => harness.close());

  it('pops the known caller’s chart on the staff WebSocket and writes exactly one linked Task despite replays', async () => {
    const display = await connectLiveClient(harness.engine.url, await harness.token());
    const providerCallId = `${kind}-known-1`;
    // National format on purpose: the PBX does not send E.164.
    const national = known.phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3');
    const ringing = syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani: national });
    const first = await harness.post(ringing);
    expect(first.status).toBe(202);
    expect(first.body.status).toBe('accepted');

    const pop = (await display.waitFor(isPopFor(String(first.body.callId)))).screenPop as ScreenPop;
    expect(pop.outcome).toBe('unique');
    expect(pop.confidence).toBe('ani-only');
    expect(pop.patient?.id).toBe(known.patientId);
    expect(pop.patient?.name).toContain(knownPatient.name![0]!.family!);
    expect(pop.patient?.pcp).toBeTruthy();

    // The caller keys in their date of birth: the identity is verified (ID-2) and the card says so.
    const dob = knownPatient.birthDate!;
    const keyed = `${dob.slice(5, 7)}${dob.slice(8, 10)}${dob.slice(0, 4)}`;
    await harness.post(syntheticEvent({ type: 'ivr.input', callId: providerCallId, ani: national, data: { kind: 'dtmf', menu: 'dob', value: keyed } }));
    const verifiedPop = await display.waitFor(
      (m): m is Extract<LiveMessage, { type: 'screen-pop' }> => m.type === 'screen-pop' && m.screenPop.callId === String(first.body.callId) && m.screenPop.confidence === 'ani-dob-verified',
    );
    expect(verifiedPop.screenPop.patient?.id).toBe(known.patientId);

    // PBX redelivery of the same event: acknowledged, changes nothing.
    const replay = await harness.post(ringing);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ status: 'duplicate', callId: first.body.callId });

    const answered = syntheticEvent({ type: 'call.answered', callId: providerCallId, ani: national });
    const transcript = syntheticEvent({
      type: 'transcript.available', callId: providerCallId, ani: national,
      data: { transcript: { text: transcriptCanary, language: 'en-US' } },
    });
    const ended = syntheticEvent({ type: 'call.ended', callId: providerCallId, ani: national, data: { durationSeconds: 64 } });
    // Out of order and twice each. The transcript that overtakes the consent answers is not stored
    // and not acknowledged (503 CONSENT_PENDING): the PBX's redelivery after them is accepted.
    const early = await harness.post(transcript);
    expect(early.status).toBe(503);
    expect((early.body.error as { code: string }).code).toBe('CONSENT_PENDING');
    for (const event of [ended, ...consentEvents(providerCallId, national), answered, transcript, ended, answered]) {
      expect([200, 202]).toContain((await harness.post(event)).status);
    }

    const call = await eventually(async () => {
      const record = await findCall(harness.engine.db, String(first.body.callId));
      return record?.writeBackStatus === 'written' ? record : null;
    }, 30_000, 'the Task write-back');
    expect(call.status).toBe('ended');
    expect(call.requestType).toBe('prescription_refill');

    const tasks = await tasksForCall(ehr, providerCallId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.for?.reference).toBe(`Patient/${known.patientId}`);
    expect(tasks[0]!.id).toBe(call.fhirTaskId);
    expect(tasks[0]!.code?.coding?.[0]?.code).toBe('prescription_refill');
    expect(JSON.stringify(tasks[0])).not.toContain('CANARY-TRANSCRIPT');

    // A late replay of the transcript after the Task exists is a duplicate: once the pipeline has
    // nothing left to do, there is still one Task.
    expect(await harness.post(transcript)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    await eventually(async () => ((await harness.engine.pipeline.pendingJobs()) === 0 ? true : null), 30_000, 'the pipeline to go idle');
    expect(await tasksForCall(ehr, providerCallId)).toHaveLength(1);
    display.close();
  });

  it('does not link the Task to a chart on caller ID alone, but suggests it', async () => {
    const providerCallId = `${kind}-ani-only-1`;
    await harness.post(syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani: known.phone }));
    for (const consent of consentEvents(providerCallId, known.phone)) await harness.post(consent);
    await harness.post(syntheticEvent({ type: 'transcript.available', callId: providerCallId, ani: known.phone, data: { transcript: { text: 'Synthetic: I need my test results.' } } }));
    await harness.post(syntheticEvent({ type: 'call.ended', callId: providerCallId, ani: known.phone }));
    const tasks = await eventually(async () => {
      const found = await tasksForCall(ehr, providerCallId);
      return found.length ? found : null;
    }, 30_000, 'the ANI-only Task');
    expect(tasks[0]!.for).toBeUndefined();
    const suggestion = tasks[0]!.input?.find((input) => input.type.text === 'suggested-patient-unverified');
    expect(suggestion?.valueReference?.reference).toBe(`Patient/${known.patientId}`);
    expect(tasks[0]!.input?.find((input) => input.type.text === 'caller-identity-confidence')?.valueString).toBe('ani-only');
  });

  it('links the same Task to the chart when the date of birth arrives after the Task was written', async () => {
    const providerCallId = `${kind}-late-dob-1`;
    await harness.post(syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani: known.phone }));
    await harness.post(syntheticEvent({ type: 'call.ended', callId: providerCallId, ani: known.phone }));
    const unlinked = await eventually(async () => {
      const found = await tasksForCall(ehr, providerCallId);
      return found.length ? found : null;
    }, 30_000, 'the ANI-only Task');
    expect(unlinked[0]!.for).toBeUndefined();

    // A delayed webhook (at-least-once delivery) brings the keyed date of birth in late.
    await harness.post(syntheticEvent({ type: 'ivr.input', callId: providerCallId, ani: known.phone, data: { kind: 'dtmf', menu: 'dob', value: keypadDob(knownPatient.birthDate!) } }));
    const linked = await eventually(async () => {
      const found = await tasksForCall(ehr, providerCallId);
      return found[0]?.for ? found : null;
    }, 30_000, 'the Task linked in place');
    expect(linked).toHaveLength(1);
    expect(linked[0]!.id).toBe(unlinked[0]!.id);
    expect(linked[0]!.for?.reference).toBe(`Patient/${known.patientId}`);
    expect(linked[0]!.input?.find((input) => input.type.text === 'caller-identity-confidence')?.valueString).toBe('ani-dob-verified');
    expect(linked[0]!.input?.some((input) => input.type.text === 'suggested-patient-unverified')).toBe(false);
  });

  it('understands the call: a red flag makes the Task stat and reaches the nurse, redacted, but not the front desk', async () => {
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('nurse'));
    const frontDesk = await connectLiveClient(harness.engine.url, await harness.token('intake'));
    const providerCallId = `${kind}-red-flag-1`;
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani: known.phone }));
    const callId = String(ringing.body.callId);
    const family = knownPatient.name![0]!.family!;
    for (const consent of consentEvents(providerCallId, known.phone)) await harness.post(consent);
    await harness.post(syntheticEvent({ type: 'transcript.available', callId: providerCallId, ani: known.phone, data: { transcript: { text: `Synthetic: this is ${family}, I have crushing chest pain since this morning and I need my refill.` } } }));
    await harness.post(syntheticEvent({ type: 'call.ended', callId: providerCallId, ani: known.phone }));

    const understood = await nurse.waitFor((m: LiveMessage): m is Extract<LiveMessage, { type: 'call.understood' }> => m.type === 'call.understood' && m.understanding.callId === callId);
    expect(understood.understanding.redFlags.map((flag) => flag.code)).toContain('chest_pain');
    expect(understood.understanding.urgency).toBe('emergency');
    expect(understood.understanding.reviewed).toBe(false);
    expect(understood.understanding.summary?.details).not.toContain(family);

    const tasks = await eventually(async () => {
      const found = await tasksForCall(ehr, providerCallId);
      return found.length ? found : null;
    }, 30_000, 'the red-flag Task');
    expect(tasks[0]!.priority).toBe('stat');
    expect(tasks[0]!.description).toMatch(/^RED FLAG/);
    expect(tasks[0]!.input?.filter((input) => input.type.text === 'red-flag').map((input) => input.valueCodeableConcept?.coding?.[0]?.code)).toContain('chest_pain');
    const call = await findCall(harness.engine.db, callId);
    expect(call?.requestTypes).toEqual(expect.arrayContaining(['urgent_emergency', 'prescription_refill']));
    expect(frontDesk.messages.some((m) => m.type === 'call.understood')).toBe(false);
    nurse.close();
    frontDesk.close();
  });

  it('lists every chart on a shared family number and links the Task to none of them', async () => {
    const display = await connectLiveClient(harness.engine.url, await harness.token());
    const providerCallId = `${kind}-shared-1`;
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani: shared.phone }));
    const pop = (await display.waitFor(isPopFor(String(ringing.body.callId)))).screenPop;
    expect(pop.outcome).toBe('several');
    expect(pop.patient).toBeNull();
    expect(pop.candidates.map((candidate) => candidate.patientId).sort()).toEqual([...shared.patientIds].sort());

    await harness.post(syntheticEvent({ type: 'voicemail', callId: providerCallId, ani: shared.phone, data: { transcript: { text: 'Synthetic: can I reschedule my appointment?' } } }));
    const tasks = await eventually(async () => {
      const found = await tasksForCall(ehr, providerCallId);
      return found.length ? found : null;
    }, 30_000, 'the shared-number Task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.for).toBeUndefined();
    expect(tasks[0]!.description).toContain('missed call');
    display.close();
  });

  it('tells the agent when the number is withheld', async () => {
    const display = await connectLiveClient(harness.engine.url, await harness.token());
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: `${kind}-blocked-1`, ani: 'anonymous' }));
    const pop = (await display.waitFor(isPopFor(String(ringing.body.callId)))).screenPop;
    expect(pop.outcome).toBe('blocked');
    expect(pop.patient).toBeNull();
    display.close();
  });

  it('turns 20 simulated calls, each sent twice in shuffled order, into exactly 20 correctly linked Tasks', async () => {
    const report = await runSimulation({
      target: harness.engine.url, secret: harness.secret, calls: 20, duplicate: true, shuffle: true, seed: kind === 'pglite' ? 11 : 12, provider: `sim-${kind}`,
      ehrToken: async () => ehr.issueTestToken('system/Patient.rs system/RelatedPerson.rs system/Task.rs'),
    });
    expect(report.failed).toEqual([]);
    expect(report.duplicates).toBe(report.accepted);
    expect(report.problems).toEqual([]);
    expect(report.tasksFound).toBe(20);
    expect(report.correctlyLinked).toBe(20);
  });

  it('keeps caller numbers, names and transcripts out of the logs, and the audit chain intact', async () => {
    const logs = harness.logs.text;
    expect(harness.logs.lines.length).toBeGreaterThan(10);
    expect(logs).not.toContain('CANARY-TRANSCRIPT');
    expect(logs).not.toContain(known.phone);
    expect(logs).not.toContain(known.phone.slice(2));
    expect(logs).not.toContain(knownPatient.name![0]!.family!);
    expect(logs).not.toContain(shared.phone);
    const verdict = await verifyAuditChain(harness.engine.db);
    expect(verdict.ok).toBe(true);
    expect(verdict.events).toBeGreaterThan(50);
  });
});
