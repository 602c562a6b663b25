import Bottleneck from 'bottleneck';
import { CallchartError } from '../lib/errors.ts';
import { wakeableSleep } from '../lib/wakeable-sleep.worker.ts';
import type { Queryable } from '../store/db.ts';

/**
 * The per-EHR load governor (ID-5): at most `maxRequestsPerSecond` requests start in any second and
 * at most `maxConcurrent` are in flight from this process, live requests ahead of after-call work.
 *
 * One process (PGlite, or a single engine): Bottleneck's reservoir is the budget, in memory.
 * Several processes on one PostgreSQL (issue 18): the budget is per EHR, not per process, so it
 * lives in the database (`SharedRequestBudget`, a token bucket row per EHR); Bottleneck keeps the
 * priority order and the in-flight cap, and each request takes its token from the shared bucket
 * before it is sent. Two worker processes then share the EHR's budget instead of doubling it.
 */
export class EhrGovernor {
  private readonly limiter: Bottleneck;

  constructor(
    options: { maxRequestsPerSecond: number; maxConcurrent: number },
    private readonly shared: SharedRequestBudget | null = null,
  ) {
    this.limiter = new Bottleneck({
      maxConcurrent: options.maxConcurrent,
      // Bursts up to the per-second budget go out at once; with a shared budget the bucket is the database's.
      ...(shared
        ? {}
        : { reservoir: options.maxRequestsPerSecond, reservoirRefreshAmount: options.maxRequestsPerSecond, reservoirRefreshInterval: 1_000 }),
    });
  }

  /** Whether the budget is shared with other processes through the database. */
  get sharedAcrossProcesses(): boolean {
    return this.shared !== null;
  }

  /**
   * Runs `work` when the budget allows, in priority order (0 first). `waitMs` bounds the whole wait
   * (queue and token): past it the request is not sent and fails with EHR_UNAVAILABLE, stage
   * `governor` (our own queue, never counted against the EHR's breaker).
   */
  schedule<T>(options: { priority: number; waitMs: number; expiration: number }, work: () => Promise<T>): Promise<T> {
    const queued = Date.now();
    const spent = () => new CallchartError('EHR_UNAVAILABLE', 'EHR request budget spent waiting for the load governor', { stage: 'governor', waitedMs: Date.now() - queued });
    // With a shared budget the token wait happens inside the job: the job's expiry must not count it.
    return this.limiter.schedule({ priority: options.priority, expiration: options.expiration + (this.shared ? options.waitMs : 0) }, async () => {
      if (Date.now() - queued > options.waitMs) throw spent();
      if (this.shared) {
        const granted = await this.shared.acquire(options.priority, queued + options.waitMs);
        if (!granted) throw spent();
      }
      return work();
    });
  }

  /** Drops waiting requests (with `dropWaitingJobs`) and lets those in flight finish. */
  async stop(options: { dropWaitingJobs: boolean }): Promise<void> {
    this.shared?.stop();
    await this.limiter.stop(options);
  }
}

/** A governor for one EHR: shared through `db` when it is PostgreSQL, else in this process. */
export function createEhrGovernor(options: { maxRequestsPerSecond: number; maxConcurrent: number; shared?: { db: Queryable; ehr: string } }): EhrGovernor {
  const shared = options.shared ? new SharedRequestBudget(options.shared.db, { ehr: options.shared.ehr, perSecond: options.maxRequestsPerSecond }) : null;
  return new EhrGovernor(options, shared);
}

interface Waiter {
  priority: number;
  deadline: number;
  resolve: (granted: boolean) => void;
}

/**
 * The EHR's token bucket in PostgreSQL (`take_ehr_requests`), shared by every process on the
 * database. Tokens are taken a few at a time for the requests waiting here (one round trip for
 * several requests), handed out in priority order, and a token not used within a second is dropped
 * (never saved up: the bucket's burst is the only burst the EHR sees).
 */
export class SharedRequestBudget {
  private readonly waiters: Waiter[] = [];
  private held = 0;
  private heldAt = 0;
  private pumping = false;
  private stopped = false;
  private readonly wakers = new Set<() => void>();
  private readonly burst: number;
  private readonly maxTake: number;

  constructor(
    private readonly db: Queryable,
    private readonly options: { ehr: string; perSecond: number; burst?: number; maxTake?: number },
  ) {
    this.burst = options.burst ?? options.perSecond;
    // A tenth of a second's budget per take: few round trips, and little held where it is not needed.
    this.maxTake = options.maxTake ?? Math.max(1, Math.ceil(options.perSecond / 10));
  }

  /** Resolves true with a token, false when `deadline` (epoch ms) passed first or the budget stopped. */
  acquire(priority: number, deadline: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = { priority, deadline, resolve };
      // Stable by priority: equal priorities keep their arrival order.
      const at = this.waiters.findIndex((other) => other.priority > priority);
      this.waiters.splice(at === -1 ? this.waiters.length : at, 0, waiter);
      void this.pump();
    });
  }

  stop(): void {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(false);
    for (const wake of this.wakers) wake();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && this.waiters.length > 0) {
        const now = Date.now();
        // Requests whose wait is over give up (their caller fails them as a governor wait).
        for (let index = this.waiters.length - 1; index >= 0; index--) {
          if (this.waiters[index]!.deadline <= now) this.waiters.splice(index, 1)[0]!.resolve(false);
        }
        if (this.waiters.length === 0) break;
        if (this.held > 0 && now - this.heldAt > 1_000) this.held = 0;
        if (this.held > 0) {
          this.held--;
          this.waiters.shift()!.resolve(true);
          continue;
        }
        let waitMs: number;
        try {
          const want = Math.min(this.waiters.length, this.maxTake);
          const { rows } = await this.db.query<{ granted: number; next_token_ms: number }>('select granted, next_token_ms from take_ehr_requests($1, $2, $3, $4)', [
            this.options.ehr, this.options.perSecond, this.burst, want,
          ]);
          const granted = Number(rows[0]?.granted ?? 0);
          if (granted > 0) {
            this.held += granted;
            this.heldAt = Date.now();
            continue;
          }
          waitMs = Number(rows[0]?.next_token_ms ?? 10);
        } catch {
          // The store is away: nothing is sent without a token; waiters give up at their deadline.
          waitMs = 100;
        }
        const nearestDeadline = Math.min(...this.waiters.map((waiter) => waiter.deadline)) - Date.now();
        await wakeableSleep(Math.max(2, Math.min(waitMs, nearestDeadline, 1_000)), this.wakers);
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** The EHR a budget belongs to: its FHIR base URL without credentials, query or trailing slash. */
export function ehrBudgetKey(fhirBaseUrl: string): string {
  try {
    const url = new URL(fhirBaseUrl);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return fhirBaseUrl.replace(/\/+$/, '');
  }
}
