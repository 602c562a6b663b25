import { deflateSync } from 'node:zlib';
import { z } from 'zod';
import { judgeSegment, judgeTranscription } from '../quality.ts';
import {
  qualityReasons, transcriptQualities,
  type AudioAnalysis, type EntityCandidate, type QualityReason, type TranscriptQuality, type TranscriptSegment, type Transcription, type TranscriptWord,
} from '../speech-engine.ts';

/*
 * The OpenAI transcription API's `verbose_json` answer (POST /v1/audio/transcriptions), as OpenAI,
 * faster-whisper/speaches, whisper.cpp's server and vLLM send it, and the mapping to and from the
 * speech contract's `Transcription`. Pure: no I/O.
 *
 * Servers differ in what they fill in, so only what every one of them sends is required (`text`);
 * the rest is optional and checked when present:
 * - OpenAI: `words` at the top (no probability), `segments` with avg_logprob, compression_ratio and
 *   no_speech_prob;
 * - speaches/faster-whisper: the same, plus `probability` on each word and `words` inside segments;
 * - whisper.cpp's server: `words` inside segments (with probability), sometimes none at the top.
 */

const seconds = z.number().finite().min(0).max(4 * 3600 + 60);

export const verboseWordSchema = z.object({
  word: z.string().max(200),
  start: seconds,
  end: seconds,
  /** faster-whisper/speaches and whisper.cpp: the word's probability (0..1). OpenAI leaves it out. */
  probability: z.number().finite().min(0).max(1).optional(),
});
export type VerboseWord = z.infer<typeof verboseWordSchema>;

export const verboseSegmentSchema = z.object({
  id: z.number().int().min(0).optional(),
  seek: z.number().min(0).optional(),
  start: seconds,
  end: seconds,
  text: z.string().max(100_000),
  tokens: z.array(z.number().int()).max(100_000).optional(),
  temperature: z.number().finite().optional(),
  /** Mean token log probability; OpenAI: below -1 the decode is doubtful. */
  avg_logprob: z.number().finite().max(0.0001).optional(),
  /** gzip ratio of the text; OpenAI: above 2.4 the text repeats itself (a hallucination sign). */
  compression_ratio: z.number().finite().min(0).optional(),
  /** Probability the segment holds no speech (0..1). */
  no_speech_prob: z.number().finite().min(0).max(1).optional(),
  words: z.array(verboseWordSchema).max(100_000).nullish(),
});
export type VerboseSegment = z.infer<typeof verboseSegmentSchema>;

/**
 * Callchart's own additions, sent by Callchart's transcription service and read back by its http
 * engine (other clients ignore an unknown field): the verdict the serving engine reached, which a
 * client cannot work out from the numbers (e.g. `narrowband-audio`), and entity candidates, which
 * are never transcript text.
 */
export const callchartExtensionSchema = z.object({
  engine: z.string().max(100),
  quality: z.enum(transcriptQualities),
  qualityReasons: z.array(z.enum(qualityReasons)).max(qualityReasons.length),
  segments: z.array(z.object({ quality: z.enum(transcriptQualities), qualityReasons: z.array(z.enum(qualityReasons)).max(qualityReasons.length) })).max(100_000),
  candidates: z.array(z.object({ kind: z.enum(['drug', 'dose']), text: z.string().max(200), start: seconds, end: seconds, confidence: z.number().min(0).max(1) })).max(10_000),
});
export type CallchartExtension = z.infer<typeof callchartExtensionSchema>;

export const verboseJsonSchema = z.object({
  task: z.string().max(40).optional(),
  language: z.string().max(40).optional(),
  duration: seconds.optional(),
  text: z.string().max(1_000_000),
  segments: z.array(verboseSegmentSchema).max(100_000).optional(),
  words: z.array(verboseWordSchema).max(1_000_000).optional(),
  callchart: callchartExtensionSchema.optional(),
});
export type VerboseJson = z.infer<typeof verboseJsonSchema>;

