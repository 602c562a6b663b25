import type { Patient } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { listAuditEvents } from '../src/audit/audit.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { signCtiRequest } from '../src/pbx/cti-signature.ts';
import { connectLiveClient, eventually, startHarness, syntheticEvent, type Harness } from './helpers/engine-harness.ts';

const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
/** Fictional numbers no sandbox chart uses (the sandbox's own spare list is short). */
const spareNumber = (n: number) => `+1907555${String(100 + n).padStart(4, '0')}`;
type Pop = Extract<LiveMessage, { type: 'screen-pop' }>;
const popFor = (callId: string) => (m: LiveMessage): m is Pop => m.type === 'screen-pop' && m.screenPop.callId === callId;

let ehr: SandboxEhr;
/** Each describe's own engine: the fault tests leave its EHR breaker open, which is theirs to keep. */
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterEach(() => ehr.setFaults({ mode: 'none', latencyMs: 0 }));
afterAll(async () => {
  await ehr.close();
});
const ownEngine = () => {
  beforeAll(async () => {
    harness = await startHarness('pglite', { ehr });
  });
  afterAll(async () => harness.close());
};

/** A ringing event that asks for the routing answer in the response (?route=sync). */
async function ringAndRoute(providerCallId: string, ani: string) {
  const body = JSON.stringify(syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani }));
  const response = await fetch(`${harness.engine.url}/webhooks/cti?route=sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'callchart-signature': signCtiRequest(harness.secret, body, Math.floor(Date.now() / 1000)) },
    body,
  });
  const json = (await response.json()) as { callId: string; routing?: { destinationId: string; fallback: boolean; reason: string; ruleId: string } };
  return { status: response.status, body: json };
}

describe('identification and routing when the EHR misbehaves', () => {
  ownEngine();
  it('a care home line matching 150 charts lists ten, counts the rest, and still routes', async () => {
    ehr.setFaults({ mode: 'crowd' });
    const display = await connectLiveClient(harness.engine.url, await harness.token('intake'));
    const result = await ringAndRoute('crowd-1', spareNumber(10));
    expect(result.status).toBe(202);
    expect(result.body.routing?.fallback).toBe(false);
    const card = (await display.waitFor(popFor(result.body.callId))).screenPop;
    expect(card.outcome).toBe('several');
    expect(card.candidates).toHaveLength(10);
    expect(card.candidates.length + card.moreCandidates).toBeGreaterThanOrEqual(100);
    display.close();
  });

  it.each([
    ['answers 500', 'http-500', 'EHR_UNAVAILABLE'],
    ['answers 429', 'http-429', 'EHR_UNAVAILABLE'],
    ['does not answer', 'hang', 'EHR_TIMEOUT'],
  ] as const)('when the EHR %s, the call is still routed to the default in time, the card says why, and it is audited', async (_name, mode, code) => {
    ehr.setFaults({ mode });
    const display = await connectLiveClient(harness.engine.url, await harness.token('intake'));
    const result = await ringAndRoute(`fault-${mode}`, scenarios.uniquePatient[20 + mode.length]!.phone);
    expect(result.status).toBe(202);
    // A routing answer came back at all (the hung EHR never answers): the budget, not the EHR, ended the wait.
    expect(result.body.routing?.fallback).toBe(true);
    // The reason names the EHR, or (after hours) the time rule that needed no EHR.
    expect(result.body.routing?.reason).toMatch(/EHR|clinic hours|holiday|on call/i);
    const card = (await display.waitFor(popFor(result.body.callId), 10_000)).screenPop;
    expect(card.outcome).toBe('lookup-failed');
    const audit = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.objectId === result.body.callId);
    expect(audit.map((event) => event.action)).toEqual(expect.arrayContaining(['call.event.accepted', 'call.routed']));
    expect(audit.find((event) => event.action === 'call.routed')?.reason).toMatch(/^ehr-/);
    const identified = audit.find((event) => event.action === 'call.caller.identified');
    // The breaker may have opened after earlier faults: either way the code names the EHR problem.
    expect(identified?.reason).toMatch(code === 'EHR_TIMEOUT' ? /EHR_(TIMEOUT|UNAVAILABLE)/ : /EHR_UNAVAILABLE/);
    const { rows } = await harness.engine.db.query('select 1 from call_event e join call c on c.id = e.call_id where c.id = $1', [result.body.callId]);
    expect(rows).toHaveLength(1);
    display.close();
  });
});

describe('the caller cache follows changes in the EHR', () => {
  ownEngine();
  it('forgets a cached "unknown caller" once the EHR says a patient now has that number', async () => {
    const newNumber = spareNumber(11);
    const display = await connectLiveClient(harness.engine.url, await harness.token('intake'));
    // Ring until the EHR answers (a failed lookup is not cached; with this describe's own engine
    // the first ring does), which leaves "no chart has this number" in the cache.
    let attempt = 0;
    await eventually(async () => {
      const first = await harness.post(syntheticEvent({ type: 'call.ringing', callId: `cache-1-${attempt++}`, ani: newNumber }));
      const outcome = (await display.waitFor(popFor(String(first.body.callId)))).screenPop.outcome;
      return outcome === 'none' ? outcome : outcome === 'lookup-failed' ? null : Promise.reject(new Error(`unexpected outcome ${outcome}`));
    }, 60_000, 'the EHR to answer again');

    const target = scenarios.uniquePatient[30]!;
    const patient = (await (await fetch(`${ehr.baseUrl}/Patient/${target.patientId}`, { headers: { authorization: `Bearer ${ehr.issueTestToken()}` } })).json()) as Patient;
    const updated = { ...patient, telecom: [...(patient.telecom ?? []), { system: 'phone' as const, value: newNumber, use: 'mobile' as const }] };
    await fetch(`${ehr.baseUrl}/Patient/${target.patientId}`, { method: 'PUT', headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${ehr.issueTestToken()}` }, body: JSON.stringify(updated) });

    const stale = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'cache-2', ani: newNumber }));
    expect((await display.waitFor(popFor(String(stale.body.callId)))).screenPop.outcome).toBe('none');

    const unsigned = await fetch(`${harness.engine.url}/webhooks/fhir/notify`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(updated) });
    expect(unsigned.status).toBe(401);
    const notify = await fetch(`${harness.engine.url}/webhooks/fhir/notify`, {
      method: 'POST', headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${harness.secret}` }, body: JSON.stringify(updated),
    });
    expect(notify.status).toBe(200);
    expect(((await notify.json()) as { invalidated: number }).invalidated).toBeGreaterThan(0);

    const fresh = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'cache-3', ani: newNumber }));
    const card = (await display.waitFor(popFor(String(fresh.body.callId)))).screenPop;
    expect(card.outcome).toBe('unique');
    expect(card.patient?.id).toBe(target.patientId);
    display.close();
  });
});
