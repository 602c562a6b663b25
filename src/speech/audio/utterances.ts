/**
 * Energy-based voice-activity detection: cuts a live stream or a file into utterances, the unit a
 * recogniser decodes (and the unit a recogniser crash can lose). Pure and incremental.
 *
 * - 20 ms frames; a frame is speech when it is 12 dB above an adaptive noise floor (and above
 *   -55 dBFS), silence again below floor + 6 dB (hysteresis keeps soft word endings in).
 * - An utterance starts after 60 ms of speech and takes the 300 ms before it along (pre-roll), so
 *   an onset is never cut; it ends after `minSilenceMs` of silence (default 400 ms, the trailing
 *   silence included, which helps a recogniser end the last word) or at `maxUtteranceMs`.
 * - Every sample from the utterance's start to its end is passed on: pauses inside speech are
 *   never dropped; only audio between utterances is.
 */
import { rmsDbfs } from './analyze.ts';
import type { PcmAudio } from '../speech-engine.ts';

const frameMs = 20;
const speechAboveFloorDb = 12;
const silenceAboveFloorDb = 6;
const speechMinimumDbfs = -55;
const onsetFrames = 3;
const preRollMs = 300;
/** How fast the floor rises while nobody speaks (dB per frame: ~3 dB a second); it falls at once. */
const floorRisePerFrameDb = 0.06;

/**
 * A piece of an utterance, in order. The first chunk of utterance `utterance` starts it (`first`),
 * the one with `final: true` ends it (its samples may be empty). `start` is the time of the chunk's
 * first sample and `utteranceStart` of the utterance's, in seconds from the start of the stream.
 */
export interface UtteranceChunk {
  type: 'speech';
  utterance: number;
  samples: Int16Array;
  start: number;
  utteranceStart: number;
  first: boolean;
  final: boolean;
}

export interface UtteranceDetectorOptions {
  sampleRate: number;
  /** Silence that ends an utterance (default 400 ms). */
  minSilenceMs?: number;
  /** Longest utterance; a longer stretch of speech is cut here and goes on in the next (default 15 s). */
  maxUtteranceMs?: number;
}

export class UtteranceDetector {
  private readonly frameSize: number;
  private readonly silenceFramesToEnd: number;
  private readonly maxUtteranceSamples: number;
  private readonly preRollFrames: number;
  /** Samples not yet a whole frame. */
  private pending: Int16Array = new Int16Array(0);
  /** Index of the next sample to arrive as a frame (time base). */
  private position = 0;
  private floorDb: number | undefined;
  /** Recent frames before an utterance (pre-roll and onset candidates). */
  private recent: Int16Array[] = [];
  private speechRun = 0;
  private inUtterance = false;
  private utteranceIndex = -1;
  private utteranceStartSample = 0;
  private utteranceSamples = 0;
  private silenceRun = 0;
  private startedChunk = false;

  constructor(private readonly options: UtteranceDetectorOptions) {
    if (!Number.isInteger(options.sampleRate) || options.sampleRate <= 0) throw new RangeError('sampleRate must be a positive whole number of Hz');
    this.frameSize = Math.round((options.sampleRate * frameMs) / 1000);
    this.silenceFramesToEnd = Math.max(1, Math.round((options.minSilenceMs ?? 400) / frameMs));
    this.maxUtteranceSamples = Math.round(((options.maxUtteranceMs ?? 15_000) / 1000) * options.sampleRate);
    this.preRollFrames = Math.round(preRollMs / frameMs);
  }

