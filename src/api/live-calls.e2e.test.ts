import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { defaultConfig } from '../config/config.schema.ts';
import type { CallerMatch } from '../ehr/patient-match.ts';
import { buildScreenPop, type ScreenPop } from '../ehr/screen-pop.mapper.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { connectLiveClient, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import type { LiveCallSummary, LiveMessage } from './live-calls.hub.ts';

const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const hasAllergy = ({ patientId }: { patientId: string }) =>
  clinic.allergyIntolerances.some((allergy) => allergy.patient?.reference === `Patient/${patientId}` && allergy.code?.coding?.[0]?.code !== '716186003');
// Callers with a recorded allergy, each used by one test only: the engine caches lookups and charts.
const [withAllergy, lateChart, lateLookup] = scenarios.uniquePatient.filter((caller, index) => index !== 7 && hasAllergy(caller)) as [
  (typeof scenarios.uniquePatient)[number], (typeof scenarios.uniquePatient)[number], (typeof scenarios.uniquePatient)[number],
];
type Pop = Extract<LiveMessage, { type: 'screen-pop' }>;
const popFor = (callId: string) => (m: LiveMessage): m is Pop => m.type === 'screen-pop' && m.screenPop.callId === callId && m.screenPop.complete;

/** What a display shows for a call: the last card (first pop or update) and the last calls-table row it was sent. */
function shownFor(messages: readonly LiveMessage[], callId: string): { card: ScreenPop | null; cardMessage: string | null; row: LiveCallSummary | null } {
  let card: ScreenPop | null = null;
  let cardMessage: string | null = null;
  let row: LiveCallSummary | null = null;
  for (const message of messages) {
    if ((message.type === 'screen-pop' || (message.type as string) === 'screen-pop.updated') && (message as Pop).screenPop.callId === callId) {
      card = (message as Pop).screenPop;
      cardMessage = message.type;
    }
    if (message.type === 'call.updated' && message.call.callId === callId) row = message.call;
  }
  return { card, cardMessage, row };
}

/** Resolves when `condition` holds over everything the display was sent (checked as each message arrives). */
function displayShows(client: Awaited<ReturnType<typeof connectLiveClient>>, condition: () => boolean, timeoutMs = 30_000): Promise<unknown> {
  return client.waitFor((_message): _message is LiveMessage => condition(), timeoutMs);
}

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
    // Stop reading from the socket: the server's send buffer for this client fills up. (The flood
    // goes to a queue of its own, so it is not replayed to the queue-limited viewers of later tests.)
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    let isClosed = false;
    const closed = new Promise<number>((resolve) => slow.socket.once('close', (code) => { isClosed = true; resolve(code); }));
    const big = 'x'.repeat(100_000);
    // Keep publishing until the kernel's socket buffers are full and the hub's own limit trips.
    for (let index = 0; index < 2_000 && harness.engine.hub.dropped === 0; index++) {
      harness.engine.hub.publishCall({
        callId: `flood-${index}`, provider: 'synthetic-pbx', status: 'ringing', queue: 'flood-check', agent: null, callerOutcome: null, identityConfidence: null,
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

  it('updates a card that went out without its chart when the chart arrives late, under the same role and queue limits', async () => {
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['front-desk']));
    const desk = await connectLiveClient(harness.engine.url, await harness.token('intake', ['front-desk']));
    const billing = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['billing']));
    // The caller lookup answers; the chart's allergy list does not.
    ehr.setFaults({ mode: 'http-500', resourceTypes: ['AllergyIntolerance'] });
    let callId: string;
    try {
      const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'late-chart-1', ani: lateChart.phone }));
      callId = String(ringing.body.callId);
      // The match is recorded once the live chart slice has been tried (and failed).
      await displayShows(nurse, () => shownFor(nurse.messages, callId).row?.callerOutcome === 'unique');
      const before = shownFor(nurse.messages, callId).card!;
      expect(before.patient?.id).toBe(lateChart.patientId);
      expect(before.patient?.allergies ?? []).toEqual([]);
    } finally {
      ehr.setFaults({ mode: 'none', resourceTypes: [] });
    }
    await displayShows(nurse, () => (shownFor(nurse.messages, callId).card?.patient?.allergies.length ?? 0) > 0);
    const after = shownFor(nurse.messages, callId);
    expect(after.cardMessage).toBe('screen-pop.updated');
    expect(after.card).toMatchObject({ callId, outcome: 'unique', complete: true, patient: { id: lateChart.patientId } });
    expect(after.card!.outcome).toBe(after.row!.callerOutcome);

    // The front desk gets the same update cut down to its role; another queue gets nothing.
    await displayShows(desk, () => shownFor(desk.messages, callId).cardMessage === 'screen-pop.updated');
    const deskCard = shownFor(desk.messages, callId).card!;
    expect(deskCard).toMatchObject({ complete: true, patient: { id: lateChart.patientId, fieldsWithheld: true, allergies: [], activeMedications: [] } });
    harness.engine.hub.publishCall({ ...after.row!, callId: 'late-chart-sentinel', queue: 'billing' });
    await displayShows(billing, () => billing.messages.some((m) => m.type === 'call.updated' && m.call.callId === 'late-chart-sentinel'));
    expect(shownFor(billing.messages, callId).card).toBeNull();
    for (const client of [nurse, desk, billing]) client.close();
  });

  it('updates a card sent while the caller lookup failed once the caller is identified: the card and the calls table agree', async () => {
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['front-desk']));
    ehr.setFaults({ mode: 'http-500', resourceTypes: ['Patient', 'RelatedPerson'] });
    let callId: string;
    try {
      const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'late-lookup-1', ani: lateLookup.phone }));
      callId = String(ringing.body.callId);
      await displayShows(nurse, () => shownFor(nurse.messages, callId).card?.outcome === 'lookup-failed');
    } finally {
      ehr.setFaults({ mode: 'none', resourceTypes: [] });
    }
    await displayShows(nurse, () => {
      const { card, row } = shownFor(nurse.messages, callId);
      return card?.outcome === 'unique' && card.complete && row?.callerOutcome === 'unique';
    });
    const { card, cardMessage } = shownFor(nurse.messages, callId);
    expect(cardMessage).toBe('screen-pop.updated');
    expect(card?.patient?.id).toBe(lateLookup.patientId);
    expect(card?.patient?.allergies.length).toBeGreaterThan(0);
    nurse.close();
  });

  it('replays the 50 most recent cards on connect, newest first; an update keeps a card in its place', async () => {
    const queue = 'replay-check';
    const none: CallerMatch = { outcome: 'none', confidence: 'none', candidates: [] };
    const pop = (index: number): ScreenPop =>
      ({ ...buildScreenPop({ callId: `replay-${String(index).padStart(2, '0')}`, match: none, slice: null, candidates: [], now: new Date() }), queue });
    for (let index = 0; index < 60; index++) harness.engine.hub.publishScreenPop(pop(index));
    // A card shown again (a transfer, a late chart) does not jump ahead of newer calls.
    harness.engine.hub.publishScreenPop(pop(20));
    const viewer = await connectLiveClient(harness.engine.url, await harness.token('intake', [queue]));
    const hello = await viewer.waitFor((m): m is Extract<LiveMessage, { type: 'hello' }> => m.type === 'hello');
    const expected = Array.from({ length: 50 }, (_, offset) => `replay-${String(59 - offset).padStart(2, '0')}`);
    expect(hello.screenPops.map((card) => card.callId)).toEqual(expected);
    viewer.close();
  });
});

