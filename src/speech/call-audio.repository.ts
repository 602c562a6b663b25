/**
 * Storage of kept call audio (`call_audio`, migration 0038): sealed with the day's `audio` data key
 * (envelope encryption, as transcripts), in the content inventory by trigger, so retention purges
 * and shreds it like every other artifact. Audio is PHI: nothing of it is logged or audited; the
 * audit entry carries ids, format and counts only.
 */
import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { Db, Queryable } from '../store/db.ts';
import { audioDurationMs } from './call-audio.ts';
import type { AudioFormat } from './speech-engine.ts';

export interface KeptCallAudio {
  id: string;
  callId: string;
  format: AudioFormat['encoding'];
  sampleRate: number;
  durationMs: number;
  byteCount: number;
  truncated: boolean;
  keyId: string;
  createdAt: string;
  expiresAt: string;
}

interface CallAudioRow {
  id: string; call_id: string; format: AudioFormat['encoding']; sample_rate: number; duration_ms: number; byte_count: number; truncated: boolean;
  key_id: string; created_at: Date | string; expires_at: Date | string;
}

function fromRow(row: CallAudioRow): KeptCallAudio {
  return {
    id: row.id, callId: row.call_id, format: row.format, sampleRate: Number(row.sample_rate), durationMs: Number(row.duration_ms), byteCount: Number(row.byte_count),
    truncated: row.truncated, keyId: row.key_id, createdAt: new Date(row.created_at).toISOString(), expiresAt: new Date(row.expires_at).toISOString(),
  };
}

/**
 * Seals and stores one call's audio, and audits `audio.kept` in the same transaction: when this
 * returns, the audio is durable and its keeping is on the record. The audio is sealed as base64
 * text (the keyring seals strings); AES-GCM over it leaves no µ-law byte readable at rest.
 */
export async function storeCallAudio(
  db: Db,
  cipher: ContentKeyring,
  input: { callId: string; format: AudioFormat; bytes: Uint8Array; truncated: boolean; expiresAt: Date; actor?: string },
  now = new Date(),
): Promise<KeptCallAudio> {
  const id = randomUUID();
  const durationMs = audioDurationMs(input.format, input.bytes.byteLength);
  return db.transaction(async (tx) => {
    const { sealed, keyId } = await cipher.sealFor('audio', now, Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).toString('base64'), tx);
    const { rows } = await tx.query<CallAudioRow>(
      `insert into call_audio (id, call_id, format, sample_rate, duration_ms, byte_count, truncated, ciphertext, key_id, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       returning id, call_id, format, sample_rate, duration_ms, byte_count, truncated, key_id, created_at, expires_at`,
      [id, input.callId, input.format.encoding, input.format.sampleRate, durationMs, input.bytes.byteLength, input.truncated, sealed, keyId, now.toISOString(), input.expiresAt.toISOString()],
    );
    await appendAuditEvent(tx, {
      actor: input.actor ?? 'speech', action: 'audio.kept', objectType: 'call', objectId: input.callId, outcome: 'success', consentStatus: 'record:granted',
      detail: { audioId: id, keyId, format: input.format.encoding, sampleRate: input.format.sampleRate, durationMs, bytes: input.bytes.byteLength, truncated: input.truncated, expiresAt: input.expiresAt.toISOString() },
    }, now);
    return fromRow(rows[0]!);
  });
}

/** The kept audio of a call, metadata only (no ciphertext). */
export async function listCallAudio(db: Queryable, callId: string): Promise<KeptCallAudio[]> {
  const { rows } = await db.query<CallAudioRow>(
    'select id, call_id, format, sample_rate, duration_ms, byte_count, truncated, key_id, created_at, expires_at from call_audio where call_id = $1 order by created_at, id',
    [callId],
  );
  return rows.map(fromRow);
}

/**
 * Opens one kept recording (the bytes as received). Not a staff read path (none exists yet): for
 * the engine's own use and for tests proving the sealing and the shredding. A destroyed key →
 * DATA_KEY_DESTROYED; unknown → DATA_KEY_UNKNOWN.
 */
export async function openCallAudio(db: Queryable, cipher: ContentKeyring, id: string): Promise<Uint8Array | null> {
  const { rows } = await db.query<{ ciphertext: Uint8Array; key_id: string }>('select ciphertext, key_id from call_audio where id = $1', [id]);
  const row = rows[0];
  if (!row) return null;
  return new Uint8Array(Buffer.from(await cipher.open(row.ciphertext, row.key_id, db), 'base64'));
}
