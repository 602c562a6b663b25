/**
 * What metrics and tracing cost per call (AN-1), in process, no store or network:
 *   - the metric hooks one call fires (call ended, screen pop, routing, four stages, one delivery,
 *     an EHR error), per call;
 *   - one scrape (`exposition`) after N calls: the text Prometheus reads, with process metrics;
 *   - spans: a call's eight spans (webhook, four stages, delivery, two EHR requests) started and
 *     ended with the batch processor in front of an exporter that drops them, per call, against
 *     the same work with tracing off (the no-op tracer).
 *
 *   npx tsx bench/telemetry.bench.ts [calls=20000]
 *
 * Prints a table and writes bench/results/telemetry.json. Synthetic labels only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { trace, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { CallchartMetrics } from '../src/telemetry/metrics.ts';
import { contextFromTraceparent, createTelemetry, formatTraceparent } from '../src/telemetry/tracing.ts';

const calls = Number(process.argv[2] ?? 20_000);

function metricHooks(metrics: CallchartMetrics, index: number): void {
  const queue = ['front-desk', 'nurse-triage', 'demo-review'][index % 3]!;
  metrics.callEnded({ direction: 'inbound', outcome: index % 10 === 0 ? 'missed' : 'answered', queue, speedToAnswerSeconds: index % 60, consents: { record: 'granted', transcribe: 'granted', ai: 'declined', ehr: 'granted' } });
  metrics.screenPopShown({ seconds: 0.2 + (index % 10) / 100, outcome: 'unique' });
  metrics.routingDecided({ seconds: 0.3, fallback: false, ehrContext: 'full' });
  for (const stage of ['identify-caller', 'understand-call', 'write-task', 'plan-write-back']) metrics.stageRan({ stage, seconds: 0.05, outcome: 'completed' });
  metrics.writeBackAttempted({ target: 'fhir', seconds: 0.08, outcome: 'delivered' });
  if (index % 50 === 0) metrics.ehrFailed({ client: 'live', code: 'EHR_TIMEOUT', retry: 'ambiguous' });
}

async function callSpans(tracer: Tracer, index: number): Promise<void> {
  const callId = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  let parent: string | null = null;
  await tracer.startActiveSpan('POST /webhooks/cti', { attributes: { 'http.route': '/webhooks/cti', 'callchart.call.id': callId } }, async (span) => {
    parent = formatTraceparent(span.spanContext());
    span.end();
  });
  for (const stage of ['identify-caller', 'understand-call', 'write-task', 'plan-write-back']) {
    await tracer.startActiveSpan(`stage ${stage}`, { attributes: { 'callchart.stage': stage, 'callchart.call.id': callId } }, contextFromTraceparent(parent), async (span) => {
      parent = formatTraceparent(span.spanContext()) ?? parent;
      span.end();
    });
  }
  await tracer.startActiveSpan('write-back fhir chart-record', { attributes: { 'callchart.call.id': callId } }, contextFromTraceparent(parent), async (span) => {
    for (const resource of ['Task', 'DocumentReference']) tracer.startSpan(`ehr POST ${resource}`, { attributes: { 'fhir.resource_type': resource } }).end();
    span.end();
  });
}

class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

async function main(): Promise<void> {
  const metrics = new CallchartMetrics({ fallbackQueue: 'front-desk', outboxStats: async () => [{ target: 'fhir', status: 'pending', count: 3, oldestAgeSeconds: 12 }] });
  let started = performance.now();
  for (let index = 0; index < calls; index++) metricHooks(metrics, index);
  const hooksMicros = ((performance.now() - started) * 1000) / calls;
  const scrapes: number[] = [];
  let bytes = 0;
  for (let round = 0; round < 50; round++) {
    started = performance.now();
    bytes = (await metrics.exposition()).text.length;
    scrapes.push(performance.now() - started);
  }
  scrapes.sort((a, b) => a - b);

  const off = trace.getTracer('callchart-bench-off');
  started = performance.now();
  for (let index = 0; index < calls; index++) await callSpans(off, index);
  const offMicros = ((performance.now() - started) * 1000) / calls;
  const exporter = new DroppingExporter();
  const telemetry = createTelemetry({ exporter, batch: true });
  started = performance.now();
  for (let index = 0; index < calls; index++) await callSpans(telemetry.tracer, index);
  const onMicros = ((performance.now() - started) * 1000) / calls;
  await telemetry.shutdown();

  const result = {
    bench: 'telemetry', calls, cpus: cpus().length, node: process.version, at: new Date().toISOString(),
    metricHooksPerCallMicros: Number(hooksMicros.toFixed(2)),
    scrapeMs: { p50: Number(scrapes[24]!.toFixed(2)), p95: Number(scrapes[47]!.toFixed(2)), bytes },
    spansPerCallMicros: { tracingOff: Number(offMicros.toFixed(2)), tracingOn: Number(onMicros.toFixed(2)) },
    spansExported: exporter.exported,
  };
  console.log(`metric hooks per call          ${result.metricHooksPerCallMicros} µs`);
  console.log(`one scrape (p50 / p95)         ${result.scrapeMs.p50} / ${result.scrapeMs.p95} ms, ${bytes} bytes`);
  console.log(`a call's 8 spans, tracing off  ${result.spansPerCallMicros.tracingOff} µs`);
  console.log(`a call's 8 spans, tracing on   ${result.spansPerCallMicros.tracingOn} µs (${exporter.exported} spans exported)`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/telemetry.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
}

await main();
