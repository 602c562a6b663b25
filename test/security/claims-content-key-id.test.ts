import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../helpers/backends.ts';
import { syntheticEvent } from '../helpers/engine-harness.ts';
import type { Db } from '../../src/store/db.ts';
import { createFixedKeyring } from '../../src/keys/keyring.service.ts';
import { normalizeCallerNumber } from '../../src/calls/caller-number.ts';
import { latestTranscript, loadCallAnalysis, recordCallEvent, saveCallAnalysis } from '../../src/calls/calls.repository.ts';
import { loadDobEvidence, saveDobEvidence } from '../../src/calls/identity-evidence.repository.ts';

/**
 * Finding 12 (claims): content-cipher.ts says "the key id is stored beside each record so keys can
 * rotate", but `decrypt` ignored the stored `key_id` and always tried the current key. After a
 * rotation every older record failed with an opaque GCM error. Now the stored id picks the key from
 * the keyring (current + previous keys); an id the keyring does not hold is refused with
 * DATA_KEY_UNKNOWN before any decryption is tried.
 */
describe.each(backendKinds)('call content is opened with the key its row names (%s)', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());

  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const sealedUnderOld = createFixedKeyring(oldKey);

  async function storeUnderOldKey(callId: string) {
    const ended = syntheticEvent({ type: 'call.ended', callId, data: { transcript: { text: 'Synthetic caller asks for a refill.' } } });
    const { callId: id } = await db.transaction((tx) => recordCallEvent(tx, ended, normalizeCallerNumber(ended.call.ani), sealedUnderOld));
    await db.transaction(async (tx) => {
      await saveDobEvidence(tx, id, '03031952', `${callId}-dob`, sealedUnderOld);
      await saveCallAnalysis(tx, id, {
        requestType: 'prescription_refill', requestTypes: ['prescription_refill'], redFlags: [], urgency: 'routine', method: 'transcript',
        transcriptEventId: null, sealed: sealedUnderOld.encrypt(JSON.stringify({ marker: 'synthetic-analysis' })), keyId: sealedUnderOld.keyId,
      });
    });
    return id;
  }

  it('after a rotation, rows sealed under the previous key still open when that key is in the keyring', async () => {
    const callId = await storeUnderOldKey(`rotated-${randomBytes(3).toString('hex')}`);
    const rotated = createFixedKeyring(newKey, [oldKey]);
    expect(rotated.keyId).not.toBe(sealedUnderOld.keyId);
    expect(await latestTranscript(db, callId, rotated)).toBe('Synthetic caller asks for a refill.');
    expect(await loadDobEvidence(db, callId, rotated)).toBe('03031952');
    expect((await loadCallAnalysis<{ marker: string }>(db, callId, rotated))?.analysis.marker).toBe('synthetic-analysis');
  });

  it('a row whose key is not in the keyring is refused with DATA_KEY_UNKNOWN, not tried with the wrong key', async () => {
    const callId = await storeUnderOldKey(`unknown-${randomBytes(3).toString('hex')}`);
    const withoutOldKey = createFixedKeyring(newKey);
    for (const read of [() => latestTranscript(db, callId, withoutOldKey), () => loadDobEvidence(db, callId, withoutOldKey), () => loadCallAnalysis(db, callId, withoutOldKey)]) {
      await expect(read()).rejects.toMatchObject({ code: 'DATA_KEY_UNKNOWN' });
    }
  });
});
