import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCall } from '../src/calls/calls.repository.ts';
import { connectLiveClient, eventually, startHarness, syntheticEvent, type Harness } from './helpers/engine-harness.ts';
import { consentEvents } from './helpers/consent-events.ts';
import { startChatCompletionsServer } from './helpers/chat-completions-server.ts';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { languageModelSettingsSchema } from '../src/nlp/language-model/language-model.settings.ts';

/**
 * The clinic's language model in the after-call pipeline (issue 15, item 6): a local server
 * speaking the chat completions wire format stands in for vLLM / llama.cpp / Ollama. Synthetic calls.
 */
const ani = '+15555550123';
const transcript = 'Synthetic: this is Gwendolyn Abernathy. I need my metformin refilled, and I would like to book my yearly check-up for next week.';
const modelAnswer = {
  primary: { code: 'appointment', probability: 0.88 },
  secondary: [{ code: 'prescription_refill', probability: 0.84 }],
  redFlags: [],
  summary: { details: '[NAME] wants a yearly check-up booked and metformin refilled.', actionRequested: 'Book the check-up; send the refill.' },
};

let failing = false;
let model: Awaited<ReturnType<typeof startChatCompletionsServer>>;
let harness: Harness;

beforeAll(async () => {
  model = await startChatCompletionsServer(() => modelAnswer, () => (failing ? 500 : null));
  harness = await startHarness('pglite', {
    config: { languageModel: languageModelSettingsSchema.parse({ baseUrl: model.baseUrl, model: 'clinic-model' }) },
  });
});
afterAll(async () => {
  await harness?.close();
  await model.close();
});

async function understoodCall(providerCallId: string) {
  const accepted = await harness.post(syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani }));
  const callId = String(accepted.body.callId);
  for (const event of consentEvents(providerCallId, ani)) await harness.post(event);
  await harness.post(syntheticEvent({ type: 'transcript.available', callId: providerCallId, ani, data: { transcript: { text: transcript, language: 'en-US' } } }));
  await harness.post(syntheticEvent({ type: 'call.ended', callId: providerCallId, ani }));
  const audit = await eventually(async () => {
    const { rows } = await harness.engine.db.query<{ detail: Record<string, unknown> }>(`select detail from audit_event where action = 'call.understood' and object_id = $1`, [callId]);
    return rows[0] ?? null;
  }, 30_000, 'the call understood');
  return { callId, detail: audit.detail, call: (await findCall(harness.engine.db, callId))! };
}

describe('the language model in the after-call pipeline', () => {
  it('routes the call on the model answer, sent redacted, shown and audited as the model output', async () => {
    const display = await connectLiveClient(harness.engine.url, await harness.token());
    const { callId, detail, call } = await understoodCall('llm-used-1');
    expect(call.requestTypes).toEqual(['appointment', 'prescription_refill']);
    expect(detail).toMatchObject({ languageModel: 'used', languageModelText: 'redacted', method: 'transcript' });
    const sent = model.bodies.at(-1)!;
    expect(sent).toContain('metformin');
    for (const identifier of ['Gwendolyn', 'Abernathy']) {
      expect(sent).not.toContain(identifier);
      expect(harness.logs.text).not.toContain(identifier);
    }
    const understood = await display.waitFor((m: LiveMessage): m is Extract<LiveMessage, { type: 'call.understood' }> => m.type === 'call.understood' && m.understanding.callId === callId);
    expect(understood.understanding.generatedBy).toBe('callchart-language-model');
    expect(understood.understanding.requestTypes[0]).toMatchObject({ type: 'appointment', source: 'callchart-language-model' });
    display.close();
  });

  it('falls back to the rules when the model server fails, and says why', async () => {
    failing = true;
    const { detail, call } = await understoodCall('llm-failed-1');
    expect(detail).toMatchObject({ languageModel: 'http-server-error', languageModelText: 'redacted' });
    expect(call.requestTypes.length).toBeGreaterThan(0);
    expect(call.requestTypes).toContain('prescription_refill');
    expect(harness.logs.text).toContain('http-server-error');
    expect(harness.logs.text).not.toContain('Abernathy');
  });
});
