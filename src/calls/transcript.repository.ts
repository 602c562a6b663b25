import { z } from 'zod';
import type { Queryable } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { QualityReason, TranscriptQuality } from '../speech/speech-engine.ts';
import { transcriptSegmentSchema, type transcriptSchema } from './call-event.schema.ts';
import { chooseBestTranscript, type StoredTranscriptFacts } from './transcript-choice.ts';

/**
 * The `transcript` table with its quality (migration 0037): the text and, when the source gave them,
 * the segments with words and confidences, sealed together in one value under the transcript's data
 * key (the words are PHI); the verdict and its reason codes in clear. Read back decrypted in memory
 * only. Also the staging table of Twilio real-time utterances.
 */
export type TranscriptSegmentRecord = z.infer<typeof transcriptSegmentSchema>;

export interface StoredTranscript extends StoredTranscriptFacts {
  /** PHI: never log it. */
  text: string;
  /** Empty when the source gave none. PHI: never log them. */
  segments: TranscriptSegmentRecord[];
}

const sealedWithSegments = z.object({ text: z.string(), segments: z.array(transcriptSegmentSchema) });

/** Stores one transcript of a call (the caller checked consent), in the caller's transaction. */
export async function storeTranscript(
  tx: Queryable,
  cipher: ContentKeyring,
  input: { eventId: string; callId: string; source: string; transcript: z.infer<typeof transcriptSchema> },
): Promise<void> {
  const { transcript } = input;
  const segments = transcript.segments ?? [];
  const plaintext = segments.length > 0 ? JSON.stringify({ text: transcript.text, segments }) : transcript.text;
  const { sealed, keyId } = await cipher.sealFor('transcript', new Date(), plaintext, tx);
  await tx.query(
    `insert into transcript (event_id, call_id, source, ciphertext, key_id, sealed_format, quality, quality_reasons)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [input.eventId, input.callId, input.source, sealed, keyId, segments.length > 0 ? 'text+segments' : 'text', transcript.quality ?? null, transcript.qualityReasons ?? []],
  );
}

interface TranscriptRow {
  event_id: string | number;
  source: string;
  quality: TranscriptQuality | null;
  quality_reasons: QualityReason[] | null;
  created_at: Date | string;
  sealed_format: 'text' | 'text+segments';
  ciphertext: Uint8Array;
  key_id: string;
}

function factsOf(row: TranscriptRow): StoredTranscriptFacts {
  return {
    eventId: String(row.event_id), source: row.source, quality: row.quality, qualityReasons: row.quality_reasons ?? [],
    storedAt: new Date(row.created_at).toISOString(),
  };
}

async function openRow(db: Queryable, row: TranscriptRow, cipher: ContentKeyring): Promise<StoredTranscript> {
  const plaintext = await cipher.open(row.ciphertext, row.key_id, db);
  if (row.sealed_format === 'text+segments') {
    const opened = sealedWithSegments.parse(JSON.parse(plaintext));
    return { ...factsOf(row), text: opened.text, segments: opened.segments };
  }
  return { ...factsOf(row), text: plaintext, segments: [] };
}

const transcriptColumns = 'event_id, source, quality, quality_reasons, created_at, sealed_format, ciphertext, key_id';

/** Every transcript of a call, facts only (ids, sources, codes): nothing is decrypted. */
export async function listTranscriptFacts(db: Queryable, callId: string): Promise<StoredTranscriptFacts[]> {
  const { rows } = await db.query<TranscriptRow>(`select ${transcriptColumns} from transcript where call_id = $1 order by created_at, event_id`, [callId]);
  return rows.map(factsOf);
}

/** One transcript, decrypted (null when it is gone). */
export async function openTranscript(db: Queryable, eventId: string, cipher: ContentKeyring): Promise<StoredTranscript | null> {
  const { rows } = await db.query<TranscriptRow>(`select ${transcriptColumns} from transcript where event_id = $1::bigint`, [eventId]);
  return rows[0] ? openRow(db, rows[0], cipher) : null;
}

/** The newest transcript of a call, decrypted. */
export async function newestTranscript(db: Queryable, callId: string, cipher: ContentKeyring): Promise<StoredTranscript | null> {
  const { rows } = await db.query<TranscriptRow>(`select ${transcriptColumns} from transcript where call_id = $1 order by created_at desc, event_id desc limit 1`, [callId]);
  return rows[0] ? openRow(db, rows[0], cipher) : null;
}

/** The best transcript of a call (transcript-choice.ts), decrypted; only that one is opened. */
export async function bestTranscript(db: Queryable, callId: string, cipher: ContentKeyring, fallback: 'pbx' | 'http' | 'none' = 'pbx'): Promise<StoredTranscript | null> {
  const best = chooseBestTranscript(await listTranscriptFacts(db, callId), fallback);
  return best ? openTranscript(db, best.eventId, cipher) : null;
}

// ---------- Twilio real-time transcription: final utterances before they are one transcript ----------

/**
 * Makes one final utterance durable (sealed as a transcript). Idempotent on (call, transcription,
 * sequence): Twilio's retry of the same callback stores nothing. True when it was new.
 */
export async function saveRealtimeUtterance(
  tx: Queryable,
  cipher: ContentKeyring,
  input: { callId: string; transcriptionSid: string; sequenceId: number; confidence: number | null; text: string },
): Promise<boolean> {
  const { sealed, keyId } = await cipher.sealFor('transcript', new Date(), input.text, tx);
  const result = await tx.query(
    `insert into realtime_transcript_segment (call_id, transcription_sid, sequence_id, confidence, ciphertext, key_id)
     values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
    [input.callId, input.transcriptionSid, input.sequenceId, input.confidence, sealed, keyId],
  );
  return result.rowCount > 0;
}