describe('twenty calls ringing at once against a slow, flaky EHR with a tight request budget', () => {
  let busyEhr: SandboxEhr;
  let busy: Harness;
  beforeAll(async () => {
    // 20 ms per FHIR answer and 2% of requests failing (500, 429, reset, no answer); the EHR's
    // published budget is 40 requests a second: twenty callers' lookups and charts take seconds.
    busyEhr = await startSandboxEhr({ port: 0, latencyMs: 20, failRate: 0.02, faultSeed: 12 });
    busy = await startHarness('pglite', { ehr: busyEhr, config: { ehr: { ...defaultConfig.ehr, maxRequestsPerSecond: 40 } } });
  });
  afterAll(async () => {
    await busy?.close();
    await busyEhr?.close();
  });

  it('ends with every matched caller\'s card showing the chart, and every card agreeing with the calls table', async () => {
    const callers = [
      ...scenarios.uniquePatient.slice(0, 14).map(({ phone, patientId }) => ({ phone, outcome: 'unique', patientId })),
      ...scenarios.caregiver.slice(0, 2).map(({ phone, patientId }) => ({ phone, outcome: 'unique', patientId })),
      ...scenarios.sharedFamily.slice(0, 2).map(({ phone }) => ({ phone, outcome: 'several', patientId: null })),
      ...scenarios.unknown.slice(0, 2).map((phone) => ({ phone, outcome: 'none', patientId: null })),
    ];
    expect(callers).toHaveLength(20);
    const nurse = await connectLiveClient(busy.engine.url, await busy.token('nurse'));
    const answers = await Promise.all(callers.map((caller, index) => busy.post(syntheticEvent({ type: 'call.ringing', callId: `burst-${index}`, ani: caller.phone }))));
    const calls = answers.map((answer, index) => ({ ...callers[index]!, callId: String(answer.body.callId) }));

    const settled = (call: (typeof calls)[number]) => {
      const { card, row } = shownFor(nurse.messages, call.callId);
      if (!card || !row || card.outcome !== row.callerOutcome || card.outcome !== call.outcome) return false;
      return call.outcome !== 'unique' || (card.complete && card.patient?.id === call.patientId);
    };
    await displayShows(nurse, () => calls.every(settled), 90_000).catch(() => undefined);
    const unsettled = calls.filter((call) => !settled(call)).map((call) => {
      const { card, row } = shownFor(nurse.messages, call.callId);
      return { expected: call.outcome, table: row?.callerOutcome ?? null, card: card?.outcome ?? null, chart: Boolean(card?.complete && card.patient) };
    });
    expect(unsettled).toEqual([]);
    // A chart-slice-failed warning means a card someone saw without its chart: none was left so.
    expect(busy.logs.lines.filter((line) => line.includes('chart-slice-failed'))).toEqual([]);
    nurse.close();
  });
});

describe('one process on the embedded store (after every card above)', () => {
  it('stays in this process: no fan-out, nothing written for other processes', async () => {
    expect(harness.engine.liveFanOut).toBeNull();
    const { rows } = await harness.engine.db.query<{ n: number }>('select count(*)::int as n from live_view');
    expect(rows[0]!.n).toBe(0);
  });
});
