/**
 * OpenTelemetry traces (AN-1): one trace per call, from the webhook that ended it through each
 * pipeline stage to the write-back delivery. Spans carry ids and codes only (call id, stage name,
 * route template, status and error codes), never a number, a name, a date or a body.
 *
 * Off unless configured: without an exporter the tracer is the API's no-op one and no job or outbox
 * row carries a trace context. On, the context crosses the pg-boss boundary as a W3C `traceparent`
 * in the job data (ids only) and the write-back boundary in the outbox row.
 */
import { context, trace, TraceFlags, type Context, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export const tracerName = 'callchart';

/** W3C Trace Context, version 00: `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`. */
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The `traceparent` of a span context; null for an invalid (all-zero) one. */
export function formatTraceparent(spanContext: SpanContext): string | null {
  if (!trace.isSpanContextValid(spanContext)) return null;
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A remote span context from a `traceparent`; null when absent or malformed (a job from before tracing, or junk). */
export function parseTraceparent(value: string | null | undefined): SpanContext | null {
  const match = traceparentPattern.exec(value ?? '');
  if (!match) return null;
  const spanContext: SpanContext = { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16) & TraceFlags.SAMPLED, isRemote: true };
  return trace.isSpanContextValid(spanContext) ? spanContext : null;
}

/** The active span's `traceparent`, to put in a job or an outbox row; undefined outside any trace. */
export function currentTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  return (span && formatTraceparent(span.spanContext())) ?? undefined;
}

/** A context whose parent is the span a `traceparent` names (the root context when there is none). */
export function contextFromTraceparent(value: string | null | undefined): Context {
  const parent = parseTraceparent(value);
  return parent ? trace.setSpanContext(context.active(), parent) : context.active();
}

/** Runs `work` in a new span, ended when it settles; a thrown error marks the span with its code only. */
export async function inSpan<T>(tracer: Tracer, name: string, options: { parent?: Context; attributes?: Record<string, string | number | boolean> }, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes: options.attributes ?? {} }, options.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      // The code, never the message: messages may name what they failed on.
      span.setStatus({ code: 2, message: errorCodeOf(error) });
      span.setAttribute('error.type', errorCodeOf(error));
      throw error;
    } finally {
      span.end();
    }
  });
}

function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'INTERNAL';
}

export interface Telemetry {
  tracer: Tracer;
  /** Whether spans are recorded and exported. */
  enabled: boolean;
  /** Sends what is buffered (tests, and before exit). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let contextManagerInstalled = false;

/**
 * The engine's tracer. One AsyncLocalStorage context manager per process (the OpenTelemetry API
 * keeps one globally); the tracer provider is the engine's own, so two engines in one process (the
 * tests) export to their own exporters. `batch: false` exports each span as it ends (tests).
 */
export function createTelemetry(options: { exporter?: SpanExporter | undefined; batch?: boolean }): Telemetry {
  if (!options.exporter) {
    return { tracer: trace.getTracer(tracerName), enabled: false, flush: async () => undefined, shutdown: async () => undefined };
  }
  if (!contextManagerInstalled) {
    // False when another is already registered (an embedding application's): that one carries spans too.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerInstalled = true;
  }
  const processor = options.batch === false ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(options.exporter, { scheduledDelayMillis: 2_000 });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  return {
    tracer: provider.getTracer(tracerName),
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
