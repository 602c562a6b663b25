import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, openTestDb } from '../../test/helpers/backends.ts';
import { eventually } from '../../test/helpers/engine-harness.ts';
import { openDb, type Db } from './db.ts';
import { duty, dutyLockKey, dutyLockNamespace, LeaderLocks } from './leader-lock.ts';

/** A duty that records when it runs in which process (the test's stand-in for a sweep's timer). */
function recordingDuty(name: string, process: string, log: string[]) {
  return duty(name, () => void log.push(`${process} leads ${name}`), async () => void log.push(`${process} follows ${name}`));
}

describe('duty locks on PostgreSQL: one leader across processes, failover when it dies', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dbs: Db[];
  let admin: pg.Client;
  const locks: LeaderLocks[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    // Two "processes": two pools on one database, as two engine processes have.
    dbs = [await openDb({ databaseUrl: scratch.url }), await openDb({ databaseUrl: scratch.url })];
    admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
  });
  afterEach(async () => {
    for (const lock of locks.splice(0)) await lock.stop();
  });
  afterAll(async () => {
    await admin?.end();
    for (const db of dbs ?? []) await db.close();
    await scratch?.drop();
  });

  const holderOf = async (name: string) => {
    const { rows } = await admin.query<{ pid: number }>(
      `select pid from pg_locks where locktype = 'advisory' and granted and classid = $1 and objid = $2 and objsubid = 2`,
      [dutyLockNamespace, dutyLockKey(name)],
    );
    return rows.map((row) => row.pid);
  };

  it('two processes want the duty: exactly one leads; the other takes over within seconds of the leader\'s session dying', async () => {
    const log: string[] = [];
    // A "dies" below: from then on it cannot reach the database again (as a killed process cannot).
    let aDead = false;
    const connectA = () => new pg.Client({ connectionString: aDead ? scratch.url.replace(/:\d+\//, ':1/') : scratch.url });
    const a = new LeaderLocks({ db: dbs[0]!, retryMs: 100, connect: connectA }).add(recordingDuty('audit-chain', 'A', log));
    const b = new LeaderLocks({ db: dbs[1]!, retryMs: 100 }).add(recordingDuty('audit-chain', 'B', log));
    locks.push(a, b);
    await a.start();
    await b.start();
    // Several rounds of B trying: it never gets the lock A holds.
    for (let round = 0; round < 5; round++) await b.tick();
    expect(a.leading()).toEqual(['audit-chain']);
    expect(b.leading()).toEqual([]);
    expect(log).toEqual(['A leads audit-chain']);
    expect(await holderOf('audit-chain')).toHaveLength(1);

    // A's session dies as it does when its process is SIGKILLed or its host is lost.
    const [pid] = await holderOf('audit-chain');
    aDead = true;
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await eventually(async () => (b.isLeading('audit-chain') ? true : null), 10_000, 'B to take the duty over');
    // A noticed too and stopped its duty: never two leaders running it.
    await eventually(async () => (!a.isLeading('audit-chain') ? true : null), 10_000, 'A to stop leading');
    expect(log).toContain('A follows audit-chain');
    expect(log.filter((line) => line.endsWith('leads audit-chain'))).toEqual(['A leads audit-chain', 'B leads audit-chain']);
    expect(await holderOf('audit-chain')).toHaveLength(1);
    // A comes back (a restarted process, a healed network): it stays a standby while B holds the duty.
    aDead = false;
    for (let round = 0; round < 5; round++) await a.tick();
    expect(a.isLeading('audit-chain')).toBe(false);
    expect(b.isLeading('audit-chain')).toBe(true);
  });

  it('a clean stop hands the duty on: the leader stops its work before its lock is released', async () => {
    const log: string[] = [];
    const a = new LeaderLocks({ db: dbs[0]!, retryMs: 100 }).add(recordingDuty('retention-purge', 'A', log));
    const b = new LeaderLocks({ db: dbs[1]!, retryMs: 100 }).add(recordingDuty('retention-purge', 'B', log));
    locks.push(b);
    await a.start();
    await b.start();
    await a.stop();
    await eventually(async () => (b.isLeading('retention-purge') ? true : null), 10_000, 'B to take the duty over');
    expect(log).toEqual(['A leads retention-purge', 'A follows retention-purge', 'B leads retention-purge']);
  });

  it('different duties are separate locks: a process may lead one while another leads the other', async () => {
    const log: string[] = [];
    const a = new LeaderLocks({ db: dbs[0]!, retryMs: 100 }).add(recordingDuty('callback-sweep', 'A', log));
    const b = new LeaderLocks({ db: dbs[1]!, retryMs: 100 }).add(recordingDuty('callback-sweep', 'B', log)).add(recordingDuty('alerts', 'B', log));
    locks.push(a, b);
    await a.start();
    await b.start();
    expect(a.leading()).toEqual(['callback-sweep']);
    expect(b.leading()).toEqual(['alerts']);
  });
});

describe('duty locks on PGlite (one process per store)', () => {
  let test: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    test = await openTestDb('pglite');
  });
  afterAll(async () => test?.dispose());

  it('the embedded store\'s one process always leads every duty', async () => {
    const log: string[] = [];
    const locks = new LeaderLocks({ db: test.db }).add(recordingDuty('audit-chain', 'P', log)).add(recordingDuty('alerts', 'P', log));
    await locks.start();
    expect(locks.leading().sort()).toEqual(['alerts', 'audit-chain']);
    await locks.stop();
    expect(locks.leading()).toEqual([]);
    expect(log).toEqual(['P leads audit-chain', 'P leads alerts', 'P follows audit-chain', 'P follows alerts']);
  });
});