/** The transcriptions of a call that have utterances not yet assembled into a transcript. */
export async function unassembledTranscriptions(db: Queryable, callId: string): Promise<string[]> {
  const { rows } = await db.query<{ transcription_sid: string }>(
    'select distinct transcription_sid from realtime_transcript_segment where call_id = $1 and assembled_at is null order by transcription_sid',
    [callId],
  );
  return rows.map((row) => row.transcription_sid);
}

/** A transcription's stored utterances in SequenceId order, decrypted (assembled ones hold no text). */
export async function loadRealtimeUtterances(
  db: Queryable, callId: string, transcriptionSid: string, cipher: ContentKeyring,
): Promise<Array<{ sequenceId: number; confidence: number | null; text: string; receivedAt: string }>> {
  const { rows } = await db.query<{ sequence_id: number; confidence: number | null; ciphertext: Uint8Array; key_id: string; received_at: Date | string }>(
    `select sequence_id, confidence, ciphertext, key_id, received_at from realtime_transcript_segment
     where call_id = $1 and transcription_sid = $2 and ciphertext is not null order by sequence_id`,
    [callId, transcriptionSid],
  );
  const utterances = [];
  for (const row of rows) {
    utterances.push({
      sequenceId: Number(row.sequence_id), confidence: row.confidence === null ? null : Number(row.confidence),
      text: await cipher.open(row.ciphertext, row.key_id, db), receivedAt: new Date(row.received_at).toISOString(),
    });
  }
  return utterances;
}

/**
 * After the utterances became one transcript: their sealed text is dropped here (the transcript row
 * holds it, under retention), the ids stay so a late retry is still recognised.
 */
export async function markRealtimeAssembled(tx: Queryable, callId: string, transcriptionSid: string): Promise<void> {
  await tx.query(
    'update realtime_transcript_segment set ciphertext = null, key_id = null, assembled_at = now() where call_id = $1 and transcription_sid = $2',
    [callId, transcriptionSid],
  );
}
