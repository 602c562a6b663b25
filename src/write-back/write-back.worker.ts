import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { Db } from '../store/db.ts';
import { contextFromTraceparent, tracerName } from '../telemetry/tracing.ts';
import { wakeableSleep } from '../lib/wakeable-sleep.worker.ts';
import type { Logger } from '../lib/logger.ts';
import { CallchartError, isCallchartError, retryClassOf, type RetryClass } from '../lib/errors.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { claimDueItems, markDelivered, markFailed, markRetry, releaseClaims, type ClaimedItem, type WriteBackFailureDetail, type WriteBackTarget } from './outbox.repository.ts';

/**
 * Drains the write-back outbox (WB-3, WB-4), one loop per target, oldest item first.
 * - transient (5xx, 429, refused connection): retried with capped exponential backoff, or after
 *   the EHR's Retry-After; never given up on — during downtime items wait, visible to staff;
 * - ambiguous (a timeout or reset after the request went out, a worker that died mid-send): the
 *   next attempt reads the record back by its business identifier before sending anything;
 * - permanent (a 4xx OperationOutcome, an invalid resource): a visible failed item with its code.
 * While a target reports itself unavailable (its circuit breaker is open) nothing is claimed, so
 * items keep their order and drain oldest first when it returns.
 */
export interface WriteBackSender {
  target: WriteBackTarget;
  /** False while the target's breaker is open: items wait rather than burn attempts. */
  available(): boolean;
  /** Delivers one item, reading back first when asked; returns ids to keep (no PHI). */
  deliver(item: ClaimedItem): Promise<{ reconciled: boolean; result: Record<string, unknown> }>;
}

export interface DispatcherOptions {
  db: Db;
  logger: Logger;
  senders: readonly WriteBackSender[];
  /** Items claimed per round; they are sent one after another, in order. */
  batchSize?: number;
  pollMs?: number;
  /** How long a claimed item is reserved for this worker before another may take it over. */
  leaseMs?: number;
  /** Backoff for transient failures: base and cap. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Each delivery attempt is a span in the trace of the work that queued the item (AN-1). */
  tracer?: Tracer;
  /** Told after every attempt (metrics): target, how long, how it ended, the error code and class. */
  onAttempt?: (attempt: { target: WriteBackTarget; seconds: number; outcome: 'delivered' | 'retrying' | 'failed'; code?: string; retry?: RetryClass }) => void;
}

export class WriteBackDispatcher {
  private running = false;
  /** After a failed attempt: when the item at the head of the line is due again. */
  private readonly nextDueAt = new Map<WriteBackTarget, number>();
  /**
   * Targets whose last attempt failed and has not succeeded since: one item is claimed at a time
   * (a probe), so the rest of the line is not held `sending` while the EHR is down, where a person
   * could not cancel it (issue 14: the chart worklist).
   */
  private readonly probing = new Set<WriteBackTarget>();
  private readonly loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  private readonly options: Required<Omit<DispatcherOptions, 'db' | 'logger' | 'senders' | 'tracer' | 'onAttempt'>>;
  private readonly tracer: Tracer;