export interface FromVerboseJsonOptions {
  engine: string;
  /** The sample rate of the audio as received (before any resampling). */
  sampleRate: number;
  /** A word below this confidence is marked; the verdict counts them. */
  lowConfidence: number;
  /**
   * Whether the remote model needs wideband audio. A Whisper-class model is trained on telephone
   * audio too and hears 8 kHz, so the http engine passes `false` unless configured otherwise.
   */
  needsWideband: boolean;
  audio?: AudioAnalysis;
  /** Added to every time: the utterance's start within the call when one utterance was sent. */
  offsetSeconds?: number;
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
const round3 = (value: number) => Math.round(value * 1000) / 1000;

const qualityRank: Record<TranscriptQuality, number> = { ok: 0, low: 1, unusable: 2 };
/** The worse of two verdicts, with the reasons of both: a server's opinion never improves ours. */
function worse(a: { quality: TranscriptQuality; qualityReasons: QualityReason[] }, b: { quality: TranscriptQuality; qualityReasons: QualityReason[] } | undefined) {
  if (!b) return a;
  const quality = qualityRank[b.quality] > qualityRank[a.quality] ? b.quality : a.quality;
  const reasons = quality === 'ok' ? [] : [...new Set([...a.qualityReasons, ...b.qualityReasons])];
  return { quality, qualityReasons: reasons };
}

/**
 * Words spread evenly over a segment, for servers that answer with segments but no word times
 * (timestamp granularity `segment` only): times are approximate, confidences come from the
 * segment's average log probability.
 */
function spreadWords(segment: VerboseSegment): VerboseWord[] {
  const tokens = segment.text.trim().split(/\s+/).filter(Boolean);
  const span = Math.max(0, segment.end - segment.start) / Math.max(1, tokens.length);
  return tokens.map((word, index) => ({ word, start: segment.start + index * span, end: segment.start + (index + 1) * span }));
}

/** The segment a word belongs to: the one whose span holds the word's midpoint, else the nearest. */
function segmentIndexFor(word: VerboseWord, segments: readonly VerboseSegment[]): number {
  const middle = (word.start + word.end) / 2;
  let best = 0;
  let bestDistance = Infinity;
  segments.forEach((segment, index) => {
    const distance = middle < segment.start ? segment.start - middle : middle > segment.end ? middle - segment.end : 0;
    if (distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}

/**
 * A `verbose_json` answer as the speech contract's `Transcription`: segments with words, times
 * and confidences, each judged by `judgeSegment` from the server's numbers (avg_logprob,
 * no_speech_prob, compression_ratio, word probabilities), and the whole call by
 * `judgeTranscription`. Without word probabilities a word's confidence is exp(avg_logprob) of its
 * segment; without either there is no confidence (`no-confidence-reported`). A Callchart server's
 * own verdict, when it sends one, can only make ours worse.
 */
export function fromVerboseJson(answer: VerboseJson, options: FromVerboseJsonOptions): Transcription {
  const offset = options.offsetSeconds ?? 0;
  const segments: VerboseSegment[] = answer.segments?.length
    ? answer.segments
    : answer.text.trim()
      ? [{ start: 0, end: answer.duration ?? Math.max(0, ...(answer.words ?? []).map((word) => word.end)), text: answer.text }]
      : [];
  // Words: the top-level list (OpenAI, speaches), else each segment's own (whisper.cpp), else spread.
  const wordsBySegment: VerboseWord[][] = segments.map(() => []);
  if (answer.words?.length && segments.length) {
    for (const word of answer.words) wordsBySegment[segmentIndexFor(word, segments)]!.push(word);
  } else {
    segments.forEach((segment, index) => {
      wordsBySegment[index] = segment.words?.length ? [...segment.words] : spreadWords(segment);
    });
  }

  const mapped: TranscriptSegment[] = segments.map((segment, index) => {
    const source = wordsBySegment[index]!.filter((word) => word.word.trim() !== '');
    const probabilitiesReported = source.length > 0 && source.every((word) => word.probability !== undefined);
    const fromLogProbability = segment.avg_logprob !== undefined ? clamp01(Math.exp(segment.avg_logprob)) : undefined;
    const confidenceReported = probabilitiesReported || fromLogProbability !== undefined;
    const words: TranscriptWord[] = source.map((word) => ({
      word: word.word.trim(),
      start: round3(word.start + offset),
      end: round3(Math.max(word.start, word.end) + offset),
      confidence: round3(probabilitiesReported ? word.probability! : (fromLogProbability ?? 0)),
    }));
    const verdict = judgeSegment({
      words,
      needsWideband: options.needsWideband,
      lowConfidence: options.lowConfidence,
      confidenceReported,
      ...(options.audio ? { audio: options.audio } : {}),
      ...(segment.no_speech_prob !== undefined ? { noSpeechProbability: segment.no_speech_prob } : {}),
      ...(segment.compression_ratio !== undefined ? { compressionRatio: segment.compression_ratio } : {}),
      ...(segment.avg_logprob !== undefined ? { averageLogProbability: segment.avg_logprob } : {}),
    });
    const { quality, qualityReasons: reasons } = worse(verdict, answer.callchart?.segments[index]);
    return {
      start: round3(segment.start + offset),
      end: round3(Math.max(segment.start, segment.end) + offset),
      text: segment.text.trim(),
      quality,
      qualityReasons: reasons,
      words,
      final: true,
    };
  });

  const overall = worse(judgeTranscription(mapped, options.audio), answer.callchart);
  const candidates: EntityCandidate[] = (answer.callchart?.candidates ?? []).map((candidate) => ({ ...candidate, start: round3(candidate.start + offset), end: round3(candidate.end + offset) }));
  return {
    text: mapped.map((segment) => segment.text).filter(Boolean).join(' '),
    sampleRate: options.sampleRate,
    engine: options.engine,
    quality: overall.quality,
    qualityReasons: overall.qualityReasons,
    segments: mapped,
    ...(options.audio ? { audio: options.audio } : {}),
    ...(candidates.length ? { candidates } : {}),
  };
}

/** Whisper's compression ratio: bytes of the text over bytes of its zlib compression. */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return 0;
  return round3(bytes.length / deflateSync(bytes).length);
}

/**
 * A `Transcription` as `verbose_json`, for Callchart's transcription service: OpenAI's fields
 * (segments with avg_logprob from the words' confidences, no_speech_prob, compression_ratio; words
 * with probability as faster-whisper sends it) plus the `callchart` extension with the verdict and
 * candidates. `tokens` is empty: the local engine has no Whisper tokens.
 */
export function toVerboseJson(transcription: Transcription, options: { language: string; duration: number }): VerboseJson {
  const segments: VerboseSegment[] = transcription.segments.filter((segment) => segment.final).map((segment, id) => {
    const confidences = segment.words.map((word) => Math.max(word.confidence, 1e-6));
    const averageLogProbability = confidences.length ? confidences.reduce((sum, value) => sum + Math.log(value), 0) / confidences.length : -Infinity;
    return {
      id,
      seek: 0,
      start: segment.start,
      end: segment.end,
      text: segment.text,
      tokens: [],
      temperature: 0,
      avg_logprob: Number.isFinite(averageLogProbability) ? round3(Math.min(0, averageLogProbability)) : -10,
      compression_ratio: compressionRatio(segment.text),
      no_speech_prob: segment.qualityReasons.includes('no-speech') || segment.words.length === 0 ? 1 : 0,
      words: segment.words.map((word) => ({ word: word.word, start: word.start, end: word.end, probability: round3(clamp01(word.confidence)) })),
    };
  });
  const finals = transcription.segments.filter((segment) => segment.final);
  return {
    task: 'transcribe',
    language: options.language,
    duration: round3(options.duration),
    text: transcription.text,
    segments,
    words: segments.flatMap((segment) => segment.words ?? []),
    callchart: {
      engine: transcription.engine,
      quality: transcription.quality,
      qualityReasons: transcription.qualityReasons,
      segments: finals.map((segment) => ({ quality: segment.quality, qualityReasons: segment.qualityReasons })),
      candidates: (transcription.candidates ?? []).map(({ kind, text, start, end, confidence }) => ({ kind, text: text.trim(), start, end, confidence })),
    },
  };
}
