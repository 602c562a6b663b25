/**
 * Live calls on recognisers of their own (issue 17): three synthetic callers (flite, telephone
 * audio as Twilio streams it: 8 kHz µ-law in 20 ms frames, paced as a call) talk at once. Each
 * call sees partials as it speaks and gets its own final transcript (no words of another call),
 * each call's recogniser goes back when its stream ends, and a call past the live cap is told it
 * is not transcribed instead of waiting. Real pocketsphinx processes; synthetic speech only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { renderSpeech, withPauses } from '../../../bench/speech/corpus.ts';
import { toTelephoneAudio } from '../audio/telephone.ts';
import { debianPocketsphinxModelDir } from '../speech.settings.ts';
import type { TranscriptSegment } from '../speech-engine.ts';
import { PocketsphinxEngine, type PocketsphinxEngineSettings } from './pocketsphinx.engine.ts';

const settings: PocketsphinxEngineSettings = { modelDir: debianPocketsphinxModelDir, workers: 1, drugVocabulary: true, extraWords: [], candidates: true, lowConfidence: 0.6, maxLiveStreams: 3, liveSpares: 1 };
const logger = pino({ level: 'silent' });
const format = { encoding: 'mulaw' as const, sampleRate: 8_000, channels: 1 as const };

/** Three callers with nothing in common but the clinic. */
const callers = [
  { voice: 'rms' as const, lines: ['i would like to book an appointment for my daughter', 'thank you goodbye'] },
  { voice: 'slt' as const, lines: ['the pharmacy said the prescription has expired', 'can somebody call me back'] },
  { voice: 'awb' as const, lines: ['she has had a cough for three days', 'her temperature is high'] },
];

let engine: PocketsphinxEngine;
let calls: Uint8Array[];

beforeAll(async () => {
  engine = await PocketsphinxEngine.start(settings, { logger, partialEverySeconds: 0.5 });
  calls = await Promise.all(
    callers.map(async (caller) => {
      const turns = await Promise.all(caller.lines.map((line) => renderSpeech(line, caller.voice)));
      const silence = { samples: new Int16Array(8_000), sampleRate: 16_000 };
      return toTelephoneAudio(withPauses([silence, ...turns, silence], 1_000));
    }),
  );
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Streams one call as Twilio does: 20 ms frames, ten at a time every 200 ms of call time (or later). */
async function streamCall(index: number, audio: Uint8Array, segments: TranscriptSegment[]) {
  const session = engine.start({ callSid: `CA-live-${index}`, streamSid: `MZ-live-${index}`, format }, (segment) => segments.push(segment));
  const startedAt = performance.now();
  let sequence = 0;
  for (let offset = 0; offset < audio.length; offset += 160) {
    session.push(audio.subarray(offset, offset + 160), { sequence: sequence++, timestampMs: offset / 8 });
    if (sequence % 10 === 0) {
      const due = startedAt + sequence * 20 - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due)));
      // Other tests share this machine's cores: let the partials asked for come back before more audio.
      await waitFor(() => engine.stats().queuedPartials === 0);
    }
  }
  return session.end();
}

const wordsOf = (text: string) => new Set(text.split(/\s+/).filter((word) => word.length > 2));
const shared = (a: Set<string>, b: Set<string>) => [...a].filter((word) => b.has(word)).length;

