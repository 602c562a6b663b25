import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../api/live-calls.hub.ts';
import type { CallEvent } from '../calls/call-event.schema.ts';
import { signTwilioRequest } from '../pbx/twilio-signature.ts';
import { mintStreamToken, streamTokenKey } from '../pbx/twilio-stream-token.ts';
import { connectLiveClient, startHarness, upgradeStatus, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { ScriptedSpeechEngine, type ScriptedLine } from '../../test/helpers/scripted-speech.ts';
import type { LiveTranscript } from './live-transcript.ts';
import { speechSettingsSchema } from './speech.settings.ts';

/**
 * Issue 17, live transcription through the whole engine: a Media Stream signed as Twilio signs it,
 * carrying the TwiML's one-time token, goes to the configured engine (a scripted recogniser here,
 * so each partial is deterministic); its partials reach the nurse of the call's queue redacted,
 * never an analyst nor another queue's nurse; the final transcript is ingested with its quality
 * and segments; consent withdrawn mid-call stops everything. All data is synthetic.
 */
const accountSid = `AC${'0'.repeat(32)}`;
const silence = Buffer.alloc(160, 0xff).toString('base64');
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;
const canaryPhoneWords = 'five five five two one nine eight three four seven';
const filler = 'and I have been feeling tired for about a week now and the cough is worse at night when I lie down in bed';

const script: ScriptedLine[] = [
  { atFrame: 5, text: 'hello I am calling about my blood pressure medicine', unsure: ['pressure'] },
  { atFrame: 10, text: `you can call me back at ${canaryPhoneWords}` },
  { atFrame: 15, text: filler },
  { atFrame: 20, text: 'thank you very much goodbye', quality: 'low', qualityReasons: ['low-confidence'], unsure: ['goodbye'] },
];

let harness: Harness;
const engines: ScriptedSpeechEngine[] = [];

beforeAll(async () => {
  harness = await startHarness('pglite', {
    config: { speech: speechSettingsSchema.parse({ engine: 'pocketsphinx' }) },
    engine: {
      speechLoaders: {
        pocketsphinx: async () => {
          const engine = new ScriptedSpeechEngine(script, { name: 'pocketsphinx' });
          engines.push(engine);
          return engine;
        },
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await harness?.close();
});

const twilioEvent = (callSid: string, overrides: Partial<CallEvent> & { type: CallEvent['type'] }) => {
  const event = syntheticEvent({ ...overrides, callId: callSid, ani: '+16175550142' });
  return { ...event, provider: 'twilio', call: { ...event.call, queue: 'q-live' } } as CallEvent;
};

async function ringWithConsent(callSid: string, declined: string[] = []): Promise<void> {
  expect((await harness.post(twilioEvent(callSid, { type: 'call.ringing' }))).status).toBe(202);
  for (const scope of ['record', 'transcribe', 'ai', 'ehr'] as const) {
    const posted = await harness.post(twilioEvent(callSid, { type: 'consent.captured', data: { scope, granted: !declined.includes(scope), method: 'ivr' } } as Partial<CallEvent> & { type: 'consent.captured' }));
    expect(posted.status).toBe(202);
  }
}

async function setTranscribeConsent(callSid: string, granted: boolean): Promise<void> {
  const posted = await harness.post(twilioEvent(callSid, { type: 'consent.captured', data: { scope: 'transcribe', granted, method: 'staff' } } as Partial<CallEvent> & { type: 'consent.captured' }));
  expect(posted.status).toBe(202);
}

/** A Media Stream as Twilio plays it: signed upgrade, start with the call's token, frames, stop. */
async function openStream(callSid: string) {
  const streamUrl = `${harness.engine.url.replace(/^http/, 'ws')}/media/twilio`;
  const streamSid = sid('MZ');
  const socket = new WebSocket(streamUrl, { headers: { 'X-Twilio-Signature': signTwilioRequest(harness.twilioAuthToken, streamUrl, {}) } });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    socket.once('error', reject);
  });
  const send = (message: object) => socket.send(JSON.stringify(message));
  const token = mintStreamToken({ key: streamTokenKey(harness.twilioAuthToken), callSid, nowMs: Date.now() });
  send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  send({
    event: 'start', sequenceNumber: '1', streamSid,
    start: { accountSid, streamSid, callSid, tracks: ['inbound'], customParameters: { token }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
  });
  let sequence = 1;
  return {
    streamSid, closed,
    frames(count: number) {
      for (let index = 0; index < count; index += 1) {
        sequence += 1;
        send({ event: 'media', sequenceNumber: String(sequence), streamSid, media: { track: 'inbound', chunk: String(sequence - 1), timestamp: String((sequence - 2) * 20), payload: silence } });
      }
    },
    stop() {
      sequence += 1;
      send({ event: 'stop', sequenceNumber: String(sequence), streamSid, stop: { accountSid, callSid } });
    },
  };
}

const transcriptOf = (callId: string) => (message: LiveMessage): message is Extract<LiveMessage, { type: 'transcript.live' }> => message.type === 'transcript.live' && message.transcript.callId === callId;
const shownText = (transcript: LiveTranscript) => `${transcript.pieces.map((piece) => piece.text).join('')} ${transcript.pending}`;

async function callIdOf(callSid: string): Promise<string> {
  const { rows } = await harness.engine.db.query<{ id: string }>("select id from call where provider = 'twilio' and provider_call_id = $1", [callSid]);
  return rows[0]!.id;
}

async function auditRows(callId: string, action: string) {
  // Written to audit_pending first, then chained into audit_event.
  const { rows } = await harness.engine.db.query<{ reason: string | null; outcome: string; detail: Record<string, unknown> }>(
    'select reason, outcome, detail from audit_pending where object_id = $1 and action = $2 union all select reason, outcome, detail from audit_event where object_id = $1 and action = $2', [callId, action]);
  return rows;
}

/** Waits (without a fixed sleep) until `check` holds, polling the store. */
async function until<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('live transcription from a Media Stream (issue 17)', () => {
  it("shows redacted partials to the queue's nurse, never to the front desk, an analyst or another queue, and ingests the final transcript with quality and segments", async () => {
    const callSid = sid('CA');
    await ringWithConsent(callSid);
    const callId = await callIdOf(callSid);
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['q-live']));
    const otherQueue = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['q-other']));
    // The front desk watches the queue live but may not see call content; an analyst cannot even connect.
    const analyst = await connectLiveClient(harness.engine.url, await harness.token('intake', ['q-live']));
    expect(await upgradeStatus(`${harness.engine.url}/ws`, { protocols: ['callchart.live.v1', `bearer.${await harness.token('analyst', ['q-live'])}`] })).toBe(403);
    try {
      const stream = await openStream(callSid);
      stream.frames(6);
      const first = await nurse.waitFor(transcriptOf(callId));
      expect(first.transcript).toMatchObject({ callId, queue: 'q-live', source: 'pocketsphinx' });
      // The first words are held back (the streaming redactor), shown as pending text.
      expect(shownText(first.transcript)).toContain('hello I am calling');

      stream.frames(20);
      const settled = await nurse.waitFor((message): message is Extract<LiveMessage, { type: 'transcript.live' }> =>
        transcriptOf(callId)(message) && message.transcript.lowConfidenceWords === 2 && message.transcript.pieces.length > 0);
      const text = shownText(settled.transcript);
      // The spoken phone number never shows: redacted when settled, numbers masked while pending.
      expect(text).not.toContain('five five five');
      expect(text).not.toMatch(/\b(two|nine|eight|seven) (one|eight|three|four)\b/);
      // A low-confidence word is marked as such.
      expect(settled.transcript.pieces).toContainEqual({ text: 'pressure', kind: 'low-confidence' });
      expect(settled.transcript.qualityReasons).toContain('low-confidence');
      expect(settled.transcript.lowConfidenceWords).toBe(2);

      stream.stop();
      expect(await stream.closed).toBe(1000);
      // The final transcript is in the after-call pipeline: one event, with quality and segments.
      const event = await until(async () => {
        const { rows } = await harness.engine.db.query<{ id: string }>("select id from call_event where provider = 'twilio' and provider_event_id = $1", [`${callSid}:speech:pocketsphinx`]);
        return rows[0];
      });
      expect(event).toBeDefined();
      const { rows: transcripts } = await harness.engine.db.query('select event_id from transcript where event_id = $1', [event.id]);
      expect(transcripts).toHaveLength(1);

      // Neither the front desk nor the other queue's nurse ever got a word of it.
      expect(analyst.messages.filter((message) => message.type === 'transcript.live')).toEqual([]);
      expect(otherQueue.messages.filter((message) => message.type === 'transcript.live')).toEqual([]);
      expect(JSON.stringify(analyst.messages)).not.toContain('blood pressure');
      expect(await auditRows(callId, 'transcript.live.started')).toHaveLength(1);
    } finally {
      nurse.close();
      otherQueue.close();
      analyst.close();
    }
  });

  it('a late joiner gets the live transcript of a call in progress in its hello', async () => {
    const callSid = sid('CA');
    await ringWithConsent(callSid);
    const callId = await callIdOf(callSid);
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['q-live']));
    const stream = await openStream(callSid);
    try {
      stream.frames(6);
      await nurse.waitFor(transcriptOf(callId));
      const late = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['q-live']));
      const lateAnalyst = await connectLiveClient(harness.engine.url, await harness.token('intake', ['*']));
      const hello = await late.waitFor((message): message is Extract<LiveMessage, { type: 'hello' }> => message.type === 'hello');
      expect(hello.transcripts.map((transcript) => transcript.callId)).toContain(callId);
      const analystHello = await lateAnalyst.waitFor((message): message is Extract<LiveMessage, { type: 'hello' }> => message.type === 'hello');
      expect(analystHello.transcripts).toEqual([]);
      late.close();
      lateAnalyst.close();
    } finally {
      stream.stop();
      await stream.closed;
      nurse.close();
    }
  });

  it('consent withdrawn mid-call stops the partials, removes them from screens, and nothing is ingested', async () => {
    const callSid = sid('CA');
    await ringWithConsent(callSid);
    const callId = await callIdOf(callSid);
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['q-live']));
    try {
      const stream = await openStream(callSid);
      stream.frames(6);
      await nurse.waitFor(transcriptOf(callId));
      // The agent changes consent on the live screen (the same consent.captured the IVR sends).
      await setTranscribeConsent(callSid, false);
      stream.frames(20);
      await nurse.waitFor((message): message is Extract<LiveMessage, { type: 'transcript.live.removed' }> => message.type === 'transcript.live.removed' && message.callId === callId);
      const shownBefore = nurse.messages.filter(transcriptOf(callId)).length;
      stream.frames(5);
      stream.stop();
      expect(await stream.closed).toBe(1000);
      const stopped = await until(async () => (await auditRows(callId, 'transcript.live.stopped'))[0]);
      expect(stopped).toMatchObject({ reason: 'CONSENT_WITHDRAWN', outcome: 'rejected' });
      // The stream's end is handled: its transcript was discarded, not ingested.
      expect(await until(async () => (await auditRows(callId, 'transcript.discarded'))[0])).toMatchObject({ reason: 'CONSENT_WITHDRAWN' });
      // Nothing further shown, nothing of the stream ingested.
      expect(nurse.messages.filter(transcriptOf(callId)).length).toBe(shownBefore);
      const { rows } = await harness.engine.db.query("select id from call_event where provider = 'twilio' and provider_event_id like $1", [`${callSid}:speech:%`]);
      expect(rows).toEqual([]);
      // The engine was fed no more audio after the withdrawal was seen.
      const session = engines.at(-1)!.sessions.find((entry) => entry.callSid === callSid)!;
      expect(session.frames).toBeLessThan(31);
    } finally {
      nurse.close();
    }
  });
});
