import { randomBytes } from 'node:crypto';
import { streamMedia } from '../simulator/live-stream.client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../calls/call-event.schema.ts';
import { startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { ScriptedSpeechEngine } from '../../test/helpers/scripted-speech.ts';
import { speechSettingsSchema } from './speech.settings.ts';

/**
 * Issue 17, TR-3, through the real engine and its Media Streams route: with `speech.audio.keep`
 * on, a streamed call with the caller's record consent leaves one sealed `call_audio` row, durable
 * before the stream's end is audited; one without record consent leaves none, and says why. The
 * speech engine is scripted; the audio is a synthetic constant mu-law frame.
 */
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness('pglite', {
    config: { speech: speechSettingsSchema.parse({ engine: 'pocketsphinx', fallback: 'pbx', audio: { keep: true, retentionDays: 14 } }) },
    engine: {
      speechLoaders: {
        pocketsphinx: async () => new ScriptedSpeechEngine([{ atFrame: 5, text: 'I would like a call back about my test' }], { name: 'pocketsphinx' }),
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await harness?.close();
});

async function streamedCall(frames: number, recordConsent: boolean): Promise<string> {
  const callSid = sid('CA');
  const event = (overrides: Partial<CallEvent> & { type: CallEvent['type'] }) => {
    const built = syntheticEvent({ ...overrides, callId: callSid, ani: '+16175550142' });
    return { ...built, provider: 'twilio' } as CallEvent;
  };
  expect((await harness.post(event({ type: 'call.ringing' }))).status).toBe(202);
  for (const scope of ['record', 'transcribe', 'ai', 'ehr'] as const) {
    expect((await harness.post(event({ type: 'consent.captured', data: { scope, granted: scope === 'record' ? recordConsent : true, method: 'ivr' } } as Partial<CallEvent> & { type: 'consent.captured' }))).status).toBe(202);
  }
  const closed = streamMedia({ engineUrl: harness.engine.url, twilioAuthToken: harness.twilioAuthToken, callSid }, Array.from({ length: frames }, () => Buffer.alloc(160, 0x5a)), { realTime: false });
  expect(await closed).toBe(1000);
  return callSid;
}

/** Waits for the stream's end to be on the audit record (chained or pending). */
async function streamEndAudited(callSid: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await harness.engine.db.query(
      `select 1 from audit_event where action = 'media.stream.ended' and detail->>'callSid' = $1
       union all select 1 from audit_pending where action = 'media.stream.ended' and detail->>'callSid' = $1`,
      [callSid],
    );
    if (rows.length) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function callIdOf(callSid: string): Promise<string> {
  const { rows } = await harness.engine.db.query<{ id: string }>("select id from call where provider = 'twilio' and provider_call_id = $1", [callSid]);
  return rows[0]!.id;
}

async function auditActions(callId: string): Promise<Array<{ action: string; reason: string | null }>> {
  const { rows } = await harness.engine.db.query<{ action: string; reason: string | null }>(
    `select action, reason from audit_event where object_id = $1 union all select action, reason from audit_pending where object_id = $1`,
    [callId],
  );
  return rows;
}

describe('call audio kept through the media route (issue 17, TR-3)', () => {
  it('keeps one sealed call_audio row for a streamed call with record consent, before the stream end is audited', async () => {
    const callSid = await streamedCall(50, true);
    expect(await streamEndAudited(callSid)).toBe(true);
    const callId = await callIdOf(callSid);
    const { rows } = await harness.engine.db.query<{ format: string; sample_rate: number; byte_count: number; duration_ms: number; ciphertext: Uint8Array }>(
      'select format, sample_rate, byte_count, duration_ms, ciphertext from call_audio where call_id = $1', [callId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ format: 'mulaw', sample_rate: 8_000, byte_count: 50 * 160, duration_ms: 1_000 });
    // At rest: not the caller's bytes (a run of the constant frame would show).
    expect(Buffer.from(rows[0]!.ciphertext).includes(Buffer.alloc(32, 0x5a))).toBe(false);
    expect((await auditActions(callId)).map((entry) => entry.action)).toContain('audio.kept');
  });

  it('keeps nothing for a streamed call without record consent, and audits why', async () => {
    const callSid = await streamedCall(50, false);
    expect(await streamEndAudited(callSid)).toBe(true);
    const callId = await callIdOf(callSid);
    const { rows } = await harness.engine.db.query('select 1 from call_audio where call_id = $1', [callId]);
    expect(rows).toHaveLength(0);
    expect(await auditActions(callId)).toContainEqual({ action: 'audio.discarded', reason: 'NO_RECORD_CONSENT' });
  });
});
