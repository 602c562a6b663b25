/**
 * A small OTLP/HTTP exporter (JSON encoding, the OpenTelemetry protocol's documented wire format:
 * POST `ExportTraceServiceRequest` as `application/json` to a collector's `/v1/traces`). Written
 * here rather than adding the exporter package and its protobuf stack for one POST.
 *
 * Spans are sent as they are: they hold ids and codes only (tracing.ts). A collector that is down
 * loses that batch of spans, never a call: export failures are counted, not retried.
 */
import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** ExportResultCode of @opentelemetry/core: 0 success, 1 failed. */
type ExportResult = { code: 0 | 1; error?: Error };

type OtlpValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number } | { arrayValue: { values: OtlpValue[] } };

function otlpValue(value: AttributeValue): OtlpValue {
  if (Array.isArray(value)) return { arrayValue: { values: value.filter((item) => item !== null && item !== undefined).map((item) => otlpValue(item as AttributeValue)) } };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { stringValue: String(value) };
}

function otlpAttributes(attributes: Attributes): { key: string; value: OtlpValue }[] {
  return Object.entries(attributes).filter(([, value]) => value !== undefined).map(([key, value]) => ({ key, value: otlpValue(value as AttributeValue) }));
}

function unixNanos(time: HrTime): string {
  return (BigInt(time[0]) * 1_000_000_000n + BigInt(time[1])).toString();
}

/** The OTLP JSON body for a batch of spans (exported for tests of the wire format). */
export function otlpTraceRequest(spans: readonly ReadableSpan[], serviceName: string): unknown {
  return {
    resourceSpans: [{
      resource: { attributes: otlpAttributes({ 'service.name': serviceName }) },
      scopeSpans: [{
        scope: { name: 'callchart' },
        spans: spans.map((span) => ({
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
          name: span.name,
          // The API's SpanKind counts from INTERNAL = 0; OTLP's from UNSPECIFIED = 0, INTERNAL = 1.
          kind: span.kind + 1,
          startTimeUnixNano: unixNanos(span.startTime),
          endTimeUnixNano: unixNanos(span.endTime),
          attributes: otlpAttributes(span.attributes),
          links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId, attributes: otlpAttributes(link.attributes ?? {}) })),
          status: { code: span.status.code, ...(span.status.message ? { message: span.status.message } : {}) },
        })),
      }],
    }],
  };
}

export class OtlpHttpJsonTraceExporter implements SpanExporter {
  private inflight = new Set<Promise<void>>();
  private failures = 0;

  constructor(private readonly options: { url: string; serviceName: string; headers?: Record<string, string>; timeoutMs?: number }) {}

  /** Batches the collector did not take (for the operator; the spans are gone). */
  get failedExports(): number {
    return this.failures;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const sending = fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.options.headers },
      body: JSON.stringify(otlpTraceRequest(spans, this.options.serviceName)),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    }).then(
      async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return resultCallback({ code: 0 });
        this.failures++;
        resultCallback({ code: 1, error: new Error(`OTLP collector answered ${response.status}`) });
      },
      () => {
        this.failures++;
        resultCallback({ code: 1, error: new Error('OTLP collector unreachable') });
      },
    );
    this.inflight.add(sending);
    void sending.finally(() => this.inflight.delete(sending));
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
