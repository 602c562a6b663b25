import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import canonicalize from 'canonicalize';
import { afterEach, describe, expect, it } from 'vitest';
import { describeAuditProblem } from '../../src/audit/audit-chain.ts';
import { buildCheckpoint, readCheckpoints, serializeCheckpoint } from '../../src/audit/audit-checkpoint.ts';
import { FileCheckpointSink } from '../../src/audit/audit-checkpoint.repository.ts';
import { verifySignedAuditExport } from '../../src/audit/audit-export.ts';
import { deriveAuditKey } from '../../src/audit/audit-key.ts';
import { AuditChainer, readAuditEvents, recordAuditEvent, verifyAuditLog, type AuditLogReport } from '../../src/audit/audit.repository.ts';
import { defaultConfig } from '../../src/config/config.schema.ts';
import { startEngine } from '../../src/engine/engine.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { backendKinds, createScratchDatabase, openTestDb } from '../helpers/backends.ts';
import { seedPgliteDataDir } from '../helpers/pglite-template.ts';
import { eventually } from '../helpers/engine-harness.ts';

// Issue 11, finding 5: deleting the tail, deleting everything, or editing a row and recomputing the
// (unkeyed) hashes left `audit verify` saying "intact". On the old code these tests failed with
// "expected true to be false" (verify: ok) and the CLI printed "Audit chain intact" with exit 0.

const bin = path.resolve('bin/callchart.js');

/** What a table owner can do: switch the append-only trigger off, rewrite, switch it back on. */
async function asOwner(db: Db, sql: string): Promise<void> {
  await db.transaction((tx) => tx.exec(`alter table audit_event disable trigger all; ${sql}; alter table audit_event enable trigger all;`));
}

/** The unkeyed link hash the old code used: anyone holding the rows can recompute it. */
function unkeyedHash(event: { seq: number; at: string; actor: string; action: string; objectType: string; objectId: string | null; outcome: string; reason: string | null; consentStatus: string | null; detail: unknown; prevHash: string }): string {
  const body = canonicalize({
    seq: event.seq, at: event.at, actor: event.actor, action: event.action, objectType: event.objectType, objectId: event.objectId,
    outcome: event.outcome, reason: event.reason, consentStatus: event.consentStatus, detail: event.detail,
  });
  return createHash('sha256').update(`${event.prevHash}\n${body}`).digest('hex');
}

async function headSeq(db: Db): Promise<number> {
  const { rows } = await db.query<{ seq: string }>('select coalesce(max(seq), 0)::text as seq from audit_event');
  return Number(rows[0]!.seq);
}

const messages = (report: AuditLogReport): string[] => report.problems.map((problem) => describeAuditProblem(problem, { headSeq: report.head?.seq ?? 0 }));

