import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bundle, Task } from '@medplum/fhirtypes';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.schema.ts';
import { startEngine, type Engine } from '../../src/engine/engine.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { signTwilioRequest, verifyTwilioSignature } from '../../src/pbx/twilio-signature.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { backendKinds, createScratchDatabase } from '../helpers/backends.ts';
import { seedPgliteDataDir } from '../helpers/pglite-template.ts';

/**
 * Finding 1 (issue 11): `serve` without TWILIO_AUTH_TOKEN checked X-Twilio-Signature against an
 * empty key, so anyone could sign with HMAC("") and be accepted: a forged call ended as a FHIR Task.
 * Without a token every Twilio route, and the Media Streams upgrade, must refuse with 403
 * TWILIO_NOT_CONFIGURED (audited) and nothing may be stored. All data here is synthetic.
 */

const accountSid = `AC${'0'.repeat(32)}`;
const newSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** Every Twilio webhook with a body that would be accepted if the signature were. */
function forgedRequests(callSid: string): { path: string; params: Record<string, string> }[] {
  const call = { CallSid: callSid, AccountSid: accountSid, From: '+16175550142', To: '+16175550100', Direction: 'inbound' };
  return [
    { path: '/webhooks/twilio/voice', params: { ...call, CallStatus: 'ringing' } },
    { path: '/webhooks/twilio/ivr?step=consent-record', params: { ...call, Digits: '1' } },
    { path: '/webhooks/twilio/status', params: { ...call, CallStatus: 'completed', CallDuration: '42' } },
    { path: '/webhooks/twilio/recording', params: { CallSid: callSid, AccountSid: accountSid, RecordingSid: newSid('RE'), RecordingStatus: 'completed', RecordingDuration: '12' } },
    { path: '/webhooks/twilio/transcription', params: { CallSid: callSid, AccountSid: accountSid, TranscriptionSid: newSid('TR'), TranscriptionStatus: 'completed', TranscriptionText: 'Synthetic: please call me back.' } },
    // Calls placed from callback tasks (issue 16).
    { path: '/webhooks/twilio/outbound-voice', params: { ...call, Direction: 'outbound-api', CallStatus: 'in-progress', AnsweredBy: 'human' } },
    { path: '/webhooks/twilio/outbound-consent?step=consent-record', params: { ...call, Direction: 'outbound-api', Digits: '1' } },
    { path: '/webhooks/twilio/outbound-status', params: { ...call, Direction: 'outbound-api', CallStatus: 'completed', CallDuration: '42', SequenceNumber: '3' } },
  ];
}

describe('verifyTwilioSignature never computes an HMAC with an empty or short key', () => {
  const url = 'https://clinic.example.invalid/webhooks/twilio/voice';
  const params = { CallSid: `CA${'a'.repeat(32)}`, From: '+16175550142' };

  it('refuses a signature made with the empty key, even when it "matches"', () => {
    const forged = signTwilioRequest('', url, params);
    expect(verifyTwilioSignature({ authToken: '', signature: forged, url, params })).toMatchObject({ ok: false, code: 'TWILIO_NOT_CONFIGURED' });
    expect(verifyTwilioSignature({ authToken: undefined, signature: forged, url, params })).toMatchObject({ ok: false, code: 'TWILIO_NOT_CONFIGURED' });
  });

  it('refuses a key shorter than a real Twilio auth token (32 characters)', () => {
    const forged = signTwilioRequest('abc', url, params);
    expect(verifyTwilioSignature({ authToken: 'abc', signature: forged, url, params }).ok).toBe(false);
    const real = randomBytes(16).toString('hex');
    expect(verifyTwilioSignature({ authToken: real, signature: signTwilioRequest(real, url, params), url, params }).ok).toBe(true);
  });
});

describe.each(backendKinds)('Twilio without TWILIO_AUTH_TOKEN refuses everything (%s)', (kind) => {
  let ehr: SandboxEhr;
  let engine: Engine;
  let dataDir: string;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0, auth: false });
    dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-sec-twilio-'));
    const scratch = kind === 'postgres' ? await createScratchDatabase() : null;
    drop = scratch?.drop;
    if (kind === 'pglite') await seedPgliteDataDir(dataDir);
    engine = await startEngine({
      // The settle time is short so that, were a forged call accepted, its Task would be written during the test.
      config: { ...defaultConfig, pipeline: { ...defaultConfig.pipeline, settleSeconds: 1 } },
      databaseUrl: scratch?.url,
      dataDir: kind === 'pglite' ? dataDir : undefined,
      fhirBaseUrl: ehr.baseUrl,
      ehrAuth: false,
      webhookSecret: `whsec_${randomBytes(32).toString('base64url')}`,
      // No twilioAuthToken: what `serve` does when TWILIO_AUTH_TOKEN is unset.
      staffTokenSecret: randomBytes(32),
      dataKey: randomBytes(32),
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await engine?.close();
    await ehr?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 403 TWILIO_NOT_CONFIGURED to empty-key signatures on every webhook, audits each, and stores no call', async () => {
    const callSid = newSid('CA');
    const requests = forgedRequests(callSid);
    for (const request of requests) {
      const url = `${engine.url}${request.path}`;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest('', url, request.params) },
        body: new URLSearchParams(request.params).toString(),
      });
      const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
      expect({ path: request.path, status: response.status, code: body?.error?.code }).toEqual({ path: request.path, status: 403, code: 'TWILIO_NOT_CONFIGURED' });
    }
    const refusals = (await listAuditEvents(engine.db, { limit: 10_000 })).filter((event) => event.action === 'webhook.rejected' && event.reason === 'TWILIO_NOT_CONFIGURED');
    expect(refusals).toHaveLength(requests.length);
    const { rows } = await engine.db.query<{ n: number }>('select count(*)::int as n from call');
    expect(rows[0]!.n).toBe(0);
    const tasks = (await (await fetch(`${ehr.baseUrl}/Task?_count=100`)).json()) as Bundle<Task>;
    expect(tasks.entry ?? []).toHaveLength(0);
  });

  it('refuses the Media Streams upgrade signed with the empty key, with 403 and an audit entry', async () => {
    const wsUrl = `${engine.url.replace(/^http/, 'ws')}/media/twilio`;
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(wsUrl, { headers: { 'X-Twilio-Signature': signTwilioRequest('', wsUrl, {}) } });
      socket.once('open', () => {
        socket.terminate();
        resolve(101);
      });
      socket.once('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
        request.destroy();
      });
      socket.once('error', reject);
    });
    expect(status).toBe(403);
    const refusals = (await listAuditEvents(engine.db, { limit: 10_000 })).filter((event) => event.action === 'media.rejected');
    expect(refusals.map((event) => event.reason)).toEqual(['TWILIO_NOT_CONFIGURED']);
  });
});
