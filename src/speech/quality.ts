/**
 * The quality verdict (issue 17, item 4): how far a transcript can be trusted, from the engine's
 * own confidence and what the audio itself shows. Pure. A garbled transcript must never reach the
 * chart unmarked, so every doubt lowers the verdict and none raises it.
 *
 * Thresholds were set on the tuning half of the speech corpus (bench/speech/sentences.ts) and
 * checked on the held-out half; `npm run bench:speech` prints how the verdict does on both.
 */
import type { AudioAnalysis, QualityReason, TranscriptQuality, TranscriptSegment, TranscriptWord } from './speech-engine.ts';
import { qualityReasons as reasonOrder } from './speech-engine.ts';

export const qualityThresholds = {
  /** Below this effective bandwidth the audio is telephone-band (phone audio measures 3.6–4 kHz, wideband 6.8–8 kHz). */
  narrowbandHz: 5_000,
  /**
   * Share of words below the low-confidence threshold that makes a segment `low`. Set on the tuning
   * half (pocketsphinx, rms voice, 16 kHz, stock and with vocabulary; bench/speech/tune-verdict.ts,
   * a miss weighing five false alarms): at 0.2 it caught 14/17 transcripts with WER > 30% and
   * flagged 43/103 good ones; held out: 18/24 caught, 31/96 flagged. Pocketsphinx's word
   * confidences separate wrong words from right ones only roughly, so no threshold does both.
   */
  lowConfidenceShare: 0.2,
  /** Share of words below half the low-confidence threshold that makes it `unusable`. */
  veryLowConfidenceShare: 0.5,
  /** Narrowband audio through a wideband model is `unusable` when this share of words is below the threshold. */
  narrowbandUnusableShare: 0.3,
  /** Speech quieter than this (dBFS) is too quiet to trust; quieter than `silentDbfs` is no speech. */
  tooQuietDbfs: -45,
  silentDbfs: -60,
  /** Share of samples at full scale that marks the audio clipped. */
  clippedRatio: 0.01,
  /** Whisper's own rules: no speech when no_speech_prob > 0.6 and avg_logprob < -1. */
  noSpeechProbability: 0.6,
  /** Mean token log probability below this is low confidence (Whisper's fallback threshold). */
  averageLogProbability: -1,
  /** Text that gzip-compresses better than this repeats itself (Whisper's hallucination sign). */
  compressionRatio: 2.4,
} as const;

export interface SegmentJudgement {
  quality: TranscriptQuality;
  qualityReasons: QualityReason[];
}

export interface SegmentEvidence {
  words: TranscriptWord[];
  /** The audio the segment was heard from (or the whole call's, when that is all there is). */
  audio?: AudioAnalysis;
  /** The engine's model needs wideband (16 kHz) audio: true for pocketsphinx en-us. */
  needsWideband: boolean;
  /** The configured word threshold (speech.lowConfidence, default 0.6). */
  lowConfidence: number;
  noSpeechProbability?: number;
  compressionRatio?: number;
  averageLogProbability?: number;
  /** false when the source gives no confidence at all (the words' confidence is then meaningless). */
  confidenceReported?: boolean;
}

const rank: Record<TranscriptQuality, number> = { ok: 0, low: 1, unusable: 2 };

