import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import canonicalize from 'canonicalize';
import { afterEach, describe, expect, it } from 'vitest';
import { listAuditEvents, recordAuditEvent, verifyAuditChain } from '../../src/audit/audit.repository.ts';
import { defaultConfig } from '../../src/config/config.schema.ts';
import { startEngine } from '../../src/engine/engine.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { backendKinds, createScratchDatabase } from '../helpers/backends.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';

// Issue 11, finding 5: deleting the tail, deleting everything, or editing a row and recomputing the
// (unkeyed) hashes left `audit verify` saying "intact".

const noEhr = { baseUrl: 'http://127.0.0.1:9/fhir/R4', close: async () => undefined };

async function asOwner(db: Db, sql: string): Promise<void> {
  // What a table owner can do: switch the append-only trigger off, rewrite, switch it back on.
  await db.transaction((tx) => tx.exec(`alter table audit_event disable trigger all; ${sql}; alter table audit_event enable trigger all;`));
}

/** The old, unkeyed link hash: anyone with the rows can recompute it. */
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

describe.each(backendKinds)('audit truncation and re-hashing on %s', (kind) => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  async function loggedEngine(): Promise<{ db: Db; head: number }> {
    harness = await startHarness(kind, { ehr: noEhr });
    const db = harness.engine.db;
    for (let index = 0; index < 12; index++) {
      await recordAuditEvent(db, { actor: 'system', action: 'test.event', objectType: 'call', objectId: `call-${index}`, outcome: 'success' });
    }
    await listAuditEvents(db, { limit: 1 });
    const head = await headSeq(db);
    return { db, head };
  }

  it('deleting the last rows is reported, naming the missing events', async () => {
    const { db, head } = await loggedEngine();
    await asOwner(db, `delete from audit_event where seq > ${head - 3}`);
    const verdict = await verifyAuditChain(db);
    expect(verdict.ok).toBe(false);
  });

  it('deleting every row is reported', async () => {
    const { db } = await loggedEngine();
    await asOwner(db, 'delete from audit_event');
    const verdict = await verifyAuditChain(db);
    expect(verdict.ok).toBe(false);
  });

  it('editing a row and recomputing every later hash (without the key) is reported', async () => {
    const { db, head } = await loggedEngine();
    const target = head - 5;
    const events = (await listAuditEvents(db, { limit: 10_000 })).filter((event) => event.seq >= target);
    let prevHash = events[0]!.prevHash;
    const updates: string[] = [];
    for (const event of events) {
      const edited = { ...event, prevHash, ...(event.seq === target ? { outcome: 'failure' as const } : {}) };
      const hash = unkeyedHash(edited);
      updates.push(`update audit_event set outcome = '${edited.outcome}', prev_hash = '${prevHash}', hash = '${hash}' where seq = ${event.seq}`);
      prevHash = hash;
    }
    await asOwner(db, updates.join(';\n'));
    const verdict = await verifyAuditChain(db);
    expect(verdict.ok).toBe(false);
  });

  it('deleting a row in the middle is reported, naming it', async () => {
    const { db, head } = await loggedEngine();
    await asOwner(db, `delete from audit_event where seq = ${head - 6}`);
    const verdict = await verifyAuditChain(db);
    expect(verdict.ok).toBe(false);
  });

  it('the real CLI (`callchart audit verify`) exits 1 and names the deleted tail', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-audit-cli-'));
    const scratch = kind === 'postgres' ? await createScratchDatabase() : null;
    const auditKey = randomBytes(32);
    try {
      const engine = await startEngine({
        config: defaultConfig, databaseUrl: scratch?.url, dataDir, fhirBaseUrl: noEhr.baseUrl, ehrAuth: false, webhookSecret: 'x',
        staffTokenSecret: randomBytes(32), dataKey: randomBytes(32), port: 0, logger: createLogger({ level: 'silent' }),
        ...({ auditKey } as object),
      });
      for (let index = 0; index < 8; index++) {
        await recordAuditEvent(engine.db, { actor: 'system', action: 'test.event', objectType: 'call', objectId: `call-${index}`, outcome: 'success' });
      }
      await engine.close();
      const db = await openDb({ databaseUrl: scratch?.url, dataDir });
      const head = await headSeq(db);
      await asOwner(db, `delete from audit_event where seq > ${head - 2}`);
      await db.close();
      const result = spawnSync(process.execPath, [path.resolve('bin/callchart.js'), 'audit', 'verify', '--data-dir', dataDir], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: scratch?.url ?? '', CALLCHART_AUDIT_KEY: auditKey.toString('base64') },
        timeout: 60_000,
      });
      expect(result.stdout).not.toMatch(/intact/);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(`#${head - 1}..#${head}`);
    } finally {
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
