import { describe, expect, it } from 'vitest';
import { renderSpeech } from '../../../bench/speech/corpus.ts';
import { analyzeAudio } from './analyze.ts';
import { mulawToPcm } from './mulaw.ts';
import { resamplePcm } from './resample.ts';
import { telephoneRoundTrip, toTelephoneAudio } from './telephone.ts';

// Synthetic speech (flite and espeak-ng voices), rendered when the test runs.
const sentence = 'Hi, this is a synthetic caller about my refill of lisinopril, and I fell on the stairs on Sunday.';

describe('analyzeAudio on real synthetic speech', () => {
  it.each(['awb', 'rms', 'slt', 'kal16', 'espeak'] as const)('tells %s at 16 kHz from its telephone version', async (voice) => {
    const wideband = await renderSpeech(sentence, voice);
    const phone = telephoneRoundTrip(wideband, 16_000);
    const phoneAt8k = { samples: mulawToPcm(toTelephoneAudio(wideband)), sampleRate: 8000 };

    const wide = analyzeAudio(wideband);
    expect(wide.sampleRate).toBe(16_000);
    expect(wide.effectiveBandwidthHz).toBeGreaterThan(6_000);
    expect(wide.rmsDbfs).toBeGreaterThan(-35);
    expect(wide.rmsDbfs).toBeLessThan(-10);
    expect(wide.clippedRatio).toBeLessThan(0.001);
    expect(wide.durationMs).toBeCloseTo((wideband.samples.length / 16_000) * 1000, 5);

    // Upsampled back to 16 kHz, the missing upper band stays missing.
    expect(analyzeAudio(phone).effectiveBandwidthHz).toBeLessThanOrEqual(4_100);
    expect(analyzeAudio(phoneAt8k).effectiveBandwidthHz).toBeLessThanOrEqual(4_000);
  });

  it('finds the level: quiet speech is quiet, clipped speech is clipped, silence has no bandwidth', async () => {
    const speech = await renderSpeech(sentence, 'slt');
    const quiet = { samples: speech.samples.map((value) => Math.round(value / 200)), sampleRate: 16_000 };
    expect(analyzeAudio(quiet).rmsDbfs).toBeLessThan(analyzeAudio(speech).rmsDbfs - 40);
    const loud = { samples: speech.samples.map((value) => Math.max(-32768, Math.min(32767, value * 20))), sampleRate: 16_000 };
    expect(analyzeAudio(loud).clippedRatio).toBeGreaterThan(0.01);
    const silence = analyzeAudio({ samples: new Int16Array(16_000), sampleRate: 16_000 });
    expect(silence.effectiveBandwidthHz).toBe(0);
    expect(silence.rmsDbfs).toBeLessThan(-100);
  });
});

describe('resamplePcm', () => {
  it('keeps a 1 kHz tone a 1 kHz tone, removes what the new rate cannot carry, and leaves the input alone', () => {
    const rate = 16_000;
    const mixed = new Int16Array(rate);
    for (let i = 0; i < mixed.length; i++) mixed[i] = Math.round(6000 * Math.sin((2 * Math.PI * 1000 * i) / rate) + 6000 * Math.sin((2 * Math.PI * 6000 * i) / rate));
    const copy = mixed.slice();
    const narrow = resamplePcm({ samples: mixed, sampleRate: rate }, 8000);
    expect(Array.from(mixed)).toEqual(Array.from(copy));
    expect(narrow.sampleRate).toBe(8000);
    expect(narrow.samples.length).toBe(8000);
    // The 6 kHz tone would fold to 2 kHz without a low-pass; with it, only the 1 kHz tone is left.
    const analysis = analyzeAudio(narrow);
    expect(analysis.effectiveBandwidthHz).toBeLessThan(1_500);
    const back = resamplePcm(narrow, 16_000);
    expect(back.samples.length).toBe(16_000);
    expect(resamplePcm(back, 16_000).samples).toBe(back.samples);
  });
});