/** The verdict for one segment (an utterance). */
export function judgeSegment(input: SegmentEvidence): SegmentJudgement {
  const t = qualityThresholds;
  const verdict = new Verdict();
  const { words, audio } = input;
  const confidenceReported = input.confidenceReported ?? true;

  const noSpeechSaid = input.noSpeechProbability !== undefined && input.noSpeechProbability > t.noSpeechProbability && (input.averageLogProbability === undefined || input.averageLogProbability < t.averageLogProbability);
  if (words.length === 0 || noSpeechSaid || (audio && audio.rmsDbfs < t.silentDbfs)) {
    verdict.lower('unusable', 'no-speech');
  }

  if (audio) {
    if (audio.rmsDbfs < t.tooQuietDbfs && audio.rmsDbfs >= t.silentDbfs) verdict.lower('low', 'too-quiet');
    if (audio.clippedRatio > t.clippedRatio) verdict.lower('low', 'clipped');
  }

  let lowShare = 0;
  if (!confidenceReported) {
    verdict.lower('low', 'no-confidence-reported');
  } else if (words.length > 0) {
    lowShare = words.filter((word) => word.confidence < input.lowConfidence).length / words.length;
    const veryLowShare = words.filter((word) => word.confidence < input.lowConfidence / 2).length / words.length;
    if (veryLowShare > t.veryLowConfidenceShare) verdict.lower('unusable', 'low-confidence');
    else if (lowShare > t.lowConfidenceShare) verdict.lower('low', 'low-confidence');
  }
  if (input.averageLogProbability !== undefined && input.averageLogProbability < t.averageLogProbability) verdict.lower('low', 'low-confidence');

  // A wideband model on phone audio: never ok, whatever the engine believes about itself.
  if (input.needsWideband && audio && audio.effectiveBandwidthHz > 0 && audio.effectiveBandwidthHz < t.narrowbandHz) {
    verdict.lower(confidenceReported && lowShare > t.narrowbandUnusableShare ? 'unusable' : 'low', 'narrowband-audio');
  }

  if (input.compressionRatio !== undefined && input.compressionRatio > t.compressionRatio) verdict.lower('low', 'repetitive');
  return verdict.result();
}

/**
 * The verdict for a whole transcript from its segments, weighted by duration: `unusable` when
 * most of the speech is unusable (or there is none), `low` when a quarter or more is not ok or any
 * part failed in the engine, else `ok`. Level problems of the whole audio are added.
 */
export function judgeTranscription(segments: TranscriptSegment[], audio?: AudioAnalysis): SegmentJudgement {
  const verdict = new Verdict();
  const finals = segments.filter((segment) => segment.final);
  for (const segment of finals) for (const reason of segment.qualityReasons) verdict.note(reason);
  if (finals.length === 0 || finals.every((segment) => segment.quality === 'unusable')) {
    if (finals.length === 0 || finals.every((segment) => segment.words.length === 0 && !segment.qualityReasons.includes('engine-failed'))) verdict.lower('unusable', 'no-speech');
    else verdict.lower('unusable');
  }
  const durations = finals.map((segment) => Math.max(0.01, segment.end - segment.start));
  const total = durations.reduce((sum, duration) => sum + duration, 0);
  const share = (quality: TranscriptQuality) => finals.reduce((sum, segment, index) => sum + (segment.quality === quality ? durations[index]! : 0), 0) / (total || 1);
  if (share('unusable') > 0.5) verdict.lower('unusable');
  else if (share('unusable') + share('low') >= 0.25) verdict.lower('low');
  if (finals.some((segment) => segment.qualityReasons.includes('engine-failed'))) verdict.lower('low', 'engine-failed');
  if (audio) {
    if (audio.rmsDbfs < qualityThresholds.tooQuietDbfs) verdict.lower('low', audio.rmsDbfs < qualityThresholds.silentDbfs ? 'no-speech' : 'too-quiet');
    if (audio.clippedRatio > qualityThresholds.clippedRatio) verdict.lower('low', 'clipped');
  }
  return verdict.result();
}

/** Indices of the words below `threshold`: marked in the transcript and on the review screen. */
export function lowConfidenceWords(words: TranscriptWord[], threshold: number): number[] {
  return words.flatMap((word, index) => (word.confidence < threshold ? [index] : []));
}

/** Only ever lowers; reasons kept once, in the contract's order. */
class Verdict {
  private quality: TranscriptQuality = 'ok';
  private readonly reasons = new Set<QualityReason>();

  lower(quality: TranscriptQuality, reason?: QualityReason): void {
    if (rank[quality] > rank[this.quality]) this.quality = quality;
    if (reason) this.reasons.add(reason);
  }

  note(reason: QualityReason): void {
    this.reasons.add(reason);
  }

  result(): SegmentJudgement {
    // Reasons explain a verdict that is not ok; an ok transcript carries none.
    const qualityReasons = this.quality === 'ok' ? [] : reasonOrder.filter((reason) => this.reasons.has(reason));
    return { quality: this.quality, qualityReasons };
  }
}
