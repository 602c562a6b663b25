import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { signCtiRequest, ctiSignatureHeader } from '../src/pbx/cti-signature.ts';
import type { CallEvent } from '../src/calls/call-event.schema.ts';
import { backendKinds } from './helpers/backends.ts';
import { consentEvents } from './helpers/consent-events.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from './helpers/engine-harness.ts';
import { adultCallers, allYes, clinic, reviewCalls } from './helpers/review-calls.ts';

/**
 * Metrics and traces (AN-1, issue 13 item 8), as an operator and a privacy officer would check
 * them: /metrics answers only the scraper holding the token; after one call the numbers a dashboard
 * shows moved by exactly that call; nothing in the exposition or in any span names the caller; and
 * the call's trace runs unbroken from the webhook through every stage to the write-back delivery.
 * Synthetic patients and calls only.
 */

/** One sample of the exposition: `name{labels} value`, labels in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return null;
}

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('Prometheus metrics and OpenTelemetry traces (%s)', (kind) => {
  let harness: Harness;
  const spans = new InMemorySpanExporter();
  const metricsToken = randomBytes(32).toString('base64url');
  const { api } = reviewCalls(() => harness, () => ehr);

  beforeAll(async () => {
    harness = await startHarness(kind, { ehr, engine: { metricsToken, traceExporter: spans } });
  });
  afterAll(async () => harness?.close());

  const scrape = async (token: string | null = metricsToken) => {
    const response = await fetch(`${harness.engine.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
  };

  /** A CTI webhook, optionally asking for a routing decision (`?route=sync`, as a PBX waiting to route does). */
  const post = async (event: CallEvent, route = false) => {
    const body = JSON.stringify(event);
    const response = await fetch(`${harness.engine.url}/webhooks/cti${route ? '?route=sync' : ''}`, {
      method: 'POST', headers: { 'content-type': 'application/json', [ctiSignatureHeader]: signCtiRequest(harness.secret, body, Math.floor(Date.now() / 1000)) }, body,
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as { callId: string };
  };

  it('refuses a scrape without the token or with a wrong one (401, audited), and serves the exposition with it', async () => {
    const none = await scrape(null);
    expect(none.status).toBe(401);
    expect(none.text).toContain('METRICS_TOKEN_INVALID');
    const wrong = await scrape(randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('callchart_');
    const right = await scrape();
    expect(right.status).toBe(200);
    expect(right.contentType).toContain('text/plain');
    expect(right.text).toContain('# TYPE callchart_calls_total counter');
    expect(right.text).toContain('callchart_process_cpu_seconds_total');
    const refusals = await eventually(async () => {
      const { rows } = await harness.engine.db.query<{ reason: string }>(`select reason from audit_event where action like 'metrics.scrape.rejected%'`);
      return rows.length > 0 ? rows : null;
    }, 15_000, 'the refused scrapes in the audit log');
    expect(refusals.map((row) => row.reason)).toContain('METRICS_TOKEN_INVALID');
  });

  it('after one call, the counters and histograms a dashboard needs moved, and no metric or span names the caller', async () => {
    const caller = adultCallers[10]!;
    const patient = clinic.patients.find((entry) => entry.id === caller.patientId)!;
    const family = patient.name![0]!.family!;
    const given = patient.name![0]!.given![0]!;
    const birthDate = patient.birthDate!;
    const queue = 'demo-summary-only';
    const id = `metrics-${kind}`;
    const call = { id, ani: caller.phone, dnis: '+16175550100', queue, direction: 'inbound' as const };
    const ringingAt = Date.now() - 60_000;
    const at = (seconds: number) => new Date(ringingAt + seconds * 1000).toISOString();
    const event = (overrides: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(overrides), call });

    // Hold the outbox, so its depth can be seen before the delivery.
    await harness.engine.dispatcher.stop();
    const { callId } = await post(event({ type: 'call.ringing', callId: id, occurredAt: at(0) }), true);
    for (const consent of consentEvents(id, caller.phone, [], queue)) await post({ ...consent, call, occurredAt: at(1) });
    // The caller keys in their date of birth: identity verified, so policy may file without a person.
    await post(event({ type: 'ivr.input', callId: id, occurredAt: at(5), data: { kind: 'dtmf', menu: 'dob', value: `${birthDate.slice(5, 7)}${birthDate.slice(8, 10)}${birthDate.slice(0, 4)}` } }));
    await post(event({ type: 'call.answered', callId: id, occurredAt: at(12) }));
    await post(event({ type: 'transcript.available', callId: id, occurredAt: at(40), data: { transcript: { text: `Synthetic: this is ${given} ${family}, born ${birthDate}, calling from ${caller.phone} about my bill.` } } }));
    await post(event({ type: 'call.ended', callId: id, occurredAt: at(45) }));

    const waiting = await eventually(async () => {
      const { text } = await scrape();
      return (sample(text, 'callchart_outbox_items', { target: 'fhir', status: 'pending' }) ?? 0) >= 1 ? text : null;
    }, 30_000, 'the chart record waiting in the outbox');
    expect(sample(waiting, 'callchart_outbox_oldest_age_seconds', { target: 'fhir', status: 'pending' })).toBeGreaterThanOrEqual(0);
    harness.engine.dispatcher.start();
    await eventually(async () => {
      const { rows } = await harness.engine.db.query<{ status: string }>(`select status from write_back_item where call_id = $1`, [callId]);
      return rows.length > 0 && rows.every((row) => row.status === 'delivered') ? rows : null;
    }, 30_000, 'the delivery to the chart');
    const text = await eventually(async () => {
      const scraped = (await scrape()).text;
      return sample(scraped, 'callchart_write_back_attempt_seconds_count', { target: 'fhir', outcome: 'delivered' }) ? scraped : null;
    }, 15_000, 'the delivery in the metrics');

    expect(sample(text, 'callchart_calls_total', { direction: 'inbound', outcome: 'answered', queue })).toBe(1);
    expect(sample(text, 'callchart_speed_to_answer_seconds_count', { queue })).toBe(1);
    expect(sample(text, 'callchart_speed_to_answer_seconds_sum', { queue })).toBe(12);
    expect(sample(text, 'callchart_speed_to_answer_seconds_bucket', { queue, le: '10' })).toBe(0);
    expect(sample(text, 'callchart_speed_to_answer_seconds_bucket', { queue, le: '15' })).toBe(1);
    for (const scope of ['record', 'transcribe', 'ai', 'ehr']) expect(sample(text, 'callchart_call_consents_total', { scope, status: 'granted' }), scope).toBe(1);
    expect(sample(text, 'callchart_screen_pop_seconds_count', { outcome: 'unique' })).toBe(1);
    expect(sample(text, 'callchart_routing_decision_seconds_count', { fallback: 'false' })).toBe(1);
    for (const stage of ['identify-caller', 'understand-call', 'open-callback', 'write-task', 'plan-write-back']) {
      expect(sample(text, 'callchart_pipeline_stage_seconds_count', { stage, outcome: 'completed' }), stage).toBe(1);
    }
    expect(sample(text, 'callchart_pipeline_stage_failures_total')).toBeNull();
    expect(sample(text, 'callchart_outbox_items', { target: 'fhir', status: 'pending' })).toBeNull();

    // Nothing that names the caller, in the exposition or anywhere in a span.
    const spanText = JSON.stringify(spans.getFinishedSpans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: span.links })));
    for (const canary of [caller.phone, caller.phone.replace(/^\+1/, ''), family, given, birthDate, patient.id!]) {
      expect(text, 'metrics').not.toContain(canary);
      expect(spanText, 'spans').not.toContain(canary);
    }

    // One trace from the webhook that ended the call, through each stage, to the write-back delivery.
    const ofCall = (span: ReadableSpan) => span.attributes['callchart.call.id'] === callId;
    const finished = spans.getFinishedSpans();
    const ended = finished.find((span) => ofCall(span) && span.name === 'POST /webhooks/cti' && span.attributes['callchart.event.type'] === 'call.ended')!;
    expect(ended).toBeTruthy();
    const traceId = ended.spanContext().traceId;
    const stages = finished.filter((span) => ofCall(span) && span.name.startsWith('stage '));
    expect(stages.map((span) => span.name)).toEqual(['stage identify-caller', 'stage understand-call', 'stage open-callback', 'stage write-task', 'stage plan-write-back']);
    expect(new Set(stages.map((span) => span.spanContext().traceId))).toEqual(new Set([traceId]));
    // Each stage is a child of the span before it: the webhook, then the stage that queued it.
    expect(stages.map((span) => span.parentSpanContext?.spanId)).toEqual([ended, ...stages.slice(0, -1)].map((span) => span.spanContext().spanId));
    const deliveries = finished.filter((span) => ofCall(span) && span.name.startsWith('write-back '));
    expect(deliveries.length).toBeGreaterThan(0);
    for (const delivery of deliveries) expect(delivery.spanContext().traceId).toBe(traceId);
    // The EHR requests of the delivery are in it too (method and resource type only).
    expect(finished.some((span) => span.name.startsWith('ehr ') && span.spanContext().traceId === traceId && span.parentSpanContext?.spanId === deliveries[0]!.spanContext().spanId)).toBe(true);
  });

  it('measures review turnaround when a person approves', async () => {
    const { placeCall } = reviewCalls(() => harness, () => ehr);
    const { item } = await placeCall({ id: `metrics-review-${kind}`, queue: 'demo-review', dob: true, text: 'Synthetic: I need a refill of my lisinopril.', patientIndex: 3 });
    const opened = await api('GET', `/api/review/${item.id}`);
    const approved = await api('POST', `/api/review/${item.id}/approve`, { baseVersion: opened.body.item.currentVersion, checklist: allYes });
    expect(approved.status).toBe(200);
    const { text } = await scrape();
    expect(sample(text, 'callchart_review_turnaround_seconds_count', { decision: 'approved' })).toBe(1);
    expect(sample(text, 'callchart_review_turnaround_seconds_sum', { decision: 'approved' })).toBeGreaterThanOrEqual(0);
  });
});

