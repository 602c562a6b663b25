import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { defaultConfig } from '../config/config.schema.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findCall, findCallByProvider, listConsents } from '../calls/calls.repository.ts';
import { findCallbackTask, listCallbackAttempts, openCallbackTask } from '../callbacks/callback.repository.ts';
import { twilioRestClient } from '../pbx/twilio-rest.client.ts';
import { startTwilioCloud, type TwilioCloud } from '../simulator/twilio-cloud.server.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { eventually, startHarness, type Harness } from '../../test/helpers/engine-harness.ts';

/**
 * Calling a patient back from a callback task (issue 16), end to end: the engine on a real socket,
 * the sandbox EHR over HTTP for the chart's number, and the local Twilio stand-in for Twilio's
 * cloud (its REST API through Twilio's SDK, its signed requests back to our webhooks).
 * Synthetic patients only.
 */
const clinicNumber = '+16175550100';
const synthetic = generateSyntheticClinic();
const phonesOf = (patientId: string | undefined) => (synthetic.patients.find((patient) => patient.id === patientId)!.telecom ?? []).filter((point) => point.system === 'phone');
// Patients whose one number is theirs alone: the answered call's ANI identifies them in the pipeline.
const reachable = sandboxPhoneScenarios(synthetic).uniquePatient.filter((entry) => phonesOf(entry.patientId).length === 1);
const noPhoneId = synthetic.patients.find((patient) => phonesOf(patient.id).length === 0)!.id!;

let ehr: SandboxEhr;
let cloud: TwilioCloud;
let harness: Harness;
let next = 0;

beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  cloud = await startTwilioCloud();
  harness = await startHarness('pglite', {
    ehr,
    config: { twilio: { ...defaultConfig.twilio, accountSid: cloud.accountSid, apiBaseUrl: cloud.url, clinicNumber } },
    engine: { twilioAuthToken: cloud.authToken, twilioRest: twilioRestClient({ accountSid: cloud.accountSid, authToken: cloud.authToken, apiBaseUrl: cloud.url }) },
  });
});
afterAll(async () => {
  await harness?.close();
  await cloud?.close();
  await ehr?.close();
});

/** A callback task for a missed call, as the callbacks domain opens one. */
async function openTask(options: { patientId: string | null; queue?: string }): Promise<string> {
  const now = new Date();
  const opened = await harness.engine.db.transaction((tx) =>
    openCallbackTask(tx, {
      origin: 'missed-call', patientId: options.patientId, callId: null, requestType: `test-${next++}`, urgent: false, queue: options.queue ?? 'front-desk',
      dueAt: new Date(now.getTime() + 3_600_000), context: { ivrReason: null, requestTypes: [], redFlags: [], barriers: [] }, now,
    }),
  );
  return opened.id;
}

async function pressCall(taskId: string, token: string) {
  const response = await fetch(`${harness.engine.url}/api/callbacks/${taskId}/call`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as { call?: { id: string; status: string }; placed?: boolean; error?: { code: string; message: string } } };
}

