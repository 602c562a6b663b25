import { CoalescedPasses } from '../lib/coalesced-passes.ts';
import type { Db } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { readAuditEvents, recordAuditEvent, verifyAuditChain } from '../audit/audit.repository.ts';
import { firstProblemSeq } from '../audit/audit-chain.ts';
import { activeAlertRules, type AlertThresholds } from './alert-rules.ts';
import { nextDeliveryDelayMs, signedAlertRequest } from './alert-webhook.ts';
import {
  activityFacts, alertNotice, claimDueDeliveries, markAlertDelivered, markAlertDeliveryFailed, readAlertCursor, storeAlerts, type Alert, type AlertDraft,
} from './alert.repository.ts';

export interface AlertWebhookOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  retryBaseMs: number;
  maxBackoffMs: number;
  maxAttempts: number;
}

export interface AlertWorkerOptions {
  db: Db;
  logger: Logger;
  thresholds: AlertThresholds;
  disabledRules?: readonly string[];
  /** Where alerts go besides the table and the log; null: nowhere else. */
  webhook: AlertWebhookOptions | null;
  /** How often to read new audit events and deliver what is due. */
  intervalMs: number;
  /** How often to verify the whole audit chain (0: never). */
  verifyIntervalMs: number;
  /** Events read per transaction. */
  batchSize?: number;
  now?: () => Date;
}

/**
 * Follows the audit log and raises alerts (AU-4). Reads chained events after its cursor, asks
 * each rule (alert-rules.ts), stores what they raise and moves the cursor in one transaction:
 * at-least-once reading, each (rule, dedupe key) raised once, in every process that runs it.
 * Delivers each alert to the signed webhook with retries and backoff, and verifies the chain on a
 * timer (a failure is itself an audit event, which a rule turns into an alert).
 */
export class AlertWorker {
  private timer: NodeJS.Timeout | undefined;
  private verifyTimer: NodeJS.Timeout | undefined;
  private readonly passes: CoalescedPasses;
  private readonly rules;

  constructor(private readonly options: AlertWorkerOptions) {
    this.rules = activeAlertRules(options.disabledRules);
    this.passes = new CoalescedPasses(() => this.pass(), (error: unknown) => this.options.logger.error({ err: { code: (error as { code?: string }).code, message: (error as Error).message } }, 'alert pass failed'));
  }

  start(): void {
    this.passes.start();
    this.timer = setInterval(() => this.nudge(), this.options.intervalMs);
    this.timer.unref();
    if (this.options.verifyIntervalMs > 0) {
      this.verifyTimer = setInterval(() => void this.verifyChain(), this.options.verifyIntervalMs);
      this.verifyTimer.unref();
    }
    // The first pass waits for the first tick: what the start itself writes is read with the rest.
  }

  /** Runs a pass soon (coalesced with one in progress), once started. */
  nudge(): void {
    this.passes.nudge();
  }

  /** One pass: every new event evaluated, every due delivery tried. */
  async pass(): Promise<void> {
    await this.evaluateNewEvents();
    await this.deliverDue();
  }

  /** Reads and evaluates events until the log's head; returns the alerts raised. */
  async evaluateNewEvents(): Promise<Alert[]> {
    const { db, thresholds } = this.options;
    const raised: Alert[] = [];
    // Baselines per person and clock hour, asked once per pass.
    const baselines = new Map<string, number>();
    for (;;) {
      const afterSeq = await readAlertCursor(db);
      const events = await readAuditEvents(db, { afterSeq, limit: this.options.batchSize ?? 500 });
      if (events.length === 0) return raised;
      const drafts: AlertDraft[] = [];
      for (const event of events) {
        for (const rule of this.rules) {
          if (!rule.matches(event, thresholds)) continue;
          const facts = rule.needs ? await activityFacts(db, rule, event, thresholds, baselines) : {};
          const decision = rule.decide(event, facts, thresholds);
          if (decision) drafts.push({ rule, event, decision });
        }
      }
      const stored = await db.transaction((tx) => storeAlerts(tx, drafts, { lastSeq: events.at(-1)!.seq, deliver: this.options.webhook !== null, ...(this.options.now ? { now: this.options.now() } : {}) }));
      for (const alert of stored) {
        // The log gets the alert too (ids and codes only), for whoever watches the engine's logs.
        this.options.logger.warn({ alert: { id: alert.id, rule: alert.rule, severity: alert.severity, eventSeq: alert.eventSeq } }, 'alert raised');
      }
      raised.push(...stored);
    }
  }

  /** Sends every alert whose delivery is due to the webhook, once each; failures wait with backoff. */
  async deliverDue(): Promise<void> {
    const webhook = this.options.webhook;
    if (!webhook) return;
    const now = this.options.now ?? (() => new Date());
    for (;;) {
      const due = await claimDueDeliveries(this.options.db, { limit: 20, leaseMs: webhook.timeoutMs * 2, now: now() });
      if (due.length === 0) return;
      for (const alert of due) await this.deliver(alert, webhook, now);
      if (due.length < 20) return;
    }
  }

  private async deliver(alert: Alert, webhook: AlertWebhookOptions, now: () => Date): Promise<void> {
    const attempts = alert.delivery.attempts + 1;
    const request = signedAlertRequest(webhook.secret, alertNotice(alert), Math.floor(now().getTime() / 1000));
    let failure: string | null = null;
    try {
      const response = await fetch(webhook.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(webhook.timeoutMs) });
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) failure = `HTTP_${response.status}`;
    } catch (error) {
      failure = (error as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'UNREACHABLE';
    }
    if (failure === null) {
      await markAlertDelivered(this.options.db, alert.id, attempts, now());
      return;
    }
    const giveUp = attempts >= webhook.maxAttempts;
    this.options.logger.warn({ alert: { id: alert.id, attempts, error: failure, givenUp: giveUp } }, 'alert webhook delivery failed');
    await markAlertDeliveryFailed(this.options.db, alert.id, {
      attempts, error: failure, retryInMs: giveUp ? null : nextDeliveryDelayMs(attempts, webhook.retryBaseMs, webhook.maxBackoffMs), now: now(),
    });
  }

  /**
   * Verifies the whole chain with this process's audit key and checkpoints, and records the verdict
   * (`audit.verified`, failure when anything is missing or altered): the rule raises the alert.
   */
  async verifyChain(): Promise<void> {
    try {
      const report = await verifyAuditChain(this.options.db);
      const first = report.problems.map(firstProblemSeq).find((seq) => seq !== null) ?? null;
      await recordAuditEvent(this.options.db, {
        actor: 'system:alerts', action: 'audit.verified', objectType: 'audit-log', outcome: report.ok ? 'success' : 'failure',
        ...(report.ok ? {} : { reason: 'AUDIT_CHAIN_BROKEN' }),
        detail: { events: report.events, problems: report.problems.length, firstProblemSeq: first, kinds: [...new Set(report.problems.map((problem) => problem.kind))] },
      });
    } catch (error) {
      this.options.logger.error({ err: { code: (error as { code?: string }).code } }, 'audit verification could not run');
    }
    this.nudge();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.verifyTimer);
    await this.passes.stop();
  }
}
