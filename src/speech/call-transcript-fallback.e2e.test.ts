import { randomBytes } from 'node:crypto';
import { streamMedia } from '../simulator/live-stream.client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../calls/call-event.schema.ts';
import { startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { ScriptedSpeechEngine, scriptedSegment, scriptedTranscription } from '../../test/helpers/scripted-speech.ts';
import type { PcmAudio, SpeechEngine, Transcription } from './speech-engine.ts';
import { speechSettingsSchema } from './speech.settings.ts';

/**
 * Issue 17, item 4: with `fallback: http`, a call whose local transcript is not `ok` (phone audio
 * through a wideband model) has its audio, held in memory for the call, transcribed by the http
 * engine, and both transcripts are ingested; an `ok` one is not sent anywhere. The local engine is
 * scripted; the http engine here records what it was given (its wire format has its own tests
 * against the real transcription service). All audio and text are synthetic.
 */
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

class RecordingHttpEngine implements SpeechEngine {
  readonly name = 'http';
  readonly heard: PcmAudio[] = [];
  supports() {
    return { ok: true as const };
  }
  start(): never {
    throw new Error('not used live here');
  }
  async transcribe(audio: PcmAudio): Promise<Transcription> {
    this.heard.push(audio);
    return scriptedTranscription('http', [scriptedSegment({ atFrame: 0, text: 'I would like a callback about my test results' }, 0, true)]);
  }
}

let harness: Harness;
const http = new RecordingHttpEngine();
let phoneQuality: 'ok' | 'low' = 'low';

beforeAll(async () => {
  harness = await startHarness('pglite', {
    config: { speech: speechSettingsSchema.parse({ engine: 'pocketsphinx', fallback: 'http', http: { baseUrl: 'http://127.0.0.1:9' } }) },
    engine: {
      speechLoaders: {
        // The local engine's verdict follows the test: `low` (narrowband) or `ok`.
        pocketsphinx: async () => {
          const low = new ScriptedSpeechEngine([{ atFrame: 5, text: 'I would like a call back about my test', quality: 'low', qualityReasons: ['narrowband-audio'] }], { name: 'pocketsphinx' });
          const ok = new ScriptedSpeechEngine([{ atFrame: 5, text: 'I would like a call back about my test' }], { name: 'pocketsphinx' });
          return { name: 'pocketsphinx', supports: () => ({ ok: true as const }), start: (stream, onSegment) => (phoneQuality === 'low' ? low : ok).start(stream, onSegment) };
        },
        http: async () => http,
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await harness?.close();
});

async function streamedCall(frames: number): Promise<string> {
  const callSid = sid('CA');
  const event = (overrides: Partial<CallEvent> & { type: CallEvent['type'] }) => {
    const built = syntheticEvent({ ...overrides, callId: callSid, ani: '+16175550142' });
    return { ...built, provider: 'twilio' } as CallEvent;
  };
  expect((await harness.post(event({ type: 'call.ringing' }))).status).toBe(202);
  for (const scope of ['record', 'transcribe', 'ai', 'ehr'] as const) {
    expect((await harness.post(event({ type: 'consent.captured', data: { scope, granted: true, method: 'ivr' } } as Partial<CallEvent> & { type: 'consent.captured' }))).status).toBe(202);
  }
  // µ-law 0x00 is a loud negative sample: the decoded audio shows it went through unchanged.
  const closed = streamMedia({ engineUrl: harness.engine.url, twilioAuthToken: harness.twilioAuthToken, callSid }, Array.from({ length: frames }, () => Buffer.alloc(160, 0x00)), { realTime: false });
  expect(await closed).toBe(1000);
  return callSid;
}

async function ingested(callSid: string, source: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await harness.engine.db.query("select 1 from call_event where provider = 'twilio' and provider_event_id = $1", [`${callSid}:speech:${source}`]);
    if (rows.length) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('fallback to the http engine (issue 17)', () => {
  it("sends a low-quality call's audio, held in memory, to the http engine and ingests both transcripts", async () => {
    phoneQuality = 'low';
    const before = http.heard.length;
    const callSid = await streamedCall(50);
    expect(await ingested(callSid, 'pocketsphinx')).toBe(true);
    expect(await ingested(callSid, 'http')).toBe(true);
    expect(http.heard.length).toBe(before + 1);
    // The whole call's audio, decoded from µ-law: one second at 8 kHz.
    expect(http.heard.at(-1)).toMatchObject({ sampleRate: 8_000 });
    expect(http.heard.at(-1)!.samples.length).toBe(50 * 160);
    expect(http.heard.at(-1)!.samples[0]).toBeLessThan(-30_000);
  });

  it('does not send an ok call anywhere', async () => {
    phoneQuality = 'ok';
    const before = http.heard.length;
    const callSid = await streamedCall(20);
    expect(await ingested(callSid, 'pocketsphinx')).toBe(true);
    expect(http.heard.length).toBe(before);
    const { rows } = await harness.engine.db.query("select 1 from call_event where provider_event_id = $1", [`${callSid}:speech:http`]);
    expect(rows).toEqual([]);
  });
});
