import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCheckpointSink } from '../src/audit/audit-checkpoint.repository.ts';
import { deriveAuditKey } from '../src/audit/audit-key.ts';
import { listAuditEvents } from '../src/audit/audit.repository.ts';
import { findCall } from '../src/calls/calls.repository.ts';
import { destroyDataKeys } from '../src/keys/keyring.service.ts';
import { RetentionPurge } from '../src/retention/retention-purge.service.ts';
import { provePurge } from '../src/retention/retention-report.service.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { backendKinds } from './helpers/backends.ts';
import { eventually, startHarness, type Harness } from './helpers/engine-harness.ts';
import { reviewCalls } from './helpers/review-calls.ts';

/**
 * A call that went the whole way (IVR, transcript, understanding, auto-approved summary, Task in
 * the EHR) is purged by the retention purge on a clock moved forward: its content after the
 * content days, the call itself after the metadata days; its data keys are destroyed, a copy of
 * its ciphertext taken before can no longer be opened, and its purge proof verifies. Whatever the
 * pipeline stored for the call, the purge finds and removes it. Synthetic data only.
 */
const canary = 'CANARY-RETENTION-5d1e';
const day = 86_400_000;

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('purge of a call that went the whole way (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr });
  });
  afterAll(async () => harness.close());
  const { api, placeCall } = reviewCalls(() => harness, () => ehr);

  it('purges content, then the call, shreds its keys, and proves it', async () => {
    const { item } = await placeCall({ id: `${kind}-retention-1`, queue: 'demo-summary-only', dob: true, text: `Synthetic: I need to book a follow-up appointment next week. ${canary}` });
    const { callId } = item;
    // The chart has what it needs before anything is purged.
    await eventually(async () => {
      const items = (await api('GET', `/api/write-back?callId=${callId}`, undefined, 'supervisor')).body.items as { status: string }[];
      return items.length > 0 && items.every((entry) => entry.status === 'delivered') ? true : null;
    }, 60_000, 'the write-back delivered');
    const { db } = harness.engine;
    const sealed = (await db.query<{ ciphertext: Uint8Array; key_id: string }>('select ciphertext, key_id from transcript where call_id = $1', [callId])).rows[0]!;
    const copy = Buffer.from(sealed.ciphertext);
    expect(await harness.engine.keyring.open(copy, sealed.key_id)).toContain(canary);

    const purge = new RetentionPurge({ db, policies: harness.engine.policies, destroyDataKeys: (store, keyIds, reason) => destroyDataKeys(store, keyIds, reason, 'system:retention') });
    const classOf = harness.engine.policies.current.policy.retention.standard!;
    // Past the content days: content gone and its keys shredded; the call row stays for its metadata days.
    const content = await purge.run(new Date(Date.now() + (classOf.contentDays + 2) * day));
    expect(content.callsFailed).toBe(0);
    expect(content.keysDestroyed).toContain(sealed.key_id);
    expect(await findCall(db, callId)).not.toBeNull();
    for (const table of ['transcript', 'call_analysis', 'identity_evidence']) {
      expect(Number((await db.query<{ n: string }>(`select count(*)::text as n from ${table} where call_id = $1`, [callId])).rows[0]!.n), table).toBe(0);
    }
    await expect(harness.engine.keyring.open(copy, sealed.key_id)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });

    // Past the metadata days: the call itself, with everything that named it.
    const metadata = await purge.run(new Date(Date.now() + (classOf.metadataDays + 2) * day));
    expect(metadata).toMatchObject({ callsFailed: 0, callsRemoved: 1 });
    expect(await findCall(db, callId)).toBeNull();

    const audit = await listAuditEvents(db, { limit: 100_000 });
    const purged = audit.filter((event) => event.action === 'retention.purged' && event.detail.callId === callId);
    expect(new Set(purged.map((event) => event.objectType))).toEqual(new Set(['transcript', 'redacted-transcript', 'summary', 'draft-version', 'call-metadata']));
    expect(JSON.stringify(audit)).not.toContain(canary);
    // What the database still holds of the call: nothing but ids in the inventory and the audit log.
    const leftovers = await db.query<{ table_name: string }>(
      `select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'call_id' and table_name not in ('content_inventory', 'legal_hold')`,
    );
    for (const { table_name: table } of leftovers.rows) {
      expect(Number((await db.query<{ n: string }>(`select count(*)::text as n from "${table}" where call_id::text = $1`, [callId])).rows[0]!.n), table).toBe(0);
    }

    await listAuditEvents(db, { limit: 1 });
    const proof = await provePurge(db, callId, { key: deriveAuditKey(harness.auditKey), checkpoints: new FileCheckpointSink(harness.auditCheckpointFile) });
    expect(proof.gaps).toEqual([]);
    expect(proof).toMatchObject({ verdict: 'proven', callRemoved: true, auditChain: { ok: true } });
  });
});
