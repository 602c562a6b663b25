import type { MedicationRequest, Provenance, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findReviewItem } from '../review/review.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { startTwilioCloud, type TwilioCloud } from '../simulator/twilio-cloud.server.ts';
import { eventTaskIdentifierSystem } from '../write-back/event-task.mapper.ts';
import { refillOrderIdentifierSystem } from '../write-back/refill-order.mapper.ts';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../ehr/fhir-task.mapper.ts';
import { eventually, startHarness, type Harness } from '../../test/helpers/engine-harness.ts';
import { clinic, reviewCalls } from '../../test/helpers/review-calls.ts';
import { clinicNumber, lisinoprilCallers, lisinoprilOrderOf, onCallPhone, rulesFileWithHours } from '../../test/helpers/on-call.ts';
import { findNotice } from './on-call-notice.repository.ts';

/**
 * The on-call clinician's view end to end (issue 16, AH-1): real sockets, the sandbox EHR over
 * HTTP, the local Twilio stand-in speaking Twilio's wire format. The clinic calendar is always
 * closed here (always open in the last block), so "after hours" does not depend on the test's time.
 * The engine's clock is the test's: retries are driven by moving it. Synthetic patients and calls only.
 */
const queue = 'demo-review';
let nowMs = Date.now();
const clock = () => new Date(nowMs);

async function startOnCallEngine(ehr: SandboxEhr, cloud: TwilioCloud, hours: 'always-closed' | 'always-open'): Promise<Harness> {
  return startHarness('pglite', {
    ehr, clock,
    config: {
      routing: { rulesFile: rulesFileWithHours(hours), budgetMs: 2_000 },
      twilio: { accountSid: cloud.accountSid, apiBaseUrl: cloud.url, clinicNumber },
      onCall: { roster: [{ user: 'dr.oncall', notify: { sms: onCallPhone }, covers: 'after-hours' }], requestTypes: ['prescription_refill', 'symptom_report', 'urgent_emergency'], nurseTriageQueue: 'nurse-triage' },
    },
    engine: { twilioAuthToken: cloud.authToken },
  });
}

