import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEventInput } from '../audit/audit-chain.ts';
import { createLogger } from '../lib/logger.ts';
import { requireWideband, type AudioFormat, type SpeechEngine, type SpeechResult, type SpeechSession } from '../speech/speech-engine.ts';
import { twilioMediaPath, twilioMediaRoutes, type ClaimStreamToken } from './twilio-media.routes.ts';
import { signTwilioRequest } from './twilio-signature.ts';
import { mintStreamToken, streamTokenKey } from './twilio-stream-token.ts';

// Everything here is synthetic: made-up SIDs and auth token, mu-law silence, canary "PHI".
const authToken = 'synthetic-twilio-auth-token-0123456789ab';
const tokenKey = streamTokenKey(authToken);
/** The one-time token the TwiML that starts this call's stream would carry. */
const sentTokens: string[] = [];
const streamToken = (callSid: string, nowMs = Date.now()) => {
  const token = mintStreamToken({ key: tokenKey, callSid, nowMs });
  sentTokens.push(token);
  return token;
};
const publicBaseUrl = 'https://callchart.example.test';
const signedUrl = `wss://callchart.example.test${twilioMediaPath}`;
const accountSid = `AC${'1'.repeat(32)}`;
const silencePayload = Buffer.alloc(160, 0xff).toString('base64');
const canaryPhone = '+15555550199';
const canaryTranscript = 'synthetic transcript: Canary Patient born March third nineteen fifty two';
let sidCounter = 0;
const nextSids = () => {
  sidCounter += 1;
  const hex = sidCounter.toString(16).padStart(32, '0');
  return { callSid: `CA${hex}`, streamSid: `MZ${hex}` };
};

interface RecordedSession { callSid: string; sequences: number[]; bytes: number; ended: boolean }

/** A speech engine that remembers what it was fed, and "recognises" a canary sentence. */
class RecordingSpeechEngine implements SpeechEngine {
  readonly name = 'recording';
  readonly sessions: RecordedSession[] = [];
  constructor(private readonly behaviour: { throwOnPush?: boolean; refused?: string } = {}) {}

  supports(format: AudioFormat) {
    return format.sampleRate === 8000 ? { ok: true as const } : { ok: false as const, reason: 'synthetic engine is 8 kHz only' };
  }

  start(stream: { callSid: string; streamSid: string; format: AudioFormat }): SpeechSession {
    const record: RecordedSession = { callSid: stream.callSid, sequences: [], bytes: 0, ended: false };
    this.sessions.push(record);
    const behaviour = this.behaviour;
    return {
      ...(behaviour.refused ? { refused: behaviour.refused } : {}),
      push(frame, meta) {
        if (behaviour.throwOnPush) throw new Error(`engine exploded on ${canaryTranscript}`);
        record.sequences.push(meta.sequence);
        record.bytes += frame.byteLength;
      },
      async end(): Promise<SpeechResult> {
        record.ended = true;
        return { text: canaryTranscript, engine: 'recording', frames: record.sequences.length, audioMs: record.bytes / 8 };
      },
    };
  }
}

/** Stands in for a pocketsphinx-like engine: honest that it cannot decode 8 kHz. */
class WidebandOnlyEngine implements SpeechEngine {
  readonly name = 'wideband-only';
  started = 0;
  supports = requireWideband;
  start(): SpeechSession {
    this.started += 1;
    throw new Error('must not be started on telephone audio');
  }
}

