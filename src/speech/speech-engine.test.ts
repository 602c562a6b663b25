import { describe, expect, it } from 'vitest';
import { NoopSpeechEngine, audioDurationMs, requireWideband, type AudioFormat } from './speech-engine.ts';

const telephone: AudioFormat = { encoding: 'mulaw', sampleRate: 8000, channels: 1 };
const wideband: AudioFormat = { encoding: 'pcm_s16le', sampleRate: 16_000, channels: 1 };

describe('NoopSpeechEngine', () => {
  it('accepts any format, counts frames and audio, and says why there is no text', async () => {
    const engine = new NoopSpeechEngine();
    expect(engine.supports(telephone)).toEqual({ ok: true });
    expect(engine.supports(wideband)).toEqual({ ok: true });
    const session = engine.start({ callSid: `CA${'0'.repeat(32)}`, streamSid: `MZ${'0'.repeat(32)}`, format: telephone });
    for (let sequence = 2; sequence < 52; sequence += 1) session.push(new Uint8Array(160).fill(0xff), { sequence, timestampMs: (sequence - 2) * 20 });
    expect(await session.end()).toEqual({ text: null, engine: 'noop', frames: 50, audioMs: 1000, reason: 'no speech engine configured' });
  });
});

describe('requireWideband', () => {
  it('refuses 8 kHz telephone audio and accepts 16 kHz', () => {
    const refused = requireWideband(telephone);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toContain('8000 Hz');
    expect(requireWideband(wideband)).toEqual({ ok: true });
  });
});

describe('audioDurationMs', () => {
  it('knows mu-law is one byte per sample and s16le two', () => {
    expect(audioDurationMs(telephone, 160)).toBe(20);
    expect(audioDurationMs(wideband, 640)).toBe(20);
  });
});
