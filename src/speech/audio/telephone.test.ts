import { describe, expect, it } from 'vitest';
import { analyzeAudio } from './analyze.ts';
import { mulawToPcm, pcmToMulaw } from './mulaw.ts';
import { telephoneRoundTrip, toTelephoneAudio } from './telephone.ts';
import { decodeAudioFile } from './decode.ts';
import { encodeWav } from './wav.ts';

function tone(hz: number, sampleRate = 16_000, seconds = 1): Int16Array {
  const samples = new Int16Array(sampleRate * seconds);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  return samples;
}

function level(samples: Int16Array): number {
  return analyzeAudio({ samples, sampleRate: 16_000 }).rmsDbfs;
}

describe('µ-law', () => {
  it('round-trips speech-level samples within the codec’s step, one byte per sample', () => {
    const samples = tone(440, 8000, 0.1);
    const bytes = pcmToMulaw(samples);
    expect(bytes.length).toBe(samples.length);
    const back = mulawToPcm(bytes);
    for (let i = 0; i < samples.length; i++) expect(Math.abs(back[i]! - samples[i]!)).toBeLessThanOrEqual(Math.max(8, Math.abs(samples[i]!) / 16));
  });
});

describe('telephone audio', () => {
  it('is 8 kHz µ-law that keeps the voice band and drops what a phone line cannot carry', () => {
    const bytes = toTelephoneAudio({ samples: tone(1000), sampleRate: 16_000 });
    expect(bytes.length).toBe(8000);
    expect(level(telephoneRoundTrip({ samples: tone(1000), sampleRate: 16_000 }).samples)).toBeGreaterThan(level(tone(1000)) - 1.5);
    expect(level(telephoneRoundTrip({ samples: tone(100), sampleRate: 16_000 }).samples)).toBeLessThan(level(tone(100)) - 15);
    expect(level(telephoneRoundTrip({ samples: tone(6000), sampleRate: 16_000 }).samples)).toBeLessThan(level(tone(6000)) - 35);
  });

  it('comes back at the rate asked', () => {
    const back = telephoneRoundTrip({ samples: tone(1000, 22_050), sampleRate: 22_050 }, 16_000);
    expect(back.sampleRate).toBe(16_000);
    expect(back.samples.length).toBe(16_000);
  });
});

describe('encodeWav', () => {
  it('writes a 16-bit mono WAV that reads back the same', () => {
    const bytes = encodeWav({ samples: tone(300, 8000, 0.05), sampleRate: 8000 });
    expect(new TextDecoder().decode(bytes.subarray(8, 12))).toBe('WAVE');
    expect(decodeAudioFile(bytes)).toEqual({ samples: tone(300, 8000, 0.05), sampleRate: 8000 });
  });
});
