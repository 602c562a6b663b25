import type { Bundle, Task } from '@medplum/fhirtypes';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findCallByProvider } from '../calls/calls.repository.ts';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../ehr/fhir-task.mapper.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { ringcentralNotification } from '../simulator/ringcentral-notification.ts';
import { runSimulation } from '../simulator/simulate.client.ts';
import { backendKinds } from '../../test/helpers/backends.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';

const clinic = generateSyntheticClinic();
const known = sandboxPhoneScenarios(clinic).uniquePatient[0]!;
const verificationToken = randomBytes(32).toString('hex');

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

async function tasksFor(provider: string, providerCallId: string): Promise<Task[]> {
  const identifier = `${callTaskIdentifierSystem}|${callTaskIdentifierValue(provider, providerCallId)}`;
  const response = await fetch(`${ehr.baseUrl}/Task?identifier=${encodeURIComponent(identifier)}`, { headers: { authorization: `Bearer ${ehr.issueTestToken('system/Task.rs')}` } });
  return ((await response.json()) as Bundle<Task>).entry?.map((entry) => entry.resource!) ?? [];
}

describe.each(backendKinds)('POST /webhooks/ringcentral (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, {
      ehr,
      config: { ringcentral: { enabled: true } },
      engine: { ringcentral: { verificationTokens: [verificationToken], credentials: null } },
    });
  });
  afterAll(async () => harness.close());

  const send = (body: unknown, headers: Record<string, string> = { 'verification-token': verificationToken }) =>
    harness.engine.app.inject({
      method: 'POST', url: '/webhooks/ringcentral', payload: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    });

  async function lastRejection() {
    await harness.engine.app.rejections.flush(true);
    const events = await listAuditEvents(harness.engine.db, { limit: 10_000 });
    return events.filter((event) => event.action === 'webhook.rejected' || event.action === 'webhook.rejected.repeated').at(-1);
  }
  async function callEventCount() {
    const { rows } = await harness.engine.db.query<{ n: string }>("select count(*)::text as n from call_event where provider = 'ringcentral'");
    return Number(rows[0]!.n);
  }

  it('echoes the Validation-Token while RingCentral creates the subscription, and audits it', async () => {
    const token = '4c2ef9a1-7b3d-4e8f-9a0b-1c2d3e4f5a6b';
    const response = await harness.engine.app.inject({ method: 'POST', url: '/webhooks/ringcentral', headers: { 'validation-token': token } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['validation-token']).toBe(token);
    // RingCentral refuses an answer over 1024 bytes (SUB-525).
    expect(response.rawPayload.length).toBe(0);
    const audit = await listAuditEvents(harness.engine.db, { limit: 10_000 });
    expect(audit.some((event) => event.action === 'pbx.subscription.validated')).toBe(true);
  });

  const ringing = () => ringcentralNotification({ sessionId: `s-${randomBytes(4).toString('hex')}`, code: 'Proceeding', ani: '+16175550142' });
  const cases: { name: string; request: () => { body: unknown; headers?: Record<string, string> }; status: number; code: string }[] = [
    { name: 'no Verification-Token', request: () => ({ body: ringing(), headers: {} }), status: 401, code: 'SIGNATURE_MISSING' },
    { name: 'a wrong Verification-Token', request: () => ({ body: ringing(), headers: { 'verification-token': randomBytes(32).toString('hex') } }), status: 401, code: 'SIGNATURE_INVALID' },
    { name: 'the token with one character more', request: () => ({ body: ringing(), headers: { 'verification-token': `${verificationToken}0` } }), status: 401, code: 'SIGNATURE_INVALID' },
    { name: 'a validation token that is not one', request: () => ({ body: '', headers: { 'validation-token': 'a b' } }), status: 400, code: 'PAYLOAD_INVALID' },
    { name: 'malformed JSON', request: () => ({ body: '{"uuid": "1",' }), status: 400, code: 'PAYLOAD_INVALID' },
    { name: 'an event it was not subscribed to', request: () => ({ body: { ...ringing(), event: '/restapi/v1.0/account/~/extension/~/message-store' } }), status: 400, code: 'PAYLOAD_INVALID' },
    { name: 'an unknown status code', request: () => ({ body: JSON.stringify(ringing()).replace('"Proceeding"', '"Teleported"') }), status: 400, code: 'PAYLOAD_INVALID' },
    { name: 'a notification older than the replay window', request: () => ({ body: ringcentralNotification({ sessionId: 's-old', code: 'Proceeding', at: new Date(Date.now() - 301_000) }) }), status: 401, code: 'SIGNATURE_STALE' },
    { name: 'a notification dated ahead of our clock', request: () => ({ body: ringcentralNotification({ sessionId: 's-future', code: 'Proceeding', at: new Date(Date.now() + 600_000) }) }), status: 401, code: 'SIGNATURE_FUTURE' },
    { name: 'an oversized body', request: () => ({ body: { ...ringing(), padding: 'x'.repeat(300 * 1024) } }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  ];

  it.each(cases)('$name → $status $code, audited, nothing stored, no phone number in the audit or logs', async ({ request, status, code }) => {
    const before = await callEventCount();
    const { body, headers } = request();
    const response = await send(body, headers);
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(response.json().error.message).toBeTruthy();
    const audit = await lastRejection();
    expect(audit?.reason).toBe(code);
    expect(JSON.stringify(audit)).not.toContain('5550142');
    expect(harness.logs.text).not.toContain('5550142');
    expect(await callEventCount()).toBe(before);
  });

  it('refuses everything on an engine without a verification token', async () => {
    const bare = await startHarness(kind, { ehr });
    try {
      const response = await bare.engine.app.inject({ method: 'POST', url: '/webhooks/ringcentral', payload: JSON.stringify(ringing()), headers: { 'content-type': 'application/json', 'verification-token': '' } });
      expect(response.statusCode).toBe(401);
    } finally {
      await bare.close();
    }
  });

  it('commits a call step before the 2xx; a redelivery, another party\'s copy and a late Answered change nothing', async () => {
    const sessionId = `s-order-${kind}`;
    const t0 = Date.now() - 60_000;
    const proceeding = ringcentralNotification({ sessionId, code: 'Proceeding', sequence: 2, extensionId: '101', at: new Date(t0) });
    const answered = ringcentralNotification({ sessionId, code: 'Answered', sequence: 3, at: new Date(t0 + 5_000) });
    const ended = ringcentralNotification({ sessionId, code: 'Disconnected', reason: 'CallFinished', sequence: 4, at: new Date(t0 + 50_000) });
    const first = await send(proceeding);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ status: 'accepted', events: [{ type: 'call.ringing', status: 'accepted' }] });
    // The same delivery again, and the same step on another extension's party.
    expect((await send(proceeding)).json().status).toBe('duplicate');
    expect((await send(ringcentralNotification({ sessionId, code: 'Proceeding', extensionId: '102', partyId: `${sessionId}-2` }))).json().status).toBe('duplicate');
    // Out of order: Disconnected overtakes Answered.
    expect((await send(ended)).statusCode).toBe(202);
    expect((await send(answered)).statusCode).toBe(202);
    const call = await findCallByProvider(harness.engine.db, 'ringcentral', sessionId);
    expect(call?.status).toBe('ended');
    expect(call?.answeredAt).toBeTruthy();
    const { rows } = await harness.engine.db.query("select provider_event_id from call_event where provider = 'ringcentral' and provider_event_id like $1 order by 1", [`${sessionId}:%`]);
    expect(rows.map((row) => row.provider_event_id)).toEqual([`${sessionId}:answered`, `${sessionId}:ended`, `${sessionId}:ringing`]);
    // A hold is acknowledged and changes nothing.
    const hold = await send(ringcentralNotification({ sessionId, code: 'Hold' }));
    expect(hold.statusCode).toBe(200);
    expect(hold.json().status).toBe('ignored');
  });

  it('gives the same call the same chart result as the CTI webhook', async () => {
    const rcId = `rc-vm-${kind}`;
    const ctiId = `cti-vm-${kind}`;
    for (const [code, extra] of [['Setup', {}], ['VoiceMail', { reason: 'Voicemail' }], ['Disconnected', { missedCall: true }]] as const) {
      const response = await send(ringcentralNotification({ sessionId: rcId, code, ani: known.phone, dnis: '+16175550100', ...extra }));
      expect(response.statusCode).toBe(202);
    }
    // The same call as a CTI bridge reports it (its own provider and call id).
    for (const event of [
      syntheticEvent({ type: 'call.ringing', callId: ctiId, ani: known.phone }),
      syntheticEvent({ type: 'voicemail', callId: ctiId, ani: known.phone, data: {} }),
      syntheticEvent({ type: 'call.missed', callId: ctiId, ani: known.phone, data: { reason: 'no-answer' } }),
    ]) {
      for (const [key, value] of Object.entries({ queue: undefined, agent: '101' })) (event.call as Record<string, unknown>)[key] = value;
      expect((await harness.post(event)).status).toBe(202);
    }
    const [rcTasks, ctiTasks] = await Promise.all([
      eventually(async () => ((await tasksFor('ringcentral', rcId)).length ? tasksFor('ringcentral', rcId) : null), 30_000, 'the RingCentral call\'s Task'),
      eventually(async () => ((await tasksFor('synthetic-pbx', ctiId)).length ? tasksFor('synthetic-pbx', ctiId) : null), 30_000, 'the CTI call\'s Task'),
    ]);
    expect(rcTasks).toHaveLength(1);
    const chart = (task: Task) => ({ for: task.for?.reference, priority: task.priority, code: task.code, description: task.description, status: task.status, intent: task.intent });
    expect(chart(rcTasks[0]!)).toEqual(chart(ctiTasks[0]!));
    // A missed call with a voicemail, as a Task for the desk; not linked to a chart on caller ID alone (ID-2), on either path.
    expect(rcTasks[0]!.description).toContain('missed call');
    const [rcCall, ctiCall] = await Promise.all([findCallByProvider(harness.engine.db, 'ringcentral', rcId), findCallByProvider(harness.engine.db, 'synthetic-pbx', ctiId)]);
    expect({ status: rcCall?.status, queue: rcCall?.queue, match: rcCall?.callerMatch?.outcome }).toEqual({ status: ctiCall?.status, queue: ctiCall?.queue, match: ctiCall?.callerMatch?.outcome });
  });

  it('`simulate --source ringcentral`: 8 calls, each sent twice in shuffled order, become 8 correctly linked Tasks', async () => {
    const report = await runSimulation({
      target: harness.engine.url, secret: harness.secret, calls: 8, duplicate: true, shuffle: true, seed: kind === 'pglite' ? 21 : 22,
      source: 'ringcentral', ringcentralToken: verificationToken,
      ehrToken: async () => ehr.issueTestToken('system/Patient.rs system/RelatedPerson.rs system/Task.rs'),
    });
    expect(report.failed).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(report.tasksFound).toBe(8);
    expect(report.correctlyLinked).toBe(8);
    const { rows } = await harness.engine.db.query<{ n: string }>("select count(distinct provider_call_id)::text as n from call where provider = 'ringcentral' and provider_call_id like $1", [`${report.runId}%`]);
    expect(Number(rows[0]!.n)).toBe(8);
  });
});
