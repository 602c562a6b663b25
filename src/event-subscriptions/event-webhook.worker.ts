import { CoalescedPasses } from '../lib/coalesced-passes.ts';
import { ExponentialBackoff, halfJitterGenerator } from 'cockatiel';
import { readAuditEvents } from '../audit/audit.repository.ts';
import { readAlertCursor } from '../alerts/alert.repository.ts';
import type { Logger } from '../lib/logger.ts';
import { ctiSignatureHeader, signCtiRequest } from '../pbx/cti-signature.ts';
import type { ContentCipher } from '../store/content-cipher.ts';
import type { Db } from '../store/db.ts';
import { completeEvent, deliveryVerdict, eventsFromAudit, subscriberHears, type CallCodes, type WebhookEvent, type WebhookEventType } from './event-webhook.ts';
import {
  activeSubscriptions, callCodes, claimDueDeliveries, eventWebhookCursor, markDead, markDelivered, markRetry, queueDeliveries, skipToHead, subscriptionSecret,
  type EventDelivery,
} from './event-subscription.repository.ts';

/** The headers a receiver reads besides the body: the signature (the CTI webhook's) and the event's id and type. */
export const eventIdHeader = 'callchart-event-id';
export const eventTypeHeader = 'callchart-event-type';

export interface EventWebhookDeliveryOptions {
  /** How long one attempt may take before it counts as a timeout (retried). */
  timeoutMs: number;
  /** First retry delay; each later one doubles (half jitter), up to `maxBackoffMs`. */
  retryBaseMs: number;
  maxBackoffMs: number;
  /** Tries before a delivery is dead (audited, in the worklist until redelivered). */
  maxAttempts: number;
}

export interface EventWebhookWorkerOptions extends EventWebhookDeliveryOptions {
  db: Db;
  /** Opens subscribers' sealed secrets (the keyring's staff-credential key). */
  cipher: ContentCipher;
  logger: Logger;
  /** The queue a call in no queue counts as (the same rule as staff access). */
  fallbackQueue: string;
  /** How often to read new audit events and send what is due. */
  intervalMs: number;
  batchSize?: number;
  now?: () => Date;
  /** Each attempt's outcome, for metrics (codes only). */
  onAttempt?: (attempt: { outcome: 'delivered' | 'failed' | 'dead'; eventType: WebhookEventType; seconds: number }) => void;
}

/**
 * When to try again after `attempts` failed tries: cockatiel's exponential backoff with half
 * jitter (between half and all of base × 2^(attempts−1), capped), so receivers that failed together
 * are not all retried in the same instant.
 */
export function retryDelayMs(attempts: number, baseMs: number, capMs: number): number {
  let backoff = new ExponentialBackoff({ initialDelay: baseMs, maxDelay: capMs, generator: halfJitterGenerator }).next();
  for (let attempt = 1; attempt < attempts; attempt += 1) backoff = backoff.next(undefined);
  return backoff.duration;
}

/** The body and headers of one attempt at `nowSeconds`: signed exactly like the inbound CTI webhook. */
export function signedEventRequest(secret: string, event: WebhookEvent, nowSeconds: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  return {
    body,
    headers: { 'content-type': 'application/json', [ctiSignatureHeader]: signCtiRequest(secret, body, nowSeconds), [eventIdHeader]: event.id, [eventTypeHeader]: event.type },
  };
}

/**
 * Outbound event webhooks (OW-1). Follows the chained audit log after its cursor, turns the events
 * that mean something to other systems into webhook events (event-webhook.ts), and queues one
 * delivery per subscriber that hears it, moving the cursor in the same transaction. Then sends what
 * is due, signed; 2xx is delivered, 408/429/5xx/timeouts are retried with backoff, other 4xx (and
 * the last failed try) are dead: audited and listed in the worklist until an admin redelivers.
 */
