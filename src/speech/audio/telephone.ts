/**
 * What a telephone network does to speech: band-limited to 300–3400 Hz, 8 kHz, G.711 µ-law, as
 * Twilio Media Streams carry it. Used to make the telephone half of the speech corpus, and to show
 * that a wideband model cannot hear what the phone network removed.
 */
import type { PcmAudio } from '../speech-engine.ts';
import { mulawToPcm, pcmToMulaw } from './mulaw.ts';
import { resamplePcm, toInt16 } from './resample.ts';

export const telephoneSampleRate = 8_000;
/** The voice band of the public telephone network (ITU-T G.712). */
export const telephoneBandHz = { low: 300, high: 3_400 } as const;

/** `audio` as a Twilio Media Stream would carry it: 8 kHz µ-law bytes, band-passed to 300–3400 Hz. */
export function toTelephoneAudio(audio: PcmAudio): Uint8Array {
  const narrow = resamplePcm(audio, telephoneSampleRate);
  const filtered = bandPass(narrow.samples, telephoneSampleRate, telephoneBandHz.low, telephoneBandHz.high);
  return pcmToMulaw(toInt16(filtered));
}

/** `audio` through the telephone network and back up to `targetRate` (what a 16 kHz engine gets from a call). */
export function telephoneRoundTrip(audio: PcmAudio, targetRate = 16_000): PcmAudio {
  return resamplePcm({ samples: mulawToPcm(toTelephoneAudio(audio)), sampleRate: telephoneSampleRate }, targetRate);
}

/** A fourth-order band-pass: two second-order Butterworth high-pass and two low-pass sections (RBJ biquads). */
function bandPass(samples: Int16Array, sampleRate: number, lowHz: number, highHz: number): Float64Array {
  let signal: Float64Array = Float64Array.from(samples);
  for (const section of [highPass(sampleRate, lowHz), highPass(sampleRate, lowHz), lowPass(sampleRate, highHz), lowPass(sampleRate, highHz)]) {
    signal = applyBiquad(signal, section);
  }
  return signal;
}

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

const butterworthQ = Math.SQRT1_2;

function lowPass(sampleRate: number, cutoffHz: number): Biquad {
  const w = (2 * Math.PI * cutoffHz) / sampleRate;
  const alpha = Math.sin(w) / (2 * butterworthQ);
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  return { b0: (1 - cos) / 2 / a0, b1: (1 - cos) / a0, b2: (1 - cos) / 2 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

function highPass(sampleRate: number, cutoffHz: number): Biquad {
  const w = (2 * Math.PI * cutoffHz) / sampleRate;
  const alpha = Math.sin(w) / (2 * butterworthQ);
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  return { b0: (1 + cos) / 2 / a0, b1: -(1 + cos) / a0, b2: (1 + cos) / 2 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

function applyBiquad(input: Float64Array, { b0, b1, b2, a1, a2 }: Biquad): Float64Array {
  const output = new Float64Array(input.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < input.length; i++) {
    const x = input[i]!;
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    output[i] = y;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
  }
  return output;
}
