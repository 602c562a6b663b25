import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Transaction } from '../store/db.ts';
import { GroupCommit } from './group-commit.ts';

/**
 * A fake store whose COMMIT the test controls: work writes into a staging list, and only a
 * commit that passes the gate (and is not told to fail) makes it visible in `committed`.
 */
class FakeDb {
  readonly committed: string[] = [];
  transactions = 0;
  open = 0;
  maxOpen = 0;
  /** Awaited before each commit; replace to hold commits back. */
  gate: () => Promise<void> = async () => undefined;
  /** Decides whether the nth transaction's commit fails (after its work ran). */
  commitFails: (n: number, staged: readonly string[]) => boolean = () => false;

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const n = ++this.transactions;
    this.open += 1;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    const staged: string[] = [];
    const tx: Transaction = {
      async query<Row>(_sql: string, params?: unknown[]) {
        staged.push(String(params?.[0]));
        return { rows: [] as Row[], rowCount: 1 };
      },
      async exec() {},
    };
    try {
      const value = await work(tx);
      await this.gate();
      if (this.commitFails(n, staged)) throw new Error(`commit ${n} failed`);
      this.committed.push(...staged);
      return value;
    } finally {
      this.open -= 1;
    }
  }
}

/** One unit of work: writes its id; throws after writing when `refuse` says so. */
const item = (id: string, refuse = false) => async (tx: Transaction) => {
  await tx.query('insert', [id]);
  if (refuse) throw new Error(`item ${id} refused`);
  return id;
};

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('group commit', () => {
  it('runs many items in one transaction and answers nobody before the COMMIT', async () => {
    const db = new FakeDb();
    const commit = deferred();
    db.gate = () => commit.promise;
    const batcher = new GroupCommit(db, { maxBatch: 10, maxWaitMs: 1, maxConcurrentBatches: 1 });
    const settled: string[] = [];
    const results = ['a', 'b', 'c'].map((id) => batcher.submit(item(id)).then((value) => (settled.push(value), value)));
    await settle();
    expect(db.transactions).toBe(1);
    expect(settled).toEqual([]);
    expect(db.committed).toEqual([]);
    commit.release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(db.committed).toEqual(['a', 'b', 'c']);
  });

  it('retries a failed batch one item per transaction: the bad item fails alone, its neighbours commit once', async () => {
    const db = new FakeDb();
    const batcher = new GroupCommit(db, { maxBatch: 10, maxWaitMs: 1, maxConcurrentBatches: 1 });
    const outcomes = await Promise.allSettled([batcher.submit(item('ok-1')), batcher.submit(item('bad', true)), batcher.submit(item('ok-2'))]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'ok-1' });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { message: 'item bad refused' } });
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 'ok-2' });
    expect(db.committed).toEqual(['ok-1', 'ok-2']);
    expect(db.transactions).toBe(4);
    expect(batcher.stats.failedBatches).toBe(1);
  });

  it('a failed COMMIT of the batch is retried item by item, so no caller hears of a commit that did not happen', async () => {
    const db = new FakeDb();
    db.commitFails = (n) => n === 1;
    const batcher = new GroupCommit(db, { maxBatch: 10, maxWaitMs: 1, maxConcurrentBatches: 1 });
    expect(await Promise.all(['x', 'y'].map((id) => batcher.submit(item(id))))).toEqual(['x', 'y']);
    expect(db.committed).toEqual(['x', 'y']);
  });

  it('orders a batch by key, keeping arrival order within a key, so batches lock rows in one order', async () => {
    const db = new FakeDb();
    const batcher = new GroupCommit(db, { maxBatch: 10, maxWaitMs: 1, maxConcurrentBatches: 1 });
    await Promise.all([
      batcher.submit(item('call-b/1'), { orderKey: 'call-b' }),
      batcher.submit(item('call-a/1'), { orderKey: 'call-a' }),
      batcher.submit(item('call-b/2'), { orderKey: 'call-b' }),
      batcher.submit(item('call-a/2'), { orderKey: 'call-a' }),
    ]);
    expect(db.committed).toEqual(['call-a/1', 'call-a/2', 'call-b/1', 'call-b/2']);
  });

  it('keeps to maxBatch and maxConcurrentBatches; items arriving during a commit form the next batch', async () => {
    const db = new FakeDb();
    const commit = deferred();
    db.gate = () => commit.promise;
    const batcher = new GroupCommit(db, { maxBatch: 4, maxWaitMs: 1, maxConcurrentBatches: 2 });
    const all = Array.from({ length: 20 }, (_, i) => batcher.submit(item(`e${i}`)));
    await settle();
    expect(db.transactions).toBe(2);
    commit.release();
    await Promise.all(all);
    expect(db.maxOpen).toBe(2);
    expect(batcher.stats.largestBatch).toBe(4);
    expect(batcher.stats.batches).toBe(5);
    expect(new Set(db.committed).size).toBe(20);
  });

  it('maxBatch 1 is one commit per item', async () => {
    const db = new FakeDb();
    const batcher = new GroupCommit(db, { maxBatch: 1, maxWaitMs: 5, maxConcurrentBatches: 3 });
    await Promise.all(Array.from({ length: 7 }, (_, i) => batcher.submit(item(`e${i}`))));
    expect(db.transactions).toBe(7);
  });

  it('drain waits for queued and committing items', async () => {
    const db = new FakeDb();
    const commit = deferred();
    db.gate = () => commit.promise;
    const batcher = new GroupCommit(db, { maxBatch: 2, maxWaitMs: 1, maxConcurrentBatches: 1 });
    const items = Array.from({ length: 5 }, (_, i) => batcher.submit(item(`e${i}`)));
    let drained = false;
    const draining = batcher.drain().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    commit.release();
    await draining;
    expect(db.committed).toHaveLength(5);
    await Promise.all(items);
  });

  it('property: every item settles exactly once; resolved exactly when its work committed once; never before', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          items: fc.array(fc.record({ refuse: fc.nat(7).map((n) => n === 0), key: fc.constantFrom('a', 'b', 'c', ''), delayMs: fc.nat(3) }), { minLength: 1, maxLength: 40 }),
          failingCommits: fc.uniqueArray(fc.nat(60), { maxLength: 8 }),
          maxBatch: fc.integer({ min: 1, max: 12 }),
          maxWaitMs: fc.nat(3),
          maxConcurrentBatches: fc.integer({ min: 1, max: 4 }),
        }),
        async ({ items, failingCommits, maxBatch, maxWaitMs, maxConcurrentBatches }) => {
          const db = new FakeDb();
          db.commitFails = (n) => failingCommits.includes(n);
          const batcher = new GroupCommit(db, { maxBatch, maxWaitMs, maxConcurrentBatches });
          const settlements = new Map<number, { status: 'resolved' | 'rejected'; committedAtSettle: boolean }[]>();
          const note = (index: number, status: 'resolved' | 'rejected') => {
            const list = settlements.get(index) ?? [];
            list.push({ status, committedAtSettle: db.committed.includes(`i${index}`) });
            settlements.set(index, list);
          };
          await Promise.all(
            items.map(async (spec, index) => {
              await new Promise((resolve) => setTimeout(resolve, spec.delayMs));
              await batcher.submit(item(`i${index}`, spec.refuse), { orderKey: spec.key }).then(
                () => note(index, 'resolved'),
                () => note(index, 'rejected'),
              );
            }),
          );
          await batcher.drain();
          items.forEach((spec, index) => {
            const seen = settlements.get(index) ?? [];
            expect(seen).toHaveLength(1);
            const copies = db.committed.filter((id) => id === `i${index}`).length;
            if (seen[0]!.status === 'resolved') {
              // Durable before the caller hears: committed when the promise settled, exactly once.
              expect(seen[0]!.committedAtSettle).toBe(true);
              expect(copies).toBe(1);
            } else {
              expect(copies).toBe(0);
            }
            // A refused item never commits; an item that does not refuse fails only if its own commit failed.
            if (spec.refuse) expect(seen[0]!.status).toBe('rejected');
          });
          if (failingCommits.length === 0) {
            items.forEach((spec, index) => expect(settlements.get(index)![0]!.status).toBe(spec.refuse ? 'rejected' : 'resolved'));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
