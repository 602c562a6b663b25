import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../src/audit/audit-chain.ts';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import type { AudioFormat, SpeechEngine, SpeechSession } from '../../src/speech/speech-engine.ts';
import { twilioMediaRoutes } from '../../src/pbx/twilio-media.routes.ts';
import { signTwilioRequest } from '../../src/pbx/twilio-signature.ts';
import { mintStreamToken, streamTokenKey } from '../../src/pbx/twilio-stream-token.ts';
import { claimStreamToken } from '../../src/pbx/twilio-stream-token.repository.ts';
import { openTestDb } from '../helpers/backends.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';
import { backendKinds } from '../helpers/backends.ts';

/**
 * Finding 2 (issue 11): the Media Streams signature covers only the fixed stream URL, so one valid
 * signature replayed three times injected audio and DTMF for arbitrary CallSids. Each stream now
 * needs a one-time, short-lived token bound to its call (a <Parameter> in the <Stream> TwiML),
 * checked on `start`; a reused, foreign, forged or missing token closes the socket with 1008, is
 * audited, and nothing reaches the speech engine. Through the real engine, on both stores: the
 * used-token record is durable. Synthetic SIDs, silence for audio.
 */

const clinic = generateSyntheticClinic();
const unknownCaller = sandboxPhoneScenarios(clinic).unknown[0]!;
const accountSid = `AC${'0'.repeat(32)}`;
const silence = Buffer.alloc(160, 0xff).toString('base64');
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

type StreamOutcome = { closeCode: number; streamSid: string };

/**
 * Plays one stream as Twilio would (connected, start with the given token, a second of audio, a
 * digit, stop) on a socket signed with the engine's real auth token over the stream URL.
 */
async function playStream(harness: Pick<Harness, 'twilioAuthToken'>, streamUrl: string, callSid: string, token: string | undefined): Promise<StreamOutcome> {
  const streamSid = sid('MZ');
  const socket = new WebSocket(streamUrl, { headers: { 'X-Twilio-Signature': signTwilioRequest(harness.twilioAuthToken, streamUrl, {}) } });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    socket.once('error', reject);
  });
  const send = (message: object) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message));
  send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  send({
    event: 'start', sequenceNumber: '1', streamSid,
    start: {
      accountSid, streamSid, callSid, tracks: ['inbound'], customParameters: token === undefined ? {} : { token },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
  });
  for (let sequence = 2; sequence <= 51; sequence += 1) {
    send({ event: 'media', sequenceNumber: String(sequence), streamSid, media: { track: 'inbound', chunk: String(sequence - 1), timestamp: String((sequence - 2) * 20), payload: silence } });
  }
  send({ event: 'dtmf', sequenceNumber: '52', streamSid, dtmf: { track: 'inbound_track', digit: '1' } });
  send({ event: 'stop', sequenceNumber: '53', streamSid, stop: { accountSid, callSid } });
  return { closeCode: await closed, streamSid };
}

