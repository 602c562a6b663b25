import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { appendAuditEvent, chainPendingAuditEvents, listAuditEvents, recordAuditEvent, verifyAuditChain } from './audit.repository.ts';

describe.each(backendKinds)('audit log on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    for (let index = 0; index < 30; index++) {
      await recordAuditEvent(db, { actor: 'system', action: 'test.event', objectType: 'call', objectId: `call-${index}`, outcome: 'success', detail: { index } });
    }
  });
  afterAll(async () => dispose());

  it('chains every event and verifies', async () => {
    const verdict = await verifyAuditChain(db);
    expect(verdict).toMatchObject({ ok: true, events: 30 });
  });

  it('keeps one chain head under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        recordAuditEvent(db, { actor: 'system', action: 'test.concurrent', objectType: 'call', objectId: `c-${index}`, outcome: 'success' }),
      ),
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, events: 50 });
  });

  it.runIf(kind === 'postgres')('chains every event exactly once when transactions commit out of order', async () => {
    const before = (await verifyAuditChain(db)).events;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A takes its pending id first but commits last; B commits while A is open; the chainer runs in between.
    const slow = db.transaction(async (tx) => {
      await appendAuditEvent(tx, { actor: 'system', action: 'test.slow', objectType: 'call', outcome: 'success' });
      await gate;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await recordAuditEvent(db, { actor: 'system', action: 'test.fast', objectType: 'call', outcome: 'success' });
    expect(await chainPendingAuditEvents(db)).toBe(1);
    release();
    await slow;
    expect(await chainPendingAuditEvents(db)).toBe(1);
    const verdict = await verifyAuditChain(db);
    expect(verdict).toMatchObject({ ok: true, events: before + 2 });
    const actions = (await listAuditEvents(db, { limit: 10_000 })).map((event) => event.action);
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
    const events = await listAuditEvents(db, { limit: 1000 });
    expect(events.some((event) => event.action === 'test.rolled-back')).toBe(false);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it.each([
    ['update', `update audit_event set outcome = 'failure' where seq = 3`],
    ['delete', 'delete from audit_event where seq = 3'],
    ['truncate', 'truncate audit_event'],
  ])('refuses %s in the database itself', async (_name, sql) => {
    await expect(db.query(sql)).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('reports the first broken link when someone bypasses the trigger', async () => {
    // A superuser (or a restored backup) can bypass triggers; the hash chain still tells.
    await db.exec(`alter table audit_event disable trigger audit_event_no_update_delete;
      update audit_event set detail = '{"index": 999}'::jsonb where seq = 7;
      alter table audit_event enable trigger audit_event_no_update_delete;`);
    expect(await verifyAuditChain(db)).toEqual({ ok: false, events: 6, brokenAt: 7, problem: 'hash-mismatch' });
  });
});