describe('the on-call view after hours', () => {
  let ehr: SandboxEhr;
  let cloud: TwilioCloud;
  let harness: Harness;
  const calls = reviewCalls(() => harness, () => ehr);
  /** A staff API request as a clinician (the on-call one by default: `sub` is their user name on trial tokens). */
  const asClinician = async (method: string, path: string, body?: unknown, who: { sub?: string; queues?: string[]; role?: 'clinician' | 'nurse' } = {}) => {
    const token = await harness.token(who.role ?? 'clinician', who.queues ?? ['some-other-queue'], [], who.sub ?? 'dr.oncall');
    const response = await fetch(`${harness.engine.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const noticeOf = async (callIndex: number) => {
    const { item, patient, caller } = await calls.placeCall({ id: `on-call-${callIndex}-${nowMs}`, queue, dob: true, caller: lisinoprilCallers[callIndex]!, text: 'Synthetic: I need a refill of my lisinopril, I have two days left.' });
    const { rows } = await harness.engine.db.query<{ id: string }>('select id from on_call_notice where review_id = $1', [item.id]);
    return { item, patient, caller, noticeId: rows[0]?.id ?? null };
  };

  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0 });
    cloud = await startTwilioCloud();
    harness = await startOnCallEngine(ehr, cloud, 'always-closed');
  });
  afterAll(async () => {
    await harness?.close();
    await cloud?.close();
    await ehr?.close();
  });

  it('sends one SMS per item, from the clinic number, with fixed words and an opaque link, even when the hook fires again', async () => {
    expect(lisinoprilCallers.length).toBeGreaterThanOrEqual(6);
    const before = cloud.messages.length;
    const { item, patient, caller, noticeId } = await noticeOf(0);
    expect(noticeId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const sent = cloud.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(onCallPhone);
    expect(sent[0]!.from).toBe(clinicNumber);
    expect(sent[0]!.body).toBe(`${'Demo Clinic (synthetic)'}: an after-hours call needs a clinician. Sign in to view: ${harness.engine.url}/on-call/${noticeId}`);
    for (const value of [patient.name![0]!.family!, ...patient.name![0]!.given!, patient.birthDate!, caller.phone, caller.phone.slice(-7), 'lisinopril', 'refill', item.id, item.callId]) {
      expect(sent[0]!.body).not.toContain(value);
    }
    // The pipeline's hook again (a redelivered stage), twice: the same notice, no second message.
    await harness.engine.onCall.noticeForCall(item.callId);
    await harness.engine.onCall.noticeForCall(item.callId);
    expect(cloud.messages.slice(before)).toHaveLength(1);
    const audit = await listAuditEvents(harness.engine.db, { limit: 100_000 });
    expect(audit.filter((event) => event.action === 'on-call.notice.sent' && event.objectId === noticeId)).toHaveLength(1);
    // The audit names ids and the channel, never the number.
    expect(JSON.stringify(audit.filter((event) => event.action.startsWith('on-call.')))).not.toContain(onCallPhone.slice(-7));
  });

  it('retries an SMS Twilio could not take (503) with backoff, and sends it once', async () => {
    cloud.failNext(503, 1);
    const before = cloud.messages.length;
    const { noticeId } = await noticeOf(1);
    expect(cloud.messages.length).toBe(before);
    const waiting = (await findNotice(harness.engine.db, noticeId!))!;
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastErrorCode: 'TWILIO_UNAVAILABLE' });
    // Not before its time; then once.
    await harness.engine.onCall.deliverDue();
    expect(cloud.messages.length).toBe(before);
    nowMs += 16_000;
    await harness.engine.onCall.deliverDue();
    await harness.engine.onCall.deliverDue();
    expect(cloud.messages.length).toBe(before + 1);
    expect((await findNotice(harness.engine.db, noticeId!))!.status).toBe('sent');
  });

  it('only the on-call clinician or a clinician of the item\'s queue opens it; a nurse is refused, anyone else finds nothing', async () => {
    const { noticeId } = await noticeOf(2);
    const opened = await asClinician('GET', `/api/on-call/${noticeId}`);
    expect(opened.status).toBe(200);
    expect(opened.body.ai).toMatchObject({ generated: true, approved: false, requestType: 'prescription_refill' });
    expect(opened.body.refillWithheld).toBeNull();
    expect(opened.body.refill).toMatchObject({ medicationRequestId: lisinoprilOrderOf(lisinoprilCallers[2]!.patientId) });
    expect(opened.body.chart.medications.length).toBeGreaterThan(0);
    expect(opened.body.transcript.redaction).toBe('on');
    expect(opened.body.callBack).toEqual({ available: true, clinicNumber });
    expect((await asClinician('GET', `/api/on-call/${noticeId}`, undefined, { sub: 'dr.colleague', queues: [queue] })).status).toBe(200);
    expect((await asClinician('GET', `/api/on-call/${noticeId}`, undefined, { sub: 'dr.stranger', queues: ['cardiology'] })).status).toBe(404);
    expect((await asClinician('GET', `/api/on-call/${noticeId}`, undefined, { sub: 'nurse.night', role: 'nurse', queues: ['*'] })).status).toBe(403);
    expect((await asClinician('GET', `/api/on-call/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    expect((await asClinician('POST', `/api/on-call/${noticeId}/hand-off`, undefined, { sub: 'dr.stranger', queues: ['cardiology'] })).status).toBe(404);
  });

  it('one tap, twice: one MedicationRequest and one Provenance naming the clinician in the EHR; the call charted as approved', async () => {
    const { item, patient, noticeId } = await noticeOf(3);
    const view = (await asClinician('GET', `/api/on-call/${noticeId}`)).body;
    const body = { baseVersion: view.item.currentVersion, medicationRequestId: view.refill.medicationRequestId };
    const first = await asClinician('POST', `/api/on-call/${noticeId}/approve-refill`, body);
    const second = await asClinician('POST', `/api/on-call/${noticeId}/approve-refill`, body);
    expect(first.status).toBe(200);
    expect(first.body.outcome).toBe('approved');
    expect(second.status).toBe(200);
    expect(second.body.outcome).toBe('already-approved');
    expect(second.body.writeBackItemId).toBe(first.body.writeBackItemId);
    const orders = await eventually(async () => {
      const found = await calls.searchEhr<MedicationRequest>('MedicationRequest', refillOrderIdentifierSystem, `${item.id}/${body.medicationRequestId}`);
      return found.length ? found : null;
    }, 30_000, 'the refill order in the EHR');
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: 'active', intent: 'order', subject: { reference: `Patient/${patient.id}` }, basedOn: [{ reference: `MedicationRequest/${body.medicationRequestId}` }] });
    expect(orders[0]!.requester?.identifier?.value).toBe('dr.oncall');
    const provenance = await calls.provenanceFor(`MedicationRequest/${orders[0]!.id}`);
    expect(provenance).toHaveLength(1);
    expect((provenance[0] as Provenance).agent[0]!.who.identifier?.value).toBe('dr.oncall');
    // Charted like a daytime approval: the call's Task says who approved it.
    const tasks = await eventually(async () => {
      const found = await calls.searchEhr<Task>('Task', callTaskIdentifierSystem, callTaskIdentifierValue('synthetic-pbx', (await harness.engine.db.query<{ provider_call_id: string }>('select provider_call_id from call where id = $1', [item.callId])).rows[0]!.provider_call_id));
      return found.some((task) => task.note?.some((note) => note.text?.startsWith('Approved by staff'))) ? found : null;
    }, 30_000, 'the approved Task');
    expect(tasks).toHaveLength(1);
    expect((await findReviewItem(harness.engine.db, item.id))!.status).toBe('approved');
    const notice = (await findNotice(harness.engine.db, noticeId!))!;
    expect(notice.firstAction).toBe('approve-refill');
    // The on-call response time reaches /metrics.
    expect((await harness.engine.metrics.exposition()).text).toContain('callchart_on_call_response_seconds_count{action="approve-refill"} 1');
    // The worker retrying the same item (as after a crash) finds the order and sends nothing.
    await harness.engine.db.query(`update write_back_item set status = 'pending', next_attempt_at = now() where id = $1`, [first.body.writeBackItemId]);
    harness.engine.dispatcher.wake();
    await eventually(async () => ((await harness.engine.db.query<{ status: string }>('select status from write_back_item where id = $1', [first.body.writeBackItemId])).rows[0]!.status === 'delivered' ? true : null), 30_000, 'redelivery');
    expect(await calls.searchEhr<MedicationRequest>('MedicationRequest', refillOrderIdentifierSystem, `${item.id}/${body.medicationRequestId}`)).toHaveLength(1);
    expect(await calls.provenanceFor(`MedicationRequest/${orders[0]!.id}`)).toHaveLength(1);
  });

  it('deny with a reason: the refill-denied Task in the EHR, the note says why, the item approved', async () => {
    const { item, patient, noticeId } = await noticeOf(4);
    const opened = await asClinician('GET', `/api/on-call/${noticeId}`);
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const view = opened.body;
    const denied = await asClinician('POST', `/api/on-call/${noticeId}/deny`, { baseVersion: view.item.currentVersion, reason: 'needs-visit' });
    expect(denied.status).toBe(200);
    const value = `refill-denied/${patient.id}/${view.refill.medicationRequestId}`;
    const tasks = await eventually(async () => {
      const found = await calls.searchEhr<Task>('Task', eventTaskIdentifierSystem, value);
      return found.length ? found : null;
    }, 30_000, 'the refill-denied Task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.code?.coding?.[0]?.code).toBe('refill-denied');
    const reopened = (await calls.api('GET', `/api/review/${item.id}`, undefined, 'clinician')).body;
    expect(reopened.note.nextStep).toContain('Refill denied by the on-call clinician: the patient needs to be seen first');
    expect(reopened.item.status).toBe('approved');
    // A refusal a person can read, never a 5xx: an unknown reason is a 400.
    expect((await asClinician('POST', `/api/on-call/${noticeId}/deny`, { baseVersion: 1, reason: 'because' })).status).toBe(400);
  });

  it('hand to nurse triage: the item moves to the nurse-triage queue, still pending, audited', async () => {
    const { item, noticeId } = await noticeOf(5);
    const handed = await asClinician('POST', `/api/on-call/${noticeId}/hand-off`);
    expect(handed.status).toBe(200);
    const moved = (await findReviewItem(harness.engine.db, item.id))!;
    expect(moved).toMatchObject({ queue: 'nurse-triage', status: 'pending', assignedTo: null });
    const triage = await calls.api('GET', '/api/review?status=pending', undefined, 'nurse');
    expect((triage.body.items as { id: string; queue: string }[]).find((entry) => entry.id === item.id)?.queue).toBe('nurse-triage');
    const audit = await listAuditEvents(harness.engine.db, { limit: 100_000 });
    expect(audit.find((event) => event.action === 'review.handed-off' && event.objectId === item.id)?.detail).toMatchObject({ fromQueue: queue, toQueue: 'nurse-triage' });
  });

  it('call back: Twilio rings the clinician, then dials the chart number from the clinic number; the browser never gets a number', async () => {
    const { noticeId, patient } = await noticeOf(6);
    const placedBefore = cloud.calls.length;
    const answer = await asClinician('POST', `/api/on-call/${noticeId}/call-back`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ringing-you', clinicNumber });
    const placed = cloud.calls.slice(placedBefore);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({ to: onCallPhone, from: clinicNumber });
    const { twiml } = await cloud.finishCall(placed[0]!.sid, 'completed');
    const chartPhone = clinic.patients.find((entry) => entry.id === patient.id)!.telecom!.find((telecom) => telecom.system === 'phone')!.value!;
    expect(twiml).toContain(`callerId="${clinicNumber}"`);
    expect(twiml).toContain(chartPhone.replace(/[^\d+]/g, '').slice(-7));
    // Forged requests to the connect webhook get nothing.
    const forged = await fetch(`${harness.engine.url}/webhooks/on-call/${noticeId}/connect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' }, body: 'CallSid=CA0' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).not.toContain(chartPhone.slice(-4));
  });
});

describe('the on-call view in open hours', () => {
  it('sends no notification for a clinical call while the clinic is open', async () => {
    const ehr = await startSandboxEhr({ port: 0 });
    const cloud = await startTwilioCloud();
    const harness = await startOnCallEngine(ehr, cloud, 'always-open');
    try {
      const calls = reviewCalls(() => harness, () => ehr);
      const { item } = await calls.placeCall({ id: `on-call-open-${nowMs}`, queue, dob: true, caller: lisinoprilCallers[0]!, text: 'Synthetic: I need a refill of my lisinopril, I have two days left.' });
      await harness.engine.onCall.noticeForCall(item.callId);
      expect(cloud.messages).toHaveLength(0);
      expect((await harness.engine.db.query('select id from on_call_notice')).rows).toHaveLength(0);
    } finally {
      await harness.close();
      await cloud.close();
      await ehr.close();
    }
  });
});
