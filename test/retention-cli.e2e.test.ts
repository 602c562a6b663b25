import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainPendingAuditEvents } from '../src/audit/audit.repository.ts';
import { deriveAuditKey } from '../src/audit/audit-key.ts';
import { exampleQueuePolicyFile, loadQueuePolicy } from '../src/consent/queue-policy.loader.ts';
import { QueuePolicyStore } from '../src/consent/queue-policy.service.ts';
import { resolveAuditKey } from '../src/engine/secrets.ts';
import { EnvelopeKeyring } from '../src/keys/keyring.service.ts';
import { createMemoryKekProvider } from '../src/keys/memory-kek.client.ts';
import { openDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { seedPgliteDataDir } from './helpers/pglite-template.ts';
import { storeRetentionCall } from './helpers/retention-calls.ts';

/**
 * `callchart retention report | purge | proof` against an embedded store, as an operator runs them:
 * red before the purge, green after it, and a purge proof that verifies. Synthetic data only.
 */
const bin = path.resolve('bin/callchart.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-retention-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args, '--data-dir', dataDir], {
    encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', CALLCHART_AUDIT_KEY: '' }, timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('callchart retention', () => {
  let callId: string;
  let keptCallId: string;

  beforeAll(async () => {
    await seedPgliteDataDir(dataDir);
    const db = await openDb({ dataDir });
    try {
      await migrate(db);
      const policy = loadQueuePolicy(exampleQueuePolicyFile);
      await new QueuePolicyStore(db, policy).activate(policy, { changedBy: 'system:test', reason: 'synthetic' });
      const keyring = new EnvelopeKeyring({ db, kek: createMemoryKekProvider(), refreshMs: 0 });
      await keyring.start();
      // The example policy keeps content 90 days (a keyed date of birth a day): one call 100 days old, one from an hour ago.
      ({ callId } = await storeRetentionCall(db, keyring, { retention: 'standard', endedAt: new Date(Date.now() - 100 * 86_400_000) }));
      ({ callId: keptCallId } = await storeRetentionCall(db, keyring, { retention: 'standard', endedAt: new Date(Date.now() - 3_600_000) }));
      keyring.close();
      await chainPendingAuditEvents(db, deriveAuditKey(resolveAuditKey(dataDir).key));
    } finally {
      await db.close();
    }
  });

  it('reports content past policy and exits 1, purges it, then reports nothing past policy', () => {
    const before = cli(['retention', 'report']);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('PAST POLICY');
    expect(before.stdout).toContain(`transcript`);
    expect(before.stdout).toContain(callId);
    expect(before.stdout).not.toContain(keptCallId);

    const purge = cli(['retention', 'purge']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(purge.stdout).toMatch(/6 artifacts purged, 0 calls removed, [1-9]\d* keys destroyed/);

    const after = cli(['retention', 'report', '--json']);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, pastPolicy: { total: 0 }, lastRun: { status: 'finished', artifactsPurged: 6 } });
  });

  it('proves the purge of a call, and refuses to call an untouched call purged', () => {
    const proof = cli(['retention', 'proof', callId]);
    expect(proof.code, proof.stdout + proof.stderr).toBe(0);
    expect(proof.stdout).toContain(`Purge of call ${callId}: PROVEN`);
    expect(proof.stdout).toContain('audit chain: verifies');
    expect(proof.stdout).toMatch(/key dk-[0-9a-f]+: destroyed .* wrapped key erased/);
    expect(proof.stdout).not.toContain('lisinopril');
    const untouched = cli(['retention', 'proof', keptCallId]);
    expect(untouched.code).toBe(1);
    expect(untouched.stdout).toContain('NOT PURGED');
  });
});
