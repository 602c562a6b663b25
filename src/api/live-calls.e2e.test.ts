import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { connectLiveClient, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import type { LiveMessage } from './live-calls.hub.ts';

const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const withAllergy = scenarios.uniquePatient.find(({ patientId }) =>
  clinic.allergyIntolerances.some((allergy) => allergy.patient?.reference === `Patient/${patientId}` && allergy.code?.coding?.[0]?.code !== '716186003'),
)!;
type Pop = Extract<LiveMessage, { type: 'screen-pop' }>;
const popFor = (callId: string) => (m: LiveMessage): m is Pop => m.type === 'screen-pop' && m.screenPop.callId === callId && m.screenPop.complete;

let ehr: SandboxEhr;
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', { ehr });
});
afterAll(async () => {
  await harness.close();
  await ehr.close();
});

describe('the staff live display', () => {
  it('refuses a connection without a valid staff token or with a role that sees no live calls, and audits it', async () => {
    await expect(connectLiveClient(harness.engine.url, '')).rejects.toThrow(/401/);
    await expect(connectLiveClient(harness.engine.url, 'eyJhbGciOiJIUzI1NiJ9.e30.forged')).rejects.toThrow(/401/);
    await expect(connectLiveClient(harness.engine.url, await harness.token('analyst'))).rejects.toThrow(/403/);
    const events = await listAuditEvents(harness.engine.db, { limit: 10_000 });
    expect(events.filter((event) => event.action === 'staff.api.rejected' && event.detail.route === '/ws').map((event) => event.reason)).toEqual(
      expect.arrayContaining(['STAFF_TOKEN_MISSING', 'STAFF_TOKEN_INVALID', 'ROLE_FORBIDDEN']),
    );
  });

  it('shows the nurse allergies and medications, the front desk only who is calling (the analyst cannot connect)', async () => {
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('nurse'));
    const frontDesk = await connectLiveClient(harness.engine.url, await harness.token('intake'));
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'roles-1', ani: withAllergy.phone }));
    const callId = String(ringing.body.callId);
    const nurseCard = (await nurse.waitFor(popFor(callId))).screenPop;
    const deskCard = (await frontDesk.waitFor(popFor(callId))).screenPop;
    expect(nurseCard.patient?.allergies.length).toBeGreaterThan(0);
    expect(nurseCard.patient?.name).toBe(deskCard.patient?.name);
    expect(deskCard.patient?.allergies).toEqual([]);
    expect(deskCard.patient?.activeMedications).toEqual([]);
    expect(deskCard.patient?.problems).toEqual([]);
    expect(deskCard.patient?.fieldsWithheld).toBe(true);
    for (const client of [nurse, frontDesk]) client.close();
  });

  it('sends a card only to the queues a viewer works, and follows the call when it is transferred', async () => {
    const frontDesk = await connectLiveClient(harness.engine.url, await harness.token('intake', ['front-desk']));
    const nurseLine = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['nurse-line']));
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'transfer-1', ani: withAllergy.phone }));
    const callId = String(ringing.body.callId);
    await frontDesk.waitFor(popFor(callId));
    // The hub sends a card to every viewer in one pass, so anything meant for the nurse line was
    // queued before the front desk got it: a reply the nurse line asks for now arrives after it.
    // (Its first hello came on connecting; the subscribe is answered with a second.)
    nurseLine.socket.send(JSON.stringify({ type: 'subscribe', queues: ['nurse-line'] }));
    const hellos = () => nurseLine.messages.filter((seen) => seen.type === 'hello').length;
    await nurseLine.waitFor((m): m is Extract<LiveMessage, { type: 'hello' }> => m.type === 'hello' && hellos() === 2);
    expect(nurseLine.messages.some(popFor(callId))).toBe(false);

    await harness.post(syntheticEvent({ type: 'call.transferred', callId: 'transfer-1', ani: withAllergy.phone, data: { toQueue: 'nurse-line', toAgent: 'ext-204' } }));
    const followed = (await nurseLine.waitFor(popFor(callId))).screenPop;
    expect(followed.queue).toBe('nurse-line');
    expect(followed.patient?.allergies.length).toBeGreaterThan(0);
    frontDesk.close();
    nurseLine.close();
  });

  it('a viewer may narrow its queues but not widen them beyond its token', async () => {
    const desk = await connectLiveClient(harness.engine.url, await harness.token('intake', ['front-desk']));
    desk.socket.send(JSON.stringify({ type: 'subscribe', queues: ['front-desk', 'billing', 'nurse-line'] }));
    const hello = await desk.waitFor((m): m is Extract<LiveMessage, { type: 'hello' }> => m.type === 'hello' && m.queues.length === 1);
    expect(hello.queues).toEqual(['front-desk']);
    desk.close();
  });

  it('hides a restricted record behind "restricted" on every card', async () => {
    const target = scenarios.uniquePatient[7]!;
    const patient = (await (await fetch(`${ehr.baseUrl}/Patient/${target.patientId}`, { headers: { authorization: `Bearer ${ehr.issueTestToken()}` } })).json()) as Patient;
    const restricted = { ...patient, meta: { ...patient.meta, security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R', display: 'restricted' }] } };
    const update = await fetch(`${ehr.baseUrl}/Patient/${target.patientId}`, { method: 'PUT', headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${ehr.issueTestToken()}` }, body: JSON.stringify(restricted) });
    expect(update.status).toBe(200);
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('clinician'));
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'restricted-1', ani: target.phone }));
    const card = (await nurse.waitFor(popFor(String(ringing.body.callId)))).screenPop;
    expect(card.restricted).toBe(true);
    expect(card.patient).toBeNull();
    expect(JSON.stringify(card)).not.toContain(patient.name![0]!.family!);
    nurse.close();
  });

  it('drops a client that stops reading instead of buffering for it, and keeps serving the others', async () => {
    const slow = await connectLiveClient(harness.engine.url, await harness.token('nurse'));
    const healthy = await connectLiveClient(harness.engine.url, await harness.token('nurse'));
    // Stop reading from the socket: the server's send buffer for this client fills up.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    let isClosed = false;
    const closed = new Promise<number>((resolve) => slow.socket.once('close', (code) => { isClosed = true; resolve(code); }));
    const big = 'x'.repeat(100_000);
    // Keep publishing until the kernel's socket buffers are full and the hub's own limit trips.
    for (let index = 0; index < 2_000 && harness.engine.hub.dropped === 0; index++) {
      harness.engine.hub.publishCall({
        callId: `flood-${index}`, provider: 'synthetic-pbx', status: 'ringing', queue: null, agent: null, callerOutcome: null, identityConfidence: null,
        ivrReason: big, urgent: false, routedTo: null, requestType: null, requestTypes: [], redFlagCount: 0, urgency: null, writeBackStatus: 'not-due', updatedAt: new Date().toISOString(),
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(harness.engine.hub.dropped).toBeGreaterThan(0);
    // The client wakes up and finds the server has hung up on it.
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
    expect(isClosed).toBe(true);
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'after-flood', ani: withAllergy.phone }));
    await healthy.waitFor(popFor(String(ringing.body.callId)));
    healthy.close();
  });
});
