/**
 * The speech port: what a PBX media adapter hands audio to, and what any speech-to-text engine
 * implements. Pure types and a counting no-op; engines that do I/O live in `*.client.ts` files.
 *
 * Telephone audio is narrowband: Twilio Media Streams carry 8 kHz mu-law only. Engines whose
 * models are wideband (16 kHz, e.g. Debian's pocketsphinx en-us) fail on it almost completely
 * (91–100% WER measured, STACK-NOTES "Speech"), and upsampling cannot restore the missing band.
 * So an engine must say so in `supports` rather than accept the stream and return noise.
 */

export interface AudioFormat {
  encoding: 'mulaw' | 'pcm_s16le';
  sampleRate: number;
  channels: 1;
}

/**
 * How far a transcript (or one segment of it) can be trusted (issue 17, item 4):
 * - `ok`: the engine heard the audio it was built for and was confident;
 * - `low`: usable with care: marked in the transcript, the review screen and the AI summary;
 * - `unusable`: not a transcript: the call always goes to a person, never to the chart as text.
 */
export const transcriptQualities = ['ok', 'low', 'unusable'] as const;
export type TranscriptQuality = (typeof transcriptQualities)[number];

/**
 * Why a verdict is not `ok`, as codes (never audio-derived content):
 * - `narrowband-audio`: telephone-band audio through an engine whose model needs wideband;
 * - `low-confidence`: too many words below the low-confidence threshold;
 * - `no-speech`: the engine heard no speech (or says so: no_speech_prob);
 * - `too-quiet` / `clipped`: the level is out of range;
 * - `repetitive`: the text repeats itself (compression ratio, a hallucination sign);
 * - `engine-failed`: the engine crashed or timed out on part of the audio;
 * - `no-confidence-reported`: the source gives no confidence (e.g. a PBX transcript).
 */
export const qualityReasons = ['narrowband-audio', 'low-confidence', 'no-speech', 'too-quiet', 'clipped', 'repetitive', 'engine-failed', 'no-confidence-reported'] as const;
export type QualityReason = (typeof qualityReasons)[number];

/** One recognised word; times in seconds from the start of the audio, confidence 0..1. */
export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
  confidence: number;
}

/** A stretch of speech (an utterance); `final: false` while it may still change (a partial). */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  quality: TranscriptQuality;
  qualityReasons: QualityReason[];
  words: TranscriptWord[];
  final: boolean;
}

/** What was measured of the audio itself (issue 17, item 4). */
export interface AudioAnalysis {
  durationMs: number;
  /** The sample rate of the audio as received (before any resampling). */
  sampleRate: number;
  /**
   * The highest frequency carrying speech, in Hz: the top of the band within 50 dB of the
   * spectrum's peak (≈ 3,400-3,900 for telephone audio, ≥ 6,000 for 16 kHz speech). Not "99% of the
   * energy": speech keeps 99% of its energy below ~4 kHz even when recorded wideband.
   */
  effectiveBandwidthHz: number;
  /** RMS level of the speech, in dBFS (about -20 for normal speech; below -45 is too quiet). */
  rmsDbfs: number;
  /** Share of samples at or near full scale. */
  clippedRatio: number;
}

/**
 * An entity a domain model proposes (e.g. a drug name heard by a keyword spotter). Never part of
 * the transcript text: shown to staff as "unconfirmed", confirmed or dismissed by a person.
 */
export interface EntityCandidate {
  kind: 'drug' | 'dose';
  text: string;
  start: number;
  end: number;
  confidence: number;
}

/** A whole transcript: what `callchart transcribe` prints and what the pipeline stores. */
export interface Transcription {
  /** The final segments' text joined; '' when nothing was heard. PHI: never log it. */
  text: string;
  /** Sample rate of the audio as received. */
  sampleRate: number;
  engine: string;
  quality: TranscriptQuality;
  qualityReasons: QualityReason[];
  segments: TranscriptSegment[];
  audio?: AudioAnalysis;
  candidates?: EntityCandidate[];
}