describe.each(backendKinds)('Media Streams need a one-time token bound to the call (%s)', (kind) => {
  let ehr: SandboxEhr;
  let harness: Harness;
  let mediaUrl: string;
  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0 });
    harness = await startHarness(kind, { ehr });
    mediaUrl = `${harness.engine.url.replace(/^http/, 'ws')}/media/twilio`;
  });
  afterAll(async () => {
    await harness?.close();
    await ehr?.close();
  });

  const auditsOf = async (streamSid: string) => (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.objectId === streamSid);

  /** Walks the IVR granting every consent, and returns the TwiML that connects the call. */
  async function answerCall(callSid: string): Promise<string> {
    const params = { CallSid: callSid, AccountSid: accountSid, From: unknownCaller, To: '+16175550100', Direction: 'inbound', CallStatus: 'ringing' };
    const post = async (pathAndQuery: string, extra: Record<string, string> = {}) => {
      const url = `${harness.engine.url}${pathAndQuery}`;
      const body = { ...params, ...extra };
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(harness.twilioAuthToken, url, body) }, body: new URLSearchParams(body).toString() });
      return response.text();
    };
    let twiml = await post('/webhooks/twilio/voice');
    for (let turn = 0; turn < 8; turn += 1) {
      const step = /<Gather[^>]*action="[^"]*step=([a-z-]+)"/.exec(twiml)?.[1];
      if (!step) return twiml;
      // Silence at the greeting (its key 1 is the urgent path, which asks no consent); 1 (yes) to every consent.
      twiml = await post(`/webhooks/twilio/ivr?step=${step}`, { Digits: step === 'greeting' ? '' : step === 'reason' ? '2' : '1' });
    }
    throw new Error('the IVR did not finish');
  }

  it('refuses a stream with no token or a forged one: 1008, audited, no speech session started', async () => {
    const missing = await playStream(harness, mediaUrl, sid('CA'), undefined);
    const forged = await playStream(harness, mediaUrl, sid('CA'), `v1.${randomBytes(48).toString('base64url')}`);
    expect([missing.closeCode, forged.closeCode]).toEqual([1008, 1008]);
    for (const [outcome, reason] of [[missing, 'STREAM_TOKEN_MISSING'], [forged, 'STREAM_TOKEN_INVALID']] as const) {
      const audits = await eventually(async () => {
        const found = await auditsOf(outcome.streamSid);
        return found.some((event) => event.action === 'media.stream.ended') ? found : null;
      }, 10_000, 'the stream end audit');
      expect(audits.find((event) => event.action === 'media.stream.refused')).toMatchObject({ outcome: 'rejected', reason });
      expect(audits.some((event) => event.action === 'media.stream.started')).toBe(false);
      expect(audits.find((event) => event.action === 'media.stream.ended')?.detail).toMatchObject({ frames: 0, dtmf: 0, speechFrames: null });
    }
  });

  it('mints a token in the TwiML that starts the stream; it works once, for its own call only', async () => {
    const callSid = sid('CA');
    const twiml = await answerCall(callSid);
    const stream = /<Start><Stream url="([^"]+)"><Parameter name="token" value="([^"]+)"\/><\/Stream><\/Start>/.exec(twiml);
    expect(stream, 'the answer starts a Media Stream with a token').not.toBeNull();
    const [, streamUrl, token] = stream!;
    expect(streamUrl).toBe(mediaUrl);

    const first = await playStream(harness, streamUrl!, callSid, token);
    expect(first.closeCode).toBe(1000);
    expect((await auditsOf(first.streamSid)).find((event) => event.action === 'media.stream.ended')).toMatchObject({ outcome: 'success', detail: { frames: 50, dtmf: 1 } });

    // The finding's attack: the same (valid) signature and the same token, replayed three times
    // for other calls, and once more for its own call.
    const replays = [];
    for (const target of [sid('CA'), sid('CA'), sid('CA'), callSid]) replays.push({ target, ...(await playStream(harness, streamUrl!, target, token)) });
    expect(replays.map((replay) => replay.closeCode)).toEqual([1008, 1008, 1008, 1008]);
    const reasons = [];
    for (const replay of replays) {
      const audits = await eventually(async () => {
        const found = await auditsOf(replay.streamSid);
        return found.some((event) => event.action === 'media.stream.ended') ? found : null;
      }, 10_000, 'the replay end audit');
      expect(audits.some((event) => event.action === 'media.stream.started')).toBe(false);
      expect(audits.find((event) => event.action === 'media.stream.ended')?.detail).toMatchObject({ frames: 0, dtmf: 0 });
      reasons.push(audits.find((event) => event.action === 'media.stream.refused')?.reason);
    }
    expect(reasons).toEqual(['STREAM_TOKEN_FOREIGN', 'STREAM_TOKEN_FOREIGN', 'STREAM_TOKEN_FOREIGN', 'STREAM_TOKEN_REUSED']);
    // Audit rows carry ids and codes, never the token.
    const everything = JSON.stringify(await listAuditEvents(harness.engine.db, { limit: 10_000 }));
    expect(everything).not.toContain(token!.slice(-20));
    expect(harness.logs.text).not.toContain(token!.slice(-20));
  });
});