describe.each(backendKinds)('audit log tampering on %s', (kind) => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  /**
   * A store with 12 audit events chained by the engine's chainer (started as the engine starts it),
   * checkpointing into an append-only file, and a checkpoint that covers all 12.
   */
  async function checkpointedLog() {
    const { db, dispose } = await openTestDb(kind);
    const dir = mkdtempSync(path.join(tmpdir(), 'callchart-audit-sec-'));
    const file = path.join(dir, 'audit-checkpoints.jsonl');
    const key = deriveAuditKey(randomBytes(32));
    const errors: string[] = [];
    const chainer = new AuditChainer(db, { key, checkpoints: new FileCheckpointSink(file), intervalMs: 50, checkpointIntervalMs: 200, onError: (error) => errors.push((error as Error).message) });
    chainer.start();
    cleanup = async () => {
      await chainer.stop();
      await dispose();
      rmSync(dir, { recursive: true, force: true });
    };
    for (let index = 0; index < 12; index++) {
      await recordAuditEvent(db, { actor: 'system', action: 'test.event', objectType: 'call', objectId: `call-${index}`, outcome: 'success' });
    }
    const auditorSink = new FileCheckpointSink(file);
    await eventually(async () => (readCheckpoints(key, await auditorSink.readLines()).checkpoints.some((checkpoint) => checkpoint.seq === 12) ? true : null), 20_000, 'a checkpoint at #12');
    // What `callchart audit verify` runs: the key, the store, the checkpoint file read afresh.
    const verify = () => verifyAuditLog(db, { key, checkpoints: new FileCheckpointSink(file) });
    expect(await verify()).toMatchObject({ ok: true, events: 12 });
    return { db, key, file, chainer, errors, verify };
  }

  it('deleting the last rows is reported, naming the missing events, even after the chainer checkpointed the shorter log', async () => {
    const { db, chainer, errors, verify } = await checkpointedLog();
    await asOwner(db, 'delete from audit_event where seq > 9');
    // The engine keeps running and checkpoints what it now sees (#9): the earlier checkpoint still tells.
    await chainer.checkpoint(true);
    expect(errors).toContainEqual('audit log head went back from #12 to #9: events were deleted');
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(messages(report)).toEqual([expect.stringMatching(/^events #10\.\.#12 are missing \(3 events\) after the checkpoint of \S+Z, which recorded the log up to #12; the log now ends at #9$/)]);
  });

  it('deleting every row is reported', async () => {
    const { db, verify } = await checkpointedLog();
    await asOwner(db, 'delete from audit_event');
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(messages(report)).toEqual([expect.stringMatching(/^events #1\.\.#12 are missing \(12 events\) after the checkpoint of .*; the log is now empty$/)]);
  });

  it('editing a row and recomputing every later hash without the key (trigger bypassed) is reported from that row on', async () => {
    const { db, verify } = await checkpointedLog();
    const events = (await readAuditEvents(db, { limit: 100 })).filter((event) => event.seq >= 7);
    let prevHash = events[0]!.prevHash;
    const updates: string[] = [];
    for (const event of events) {
      const edited = { ...event, prevHash, ...(event.seq === 7 ? { outcome: 'failure' as const } : {}) };
      const hash = unkeyedHash(edited);
      updates.push(`update audit_event set outcome = '${edited.outcome}', prev_hash = '${prevHash}', hash = '${hash}' where seq = ${event.seq}`);
      prevHash = hash;
    }
    // session_replication_role = replica: the other way an owner silences ordinary triggers.
    await db.transaction((tx) => tx.exec(`set local session_replication_role = replica; ${updates.join(';\n')}`));
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(messages(report)).toContain('events #7..#12 (6 events) do not verify under the audit key: altered, or re-hashed without the key');
    expect(messages(report).some((message) => message.startsWith('event #12 is not the event the checkpoint of'))).toBe(true);
  });

  it('re-hashing rows as old unkeyed (v1) history is reported', async () => {
    const { db, verify } = await checkpointedLog();
    const events = (await readAuditEvents(db, { limit: 100 })).filter((event) => event.seq >= 11);
    let prevHash = events[0]!.prevHash;
    const updates = events.map((event) => {
      const hash = unkeyedHash({ ...event, prevHash, actor: 'staff:someone-else' });
      const sql = `update audit_event set actor = 'staff:someone-else', key_id = null, prev_hash = '${prevHash}', hash = '${hash}' where seq = ${event.seq}`;
      prevHash = hash;
      return sql;
    });
    await asOwner(db, updates.join(';\n'));
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(messages(report)).toContain('events #11..#12 (2 events) carry unkeyed (v1) hashes after keyed events: re-hashed without the key to pass as old history');
  });

  it('deleting a row in the middle is reported, naming it', async () => {
    const { db, verify } = await checkpointedLog();
    await asOwner(db, 'delete from audit_event where seq = 6');
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(messages(report)).toEqual(['event #6 is missing (1 event): deleted from the middle of the log']);
  });

  it('a checkpoint forged without the key (to cover a deleted tail) is reported, and the tail still is', async () => {
    const { db, key, file, chainer, verify } = await checkpointedLog();
    await chainer.stop();
    await asOwner(db, 'delete from audit_event where seq > 10');
    const head = (await readAuditEvents(db, { afterSeq: 9, limit: 1 }))[0]!;
    // Same fields, same key id, but signed with a key the forger made up.
    const forged = { ...buildCheckpoint(deriveAuditKey(randomBytes(32)), { seq: head.seq, hash: head.hash }, new Date()), keyId: key.id };
    appendFileSync(file, `${serializeCheckpoint(forged)}\n`);
    const lines = await new FileCheckpointSink(file).readLines();
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(messages(report)).toContain(`checkpoint line ${lines.length} has an invalid signature: forged or altered`);
    expect(messages(report).some((message) => message.startsWith('events #11..#12 are missing (2 events)'))).toBe(true);
  });
});

describe.each(backendKinds)('`callchart audit verify` and `audit export` on %s (real engine, real CLI)', (kind) => {
  it('exits 1 naming the deleted tail, refuses without the key, and exports signed lines and FHIR AuditEvents', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-audit-cli-'));
    const scratch = kind === 'postgres' ? await createScratchDatabase() : null;
    const auditKey = randomBytes(32);
    const cli = (args: string[], env: Record<string, string>) => spawnSync(process.execPath, [bin, 'audit', ...args, '--data-dir', dataDir], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: scratch?.url ?? '', CALLCHART_AUDIT_KEY: '', ...env },
      timeout: 60_000,
    });
    try {
      if (!scratch) await seedPgliteDataDir(dataDir);
      const engine = await startEngine({
        config: defaultConfig, databaseUrl: scratch?.url, dataDir, fhirBaseUrl: 'http://127.0.0.1:9/fhir/R4', ehrAuth: false, webhookSecret: 'x',
        staffTokenSecret: randomBytes(32), dataKey: randomBytes(32), auditKey, port: 0, logger: createLogger({ level: 'silent' }),
      });
      for (let index = 0; index < 8; index++) {
        await recordAuditEvent(engine.db, { actor: 'system', action: 'test.event', objectType: 'call', objectId: `call-${index}`, outcome: 'success' });
      }
      await engine.close(); // chains what is pending and writes the stop checkpoint

      const keyEnv = { CALLCHART_AUDIT_KEY: auditKey.toString('base64') };
      const intact = cli(['verify'], keyEnv);
      expect(intact.stdout).toMatch(/^Audit chain intact: \d+ events/);
      expect(intact.status).toBe(0);

      const signed = cli(['export', '--format', 'jsonl', '--from', '2000-01-01'], keyEnv);
      expect(signed.status).toBe(0);
      expect(verifySignedAuditExport(deriveAuditKey(auditKey), signed.stdout)).toMatchObject({ ok: true, firstSeq: 1 });
      const fhir = cli(['export', '--format', 'fhir'], {});
      expect(fhir.status).toBe(0);
      const resources = fhir.stdout.trim().split('\n').map((line) => JSON.parse(line) as { resourceType: string; agent: unknown[] });
      expect(resources.length).toBeGreaterThanOrEqual(8);
      expect(resources.every((resource) => resource.resourceType === 'AuditEvent' && resource.agent.length === 1)).toBe(true);

      const db = await openDb({ databaseUrl: scratch?.url, dataDir });
      const head = await headSeq(db);
      await asOwner(db, `delete from audit_event where seq > ${head - 2}`);
      await db.close();

      const broken = cli(['verify'], keyEnv);
      expect(broken.stdout).not.toMatch(/intact/);
      expect(broken.status).toBe(1);
      expect(broken.stdout).toContain(`BROKEN at event #${head - 1}`);
      expect(broken.stdout).toContain(`events #${head - 1}..#${head} are missing (2 events) after the checkpoint of`);

      const keyless = cli(['verify'], {});
      expect(keyless.status).toBe(2);
      expect(keyless.stdout).not.toMatch(/intact/);
      expect(keyless.stderr).toContain('Cannot verify the audit log without the audit key');
    } finally {
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
