import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents, recordAuditEvent } from '../audit/audit.repository.ts';
import { defaultConfig } from '../config/config.schema.ts';
import { verifyCtiSignature } from '../pbx/cti-signature.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { webhookEventSchema, type WebhookEvent } from './event-webhook.ts';

/**
 * Outbound event webhooks end to end (OW-1): a real engine on a real socket, the sandbox EHR over
 * HTTP, and real HTTP receivers (node:http) that verify each request with the inbound CTI
 * webhook's own verification function. The clock is the engine's controllable clock: a retry is
 * due only after the test moves it past the backoff, so nothing waits on wall time.
 */

const clinic = generateSyntheticClinic();
const caller = sandboxPhoneScenarios(clinic).uniquePatient[3]!;
const patient = clinic.patients.find((candidate) => candidate.id === caller.patientId)!;
// Synthetic canaries: the caller's number, name and words in the voicemail must never leave.
const canaries = [
  caller.phone, caller.phone.replace(/^\+1/, ''), ...(patient.name?.[0]?.given ?? []), patient.name?.[0]?.family ?? '',
  'Zyrtecholine', 'cardiomyopathy', 'Wellesbury',
].filter((word) => word.length > 2);
const voicemailText = 'Hi this is about my Zyrtecholine refill for cardiomyopathy, I live on Wellesbury Road';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One HTTP server with a receiver per path; each answers with its own script of statuses. */
class Receivers {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, number[]>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const script = this.scripts.get(path) ?? [];
        response.statusCode = script.length > 1 ? script.shift()! : (script[0] ?? 200);
        response.end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Statuses to answer at `path`, in order; the last one repeats. */
  answer(path: string, statuses: number[]): void {
    this.scripts.set(path, [...statuses]);
  }

