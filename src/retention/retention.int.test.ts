import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import { storeRetentionCall } from '../../test/helpers/retention-calls.ts';
import { AuditChainer, listAuditEvents } from '../audit/audit.repository.ts';
import { MemoryCheckpointSink } from '../audit/audit-checkpoint.ts';
import { deriveAuditKey } from '../audit/audit-key.ts';
import { dropDobEvidence } from '../calls/identity-evidence.repository.ts';
import { parseQueuePolicyYaml, type QueuePolicy } from '../consent/queue-policy.schema.ts';
import { createMemoryKekProvider } from '../keys/memory-kek.client.ts';
import { destroyDataKeys, EnvelopeKeyring } from '../keys/keyring.service.ts';
import { openDb, type Db } from '../store/db.ts';
import { RetentionPurge, RetentionScheduler } from './retention-purge.service.ts';
import { buildRetentionReport, provePurge } from './retention-report.service.ts';
import { listPurgeRuns, purgeRunLockId, readSchedule, releaseLegalHold, setLegalHold } from './retention.repository.ts';

/**
 * Retention with proof (RE-1) on both stores, with a controllable clock: nothing here sleeps.
 * Calls are stored as the engine stores them (content sealed by the real keyring under per-day
 * data keys); the purge, the report and the proof then run at chosen moments. Synthetic data only.
 */
const policyYaml = `
version: retention-test
defaults: { transcription: true, ai: true, pattern: review, retention: short, review: when-needed }
retention:
  short: { contentDays: 7, summaryDays: 14, redactedTranscriptDays: 14, audioDays: 0, metadataDays: 30 }
  long:  { contentDays: 60, audioDays: 0, metadataDays: 90 }
`;
const parsed = parseQueuePolicyYaml(policyYaml);
if (!parsed.ok) throw new Error('test policy invalid');
const policy: QueuePolicy = parsed.value;
const policies = { current: { policy, version: 'retention-test' } };

const day = 86_400_000;
const callDay = new Date('2026-03-02T14:00:00Z');
const after = (days: number) => new Date(callDay.getTime() + days * day + 3_600_000);

