import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../auth/staff-token.ts';
import type { LiveMessage } from '../api/live-calls.hub.ts';
import { connectLiveClient, eventually, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { signCtiRequest } from '../pbx/cti-signature.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { sendSignedEvent } from '../simulator/simulate.client.ts';
import { findCall } from './calls.repository.ts';

/**
 * The live-call routes and the live summary over a real socket (issue 14, item 2): "Routed to"
 * with the reason reaches the display (the new user found it empty for every call: the demo's
 * simulated PBX never asked for routing, and the summary had no reason), the shared-number pick
 * among the number's own charts, and the date-of-birth check that never echoes the date.
 */
const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const shared = scenarios.sharedFamily.find(({ patientIds }) => new Set(patientIds.map((id) => clinic.patients.find((p) => p.id === id)?.birthDate)).size === patientIds.length)!;
const birthDateOf = (id: string) => clinic.patients.find((patient) => patient.id === id)!.birthDate!;
const queue = 'live-routes';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness('pglite');
});
afterAll(async () => harness?.close());

const ringing = (callId: string, ani: string) => {
  const event = syntheticEvent({ type: 'call.ringing', callId, ani });
  return { ...event, call: { ...event.call, queue } };
};

async function staffCall(method: 'GET' | 'POST', path: string, role: StaffRole, queues: string[] = [queue], body?: unknown) {
  const response = await fetch(`${harness.engine.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await harness.token(role, queues, [], `live-${role}`)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, text: await response.clone().text(), body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('routing on the live display', () => {
  it('sends the destination and the reason with the call summary, live and in GET /api/calls', async () => {
    const watcher = await connectLiveClient(harness.engine.url, await harness.token('intake', [queue]));
    const body = JSON.stringify(ringing('routed-1', scenarios.uniquePatient[0]!.phone));
    const response = await fetch(`${harness.engine.url}/webhooks/cti?route=sync`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'callchart-signature': signCtiRequest(harness.secret, body, Math.floor(Date.now() / 1000)) }, body,
    });
    const answer = (await response.json()) as { callId: string; routing: { reason: string; ruleId: string; destination: { label: string } } };
    expect(answer.routing.reason.length).toBeGreaterThan(0);
    const update = await watcher.waitFor((m): m is Extract<LiveMessage, { type: 'call.updated' }> => m.type === 'call.updated' && m.call.callId === answer.callId && Boolean(m.call.routing));
    expect(update.call.routedTo).toBe(answer.routing.destination.label);
    expect(update.call.routing).toMatchObject({ destination: answer.routing.destination.label, reason: answer.routing.reason, ruleId: answer.routing.ruleId });
    const listed = await staffCall('GET', '/api/calls', 'intake');
    expect(listed.body.calls.find((c: { callId: string }) => c.callId === answer.callId).routing).toMatchObject({ reason: answer.routing.reason });
    watcher.close();
  });

  it('routes the simulated PBX\'s ringing calls (the demo), so "Routed to" is never empty there', async () => {
    const sent = await sendSignedEvent(harness.engine.url, harness.secret, ringing('routed-sim-1', scenarios.uniquePatient[1]!.phone));
    expect(sent.status).toBe(202);
    const callId = String((sent.body as { callId?: string }).callId);
    const call = await eventually(async () => ((await findCall(harness.engine.db, callId))?.routing ? findCall(harness.engine.db, callId) : null), 15_000, 'the simulated call routed');
    expect(typeof call!.routing!.destinationLabel).toBe('string');
  });
});

describe("the caller's chart on a shared number, and the date of birth", () => {
  let callId: string;
  beforeAll(async () => {
    callId = String((await harness.post(ringing('shared-1', shared.phone))).body.callId);
    await eventually(async () => ((await findCall(harness.engine.db, callId))?.callerMatch?.outcome === 'several' ? true : null), 15_000, 'the shared number matched');
  });

  it('lists consent per scope, not asked yet until captured', async () => {
    const answer = await staffCall('GET', `/api/calls/${callId}/consents`, 'intake');
    expect(answer.status).toBe(200);
    expect(answer.body.consents.map((row: { scope: string; status: string }) => `${row.scope}:${row.status}`)).toEqual(['record:not-captured', 'transcribe:not-captured', 'ai:not-captured', 'ehr:not-captured']);
  });

  it("refuses another queue's agent, the analyst, and a chart that is not on the number", async () => {
    const [first] = shared.patientIds;
    expect((await staffCall('POST', `/api/calls/${callId}/caller`, 'intake', ['elsewhere'], { patientId: first })).status).toBe(404);
    expect((await staffCall('POST', `/api/calls/${callId}/caller`, 'analyst', [queue], { patientId: first })).status).toBe(403);
    const stranger = scenarios.uniquePatient[2]!.patientId;
    const refused = await staffCall('POST', `/api/calls/${callId}/caller`, 'intake', [queue], { patientId: stranger });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('CALLER_NOT_A_CANDIDATE');
    expect((await findCall(harness.engine.db, callId))?.callerMatch?.outcome).toBe('several');
  });

  it('records the pick (not verified), audits it, and lets the date of birth verify it without ever sending the date back', async () => {
    const [first, second] = shared.patientIds as [string, string];
    const picked = await staffCall('POST', `/api/calls/${callId}/caller`, 'intake', [queue], { patientId: first });
    expect(picked.body).toMatchObject({ patientId: first, identityConfidence: 'ani-only', changed: true });
    // A wrong pick is corrected on the same call: the number's other chart is still a candidate.
    const repicked = await staffCall('POST', `/api/calls/${callId}/caller`, 'intake', [queue], { patientId: second });
    expect(repicked.body).toMatchObject({ patientId: second, changed: true });
    const audited = await harness.engine.db.query<{ detail: { patientId: string } }>(
      `select detail from audit_event where object_id = $1 and action = 'call.caller.selected' union all select detail from audit_pending where object_id = $1 and action = 'call.caller.selected'`,
      [callId],
    );
    expect(audited.rows.map((row) => row.detail.patientId).sort()).toEqual([first, second].sort());

    // The first chart's birth date does not verify the second chart's caller.
    const wrong = await staffCall('POST', `/api/calls/${callId}/verify-dob`, 'intake', [queue], { birthDate: birthDateOf(first) });
    expect(wrong.body).toEqual({ callId, verified: false, reason: 'no-match' });
    const right = await staffCall('POST', `/api/calls/${callId}/verify-dob`, 'intake', [queue], { birthDate: birthDateOf(second) });
    expect(right.body).toMatchObject({ verified: true, patientId: second, identityConfidence: 'ani-dob-verified' });
    expect(right.text).not.toContain(birthDateOf(second));
    expect((await findCall(harness.engine.db, callId))?.callerMatch).toMatchObject({ outcome: 'unique', confidence: 'ani-dob-verified', candidates: [{ patientId: second }] });
    const checks = await harness.engine.db.query<{ outcome: string; detail: unknown }>(
      `select outcome, detail from audit_event where object_id = $1 and action = 'call.identity.step-up' union all select outcome, detail from audit_pending where object_id = $1 and action = 'call.identity.step-up'`,
      [callId],
    );
    expect(checks.rows.map((row) => row.outcome).sort()).toEqual(['failure', 'success']);
    expect(JSON.stringify(checks.rows)).not.toContain(birthDateOf(second));
    expect(harness.logs.text).not.toContain(birthDateOf(second));
  });

  it('stops checking dates of birth on a call after a few wrong ones (no finding a birth date by trying)', async () => {
    const id = String((await harness.post(ringing('shared-guess', shared.phone))).body.callId);
    await eventually(async () => ((await findCall(harness.engine.db, id))?.callerMatch ? true : null), 15_000, 'the number matched');
    for (let day = 1; day <= 5; day++) {
      const wrong = await staffCall('POST', `/api/calls/${id}/verify-dob`, 'intake', [queue], { birthDate: `1901-01-0${day}` });
      expect(wrong.body).toMatchObject({ verified: false });
    }
    const refused = await staffCall('POST', `/api/calls/${id}/verify-dob`, 'intake', [queue], { birthDate: birthDateOf(shared.patientIds[0]!) });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('DOB_CHECKS_EXHAUSTED');
    expect((await findCall(harness.engine.db, id))?.callerMatch?.confidence).toBe('ani-only');
  });
});
