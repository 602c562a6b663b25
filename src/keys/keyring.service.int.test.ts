import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, chainAuditFor, openTestDb } from '../../test/helpers/backends.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { createContentCipher } from '../store/content-cipher.ts';
import type { Db } from '../store/db.ts';
import { FileKekProvider } from './file-kek.client.ts';
import { destroyDataKeys, EnvelopeKeyring } from './keyring.service.ts';

// Synthetic content only: no real person is named anywhere in these tests.
describe.each(backendKinds)('data keys on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let stopChainer: () => Promise<void>;
  const keyDir = mkdtempSync(path.join(tmpdir(), 'callchart-kek-'));
  const kekFile = path.join(keyDir, 'kek.json');
  const legacyKey = randomBytes(32);
  let keyring: EnvelopeKeyring;
  const now = new Date('2026-12-07T10:00:00Z');

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    stopChainer = await chainAuditFor(db);
    keyring = new EnvelopeKeyring({ db, kek: new FileKekProvider(kekFile, { create: true }), legacyKeys: [legacyKey], refreshMs: 0, now: () => now });
    await keyring.start();
  });
  afterAll(async () => {
    keyring.close();
    await stopChainer();
    await dispose();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('seals each class and day under its own data key, stored only wrapped, and opens by key id', async () => {
    const transcript = await keyring.sealFor('transcript', now, 'Synthetic caller asks for a refill.');
    const summary = await keyring.sealFor('summary', now, 'Synthetic summary.');
    const yesterday = await keyring.sealFor('transcript', new Date('2026-12-06T23:59:00Z'), 'Synthetic older call.');
    expect(new Set([transcript.keyId, summary.keyId, yesterday.keyId]).size).toBe(3);
    expect((await keyring.sealFor('transcript', new Date('2026-12-07T23:00:00Z'), 'again')).keyId).toBe(transcript.keyId);
    expect(await keyring.open(transcript.sealed, transcript.keyId)).toBe('Synthetic caller asks for a refill.');
    expect(await keyring.open(yesterday.sealed, yesterday.keyId)).toBe('Synthetic older call.');

    const { rows } = await db.query<{ artifact_class: string; bucket: string; wrapped_key: Uint8Array; kek_id: string }>(
      'select artifact_class, bucket::text as bucket, wrapped_key, kek_id from data_key where id = $1', [transcript.keyId],
    );
    expect(rows[0]).toMatchObject({ artifact_class: 'transcript', bucket: '2026-12-07', kek_id: await keyring.kek.currentKekId() });
    expect(Buffer.from(rows[0]!.wrapped_key)).toHaveLength(60);
  });

  it('opens a record from a fresh keyring (another engine, a restart) through the KEK', async () => {
    const sealed = await keyring.sealFor('draft-version', now, 'Synthetic draft.');
    const other = new EnvelopeKeyring({ db, kek: new FileKekProvider(kekFile), refreshMs: 0, now: () => now });
    await other.start();
    try {
      expect(await other.open(sealed.sealed, sealed.keyId)).toBe('Synthetic draft.');
    } finally {
      other.close();
    }
  });

  it('keeps opening rows sealed under the legacy single data key', async () => {
    const legacy = createContentCipher(legacyKey);
    const sealed = legacy.encrypt('Synthetic legacy transcript.');
    expect(await keyring.open(sealed, legacy.keyId)).toBe('Synthetic legacy transcript.');
  });

  it('refuses an unknown key id without trying another key', async () => {
    const sealed = await keyring.sealFor('transcript', now, 'Synthetic.');
    await expect(keyring.open(sealed.sealed, 'dk-00000000000000000000')).rejects.toMatchObject({ code: 'DATA_KEY_UNKNOWN' });
  });

  it('a destroyed data key makes its records unreadable, and nothing else', async () => {
    const day = new Date('2026-11-01T08:00:00Z');
    const doomed = await keyring.sealFor('identity-evidence', day, '19520303');
    const kept = await keyring.sealFor('identity-evidence', new Date('2026-11-02T08:00:00Z'), '19600101');
    expect(await keyring.open(doomed.sealed, doomed.keyId)).toBe('19520303'); // now cached in memory
    expect(await destroyDataKeys(db, [doomed.keyId], 'retention')).toEqual([doomed.keyId]);
    await expect(keyring.open(doomed.sealed, doomed.keyId)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    expect(() => keyring.decrypt(doomed.sealed, doomed.keyId)).toThrow();
    expect(await keyring.open(kept.sealed, kept.keyId)).toBe('19600101');
    // Destroying again is a no-op, not a second audit event.
    expect(await destroyDataKeys(db, [doomed.keyId], 'retention')).toEqual([]);
    const { rows } = await db.query<{ wrapped_key: Uint8Array | null; destroyed_reason: string }>('select wrapped_key, destroyed_reason from data_key where id = $1', [doomed.keyId]);
    expect(rows[0]).toEqual({ wrapped_key: null, destroyed_reason: 'retention' });
    const events = (await listAuditEvents(db)).filter((event) => event.action === 'keys.data-key.destroyed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ objectId: doomed.keyId, reason: 'retention', detail: { artifactClass: 'identity-evidence', bucket: '2026-11-01' } });
  });

  it('audits every data key made, with ids only', async () => {
    const created = (await listAuditEvents(db)).filter((event) => event.action === 'keys.data-key.created');
    const { rows } = await db.query<{ id: string }>('select id from data_key');
    expect(created.map((event) => event.objectId).sort()).toEqual(rows.map((row) => row.id).sort());
  });

  it('refuses to start with a KEK that cannot open the stored data keys', async () => {
    const foreignDir = mkdtempSync(path.join(tmpdir(), 'callchart-kek-foreign-'));
    try {
      const foreign = new EnvelopeKeyring({ db, kek: new FileKekProvider(path.join(foreignDir, 'kek.json'), { create: true }), refreshMs: 0 });
      await expect(foreign.start()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/cannot open the data keys/) });
    } finally {
      rmSync(foreignDir, { recursive: true, force: true });
    }
    expect(() => new FileKekProvider(path.join(foreignDir, 'missing.json'))).toThrow(/does not exist/);
  });
});
