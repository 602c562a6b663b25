import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../src/audit/audit.repository.ts';
import { defaultConfig } from '../src/config/config.schema.ts';
import { encodeWav } from '../src/speech/audio/wav.ts';
import type { PcmAudio, SpeechEngine, Transcription } from '../src/speech/speech-engine.ts';
import { eventually, startHarness, type Harness } from './helpers/engine-harness.ts';

/*
 * The transcription service as the engine serves it (speech.service.enabled): registered in its
 * own scope, declared in the route table as machine-to-machine (a service key, no staff role),
 * audited in the engine's chained log; and the engine refusing to start without strong keys. The
 * local engine is a stand-in here (the real pocketsphinx one is in
 * src/speech/http/transcription-service.e2e.test.ts). Synthetic audio only.
 */

const key = randomBytes(32).toString('base64');
/** Canary "PHI": the transcript text, which must never appear in logs or audit entries. */
const canary = `canarytranscript${randomBytes(4).toString('hex')}`;
const standIn: SpeechEngine = {
  name: 'stand-in',
  supports: () => ({ ok: true }),
  start: () => { throw new Error('not used'); },
  async transcribe(audio: PcmAudio): Promise<Transcription> {
    const end = audio.samples.length / audio.sampleRate;
    return { text: canary, sampleRate: audio.sampleRate, engine: 'stand-in', quality: 'ok', qualityReasons: [], segments: [{ start: 0, end, text: canary, quality: 'ok', qualityReasons: [], final: true, words: [{ word: canary, start: 0, end, confidence: 0.9 }] }] };
  },
};
const serviceConfig = { ...defaultConfig, speech: { ...defaultConfig.speech, service: { ...defaultConfig.speech.service, enabled: true } } };

function upload(): FormData {
  const samples = new Int16Array(8000);
  for (let index = 0; index < samples.length; index += 1) samples[index] = Math.round(5000 * Math.sin(index / 5));
  const body = new FormData();
  body.append('file', new Blob([encodeWav({ samples, sampleRate: 16_000 })]), 'call.wav');
  body.append('model', 'whisper-1');
  return body;
}

describe('the engine serving /v1/audio/transcriptions', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness('pglite', { config: serviceConfig, engine: { speechService: { keys: [key], engine: standIn } } });
  });
  afterAll(async () => harness?.close());

  it('declares the routes as machine-to-machine (service key) in the access table', () => {
    const rows = harness.engine.app.routeAccessList.filter((route) => route.url.startsWith('/v1/'));
    expect(rows.map((route) => `${route.method} ${route.url}`).sort()).toEqual(['GET /v1/models', 'POST /v1/audio/transcriptions']);
    for (const row of rows) expect(row.access).toEqual({ kind: 'webhook', verifier: 'speech-service-key' });
  });

  it('transcribes for a service key and audits it in the chained log (codes and counts only)', async () => {
    const response = await fetch(`${harness.engine.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: upload() });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: canary });
    const served = await eventually(async () => (await listAuditEvents(harness.engine.db, { limit: 10_000 })).find((event) => event.action === 'speech.transcription.served') ?? null, 20_000, 'the audit entry');
    expect(served).toMatchObject({ actor: 'speech-service', outcome: 'success' });
    expect(JSON.stringify(await listAuditEvents(harness.engine.db, { limit: 10_000 }))).not.toContain(canary);
    // Nor the logs: no transcript, and no service key, whatever the log level (the harness logs at debug).
    expect(harness.logs.text).not.toContain(canary);
    expect(harness.logs.text).not.toContain(key);
  });

  it('refuses every staff token, whatever its role, before reading the upload', async () => {
    for (const role of ['admin', 'supervisor', 'nurse'] as const) {
      const response = await fetch(`${harness.engine.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${harness.token(role)}` }, body: upload() });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SPEECH_SERVICE_KEY_INVALID');
    }
    const rejected = await eventually(async () => (await listAuditEvents(harness.engine.db, { limit: 10_000 })).find((event) => event.action === 'speech.transcription.rejected') ?? null, 20_000, 'the refusal audit entry');
    expect(rejected.reason).toBe('SPEECH_SERVICE_KEY_INVALID');
  });
});

describe('the engine refuses to start the transcription service without strong keys', () => {
  it('with a weak key', async () => {
    await expect(startHarness('pglite', { config: serviceConfig, engine: { speechService: { keys: ['changeme-changeme-changeme-changeme-00'], engine: standIn } } })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('with no key at all', async () => {
    const saved = process.env.CALLCHART_SPEECH_SERVICE_KEYS;
    delete process.env.CALLCHART_SPEECH_SERVICE_KEYS;
    try {
      await expect(startHarness('pglite', { config: serviceConfig, engine: { speechService: { engine: standIn } } })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    } finally {
      if (saved !== undefined) process.env.CALLCHART_SPEECH_SERVICE_KEYS = saved;
    }
  });
});
