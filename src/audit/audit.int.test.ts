import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, createScratchDatabase, openTestDb } from '../../test/helpers/backends.ts';
import { eventually } from '../../test/helpers/engine-harness.ts';
import { openDb, type Db } from '../store/db.ts';
import { loadMigrations, migrate } from '../store/migrate.ts';
import { chainAuditEvent, hashAuditEventUnkeyed, type AuditEvent } from './audit-chain.ts';
import { MemoryCheckpointSink, readCheckpoints } from './audit-checkpoint.ts';
import { deriveAuditKey } from './audit-key.ts';
import {
  appendAuditEvent, AuditChainer, chainPendingAuditEvents, listAuditEvents, readAuditEvents, recordAuditEvent, verifyAuditChain, verifyAuditLog,
} from './audit.repository.ts';

describe.each(backendKinds)('audit log on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  const key = deriveAuditKey(randomBytes(32));
  const sink = new MemoryCheckpointSink();
  let chainer: AuditChainer;
  /** What `audit verify` sees once the chainer has caught up and checkpointed. */
  async function verifyNow() {
    await chainer.flush();
    await chainer.checkpoint(true);
    return verifyAuditLog(db, { key, checkpoints: sink });
  }

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    // Not started: these tests drive chaining and checkpoints themselves.
    chainer = new AuditChainer(db, { key, checkpoints: sink });
    for (let index = 0; index < 30; index++) {
      await recordAuditEvent(db, { actor: 'system', action: 'test.event', objectType: 'call', objectId: `call-${index}`, outcome: 'success', detail: { index } });
    }
  });
  afterAll(async () => dispose());

  it('chains every event under the key and verifies against the checkpoint', async () => {
    const verdict = await verifyNow();
    expect(verdict).toMatchObject({ ok: true, events: 30, pending: 0, unkeyedEvents: 0, problems: [] });
    expect(verdict.newestCheckpoint).toMatchObject({ seq: 30, keyId: key.id });
    expect((await readAuditEvents(db, { limit: 1 }))[0]!.keyId).toBe(key.id);
  });

  it('keeps one chain head under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        recordAuditEvent(db, { actor: 'system', action: 'test.concurrent', objectType: 'call', objectId: `c-${index}`, outcome: 'success' }),
      ),
    );
    expect(await verifyNow()).toMatchObject({ ok: true, events: 50 });
  });

  it.runIf(kind === 'postgres')('chains every event exactly once when transactions commit out of order', async () => {
    const before = (await verifyNow()).events;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const slowAppended = new Promise<void>((resolve) => (appended = resolve));
    // A takes its pending id first but commits last; B commits while A is open; the chainer runs in between.
    const slow = db.transaction(async (tx) => {
      await appendAuditEvent(tx, { actor: 'system', action: 'test.slow', objectType: 'call', outcome: 'success' });
      appended();
      await gate;
    });
    await slowAppended;
    await recordAuditEvent(db, { actor: 'system', action: 'test.fast', objectType: 'call', outcome: 'success' });
    expect(await chainPendingAuditEvents(db, key)).toBe(1);
    release();
    await slow;
    expect(await chainPendingAuditEvents(db, key)).toBe(1);
    const verdict = await verifyNow();
    expect(verdict).toMatchObject({ ok: true, events: before + 2 });
    const actions = (await readAuditEvents(db, { limit: 10_000 })).map((event) => event.action);
    expect(actions.filter((action) => action === 'test.slow')).toHaveLength(1);
    expect(actions.filter((action) => action === 'test.fast')).toHaveLength(1);
  });

  it('does not keep an audit event whose transaction rolled back', async () => {
    await expect(
      db.transaction(async (tx) => {
        await appendAuditEvent(tx, { actor: 'system', action: 'test.rolled-back', objectType: 'call', outcome: 'success' });
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    const verdict = await verifyNow();
    const events = await readAuditEvents(db, { limit: 1000 });
    expect(events.some((event) => event.action === 'test.rolled-back')).toBe(false);
    expect(verdict.ok).toBe(true);
  });

  it.each([
    ['update', `update audit_event set outcome = 'failure' where seq = 3`],
    ['delete', 'delete from audit_event where seq = 3'],
    ['truncate', 'truncate audit_event'],
  ])('refuses %s in the database itself', async (_name, sql) => {
    await expect(db.query(sql)).rejects.toThrow(/append-only/);
    expect((await verifyNow()).ok).toBe(true);
  });

  it('names the altered event when someone bypasses the trigger', async () => {
    // A superuser (or a restored backup) can bypass triggers; the keyed chain still tells.
    await db.exec(`alter table audit_event disable trigger audit_event_no_update_delete;
      update audit_event set detail = '{"index": 999}'::jsonb where seq = 7;
      alter table audit_event enable trigger audit_event_no_update_delete;`);
    const verdict = await verifyAuditLog(db, { key, checkpoints: sink });
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([{ kind: 'altered', fromSeq: 7, toSeq: 7 }]);
  });

  it('refuses to call the log intact without the key: another key verifies nothing', async () => {
    const verdict = await verifyAuditLog(db, { key: deriveAuditKey(randomBytes(32)), checkpoints: sink });
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.some((problem) => problem.kind === 'other-key')).toBe(true);
  });
});

