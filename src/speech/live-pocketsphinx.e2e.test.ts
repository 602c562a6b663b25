import { randomBytes } from 'node:crypto';
import { streamMedia } from '../simulator/live-stream.client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSpeech, withPauses } from '../../bench/speech/corpus.ts';
import type { LiveMessage } from '../api/live-calls.hub.ts';
import type { CallEvent } from '../calls/call-event.schema.ts';
import { connectLiveClient, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { toTelephoneAudio } from './audio/telephone.ts';
import { PocketsphinxEngine } from './pocketsphinx/pocketsphinx.engine.ts';
import { speechSettingsSchema } from './speech.settings.ts';
import type { SpeechEngine } from './speech-engine.ts';

/**
 * Issue 17 with the real recogniser: Debian's pocketsphinx in its worker pool hears a synthetic
 * caller (flite) streamed as Twilio does (8 kHz µ-law, 20 ms frames, signed, with the TwiML's
 * token). The nurse of the call's queue sees partials arrive, the verdict says phone audio, and
 * the final transcript is ingested with its segments. A recogniser that segfaults mid-call loses
 * one utterance, marked, and the stream and the call go on. All speech is synthetic.
 */
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

let harness: Harness;
/** With partials every 0.5 s; and one without partials, so a crash hits a final utterance, not a preview. */
let engine: PocketsphinxEngine;
let finalsOnly: PocketsphinxEngine;
let current: () => PocketsphinxEngine = () => engine;
let frames: Buffer[];

beforeAll(async () => {
  const settings = speechSettingsSchema.parse({ engine: 'pocketsphinx', pocketsphinx: { workers: 2 } });
  harness = await startHarness('pglite', {
    config: { speech: settings },
    engine: {
      speechLoaders: {
        pocketsphinx: async (speech, deps) => {
          engine = await PocketsphinxEngine.start({ ...speech.pocketsphinx, lowConfidence: speech.lowConfidence }, { ...deps, partialEverySeconds: 0.5 });
          finalsOnly = await PocketsphinxEngine.start({ ...speech.pocketsphinx, workers: 1, lowConfidence: speech.lowConfidence }, { ...deps, crashHook: true, partialEverySeconds: 3_600 });
          // The engine the media route sees: whichever the test picked, by name pocketsphinx.
          const picked: SpeechEngine = {
            name: 'pocketsphinx',
            supports: (format) => current().supports(format),
            start: (stream, onSegment) => current().start(stream, onSegment),
            close: async () => {
              await engine.close();
              await finalsOnly.close();
            },
          };
          return picked;
        },
      },
    },
  });
  const turns = await Promise.all(['I would like to book an appointment for my daughter.', 'She has had a cough for three days.', 'Thank you, goodbye.'].map((text) => renderSpeech(text, 'rms')));
  const call = toTelephoneAudio(withPauses(turns, 1_200));
  frames = [];
  for (let offset = 0; offset < call.length; offset += 160) frames.push(Buffer.from(call.subarray(offset, offset + 160)));
}, 180_000);
afterAll(async () => {
  await harness?.close();
});

const twilioEvent = (callSid: string, overrides: Partial<CallEvent> & { type: CallEvent['type'] }) => {
  const event = syntheticEvent({ ...overrides, callId: callSid, ani: '+16175550142' });
  return { ...event, provider: 'twilio', call: { ...event.call, queue: 'q-sphinx' } } as CallEvent;
};

async function ringWithConsent(callSid: string): Promise<string> {
  expect((await harness.post(twilioEvent(callSid, { type: 'call.ringing' }))).status).toBe(202);
  for (const scope of ['record', 'transcribe', 'ai', 'ehr'] as const) {
    expect((await harness.post(twilioEvent(callSid, { type: 'consent.captured', data: { scope, granted: true, method: 'ivr' } } as Partial<CallEvent> & { type: 'consent.captured' }))).status).toBe(202);
  }
  const { rows } = await harness.engine.db.query<{ id: string }>("select id from call where provider = 'twilio' and provider_call_id = $1", [callSid]);
  return rows[0]!.id;
}

/** Streams the whole synthetic call as Twilio would, then stops; resolves with the close code. */
async function streamCall(callSid: string): Promise<number> {
  return streamMedia({ engineUrl: harness.engine.url, twilioAuthToken: harness.twilioAuthToken, callSid }, frames, { realTime: false });
}

async function until<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ingestedTranscript = (callSid: string) => until(async () => {
  const { rows } = await harness.engine.db.query<{ id: string }>("select id from call_event where provider = 'twilio' and provider_event_id = $1", [`${callSid}:speech:pocketsphinx`]);
  return rows[0];
});

const liveOf = (callId: string) => (message: LiveMessage): message is Extract<LiveMessage, { type: 'transcript.live' }> => message.type === 'transcript.live' && message.transcript.callId === callId;

describe('live transcription with pocketsphinx (issue 17)', () => {
  it("streams a synthetic call: the nurse sees partials as they grow, phone audio is said, and the final transcript is ingested", async () => {
    const callSid = sid('CA');
    const callId = await ringWithConsent(callSid);
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['q-sphinx']));
    try {
      expect(await streamCall(callSid)).toBe(1000);
      await ingestedTranscript(callSid);
      const updates = nurse.messages.filter(liveOf(callId)).map((message) => message.transcript);
      expect(updates.length).toBeGreaterThan(1);
      // Something was heard and shown, and the verdict says the audio was the phone's.
      expect(updates.some((update) => update.pending.length > 0 || update.pieces.length > 0)).toBe(true);
      const last = updates.at(-1)!;
      expect(last.source).toBe('pocketsphinx');
      expect(last.qualityReasons).toContain('narrowband-audio');
      expect(last.quality).not.toBe('ok');
    } finally {
      nurse.close();
    }
  }, 120_000);

  it('a recogniser that segfaults mid-call loses one utterance, marked; the stream ends normally and the rest is transcribed', async () => {
    const callSid = sid('CA');
    const callId = await ringWithConsent(callSid);
    const nurse = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['q-sphinx']));
    try {
      current = () => finalsOnly;
      finalsOnly.crashNextUtterance();
      expect(await streamCall(callSid)).toBe(1000);
      await ingestedTranscript(callSid);
      // The lost utterance is marked on the nurse's screen; the ones after it were heard.
      const marked = await nurse.waitFor((message): message is Extract<LiveMessage, { type: 'transcript.live' }> =>
        liveOf(callId)(message) && message.transcript.segments.some((segment) => segment.qualityReasons.includes('engine-failed'))
        && message.transcript.segments.some((segment) => !segment.qualityReasons.includes('engine-failed') && segment.words > 0), 60_000);
      expect(marked.transcript.quality).toBe('unusable');
      // The engine still works for the next call.
      const next = sid('CA');
      await ringWithConsent(next);
      expect(await streamCall(next)).toBe(1000);
      await ingestedTranscript(next);
    } finally {
      nurse.close();
    }
  }, 180_000);
});