interface MediaApp {
  app: FastifyInstance;
  wsUrl: string;
  audits: AuditEventInput[];
  transcripts: { callSid: string; result: SpeechResult }[];
  logs: string[];
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function startMediaApp(speech: SpeechEngine, options: { publicBaseUrl?: string; now?: () => number; claimStreamToken?: ClaimStreamToken } = { publicBaseUrl }): Promise<MediaApp> {
  const audits: AuditEventInput[] = [];
  const transcripts: MediaApp['transcripts'] = [];
  const logs: string[] = [];
  const destination = new Writable({ write(chunk, _encoding, done) { logs.push(String(chunk)); done(); } });
  const app = Fastify({ logger: false });
  apps.push(app);
  await app.register(fastifyWebsocket, { options: { maxPayload: 256 * 1024 } });
  await app.register(twilioMediaRoutes, {
    authToken: () => authToken,
    ...(options.publicBaseUrl ? { publicBaseUrl: options.publicBaseUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.claimStreamToken ? { claimStreamToken: options.claimStreamToken } : {}),
    speech,
    audit: async (event) => { audits.push(structuredClone(event)); },
    onTranscript: async (callSid, result) => { transcripts.push({ callSid, result }); },
    logger: createLogger({ level: 'debug', destination }),
    maxMessageBytes: 64 * 1024,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, wsUrl: `ws://127.0.0.1:${port}${twilioMediaPath}`, audits, transcripts, logs };
}

type Opened = { ok: true; socket: WebSocket; closed: Promise<{ code: number; reason: string }> } | { ok: false; status: number };

/** Opens the socket the way Twilio does: X-Twilio-Signature over the wss URL, no parameters. */
function openStream(wsUrl: string, signature: string | null = signTwilioRequest(authToken, signedUrl, {})): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { headers: signature === null ? {} : { 'X-Twilio-Signature': signature } });
    const closed = new Promise<{ code: number; reason: string }>((done) => socket.once('close', (code, reason) => done({ code, reason: reason.toString() })));
    socket.once('open', () => resolve({ ok: true, socket, closed }));
    socket.once('unexpected-response', (request, response) => {
      resolve({ ok: false, status: response.statusCode ?? 0 });
      response.resume();
      request.destroy();
    });
    socket.on('error', reject);
  });
}

async function openSigned(wsUrl: string) {
  const opened = await openStream(wsUrl);
  if (!opened.ok) throw new Error(`upgrade refused with ${opened.status}`);
  return opened;
}

const send = (socket: WebSocket, message: unknown) => socket.send(typeof message === 'string' ? message : JSON.stringify(message));
const connectedMessage = { event: 'connected', protocol: 'Call', version: '1.0.0' };
const startMessage = (ids: { callSid: string; streamSid: string }, sequenceNumber = 1, token: string | null = streamToken(ids.callSid)) => ({
  event: 'start', sequenceNumber: String(sequenceNumber), streamSid: ids.streamSid,
  start: {
    accountSid, streamSid: ids.streamSid, callSid: ids.callSid, tracks: ['inbound'],
    customParameters: { callerNumber: canaryPhone, ...(token === null ? {} : { token }) },
    mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  },
});
const mediaMessage = (ids: { streamSid: string }, sequenceNumber: number, payload = silencePayload) => ({
  event: 'media', sequenceNumber: String(sequenceNumber), streamSid: ids.streamSid,
  media: { track: 'inbound', chunk: String(sequenceNumber - 1), timestamp: String((sequenceNumber - 2) * 20), payload },
});
const stopMessage = (ids: { callSid: string; streamSid: string }, sequenceNumber: number) => ({
  event: 'stop', sequenceNumber: String(sequenceNumber), streamSid: ids.streamSid, stop: { accountSid, callSid: ids.callSid },
});
const ended = (audits: AuditEventInput[], streamSid: string) => audits.find((event) => event.action === 'media.stream.ended' && event.objectId === streamSid);

/** Nothing that came over the wire as content may reach logs or audit rows. */
function expectNoContentLeaks(media: MediaApp) {
  expect(media.logs.length).toBeGreaterThan(0);
  const written = `${media.logs.join('')}\n${JSON.stringify(media.audits)}`;
  expect(written).not.toContain(silencePayload.slice(0, 40));
  expect(written).not.toContain(canaryPhone);
  expect(written).not.toContain('Canary Patient');
  expect(written).not.toContain('customParameters');
}