/** Remembers which calls' audio it was given, frame by frame. */
class RecordingSpeechEngine implements SpeechEngine {
  readonly name = 'recording';
  readonly frames = new Map<string, number>();
  supports(_format: AudioFormat) {
    return { ok: true as const };
  }
  start(stream: { callSid: string }): SpeechSession {
    this.frames.set(stream.callSid, 0);
    return {
      push: () => void this.frames.set(stream.callSid, (this.frames.get(stream.callSid) ?? 0) + 1),
      end: async () => ({ text: '', engine: 'recording', frames: this.frames.get(stream.callSid) ?? 0, audioMs: 0 }),
    };
  }
}

describe.each(backendKinds)('a used stream token stays used for every process on the store (%s)', (kind) => {
  const authToken = randomBytes(16).toString('hex');
  const key = streamTokenKey(authToken);
  const apps: FastifyInstance[] = [];
  const closers: (() => Promise<void>)[] = [];
  let first: { url: string; audits: AuditEventInput[] };
  let second: { url: string; audits: AuditEventInput[] };
  const speech = new RecordingSpeechEngine();
  let clock = Date.now();

  /** One engine process's Media Streams route, recording used tokens in `db`. */
  async function mediaProcess(db: Db) {
    const audits: AuditEventInput[] = [];
    const app = Fastify({ logger: false });
    apps.push(app);
    await app.register(fastifyWebsocket);
    await app.register(twilioMediaRoutes, {
      authToken: () => authToken, speech, now: () => clock, logger: createLogger({ level: 'silent' }),
      audit: async (event) => void audits.push(event),
      claimStreamToken: (use) => claimStreamToken(db, use),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/media/twilio`, audits };
  }

  beforeAll(async () => {
    const store = await openTestDb(kind);
    closers.push(store.dispose);
    first = await mediaProcess(store.db);
    // PostgreSQL: a second process is a second pool on the same database. PGlite is one process's store.
    const otherDb = store.databaseUrl ? await openDb({ databaseUrl: store.databaseUrl }) : store.db;
    if (otherDb !== store.db) closers.unshift(() => otherDb.close());
    second = await mediaProcess(otherDb);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    for (const close of closers) await close();
  });

  const refusal = async (audits: AuditEventInput[], streamSid: string) =>
    (await eventually(async () => (audits.some((event) => event.action === 'media.stream.ended' && event.objectId === streamSid) ? audits : null), 10_000, 'the stream end'))
      .find((event) => event.action === 'media.stream.refused' && event.objectId === streamSid)?.reason ?? null;

  it('refuses the token in a second process after one use, three foreign replays, an expired and a missing token', async () => {
    const callSid = sid('CA');
    const token = mintStreamToken({ key, callSid, nowMs: clock });
    const used = await playStream({ twilioAuthToken: authToken }, first.url, callSid, token);
    expect(used.closeCode).toBe(1000);
    expect(speech.frames.get(callSid)).toBe(50);

    const outcomes = [];
    for (const target of [callSid, sid('CA'), sid('CA'), sid('CA')]) {
      const replay = await playStream({ twilioAuthToken: authToken }, second.url, target, token);
      outcomes.push({ target, code: replay.closeCode, reason: await refusal(second.audits, replay.streamSid) });
    }
    expect(outcomes.map(({ code, reason }) => [code, reason])).toEqual([
      [1008, 'STREAM_TOKEN_REUSED'], [1008, 'STREAM_TOKEN_FOREIGN'], [1008, 'STREAM_TOKEN_FOREIGN'], [1008, 'STREAM_TOKEN_FOREIGN'],
    ]);

    const late = sid('CA');
    const lateToken = mintStreamToken({ key, callSid: late, nowMs: clock });
    clock += 61_000;
    const expired = await playStream({ twilioAuthToken: authToken }, second.url, late, lateToken);
    const missing = await playStream({ twilioAuthToken: authToken }, second.url, sid('CA'), undefined);
    expect([expired.closeCode, await refusal(second.audits, expired.streamSid)]).toEqual([1008, 'STREAM_TOKEN_EXPIRED']);
    expect([missing.closeCode, await refusal(second.audits, missing.streamSid)]).toEqual([1008, 'STREAM_TOKEN_MISSING']);

    // The speech engine heard one call: the one the token was minted for, once.
    expect([...speech.frames.keys()]).toEqual([callSid]);
    expect(second.audits.filter((event) => event.action === 'media.stream.started')).toEqual([]);
  });
});
