import type { Bundle, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findCallByProvider, type CallRecord } from '../calls/calls.repository.ts';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../ehr/fhir-task.mapper.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { keypadDob } from '../simulator/call-scenarios.ts';
import { runSimulation } from '../simulator/simulate.client.ts';
import { backendKinds } from '../../test/helpers/backends.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { consentEvents } from '../../test/helpers/consent-events.ts';
import { zoomProvider } from './zoom-events.ts';
import { signZoomRequest } from './zoom-signature.ts';

// Every secret, number and id here is synthetic. Payloads follow the shape of Zoom's published
// phone event types (@zoom/rivet Phone.PhoneCalleeRingingEvent etc.); they are not Zoom captures.
const zoomSecret = 'SynthZoomSecretTok3n_x7';
const clinic = generateSyntheticClinic();
const known = sandboxPhoneScenarios(clinic).uniquePatient[1]!;
const knownPatient = clinic.patients.find((patient) => patient.id === known.patientId)!;
const transcript = 'Synthetic test call: I need a refill of my lisinopril sent to the pharmacy.';

function zoomLeg(event: string, callId: string, ani: string, at: Record<string, string>, callee: Record<string, unknown> = { phone_number: '+16175550100', extension_type: 'callQueue', name: 'front-desk' }) {
  return { event, event_ts: Date.now(), payload: { account_id: 'acct-synthetic', object: { call_id: callId, caller: { phone_number: ani, connection_type: 'pstn_off_net' }, callee, ...at } } };
}