async function outboundCalls(taskId: string, token: string) {
  const response = await fetch(`${harness.engine.url}/api/callbacks/${taskId}/calls`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as { calls: { id: string; status: string; attemptOutcome: string | null; callId: string | null }[] };
}

const placedFor = async (taskId: string) => {
  const rows = await harness.engine.db.query<{ provider_call_id: string }>('select provider_call_id from outbound_call where task_id = $1 and provider_call_id is not null order by requested_at', [taskId]);
  return rows.rows.map((row) => row.provider_call_id);
};

describe('outbound calls from a callback task', () => {
  it("places one Twilio call with the chart's number and the clinic's caller ID, however often Call is pressed", async () => {
    const patient = reachable[0]!;
    const taskId = await openTask({ patientId: patient.patientId });
    const nurse = await harness.token('nurse', ['front-desk']);
    const before = cloud.calls.length;

    const first = await pressCall(taskId, nurse);
    expect(first.status).toBe(200);
    expect(first.body.placed).toBe(true);
    const again = await pressCall(taskId, nurse);
    expect(again.status).toBe(200);
    expect(again.body.placed).toBe(false);
    expect(again.body.call!.id).toBe(first.body.call!.id);

    expect(cloud.calls.length).toBe(before + 1);
    const placed = cloud.calls.at(-1)!;
    expect(placed.to).toBe(patient.phone);
    expect(placed.from).toBe(clinicNumber);
    expect(placed.url).toBe(`${harness.engine.url}/webhooks/twilio/outbound-voice`);
    expect(placed.statusCallback).toBe(`${harness.engine.url}/webhooks/twilio/outbound-status`);
    // The number is the chart's, and goes nowhere else: not in our audit trail, not in the logs.
    const audit = JSON.stringify(await listAuditEvents(harness.engine.db, { limit: 10_000 }));
    expect(audit).not.toContain(patient.phone);
    expect(harness.logs.text).not.toContain(patient.phone);
    await cloud.finishCall(placed.sid, 'busy');
  });

  it('records a no-answer attempt on the task for each unanswered call; the third escalates it', async () => {
    const taskId = await openTask({ patientId: reachable[1]!.patientId });
    const intake = await harness.token('intake', ['front-desk']);
    for (const [index, outcome] of (['no-answer', 'busy', 'no-answer'] as const).entries()) {
      const pressed = await pressCall(taskId, intake);
      expect(pressed.body.placed).toBe(true);
      const sid = (await placedFor(taskId)).at(-1)!;
      const finished = await cloud.finishCall(sid, outcome);
      expect(finished.callbacks.every((status) => status === 204)).toBe(true);
      const attempts = await listCallbackAttempts(harness.engine.db, taskId);
      expect(attempts.map((attempt) => attempt.outcome)).toEqual(Array(index + 1).fill('no-answer'));
    }
    const task = (await findCallbackTask(harness.engine.db, taskId))!;
    expect(task.status).toBe('escalated');
    expect(task.escalationLevel).toBe(1);
    const listed = await outboundCalls(taskId, intake);
    expect(listed.calls.map((call) => call.status)).toEqual(['no-answer', 'busy', 'no-answer']);
    expect(listed.calls.every((call) => call.attemptOutcome === 'no-answer' && call.callId === null)).toBe(true);
  });

  it('asks the consents first, then connects the person who pressed Call; the call is in the ledger, answered, and runs the pipeline', async () => {
    const patient = reachable[2]!;
    const taskId = await openTask({ patientId: patient.patientId });
    const nurse = await harness.token('nurse', ['front-desk'], ['+16175550177'], 'nurse-on-shift');
    await pressCall(taskId, nurse);
    const sid = (await placedFor(taskId)).at(-1)!;
    // The patient answers and keys 1 (yes) to each question.
    const finished = await cloud.finishCall(sid, 'completed', { answeredBy: 'human', keypad: ['1', '1', '1', '1'], durationSeconds: 95 });
    const [first, ...rest] = finished.twimls;
    expect(first).toContain('returning your call');
    expect(first).toContain('<Gather');
    expect(first).not.toContain('<Dial');
    const last = rest.at(-1)!;
    expect(last).toContain('<Dial>+16175550177</Dial>');
    expect(last).not.toContain('<Gather');
    // Nothing about the patient is said: the clinic's greeting and the questions only.
    expect(finished.twimls.join('')).not.toContain(patient.phone);

    const attempts = await listCallbackAttempts(harness.engine.db, taskId);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['answered']);
    expect(attempts[0]!.agent).toBe('staff:nurse-on-shift');
    const ledger = (await findCallByProvider(harness.engine.db, 'twilio', sid))!;
    expect(ledger.direction).toBe('outbound');
    expect(ledger.queue).toBe('front-desk');
    expect(Object.fromEntries(Object.entries(await listConsents(harness.engine.db, ledger.id)).map(([scope, consent]) => [scope, consent.status]))).toEqual({
      record: 'granted', transcribe: 'granted', ai: 'granted', ehr: 'granted',
    });
    // The same after-call pipeline as an inbound call: the caller identified, a Task in the chart.
    const done = await eventually(async () => {
      const call = await findCall(harness.engine.db, ledger.id);
      return call?.status === 'ended' && call.fhirTaskId ? call : null;
    }, 30_000, 'the outbound call in the chart');
    expect(done.callerMatch?.candidates[0]?.patientId).toBe(patient.patientId);
    const listed = await outboundCalls(taskId, nurse);
    expect(listed.calls[0]).toMatchObject({ status: 'completed', attemptOutcome: 'answered', callId: ledger.id });
  });

  it('leaves a message without PHI on an answering machine, and logs a voicemail-left attempt', async () => {
    const taskId = await openTask({ patientId: reachable[3]!.patientId });
    const nurse = await harness.token('nurse', ['front-desk']);
    await pressCall(taskId, nurse);
    const sid = (await placedFor(taskId)).at(-1)!;
    const finished = await cloud.finishCall(sid, 'completed', { answeredBy: 'machine_start' });
    expect(finished.twiml).toContain('Please call us back at 6 1 7 5 5 5 0 1 0 0');
    expect(finished.twiml).toContain('<Hangup/>');
    expect((await listCallbackAttempts(harness.engine.db, taskId)).map((attempt) => attempt.outcome)).toEqual(['voicemail-left']);
    // A machine is no conversation: no ledger call, no consent, no pipeline.
    expect(await findCallByProvider(harness.engine.db, 'twilio', sid)).toBeNull();
  });

  it('a redelivered or stale status callback changes nothing; a forged one is refused and audited', async () => {
    const taskId = await openTask({ patientId: reachable[4]!.patientId });
    const nurse = await harness.token('nurse', ['front-desk']);
    await pressCall(taskId, nurse);
    const sid = (await placedFor(taskId)).at(-1)!;
    await cloud.finishCall(sid, 'no-answer');
    expect(await listCallbackAttempts(harness.engine.db, taskId)).toHaveLength(1);

    const url = `${harness.engine.url}/webhooks/twilio/outbound-status`;
    const post = (params: Record<string, string>, token: string | null) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, url, params) } : {}) },
        body: new URLSearchParams(params).toString(),
      });
    const base = { AccountSid: cloud.accountSid, CallSid: sid, From: clinicNumber, To: reachable[4]!.phone, Direction: 'outbound-api' };
    // Twilio retries the final callback; an older one arrives late.
    expect((await post({ ...base, CallStatus: 'no-answer', SequenceNumber: '2', CallDuration: '0' }, cloud.authToken)).status).toBe(204);
    expect((await post({ ...base, CallStatus: 'ringing', SequenceNumber: '1' }, cloud.authToken)).status).toBe(204);
    expect((await post({ ...base, CallStatus: 'busy', SequenceNumber: '3' }, cloud.authToken)).status).toBe(204);
    expect(await listCallbackAttempts(harness.engine.db, taskId)).toHaveLength(1);
    expect((await outboundCalls(taskId, nurse)).calls[0]!.status).toBe('no-answer');

    const forged = await post({ ...base, CallStatus: 'completed', SequenceNumber: '9' }, 'f'.repeat(32));
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('SIGNATURE_INVALID');
    const unsigned = await post({ ...base, CallStatus: 'completed', SequenceNumber: '9' }, null);
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('SIGNATURE_MISSING');
    const refusals = await eventually(async () => {
      const events = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'webhook.rejected' && JSON.stringify(event.detail).includes('outbound-status'));
      const reasons = new Set(events.map((event) => event.reason));
      return reasons.has('SIGNATURE_INVALID') && reasons.has('SIGNATURE_MISSING') ? events : null;
    }, 10_000, 'the refusals in the audit log');
    expect(refusals.length).toBeGreaterThan(0);
    expect(await listCallbackAttempts(harness.engine.db, taskId)).toHaveLength(1);
  });

  it("answers 404 for another queue's task, 403 for a role that makes no callbacks, 422 with the reason for a chart without a phone", async () => {
    const elsewhere = await openTask({ patientId: reachable[5]!.patientId, queue: 'billing' });
    const before = cloud.calls.length;
    const frontDesk = await harness.token('nurse', ['front-desk']);
    expect((await pressCall(elsewhere, frontDesk)).status).toBe(404);
    expect((await fetch(`${harness.engine.url}/api/callbacks/${elsewhere}/calls`, { headers: { authorization: `Bearer ${frontDesk}` } })).status).toBe(404);
    expect((await pressCall(elsewhere, await harness.token('analyst', ['*']))).status).toBe(403);

    const withoutPhone = await openTask({ patientId: noPhoneId });
    const refused = await pressCall(withoutPhone, frontDesk);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'PATIENT_NO_PHONE', message: 'the chart has no phone number for this patient' });
    const unidentified = await openTask({ patientId: null });
    const noPatient = await pressCall(unidentified, frontDesk);
    expect(noPatient.status).toBe(422);
    expect(noPatient.body.error!.code).toBe('CALLBACK_NO_PATIENT');
    expect(cloud.calls.length).toBe(before);
    const audited = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'outbound.call.refused');
    expect(audited.map((event) => event.reason)).toEqual(expect.arrayContaining(['PATIENT_NO_PHONE', 'CALLBACK_NO_PATIENT']));
  });

  it("answers 503 when Twilio is unavailable (audited), and the next press places the call", async () => {
    const taskId = await openTask({ patientId: reachable[6]!.patientId });
    const nurse = await harness.token('nurse', ['front-desk']);
    cloud.failNext(503);
    const unavailable = await pressCall(taskId, nurse);
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error!.code).toBe('TWILIO_UNAVAILABLE');
    const retried = await pressCall(taskId, nurse);
    expect(retried.status).toBe(200);
    expect(retried.body.placed).toBe(true);
    await cloud.finishCall((await placedFor(taskId)).at(-1)!, 'busy');
    const failures = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'outbound.call.failed' && event.objectId === taskId);
    expect(failures.map((event) => event.reason)).toEqual(['TWILIO_UNAVAILABLE']);
  });

  it("answers 422 with the reason when Twilio refuses the chart's number, and audits it with Twilio's code", async () => {
    const patient = reachable[7]!;
    const taskId = await openTask({ patientId: patient.patientId });
    cloud.refuseNumber(patient.phone);
    const before = cloud.calls.length;
    const refused = await pressCall(taskId, await harness.token('clinician', ['front-desk']));
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'PATIENT_NUMBER_REJECTED' });
    expect(refused.body.error!.message).toContain('Twilio error 21217');
    expect(cloud.calls.length).toBe(before);
    const failed = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).find((event) => event.action === 'outbound.call.failed' && event.objectId === taskId)!;
    expect(failed).toMatchObject({ reason: 'TWILIO_REJECTED', detail: { twilioCode: 21217, status: 400 } });
    expect(JSON.stringify(failed)).not.toContain(patient.phone);
  });
});
