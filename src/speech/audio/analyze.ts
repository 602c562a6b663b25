/**
 * What the audio itself says about how well any engine can hear it (issue 17, item 4): the
 * effective bandwidth (telephone audio has nothing above ~3.4–4 kHz, even after upsampling), the
 * speech level and clipping. Pure: samples in, numbers out.
 */
import FFT from 'fft.js';
import type { AudioAnalysis, PcmAudio } from '../speech-engine.ts';

/**
 * The effective bandwidth is the highest frequency at which the speech's long-term spectrum is
 * still within this many dB of its peak. Not "99% of the energy": speech has 99% of its energy
 * below ~4 kHz even at 16 kHz (measured on flite voices: 1.6–6.7 kHz), so an energy share cannot
 * tell a phone call from wideband audio. The spectral edge can: flite voices at 16 kHz reach
 * 6.8–8 kHz, their telephone versions (upsampled to 16 kHz) stop at 3.6–4 kHz (µ-law noise and the
 * resampler's roll-off), measured in analyze.test.ts and the speech bench.
 */
export const spectralEdgeDb = 50;
/** A sample this close to full scale counts as clipped. */
const clippedLevel = 32_000;
/** Frames quieter than the noise floor plus this are not speech. */
const speechAboveFloorDb = 10;
/** Frames below this are silence whatever the floor. */
const absoluteSilenceDbfs = -60;

/** Bandwidth, level and clipping of `audio`, measured over its speech frames. */
export function analyzeAudio(audio: PcmAudio): AudioAnalysis {
  const { samples, sampleRate } = audio;
  const durationMs = (samples.length / sampleRate) * 1000;
  const frameSize = fftSizeFor(sampleRate);
  const frameCount = Math.floor(samples.length / frameSize);
  let clipped = 0;
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]!) >= clippedLevel) clipped += 1;
  const clippedRatio = samples.length ? clipped / samples.length : 0;
  if (frameCount === 0) return { durationMs, sampleRate, effectiveBandwidthHz: 0, rmsDbfs: -Infinity, clippedRatio };

  const frameDb: number[] = [];
  for (let f = 0; f < frameCount; f++) frameDb.push(rmsDbfs(samples, f * frameSize, frameSize));
  const floorDb = percentile(frameDb, 0.1);
  // Above the noise floor; for audio with no pauses at all (the floor is the speech), the loud frames.
  const threshold = Math.max(absoluteSilenceDbfs, Math.min(floorDb + speechAboveFloorDb, percentile(frameDb, 0.95) - 20));
  const speechFrames = frameDb.flatMap((db, index) => (db > threshold ? [index] : []));
  if (speechFrames.length === 0) return { durationMs, sampleRate, effectiveBandwidthHz: 0, rmsDbfs: round1(Math.max(...frameDb)), clippedRatio };

  const fft = new FFT(frameSize);
  const window = hann(frameSize);
  const input = new Float64Array(frameSize);
  const spectrum = fft.createComplexArray() as number[];
  const power = new Float64Array(frameSize / 2 + 1);
  let sumSquares = 0;
  for (const frame of speechFrames) {
    const offset = frame * frameSize;
    for (let i = 0; i < frameSize; i++) {
      const sample = samples[offset + i]! / 32768;
      sumSquares += sample * sample;
      input[i] = sample * window[i]!;
    }
    fft.realTransform(spectrum, input);
    for (let bin = 0; bin <= frameSize / 2; bin++) {
      const re = spectrum[2 * bin]!;
      const im = spectrum[2 * bin + 1]!;
      power[bin] = power[bin]! + re * re + im * im;
    }
  }
  const edgeBin = spectralEdgeBin(power);
  return {
    durationMs,
    sampleRate,
    effectiveBandwidthHz: Math.round((edgeBin * sampleRate) / frameSize),
    rmsDbfs: round1(10 * Math.log10(sumSquares / (speechFrames.length * frameSize) || 1e-12)),
    clippedRatio,
  };
}

/** The highest bin within `spectralEdgeDb` of the peak, after smoothing over ±3 bins (~±100 Hz). */
function spectralEdgeBin(power: Float64Array): number {
  const smoothed = new Float64Array(power.length);
  // The DC bin is offset and rumble, not speech.
  for (let bin = 1; bin < power.length; bin++) {
    let sum = 0;
    let count = 0;
    for (let near = Math.max(1, bin - 3); near <= Math.min(power.length - 1, bin + 3); near++) {
      sum += power[near]!;
      count += 1;
    }
    smoothed[bin] = sum / count;
  }
  let peak = 0;
  for (const value of smoothed) peak = Math.max(peak, value);
  if (peak === 0) return 0;
  const floor = peak * 10 ** (-spectralEdgeDb / 10);
  for (let bin = smoothed.length - 1; bin > 0; bin--) if (smoothed[bin]! >= floor) return bin;
  return 0;
}

/** RMS of samples[offset, offset + length) in dB relative to full scale (-120 for digital silence). */
export function rmsDbfs(samples: Int16Array, offset = 0, length = samples.length - offset): number {
  if (length <= 0) return -120;
  let sum = 0;
  for (let i = offset; i < offset + length; i++) {
    const sample = samples[i]! / 32768;
    sum += sample * sample;
  }
  return Math.max(-120, 10 * Math.log10(sum / length || 1e-12));
}

/** About 32 ms a frame, a power of two for the FFT (256 at 8 kHz, 512 at 16 kHz). */
function fftSizeFor(sampleRate: number): number {
  return 2 ** Math.round(Math.log2(sampleRate * 0.032));
}

function hann(size: number): Float64Array {
  const window = new Float64Array(size);
  for (let i = 0; i < size; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1));
  return window;
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
