import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * `callchart transcribe` as a person runs it: the real CLI in a child process, the real
 * pocketsphinx engine, audio made by flite (a synthetic sentence) and sox (the telephone copy as
 * raw 8 kHz µ-law). Refusals: a missing file, an unsupported format (exit 2, one line on stderr).
 */

const bin = path.resolve('bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-transcribe-'));
const wav = path.join(scratch, 'refill.wav');
const ulaw = path.join(scratch, 'refill.ulaw');
const sentence = 'I would like to make an appointment for next week please';

beforeAll(() => {
  execFileSync('flite', ['-voice', 'slt', '-t', sentence, '-o', wav]);
  // Telephone audio as Twilio carries it: band-limited, 8 kHz, µ-law, no header.
  execFileSync('sox', [wav, '-r', '8000', '-c', '1', '-e', 'u-law', '-t', 'ul', ulaw, 'sinc', '300-3400']);
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
    const { code, stdout } = transcribe([ulaw]);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as Printed;
    expect(printed.sampleRate).toBe(8000);
    expect(printed.quality).not.toBe('ok');
    expect(printed.qualityReasons).toContain('narrowband-audio');
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
