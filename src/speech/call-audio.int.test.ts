import { pcmToMulaw } from './audio/mulaw.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { AuditChainer, listAuditEvents } from '../audit/audit.repository.ts';
import { MemoryCheckpointSink } from '../audit/audit-checkpoint.ts';
import { deriveAuditKey } from '../audit/audit-key.ts';
import { parseQueuePolicyYaml, type QueuePolicy } from '../consent/queue-policy.schema.ts';
import { createMemoryKekProvider } from '../keys/memory-kek.client.ts';
import { destroyDataKeys, EnvelopeKeyring } from '../keys/keyring.service.ts';
import { RetentionPurge } from '../retention/retention-purge.service.ts';
import { buildRetentionReport } from '../retention/retention-report.service.ts';
import { releaseLegalHold, setLegalHold } from '../retention/retention.repository.ts';
import type { Db } from '../store/db.ts';
import { listCallAudio, openCallAudio } from './call-audio.repository.ts';
import { callAudioKeeper } from './call-audio.service.ts';

/**
 * Call audio kept per policy (issue 17, TR-3) on both stores, with a controllable clock (no
 * sleeps): kept only with `speech.audio.keep` and record consent as it stands at the call's end,
 * sealed at rest, deleted at its own expiry by the retention purge, kept by a legal hold, and
 * unreadable once its day's key is shredded. SYNTHETIC audio: a tone, mu-law encoded.
 */
const parsed = parseQueuePolicyYaml(`
version: audio-test
defaults: { transcription: true, ai: true, pattern: review, retention: standard, review: when-needed }
retention:
  standard: { contentDays: 60, audioDays: 30, metadataDays: 90 }
`);
if (!parsed.ok) throw new Error('test policy invalid');
const policy: QueuePolicy = parsed.value;
const policies = { current: { policy, version: 'audio-test' } };

const day = 86_400_000;
const callDay = new Date('2026-04-06T15:00:00Z');
const after = (days: number) => new Date(callDay.getTime() + days * day + 3_600_000);

/** Two seconds of a synthetic 440 Hz tone as Twilio sends it: 8 kHz mu-law. */
function syntheticCallAudio() {
  const samples = new Int16Array(16_000).map((_, index) => Math.round(8_000 * Math.sin((2 * Math.PI * 440 * index) / 8_000)));
  return { format: { encoding: 'mulaw' as const, sampleRate: 8_000, channels: 1 as const }, bytes: pcmToMulaw(samples), truncated: false };
}

