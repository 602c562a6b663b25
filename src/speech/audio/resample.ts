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
