import net from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { ivrSettingsSchema } from '../../src/ivr/ivr-settings.schema.ts';
import { twilioRoutes } from '../../src/pbx/twilio.routes.ts';
import { signTwilioRequest } from '../../src/pbx/twilio-signature.ts';
import type { CallIngestService } from '../../src/calls/call-ingest.service.ts';
import type { RoutingService } from '../../src/routing/routing.service.ts';
import type { Db } from '../../src/store/db.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { startHarness, type Harness } from '../helpers/engine-harness.ts';
import { backendKinds } from '../helpers/backends.ts';

/**
 * Finding 8, the Twilio part (issue 11): unauthenticated deeply nested JSON on /webhooks/twilio/*
 * overflowed the stack (500), and a malformed Host header gave 500 ERR_INVALID_URL. Input a client
 * got wrong is a 4xx with a reason code and an audit entry; 5xx is for real server faults only.
 */

const twilioPaths = ['/webhooks/twilio/voice', '/webhooks/twilio/ivr?step=reason', '/webhooks/twilio/status', '/webhooks/twilio/recording', '/webhooks/twilio/transcription'];
const deepArray = `{"CallSid":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
const deepObject = `{"a":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_001)}`;

/** One raw HTTP/1.1 request, so the Host header can be anything a hostile client sends. */
function rawRequest(port: number, head: string, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed client socket may be torn down before a slow answer is written.
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString('utf8')));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0), body: response.slice(response.indexOf('\r\n\r\n') + 4) }));
    socket.on('error', reject);
  });
}

describe.each(backendKinds)('malformed input on the Twilio routes is a 4xx with a reason (%s)', (kind) => {
  let ehr: SandboxEhr;
  let harness: Harness;
  let port: number;
  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0 });
    harness = await startHarness(kind, { ehr });
    port = Number(new URL(harness.engine.url).port);
  });
  afterAll(async () => {
    await harness?.close();
    await ehr?.close();
  });

  it('answers deeply nested JSON with 4xx and a code, never a stack overflow', async () => {
    const answers: { path: string; body: string; status: number; code: string | undefined }[] = [];
    for (const path of twilioPaths) {
      for (const [name, body] of [['array', deepArray], ['object', deepObject]] as const) {
        const response = await fetch(`${harness.engine.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const json = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
        answers.push({ path, body: name, status: response.status, code: json?.error?.code });
      }
    }
    for (const answer of answers) {
      expect(answer.status, `${answer.path} ${answer.body}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${answer.path} ${answer.body}`).toBeLessThan(500);
      expect(answer.code, `${answer.path} ${answer.body}`).toMatch(/^[A-Z_]+$/);
    }
    // The engine is still serving.
    expect((await fetch(`${harness.engine.url}/healthz`)).status).toBe(200);
    expect(harness.logs.text).not.toContain('Maximum call stack size exceeded');
  });

  it('answers a malformed Host header with 400 HOST_INVALID, audited, before building any URL', async () => {
    const form = 'CallSid=CA00000000000000000000000000000000&AccountSid=AC00000000000000000000000000000000';
    const answers = [];
    for (const host of ['bad host[', 'exa mple.test', '[::1', 'a/b@evil.test', '%zz']) {
      for (const path of ['/webhooks/twilio/voice', '/webhooks/twilio/status']) {
        answers.push({ host, path, ...(await rawRequest(port, `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: AAAA`, form)) });
      }
      answers.push({ host, path: '/media/twilio', ...(await rawRequest(port, `GET /media/twilio HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Twilio-Signature: AAAA`)) });
    }
    for (const answer of answers) {
      expect({ host: answer.host, path: answer.path, status: answer.status }).toEqual({ host: answer.host, path: answer.path, status: 400 });
      expect(answer.body).toContain('HOST_INVALID');
      expect(answer.body).not.toContain('ERR_INVALID_URL');
    }
    // Refusals are audited once per source, problem and minute, repeats as a count.
    await harness.engine.app.rejections.flush(true);
    const audited = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.reason === 'HOST_INVALID');
    expect(audited.reduce((sum, event) => sum + (typeof event.detail.count === 'number' ? event.detail.count : 1), 0)).toBe(answers.length);
    // The audit names the code, never the header it refused.
    expect(JSON.stringify(audited)).not.toContain('evil.test');
  });

  it('still answers a signed Twilio request with a good Host', async () => {
    const response = await rawRequest(port, `POST /webhooks/twilio/status HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: AAAA`, 'CallSid=x');
    // Forged signature: refused for what it is, not for the Host.
    expect(response.status).toBe(403);
    expect(response.body).toContain('SIGNATURE_INVALID');
  });
});

describe('a store that is down is the only 5xx, and it says to retry', () => {
  it('answers 503 STORE_UNAVAILABLE with Retry-After when the event cannot be stored, 400 for bad input even when its audit cannot be written', async () => {
    const storeDown = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const app = Fastify({ logger: false });
    const authToken = '0123456789abcdef0123456789abcdef';
    await app.register(twilioRoutes, {
      db: { query: storeDown, transaction: storeDown, exec: storeDown } as unknown as Db,
      ingest: { accept: storeDown } as unknown as CallIngestService,
      routing: {} as RoutingService,
      ivr: ivrSettingsSchema.parse({}),
      authToken: () => authToken,
      defaultRegion: 'US',
      maxBodyBytes: 64 * 1024,
    });
    try {
      const post = (params: Record<string, string>) => {
        const url = 'http://localhost:80/webhooks/twilio/voice';
        return app.inject({ method: 'POST', url: '/webhooks/twilio/voice', headers: { host: 'localhost:80', 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(authToken, url, params) }, payload: new URLSearchParams(params).toString() });
      };
      const stored = await post({ CallSid: `CA${'1'.repeat(32)}`, AccountSid: `AC${'0'.repeat(32)}`, From: '+16175550142', To: '+16175550100' });
      expect(stored.statusCode).toBe(503);
      expect(stored.headers['retry-after']).toBe('5');
      expect(stored.json()).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });
      expect(stored.body).not.toContain('ECONNREFUSED');
      const invalid = await post({ CallSid: 'not-a-sid', AccountSid: `AC${'0'.repeat(32)}` });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID' } });
    } finally {
      await app.close();
    }
  });
});