describe.each(backendKinds)('call audio kept per policy, sealed, deleted on time (%s)', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let keyring: EnvelopeKeyring;
  let purge: RetentionPurge;
  let chainer: AuditChainer;

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    chainer = new AuditChainer(db, { key: deriveAuditKey(randomBytes(32)), checkpoints: new MemoryCheckpointSink(), intervalMs: 50, checkpointIntervalMs: 60_000 });
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

  /** An ended call with the consents given (as the IVR stores them). */
  const storeCall = async (consents: Record<string, 'granted' | 'declined'>) => {
    const callId = randomUUID();
    await db.query(
      `insert into call (id, provider, provider_call_id, status, queue, started_at, ended_at, caller_patient_ids, policy_decision)
       values ($1, 'twilio', $2, 'ended', 'front-desk', $3, $4, '{}', $5)`,
      [callId, `CA${callId.replaceAll('-', '')}`, new Date(callDay.getTime() - 120_000).toISOString(), callDay.toISOString(), JSON.stringify({ retention: 'standard' })],
    );
    for (const [scope, status] of Object.entries(consents)) await setConsent(callId, scope, status);
    return { callId, callSid: `CA${callId.replaceAll('-', '')}` };
  };
  const setConsent = (callId: string, scope: string, status: string) => db.query(
    `insert into call_consent (call_id, scope, status, source, captured_at, provider_event_id) values ($1, $2, $3, 'ivr', $4, $5)
     on conflict (call_id, scope) do update set status = excluded.status, captured_at = excluded.captured_at`,
    [callId, scope, status, callDay.toISOString(), `consent-${callId}-${scope}-${status}`],
  );
  const keeper = (keep: boolean, retentionDays = 3) => callAudioKeeper({ db, cipher: keyring, settings: { keep, retentionDays }, now: () => callDay });
  const auditOf = async (callId: string) => (await listAuditEvents(db, { limit: 100_000 })).filter((event) => event.objectId === callId);
  const rawRows = async (callId: string) => (await db.query<{ ciphertext: Uint8Array; key_id: string }>('select ciphertext, key_id from call_audio where call_id = $1', [callId])).rows;

  it('keeps the audio sealed with keep on and record consent granted: the mu-law bytes are not in the stored row', async () => {
    const call = await storeCall({ record: 'granted', transcribe: 'granted' });
    const audio = syntheticCallAudio();
    const kept = await keeper(true)({ ...call, consents: { record: { status: 'granted' } } }, audio);
    expect(kept).toMatchObject({ callId: call.callId, format: 'mulaw', sampleRate: 8_000, durationMs: 2_000, byteCount: audio.bytes.byteLength, expiresAt: new Date(callDay.getTime() + 3 * day).toISOString() });

    const rows = await rawRows(call.callId);
    expect(rows).toHaveLength(1);
    const raw = Buffer.from(rows[0]!.ciphertext);
    // Neither the audio nor any run of it, raw or as base64, is readable at rest.
    expect(raw.includes(Buffer.from(audio.bytes.subarray(4_000, 4_032)))).toBe(false);
    expect(raw.includes(Buffer.from(Buffer.from(audio.bytes).toString('base64').slice(4_000, 4_064)))).toBe(false);
    // The engine's keyring opens it again, byte for byte.
    expect(Buffer.from((await openCallAudio(db, keyring, kept!.id))!).equals(Buffer.from(audio.bytes))).toBe(true);

    const events = await auditOf(call.callId);
    const keptEvent = events.find((event) => event.action === 'audio.kept');
    expect(keptEvent).toMatchObject({ outcome: 'success', detail: { audioId: kept!.id, bytes: audio.bytes.byteLength, format: 'mulaw' } });
    // Ids, codes and counts only.
    expect(JSON.stringify(keptEvent)).not.toContain(Buffer.from(audio.bytes).toString('base64').slice(0, 16));
    const inventory = await db.query('select 1 from content_inventory where artifact_class = $1 and object_id = $2 and deleted_at is null', ['audio', kept!.id]);
    expect(inventory.rows).toHaveLength(1);
  });

  it('keeps nothing without record consent, or with keep off, and audits why', async () => {
    const refused = await storeCall({ record: 'declined', transcribe: 'granted' });
    expect(await keeper(true)({ ...refused, consents: { record: { status: 'declined' } } }, syntheticCallAudio())).toBeNull();
    const notKept = await storeCall({ record: 'granted', transcribe: 'granted' });
    expect(await keeper(false)({ ...notKept, consents: { record: { status: 'granted' } } }, syntheticCallAudio())).toBeNull();

    expect(await rawRows(refused.callId)).toHaveLength(0);
    expect(await rawRows(notKept.callId)).toHaveLength(0);
    expect((await auditOf(refused.callId)).find((event) => event.action === 'audio.discarded')).toMatchObject({ reason: 'NO_RECORD_CONSENT', consentStatus: 'record:declined' });
    expect((await auditOf(notKept.callId)).find((event) => event.action === 'audio.discarded')).toMatchObject({ reason: 'AUDIO_NOT_KEPT' });
  });

  it('reads record consent as it stands at the end of the call: withdrawn during the call, nothing is kept', async () => {
    const call = await storeCall({ record: 'granted', transcribe: 'granted' });
    const atStart = { record: { status: 'granted' } };
    await setConsent(call.callId, 'record', 'declined');
    expect(await keeper(true)({ ...call, consents: atStart }, syntheticCallAudio())).toBeNull();
    expect(await rawRows(call.callId)).toHaveLength(0);
    expect((await auditOf(call.callId)).find((event) => event.action === 'audio.discarded')).toMatchObject({ reason: 'NO_RECORD_CONSENT' });
  });

  it('is deleted by the retention purge at its own expiry, kept while a legal hold is in force, and shredded with its day\'s key', async () => {
    // Only calls of this test carry audio still live: earlier tests' audio is purged first.
    await purge.run(after(40));
    const kept = await storeCall({ record: 'granted', transcribe: 'granted' });
    const held = await storeCall({ record: 'granted', transcribe: 'granted' });
    const keptAudio = (await keeper(true, 3)({ ...kept, consents: { record: { status: 'granted' } } }, syntheticCallAudio()))!;
    const heldAudio = (await keeper(true, 3)({ ...held, consents: { record: { status: 'granted' } } }, syntheticCallAudio()))!;
    const sealedCopy = Buffer.from((await rawRows(kept.callId))[0]!.ciphertext);
    const hold = await setLegalHold(db, { scope: 'call', callId: held.callId, reason: 'synthetic complaint', actor: 'staff:auditor' }, after(1));

    // Listed in the report's inventory as a kind, with its rule.
    const report = await buildRetentionReport(db, policies.current, after(1), { recordMissing: false });
    expect(report.inventory.find((entry) => entry.artifactClass === 'audio')).toMatchObject({ live: 2 });
    expect(report.inventory.find((entry) => entry.artifactClass === 'audio')!.rule).toContain('speech.audio.retentionDays');

    // Day 2: not due (speech.audio.retentionDays is 3).
    await purge.run(after(2));
    expect(await listCallAudio(db, kept.callId)).toHaveLength(1);

    // Day 4: past its expiry (the class's audioDays, 30, would keep it longer): deleted, but not the held call's.
    const run = await purge.run(after(4));
    expect(run.callsHeld).toBeGreaterThanOrEqual(1);
    expect(await listCallAudio(db, kept.callId)).toHaveLength(0);
    expect(await listCallAudio(db, held.callId)).toHaveLength(1);
    // The rest of the call is untouched: only its audio was due.
    expect((await db.query('select 1 from call where id = $1', [kept.callId])).rows).toHaveLength(1);
    const inventory = await db.query<{ deleted_by: string | null }>('select deleted_by from content_inventory where artifact_class = $1 and object_id = $2', ['audio', keptAudio.id]);
    expect(inventory.rows[0]?.deleted_by).toBe('retention-purge');
    expect((await listAuditEvents(db, { limit: 100_000 })).some((event) => event.action === 'retention.purged' && event.objectType === 'audio' && event.objectId === keptAudio.id)).toBe(true);
    const afterPurge = await buildRetentionReport(db, policies.current, after(4), { recordMissing: false });
    expect(afterPurge.held.some((entry) => entry.callId === held.callId)).toBe(true);

    // The hold released: the held call's audio goes at the next run; the day's audio key is shredded.
    await releaseLegalHold(db, { id: hold.id, reason: 'complaint closed', actor: 'staff:auditor' }, after(5));
    await purge.run(after(5));
    expect(await listCallAudio(db, held.callId)).toHaveLength(0);
    expect(heldAudio.keyId).toBe(keptAudio.keyId);
    const key = await db.query<{ destroyed_at: Date | string | null; gone: boolean }>('select destroyed_at, wrapped_key is null as gone from data_key where id = $1', [keptAudio.keyId]);
    expect(key.rows[0]).toMatchObject({ gone: true });
    expect(key.rows[0]!.destroyed_at).not.toBeNull();
    // A copy of the ciphertext taken before (a backup, a dump) can no longer be opened.
    await expect(keyring.open(sealedCopy, keptAudio.keyId)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
  });
});
