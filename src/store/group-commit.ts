import type { Db, Transaction } from './db.ts';

/**
 * Group commit: many small units of work, one transaction. Each caller submits its own work
 * (`(tx) => Promise<T>`) and gets a promise that settles only after the COMMIT that made its work
 * durable, so "durable before acknowledged" (ING-4) holds per item. 200 calls ringing at once
 * then cost a handful of commits instead of 200 commits queued behind a pool of 10 connections.
 *
 * - A batch closes after `maxWaitMs` or at `maxBatch` items, whichever comes first; while
 *   `maxConcurrentBatches` are committing, new items wait and join the next batch (the classic
 *   shape: the busier the store, the bigger the batches).
 * - Items in a batch run one after another on the batch's transaction, ordered by `orderKey`
 *   (stable), so two batches touching the same rows lock them in the same order and cannot
 *   deadlock each other.
 * - If the batch fails (one item throws, a deadlock, a failed COMMIT), nothing of it was committed:
 *   every item runs again in a transaction of its own, so one bad item cannot fail its
 *   neighbours, and each caller gets its own item's result or error.
 *
 * Work must therefore be safe to run twice up to its commit: its only effects are on `tx`.
 */
export interface GroupCommitOptions {
  /** Most items in one transaction; 1 is one commit per item (no grouping). */
  maxBatch: number;
  /** How long the first item of a batch waits for company before the batch closes. */
  maxWaitMs: number;
  /** Batches committing at once (each holds one connection; PGlite has only one). */
  maxConcurrentBatches: number;
}

export interface GroupCommitStats {
  items: number;
  batches: number;
  /** Batches that failed and were retried one item per transaction. */
  failedBatches: number;
  largestBatch: number;
}

interface Pending<T = unknown> {
  work: (tx: Transaction) => Promise<T>;
  orderKey: string;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Small batches, several at once: items in a batch run one after another, so a big batch waits on
 * every round trip in it, while batches side by side keep the store busy (in a burst of 200 ringing
 * calls on PostgreSQL, 8 × 6 beat 16 × 4 and 64 × 4 in bench/live.bench.ts and a store-only run).
 * Six of the pool's ten connections at most; the rest serve reads.
 */
export const defaultGroupCommitOptions: GroupCommitOptions = { maxBatch: 8, maxWaitMs: 1, maxConcurrentBatches: 6 };

export class GroupCommit {
  private readonly options: GroupCommitOptions;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];
  readonly stats: GroupCommitStats = { items: 0, batches: 0, failedBatches: 0, largestBatch: 0 };

  constructor(
    private readonly db: Pick<Db, 'transaction'>,
    options: Partial<GroupCommitOptions> = {},
  ) {
    this.options = { ...defaultGroupCommitOptions, ...options };
    if (!(this.options.maxBatch >= 1) || !(this.options.maxConcurrentBatches >= 1) || !(this.options.maxWaitMs >= 0)) {
      throw new RangeError('group commit needs maxBatch >= 1, maxConcurrentBatches >= 1 and maxWaitMs >= 0');
    }
  }

  /** Runs `work` in a shared transaction; resolves with its result after that transaction commits. */
  submit<T>(work: (tx: Transaction) => Promise<T>, options: { orderKey?: string } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, orderKey: options.orderKey ?? '', resolve, reject } as Pending);
      this.stats.items += 1;
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or committing (for a clean shutdown). */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    // While every slot is committing, items wait: the batch that finishes next takes them along.
    if (this.queue.length === 0 || this.inFlight >= this.options.maxConcurrentBatches) return;
    if (this.queue.length >= this.options.maxBatch) {
      this.flush();
      return;
    }
    // The first item opens the window; later ones ride along until it closes or the batch is full.
    this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 && this.inFlight < this.options.maxConcurrentBatches) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        // Items that queued while this batch committed have waited long enough: they go now.
        if (this.queue.length > 0) this.flush();
        else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    this.stats.batches += 1;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    // Stable: items with the same key (one call's events) keep their arrival order.
    const ordered = batch.map((item, index) => ({ item, index })).sort((a, b) => (a.item.orderKey < b.item.orderKey ? -1 : a.item.orderKey > b.item.orderKey ? 1 : a.index - b.index)).map(({ item }) => item);
    let results: unknown[];
    try {
      results = await this.db.transaction(async (tx) => {
        const out: unknown[] = [];
        for (const item of ordered) out.push(await item.work(tx));
        return out;
      });
    } catch (error) {
      if (ordered.length === 1) {
        ordered[0]!.reject(error);
        return;
      }
      this.stats.failedBatches += 1;
      // Nothing of the batch committed. Each item alone, in order: its own result, or its own error.
      for (const item of ordered) await this.db.transaction(item.work).then(item.resolve, item.reject);
      return;
    }
    // Committed: only now does any caller hear back.
    ordered.forEach((item, index) => item.resolve(results[index]));
  }
}
