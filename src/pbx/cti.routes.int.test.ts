import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { backendKinds } from '../../test/helpers/backends.ts';
import { startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { signCtiRequest } from './cti-signature.ts';

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('POST /webhooks/cti rejects bad input clearly and audits it (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr });
  });
  afterAll(async () => harness.close());

  const inject = (body: string, headers: Record<string, string>) =>
    harness.engine.app.inject({ method: 'POST', url: '/webhooks/cti', payload: body, headers: { 'content-type': 'application/json', ...headers } });
  const sign = (body: string, timestamp = Math.floor(Date.now() / 1000), secret = harness.secret) => ({ 'callchart-signature': signCtiRequest(secret, body, timestamp) });

  /** The newest refusal entry: refusals are audited once per source, reason and minute, repeats as a count. */
  async function lastRejection() {
    await harness.engine.app.rejections.flush(true);
    const events = await listAuditEvents(harness.engine.db, { limit: 10_000 });
    return events.filter((event) => event.action === 'webhook.rejected' || event.action === 'webhook.rejected.repeated').at(-1);
  }
  async function callEventCount() {
    const { rows } = await harness.engine.db.query<{ n: string }>('select count(*)::text as n from call_event');
    return Number(rows[0]!.n);
  }

  const cases: { name: string; request: () => { body: string; headers: Record<string, string> }; status: number; code: string }[] = [
    { name: 'no signature header', request: () => ({ body: JSON.stringify(syntheticEvent({ type: 'call.ringing', callId: 'r1' })), headers: {} }), status: 401, code: 'SIGNATURE_MISSING' },
    {
      name: 'signed with the wrong secret',
      request: () => {
        const body = JSON.stringify(syntheticEvent({ type: 'call.ringing', callId: 'r2' }));
        return { body, headers: sign(body, undefined, 'not-the-secret') };
      },
      status: 401,
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'body changed after signing',
      request: () => {
        const body = JSON.stringify(syntheticEvent({ type: 'call.ringing', callId: 'r3' }));
        return { body: body.replace('r3', 'r4'), headers: sign(body) };
      },
      status: 401,
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'a replay older than the window',
      request: () => {
        const body = JSON.stringify(syntheticEvent({ type: 'call.ringing', callId: 'r5' }));
        return { body, headers: sign(body, Math.floor(Date.now() / 1000) - 301) };
      },
      status: 401,
      code: 'SIGNATURE_STALE',
    },
    { name: 'a garbage signature header', request: () => ({ body: '{}', headers: { 'callchart-signature': 'sha256=abc' } }), status: 401, code: 'SIGNATURE_INVALID' },
    {
      name: 'signed but not JSON',
      request: () => ({ body: '{"type": "call.ringing",', headers: sign('{"type": "call.ringing",') }),
      status: 400,
      code: 'PAYLOAD_INVALID',
    },
  ];

  it.each(cases)('$name → $status $code, audited, nothing stored', async ({ request, status, code }) => {
    const before = await callEventCount();
    const { body, headers } = request();
    const response = await inject(body, headers);
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(response.json().error.message).toBeTruthy();
    expect((await lastRejection())?.reason).toBe(code);
    expect(await callEventCount()).toBe(before);
  });

  it('names the failing field of a signed but invalid event', async () => {
    const event = syntheticEvent({ type: 'consent.captured', callId: 'r6' }) as unknown as Record<string, unknown>;
    event.data = { scope: 'everything', granted: 'yes' };
    delete (event.call as Record<string, unknown>).id;
    const body = JSON.stringify(event);
    const response = await inject(body, sign(body));
    expect(response.statusCode).toBe(400);
    const paths = (response.json().error.issues as { path: string }[]).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['call.id', 'data.scope', 'data.granted']));
    const audit = await lastRejection();
    expect(audit?.reason).toBe('PAYLOAD_INVALID');
    expect(audit?.detail.paths).toEqual(expect.arrayContaining(['call.id']));
    // The audit entry names fields, never their values.
    expect(JSON.stringify(audit)).not.toContain('everything');
  });

  it('refuses an oversized body with 413 and audits it', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(300 * 1024) });
    const response = await inject(body, sign(body));
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await lastRejection())?.reason).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a non-JSON content type with 415 and audits it', async () => {
    const response = await harness.engine.app.inject({ method: 'POST', url: '/webhooks/cti', payload: 'type=call.ringing', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.statusCode).toBe(415);
    expect((await lastRejection())?.reason).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('commits an accepted event before answering 202, and answers a redelivery 200 duplicate', async () => {
    const event = syntheticEvent({ type: 'call.ringing', callId: 'accepted-1' });
    const body = JSON.stringify(event);
    const first = await inject(body, sign(body));
    expect(first.statusCode).toBe(202);
    const { rows } = await harness.engine.db.query('select 1 from call_event where provider_event_id = $1', [event.id]);
    expect(rows).toHaveLength(1);
    const again = await inject(body, sign(body));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'duplicate', callId: first.json().callId });
    const count = await harness.engine.db.query('select 1 from call_event where provider_event_id = $1', [event.id]);
    expect(count.rows).toHaveLength(1);
  });

  it('documents the webhook and every event type in OpenAPI', async () => {
    const response = await harness.engine.app.inject({ method: 'GET', url: '/openapi.json' });
    const document = response.json();
    const operation = document.paths['/webhooks/cti'].post;
    expect(operation.summary).toMatch(/signed call event/i);
    const text = JSON.stringify(operation.requestBody);
    for (const type of ['call.ringing', 'call.answered', 'call.transferred', 'call.ended', 'call.missed', 'voicemail', 'transcript.available', 'ivr.input', 'consent.captured']) {
      expect(text).toContain(type);
    }
  });

  it('serves health and info', async () => {
    expect((await harness.engine.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok', storage: kind });
    const info = (await harness.engine.app.inject({ method: 'GET', url: '/api/info' })).json();
    expect(info.fhirBaseUrl).toBe(ehr.baseUrl);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
