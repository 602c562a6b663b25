import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../audit/audit-chain.ts';
import { speechServiceKeysFromEnv } from '../../engine/secrets.ts';
import { CallchartError, isCallchartError } from '../../lib/errors.ts';
import { createLogger } from '../../lib/logger.ts';
import { encodeWav } from '../audio/wav.ts';
import type { AudioFormat, PcmAudio, SpeechEngine, Transcription } from '../speech-engine.ts';
import { transcriptionRoutes } from './transcription.routes.ts';

/*
 * The transcription service's refusals over a real socket, with a stand-in local engine (the real
 * pocketsphinx engine behind it is in transcription-service.e2e.test.ts): no key, a wrong key,
 * weak or missing keys (no start), an oversized upload, mp3 and garbage, no file, a full queue,
 * an engine that is down. Each refusal has a code and a reason in OpenAI's error shape and an
 * audit entry; none is a 5xx but the engine being down. Synthetic audio only.
 */

const silent = createLogger({ level: 'silent' });
const key = randomBytes(32).toString('base64');

/** A local engine stand-in: answers one fixed segment, or waits for `release`, or fails. */
class StandInEngine implements SpeechEngine {
  readonly name = 'stand-in';
  calls = 0;
  private releases: (() => void)[] = [];
  constructor(private readonly behaviour: 'answer' | 'wait' | 'fail' = 'answer') {}
  supports(_format: AudioFormat) {
    return { ok: true as const };
  }
  start(): never {
    throw new Error('not used');
  }
  async transcribe(audio: PcmAudio): Promise<Transcription> {
    this.calls += 1;
    if (this.behaviour === 'fail') throw new CallchartError('SPEECH_SERVICE_UNAVAILABLE', 'stand-in engine down');
    if (this.behaviour === 'wait') await new Promise<void>((resolve) => this.releases.push(resolve));
    const duration = audio.samples.length / audio.sampleRate;
    return {
      text: 'synthetic words', sampleRate: audio.sampleRate, engine: this.name, quality: 'ok', qualityReasons: [],
      segments: [{ start: 0, end: duration, text: 'synthetic words', quality: 'ok', qualityReasons: [], final: true, words: [
        { word: 'synthetic', start: 0, end: duration / 2, confidence: 0.9 }, { word: 'words', start: duration / 2, end: duration, confidence: 0.85 },
      ] }],
    };
  }
  releaseAll() {
    for (const release of this.releases.splice(0)) release();
  }
}

function toneWav(seconds = 0.5, sampleRate = 16_000): Uint8Array {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let index = 0; index < samples.length; index += 1) samples[index] = Math.round(6000 * Math.sin((2 * Math.PI * 300 * index) / sampleRate));
  return encodeWav({ samples, sampleRate });
}

let apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

async function serve(engine: SpeechEngine, settings: Partial<{ maxUploadBytes: number; concurrency: number; maxQueued: number }> = {}) {
  const audits: AuditEventInput[] = [];
  const app = Fastify();
  await app.register(async (scope) => transcriptionRoutes(scope, {
    engine, keys: () => [key], logger: silent, audit: async (event) => { audits.push(event); },
    settings: { enabled: true, maxUploadBytes: 1024 * 1024, concurrency: 2, maxQueued: 4, ...settings },
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url, audits };
}

function form(file: { bytes: Uint8Array; name: string } | null, fields: Record<string, string | string[]> = { model: 'whisper-1' }): FormData {
  const body = new FormData();
  if (file) body.append('file', new Blob([file.bytes]), file.name);
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item);
  return body;
}

async function post(url: string, body: FormData | string, headers: Record<string, string> = { authorization: `Bearer ${key}` }) {
  const response = await fetch(`${url}/v1/audio/transcriptions`, { method: 'POST', headers, body });
  const text = await response.text();
  let json: { error?: { message: string; type: string; param: string | null; code: string } } & Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // text answers
  }
  return { status: response.status, headers: response.headers, text, json };
}

