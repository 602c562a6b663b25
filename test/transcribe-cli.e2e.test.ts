import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/lib/logger.ts';
import { transcriptionRoutes } from '../src/speech/http/transcription.routes.ts';
import type { PcmAudio, SpeechEngine, Transcription } from '../src/speech/speech-engine.ts';

/*
 * `callchart transcribe` as a person runs it: the real CLI in a child process, the real
 * pocketsphinx engine, audio made by flite (a synthetic sentence) and sox (the telephone copy as
 * raw 8 kHz µ-law). Refusals: a missing file, an unsupported format (exit 2, one line on stderr).
 */

const bin = path.resolve('bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-transcribe-'));
const wav = path.join(scratch, 'refill.wav');
const ulaw = path.join(scratch, 'refill.ulaw');
const ulawWithSilence = path.join(scratch, 'refill-with-silence.ulaw');
const sentence = 'I would like to make an appointment for next week please';

beforeAll(() => {
  execFileSync('flite', ['-voice', 'slt', '-t', sentence, '-o', wav]);
  // Telephone audio as Twilio carries it: band-limited, 8 kHz, µ-law, no header.
  // One copy with leading silence trimmed, one with half a second of it (0xFF bytes) first.
  execFileSync('sox', [wav, '-r', '8000', '-c', '1', '-e', 'u-law', '-t', 'ul', ulaw, 'sinc', '300-3400', 'silence', '1', '0.02', '2%']);
  execFileSync('sox', [wav, '-r', '8000', '-c', '1', '-e', 'u-law', '-t', 'ul', ulawWithSilence, 'sinc', '300-3400', 'pad', '0.5', '0']);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function transcribe(args: string[]) {
  const result = spawnSync(process.execPath, [bin, 'transcribe', ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'error' }, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Printed {
  text: string; sampleRate: number; engine: string; quality: string; qualityReasons: string[]; candidates: unknown[];
  segments: { start: number; end: number; text: string; quality: string; words: { word: string; start: number; end: number; confidence: number }[] }[];
}

describe('callchart transcribe', () => {
  it('prints a 16 kHz WAV as JSON with segments, timed words, confidences and a verdict', () => {
    const { code, stdout, stderr } = transcribe([wav]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as Printed;
    expect(printed).toMatchObject({ sampleRate: 16_000, engine: 'pocketsphinx' });
    expect(['ok', 'low', 'unusable']).toContain(printed.quality);
    expect(printed.segments.length).toBeGreaterThan(0);
    const words = printed.segments.flatMap((segment) => segment.words);
    // Most of the sentence is heard (flite at 16 kHz is the engine's good case).
    const heard = new Set(printed.text.toLowerCase().split(/\s+/));
    expect(sentence.toLowerCase().split(' ').filter((word) => heard.has(word)).length).toBeGreaterThanOrEqual(6);
    for (const word of words) {
      expect(word.end).toBeGreaterThanOrEqual(word.start);
      expect(word.confidence).toBeGreaterThanOrEqual(0);
      expect(word.confidence).toBeLessThanOrEqual(1);
    }
    expect(Array.isArray(printed.candidates)).toBe(true);
  });

  it('says telephone audio (raw 8 kHz µ-law) through the 16 kHz model is not ok, with narrowband-audio', () => {
    const { code, stdout, stderr } = transcribe([ulaw]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as Printed;
    expect(printed.sampleRate).toBe(8000);
    expect(printed.quality).not.toBe('ok');
    expect(printed.qualityReasons).toContain('narrowband-audio');
  });

  // µ-law silence is 0xFF bytes, which is also an MPEG frame sync: only a whole valid MPEG header is MP3.
  it('reads a raw µ-law file that starts with silence (as recordings do) as µ-law, not as MP3', () => {
    const { code, stderr } = transcribe([ulawWithSilence]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('refuses a missing file with one line on stderr and exit code 2', () => {
    const { code, stdout, stderr } = transcribe([path.join(scratch, 'no-such-call.wav')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('no such file');
  });

  it('refuses an unsupported format (mp3) and garbage named .wav with exit code 2', () => {
    const mp3 = path.join(scratch, 'call.mp3');
    writeFileSync(mp3, Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), randomBytes(4000)]));
    const unsupported = transcribe([mp3]);
    expect(unsupported.code).toBe(2);
    expect(unsupported.stderr.trim().split('\n')).toHaveLength(1);
    expect(unsupported.stderr).toContain('call.mp3');
    const garbage = path.join(scratch, 'garbage.wav');
    writeFileSync(garbage, randomBytes(4000));
    const unreadable = transcribe([garbage]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('garbage.wav');
  });

  it('refuses --engine http without speech.http in a config', () => {
    const { code, stderr } = transcribe([wav, '--engine', 'http']);
    expect(code).toBe(2);
    expect(stderr).toContain('speech.http');
  });
});

describe('callchart transcribe --engine http', () => {
  it("sends the file to the config's speech.http server with CALLCHART_SPEECH_HTTP_API_KEY and prints its transcript", async () => {
    const key = randomBytes(32).toString('base64');
    // A transcription service with a stand-in local engine (the real engine behind it: transcription-service.e2e.test.ts).
    const standIn: SpeechEngine = {
      name: 'stand-in', supports: () => ({ ok: true }), start: () => { throw new Error('not used'); },
      async transcribe(audio: PcmAudio): Promise<Transcription> {
        const end = audio.samples.length / audio.sampleRate;
        return { text: 'synthetic appointment', sampleRate: audio.sampleRate, engine: 'stand-in', quality: 'ok', qualityReasons: [], segments: [{ start: 0.2, end, text: 'synthetic appointment', quality: 'ok', qualityReasons: [], final: true, words: [{ word: 'synthetic', start: 0.2, end: 1, confidence: 0.9 }, { word: 'appointment', start: 1, end, confidence: 0.88 }] }] };
      },
    };
    const app = Fastify();
    await app.register(async (scope) => transcriptionRoutes(scope, { engine: standIn, keys: () => [key], logger: createLogger({ level: 'silent' }), audit: async () => undefined, settings: { enabled: true, maxUploadBytes: 10 * 1024 * 1024, concurrency: 1, maxQueued: 1 } }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const config = path.join(scratch, 'speech-http.yaml');
      writeFileSync(config, `speech:\n  http:\n    baseUrl: http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n    model: whisper-1\n`);
      // Asynchronous: the server answers from this process.
      const child = spawn(process.execPath, [bin, 'transcribe', wav, '--engine', 'http', '--config', config], { env: { ...process.env, LOG_LEVEL: 'error', CALLCHART_SPEECH_HTTP_API_KEY: key } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const printed = JSON.parse(stdout) as Printed;
      expect(printed).toMatchObject({ text: 'synthetic appointment', engine: 'http', sampleRate: 16_000, quality: 'ok' });
      expect(printed.segments[0]!.words.map((word) => word.word)).toEqual(['synthetic', 'appointment']);
    } finally {
      await app.close();
    }
  });
});