  at(path: string): Received[] {
    return this.received.filter((request) => request.path === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('outbound event webhooks (pglite engine, real receivers)', () => {
  let harness: Harness;
  const receivers = new Receivers();
  let nowMs = Date.now();
  const clock = () => new Date(nowMs);
  const secrets = new Map<string, string>();
  let adminToken: string;

  async function api(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${harness.engine.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  }

  async function subscribe(path: string, eventTypes: string[], queues: string[]): Promise<string> {
    const created = await api('POST', '/api/admin/event-subscriptions', adminToken, { name: path.slice(1), url: `${receivers.url}${path}`, eventTypes, queues });
    expect(created.status).toBe(201);
    const subscription = created.body.subscription as { id: string };
    secrets.set(path, created.body.secret as string);
    return subscription.id;
  }

  /** Every verified event a receiver got (signature checked with the CTI verification function, at the engine's clock). */
  function eventsAt(path: string): WebhookEvent[] {
    return receivers.at(path).map((request) => {
      const verdict = verifyCtiSignature({ header: request.headers['callchart-signature'] as string, rawBody: request.body, secrets: [secrets.get(path)!], nowSeconds: Math.floor(nowMs / 1000) });
      expect(verdict.ok).toBe(true);
      const event = webhookEventSchema.parse(JSON.parse(request.body));
      expect(request.headers['callchart-event-id']).toBe(event.id);
      return event;
    });
  }

  /** Runs the worker until `done` holds (the audit chainer writes events within a moment). */
  async function deliverUntil(done: () => boolean, what: string): Promise<void> {
    await eventually(async () => {
      await harness.engine.eventWebhooks.runOnce();
      return done() ? true : null;
    }, 20_000, what);
  }

  beforeAll(async () => {
    await receivers.start();
    harness = await startHarness('pglite', {
      clock,
      config: {
        ...defaultConfig,
        // Passes run when the test asks (runOnce); the timer stays out of the way.
        eventWebhooks: { intervalMs: 600_000, timeoutMs: 5_000, retryBaseMs: 1_000, maxBackoffMs: 4_000, maxAttempts: 5, allowLoopbackHttp: true },
      },
    });
    adminToken = await harness.token('admin');
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await receivers.close();
  });

  it('refuses bad subscriptions with a 400 and its reason, audited; only admins manage subscribers', async () => {
    const base = { name: 'crm', url: `${receivers.url}/never`, eventTypes: ['call.new'], queues: ['front-desk'] };
    const plainHttp = await api('POST', '/api/admin/event-subscriptions', adminToken, { ...base, url: 'http://crm.example.org/hook' });
    expect(plainHttp.status).toBe(400);
    expect(JSON.stringify(plainHttp.body)).toMatch(/must be https/);
    const unknownType = await api('POST', '/api/admin/event-subscriptions', adminToken, { ...base, eventTypes: ['call.transcribed'] });
    expect(unknownType.status).toBe(400);
    expect(JSON.stringify(unknownType.body)).toMatch(/eventTypes/);
    const weak = await api('POST', '/api/admin/event-subscriptions', adminToken, { ...base, secret: 'changeme-changeme-changeme-changeme' });
    expect(weak.status).toBe(400);
    expect(JSON.stringify(weak.body)).toMatch(/secret/);
    expect(JSON.stringify(weak.body)).not.toContain('changeme-changeme');
    const supervisor = await api('POST', '/api/admin/event-subscriptions', await harness.token('supervisor'), base);
    expect(supervisor.status).toBe(403);
    expect((await api('GET', '/api/admin/event-subscriptions', adminToken)).body.subscriptions).toEqual([]);
    const refusals = await eventually(async () => {
      const events = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'staff.api.rejected' && event.detail.route === '/api/admin/event-subscriptions');
      return new Set(events.map((event) => event.reason)).size >= 2 ? events : null;
    }, 10_000, 'refusals audited');
    expect(refusals.map((event) => event.reason)).toEqual(expect.arrayContaining(['PAYLOAD_INVALID', 'ROLE_FORBIDDEN']));
  });

  it('sends each subscriber only the types and queues it was given, signed like the CTI webhook, ids and codes only; retries after backoff; a 410 goes dead into the worklist', async () => {
    await subscribe('/front-desk', ['call.new', 'call.missed', 'call.voicemail'], ['front-desk']);
    await subscribe('/billing', ['call.new', 'call.missed', 'call.voicemail', 'callback.completed', 'case.resolved'], ['billing']);
    await subscribe('/missed-only', ['call.missed'], ['*']);
    receivers.answer('/flaky', [503, 503, 200]);
    await subscribe('/flaky', ['call.voicemail'], ['*']);
    receivers.answer('/gone', [410]);
    const goneId = await subscribe('/gone', ['call.new'], ['front-desk']);
    const listed = (await api('GET', '/api/admin/event-subscriptions', adminToken)).body.subscriptions as Record<string, unknown>[];
    expect(listed).toHaveLength(5);
    expect(JSON.stringify(listed)).not.toContain(secrets.get('/front-desk')!);

    // A synthetic missed call with a voicemail, from a known patient's number, in the front desk queue.
    const callId = `ow-${nowMs}`;
    for (const event of [
      syntheticEvent({ type: 'call.ringing', callId, ani: caller.phone }),
      syntheticEvent({ type: 'call.missed', callId, ani: caller.phone, data: { reason: 'no-answer' } }),
      syntheticEvent({ type: 'voicemail', callId, ani: caller.phone, data: { durationSeconds: 20, transcript: { text: voicemailText } } }),
    ]) expect((await harness.post(event)).status).toBeLessThan(300);
    // And a call in the billing queue, from an unknown number.
    const billingCallId = `ow-billing-${nowMs}`;
    const billingCall = (event: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(event), call: { ...syntheticEvent(event).call, queue: 'billing' } });
    expect((await harness.post(billingCall({ type: 'call.ringing', callId: billingCallId, ani: '+16175550199' }))).status).toBeLessThan(300);

    await deliverUntil(() => receivers.at('/front-desk').length >= 3 && receivers.at('/missed-only').length >= 1 && receivers.at('/gone').length >= 1
      && receivers.at('/flaky').length >= 1 && receivers.at('/billing').length >= 1, 'first deliveries');

    // The front desk hears the three it asked for, once each, about this call, with stable ids and the queue's codes.
    const frontDesk = eventsAt('/front-desk');
    expect(frontDesk.map((event) => event.type).sort()).toEqual(['call.missed', 'call.new', 'call.voicemail']);
    expect(new Set(frontDesk.map((event) => event.id)).size).toBe(3);
    expect(new Set(frontDesk.map((event) => event.callId)).size).toBe(1);
    expect(frontDesk.every((event) => event.codes.queue === 'front-desk')).toBe(true);
    // Nothing about a front-desk call reaches a billing-only subscriber, and the billing call reaches only it;
    // the missed-only one hears only call.missed.
    expect(eventsAt('/billing').map((event) => [event.type, event.callId === frontDesk[0]!.callId, event.codes.queue])).toEqual([['call.new', false, 'billing']]);
    expect(eventsAt('/missed-only').map((event) => event.type)).toEqual(['call.missed']);
    expect(eventsAt('/missed-only')[0]!.id).toBe(frontDesk.find((event) => event.type === 'call.missed')!.id);
    // No PHI anywhere in what left: not the number, not the name, not a word of the voicemail.
    const everything = receivers.received.map((request) => `${request.body} ${JSON.stringify(request.headers)}`).join('\n');
    for (const canary of canaries) expect(everything).not.toContain(canary);

    // The flaky receiver answered 503: not tried again before its backoff, then again after it (twice), then delivered.
    expect(receivers.at('/flaky')).toHaveLength(1);
    await harness.engine.eventWebhooks.runOnce();
    expect(receivers.at('/flaky')).toHaveLength(1);
    nowMs += 4_001;
    await deliverUntil(() => receivers.at('/flaky').length >= 2, 'second attempt');
    nowMs += 4_001;
    await deliverUntil(() => receivers.at('/flaky').length >= 3, 'third attempt');
    nowMs += 10_000;
    await harness.engine.eventWebhooks.runOnce();
    const flaky = eventsAt('/flaky');
    expect(flaky).toHaveLength(3);
    expect(new Set(flaky.map((event) => event.id)).size).toBe(1);
    expect(new Set(receivers.at('/flaky').map((request) => request.body)).size).toBe(1);

    // The 410 receiver got one try and no more: dead, audited, in the worklist.
    expect(receivers.at('/gone')).toHaveLength(1);
    const supervisor = await harness.token('supervisor');
    const troubled = (await api('GET', '/api/event-webhooks/deliveries', supervisor)).body.deliveries as Record<string, unknown>[];
    expect(troubled).toEqual([expect.objectContaining({ subscriptionId: goneId, subscriptionName: 'gone', eventType: 'call.new', status: 'dead', attempts: 1, lastError: 'HTTP_410' })]);
    expect(JSON.stringify(troubled)).not.toContain(receivers.url);
    const dead = await eventually(async () => (await listAuditEvents(harness.engine.db, { limit: 10_000 })).find((event) => event.action === 'event-webhook.delivery.dead') ?? null, 10_000, 'dead audited');
    expect(dead).toMatchObject({ objectId: troubled[0]!.id, reason: 'HTTP_410', detail: { subscriptionId: goneId, eventType: 'call.new' } });

    // Only admins redeliver; once the receiver is back, the same event arrives with the same id and leaves the worklist.
    expect((await api('POST', `/api/event-webhooks/deliveries/${troubled[0]!.id as string}/redeliver`, supervisor)).status).toBe(403);
    receivers.answer('/gone', [200]);
    expect((await api('POST', `/api/event-webhooks/deliveries/${troubled[0]!.id as string}/redeliver`, adminToken)).status).toBe(200);
    await deliverUntil(() => receivers.at('/gone').length >= 2, 'redelivery');
    expect(new Set(eventsAt('/gone').map((event) => event.id)).size).toBe(1);
    expect((await api('GET', '/api/event-webhooks/deliveries', supervisor)).body.deliveries).toEqual([]);
    expect((await api('POST', `/api/event-webhooks/deliveries/${troubled[0]!.id as string}/redeliver`, adminToken)).status).toBe(409);

    // The metrics count each outcome by event type (codes only).
    const metrics = await harness.engine.metrics.registry.metrics();
    expect(metrics).toMatch(/callchart_event_webhook_deliveries_total\{event_type="call.voicemail",outcome="failed"\} 2/);
    expect(metrics).toMatch(/callchart_event_webhook_deliveries_total\{event_type="call.new",outcome="dead"\} 1/);
    expect(metrics).toMatch(/callchart_event_webhook_attempt_seconds_count\{outcome="delivered"\} \d+/);

    // Reading the log again from the start queues nothing twice: the same events keep their ids.
    const before = receivers.received.length;
    await harness.engine.db.query(`update alert_cursor set last_seq = 0 where name = 'event-webhooks'`);
    nowMs += 60_000;
    await harness.engine.eventWebhooks.runOnce();
    expect(receivers.received.length).toBe(before);
  }, 60_000);

  it('a completed callback task reaches a subscriber for its queue as callback.completed and case.resolved; a disabled subscriber hears nothing more', async () => {
    const subscriptionId = await subscribe('/nurse-line', ['callback.completed', 'case.resolved'], ['nurse-line']);
    // What the callback-task domain writes when a task is completed (ids and codes only).
    await recordAuditEvent(harness.engine.db, {
      actor: 'staff:nurse-1', action: 'callback.completed', objectType: 'callback-task', objectId: 'cbt-001', outcome: 'success',
      detail: { queue: 'nurse-line', requestType: 'refill', urgent: false },
    });
    await deliverUntil(() => receivers.at('/nurse-line').length >= 2, 'callback events');
    expect(eventsAt('/nurse-line').map((event) => [event.type, event.taskId, event.codes.queue]).sort()).toEqual([
      ['callback.completed', 'cbt-001', 'nurse-line'], ['case.resolved', 'cbt-001', 'nurse-line'],
    ]);
    // The front desk did not ask for callback events and does not hear them.
    expect(eventsAt('/front-desk').some((event) => event.type === 'callback.completed')).toBe(false);

    expect((await api('POST', `/api/admin/event-subscriptions/${subscriptionId}/disable`, adminToken)).status).toBe(200);
    await recordAuditEvent(harness.engine.db, {
      actor: 'staff:nurse-1', action: 'callback.completed', objectType: 'callback-task', objectId: 'cbt-002', outcome: 'success', detail: { queue: 'nurse-line' },
    });
    await eventually(async () => ((await listAuditEvents(harness.engine.db, { limit: 10_000 })).some((event) => event.objectId === 'cbt-002') ? true : null), 10_000, 'chained');
    await harness.engine.eventWebhooks.runOnce();
    expect(receivers.at('/nurse-line')).toHaveLength(2);
    const audit = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.objectType === 'event-subscription');
    expect(audit.map((event) => event.action)).toEqual(expect.arrayContaining(['event-subscription.created', 'event-subscription.disabled']));
    // The audit says which host and which codes, never the secret.
    for (const secret of secrets.values()) expect(JSON.stringify(audit)).not.toContain(secret);
  }, 60_000);
});