async function tasksFor(ehr: SandboxEhr, provider: string, providerCallId: string): Promise<Task[]> {
  const identifier = `${callTaskIdentifierSystem}|${callTaskIdentifierValue(provider, providerCallId)}`;
  const response = await fetch(`${ehr.baseUrl}/Task?identifier=${encodeURIComponent(identifier)}`, { headers: { authorization: `Bearer ${ehr.issueTestToken('system/Task.rs')}` } });
  return ((await response.json()) as Bundle<Task>).entry?.map((entry) => entry.resource!) ?? [];
}

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('POST /webhooks/zoom: Zoom Phone as a call source (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr, config: { zoom: { enabled: true } }, engine: { zoomWebhookSecret: zoomSecret } });
  });
  afterAll(async () => harness.close());

  const send = (body: unknown, options: { timestamp?: number; secret?: string; headers?: Record<string, string>; contentType?: string } = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const headers = options.headers ?? signZoomRequest(options.secret ?? zoomSecret, raw, options.timestamp ?? Math.floor(Date.now() / 1000));
    return harness.engine.app.inject({ method: 'POST', url: '/webhooks/zoom', payload: raw, headers: { 'content-type': options.contentType ?? 'application/json', ...headers } });
  };
  async function lastRejection() {
    await harness.engine.app.rejections.flush(true);
    const events = await listAuditEvents(harness.engine.db, { limit: 10_000 });
    return events.filter((event) => event.action === 'webhook.rejected' || event.action === 'webhook.rejected.repeated').at(-1);
  }
  async function callEventCount() {
    const { rows } = await harness.engine.db.query<{ n: string }>('select count(*)::text as n from call_event');
    return Number(rows[0]!.n);
  }

  it("answers Zoom's URL validation challenge, and only when it is signed", async () => {
    const challenge = { event: 'endpoint.url_validation', event_ts: Date.now(), payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' } };
    const answer = await send(challenge);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Unsigned, the challenge would be an HMAC oracle for anyone: refused and audited.
    const unsigned = await send({ ...challenge, payload: { plainToken: 'v0:1700000000:{}' } }, { headers: {} });
    expect(unsigned.statusCode).toBe(401);
    expect((await lastRejection())?.reason).toBe('SIGNATURE_MISSING');
    // Signed, but a token that is a message rather than a token: refused too.
    const oracle = await send({ ...challenge, payload: { plainToken: 'v0:1700000000:{"event":"x"}' } });
    expect(oracle.statusCode).toBe(400);
    expect((await lastRejection())?.reason).toBe('PAYLOAD_INVALID');
  });

  const ringing = (callId: string) => zoomLeg('phone.callee_ringing', callId, '+16175550142', { ringing_start_time: new Date(Date.now() - 5_000).toISOString() });
  const now = () => Math.floor(Date.now() / 1000);
  const cases: { name: string; request: () => { body: string; headers: Record<string, string>; contentType?: string }; status: number; code: string }[] = [
    { name: 'unsigned', request: () => ({ body: JSON.stringify(ringing('z-bad-1')), headers: {} }), status: 401, code: 'SIGNATURE_MISSING' },
    { name: 'signed with another secret (forged)', request: () => { const body = JSON.stringify(ringing('z-bad-2')); return { body, headers: signZoomRequest('AnotherZoomSecretTok3n', body, now()) }; }, status: 401, code: 'SIGNATURE_INVALID' },
    { name: 'body changed after signing', request: () => { const body = JSON.stringify(ringing('z-bad-3')); return { body: body.replace('z-bad-3', 'z-bad-4'), headers: signZoomRequest(zoomSecret, body, now()) }; }, status: 401, code: 'SIGNATURE_INVALID' },
    { name: 'stale: signed 301 s ago', request: () => { const body = JSON.stringify(ringing('z-bad-5')); return { body, headers: signZoomRequest(zoomSecret, body, now() - 301) }; }, status: 401, code: 'SIGNATURE_STALE' },
    { name: 'dated ahead of our clock', request: () => { const body = JSON.stringify(ringing('z-bad-6')); return { body, headers: signZoomRequest(zoomSecret, body, now() + 600) }; }, status: 401, code: 'SIGNATURE_FUTURE' },
    { name: 'signed but not JSON', request: () => ({ body: '{"event":"phone.callee_ringing",', headers: signZoomRequest(zoomSecret, '{"event":"phone.callee_ringing",', now()) }), status: 400, code: 'PAYLOAD_INVALID' },
    { name: 'signed JSON that is not a Zoom envelope', request: () => ({ body: '[1,2]', headers: signZoomRequest(zoomSecret, '[1,2]', now()) }), status: 400, code: 'PAYLOAD_INVALID' },
    {
      name: 'a phone event without its call_id',
      request: () => { const event = ringing('z-bad-7'); delete (event.payload.object as Partial<typeof event.payload.object>).call_id; const body = JSON.stringify(event); return { body, headers: signZoomRequest(zoomSecret, body, now()) }; },
      status: 400, code: 'PAYLOAD_INVALID',
    },
    { name: 'oversized', request: () => { const body = JSON.stringify({ ...ringing('z-bad-8'), padding: 'x'.repeat(300 * 1024) }); return { body, headers: signZoomRequest(zoomSecret, body, now()) }; }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'a form instead of JSON', request: () => ({ body: 'event=phone.callee_ringing', headers: signZoomRequest(zoomSecret, 'event=phone.callee_ringing', now()), contentType: 'application/x-www-form-urlencoded' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  ];

  it.each(cases)('$name → $status $code, audited without the number, nothing stored', async ({ request, status, code }) => {
    const before = await callEventCount();
    const { body, headers, contentType } = request();
    const response = await send(body, { headers, ...(contentType ? { contentType } : {}) });
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    const audit = await lastRejection();
    expect(audit?.reason).toBe(code);
    expect(JSON.stringify(audit)).not.toContain('6175550142');
    expect(await callEventCount()).toBe(before);
    expect(harness.logs.text).not.toContain('6175550142');
  });

  it('refuses a captured request sent again inside the window; a redelivery with a new signature changes nothing', async () => {
    const body = JSON.stringify(ringing('z-replay-1'));
    const headers = signZoomRequest(zoomSecret, body, now());
    const first = await send(body, { headers });
    expect(first.statusCode).toBe(202);
    const replay = await send(body, { headers });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.code).toBe('SIGNATURE_REPLAYED');
    expect((await lastRejection())?.reason).toBe('SIGNATURE_REPLAYED');
    const redelivery = await send(body, { timestamp: now() + 1 });
    expect(redelivery.statusCode).toBe(200);
    expect(redelivery.json()).toMatchObject({ status: 'duplicate', callId: first.json().callId });
    const { rows } = await harness.engine.db.query('select 1 from call_event where provider = $1 and provider_event_id = $2', [zoomProvider, 'z-replay-1:ringing']);
    expect(rows).toHaveLength(1);
  });

  it('acknowledges events it does not map (hold, recordings) without storing anything', async () => {
    const before = await callEventCount();
    const hold = await send(zoomLeg('phone.callee_hold', 'z-hold-1', '+16175550142', {}));
    expect(hold.statusCode).toBe(200);
    expect(hold.json()).toEqual({ status: 'ignored' });
    const recording = await send({ event: 'phone.recording_completed', event_ts: Date.now(), payload: { account_id: 'acct-synthetic', object: { recordings: [{ id: 'rec-1', call_id: 'z-hold-1', download_url: 'https://zoom.example.invalid/r' }] } } });
    expect(recording.statusCode).toBe(200);
    expect(await callEventCount()).toBe(before);
  });

  it('turns a Zoom call, out of order and redelivered, into the same call and the same Task as the CTI path', async () => {
    const ani = known.phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3');
    const t0 = Date.now() - 120_000;
    const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
    const zoomCallId = `${kind}-zoom-known-1`;
    const agent = { phone_number: '+16175550100', extension_number: 101, extension_type: 'user', name: 'Synthetic Nurse' };
    const queue = { phone_number: '+16175550100', extension_type: 'callQueue', name: 'front-desk' };
    const zoomRinging = zoomLeg('phone.callee_ringing', zoomCallId, ani, { ringing_start_time: at(0) }, queue);
    const zoomAnswered = { ...zoomLeg('phone.callee_answered', zoomCallId, ani, { ringing_start_time: at(0), answer_start_time: at(8) }, agent) };
    zoomAnswered.payload.object = { ...zoomAnswered.payload.object, forwarded_by: { extension_type: 'callQueue', name: 'front-desk' } } as typeof zoomAnswered.payload.object;
    const zoomEnded = zoomLeg('phone.callee_ended', zoomCallId, ani, { ringing_start_time: at(0), answer_start_time: at(8), call_end_time: at(72) }, agent);
    const dob = keypadDob(knownPatient.birthDate!);
    // What Zoom does not send (the IVR's consents and date of birth, the transcript) comes through
    // the CTI webhook under the same provider and call id, as the clinic's IVR bridge would send it.
    const viaCti = (callId: string, provider: string) => [
      ...consentEvents(callId, ani).map((event) => ({ ...event, provider })),
      { ...syntheticEvent({ type: 'ivr.input', callId, ani, data: { kind: 'dtmf', menu: 'dob', value: dob } }), provider },
    ];
    const transcriptEvent = (callId: string, provider: string) => ({ ...syntheticEvent({ type: 'transcript.available', callId, ani, data: { transcript: { text: transcript, language: 'en-US' } } }), provider });

    // Zoom: ended before ringing, everything twice.
    expect((await send(zoomEnded)).statusCode).toBe(202);
    const firstRinging = now();
    expect((await send(zoomRinging, { timestamp: firstRinging })).statusCode).toBe(202);
    for (const event of viaCti(zoomCallId, zoomProvider)) expect((await harness.post(event)).status).toBe(202);
    expect((await send(zoomAnswered)).statusCode).toBe(202);
    // Zoom's redeliveries are signed afresh (the same signed request again is a replay: refused above).
    expect((await send(zoomRinging, { timestamp: firstRinging - 1 })).json()).toMatchObject({ status: 'duplicate' });
    expect((await send({ ...zoomEnded, event: 'phone.caller_ended' })).json()).toMatchObject({ status: 'duplicate' });
    expect((await harness.post(transcriptEvent(zoomCallId, zoomProvider))).status).toBe(202);

    // The same call through the CTI webhook alone, in order.
    const ctiCallId = `${kind}-cti-known-1`;
    const ctiProvider = 'synthetic-pbx';
    const call = { id: ctiCallId, ani, dnis: '+16175550100', queue: 'front-desk', direction: 'inbound' as const };
    for (const event of [
      { ...syntheticEvent({ type: 'call.ringing', callId: ctiCallId, ani }), occurredAt: at(0), call },
      ...viaCti(ctiCallId, ctiProvider),
      { ...syntheticEvent({ type: 'call.answered', callId: ctiCallId, ani }), occurredAt: at(8), call: { ...call, agent: 'ext-101' } },
      { ...syntheticEvent({ type: 'call.ended', callId: ctiCallId, ani, data: { durationSeconds: 64 } }), occurredAt: at(72), call },
      transcriptEvent(ctiCallId, ctiProvider),
    ]) expect((await harness.post(event)).status).toBe(202);

    const written = async (provider: string, id: string) => eventually(async () => {
      const record = await findCallByProvider(harness.engine.db, provider, id);
      return record?.writeBackStatus === 'written' ? record : null;
    }, 30_000, `the Task of ${provider}`);
    const [zoomCall, ctiCall] = await Promise.all([written(zoomProvider, zoomCallId), written(ctiProvider, ctiCallId)]);
    const comparable = (record: CallRecord) => ({
      status: record.status, direction: record.direction, aniPresentation: record.aniPresentation, dnis: record.dnis, queue: record.queue, agent: record.agent,
      startedAt: record.startedAt, answeredAt: record.answeredAt, endedAt: record.endedAt, requestType: record.requestType, urgency: record.urgency,
      outcome: record.callerMatch?.outcome, confidence: record.callerMatch?.confidence,
    });
    expect(comparable(zoomCall)).toEqual(comparable(ctiCall));
    expect(zoomCall.requestType).toBe('prescription_refill');

    const types = async (callId: string) => (await harness.engine.db.query<{ type: string }>('select type from call_event where call_id = $1 order by type', [callId])).rows.map((row) => row.type);
    expect(await types(zoomCall.id)).toEqual(await types(ctiCall.id));
    const { rows } = await harness.engine.db.query<{ envelope: { data: unknown } }>("select envelope from call_event where call_id = $1 and type = 'call.ended'", [zoomCall.id]);
    expect(rows[0]!.envelope.data).toEqual({ durationSeconds: 64 });

    const [zoomTasks, ctiTasks] = [await tasksFor(ehr, zoomProvider, zoomCallId), await tasksFor(ehr, ctiProvider, ctiCallId)];
    expect(zoomTasks).toHaveLength(1);
    expect(ctiTasks).toHaveLength(1);
    const chart = (task: Task) => ({ for: task.for?.reference, code: task.code?.coding?.[0]?.code, priority: task.priority, status: task.status, intent: task.intent });
    expect(chart(zoomTasks[0]!)).toEqual(chart(ctiTasks[0]!));
    expect(zoomTasks[0]!.for?.reference).toBe(`Patient/${known.patientId}`);
  });

  it('simulate --source zoom: signed Zoom webhooks, redelivered and shuffled, give one Task per call linked as expected', async () => {
    const report = await runSimulation({
      target: harness.engine.url, secret: harness.secret, source: 'zoom', zoomSecret, calls: 10, duplicate: true, shuffle: true, seed: kind === 'pglite' ? 21 : 22,
      ehrToken: async () => ehr.issueTestToken('system/Patient.rs system/RelatedPerson.rs system/Task.rs'),
    });
    expect(report.failed).toEqual([]);
    expect(report.duplicates).toBeGreaterThan(0);
    expect(report.problems).toEqual([]);
    expect(report.tasksFound).toBe(10);
    expect(report.correctlyLinked).toBe(10);
    const { rows } = await harness.engine.db.query<{ n: string }>("select count(*)::text as n from call where provider = 'zoom-phone' and provider_call_id like 'sim%'");
    expect(Number(rows[0]!.n)).toBe(10);
  });
});

describe('Zoom Phone not configured', () => {
  it('refuses every Zoom request with 403 ZOOM_NOT_CONFIGURED and audits it', async () => {
    const harness = await startHarness('pglite', { ehr });
    try {
      const body = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' } });
      const response = await harness.engine.app.inject({ method: 'POST', url: '/webhooks/zoom', payload: body, headers: { 'content-type': 'application/json', ...signZoomRequest(zoomSecret, body, Math.floor(Date.now() / 1000)) } });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ZOOM_NOT_CONFIGURED');
      await harness.engine.app.rejections.flush(true);
      const audit = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action.startsWith('webhook.rejected')).at(-1);
      expect(audit?.reason).toBe('ZOOM_NOT_CONFIGURED');
    } finally {
      await harness.close();
    }
  });

  it('does not start with Zoom enabled and a weak secret token, and says which variable', async () => {
    await expect(startHarness('pglite', { ehr, config: { zoom: { enabled: true } }, engine: { zoomWebhookSecret: 'changeme' } })).rejects.toThrow(/CALLCHART_ZOOM_WEBHOOK_SECRET/);
  });
});
