import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isCallchartError, type CallchartError } from '../../lib/errors.ts';
import { createLogger } from '../../lib/logger.ts';
import { mulawToPcm } from '../audio/mulaw.ts';
import type { PcmAudio, TranscriptSegment } from '../speech-engine.ts';
import { HttpSpeechEngine, type HttpSpeechSettings } from './openai-transcription.client.ts';

/*
 * The http engine against a local stand-in server that answers as told: faults (429 with
 * Retry-After, 5xx, a hang, 4xx, a body that is not JSON or not a transcription) and a good
 * verbose_json. Real sockets, real multipart. The engine against the real transcription service is
 * in transcription-service.e2e.test.ts. Synthetic audio only.
 */

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

const goodAnswer = JSON.stringify({
  task: 'transcribe', language: 'english', duration: 1,
  text: ' I need a refill.',
  segments: [{ id: 0, seek: 0, start: 0, end: 1, text: ' I need a refill.', tokens: [1], temperature: 0, avg_logprob: -0.1, compression_ratio: 1, no_speech_prob: 0.01 }],
  words: [
    { word: ' I', start: 0, end: 0.2, probability: 0.95 }, { word: ' need', start: 0.2, end: 0.5, probability: 0.94 },
    { word: ' a', start: 0.5, end: 0.6, probability: 0.9 }, { word: ' refill.', start: 0.6, end: 1, probability: 0.93 },
  ],
});

interface Seen { authorization: string | undefined; form: FormData }

async function startFaultServer(answers: Answer[]) {
  const seen: Seen[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
        seen.push({ authorization: request.headers.authorization, form });
        const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
        if (answer === 'hang') {
          hanging.push(response);
          return;
        }
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** One second of a synthetic 440 Hz tone at 16 kHz (never speech; the stand-in does not listen). */
function tone(): PcmAudio {
  const samples = new Int16Array(16_000);
  for (let index = 0; index < samples.length; index += 1) samples[index] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * index) / 16_000));
  return { samples, sampleRate: 16_000 };
}

const silent = createLogger({ level: 'silent' });
let servers: { close(): Promise<void> }[] = [];
let engines: HttpSpeechEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((engine) => engine.close()));
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  engines = [];
});

async function setUp(answers: Answer[], settings: Partial<HttpSpeechSettings> = {}, deps: { apiKey?: string; breakerThreshold?: number; maxUploadBytes?: number } = {}) {
  const server = await startFaultServer(answers);
  servers.push(server);
  const engine = new HttpSpeechEngine(
    { baseUrl: server.baseUrl, model: 'whisper-1', language: 'en', timeoutMs: 2_000, retries: 2, concurrency: 4, lowConfidence: 0.6, ...settings },
    { logger: silent, backoffBaseMs: 1, ...deps },
  );
  engines.push(engine);
  return { server, engine };
}

