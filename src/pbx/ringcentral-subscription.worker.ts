import type { Db } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { RingcentralRestError, type RingcentralRestClient, type RingcentralSubscription } from './ringcentral-rest.client.ts';
import { telephonySessionsEventFilter } from './ringcentral-events.ts';

export interface RingcentralSubscriptionSettings {
  /** The full webhook address RingCentral posts to. */
  address: string;
  expiresInSeconds: number;
  renewBeforeSeconds: number;
}

/** First retry after a failure, doubling up to the cap. */
const firstRetryMs = 1_000;
const maxRetryMs = 5 * 60_000;

/**
 * Keeps Callchart's RingCentral WebHook subscription alive (a worker duty: runs where `work` is on).
 *
 * RingCentral subscriptions expire (`expiresIn`); an expired one stops delivering without a word.
 * On start the keeper looks for the subscription with our address (so a restart or a second worker
 * does not create a duplicate), renews it if it is inside the renewal margin or creates one, and
 * then sleeps until the margin before the new expiry. A failed call is retried with doubling
 * back-off; every outcome is audited (`pbx.subscription.*`, ids and codes only), and a failure
 * raises the `pbx-subscription-failing` alert. A renewal refused with 404 (the subscription is gone)
 * creates a new one.
 */
export class RingcentralSubscriptionKeeper {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private failures = 0;
  private current: RingcentralSubscription | null = null;

  constructor(private readonly deps: {
    db: Db;
    client: RingcentralRestClient;
    verificationToken: () => string;
    settings: RingcentralSubscriptionSettings;
    logger: Logger;
    now?: () => number;
    /** First retry after a failure (default 1 s), doubling up to 5 minutes. */
    firstRetryMs?: number;
    /** Told after every attempt (tests wait on it instead of sleeping). */
    onAttempt?: (attempt: { ok: boolean; action: 'created' | 'renewed' | 'kept'; nextInMs: number }) => void;
  }) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The subscription as last seen (ids and expiry only). */
  get subscription(): RingcentralSubscription | null {
    return this.current;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs one pass now (tests, `callchart` admin); resolves when it is done. */
  async runNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.pass(), Math.min(delayMs, 2 ** 31 - 1));
    this.timer.unref();
  }

  private expiresAt(subscription: RingcentralSubscription): number {
    const at = subscription.expirationTime ? Date.parse(subscription.expirationTime) : NaN;
    return Number.isFinite(at) ? at : this.now() + (subscription.expiresIn ?? 0) * 1000;
  }

  /** Inside the renewal margin (or expired): renew now. */
  private due(subscription: RingcentralSubscription): boolean {
    return this.expiresAt(subscription) - this.now() <= this.deps.settings.renewBeforeSeconds * 1000;
  }

  /**
   * How long to sleep: until the margin before expiry, but at least half the remaining life (when
   * RingCentral grants less than the margin, renewing at once would loop).
   */
  private renewInMs(subscription: RingcentralSubscription): number {
    const remaining = this.expiresAt(subscription) - this.now();
    return Math.max(0, remaining - Math.min(this.deps.settings.renewBeforeSeconds * 1000, remaining / 2));
  }

  private async pass(): Promise<void> {
    const run = this.attempt();
    this.running = run;
    await run;
  }

  private async attempt(): Promise<void> {
    const { client, settings } = this.deps;
    let action: 'created' | 'renewed' | 'kept' = 'kept';
    try {
      let subscription = this.current ?? (await client.listSubscriptions()).find((found) => found.deliveryMode?.address === settings.address && (found.status ?? 'Active') === 'Active') ?? null;
      if (subscription && this.due(subscription)) {
        try {
          subscription = await client.renewSubscription(subscription.id);
          action = 'renewed';
        } catch (error) {
          if (!(error instanceof RingcentralRestError && error.failure === 'RINGCENTRAL_NOT_FOUND')) throw error;
          subscription = null;
        }
      }
      if (!subscription) {
        subscription = await client.createSubscription({
          eventFilters: [telephonySessionsEventFilter], address: settings.address,
          verificationToken: this.deps.verificationToken(), expiresIn: settings.expiresInSeconds,
        });
        action = 'created';
      }
      this.current = subscription;
      this.failures = 0;
      if (action !== 'kept') {
        await recordAuditEvent(this.deps.db, {
          actor: 'system', action: `pbx.subscription.${action}`, objectType: 'pbx-subscription', objectId: subscription.id, outcome: 'success',
          detail: { provider: 'ringcentral', expiresAt: new Date(this.expiresAt(subscription)).toISOString() },
        });
      }
      const nextInMs = this.renewInMs(subscription);
      this.deps.logger.info({ provider: 'ringcentral', action, subscriptionId: subscription.id, nextInSeconds: Math.round(nextInMs / 1000) }, 'RingCentral subscription in force');
      this.deps.onAttempt?.({ ok: true, action, nextInMs });
      this.schedule(nextInMs);
    } catch (error) {
      this.failures += 1;
      const code = error instanceof RingcentralRestError ? error.failure : 'RINGCENTRAL_FAILED';
      const nextInMs = Math.min(maxRetryMs, (this.deps.firstRetryMs ?? firstRetryMs) * 2 ** (this.failures - 1));
      const expiresAt = this.current ? new Date(this.expiresAt(this.current)).toISOString() : null;
      await recordAuditEvent(this.deps.db, {
        actor: 'system', action: 'pbx.subscription.failed', objectType: 'pbx-subscription', objectId: this.current?.id ?? 'ringcentral', outcome: 'failure', reason: code,
        detail: {
          provider: 'ringcentral', attempt: this.failures, retryInSeconds: Math.round(nextInMs / 1000), expiresAt,
          ...(error instanceof RingcentralRestError ? { status: error.status, errorCode: error.errorCode ?? null } : {}),
        },
      }).catch(() => undefined);
      this.deps.logger.warn({ provider: 'ringcentral', code, attempt: this.failures }, 'RingCentral subscription not renewed; retrying');
      this.deps.onAttempt?.({ ok: false, action, nextInMs });
      this.schedule(nextInMs);
    }
  }
}
