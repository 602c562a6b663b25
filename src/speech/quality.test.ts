import { describe, expect, it } from 'vitest';
import { renderSpeech } from '../../bench/speech/corpus.ts';
import { analyzeAudio } from './audio/analyze.ts';
import { telephoneRoundTrip } from './audio/telephone.ts';
import { judgeSegment, judgeTranscription, lowConfidenceWords, qualityThresholds } from './quality.ts';
import type { AudioAnalysis, TranscriptSegment, TranscriptWord } from './speech-engine.ts';

const wideband: AudioAnalysis = { durationMs: 3000, sampleRate: 16_000, effectiveBandwidthHz: 7_400, rmsDbfs: -20, clippedRatio: 0 };
const phone: AudioAnalysis = { ...wideband, effectiveBandwidthHz: 3_750 };

function words(...confidences: number[]): TranscriptWord[] {
  return confidences.map((confidence, index) => ({ word: `w${index}`, start: index * 0.3, end: index * 0.3 + 0.25, confidence }));
}

const sure = words(0.9, 0.85, 0.95, 0.8, 0.9, 0.88, 0.92, 0.9, 0.7, 0.95);
const base = { needsWideband: true, lowConfidence: 0.6 };

function segment(quality: TranscriptSegment['quality'], start: number, end: number, qualityReasons: TranscriptSegment['qualityReasons'] = []): TranscriptSegment {
  return { start, end, text: 'synthetic', quality, qualityReasons, words: words(0.9), final: true };
}

describe('judgeSegment', () => {
  it('is ok for confident words on wideband audio at a normal level', () => {
    expect(judgeSegment({ ...base, words: sure, audio: wideband })).toEqual({ quality: 'ok', qualityReasons: [] });
  });

  it('never calls telephone audio through a wideband model ok, however sure the engine is', () => {
    expect(judgeSegment({ ...base, words: sure, audio: phone })).toEqual({ quality: 'low', qualityReasons: ['narrowband-audio'] });
    const unsure = words(0.9, 0.3, 0.5, 0.2, 0.8, 0.4, 0.9, 0.5, 0.9, 0.5);
    expect(judgeSegment({ ...base, words: unsure, audio: phone })).toEqual({ quality: 'unusable', qualityReasons: ['narrowband-audio', 'low-confidence'] });
    // The same audio through an engine built for it (an 8 kHz model, a PBX transcript) is judged on its words.
    expect(judgeSegment({ ...base, needsWideband: false, words: sure, audio: phone }).quality).toBe('ok');
  });

  it('marks a big share of low-confidence words low, and mostly very low ones unusable', () => {
    expect(judgeSegment({ ...base, words: words(0.9, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9, 0.9, 0.9, 0.9), audio: wideband })).toEqual({ quality: 'low', qualityReasons: ['low-confidence'] });
    expect(judgeSegment({ ...base, words: words(0.1, 0.2, 0.1, 0.25, 0.9, 0.1), audio: wideband }).quality).toBe('unusable');
    expect(judgeSegment({ ...base, words: words(0.9, 0.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9), audio: wideband }).quality).toBe('ok');
  });

  it('knows silence, quiet and clipped audio', () => {
    expect(judgeSegment({ ...base, words: [], audio: wideband })).toEqual({ quality: 'unusable', qualityReasons: ['no-speech'] });
    expect(judgeSegment({ ...base, words: sure, audio: { ...wideband, rmsDbfs: -50 } })).toEqual({ quality: 'low', qualityReasons: ['too-quiet'] });
    expect(judgeSegment({ ...base, words: sure, audio: { ...wideband, rmsDbfs: -70 } }).quality).toBe('unusable');
    expect(judgeSegment({ ...base, words: sure, audio: { ...wideband, clippedRatio: 0.05 } })).toEqual({ quality: 'low', qualityReasons: ['clipped'] });
  });

  it('uses a Whisper-style server’s own signals: no_speech_prob, avg_logprob, compression ratio', () => {
    const http = { ...base, needsWideband: false, words: sure };
    expect(judgeSegment({ ...http, noSpeechProbability: 0.9, averageLogProbability: -1.4 })).toEqual({ quality: 'unusable', qualityReasons: ['low-confidence', 'no-speech'] });
    expect(judgeSegment({ ...http, noSpeechProbability: 0.9, averageLogProbability: -0.2 }).quality).toBe('ok');
    expect(judgeSegment({ ...http, averageLogProbability: -1.3 })).toEqual({ quality: 'low', qualityReasons: ['low-confidence'] });
    expect(judgeSegment({ ...http, compressionRatio: 3.1 })).toEqual({ quality: 'low', qualityReasons: ['repetitive'] });
  });

  it('does not vouch for a transcript that reports no confidence', () => {
    expect(judgeSegment({ ...base, needsWideband: false, words: words(1, 1, 1), confidenceReported: false })).toEqual({ quality: 'low', qualityReasons: ['no-confidence-reported'] });
  });

  it('marks real telephone audio of real synthetic speech as narrowband for a wideband engine', async () => {
    const speech = await renderSpeech('I need to reschedule my appointment with the nurse on Friday.', 'awb');
    const heard = analyzeAudio(telephoneRoundTrip(speech, 16_000));
    expect(heard.effectiveBandwidthHz).toBeLessThan(qualityThresholds.narrowbandHz);
    expect(judgeSegment({ ...base, words: sure, audio: heard }).quality).not.toBe('ok');
    expect(judgeSegment({ ...base, words: sure, audio: analyzeAudio(speech) }).quality).toBe('ok');
  });
});

describe('judgeTranscription', () => {
  it('weights segments by duration', () => {
    expect(judgeTranscription([segment('ok', 0, 9), segment('low', 9, 10, ['low-confidence'])]).quality).toBe('ok');
    expect(judgeTranscription([segment('ok', 0, 6), segment('low', 6, 10, ['low-confidence'])])).toEqual({ quality: 'low', qualityReasons: ['low-confidence'] });
    expect(judgeTranscription([segment('ok', 0, 3), segment('unusable', 3, 10, ['narrowband-audio'])]).quality).toBe('unusable');
  });

  it('is at least low when the engine failed on any part, and unusable when nothing was heard', () => {
    expect(judgeTranscription([segment('ok', 0, 20), { ...segment('unusable', 20, 21, ['engine-failed']), words: [], text: '' }])).toEqual({ quality: 'low', qualityReasons: ['engine-failed'] });
    expect(judgeTranscription([])).toEqual({ quality: 'unusable', qualityReasons: ['no-speech'] });
    expect(judgeTranscription([{ ...segment('unusable', 0, 2, ['engine-failed']), words: [] }])).toEqual({ quality: 'unusable', qualityReasons: ['engine-failed'] });
  });

  it('ignores partials and adds the whole audio’s level problems', () => {
    expect(judgeTranscription([segment('ok', 0, 5), { ...segment('unusable', 5, 9), final: false }]).quality).toBe('ok');
    expect(judgeTranscription([segment('ok', 0, 5)], { ...wideband, clippedRatio: 0.2 })).toEqual({ quality: 'low', qualityReasons: ['clipped'] });
  });
});

describe('lowConfidenceWords', () => {
  it('gives the indices of the words below the threshold', () => {
    expect(lowConfidenceWords(words(0.9, 0.59, 0.6, 0.1), 0.6)).toEqual([1, 3]);
  });
});