async function failure(promise: Promise<unknown>): Promise<CallchartError> {
  try {
    await promise;
  } catch (error) {
    if (isCallchartError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('HttpSpeechEngine against a fault server', () => {
  it('posts a multipart verbose_json request with the key and maps the answer to segments and words', async () => {
    const { server, engine } = await setUp([{ status: 200, body: goodAnswer }], {}, { apiKey: 'synthetic-test-key-not-a-secret' });
    const transcription = await engine.transcribe(tone());
    expect(transcription.text).toBe('I need a refill.');
    expect(transcription.engine).toBe('http');
    expect(transcription.quality).toBe('ok');
    expect(transcription.segments[0]!.words.map((word) => word.word)).toEqual(['I', 'need', 'a', 'refill.']);
    const [request] = server.seen;
    expect(request!.authorization).toBe('Bearer synthetic-test-key-not-a-secret');
    expect(request!.form.get('model')).toBe('whisper-1');
    expect(request!.form.get('language')).toBe('en');
    expect(request!.form.get('response_format')).toBe('verbose_json');
    expect(request!.form.getAll('timestamp_granularities[]')).toEqual(['word', 'segment']);
    const file = request!.form.get('file') as File;
    expect(file.name).toBe('audio.wav');
    expect(Buffer.from(await file.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('RIFF');
  });

  it('sends no Authorization header without a key', async () => {
    const { server, engine } = await setUp([{ status: 200, body: goodAnswer }]);
    await engine.transcribe(tone());
    expect(server.seen[0]!.authorization).toBeUndefined();
  });

  it('retries 503 and 429 (honouring Retry-After) and then succeeds', async () => {
    const { server, engine } = await setUp([
      { status: 503 },
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 200, body: goodAnswer },
    ]);
    const transcription = await engine.transcribe(tone());
    expect(transcription.text).toBe('I need a refill.');
    expect(server.seen).toHaveLength(3);
  });

  it('gives up after the configured retries with SPEECH_HTTP_UNAVAILABLE (transient)', async () => {
    const { server, engine } = await setUp([{ status: 502 }], { retries: 2 });
    const error = await failure(engine.transcribe(tone()));
    expect(error.code).toBe('SPEECH_HTTP_UNAVAILABLE');
    expect(error.retry).toBe('transient');
    expect(server.seen).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than it would ever wait', async () => {
    const { server, engine } = await setUp([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200, body: goodAnswer }]);
    const error = await failure(engine.transcribe(tone()));
    expect(error.code).toBe('SPEECH_HTTP_UNAVAILABLE');
    expect(server.seen).toHaveLength(1);
  });

  it('never retries a 4xx: SPEECH_HTTP_REJECTED, permanent, one request', async () => {
    const { server, engine } = await setUp([{ status: 401, body: '{"error":{"message":"bad key"}}' }, { status: 200, body: goodAnswer }]);
    const error = await failure(engine.transcribe(tone()));
    expect(error.code).toBe('SPEECH_HTTP_REJECTED');
    expect(error.retry).toBe('permanent');
    expect(error.detail?.status).toBe(401);
    expect(server.seen).toHaveLength(1);
  });

  it('times a hanging server out per request and retries: SPEECH_HTTP_TIMEOUT', async () => {
    const { server, engine } = await setUp(['hang'], { timeoutMs: 150, retries: 1 });
    const error = await failure(engine.transcribe(tone()));
    expect(error.code).toBe('SPEECH_HTTP_TIMEOUT');
    expect(server.seen).toHaveLength(2);
  });

  it('refuses a body that is not JSON, or JSON that is not a transcription: SPEECH_HTTP_INVALID_ANSWER, not retried', async () => {
    const notJson = await setUp([{ status: 200, body: '<html>proxy error</html>' }]);
    expect((await failure(notJson.engine.transcribe(tone()))).code).toBe('SPEECH_HTTP_INVALID_ANSWER');
    expect(notJson.server.seen).toHaveLength(1);
    const wrongShape = await setUp([{ status: 200, body: JSON.stringify({ choices: [{ message: { content: 'hello' } }] }) }]);
    const error = await failure(wrongShape.engine.transcribe(tone()));
    expect(error.code).toBe('SPEECH_HTTP_INVALID_ANSWER');
    expect(error.retry).toBe('permanent');
  });

  it('opens the breaker after repeated outages and then fails at once without a request', async () => {
    const { server, engine } = await setUp([{ status: 503 }], { retries: 0 }, { breakerThreshold: 2 });
    await failure(engine.transcribe(tone()));
    await failure(engine.transcribe(tone()));
    const error = await failure(engine.transcribe(tone()));
    expect(error.code).toBe('SPEECH_HTTP_UNAVAILABLE');
    expect(error.detail?.reason).toBe('circuit-open');
    expect(server.seen).toHaveLength(2);
  });

  it('reports a server that is not there as SPEECH_HTTP_UNAVAILABLE', async () => {
    const { server, engine } = await setUp([{ status: 200, body: goodAnswer }], { retries: 1 });
    await server.close();
    servers = servers.filter((entry) => entry !== server);
    const error = await failure(engine.transcribe(tone()));
    expect(error.code).toBe('SPEECH_HTTP_UNAVAILABLE');
    expect(error.detail?.reason).toBe('connection-failed');
  });
});

/** A flite sentence said twice with a second's pause, as Twilio carries it: 8 kHz µ-law, no header. */
function telephoneCall(): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'callchart-http-live-'));
  try {
    const wav = path.join(dir, 'once.wav');
    execFileSync('flite', ['-voice', 'slt', '-t', 'I need a refill of my blood pressure pills', '-o', wav]);
    const twice = path.join(dir, 'twice.wav');
    execFileSync('sox', [wav, wav, twice, 'pad', '0', '1.0']);
    const ulaw = path.join(dir, 'call.ulaw');
    execFileSync('sox', [twice, '-r', '8000', '-c', '1', '-e', 'u-law', '-t', 'ul', ulaw, 'sinc', '300-3400']);
    return readFileSync(ulaw);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('HttpSpeechEngine live (Media Streams frames)', () => {
  it('posts each utterance when it ends and gives one final segment per utterance, in call time; a failed one stays as unusable', async () => {
    const call = telephoneCall();
    // The first utterance is transcribed, the second refused (400): it must not vanish.
    // One request at a time, so the server sees the utterances in call order.
    const { server, engine } = await setUp([{ status: 200, body: goodAnswer }, { status: 400, body: '{}' }], { concurrency: 1 });
    const segments: TranscriptSegment[] = [];
    const session = engine.start({ callSid: `CA${'2'.repeat(32)}`, streamSid: `MZ${'2'.repeat(32)}`, format: { encoding: 'mulaw', sampleRate: 8000, channels: 1 } }, (segment) => segments.push(segment));
    for (let offset = 0, sequence = 1; offset < call.length; offset += 160, sequence += 1) session.push(call.subarray(offset, offset + 160), { sequence, timestampMs: (sequence - 1) * 20 });
    const result = await session.end();
    expect(server.seen).toHaveLength(2);
    // Each post is one utterance as a WAV at the stream's own rate.
    const first = Buffer.from(await (server.seen[0]!.form.get('file') as File).arrayBuffer());
    expect(first.readUInt32LE(24)).toBe(8000);
    expect(result).toMatchObject({ engine: 'http', frames: Math.ceil(call.length / 160), text: 'I need a refill.' });
    const [heard, failed] = result.transcription!.segments;
    expect(heard!.text).toBe('I need a refill.');
    expect(failed).toMatchObject({ text: '', quality: 'unusable', qualityReasons: ['engine-failed'], final: true });
    // Times are the call's: the second utterance starts after the first one's pause.
    expect(failed!.start).toBeGreaterThan(heard!.start + 1);
    expect(result.transcription!.quality).not.toBe('ok');
    expect(result.transcription!.qualityReasons).toContain('engine-failed');
    expect(segments).toHaveLength(2);
    expect(segments.every((segment) => segment.final)).toBe(true);
  });
});

describe('HttpSpeechEngine with a recording longer than one upload', () => {
  it('sends it in windows cut at pauses, each with its offset, and joins the segments in call time', async () => {
    const call = { samples: mulawToPcm(telephoneCall()), sampleRate: 8000 };
    const { server, engine } = await setUp([{ status: 200, body: goodAnswer }], { concurrency: 1 }, { maxUploadBytes: 64 * 1024 });
    const transcription = await engine.transcribe(call);
    expect(server.seen.length).toBeGreaterThanOrEqual(2);
    for (const request of server.seen) expect((request.form.get('file') as File).size).toBeLessThanOrEqual(64 * 1024);
    expect(transcription.segments).toHaveLength(server.seen.length);
    const starts = transcription.segments.map((segment) => segment.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(starts[1]!).toBeGreaterThan(starts[0]! + 1);
    expect(transcription.text).toBe(Array(server.seen.length).fill('I need a refill.').join(' '));
  });
});