describe('Twilio Media Streams ingest', () => {
  it('feeds 50 frames of silence to the speech engine in order, once each, and hands over the transcript', async () => {
    const engine = new RecordingSpeechEngine();
    const media = await startMediaApp(engine);
    const ids = nextSids();
    const { socket, closed } = await openSigned(media.wsUrl);
    send(socket, connectedMessage);
    send(socket, startMessage(ids));
    for (let sequence = 2; sequence <= 51; sequence += 1) {
      send(socket, mediaMessage(ids, sequence));
      // At-least-once in practice: a resent frame and a late old one must not reach the engine twice.
      if (sequence === 11) send(socket, mediaMessage(ids, 10));
      if (sequence === 30) send(socket, mediaMessage(ids, 5));
    }
    send(socket, { event: 'dtmf', sequenceNumber: '52', streamSid: ids.streamSid, dtmf: { track: 'inbound_track', digit: '4' } });
    send(socket, stopMessage(ids, 53));

    expect(await closed).toEqual({ code: 1000, reason: 'stream stopped' });
    expect(engine.sessions).toHaveLength(1);
    const session = engine.sessions[0]!;
    expect(session.sequences).toEqual(Array.from({ length: 50 }, (_, index) => index + 2));
    expect(session).toMatchObject({ callSid: ids.callSid, bytes: 50 * 160, ended: true });

    expect(media.audits.find((event) => event.action === 'media.stream.started')).toMatchObject({
      actor: 'pbx:twilio', objectId: ids.streamSid, outcome: 'success', reason: null,
      detail: { callSid: ids.callSid, encoding: 'mulaw', sampleRate: 8000, engine: 'recording' },
    });
    expect(ended(media.audits, ids.streamSid)).toMatchObject({
      outcome: 'success', reason: null,
      detail: { callSid: ids.callSid, endedBy: 'stop', frames: 50, inboundFrames: 50, audioMs: 1000, duplicates: 2, gaps: 0, missingMessages: 0, dtmf: 1, badMessages: 0, speechFrames: 50, transcript: 'present' },
    });
    expect(media.transcripts).toEqual([{ callSid: ids.callSid, result: expect.objectContaining({ text: canaryTranscript, frames: 50 }) }]);
    expectNoContentLeaks(media);
  });

  it('refuses unsigned, forged and wrongly-schemed upgrades with 403 before any stream starts, and audits them', async () => {
    const engine = new RecordingSpeechEngine();
    const media = await startMediaApp(engine);
    expect(await openStream(media.wsUrl, null)).toEqual({ ok: false, status: 403 });
    expect(await openStream(media.wsUrl, signTwilioRequest('not-the-auth-token', signedUrl, {}))).toEqual({ ok: false, status: 403 });
    // Twilio signs the wss:// URL; a signature over the https:// form is not the same signature.
    expect(await openStream(media.wsUrl, signTwilioRequest(authToken, `${publicBaseUrl}${twilioMediaPath}`, {}))).toEqual({ ok: false, status: 403 });

    const rejections = media.audits.filter((event) => event.action === 'media.rejected');
    expect(rejections.map((event) => event.reason)).toEqual(['SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID']);
    expect(rejections.every((event) => event.actor === 'pbx:twilio-unverified' && event.outcome === 'rejected')).toBe(true);
    expect(engine.sessions).toHaveLength(0);
    expect(media.audits.some((event) => event.action === 'media.stream.ended')).toBe(false);

    // Without a configured public URL, the request's own host is what must have been signed.
    const direct = await startMediaApp(engine, {});
    const opened = await openStream(direct.wsUrl, signTwilioRequest(authToken, direct.wsUrl, {}));
    expect(opened.ok).toBe(true);
    if (opened.ok) opened.socket.close();
  });

  it('audits bad messages by code and field, keeps the stream until the tenth, then closes with 1008', async () => {
    const engine = new RecordingSpeechEngine();
    const media = await startMediaApp(engine);
    const ids = nextSids();
    const other = nextSids();
    const oversizeFrame = Buffer.alloc(9 * 1024, 0xff).toString('base64');
    const badMessages: (string | Buffer | object)[] = [
      `{"event":"media","note":"${canaryPhone}"`, // not JSON
      { ...mediaMessage(ids, 2), sequenceNumber: 'two' }, // not a digit string
      mediaMessage(ids, 2, `${canaryPhone}!!`), // not base64
      mediaMessage(ids, 2, oversizeFrame), // frame over 8 KB decoded
      mediaMessage(ids, 2, ''), // empty frame
      Buffer.from([0xff, 0xfe]), // binary frame
      mediaMessage(other, 2), // another stream's frame
      startMessage(other, 2), // a second start
      JSON.stringify({ pad: 'x'.repeat(70 * 1024) }), // over maxMessageBytes
    ];
    const { socket, closed } = await openSigned(media.wsUrl);
    send(socket, connectedMessage);
    send(socket, startMessage(ids));
    for (const message of badMessages) {
      if (Buffer.isBuffer(message)) socket.send(message, { binary: true });
      else send(socket, message);
    }
    send(socket, mediaMessage(ids, 2));
    send(socket, stopMessage(ids, 3));
    expect(await closed).toEqual({ code: 1000, reason: 'stream stopped' });

    const rejected = media.audits.filter((event) => event.action === 'media.message.rejected');
    expect(rejected.map((event) => event.reason)).toEqual([
      'MESSAGE_NOT_JSON', 'MESSAGE_INVALID', 'PAYLOAD_INVALID', 'PAYLOAD_TOO_LARGE', 'PAYLOAD_INVALID', 'MESSAGE_BINARY', 'STREAM_MISMATCH', 'START_REPEATED', 'MESSAGE_TOO_LARGE',
    ]);
    expect(rejected[1]!.detail).toMatchObject({ paths: ['sequenceNumber'], callSid: ids.callSid });
    expect(rejected[2]!.detail).toMatchObject({ paths: ['media.payload'] });
    expect(ended(media.audits, ids.streamSid)).toMatchObject({ outcome: 'success', detail: { frames: 1, badMessages: 9, violations: 2 } });
    expect(engine.sessions[0]!.sequences).toEqual([2]);

    // The tenth bad message closes the connection as a policy violation.
    const again = nextSids();
    const second = await openSigned(media.wsUrl);
    send(second.socket, connectedMessage);
    send(second.socket, startMessage(again));
    for (let count = 0; count < 10; count += 1) send(second.socket, mediaMessage(again, 2 + count, 'bad base64?'));
    expect((await second.closed).code).toBe(1008);
    await vi.waitFor(() => expect(ended(media.audits, again.streamSid)).toMatchObject({ outcome: 'failure', reason: 'TOO_MANY_BAD_MESSAGES', detail: { endedBy: 'policy', badMessages: 10, frames: 0 } }));
    expectNoContentLeaks(media);
  });

  it('ends the session cleanly when the socket drops without a stop, and keeps serving new streams', async () => {
    const engine = new RecordingSpeechEngine();
    const media = await startMediaApp(engine);
    const dropped = nextSids();
    const first = await openSigned(media.wsUrl);
    send(first.socket, connectedMessage);
    send(first.socket, startMessage(dropped));
    for (let sequence = 2; sequence <= 21; sequence += 1) send(first.socket, mediaMessage(dropped, sequence));
    await vi.waitFor(() => expect(engine.sessions[0]?.sequences).toHaveLength(20));
    first.socket.terminate(); // no close frame, no stop: a dropped TCP connection

    await vi.waitFor(() => expect(ended(media.audits, dropped.streamSid)).toMatchObject({
      outcome: 'failure', reason: 'CLOSED_WITHOUT_STOP', detail: { endedBy: 'closed', closeCode: 1006, frames: 20, audioMs: 400 },
    }));
    expect(engine.sessions[0]!.ended).toBe(true);
    // What was heard before the drop is still handed over.
    expect(media.transcripts.map((entry) => entry.callSid)).toEqual([dropped.callSid]);

    const next = nextSids();
    const second = await openSigned(media.wsUrl);
    send(second.socket, connectedMessage);
    send(second.socket, startMessage(next));
    for (let sequence = 2; sequence <= 6; sequence += 1) send(second.socket, mediaMessage(next, sequence));
    send(second.socket, stopMessage(next, 7));
    expect((await second.closed).code).toBe(1000);
    expect(engine.sessions[1]).toMatchObject({ callSid: next.callSid, sequences: [2, 3, 4, 5, 6], ended: true });

    // A socket that never started a stream is accounted for too.
    const idle = await openSigned(media.wsUrl);
    idle.socket.terminate();
    await vi.waitFor(() => expect(media.audits.some((event) => event.action === 'media.stream.ended' && event.reason === 'CLOSED_BEFORE_START')).toBe(true));
  });

  it('keeps counting when the speech engine refuses 8 kHz audio or breaks mid-stream', async () => {
    const wideband = new WidebandOnlyEngine();
    const media = await startMediaApp(wideband);
    const ids = nextSids();
    const { socket, closed } = await openSigned(media.wsUrl);
    send(socket, connectedMessage);
    send(socket, startMessage(ids));
    for (let sequence = 2; sequence <= 11; sequence += 1) send(socket, mediaMessage(ids, sequence));
    send(socket, stopMessage(ids, 12));
    expect((await closed).code).toBe(1000);
    expect(wideband.started).toBe(0);
    expect(ended(media.audits, ids.streamSid)).toMatchObject({ outcome: 'success', reason: 'SPEECH_FORMAT_UNSUPPORTED', detail: { frames: 10, audioMs: 200, speechFrames: 10, transcript: 'none' } });
    expect(media.transcripts).toEqual([]);

    const broken = new RecordingSpeechEngine({ throwOnPush: true });
    const brokenApp = await startMediaApp(broken);
    const brokenIds = nextSids();
    const stream = await openSigned(brokenApp.wsUrl);
    send(stream.socket, connectedMessage);
    send(stream.socket, startMessage(brokenIds));
    for (let sequence = 2; sequence <= 6; sequence += 1) send(stream.socket, mediaMessage(brokenIds, sequence));
    send(stream.socket, stopMessage(brokenIds, 7));
    expect((await stream.closed).code).toBe(1000);
    expect(ended(brokenApp.audits, brokenIds.streamSid)).toMatchObject({ reason: 'SPEECH_PUSH_FAILED', detail: { frames: 5 } });
    // The engine's error message quoted the canary; only its name may reach the logs.
    expectNoContentLeaks(brokenApp);

    // A live engine at capacity takes the stream but will not transcribe it: the start says so.
    const full = await startMediaApp(new RecordingSpeechEngine({ refused: 'SPEECH_LIVE_AT_CAPACITY' }));
    const fullIds = nextSids();
    const third = await openSigned(full.wsUrl);
    send(third.socket, connectedMessage);
    send(third.socket, startMessage(fullIds));
    send(third.socket, mediaMessage(fullIds, 2));
    send(third.socket, stopMessage(fullIds, 3));
    expect((await third.closed).code).toBe(1000);
    expect(full.audits.find((event) => event.action === 'media.stream.started')).toMatchObject({ objectId: fullIds.streamSid, reason: 'SPEECH_LIVE_AT_CAPACITY' });
    expect(ended(full.audits, fullIds.streamSid)).toMatchObject({ reason: 'SPEECH_LIVE_AT_CAPACITY', detail: { frames: 1 } });
  });

  it('refuses a start whose token is missing, expired, for another call, reused or uncheckable: 1008, audited, nothing reaches speech', async () => {
    const engine = new RecordingSpeechEngine();
    let clock = Date.now();
    const media = await startMediaApp(engine, { publicBaseUrl, now: () => clock });
    /** Plays connected, start (with `token`), five frames, a digit and stop; resolves with the close. */
    const play = async (ids: { callSid: string; streamSid: string }, token: string | null, app = media) => {
      const { socket, closed } = await openSigned(app.wsUrl);
      send(socket, connectedMessage);
      send(socket, startMessage(ids, 1, token));
      for (let sequence = 2; sequence <= 6; sequence += 1) send(socket, mediaMessage(ids, sequence));
      send(socket, { event: 'dtmf', sequenceNumber: '7', streamSid: ids.streamSid, dtmf: { track: 'inbound_track', digit: '9' } });
      send(socket, stopMessage(ids, 8));
      return (await closed).code;
    };
    const refusal = (app: MediaApp, streamSid: string) => app.audits.find((event) => event.action === 'media.stream.refused' && event.objectId === streamSid);

    const good = nextSids();
    const goodToken = streamToken(good.callSid);
    expect(await play(good, goodToken)).toBe(1000);
    expect(engine.sessions.map((session) => session.callSid)).toEqual([good.callSid]);

    const cases: { name: string; ids: { callSid: string; streamSid: string }; token: string | null; reason: string }[] = [];
    cases.push({ name: 'missing', ids: nextSids(), token: null, reason: 'STREAM_TOKEN_MISSING' });
    cases.push({ name: 'reused', ids: { ...nextSids(), callSid: good.callSid }, token: goodToken, reason: 'STREAM_TOKEN_REUSED' });
    cases.push({ name: 'foreign', ids: nextSids(), token: goodToken, reason: 'STREAM_TOKEN_FOREIGN' });
    const late = nextSids();
    cases.push({ name: 'expired', ids: late, token: streamToken(late.callSid, clock - 61_000), reason: 'STREAM_TOKEN_EXPIRED' });
    const other = nextSids();
    cases.push({ name: 'signed with another key', ids: other, token: mintStreamToken({ key: streamTokenKey('another-twilio-auth-token-0123456789abcd'), callSid: other.callSid, nowMs: clock }), reason: 'STREAM_TOKEN_INVALID' });
    for (const entry of cases) {
      expect({ name: entry.name, code: await play(entry.ids, entry.token) }).toEqual({ name: entry.name, code: 1008 });
      await vi.waitFor(() => expect(ended(media.audits, entry.ids.streamSid)).toBeDefined());
      expect(refusal(media, entry.ids.streamSid)).toMatchObject({ actor: 'pbx:twilio-unverified', outcome: 'rejected', reason: entry.reason, detail: { callSid: entry.ids.callSid } });
      expect(ended(media.audits, entry.ids.streamSid)).toMatchObject({ outcome: 'failure', reason: entry.reason, detail: { endedBy: 'refused', frames: 0, dtmf: 0, speechFrames: null } });
    }
    // The clock moves on: a token minted now and used 61 s later has expired too.
    const slow = nextSids();
    const slowToken = streamToken(slow.callSid, clock);
    clock += 61_000;
    expect(await play(slow, slowToken)).toBe(1008);
    await vi.waitFor(() => expect(refusal(media, slow.streamSid)?.reason).toBe('STREAM_TOKEN_EXPIRED'));
    // Not one frame or session for any refused stream.
    expect(engine.sessions.map((session) => session.callSid)).toEqual([good.callSid]);
    expect(media.transcripts.map((entry) => entry.callSid)).toEqual([good.callSid]);

    // When the record of used tokens cannot be reached, a token cannot be shown unused: refused.
    const broken = await startMediaApp(engine, { publicBaseUrl, claimStreamToken: async () => { throw new Error('store down'); } });
    const unchecked = nextSids();
    expect(await play(unchecked, streamToken(unchecked.callSid), broken)).toBe(1008);
    await vi.waitFor(() => expect(refusal(broken, unchecked.streamSid)?.reason).toBe('STREAM_TOKEN_UNCHECKED'));
    expect(engine.sessions).toHaveLength(1);
    expectNoContentLeaks(media);
  });
});