export class EventWebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private readonly passes: CoalescedPasses;
  private readonly now: () => Date;

  constructor(private readonly options: EventWebhookWorkerOptions) {
    this.now = options.now ?? (() => new Date());
    this.passes = new CoalescedPasses(() => this.pass(), (error: unknown) => this.options.logger.error({ err: { code: (error as { code?: string }).code, message: (error as Error).message } }, 'event webhook pass failed'));
  }

  start(): void {
    this.passes.start();
    this.timer = setInterval(() => this.nudge(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Runs a pass soon (coalesced with one in progress), once started: a process that does no work sends nothing. */
  nudge(): void {
    this.passes.nudge();
  }

  /** Waits for a pass in progress, then runs one more to the end (tests and `redeliver`). */
  async runOnce(): Promise<void> {
    await this.passes.runOnce();
  }

  /** One pass: every new audit event read, every due delivery tried. */
  async pass(): Promise<void> {
    await this.queueNewEvents();
    await this.deliverDue();
  }

  /** Reads the audit log to its head, queueing deliveries; returns how many were queued. */
  async queueNewEvents(): Promise<number> {
    const { db, cipher, fallbackQueue } = this.options;
    let queued = 0;
    for (;;) {
      const afterSeq = await readAlertCursor(db, eventWebhookCursor);
      const subscriptions = await activeSubscriptions(db, cipher);
      if (subscriptions.length === 0) {
        // Nobody listens: the cursor goes to the head at once (a first start on a long log, or a
        // clinic without subscribers, reads nothing), so a subscriber added later hears only what follows.
        await db.transaction((tx) => skipToHead(tx));
        return queued;
      }
      const facts = await readAuditEvents(db, { afterSeq, limit: this.options.batchSize ?? 500 });
      if (facts.length === 0) return queued;
      const deliveries: { subscriptionId: string; event: WebhookEvent }[] = [];
      const drafts = facts.flatMap(eventsFromAudit);
      const calls: Map<string, CallCodes> = await callCodes(db, drafts.flatMap((draft) => (draft.callId ? [draft.callId] : [])));
      for (const draft of drafts) {
        const event = completeEvent(draft, draft.callId ? (calls.get(draft.callId) ?? null) : null, fallbackQueue);
        for (const subscription of subscriptions) {
          if (subscriberHears(subscription, event)) deliveries.push({ subscriptionId: subscription.id, event });
        }
      }
      queued += await db.transaction((tx) => queueDeliveries(tx, deliveries, facts.at(-1)!.seq, this.now()));
    }
  }

  /** Sends every due delivery once; failures wait with backoff. */
  async deliverDue(): Promise<void> {
    const limit = 20;
    for (;;) {
      const due = await claimDueDeliveries(this.options.db, { limit, leaseMs: this.options.timeoutMs * 2, now: this.now() });
      const secrets = new Map<string, { url: string; secret: string } | null>();
      for (const delivery of due) {
        if (!secrets.has(delivery.subscriptionId)) secrets.set(delivery.subscriptionId, await subscriptionSecret(this.options.db, this.options.cipher, delivery.subscriptionId));
      }
      // A batch is sent at once: one slow subscriber costs the batch one timeout, not one per event.
      await Promise.all(due.map(async (delivery) => {
        const target = secrets.get(delivery.subscriptionId);
        if (target) await this.deliver(delivery, target);
      }));
      if (due.length < limit) return;
    }
  }

  private async deliver(delivery: EventDelivery, target: { url: string; secret: string }): Promise<void> {
    const { db, logger } = this.options;
    const attempts = delivery.attempts + 1;
    const request = signedEventRequest(target.secret, delivery.payload, Math.floor(this.now().getTime() / 1000));
    const startedAt = performance.now();
    let answer: number | 'timeout' | 'unreachable';
    try {
      const response = await fetch(target.url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
      await response.body?.cancel().catch(() => undefined);
      answer = response.status;
    } catch (error) {
      answer = (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable';
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const verdict = deliveryVerdict(answer);
    const now = this.now();
    if (verdict === 'delivered') {
      await markDelivered(db, delivery.id, attempts, now);
      this.options.onAttempt?.({ outcome: 'delivered', eventType: delivery.eventType, seconds });
      return;
    }
    const error = typeof answer === 'number' ? `HTTP_${answer}` : answer === 'timeout' ? 'TIMEOUT' : 'UNREACHABLE';
    const dead = verdict === 'permanent' || attempts >= this.options.maxAttempts;
    // Ids and codes only: the subscriber's URL and the body stay out of the log.
    logger.warn({ eventDelivery: { id: delivery.id, subscriptionId: delivery.subscriptionId, eventType: delivery.eventType, attempts, error, dead } }, 'event webhook delivery failed');
    if (dead) await db.transaction((tx) => markDead(tx, delivery, { attempts, error, now }));
    else await markRetry(db, delivery.id, { attempts, error, retryInMs: retryDelayMs(attempts, this.options.retryBaseMs, this.options.maxBackoffMs), now });
    this.options.onAttempt?.({ outcome: dead ? 'dead' : 'failed', eventType: delivery.eventType, seconds });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.passes.stop();
  }
}