describe('OTLP/HTTP export to a collector (pglite)', () => {
  let collector: Server;
  const received: { contentType: string | undefined; body: unknown }[] = [];

  beforeAll(async () => {
    // A stand-in collector on a real socket: it keeps each OTLP/HTTP JSON request and answers 200.
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ contentType: request.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => new Promise((resolve) => collector.close(resolve)));

  it('sends a call\'s spans as OTLP JSON, one trace from the webhook to the chart, with no caller details', async () => {
    const { port } = collector.address() as { port: number };
    const harness = await startHarness('pglite', { ehr, config: { telemetry: { otlpUrl: `http://127.0.0.1:${port}/v1/traces`, serviceName: 'callchart-test' } } });
    const caller = adultCallers[12]!;
    const patient = clinic.patients.find((entry) => entry.id === caller.patientId)!;
    const id = 'otlp-export-1';
    const call = { id, ani: caller.phone, dnis: '+16175550100', queue: 'demo-summary-only', direction: 'inbound' as const };
    const event = (overrides: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(overrides), call });
    let callId = '';
    try {
      callId = String((await harness.post(event({ type: 'call.ringing', callId: id }))).body.callId);
      for (const consent of consentEvents(id, caller.phone, [], call.queue)) await harness.post({ ...consent, call });
      const dob = patient.birthDate!;
      await harness.post(event({ type: 'ivr.input', callId: id, data: { kind: 'dtmf', menu: 'dob', value: `${dob.slice(5, 7)}${dob.slice(8, 10)}${dob.slice(0, 4)}` } }));
      await harness.post(event({ type: 'call.answered', callId: id }));
      await harness.post(event({ type: 'call.ended', callId: id }));
      await eventually(async () => {
        const { rows } = await harness.engine.db.query<{ status: string }>(`select status from write_back_item where call_id = $1`, [callId]);
        return rows.length > 0 && rows.every((row) => row.status === 'delivered') ? rows : null;
      }, 30_000, 'the delivery to the chart');
    } finally {
      // Closing the engine flushes the batch of spans still waiting.
      await harness.close();
    }
    type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes: { key: string; value: { stringValue?: string } }[] };
    const bodies = received.map((request) => request.body as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] });
    expect(received.every((request) => request.contentType === 'application/json')).toBe(true);
    expect(bodies[0]!.resourceSpans[0]!.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'callchart-test' } });
    const exported = bodies.flatMap((body) => body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));
    const ofCall = exported.filter((span) => span.attributes.some((attribute) => attribute.key === 'callchart.call.id' && attribute.value.stringValue === callId));
    const stageSpans = ofCall.filter((span) => span.name.startsWith('stage '));
    // One span per pipeline stage (stages.ts): identify, understand, open-callback, write-task, plan-write-back.
    expect(stageSpans).toHaveLength(5);
    expect(new Set(ofCall.filter((span) => span.name.startsWith('stage ') || span.name.startsWith('write-back ')).map((span) => span.traceId)).size).toBe(1);
    const text = JSON.stringify(received);
    for (const canary of [caller.phone, patient.name![0]!.family!, patient.name![0]!.given![0]!, patient.birthDate!]) expect(text).not.toContain(canary);
  });
});