describe.each(backendKinds)('the audit chainer on %s', (kind) => {
  it('checkpoints the head at start and at stop, and lets readers in this process see their own writes', async () => {
    const { db, dispose } = await openTestDb(kind);
    const key = deriveAuditKey(randomBytes(32));
    const sink = new MemoryCheckpointSink();
    const chainer = new AuditChainer(db, { key, checkpoints: sink, intervalMs: 50, checkpointIntervalMs: 60_000 });
    try {
      chainer.start();
      await eventually(async () => (sink.lines.length >= 1 ? true : null), 10_000, 'the start checkpoint');
      expect(readCheckpoints(key, sink.lines).checkpoints[0]).toMatchObject({ seq: 0, count: 0 });
      for (let index = 0; index < 5; index++) await recordAuditEvent(db, { actor: 'system', action: 'test.event', objectType: 'call', objectId: `c-${index}`, outcome: 'success' });
      expect((await listAuditEvents(db, { limit: 100 })).map((event) => event.objectId)).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4']);
      expect((await verifyAuditChain(db)).events).toBe(5);
      await chainer.stop();
      const { checkpoints, problems } = readCheckpoints(key, sink.lines);
      expect(problems).toEqual([]);
      expect(checkpoints.at(-1)).toMatchObject({ seq: 5, count: 5 });
      expect(await verifyAuditLog(db, { key, checkpoints: sink })).toMatchObject({ ok: true, events: 5, uncovered: 0 });
    } finally {
      await chainer.stop();
      await dispose();
    }
  });

  it('after migration 0010 on an existing log, verifies the old rows as an unkeyed prefix and reports them', async () => {
    // A demo store from before the key: migrations up to 0009, rows with SHA-256 links.
    const scratch = kind === 'postgres' ? await createScratchDatabase() : null;
    const db = await openDb({ databaseUrl: scratch?.url });
    const key = deriveAuditKey(randomBytes(32));
    const sink = new MemoryCheckpointSink();
    try {
      await migrate(db, loadMigrations().filter((migration) => migration.version < 10));
      const old: AuditEvent[] = [];
      for (let index = 0; index < 4; index++) {
        const keyed = chainAuditEvent({ actor: 'system', action: 'test.old', objectType: 'call', outcome: 'success' }, old.at(-1) ?? null, new Date(Date.UTC(2026, 0, 5, 14, 0, index)), key);
        const { hash: _hash, keyId: _keyId, ...unhashed } = keyed;
        old.push({ ...unhashed, hash: hashAuditEventUnkeyed(unhashed), keyId: null });
      }
      for (const event of old) {
        await db.query(
          `insert into audit_event (seq, at, actor, action, object_type, object_id, outcome, reason, consent_status, detail, prev_hash, hash)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [event.seq, event.at, event.actor, event.action, event.objectType, event.objectId, event.outcome, event.reason, event.consentStatus, JSON.stringify(event.detail), event.prevHash, event.hash],
        );
      }
      expect((await migrate(db)).applied).toContain('0010_audit_key_id');
      const chainer = new AuditChainer(db, { key, checkpoints: sink });
      await recordAuditEvent(db, { actor: 'system', action: 'test.new', objectType: 'call', outcome: 'success' });
      await chainer.flush();
      await chainer.checkpoint(true);
      expect(await verifyAuditLog(db, { key, checkpoints: sink })).toMatchObject({ ok: true, events: 5, unkeyedEvents: 4 });
      expect((await readAuditEvents(db, { limit: 10 })).map((event) => event.keyId)).toEqual([null, null, null, null, key.id]);
    } finally {
      await db.close();
      await scratch?.drop();
    }
  });
});
