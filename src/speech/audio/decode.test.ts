import { describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { CallchartError } from '../../lib/errors.ts';
import { decodeAudioFile } from './decode.ts';
import { pcmToMulaw } from './mulaw.ts';
import { encodeWav } from './wav.ts';

/** A 440 Hz tone, a quarter of full scale: synthetic audio with a known shape. */
function tone(sampleRate: number, seconds = 0.1): Int16Array {
  const samples = new Int16Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  return samples;
}

function wavOf(channels: number, sampleRate: number, bitDepth: string, samples: ArrayLike<number> | ArrayLike<number>[]): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels, sampleRate, bitDepth, samples as never);
  return wav.toBuffer();
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CallchartError);
    expect((error as CallchartError).retry).toBe('permanent');
    return (error as CallchartError).code;
  }
  return undefined;
}

describe('decodeAudioFile', () => {
  const samples = tone(16_000);

  it('reads 16-bit PCM WAV exactly, and what encodeWav writes', () => {
    const audio = decodeAudioFile(encodeWav({ samples, sampleRate: 16_000 }));
    expect(audio.sampleRate).toBe(16_000);
    expect(Array.from(audio.samples)).toEqual(Array.from(samples));
  });

  it('reads 8-, 24- and 32-bit PCM and float WAV to the same tone', () => {
    const asFloat = Array.from(samples, (value) => value / 32768);
    for (const [depth, data] of [
      ['8', Array.from(samples, (value) => Math.round(value / 256) + 128)],
      ['24', Array.from(samples, (value) => value * 256)],
      ['32', Array.from(samples, (value) => value * 65536)],
      ['32f', asFloat],
      ['64', asFloat],
    ] as const) {
      const audio = decodeAudioFile(wavOf(1, 16_000, depth, data));
      expect(audio.samples.length, depth).toBe(samples.length);
      const worst = Math.max(...Array.from(audio.samples, (value, index) => Math.abs(value - samples[index]!)));
      expect(worst, depth).toBeLessThanOrEqual(depth === '8' ? 256 : 2);
    }
  });

  it('reads µ-law and A-law WAV (telephone recordings)', () => {
    const mulawWav = new wavefile.WaveFile();
    mulawWav.fromScratch(1, 8000, '16', tone(8000));
    mulawWav.toMuLaw();
    const alawWav = new wavefile.WaveFile();
    alawWav.fromScratch(1, 8000, '16', tone(8000));
    alawWav.toALaw();
    for (const bytes of [mulawWav.toBuffer(), alawWav.toBuffer()]) {
      const audio = decodeAudioFile(bytes);
      expect(audio.sampleRate).toBe(8000);
      expect(audio.samples.length).toBe(800);
      const worst = Math.max(...Array.from(audio.samples, (value, index) => Math.abs(value - tone(8000)[index]!)));
      expect(worst).toBeLessThan(300);
    }
  });

  it('mixes stereo to mono (the caller on one channel, the clinic on the other)', () => {
    const left = tone(16_000);
    const right = new Int16Array(left.length);
    const audio = decodeAudioFile(wavOf(2, 16_000, '16', [left, right]));
    expect(audio.samples.length).toBe(left.length);
    expect(audio.samples[10]).toBe(Math.round(left[10]! / 2));
  });

  it('reads raw µ-law at 8 kHz by default and raw PCM at the rate given', () => {
    const mulaw = decodeAudioFile(pcmToMulaw(tone(8000)), { fileName: 'call.ulaw' });
    expect(mulaw).toMatchObject({ sampleRate: 8000 });
    expect(mulaw.samples.length).toBe(800);
    expect(decodeAudioFile(pcmToMulaw(tone(8000)), { fileName: 'CALL.MULAW', sampleRate: 16_000 }).sampleRate).toBe(16_000);
    const raw = new Uint8Array(samples.buffer.slice(0));
    const pcm = decodeAudioFile(raw, { fileName: 'call.raw', sampleRate: 16_000 });
    expect(Array.from(pcm.samples)).toEqual(Array.from(samples));
  });

  it('refuses empty, truncated and corrupt files as unreadable', () => {
    const good = encodeWav({ samples, sampleRate: 16_000 });
    expect(codeOf(() => decodeAudioFile(new Uint8Array(0), { fileName: 'a.wav' }))).toBe('AUDIO_UNREADABLE');
    expect(codeOf(() => decodeAudioFile(good.slice(0, good.length - 100)))).toBe('AUDIO_UNREADABLE');
    expect(codeOf(() => decodeAudioFile(good.slice(0, 30)))).toBe('AUDIO_UNREADABLE');
    expect(codeOf(() => decodeAudioFile(good.slice(0, 44)))).toBe('AUDIO_UNREADABLE');
    expect(codeOf(() => decodeAudioFile(new TextEncoder().encode('not audio at all'), { fileName: 'note.wav' }))).toBe('AUDIO_UNREADABLE');
    expect(codeOf(() => decodeAudioFile(new Uint8Array([1, 2, 3]), { fileName: 'odd.raw', sampleRate: 8000 }))).toBe('AUDIO_UNREADABLE');
  });

  it('reads raw µ-law that starts with silence (0xFF bytes, an MPEG sync look-alike) as µ-law, and a real MPEG frame header as MP3', () => {
    const silenceFirst = new Uint8Array(4_000).fill(0xff);
    silenceFirst.set([0x00, 0x80, 0x10, 0x90], 3_990);
    expect(decodeAudioFile(silenceFirst, { fileName: 'call.ulaw' }).sampleRate).toBe(8_000);
    // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: a real frame header.
    const frame = new Uint8Array([0xff, 0xfb, 0x90, 0x64, ...new Array(400).fill(0)]);
    expect(codeOf(() => decodeAudioFile(frame, { fileName: 'call.ulaw' }))).toBe('AUDIO_FORMAT_UNSUPPORTED');
  });

  it('refuses mp3, ogg, unknown extensions, raw PCM without a rate and absurd rates as unsupported', () => {
    const mp3 = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0, 0xff, 0xfb]);
    const ogg = new TextEncoder().encode('OggS\0\x02rest of an ogg page');
    expect(codeOf(() => decodeAudioFile(mp3, { fileName: 'voicemail.mp3' }))).toBe('AUDIO_FORMAT_UNSUPPORTED');
    expect(codeOf(() => decodeAudioFile(ogg))).toBe('AUDIO_FORMAT_UNSUPPORTED');
    expect(codeOf(() => decodeAudioFile(new Uint8Array(100).fill(7), { fileName: 'call.xyz' }))).toBe('AUDIO_FORMAT_UNSUPPORTED');
    expect(codeOf(() => decodeAudioFile(new Uint8Array(100).fill(7)))).toBe('AUDIO_FORMAT_UNSUPPORTED');
    expect(codeOf(() => decodeAudioFile(new Uint8Array(100), { fileName: 'call.pcm' }))).toBe('AUDIO_FORMAT_UNSUPPORTED');
    expect(codeOf(() => decodeAudioFile(new Uint8Array(100), { fileName: 'call.ulaw', sampleRate: 1000 }))).toBe('AUDIO_FORMAT_UNSUPPORTED');
    expect(codeOf(() => decodeAudioFile(wavOf(1, 200_000, '16', tone(200_000, 0.01))))).toBe('AUDIO_FORMAT_UNSUPPORTED');
    const message = (() => {
      try {
        decodeAudioFile(mp3);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/MP3 audio is not supported; send WAV/);
  });

  it('refuses more than 4 hours of audio', () => {
    // 4 h 1 min of 4 kHz µ-law is 58 MB: a header promising it is enough to refuse.
    const fourHoursOfMulaw = new Uint8Array(4_000 * (4 * 3600 + 60));
    expect(codeOf(() => decodeAudioFile(fourHoursOfMulaw, { fileName: 'long.ulaw', sampleRate: 4_000 }))).toBe('PAYLOAD_TOO_LARGE');
  });
});
