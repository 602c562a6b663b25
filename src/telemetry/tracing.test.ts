import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { otlpTraceRequest } from './otlp-trace.client.ts';
import { contextFromTraceparent, createTelemetry, currentTraceparent, formatTraceparent, parseTraceparent } from './tracing.ts';

describe('traceparent (W3C Trace Context) across the job boundary', () => {
  const value = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('round-trips a valid traceparent', () => {
    const parsed = parseTraceparent(value)!;
    expect(parsed).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    expect(formatTraceparent(parsed)).toBe(value);
  });

  it('ignores junk, other versions and all-zero ids (a job from before tracing, or tampering)', () => {
    for (const junk of [undefined, '', 'hello', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', `${value}-extra`]) {
      expect(parseTraceparent(junk), String(junk)).toBeNull();
    }
  });

  it('a span started from a job continues the trace it came from', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = createTelemetry({ exporter, batch: false });
    let inside: string | undefined;
    await telemetry.tracer.startActiveSpan('stage', {}, contextFromTraceparent(value), async (span) => {
      inside = currentTraceparent();
      span.end();
    });
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(inside).toBe(formatTraceparent(span!.spanContext()));
    expect(trace.getActiveSpan()).toBeUndefined();
    await telemetry.shutdown();
  });

  it('writes OTLP JSON: hex ids, the parent, OTLP span kinds, nanosecond times as strings, typed attributes', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = createTelemetry({ exporter, batch: false });
    await telemetry.tracer.startActiveSpan('POST /webhooks/cti', { kind: 1, attributes: { 'callchart.call.id': 'c-1', 'http.response.status_code': 202, ok: true } }, contextFromTraceparent(value), async (span) => span.end());
    const body = otlpTraceRequest(exporter.getFinishedSpans(), 'callchart') as { resourceSpans: { resource: unknown; scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    const span = body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(body.resourceSpans[0]!.resource).toEqual({ attributes: [{ key: 'service.name', value: { stringValue: 'callchart' } }] });
    expect(span).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7', name: 'POST /webhooks/cti', kind: 2 });
    expect(span.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(span.attributes).toEqual([
      { key: 'callchart.call.id', value: { stringValue: 'c-1' } },
      { key: 'http.response.status_code', value: { intValue: '202' } },
      { key: 'ok', value: { boolValue: true } },
    ]);
    await telemetry.shutdown();
  });
});
