import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, chainAuditFor, openTestDb } from '../../test/helpers/backends.ts';
import { syntheticEvent } from '../../test/helpers/engine-harness.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { normalizeCallerNumber } from '../calls/caller-number.ts';
import { latestTranscript, recordCallEvent } from '../calls/calls.repository.ts';
import { createReviewItem, loadVersions } from '../review/review.repository.ts';
import type { Db } from '../store/db.ts';
import { FileKekProvider } from './file-kek.client.ts';
import { KeyOperations } from './key-rotation.service.ts';
import { createFixedKeyring, EnvelopeKeyring } from './keyring.service.ts';

// Synthetic content only.
describe.each(backendKinds)('key rotation on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let stopChainer: () => Promise<void>;
  const keyDir = mkdtempSync(path.join(tmpdir(), 'callchart-rotate-'));
  const kekFile = path.join(keyDir, 'kek.json');
  const legacyKey = randomBytes(32);
  let keyring: EnvelopeKeyring;
  let keys: KeyOperations;

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    stopChainer = await chainAuditFor(db);
    keyring = new EnvelopeKeyring({ db, kek: new FileKekProvider(kekFile, { create: true }), legacyKeys: [legacyKey], refreshMs: 0 });
    await keyring.start();
    keys = new KeyOperations({ db, keyring });
  });
  afterAll(async () => {
    keyring.close();
    await stopChainer();
    await dispose();
    rmSync(keyDir, { recursive: true, force: true });
  });

  async function storeCall(cipher: Parameters<typeof recordCallEvent>[3], text: string): Promise<string> {
    const ended = syntheticEvent({ type: 'call.ended', callId: `rot-${randomBytes(4).toString('hex')}`, data: { transcript: { text } } });
    return (await db.transaction((tx) => recordCallEvent(tx, ended, normalizeCallerNumber(ended.call.ani), cipher))).callId;
  }

  it('rotates the KEK: new data keys under the new version at once, every old one re-wrapped, the old version retired, content still opens', async () => {
    const sealedBefore = await Promise.all(['summary', 'identity-evidence', 'draft-version'].map((artifactClass, index) =>
      keyring.sealFor(artifactClass as 'summary', new Date(Date.UTC(2026, 9, index + 1)), `synthetic ${artifactClass}`)));
    const oldKek = await keyring.kek.currentKekId();
    const { kek, rewrap } = await keys.rotate({ actor: 'staff:test-admin' });
    expect(kek).toMatchObject({ fromKekId: oldKek, kind: 'kek' });
    expect(kek.toKekId).not.toBe(oldKek);
    // New data keys are wrapped under the new version before the re-wrap has to finish.
    const fresh = await keyring.sealFor('transcript', new Date(Date.UTC(2026, 9, 20)), 'synthetic after rotation');
    const { rows: freshRow } = await db.query<{ kek_id: string }>('select kek_id from data_key where id = $1', [fresh.keyId]);
    expect(freshRow[0]!.kek_id).toBe(kek.toKekId);

    const finished = await rewrap;
    expect(finished.finishedAt).not.toBeNull();
    expect(finished.keysDone).toBe(finished.keysTotal);
    const status = await keys.status();
    expect(status.rewrapPending).toBe(0);
    expect(status.kekVersions.find((version) => version.id === oldKek)).toMatchObject({ dataKeys: 0, current: false, retiredAt: expect.any(String) });
    expect(status.kekVersions.find((version) => version.id === kek.toKekId)).toMatchObject({ current: true });

    // A fresh keyring (another engine, a restart) opens everything through the new KEK version.
    const other = new EnvelopeKeyring({ db, kek: new FileKekProvider(kekFile), refreshMs: 0 });
    await other.start();
    try {
      for (const [index, sealed] of sealedBefore.entries()) {
        expect(await other.open(sealed.sealed, sealed.keyId)).toBe(`synthetic ${['summary', 'identity-evidence', 'draft-version'][index]}`);
      }
    } finally {
      other.close();
    }
    const actions = (await listAuditEvents(db)).map((event) => event.action);
    expect(actions).toContain('keys.kek.rotated');
    expect(actions).toContain('keys.rewrap.progress');
    expect(actions).toContain('keys.kek.retired');
  });

  it('never writes a data key or KEK in clear: the key file holds KEKs only, the database wrapped keys only', async () => {
    const file = JSON.parse(readFileSync(kekFile, 'utf8')) as { versions: Array<{ key: string }> };
    const keks = file.versions.map((version) => Buffer.from(version.key, 'base64'));
    const { rows } = await db.query<{ wrapped_key: Uint8Array }>('select wrapped_key from data_key where wrapped_key is not null');
    const unwrapped = await Promise.all(
      (await db.query<{ id: string; wrapped_key: Uint8Array; kek_id: string }>('select id, wrapped_key, kek_id from data_key where wrapped_key is not null')).rows
        .map((row) => keyring.kek.unwrap(Buffer.from(row.wrapped_key), row.kek_id, row.id)),
    );
    const dump = Buffer.concat(rows.map((row) => Buffer.from(row.wrapped_key)));
    for (const key of [...keks, ...unwrapped]) expect(dump.includes(key)).toBe(false);
  });

  it('re-seals rows under the legacy single key under envelope data keys of their class and day', async () => {
    const legacy = createFixedKeyring(legacyKey);
    const callId = await storeCall(legacy, 'Synthetic legacy caller asks about a lab result.');
    const review = await db.transaction((tx) => createReviewItem(tx, legacy, {
      callId, status: 'pending', pattern: 'review', reasons: [], priority: 'routine', requestType: 'lab_results', redFlags: [], queue: null, policyVersion: null,
      firstVersion: { kind: 'blank-draft', author: 'policy', body: { note: { details: 'synthetic legacy draft' } } as never },
    }));
    expect((await keys.status()).legacyRows).toMatchObject({ transcript: 1, review_version: 1 });

    const { dataKeys, rewrap } = await keys.rotate({ actor: 'staff:test-admin', reseal: true });
    await rewrap;
    expect(dataKeys?.rowsResealed).toBe(2);
    expect(Object.values((await keys.status()).legacyRows)).toEqual([0, 0, 0, 0, 0]);
    // Opens without the legacy key now.
    const withoutLegacy = new EnvelopeKeyring({ db, kek: new FileKekProvider(kekFile), refreshMs: 0 });
    await withoutLegacy.start();
    try {
      expect(await latestTranscript(db, callId, withoutLegacy)).toBe('Synthetic legacy caller asks about a lab result.');
      expect((await loadVersions(db, withoutLegacy, review!.id))[0]!.body).toEqual({ note: { details: 'synthetic legacy draft' } });
    } finally {
      withoutLegacy.close();
    }
    // Review versions stay append-only for anything but a re-seal.
    await expect(db.query("update review_version set author = 'someone-else' where review_id = $1", [review!.id])).rejects.toThrow(/append-only/);
  });

  it('--data-keys starts new data keys for today; content under the replaced keys is re-sealed and still opens', async () => {
    const callId = await storeCall(keyring, 'Synthetic caller before the data-key rotation.');
    const { rows: before } = await db.query<{ key_id: string }>('select key_id from transcript where call_id = $1', [callId]);
    const { dataKeys, rewrap } = await keys.rotate({ actor: 'staff:test-admin', dataKeys: true, reseal: true });
    await rewrap;
    expect(dataKeys!.keysTotal).toBeGreaterThan(0);
    const { rows: after } = await db.query<{ key_id: string }>('select key_id from transcript where call_id = $1', [callId]);
    expect(after[0]!.key_id).not.toBe(before[0]!.key_id);
    expect(await latestTranscript(db, callId, keyring)).toBe('Synthetic caller before the data-key rotation.');
    const next = await keyring.sealFor('transcript', new Date(), 'synthetic');
    expect(next.keyId).toBe(after[0]!.key_id);
  });

  it('refuses a second rotation while a re-wrap runs', async () => {
    const first = await keys.rotate({ actor: 'staff:test-admin' });
    await expect(keys.rotate({ actor: 'staff:test-admin' })).rejects.toMatchObject({ code: 'KEY_ROTATION_RUNNING' });
    await first.rewrap;
  });
});