  constructor(private readonly deps: DispatcherOptions) {
    this.options = {
      batchSize: deps.batchSize ?? 16,
      pollMs: deps.pollMs ?? 500,
      leaseMs: deps.leaseMs ?? 60_000,
      backoffBaseMs: deps.backoffBaseMs ?? 1_000,
      backoffCapMs: deps.backoffCapMs ?? 60_000,
    };
    this.tracer = deps.tracer ?? trace.getTracer(tracerName);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const sender of this.deps.senders) this.loops.push(this.loop(sender));
  }

  /** Look for work now (after a commit that queued some) instead of at the next poll. */
  wake(): void {
    for (const wake of this.wakers) wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await Promise.allSettled(this.loops);
  }

  /** One round for one target (tests and the CLI drive it directly). Returns items handled. */
  async drainOnce(sender: WriteBackSender): Promise<number> {
    if (!sender.available()) return 0;
    const items = await claimDueItems(this.deps.db, sender.target, this.probing.has(sender.target) ? 1 : this.options.batchSize, this.options.leaseMs);
    for (const [index, item] of items.entries()) {
      const delivered = this.running || this.loops.length === 0 ? await this.deliverOne(sender, item) : false;
      if (!delivered) {
        // Keep the order: what comes after a failed (or unsent) item waits behind it.
        await releaseClaims(this.deps.db, items.slice(index + 1).map((later) => later.id));
        break;
      }
    }
    return items.length;
  }

  private async loop(sender: WriteBackSender): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.drainOnce(sender);
      } catch (error) {
        // The store itself failed (a restart, a lost connection): wait and try again.
        this.deps.logger.warn({ target: sender.target, code: isCallchartError(error) ? error.code : 'STORE_UNAVAILABLE' }, 'write-back round failed');
      }
      if (handled === 0 && this.running) {
        // Nothing due: wait for the poll, or less when the head of the line is due sooner.
        const dueIn = (this.nextDueAt.get(sender.target) ?? Number.POSITIVE_INFINITY) - Date.now();
        await this.sleep(Math.max(5, Math.min(this.options.pollMs, dueIn)));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return wakeableSleep(ms, this.wakers);
  }

  /** True when the item is done with (delivered, or failed for good); false when it waits for a retry. */
  private async deliverOne(sender: WriteBackSender, item: ClaimedItem): Promise<boolean> {
    const startedAt = performance.now();
    const attributes = {
      'callchart.write_back.item.id': item.id, 'callchart.write_back.target': item.target, 'callchart.write_back.kind': item.kind,
      'callchart.write_back.attempt': item.attempts, ...(item.callId ? { 'callchart.call.id': item.callId } : {}),
    };
    return this.tracer.startActiveSpan(`write-back ${item.target} ${item.kind}`, { kind: SpanKind.PRODUCER, attributes }, contextFromTraceparent(item.traceparent), async (span) => {
      let ended: { outcome: 'delivered' | 'retrying' | 'failed'; code?: string; retry?: RetryClass } = { outcome: 'delivered' };
      try {
        const done = await this.attempt(sender, item, (failure) => {
          ended = failure;
        });
        return done;
      } finally {
        if (ended.code) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: ended.code });
          span.setAttribute('error.type', ended.code);
        }
        span.end();
        this.deps.onAttempt?.({ target: item.target, seconds: (performance.now() - startedAt) / 1000, ...ended });
      }
    });
  }

  private async attempt(sender: WriteBackSender, item: ClaimedItem, failed: (failure: { outcome: 'retrying' | 'failed'; code: string; retry: RetryClass }) => void): Promise<boolean> {
    const { db, logger } = this.deps;
    try {
      const { reconciled, result } = await sender.deliver(item);
      await db.transaction(async (tx) => {
        await markDelivered(tx, item.id, result);
        await appendAuditEvent(tx, {
          actor: `write-back:${item.target}`, action: 'ehr.write-back.delivered', objectType: 'write-back-item', objectId: item.id,
          outcome: reconciled ? 'duplicate' : 'success',
          detail: { callId: item.callId, kind: item.kind, attempts: item.attempts, reconciled, ...result },
        });
      });
      this.probing.delete(item.target);
      return true;
    } catch (error) {
      const retry: RetryClass = retryClassOf(error);
      const code = isCallchartError(error) ? error.code : 'INTERNAL';
      logger.warn({ target: item.target, writeBackItem: item.id, code, retry, attempts: item.attempts }, 'write-back attempt failed');
      failed({ outcome: retry === 'permanent' ? 'failed' : 'retrying', code, retry });
      // The EHR's reason, as codes, on the item itself: the worklist says it in words (issue 14).
      const detail = issueDetail(error);
      return db.transaction(async (tx) => {
        if (retry === 'permanent') {
          await markFailed(tx, item.id, { code, retry, detail });
          await appendAuditEvent(tx, {
            actor: `write-back:${item.target}`, action: 'ehr.write-back.failed', objectType: 'write-back-item', objectId: item.id, outcome: 'failure',
            reason: code, detail: { callId: item.callId, attempts: item.attempts, ...detail },
          });
          return true;
        }
        this.probing.add(item.target);
        const delayMs = this.delayFor(item.attempts, error);
        await markRetry(tx, item.id, { code, retry, delayMs, detail });
        this.nextDueAt.set(item.target, Date.now() + delayMs);
        // First failure of an item and every tenth after: enough to see it struggle, not a flood.
        if (item.attempts === 1 || item.attempts % 10 === 0) {
          await appendAuditEvent(tx, {
            actor: `write-back:${item.target}`, action: 'ehr.write-back.retrying', objectType: 'write-back-item', objectId: item.id, outcome: 'failure',
            reason: code, detail: { callId: item.callId, attempts: item.attempts, retry },
          });
        }
        return false;
      });
    }
  }

  /** Retry-After when the EHR gave one, else capped exponential backoff with jitter. */
  private delayFor(attempts: number, error: unknown): number {
    const retryAfter = isCallchartError(error) ? Number(error.detail?.retryAfterSeconds) : Number.NaN;
    if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter * 1_000, this.options.backoffCapMs);
    const exponential = Math.min(this.options.backoffCapMs, this.options.backoffBaseMs * 2 ** Math.min(attempts - 1, 16));
    return Math.round(exponential / 2 + Math.random() * (exponential / 2));
  }
}

/** The EHR's reason as codes (HTTP status, OperationOutcome issue codes and paths, HL7 ACK and ERR codes); never its free text. */
function issueDetail(error: unknown): WriteBackFailureDetail {
  if (!(error instanceof CallchartError)) return {};
  const { status, issues, paths, ackCode, errorCode, errorLocation } = (error.detail ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries({ status, issues, paths, ackCode, errorCode, errorLocation }).filter(([, value]) => value !== undefined)) as WriteBackFailureDetail;
}
