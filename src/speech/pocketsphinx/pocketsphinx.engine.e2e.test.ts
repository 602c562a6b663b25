/**
 * The pocketsphinx engine with its real parts: Debian's libpocketsphinx in real recogniser
 * processes, flite voices rendered at test time (synthetic speech only), a real SIGSEGV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { renderCall, renderSpeech, withPauses } from '../../../bench/speech/corpus.ts';
import { toTelephoneAudio } from '../audio/telephone.ts';
import { CallchartError } from '../../lib/errors.ts';
import { debianPocketsphinxModelDir } from '../speech.settings.ts';
import type { TranscriptSegment } from '../speech-engine.ts';
import { wordErrorRate } from '../wer.ts';
import { PocketsphinxEngine, type PocketsphinxEngineSettings } from './pocketsphinx.engine.ts';

const settings: PocketsphinxEngineSettings = { modelDir: debianPocketsphinxModelDir, workers: 2, drugVocabulary: true, extraWords: [], candidates: true, lowConfidence: 0.6 };
const logger = pino({ level: 'silent' });
let engine: PocketsphinxEngine;

beforeAll(async () => {
  engine = await PocketsphinxEngine.start(settings, { logger, crashHook: true });
});

afterAll(async () => {
  await engine?.close();
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('pocketsphinx engine, post-call files', () => {
  it('transcribes a 16 kHz sentence with words, times and confidences', async () => {
    const sentence = 'can i move my appointment to next tuesday afternoon';
    const result = await engine.transcribe(await renderSpeech(sentence, 'rms'));
    expect(result.engine).toBe('pocketsphinx');
    expect(result.sampleRate).toBe(16_000);
    expect(wordErrorRate(sentence, result.text).wer).toBeLessThan(0.35);
    const words = result.segments.flatMap((segment) => segment.words);
    expect(words.length).toBeGreaterThan(5);
    for (const word of words) {
      expect(word.end).toBeGreaterThan(word.start);
      expect(word.confidence).toBeGreaterThanOrEqual(0);
      expect(word.confidence).toBeLessThanOrEqual(1);
    }
    expect(words.map((word) => word.start)).toEqual([...words.map((word) => word.start)].sort((a, b) => a - b));
    expect(result.audio?.effectiveBandwidthHz).toBeGreaterThan(5_000);
  });

  it('hears a drug name with the clinic vocabulary, and keeps spotted candidates out of the text', async () => {
    const result = await engine.transcribe(await renderSpeech('i need my lisinopril refilled', 'slt'));
    expect(result.text.split(' ')).toContain('lisinopril');
    // The text is exactly the segments' words: nothing a domain model proposed was added to it.
    expect(result.text).toBe(result.segments.flatMap((segment) => segment.words.map((word) => word.word)).join(' '));
    for (const candidate of result.candidates ?? []) expect(candidate.kind).toBe('drug');
  });

  it('marks telephone-band audio as not ok (narrowband) instead of refusing it', async () => {
    const result = await engine.transcribe(await renderCall('i have been coughing for two weeks and feel tired', 'awb', 'telephone'));
    expect(result.quality).not.toBe('ok');
    expect(result.segments.every((segment) => segment.quality !== 'ok' && segment.qualityReasons.includes('narrowband-audio'))).toBe(true);
  });

  it('loses only the utterance a crashing recogniser held, and goes on', async () => {
    const turns = await Promise.all(['i would like to book an appointment', 'my daughter has had a fever since last night', 'please call me back after five'].map((text) => renderSpeech(text, 'rms')));
    const call = withPauses(turns, 900);
    const crashesBefore = engine.stats().crashes;
    engine.crashNextUtterance();
    const result = await engine.transcribe(call);
    expect(result.segments).toHaveLength(3);
    const failed = result.segments.filter((segment) => segment.qualityReasons.includes('engine-failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]!).toMatchObject({ quality: 'unusable', text: '', final: true });
    expect(result.segments.filter((segment) => segment.words.length > 0)).toHaveLength(2);
    expect(result.quality).not.toBe('ok');
    expect(result.qualityReasons).toContain('engine-failed');
    expect(engine.stats().crashes).toBe(crashesBefore + 1);

    await waitFor(() => engine.stats().alive === 2);
    const again = await engine.transcribe(call);
    expect(again.segments.every((segment) => segment.words.length > 0)).toBe(true);
  });
});

describe('pocketsphinx engine, a live Media Stream', () => {
  it('turns 20 ms mu-law frames into partial segments, then a final one marked narrowband', async () => {
    const speech = await renderSpeech('i fell down the stairs yesterday and my knee hurts', 'rms');
    const silence = { samples: new Int16Array(16_000), sampleRate: 16_000 };
    const mulaw = toTelephoneAudio(withPauses([silence, speech, silence], 0));
    const segments: TranscriptSegment[] = [];
    const format = { encoding: 'mulaw' as const, sampleRate: 8_000, channels: 1 as const };
    expect(engine.supports(format)).toEqual({ ok: true });
    const session = engine.start({ callSid: 'CA-synthetic', streamSid: 'MZ-synthetic', format }, (segment) => segments.push(segment));
    let sequence = 0;
    for (let offset = 0; offset < mulaw.length; offset += 160) {
      session.push(mulaw.subarray(offset, offset + 160), { sequence: sequence++, timestampMs: offset / 8 });
      // Frames arrive over time on a real stream: let the partials come back between them.
      if (sequence % 25 === 0) await waitFor(() => engine.stats().queuedPartials === 0);
    }
    const result = await session.end();
    const partials = segments.filter((segment) => !segment.final);
    const finals = segments.filter((segment) => segment.final);
    expect(partials.length).toBeGreaterThan(0);
    expect(finals).toHaveLength(1);
    expect(segments.indexOf(finals[0]!)).toBe(segments.length - 1);
    expect(finals[0]!.quality).not.toBe('ok');
    expect(finals[0]!.qualityReasons).toContain('narrowband-audio');
    expect(result.frames).toBe(sequence);
    expect(result.transcription?.quality).not.toBe('ok');
    expect(result.transcription?.sampleRate).toBe(8_000);
    expect(result.text).toBe(result.transcription?.text);
  });
});

describe('pocketsphinx engine, not installed', () => {
  it('refuses to start with SPEECH_ENGINE_UNAVAILABLE and the reason', async () => {
    const error = await PocketsphinxEngine.start({ ...settings, modelDir: '/nonexistent/pocketsphinx-model' }, { logger }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CallchartError);
    expect((error as CallchartError).code).toBe('SPEECH_ENGINE_UNAVAILABLE');
    expect((error as CallchartError).message).toMatch(/model missing/);
  });
});
