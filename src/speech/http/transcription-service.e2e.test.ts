import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../audit/audit-chain.ts';
import { createLogger } from '../../lib/logger.ts';
import { decodeAudioFile } from '../audio/decode.ts';
import { PocketsphinxEngine } from '../pocketsphinx/pocketsphinx.engine.ts';
import { speechSettingsSchema } from '../speech.settings.ts';
import type { PcmAudio, TranscriptSegment } from '../speech-engine.ts';
import { HttpSpeechEngine } from './openai-transcription.client.ts';
import { transcriptionRoutes } from './transcription.routes.ts';

/*
 * The http engine against THE REAL LOCAL SERVICE: a Callchart transcription server (the real
 * route, multipart, key check) backed by the real pocketsphinx engine (recogniser processes, the
 * Debian model), fed flite-generated speech. And the same service called with the official
 * `openai` SDK, to prove the wire format. Synthetic sentences only.
 */

const logger = createLogger({ level: 'silent' });
const key = randomBytes(32).toString('base64');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-asr-service-'));
const sentence = 'I would like to make an appointment for next week please';
const sentenceWords = sentence.toLowerCase().split(' ');

let wavBytes: Buffer;
let speech: PcmAudio;
let telephoneBytes: Buffer;
let local: PocketsphinxEngine;
let app: FastifyInstance;
let baseUrl: string;
const audits: AuditEventInput[] = [];