describe('live calls on recognisers of their own', () => {
  it('three calls at once: each gets partials and its own final transcript, and gives its recogniser back', async () => {
    const heard: TranscriptSegment[][] = callers.map(() => []);
    const results = await Promise.all(calls.map((audio, index) => streamCall(index, audio, heard[index]!)));
    for (const [index, result] of results.entries()) {
      const segments = heard[index]!;
      expect(segments.some((segment) => !segment.final && segment.words.length > 0)).toBe(true);
      const finals = segments.filter((segment) => segment.final);
      expect(finals.length).toBeGreaterThanOrEqual(2);
      expect(finals.every((segment) => !segment.qualityReasons.includes('engine-failed'))).toBe(true);
      // Phone audio through a wideband model is never presented as trustworthy.
      expect(result.transcription?.quality).not.toBe('ok');
      // Its words are its own caller's, more than any other caller's (phone audio: many are misheard).
      const text = wordsOf(result.text ?? '');
      const own = shared(text, wordsOf(callers[index]!.lines.join(' ')));
      expect(own).toBeGreaterThanOrEqual(2);
      for (const [other, caller] of callers.entries()) {
        if (other !== index) expect(shared(text, wordsOf(caller.lines.join(' ')))).toBeLessThan(own);
      }
    }
    await waitFor(() => engine.stats().liveLeases === 0);
    expect(engine.stats().liveRefused).toBe(0);
  }, 120_000);

  it("a live call's drug name comes back as an unconfirmed candidate after the call, at its time, and only the words heard are text", async () => {
    const turn = await renderSpeech('my metformin ran out yesterday', 'rms');
    const silence = { samples: new Int16Array(8_000), sampleRate: 16_000 };
    const audio = withPauses([silence, turn, silence], 500);
    const session = engine.start({ callSid: 'CA-live-drug', streamSid: 'MZ-live-drug', format: { encoding: 'pcm_s16le', sampleRate: 16_000, channels: 1 } });
    const bytes = new Uint8Array(audio.samples.buffer);
    for (let offset = 0, sequence = 0; offset < bytes.length; offset += 640) session.push(bytes.subarray(offset, offset + 640), { sequence: sequence++, timestampMs: offset / 32 });
    const result = await session.end();
    const transcription = result.transcription!;
    const candidate = transcription.candidates?.find((found) => found.text === 'metformin');
    expect(candidate?.kind).toBe('drug');
    // Where it was said: inside the one utterance, after the leading second of silence.
    const segment = transcription.segments.find((found) => found.final && found.start <= candidate!.start && candidate!.end <= found.end + 0.05);
    expect(segment).toBeDefined();
    expect(candidate!.start).toBeGreaterThan(0.8);
    // The text is the words the recogniser heard, nothing the spotter proposed added.
    expect(transcription.text).toBe(transcription.segments.flatMap((found) => found.words.map((word) => word.word)).join(' '));
    await waitFor(() => engine.stats().liveLeases === 0);
  }, 60_000);

  it('a call past the live cap is told it is not transcribed, at once, and the calls within it are heard', async () => {
    const refusedBefore = engine.stats().liveRefused ?? 0;
    const heard: TranscriptSegment[][] = [[], [], [], []];
    const audio = [...calls, calls[0]!];
    const results = await Promise.all(audio.map((call, index) => streamCall(10 + index, call, heard[index]!)));
    expect(engine.stats().liveRefused).toBe(refusedBefore + 1);
    // Exactly one call was refused: its every utterance says the engine could not hear it.
    const refused = results.filter((result) => result.transcription?.segments.length && result.transcription.segments.every((segment) => segment.qualityReasons.includes('engine-failed')));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.transcription?.quality).toBe('unusable');
    expect(refused[0]!.text).toBeNull();
    expect(results.filter((result) => result.text).length).toBe(3);
    await waitFor(() => engine.stats().liveLeases === 0);
  }, 120_000);

  it('says which call it will not transcribe, so the stream start is audited with the reason', async () => {
    await waitFor(() => engine.stats().liveLeases === 0);
    const sessions = [0, 1, 2, 3].map((index) => engine.start({ callSid: `CA-cap-${index}`, streamSid: `MZ-cap-${index}`, format }));
    expect(sessions.map((session) => session.refused ?? null)).toEqual([null, null, null, 'SPEECH_LIVE_AT_CAPACITY']);
    await Promise.all(sessions.map((session) => session.end()));
    await waitFor(() => engine.stats().liveLeases === 0);
  }, 60_000);
});