describe.each(backendKinds)('retention purge, holds, report and proof (%s)', (kind) => {
  let db: Db;
  let databaseUrl: string | undefined;
  let dispose: () => Promise<void>;
  let chainer: AuditChainer;
  let keyring: EnvelopeKeyring;
  const auditKey = deriveAuditKey(randomBytes(32));
  const checkpoints = new MemoryCheckpointSink();
  let purge: RetentionPurge;

  beforeAll(async () => {
    ({ db, databaseUrl, dispose } = await openTestDb(kind));
    chainer = new AuditChainer(db, { key: auditKey, checkpoints, intervalMs: 50, checkpointIntervalMs: 60_000 });
    chainer.start();
    keyring = new EnvelopeKeyring({ db, kek: createMemoryKekProvider(), refreshMs: 0, now: () => callDay });
    await keyring.start();
    purge = new RetentionPurge({ db, policies, destroyDataKeys: (store, keyIds, reason) => destroyDataKeys(store, keyIds, reason, 'system:retention') });
  });
  afterAll(async () => {
    keyring?.close();
    await chainer?.stop();
    await dispose?.();
  });

  const storeCall = (options: { retention: 'short' | 'long'; patientId?: string; endedAt?: Date; reviewPending?: boolean }) =>
    storeRetentionCall(db, keyring, { ...options, endedAt: options.endedAt ?? callDay });

  const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string | number }>(`select count(*) as n from (${sql}) x`, params)).rows[0]!.n);
  const purgedEntries = async (callId: string) => (await listAuditEvents(db, { limit: 100_000 })).filter((event) => event.action === 'retention.purged' && event.detail.callId === callId);

  it('purges each class when its days are over, keeps the rest, and shreds a day\'s key only when nothing of that day is left', async () => {
    const short = await storeCall({ retention: 'short' });
    const long = await storeCall({ retention: 'long' });
    const transcriptKey = (await db.query<{ key_id: string; ciphertext: Uint8Array }>('select key_id, ciphertext from transcript where call_id = $1', [long.callId])).rows[0]!;
    // A copy of the long call's ciphertext taken before any purge (a backup, a dump).
    const copy = Buffer.from(transcriptKey.ciphertext);

    // An hour after the call: nothing is due yet.
    expect(await purge.run(after(0))).toMatchObject({ artifactsPurged: 0, callsRemoved: 0 });
    // Day 2: a keyed date of birth never checked is kept a day at most (both calls).
    expect((await purge.run(after(2))).artifactsPurged).toBe(2);
    expect(await count('select 1 from identity_evidence where call_id = any($1::uuid[])', [[short.callId, long.callId]])).toBe(0);

    // Day 8: the short call's transcript and drafts (7 days) go; its summary (14) stays.
    const week = await purge.run(after(8));
    expect(week.artifactsPurged).toBe(3);
    expect(await count('select 1 from transcript where call_id = $1', [short.callId])).toBe(0);
    expect(await count('select 1 from call_analysis where call_id = $1', [short.callId])).toBe(1);
    expect(await count('select 1 from review_version v join review_item i on i.id = v.review_id where i.call_id = $1', [short.callId])).toBe(0);
    expect(await count('select 1 from transcript where call_id = $1', [long.callId])).toBe(1);
    const entries = await purgedEntries(short.callId);
    expect(entries.map((event) => event.objectType).sort()).toEqual(['draft-version', 'draft-version', 'identity-evidence', 'transcript']);
    // Ids and codes only in the audit log: never the words.
    expect(JSON.stringify(entries)).not.toContain('lisinopril');
    // The day's transcript key still seals the long call's transcript: not destroyed.
    expect((await db.query<{ destroyed_at: unknown }>('select destroyed_at from data_key where id = $1', [transcriptKey.key_id])).rows[0]!.destroyed_at).toBeNull();

    // Day 15: the analysis row (redacted transcript and summary) goes; day 31: the call itself.
    expect((await purge.run(after(15))).artifactsPurged).toBe(2);
    const month = await purge.run(after(31));
    expect(month).toMatchObject({ callsRemoved: 1, artifactsPurged: 1 });
    expect(await count('select 1 from call where id = $1', [short.callId])).toBe(0);
    expect(await count('select 1 from call_event where call_id = $1', [short.callId])).toBe(0);
    expect(await count('select 1 from call where id = $1', [long.callId])).toBe(1);

    // Day 61: the long call's content goes; now every transcript of that day is gone, and so is its key.
    const later = await purge.run(after(61));
    expect(later.keysDestroyed).toContain(transcriptKey.key_id);
    const key = (await db.query<{ wrapped_key: unknown; destroyed_reason: string }>('select wrapped_key, destroyed_reason from data_key where id = $1', [transcriptKey.key_id])).rows[0]!;
    expect(key).toEqual({ wrapped_key: null, destroyed_reason: 'retention' });
    // The copy taken before the purge can never be opened again: not here, not by a fresh engine.
    await expect(keyring.open(copy, transcriptKey.key_id)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    const fresh = new EnvelopeKeyring({ db, kek: keyring.kek, refreshMs: 0, now: () => callDay });
    await fresh.start();
    await expect(fresh.open(copy, transcriptKey.key_id)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    fresh.close();

    // The proof of the short call: every artifact gone, audited in a chain that verifies, every key shredded.
    await purge.run(after(91));
    await chainer.flush();
    await chainer.checkpoint(true);
    const proof = await provePurge(db, short.callId, { key: auditKey, checkpoints });
    expect(proof.gaps).toEqual([]);
    expect(proof).toMatchObject({ verdict: 'proven', callRemoved: true, auditChain: { ok: true, pending: 0 } });
    expect(proof.artifacts.every((artifact) => artifact.rowGone && artifact.auditSeq !== null)).toBe(true);
    expect(proof.keys.length).toBeGreaterThanOrEqual(4);
    expect(proof.keys.every((state) => state.state === 'destroyed' && state.wrappedKeyGone)).toBe(true);
    expect(Object.values(proof.rowsLeft).every((rows) => rows === 0)).toBe(true);
  });

  it('keeps every artifact of a held call (by patient) through the purge, and purges it after the hold is released', async () => {
    const held = await storeCall({ retention: 'short', patientId: 'syn-patient-hold-1', endedAt: new Date(callDay.getTime() + 2 * day) });
    const hold = await setLegalHold(db, { scope: 'patient', patientId: 'syn-patient-hold-1', reason: 'Synthetic matter 2026-01', actor: 'staff:auditor-1' });
    const outcome = await purge.run(after(40));
    expect(outcome.callsHeld).toBeGreaterThanOrEqual(1);
    expect(await count('select 1 from transcript where call_id = $1', [held.callId])).toBe(1);
    expect(await purgedEntries(held.callId)).toEqual([]);
    const before = await buildRetentionReport(db, policies.current, after(40), { recordMissing: false });
    expect(before.ok).toBe(true);
    expect(before.held.map((entry) => entry.callId)).toContain(held.callId);
    expect(before.holdsInForce.map((entry) => entry.id)).toContain(hold.id);

    await releaseLegalHold(db, { id: hold.id, reason: 'Synthetic matter closed', actor: 'staff:auditor-1' });
    await expect(releaseLegalHold(db, { id: hold.id, reason: 'again', actor: 'staff:auditor-1' })).rejects.toMatchObject({ code: 'LEGAL_HOLD_RELEASED' });
    const released = await purge.run(after(40));
    expect(released.callsRemoved).toBeGreaterThanOrEqual(1);
    expect(await count('select 1 from call where id = $1', [held.callId])).toBe(0);
    const actions = (await listAuditEvents(db, { limit: 100_000 })).filter((event) => event.objectId === hold.id).map((event) => `${event.action}:${event.outcome}`);
    expect(actions).toEqual(['retention.hold.set:success', 'retention.hold.released:success', 'retention.hold.released:rejected']);
  });

  it('reports content past policy before the purge and nothing after it; content waiting for review is listed as waiting', async () => {
    const stale = await storeCall({ retention: 'short', endedAt: new Date(callDay.getTime() + 5 * day) });
    const pending = await storeCall({ retention: 'short', endedAt: new Date(callDay.getTime() + 5 * day), reviewPending: true });
    const at = after(5 + 8);
    const before = await buildRetentionReport(db, policies.current, at, { recordMissing: false });
    expect(before.ok).toBe(false);
    expect(before.pastPolicy.artifacts.filter((artifact) => artifact.callId === stale.callId).map((artifact) => artifact.artifactClass).sort())
      .toEqual(['draft-version', 'draft-version', 'identity-evidence', 'transcript']);
    expect(before.waiting).toContainEqual(expect.objectContaining({ callId: pending.callId, reason: 'review-pending' }));
    await purge.run(at);
    const afterPurge = await buildRetentionReport(db, policies.current, at, { recordMissing: false });
    expect(afterPurge.pastPolicy).toEqual({ total: 0, artifacts: [] });
    expect(afterPurge.ok).toBe(true);
    expect(afterPurge.lastRun).toMatchObject({ status: 'finished', asOf: at.toISOString() });
    expect(await count('select 1 from transcript where call_id = $1', [pending.callId])).toBe(1);
  });

  it('purges exactly once when a run is interrupted and run again', async () => {
    const base = new Date(callDay.getTime() + 10 * day);
    const calls = [await storeCall({ retention: 'short', endedAt: base }), await storeCall({ retention: 'short', endedAt: base }), await storeCall({ retention: 'short', endedAt: base })];
    const at = new Date(base.getTime() + 8 * day);
    let seen = 0;
    await expect(purge.run(at, {
      afterCall: (_callId, plan) => {
        if (plan.action === 'purge') seen++;
        if (seen === 1) throw new Error('synthetic crash after the first purged call');
      },
    })).rejects.toThrow('synthetic crash');
    expect((await listPurgeRuns(db, 1))[0]).toMatchObject({ status: 'failed' });
    // Interrupted: one call purged, the others untouched.
    const purgedAfterCrash = await Promise.all(calls.map(async (call) => (await count('select 1 from transcript where call_id = $1', [call.callId])) === 0));
    expect(purgedAfterCrash.filter(Boolean)).toHaveLength(1);
    await purge.run(at);
    await purge.run(at);
    for (const call of calls) {
      expect(await count('select 1 from transcript where call_id = $1', [call.callId])).toBe(0);
      const entries = await purgedEntries(call.callId);
      const keys = entries.map((event) => `${event.objectType}|${event.objectId}`);
      expect(keys).toHaveLength(4);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('reports content deleted outside policy once, and not content deleted by its named deleter', async () => {
    const victim = await storeCall({ retention: 'long', endedAt: new Date(callDay.getTime() + 20 * day) });
    // Someone with database access deletes a transcript by hand; the pipeline drops used DOB evidence.
    await db.query('delete from transcript where call_id = $1', [victim.callId]);
    await dropDobEvidence(db, victim.callId);
    const at = new Date(callDay.getTime() + 21 * day);
    const report = await buildRetentionReport(db, policies.current, at, { recordMissing: true });
    expect(report.deletedOutsidePolicy.foundNow).toBe(1);
    expect(report.deletedOutsidePolicy.recent[0]).toMatchObject({ artifactClass: 'transcript', callId: victim.callId });
    expect((await buildRetentionReport(db, policies.current, at, { recordMissing: true })).deletedOutsidePolicy.foundNow).toBe(0);
    expect((await purge.run(at)).deletedOutsidePolicy).toBe(0);
    const audit = (await listAuditEvents(db, { limit: 100_000 })).filter((event) => event.action === 'retention.deleted-outside-policy' && event.detail.callId === victim.callId);
    expect(audit.map((event) => event.objectType)).toEqual(['transcript']);
  });

  it('runs on its schedule with its own clock, one run at a time, and says when the next run is due', async () => {
    let clock = new Date(callDay.getTime() + 200 * day);
    const scheduler = new RetentionScheduler({ db, purge, everyMinutes: 60, now: () => clock });
    await scheduler.start();
    expect(await readSchedule(db)).toEqual({ everyMinutes: 60, nextRunAt: new Date(clock.getTime() + 3_600_000).toISOString() });
    clock = new Date(clock.getTime() + day);
    const [first, second] = await Promise.all([scheduler.runNow(), purge.run(clock)]);
    expect([first.skipped, second.skipped].sort()).toEqual([false, true]);
    expect((await listPurgeRuns(db, 1))[0]!.asOf).toBe(clock.toISOString());
    await scheduler.stop();
    if (kind === 'postgres') {
      // Another process (its own connection) running a purge holds the lock: this one stands aside.
      const other = await openDb({ databaseUrl });
      const client = await (other.raw as pg.Pool).connect();
      try {
        await client.query('select pg_advisory_lock($1)', [purgeRunLockId]);
        expect((await purge.run(clock)).skipped).toBe(true);
        await client.query('select pg_advisory_unlock($1)', [purgeRunLockId]);
        expect((await purge.run(clock)).skipped).toBe(false);
      } finally {
        client.release();
        await other.close();
      }
    }
  });
});