beforeAll(async () => {
  const wav = path.join(scratch, 'appointment.wav');
  execFileSync('flite', ['-voice', 'slt', '-t', sentence, '-o', wav]);
  // The same sentence twice with a pause, as Twilio carries a call: 8 kHz µ-law, no header.
  const twice = path.join(scratch, 'twice.wav');
  execFileSync('sox', [wav, wav, twice, 'pad', '0', '1.0']);
  const ulaw = path.join(scratch, 'twice.ulaw');
  execFileSync('sox', [twice, '-r', '8000', '-c', '1', '-e', 'u-law', '-t', 'ul', ulaw, 'sinc', '300-3400']);
  wavBytes = readFileSync(wav);
  telephoneBytes = readFileSync(ulaw);
  speech = decodeAudioFile(wavBytes, { fileName: 'appointment.wav' });

  const settings = speechSettingsSchema.parse({});
  local = await PocketsphinxEngine.start({ ...settings.pocketsphinx, workers: 2, lowConfidence: settings.lowConfidence }, { logger });
  app = Fastify();
  await app.register(async (scope) => transcriptionRoutes(scope, {
    engine: local, keys: () => [key], logger, audit: async (event) => { audits.push(event); },
    settings: { enabled: true, maxUploadBytes: 10 * 1024 * 1024, concurrency: 2, maxQueued: 8 },
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await local?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const heard = (text: string) => {
  const words = new Set(text.toLowerCase().replace(/[^a-z' ]/g, ' ').split(/\s+/));
  return sentenceWords.filter((word) => words.has(word)).length;
};

function client(overrides: { apiKey?: string } = {}) {
  const settings = speechSettingsSchema.parse({});
  return new HttpSpeechEngine(
    { baseUrl, model: 'whisper-1', language: 'en', timeoutMs: 60_000, retries: 1, concurrency: 2, lowConfidence: settings.lowConfidence },
    { apiKey: key, logger, ...overrides },
  );
}

describe('the http engine against the real local transcription service (pocketsphinx)', () => {
  it('gets timed words with confidences and a quality verdict for a 16 kHz flite sentence', async () => {
    const engine = client();
    try {
      const transcription = await engine.transcribe(speech);
      expect(transcription.engine).toBe('http');
      expect(heard(transcription.text)).toBeGreaterThanOrEqual(6);
      expect(['ok', 'low', 'unusable']).toContain(transcription.quality);
      const words = transcription.segments.flatMap((segment) => segment.words);
      expect(words.length).toBeGreaterThanOrEqual(6);
      for (const word of words) {
        expect(word.end).toBeGreaterThanOrEqual(word.start);
        expect(word.confidence).toBeGreaterThan(0);
        expect(word.confidence).toBeLessThanOrEqual(1);
      }
      expect(audits).toContainEqual(expect.objectContaining({ action: 'speech.transcription.served', outcome: 'success' }));
    } finally {
      await engine.close();
    }
  });

  it("keeps the service's narrowband verdict for telephone audio, live from µ-law frames, one final segment per utterance", async () => {
    const engine = client();
    try {
      const segments: TranscriptSegment[] = [];
      const session = engine.start({ callSid: `CA${'1'.repeat(32)}`, streamSid: `MZ${'1'.repeat(32)}`, format: { encoding: 'mulaw', sampleRate: 8000, channels: 1 } }, (segment) => segments.push(segment));
      // 20 ms Media Streams frames (160 bytes of µ-law).
      for (let offset = 0, sequence = 1; offset < telephoneBytes.length; offset += 160, sequence += 1) {
        session.push(telephoneBytes.subarray(offset, offset + 160), { sequence, timestampMs: (sequence - 1) * 20 });
      }
      const result = await session.end();
      expect(result.engine).toBe('http');
      expect(result.frames).toBe(Math.ceil(telephoneBytes.length / 160));
      expect(result.transcription?.segments.length).toBeGreaterThanOrEqual(2);
      expect(segments.every((segment) => segment.final)).toBe(true);
      // The second utterance starts after the first ends: times are the call's, not the utterance's.
      const starts = result.transcription!.segments.map((segment) => segment.start);
      expect(starts[starts.length - 1]!).toBeGreaterThan(starts[0]! + 1);
      // Phone-band audio through a 16 kHz model: never `ok`, and the reason travels over HTTP.
      expect(result.transcription!.quality).not.toBe('ok');
      expect(result.transcription!.qualityReasons).toContain('narrowband-audio');
    } finally {
      await engine.close();
    }
  });

  it('is refused (SPEECH_HTTP_REJECTED, not retried) with a wrong key', async () => {
    const engine = client({ apiKey: randomBytes(32).toString('base64') });
    try {
      await expect(engine.transcribe(speech)).rejects.toMatchObject({ code: 'SPEECH_HTTP_REJECTED', detail: { status: 401 } });
    } finally {
      await engine.close();
    }
  });
});

describe('the transcription service and the official openai SDK', () => {
  it('answers client.audio.transcriptions.create with verbose_json, words and segments', async () => {
    const openai = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
    const answer = await openai.audio.transcriptions.create({
      file: await toFile(wavBytes, 'appointment.wav', { type: 'audio/wav' }),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(heard(answer.text)).toBeGreaterThanOrEqual(6);
    expect(answer.language).toBe('english');
    expect(answer.duration).toBeGreaterThan(2);
    expect(answer.segments?.length).toBeGreaterThan(0);
    const segment = answer.segments![0]!;
    for (const field of ['id', 'seek', 'start', 'end', 'text', 'tokens', 'temperature', 'avg_logprob', 'compression_ratio', 'no_speech_prob'] as const) expect(segment).toHaveProperty(field);
    expect(answer.words?.length).toBeGreaterThanOrEqual(6);
    expect(answer.words![0]).toEqual(expect.objectContaining({ word: expect.any(String), start: expect.any(Number), end: expect.any(Number) }));

    const models = await openai.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['callchart-pocketsphinx']);
  });

  it("surfaces the service's refusals as the SDK's typed errors", async () => {
    const stranger = new OpenAI({ apiKey: randomBytes(32).toString('base64'), baseURL: `${baseUrl}/v1`, maxRetries: 0 });
    await expect(stranger.audio.transcriptions.create({ file: await toFile(wavBytes, 'a.wav'), model: 'whisper-1' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const openai = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
    const refused = openai.audio.transcriptions.create({ file: await toFile(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00not really an mp3', 'latin1'), 'call.mp3'), model: 'whisper-1' });
    await expect(refused).rejects.toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