/** Mono 16-bit PCM samples in memory. */
export interface PcmAudio {
  samples: Int16Array;
  sampleRate: number;
}

/** Partial and final segments of a live session, as they come. Must not throw. */
export interface SegmentListener {
  (segment: TranscriptSegment): void;
}

export interface SpeechSession {
  /** One frame of audio, in arrival order, never a duplicate. Must not throw for ordinary audio. */
  push(frame: Uint8Array, meta: { sequence: number; timestampMs: number }): void;
  /** Flushes and returns the result. Called once. */
  end(): Promise<SpeechResult>;
  /**
   * Set when the engine took the stream but will not transcribe it (a code, e.g.
   * `SPEECH_LIVE_AT_CAPACITY`): the stream is still counted, and the start is audited with it.
   */
  readonly refused?: string;
}

export interface SpeechResult {
  /** The transcript, or null when there is none. PHI: never log it, never audit it. */
  text: string | null;
  engine: string;
  frames: number;
  audioMs: number;
  /** Why there is no text (a short fixed phrase, never audio-derived content). */
  reason?: string;
  /** The whole transcript with segments, words and quality, when the engine makes one. */
  transcription?: Transcription;
}

export type FormatSupport = { ok: true } | { ok: false; reason: string };

export interface SpeechEngine {
  readonly name: string;
  supports(format: AudioFormat): FormatSupport;
  /** A live session (Media Streams); partial and final segments go to `onSegment` as they come. */
  start(stream: { callSid: string; streamSid: string; format: AudioFormat }, onSegment?: SegmentListener): SpeechSession;
  /** A whole recording or file, post-call. Engines that cannot (noop) refuse with SPEECH_UNAVAILABLE. */
  transcribe?(audio: PcmAudio, options?: { signal?: AbortSignal }): Promise<Transcription>;
  /** Stops workers and connections; idempotent. */
  close?(): Promise<void>;
}

/** Bytes per sample of each encoding (mono). */
const bytesPerSample: Record<AudioFormat['encoding'], number> = { mulaw: 1, pcm_s16le: 2 };

/** Duration of `bytes` of audio in `format`, in milliseconds (not rounded). */
export function audioDurationMs(format: AudioFormat, bytes: number): number {
  return (bytes / (bytesPerSample[format.encoding] * format.channels * format.sampleRate)) * 1000;
}

/** The lowest sample rate a wideband model can decode. */
export const widebandSampleRate = 16_000;

/**
 * The honest `supports` for an engine with only a wideband model: it refuses telephone-band
 * audio instead of pretending. Use it from such engines' `supports`.
 */
export function requireWideband(format: AudioFormat): FormatSupport {
  if (format.sampleRate < widebandSampleRate) {
    return { ok: false, reason: `needs ${widebandSampleRate} Hz or more; ${format.sampleRate} Hz telephone-band audio is not decodable by a wideband model` };
  }
  return { ok: true };
}

/** A session that only counts: what every engine's session reports at minimum. */
export class CountingSpeechSession implements SpeechSession {
  private frames = 0;
  private bytes = 0;

  constructor(
    private readonly engine: string,
    private readonly format: AudioFormat,
    private readonly reason: string,
  ) {}

  push(frame: Uint8Array): void {
    this.frames += 1;
    this.bytes += frame.byteLength;
  }

  async end(): Promise<SpeechResult> {
    return { text: null, engine: this.engine, frames: this.frames, audioMs: Math.round(audioDurationMs(this.format, this.bytes)), reason: this.reason };
  }
}

/**
 * No speech-to-text: the default until an engine that works on 8 kHz audio is configured.
 * It accepts every format (it decodes nothing) and reports how much audio went by.
 */
export class NoopSpeechEngine implements SpeechEngine {
  readonly name = 'noop';

  supports(_format: AudioFormat): FormatSupport {
    return { ok: true };
  }

  start(stream: { callSid: string; streamSid: string; format: AudioFormat }): SpeechSession {
    return new CountingSpeechSession(this.name, stream.format, 'no speech engine configured');
  }
}
