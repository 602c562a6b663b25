import { describe, expect, it } from 'vitest';
import { StreamResampler, resamplePcm } from './resample.ts';

/** A 440 Hz + 1.2 kHz tone at 8 kHz: phone-band content that upsampling must carry unchanged. */
function tone(seconds: number): Int16Array {
  return Int16Array.from({ length: seconds * 8_000 }, (_, i) => Math.round(6_000 * Math.sin((2 * Math.PI * 440 * i) / 8_000) + 3_000 * Math.sin((2 * Math.PI * 1_200 * i) / 8_000)));
}

describe('StreamResampler', () => {
  it('resamples a live stream piece by piece as a whole buffer would be, without clicks at the joins', () => {
    const input = tone(2);
    const whole = resamplePcm({ samples: input, sampleRate: 8_000 }, 16_000).samples;
    const resampler = new StreamResampler(8_000, 16_000);
    const pieces: Int16Array[] = [];
    for (let offset = 0; offset < input.length; offset += 1_600) pieces.push(resampler.push(input.subarray(offset, offset + 1_600)));
    pieces.push(resampler.flush());
    const streamed = new Int16Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
    let offset = 0;
    for (const piece of pieces) {
      streamed.set(piece, offset);
      offset += piece.length;
    }
    expect(Math.abs(streamed.length - whole.length)).toBeLessThanOrEqual(2);
    // wave-resampler maps a buffer's first and last samples onto the output's, so pieces and the
    // whole differ by a fraction of a sample in time: compare what matters, level and smoothness.
    const inner = (samples: Int16Array) => samples.subarray(400, samples.length - 400);
    const rms = (samples: Int16Array) => Math.sqrt(samples.reduce((sum, value) => sum + value * value, 0) / samples.length);
    const largestStep = (samples: Int16Array) => samples.reduce((worst, value, i) => (i ? Math.max(worst, Math.abs(value - samples[i - 1]!)) : 0), 0);
    expect(Math.abs(rms(inner(streamed)) - rms(inner(whole)))).toBeLessThan(0.02 * rms(inner(whole)));
    // No clicks where the pieces join: no jump between neighbouring samples larger than the tone's own.
    expect(largestStep(inner(streamed))).toBeLessThanOrEqual(1.05 * largestStep(inner(whole)));
  });

  it('is empty again after a flush, so the next utterance starts clean', () => {
    const resampler = new StreamResampler(8_000, 16_000);
    resampler.push(tone(1));
    expect(resampler.flush().length).toBeGreaterThan(0);
    expect(resampler.flush().length).toBe(0);
  });
});
