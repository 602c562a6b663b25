import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from './db.ts';
import { GroupCommit } from './group-commit.ts';

describe.each(backendKinds)('group commit on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    await db.exec('create table group_commit_probe (k text primary key, v int not null default 0)');
    await db.query(`insert into group_commit_probe (k) select 'key-' || lpad(i::text, 2, '0') from generate_series(0, 9) i`);
  });
  afterAll(async () => dispose());

  const bump = (key: string) => async (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => {
    const { rows } = await tx.query<{ v: number }>('update group_commit_probe set v = v + 1 where k = $1 returning v', [key]);
    // Hold the row lock a moment, as a real event's few statements do, so the two batches overlap.
    if (kind === 'postgres') await tx.query('select pg_sleep(0.005)');
    return rows[0]!.v;
  };

  it('two batchers locking the same rows in opposite submission orders neither deadlock nor lose an update', async () => {
    const forward = new GroupCommit(db, { maxBatch: 10, maxWaitMs: 5, maxConcurrentBatches: 1 });
    const backward = new GroupCommit(db, { maxBatch: 10, maxWaitMs: 5, maxConcurrentBatches: 1 });
    const keys = Array.from({ length: 10 }, (_, i) => `key-${String(i).padStart(2, '0')}`);
    for (let round = 1; round <= 3; round++) {
      await Promise.all([
        ...keys.map((key) => forward.submit(bump(key), { orderKey: key })),
        ...[...keys].reverse().map((key) => backward.submit(bump(key), { orderKey: key })),
      ]);
      const { rows } = await db.query<{ v: number }>('select v from group_commit_probe order by k');
      expect(rows.map((row) => row.v)).toEqual(keys.map(() => 2 * round));
    }
    // Ordered by key, both batches take the row locks in one order: no deadlock, no retried batch.
    expect(forward.stats.failedBatches + backward.stats.failedBatches).toBe(0);
    expect(forward.stats.batches).toBe(3);
  });

  it('a failing item in a batch is retried alone: its neighbours commit, it fails with its own error', async () => {
    const batcher = new GroupCommit(db, { maxBatch: 10, maxWaitMs: 5, maxConcurrentBatches: 1 });
    const before = await db.query<{ v: number }>(`select v from group_commit_probe where k = 'key-00'`);
    const outcomes = await Promise.allSettled([
      batcher.submit(bump('key-00')),
      batcher.submit(async (tx) => tx.query('insert into group_commit_probe (k) values ($1)', ['key-01'])),
      batcher.submit(bump('key-00')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    const after = await db.query<{ v: number }>(`select v from group_commit_probe where k = 'key-00'`);
    expect(after.rows[0]!.v).toBe(before.rows[0]!.v + 2);
    expect(batcher.stats.failedBatches).toBe(1);
  });
});
