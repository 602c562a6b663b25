/**
 * Sample-rate conversion with an anti-aliasing low-pass (windowed sinc interpolation plus a
 * Butterworth low-pass, from `wave-resampler`, the resampler of the `wavefile` author). Used for
 * 8 kHz telephone audio into a 16 kHz model and for files at 44.1/48 kHz.
 *
 * Whole buffers: the filter starts afresh on each call, so a live stream should be resampled an
 * utterance (or a few hundred ms) at a time, not per 20 ms frame, to keep edge effects negligible.
 */
import waveResampler from 'wave-resampler';
import type { PcmAudio } from '../speech-engine.ts';

/** `audio` at `targetRate` (the same object when the rate already matches). */
export function resamplePcm(audio: PcmAudio, targetRate: number): PcmAudio {
  if (!Number.isInteger(targetRate) || targetRate <= 0) throw new RangeError('targetRate must be a positive whole number of Hz');
  if (audio.sampleRate === targetRate || audio.samples.length === 0) return { samples: audio.samples, sampleRate: targetRate };
  // A copy: wave-resampler low-pass filters its input array in place when downsampling.
  const resampled = waveResampler.resample(Float64Array.from(audio.samples), audio.sampleRate, targetRate, { method: 'sinc', LPF: true, LPFType: 'IIR' });
  return { samples: toInt16(resampled), sampleRate: targetRate };
}

/** Rounds and clamps floating samples into 16 bits (filters can overshoot full scale slightly). */
export function toInt16(values: ArrayLike<number>): Int16Array {
  const samples = new Int16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = Math.round(values[i]!);
    samples[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  }
  return samples;
}

/**
 * Resamples a live stream piece by piece without the edge effects of filtering each piece afresh:
 * every call filters the new samples together with a little context before them (`leadMs`) and
 * holds back the last `tailMs` (they need the samples after them), so each output sample is
 * computed once with context on both sides. Pieces of ≥ 200 ms keep the overlap cost small.
 */
export class StreamResampler {
  private source: Int16Array = new Int16Array(0);
  /** Samples at the start of `source` that were already emitted (context only). */
  private emitted = 0;
  private readonly lead: number;
  private readonly tail: number;

  constructor(
    private readonly fromRate: number,
    private readonly toRate: number,
    options: { leadMs?: number; tailMs?: number } = {},
  ) {
    this.lead = Math.round(((options.leadMs ?? 20) / 1000) * fromRate);
    this.tail = Math.round(((options.tailMs ?? 10) / 1000) * fromRate);
  }

  /** Output for the samples so far, except the held-back tail. */
  push(samples: Int16Array): Int16Array {
    this.source = concatSamples(this.source, samples);
    const upTo = this.source.length - this.tail;
    if (upTo <= this.emitted) return new Int16Array(0);
    const out = this.emit(upTo);
    const keepFrom = Math.max(0, upTo - this.lead);
    this.source = this.source.slice(keepFrom);
    this.emitted = upTo - keepFrom;
    return out;
  }

  /** The rest, at the end of a stretch of audio; the resampler is then empty. */
  flush(): Int16Array {
    const out = this.source.length > this.emitted ? this.emit(this.source.length) : new Int16Array(0);
    this.reset();
    return out;
  }

  reset(): void {
    this.source = new Int16Array(0);
    this.emitted = 0;
  }

  private emit(upTo: number): Int16Array {
    if (this.fromRate === this.toRate) return this.source.slice(this.emitted, upTo);
    const resampled = resamplePcm({ samples: this.source, sampleRate: this.fromRate }, this.toRate).samples;
    const ratio = this.toRate / this.fromRate;
    return resampled.slice(Math.round(this.emitted * ratio), Math.min(resampled.length, Math.round(upTo * ratio)));
  }
}

function concatSamples(a: Int16Array, b: Int16Array): Int16Array {
  if (a.length === 0) return b;
  const joined = new Int16Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
