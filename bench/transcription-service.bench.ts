/**
 * Callchart as a transcription service (issue 17): requests per second and latency of
 * `POST /v1/audio/transcriptions` for ~5 s utterances at client concurrency 1, 2 and 4, on this
 * machine's cores, with the real pocketsphinx engine (`speech.pocketsphinx.workers` recogniser
 * processes; default 2) behind the real HTTP service, called by Callchart's own http engine (the
 * path another engine's fallback takes). The utterance is a flite voice (slt, 16 kHz) saying a
 * synthetic clinic sentence.
 *
 *   npx tsx bench/transcription-service.bench.ts            # 12 requests per concurrency level
 *   npx tsx bench/transcription-service.bench.ts 24 3       # 24 requests, 3 recogniser processes
 *
 * Prints the numbers and writes bench/results/transcription-service.json. Synthetic data only.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { createLogger } from '../src/lib/logger.ts';
import { decodeAudioFile } from '../src/speech/audio/decode.ts';
import { HttpSpeechEngine } from '../src/speech/http/openai-transcription.client.ts';
import { transcriptionRoutes } from '../src/speech/http/transcription.routes.ts';
import { PocketsphinxEngine } from '../src/speech/pocketsphinx/pocketsphinx.engine.ts';
import { speechSettingsSchema } from '../src/speech/speech.settings.ts';

const requestsPerLevel = Number(process.argv[2] ?? 12);
const workers = Number(process.argv[3] ?? 2);
const levels = [1, 2, 4];
const sentence = 'Hello, I would like to book an appointment with the nurse next Tuesday, please call me back.';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

const logger = createLogger({ level: 'warn' });
const dir = mkdtempSync(path.join(tmpdir(), 'callchart-asr-bench-'));
const wavFile = path.join(dir, 'utterance.wav');
execFileSync('flite', ['-voice', 'slt', '-t', sentence, '-o', wavFile]);
const audio = decodeAudioFile(readFileSync(wavFile), { fileName: 'utterance.wav' });
const audioSeconds = audio.samples.length / audio.sampleRate;

const settings = speechSettingsSchema.parse({});
const local = await PocketsphinxEngine.start({ ...settings.pocketsphinx, workers, lowConfidence: settings.lowConfidence }, { logger });
const key = randomBytes(32).toString('base64');
const app = Fastify();
await app.register(async (scope) => transcriptionRoutes(scope, {
  engine: local, keys: () => [key], logger, audit: async () => undefined,
  settings: { enabled: true, maxUploadBytes: 25 * 1024 * 1024, concurrency: workers, maxQueued: 64 },
}));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const client = new HttpSpeechEngine(
  { baseUrl, model: 'callchart-pocketsphinx', language: 'en', timeoutMs: 120_000, retries: 0, concurrency: 64, lowConfidence: settings.lowConfidence },
  { apiKey: key, logger },
);

// One request first (not timed): the recognisers' first decode warms their caches.
await client.transcribe(audio);

// The engine alone, without HTTP (same audio, one at a time): what the service adds is the difference.
const direct: number[] = [];
for (let run = 0; run < 4; run += 1) {
  const begin = performance.now();
  await local.transcribe(audio);
  direct.push(performance.now() - begin);
}
const directP50 = Math.round(percentile(direct, 50));
console.log(`engine alone: p50 ${directP50} ms for ${audioSeconds.toFixed(2)} s of audio (RTF ${(directP50 / 1000 / audioSeconds).toFixed(2)})`);

// Other work on the machine shows in every number here: the load average is recorded with them.
const loadBefore = loadavg()[0]!;
const results = [];
for (const concurrency of levels) {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requestsPerLevel) {
      next += 1;
      const begin = performance.now();
      try {
        await client.transcribe(audio);
        latencies.push(performance.now() - begin);
      } catch {
        failures += 1;
      }
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const result = {
    concurrency,
    requests: requestsPerLevel,
    failures,
    requestsPerSecond: Math.round((latencies.length / seconds) * 100) / 100,
    audioSecondsPerSecond: Math.round(((latencies.length * audioSeconds) / seconds) * 100) / 100,
    latencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), max: Math.round(Math.max(...latencies)) },
  };
  results.push(result);
  console.log(`concurrency ${concurrency}: ${result.requestsPerSecond} req/s (${result.audioSecondsPerSecond} s of audio per s), p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${failures} failed`);
}

await client.close();
await app.close();
await local.close();
rmSync(dir, { recursive: true, force: true });

const output = {
  bench: 'transcription-service',
  at: new Date().toISOString(),
  cores: cpus().length,
  /** One-minute load average before and after: well above the core count means the numbers are contended. */
  loadAverage: { before: Math.round(loadBefore * 100) / 100, after: Math.round(loadavg()[0]! * 100) / 100 },
  recogniserProcesses: workers,
  utteranceSeconds: Math.round(audioSeconds * 100) / 100,
  voice: 'flite slt, 16 kHz',
  engineAloneLatencyMs: { p50: directP50, runs: direct.length },
  results,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/transcription-service.json', `${JSON.stringify(output, null, 2)}\n`);
console.log('wrote bench/results/transcription-service.json');
