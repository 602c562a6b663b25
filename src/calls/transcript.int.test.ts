import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import { syntheticEvent } from '../../test/helpers/engine-harness.ts';
import type { Db } from '../store/db.ts';
import { createFixedKeyring } from '../keys/keyring.service.ts';
import type { CallEvent } from './call-event.schema.ts';
import { normalizeCallerNumber } from './caller-number.ts';
import { latestTranscript, recordCallEvent } from './calls.repository.ts';
import {
  bestTranscript, listTranscriptFacts, loadRealtimeUtterances, markRealtimeAssembled, saveRealtimeUtterance, unassembledTranscriptions,
} from './transcript.repository.ts';

// Synthetic transcripts only: no real caller said any of this.
const cipher = createFixedKeyring(randomBytes(32));

describe.each(backendKinds)('transcripts with quality on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());

  const record = (event: CallEvent) => db.transaction((tx) => recordCallEvent(tx, event, normalizeCallerNumber(event.call.ani), cipher));
  const transcriptEvent = (callId: string, transcript: Extract<CallEvent, { type: 'transcript.available' }>['data']['transcript']) =>
    syntheticEvent({ type: 'transcript.available', callId, data: { transcript } });

  it('keeps quality and reasons in clear and the words sealed with the text', async () => {
    const segments = [{
      start: 0, end: 2.1, text: 'refill my zebrafinch tablets', quality: 'low' as const, qualityReasons: ['low-confidence' as const], final: true,
      words: [
        { word: 'refill', start: 0, end: 0.4, confidence: 0.91 },
        { word: 'my', start: 0.4, end: 0.6, confidence: 0.88 },
        { word: 'zebrafinch', start: 0.6, end: 1.5, confidence: 0.21 },
        { word: 'tablets', start: 1.5, end: 2.1, confidence: 0.8 },
      ],
    }];
    const recorded = await record(transcriptEvent('tq-1', { text: 'refill my zebrafinch tablets', source: 'pocketsphinx', quality: 'low', qualityReasons: ['low-confidence'], segments }));
    expect(recorded.storedTranscript).toBe(true);

    const { rows } = await db.query<{ quality: string; quality_reasons: string[]; sealed_format: string; ciphertext: Uint8Array }>(
      'select quality, quality_reasons, sealed_format, ciphertext from transcript where call_id = $1', [recorded.callId],
    );
    expect(rows[0]).toMatchObject({ quality: 'low', quality_reasons: ['low-confidence'], sealed_format: 'text+segments' });
    // At rest neither the text nor any word is readable.
    const raw = Buffer.from(rows[0]!.ciphertext).toString('latin1');
    for (const word of ['zebrafinch', 'refill', 'tablets', 'confidence']) expect(raw).not.toContain(word);

    const best = await bestTranscript(db, recorded.callId, cipher);
    expect(best).toMatchObject({ text: 'refill my zebrafinch tablets', source: 'pocketsphinx', quality: 'low', qualityReasons: ['low-confidence'] });
    expect(best!.segments[0]!.words.map((word) => [word.word, word.confidence])).toEqual([['refill', 0.91], ['my', 0.88], ['zebrafinch', 0.21], ['tablets', 0.8]]);
    // The older reader still gets the plain text.
    expect(await latestTranscript(db, recorded.callId, cipher)).toBe('refill my zebrafinch tablets');
  });

  it('stores a transcript without confidence as not judged, text only', async () => {
    const recorded = await record(transcriptEvent('tq-2', { text: 'Synthetic caller asks about lab results.', source: 'twilio' }));
    const facts = await listTranscriptFacts(db, recorded.callId);
    expect(facts).toEqual([expect.objectContaining({ source: 'twilio', quality: null, qualityReasons: [] })]);
    const { rows } = await db.query<{ sealed_format: string }>('select sealed_format from transcript where call_id = $1', [recorded.callId]);
    expect(rows[0]!.sealed_format).toBe('text');
  });

  it('reads the best transcript, not the newest: an unusable newer one loses to a judged-ok older one', async () => {
    await record(transcriptEvent('tq-3', { text: 'Synthetic: I need my inhaler refilled.', source: 'twilio-realtime', quality: 'ok' }));
    const recorded = await record(transcriptEvent('tq-3', { text: 'uh the of in', source: 'pocketsphinx', quality: 'unusable', qualityReasons: ['narrowband-audio'] }));
    expect(await latestTranscript(db, recorded.callId, cipher)).toBe('uh the of in');
    expect((await bestTranscript(db, recorded.callId, cipher))?.text).toBe('Synthetic: I need my inhaler refilled.');
  });

  it('stages real-time utterances once per sequence, sealed, and drops their text once assembled', async () => {
    const { callId } = await record(syntheticEvent({ type: 'call.answered', callId: 'tq-4' }));
    const sid = 'GT' + 'a'.repeat(32);
    const save = (sequenceId: number, text: string) => db.transaction((tx) => saveRealtimeUtterance(tx, cipher, { callId, transcriptionSid: sid, sequenceId, confidence: 0.9, text }));
    expect(await save(2, 'second synthetic utterance')).toBe(true);
    expect(await save(1, 'first synthetic utterance')).toBe(true);
    expect(await save(1, 'first synthetic utterance')).toBe(false);
    const { rows } = await db.query<{ ciphertext: Uint8Array }>('select ciphertext from realtime_transcript_segment where call_id = $1', [callId]);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(Buffer.from(row.ciphertext).toString('latin1')).not.toContain('synthetic');
    expect((await loadRealtimeUtterances(db, callId, sid, cipher)).map((utterance) => utterance.text)).toEqual(['first synthetic utterance', 'second synthetic utterance']);
    expect(await unassembledTranscriptions(db, callId)).toEqual([sid]);

    await db.transaction((tx) => markRealtimeAssembled(tx, callId, sid));
    expect(await unassembledTranscriptions(db, callId)).toEqual([]);
    expect(await loadRealtimeUtterances(db, callId, sid, cipher)).toEqual([]);
    // A late retry of an assembled utterance is still recognised and stores nothing.
    expect(await save(1, 'first synthetic utterance')).toBe(false);
  });
});