describe('the transcription service (stand-in engine)', () => {
  it('transcribes a WAV for a caller with a service key, in verbose_json, json and text', async () => {
    const { url, audits } = await serve(new StandInEngine());
    const verbose = await post(url, form({ bytes: toneWav(), name: 'call.wav' }, { model: 'whisper-1', response_format: 'verbose_json', 'timestamp_granularities[]': ['word', 'segment'] }));
    expect(verbose.status).toBe(200);
    expect(verbose.json).toMatchObject({ task: 'transcribe', text: 'synthetic words', duration: 0.5 });
    expect((verbose.json.words as unknown[]).length).toBe(2);
    const json = await post(url, form({ bytes: toneWav(), name: 'call.wav' }));
    expect(json.json).toEqual({ text: 'synthetic words' });
    const text = await post(url, form({ bytes: toneWav(), name: 'call.wav' }, { model: 'whisper-1', response_format: 'text' }));
    expect(text.text).toBe('synthetic words');
    expect(audits.filter((event) => event.action === 'speech.transcription.served')).toHaveLength(3);
    // Audit entries carry ids, codes and counts: never the text.
    expect(JSON.stringify(audits)).not.toContain('synthetic words');
  });

  it('lists the local engine as its one model', async () => {
    const { url } = await serve(new StandInEngine());
    const response = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(await response.json()).toEqual({ object: 'list', data: [{ id: 'callchart-stand-in', object: 'model', created: 0, owned_by: 'callchart' }] });
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
  });

  const refusals: { name: string; send: (url: string) => ReturnType<typeof post>; status: number; code: string; param?: string }[] = [
    { name: 'no key', send: (url) => post(url, form({ bytes: toneWav(), name: 'a.wav' }), {}), status: 401, code: 'SPEECH_SERVICE_KEY_MISSING' },
    { name: 'a wrong key', send: (url) => post(url, form({ bytes: toneWav(), name: 'a.wav' }), { authorization: `Bearer ${randomBytes(32).toString('base64')}` }), status: 401, code: 'SPEECH_SERVICE_KEY_INVALID' },
    { name: 'an upload over the limit', send: (url) => post(url, form({ bytes: toneWav(5), name: 'long.wav' })), status: 413, code: 'PAYLOAD_TOO_LARGE', param: 'file' },
    { name: 'an mp3', send: (url) => post(url, form({ bytes: Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), randomBytes(2000)]), name: 'call.mp3' })), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', param: 'file' },
    { name: 'garbage named .wav', send: (url) => post(url, form({ bytes: randomBytes(3000), name: 'call.wav' })), status: 400, code: 'PAYLOAD_INVALID', param: 'file' },
    { name: 'no file', send: (url) => post(url, form(null)), status: 400, code: 'PAYLOAD_INVALID', param: 'file' },
    { name: 'no model', send: (url) => post(url, form({ bytes: toneWav(), name: 'a.wav' }, {})), status: 400, code: 'PAYLOAD_INVALID', param: 'model' },
    { name: 'an unsupported response format', send: (url) => post(url, form({ bytes: toneWav(), name: 'a.wav' }, { model: 'whisper-1', response_format: 'srt' })), status: 400, code: 'PAYLOAD_INVALID', param: 'response_format' },
    { name: 'a language the model does not speak', send: (url) => post(url, form({ bytes: toneWav(), name: 'a.wav' }, { model: 'whisper-1', language: 'fr' })), status: 400, code: 'PAYLOAD_INVALID', param: 'language' },
    { name: 'JSON instead of multipart', send: (url) => post(url, JSON.stringify({ file: 'x' }), { authorization: `Bearer ${key}`, 'content-type': 'application/json' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'an audio content type', send: (url) => post(url, 'RIFF....', { authorization: `Bearer ${key}`, 'content-type': 'audio/mpeg' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  ];

  it.each(refusals)('refuses $name with $status $code, a reason, OpenAI\'s error shape and an audit entry', async ({ send, status, code, param }) => {
    const engine = new StandInEngine();
    const { url, audits } = await serve(engine, { maxUploadBytes: 64 * 1024 });
    const answer = await send(url);
    expect(answer.status).toBe(status);
    expect(answer.json.error).toMatchObject({ code, type: status === 401 ? 'authentication_error' : 'invalid_request_error' });
    expect(answer.json.error!.message.length).toBeGreaterThan(5);
    if (param) expect(answer.json.error!.param).toBe(param);
    if (status === 401) expect(answer.headers.get('www-authenticate')).toContain('Bearer');
    expect(audits).toContainEqual(expect.objectContaining({ action: 'speech.transcription.rejected', outcome: 'rejected', reason: code }));
    expect(engine.calls).toBe(0);
  });

  it('answers 429 with Retry-After when the queue is full, and serves the waiting ones', async () => {
    const engine = new StandInEngine('wait');
    const { url, audits } = await serve(engine, { concurrency: 1, maxQueued: 0 });
    const first = post(url, form({ bytes: toneWav(), name: 'a.wav' }));
    // Wait until the engine holds the first upload (a condition, not a sleep).
    for (let tries = 0; engine.calls === 0 && tries < 500; tries += 1) await new Promise((resolve) => setImmediate(resolve));
    const second = await post(url, form({ bytes: toneWav(), name: 'b.wav' }));
    expect(second.status).toBe(429);
    expect(second.json.error).toMatchObject({ code: 'SPEECH_SERVICE_BUSY', type: 'rate_limit_error' });
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(audits).toContainEqual(expect.objectContaining({ reason: 'SPEECH_SERVICE_BUSY' }));
    engine.releaseAll();
    expect((await first).status).toBe(200);
  });

  it('answers 503 with Retry-After only when the engine is down', async () => {
    const { url, audits } = await serve(new StandInEngine('fail'));
    const answer = await post(url, form({ bytes: toneWav(), name: 'a.wav' }));
    expect(answer.status).toBe(503);
    expect(answer.json.error).toMatchObject({ code: 'SPEECH_SERVICE_UNAVAILABLE', type: 'server_error' });
    expect(answer.headers.get('retry-after')).toBeTruthy();
    expect(audits).toContainEqual(expect.objectContaining({ reason: 'SPEECH_SERVICE_UNAVAILABLE' }));
  });
});

describe('the transcription service refuses to start without strong keys', () => {
  const problem = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return isCallchartError(error) ? error : null;
    }
    return null;
  };

  it('refuses a weak key, naming its position and never its value', () => {
    const weak = 'changeme-changeme-changeme-changeme';
    const error = problem(() => speechServiceKeysFromEnv({ CALLCHART_SPEECH_SERVICE_KEYS: `${key},${weak}` }));
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.message).toContain('key 2 of 2');
    expect(error?.message).not.toContain(weak);
    expect(problem(() => speechServiceKeysFromEnv({ CALLCHART_SPEECH_SERVICE_KEYS: randomBytes(16).toString('base64') }))?.code).toBe('CONFIG_INVALID');
  });

  it('accepts several strong keys (rotation) and none when unset', () => {
    const second = randomBytes(32).toString('base64');
    expect(speechServiceKeysFromEnv({ CALLCHART_SPEECH_SERVICE_KEYS: ` ${key} , ${second} ` })).toEqual([key, second]);
    expect(speechServiceKeysFromEnv({})).toEqual([]);
  });

  it('does not register the routes without keys, or with an engine that cannot transcribe files', async () => {
    const noKeys = Fastify();
    await expect(noKeys.register(async (scope) => transcriptionRoutes(scope, {
      engine: new StandInEngine(), keys: () => [], logger: silent, audit: async () => undefined, settings: { enabled: true, maxUploadBytes: 1024 * 1024, concurrency: 1, maxQueued: 1 },
    })).ready()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await noKeys.close();
    const liveOnly: SpeechEngine = { name: 'live-only', supports: () => ({ ok: true }), start: () => { throw new Error('not used'); } };
    const noFiles = Fastify();
    await expect(noFiles.register(async (scope) => transcriptionRoutes(scope, {
      engine: liveOnly, keys: () => [key], logger: silent, audit: async () => undefined, settings: { enabled: true, maxUploadBytes: 1024 * 1024, concurrency: 1, maxQueued: 1 },
    })).ready()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await noFiles.close();
  });
});