  /** Feeds samples in arrival order; returns the chunks they complete (often none, at most a few). */
  push(samples: Int16Array): UtteranceChunk[] {
    const joined = concat([this.pending, samples]);
    const chunks: UtteranceChunk[] = [];
    const out: Int16Array[] = [];
    let outStart = -1;
    let offset = 0;
    const flushOut = (final: boolean) => {
      if (out.length === 0 && !final) return;
      const piece = concat(out);
      chunks.push(this.chunk(piece, outStart >= 0 ? outStart : this.position, final));
      out.length = 0;
      outStart = -1;
    };
    for (; offset + this.frameSize <= joined.length; offset += this.frameSize) {
      const frame = joined.subarray(offset, offset + this.frameSize);
      const frameStart = this.position;
      this.position += this.frameSize;
      const db = rmsDbfs(frame);
      if (!this.inUtterance) {
        this.trackFloor(db, false);
        this.recent.push(frame.slice());
        if (this.recent.length > this.preRollFrames + onsetFrames) this.recent.shift();
        this.speechRun = this.isSpeech(db) ? this.speechRun + 1 : 0;
        if (this.speechRun >= onsetFrames) {
          // Start: the pre-roll and the onset frames go out first.
          this.inUtterance = true;
          this.utteranceIndex += 1;
          this.startedChunk = false;
          this.silenceRun = 0;
          const held = concat(this.recent);
          this.utteranceStartSample = this.position - held.length;
          this.utteranceSamples = held.length;
          this.recent = [];
          this.speechRun = 0;
          outStart = this.utteranceStartSample;
          out.push(held);
        }
        continue;
      }
      if (outStart < 0) outStart = frameStart;
      out.push(frame.slice());
      this.utteranceSamples += frame.length;
      this.trackFloor(db, true);
      this.silenceRun = this.isSilence(db) ? this.silenceRun + 1 : 0;
      if (this.silenceRun >= this.silenceFramesToEnd || this.utteranceSamples >= this.maxUtteranceSamples) {
        flushOut(true);
        this.inUtterance = false;
        this.silenceRun = 0;
      }
    }
    this.pending = joined.slice(offset);
    if (this.inUtterance) flushOut(false);
    return chunks;
  }

  /** The end of the stream: closes an open utterance (with the samples not yet a whole frame). */
  flush(): UtteranceChunk[] {
    if (!this.inUtterance) {
      this.pending = new Int16Array(0);
      return [];
    }
    const tail = this.pending;
    const start = this.position;
    this.position += tail.length;
    this.pending = new Int16Array(0);
    this.inUtterance = false;
    return [this.chunk(tail, start, true)];
  }

  private chunk(samples: Int16Array, startSample: number, final: boolean): UtteranceChunk {
    const first = !this.startedChunk;
    this.startedChunk = true;
    const rate = this.options.sampleRate;
    return { type: 'speech', utterance: this.utteranceIndex, samples, start: startSample / rate, utteranceStart: this.utteranceStartSample / rate, first, final };
  }

  private isSpeech(db: number): boolean {
    return db > speechMinimumDbfs && db > (this.floorDb ?? -120) + speechAboveFloorDb;
  }

  private isSilence(db: number): boolean {
    return db < speechMinimumDbfs || db < (this.floorDb ?? -120) + silenceAboveFloorDb;
  }

  /** The floor follows the quietest frames down at once and rises slowly (never during speech). */
  private trackFloor(db: number, speaking: boolean): void {
    if (this.floorDb === undefined || db < this.floorDb) this.floorDb = db;
    else if (!speaking) this.floorDb = Math.min(db, this.floorDb + floorRisePerFrameDb);
  }
}

/** The utterances of a whole file: start and end in seconds and their samples. */
export function splitUtterances(audio: PcmAudio, options: Omit<UtteranceDetectorOptions, 'sampleRate'> = {}): Array<{ start: number; end: number; samples: Int16Array }> {
  const detector = new UtteranceDetector({ ...options, sampleRate: audio.sampleRate });
  const utterances: Array<{ start: number; end: number; samples: Int16Array }> = [];
  let parts: Int16Array[] = [];
  let start = 0;
  for (const chunk of [...detector.push(audio.samples), ...detector.flush()]) {
    if (chunk.first) {
      parts = [];
      start = chunk.utteranceStart;
    }
    parts.push(chunk.samples);
    if (chunk.final) {
      const samples = concat(parts);
      utterances.push({ start, end: start + samples.length / audio.sampleRate, samples });
    }
  }
  return utterances;
}

function concat(parts: Int16Array[]): Int16Array {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const part of parts) length += part.length;
  const joined = new Int16Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
