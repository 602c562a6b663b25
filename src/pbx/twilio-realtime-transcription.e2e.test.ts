import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findCallByProvider } from '../calls/calls.repository.ts';
import { bestTranscript, listTranscriptFacts } from '../calls/transcript.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { startTwilioCloud, type TwilioCloud } from '../simulator/twilio-cloud.server.ts';
import { speechSettingsSchema } from '../speech/speech.settings.ts';
import type { TranscriptSegment } from '../speech/speech-engine.ts';
import { startHarness, type Harness } from '../../test/helpers/engine-harness.ts';
import { twilioRealtimeTranscriptionPath } from './twilio-realtime-transcription.routes.ts';

// Synthetic callers and words only.
const clinic = generateSyntheticClinic();
const known = sandboxPhoneScenarios(clinic).uniquePatient[3]!;
const knownPatient = clinic.patients.find((patient) => patient.id === known.patientId)!;
const keypad = (iso: string) => `${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(0, 4)}`;
const accountSid = `AC${'1'.repeat(32)}`;
const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;
const newTranscriptionSid = () => `GT${randomBytes(16).toString('hex')}`;

let ehr: SandboxEhr;
let harness: Harness;
let cloud: TwilioCloud;
const shownLive: Array<{ callSid: string; source: string; segment: TranscriptSegment }> = [];

beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', {
    ehr,
    config: { speech: speechSettingsSchema.parse({ twilioRealtime: { enabled: true, partialResults: true } }) },
    engine: { onLiveTranscriptSegment: async (input) => void shownLive.push(input) },
  });
  cloud = await startTwilioCloud({ accountSid, authToken: harness.twilioAuthToken });
});
afterAll(async () => {
  await cloud.close();
  await harness.close();
  await ehr.close();
});

async function postTwilio(pathAndQuery: string, params: Record<string, string>, options: { token?: string | null } = {}) {
  const url = `${harness.engine.url}${pathAndQuery}`;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.token !== null) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(options.token ?? harness.twilioAuthToken, url, params);
  const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  return { status: response.status, text: await response.text() };
}

const gatherStep = (twiml: string) => /<Gather[^>]*action="[^"]*step=([a-z-]+)"/.exec(twiml)?.[1] ?? null;

/** An inbound call through the IVR, answering transcribe consent as asked; returns the connect TwiML. */
async function callIn(callSid: string, transcribe: '1' | '2'): Promise<string> {
  const params = { CallSid: callSid, AccountSid: accountSid, From: known.phone, To: '+16175550100', Direction: 'inbound', CallStatus: 'ringing' };
  let twiml = (await postTwilio('/webhooks/twilio/voice', params)).text;
  const answers: Record<string, string> = { greeting: '', reason: '2', dob: keypad(knownPatient.birthDate!), 'consent-record': '1', 'consent-transcribe': transcribe, 'consent-ai': '1', 'consent-ehr': '1' };
  for (let step = gatherStep(twiml); step; step = gatherStep(twiml)) {
    twiml = (await postTwilio(`/webhooks/twilio/ivr?step=${step}`, { ...params, Digits: answers[step]! })).text;
  }
  cloud.observeTwiml(callSid, twiml);
  return twiml;
}

const contentParams = (callSid: string, transcriptionSid: string, sequenceId: number, data: string, final = 'true') => ({
  AccountSid: accountSid, CallSid: callSid, TranscriptionSid: transcriptionSid, TranscriptionEvent: 'transcription-content', SequenceId: String(sequenceId),
  Track: 'inbound_track', Final: final, LanguageCode: 'en-US', TranscriptionData: data,
});

describe('Twilio real-time transcription', () => {
  it('starts <Transcription> of the caller only with transcribe consent', async () => {
    const granted = await callIn(newCallSid(), '1');
    expect(granted).toMatch(/<Start><Transcription [^>]*statusCallbackUrl="[^"]*\/webhooks\/twilio\/realtime-transcription"/);
    expect(granted).toContain('track="inbound_track"');
    expect(granted).toContain('partialResults="true"');
    expect(granted).toContain('languageCode="en-US"');
    const declined = await callIn(newCallSid(), '2');
    expect(declined).not.toContain('<Transcription');
    expect(declined).not.toContain('<Stream');
  });

  it('stores finals once, shows partials live without storing them, and makes one judged transcript on stop', async () => {
    const callSid = newCallSid();
    await callIn(callSid, '1');
    const statuses = await cloud.sendRealtimeTranscription(callSid, [
      { text: 'Hi this is a synthetic caller about my lisinopril refill', confidence: 0.94 },
      { text: 'the pharmacy on Main Street has run out', confidence: 0.31 },
    ], { partials: true });
    expect(statuses.every((status) => status === 200)).toBe(true);

    const live = shownLive.filter((entry) => entry.callSid === callSid);
    expect(live.map((entry) => entry.segment.final)).toEqual([false, true, false, true]);
    expect(live[0]!.source).toBe('twilio-realtime');
    expect(live[3]!.segment).toMatchObject({ quality: 'low', qualityReasons: ['low-confidence'] });

    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    const staged = await harness.engine.db.query<{ sequence_id: number; assembled: boolean }>(
      'select sequence_id, assembled_at is not null and ciphertext is null as assembled from realtime_transcript_segment where call_id = $1 order by sequence_id', [call.id],
    );
    // Only the finals (sequences 2 and 4) were stored; partials (1 and 3) never were.
    expect(staged.rows.map((row) => [Number(row.sequence_id), row.assembled])).toEqual([[2, true], [4, true]]);
    const transcript = await bestTranscript(harness.engine.db, call.id, harness.engine.keyring);
    expect(transcript).toMatchObject({
      source: 'twilio-realtime', text: 'Hi this is a synthetic caller about my lisinopril refill the pharmacy on Main Street has run out', quality: 'low',
    });
    expect(transcript!.segments.map((segment) => segment.quality)).toEqual(['ok', 'low']);
    expect(transcript!.segments[1]!.words.every((word) => word.confidence === 0.31)).toBe(true);
    const assembled = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'transcript.realtime.assembled' && event.objectId === call.id);
    expect(assembled).toHaveLength(1);
    expect(JSON.stringify(assembled)).not.toContain('lisinopril');
    expect(harness.logs.text).not.toContain('lisinopril');
  });

  it('stores a retried final once, and a stop sent again makes no second transcript', async () => {
    const callSid = newCallSid();
    const sid = newTranscriptionSid();
    await callIn(callSid, '1');
    const data = JSON.stringify({ transcript: 'synthetic words said once', confidence: 0.9 });
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await postTwilio(twilioRealtimeTranscriptionPath, contentParams(callSid, sid, 1, data))).status).toBe(200);
    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    const { rows } = await harness.engine.db.query('select 1 from realtime_transcript_segment where call_id = $1', [call.id]);
    expect(rows).toHaveLength(1);
    const stop = { AccountSid: accountSid, CallSid: callSid, TranscriptionSid: sid, TranscriptionEvent: 'transcription-stopped' };
    expect((await postTwilio(twilioRealtimeTranscriptionPath, stop)).status).toBe(200);
    expect((await postTwilio(twilioRealtimeTranscriptionPath, stop)).status).toBe(200);
    // The call's end finds nothing left to assemble either.
    await postTwilio('/webhooks/twilio/status', { CallSid: callSid, AccountSid: accountSid, From: known.phone, To: '+16175550100', CallStatus: 'completed', CallDuration: '30' });
    const facts = (await listTranscriptFacts(harness.engine.db, call.id)).filter((fact) => fact.source === 'twilio-realtime');
    expect(facts).toEqual([expect.objectContaining({ quality: 'ok' })]);
  });

  it('makes the transcript when the call ends without a stop', async () => {
    const callSid = newCallSid();
    await callIn(callSid, '1');
    await cloud.sendRealtimeTranscription(callSid, [{ text: 'synthetic caller hung up before the stop', confidence: 0.88 }], { stop: false });
    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    expect(await listTranscriptFacts(harness.engine.db, call.id)).toEqual([]);
    await postTwilio('/webhooks/twilio/status', { CallSid: callSid, AccountSid: accountSid, From: known.phone, To: '+16175550100', CallStatus: 'completed', CallDuration: '20' });
    expect(await listTranscriptFacts(harness.engine.db, call.id)).toEqual([expect.objectContaining({ source: 'twilio-realtime', quality: 'ok' })]);
  });

  it('marks a transcription that ended in error as doubtful', async () => {
    const callSid = newCallSid();
    const sid = newTranscriptionSid();
    await callIn(callSid, '1');
    await postTwilio(twilioRealtimeTranscriptionPath, contentParams(callSid, sid, 1, JSON.stringify({ transcript: 'synthetic first half', confidence: 0.95 })));
    const error = { AccountSid: accountSid, CallSid: callSid, TranscriptionSid: sid, TranscriptionEvent: 'transcription-error', TranscriptionError: 'provider failure', TranscriptionErrorCode: '32655' };
    expect((await postTwilio(twilioRealtimeTranscriptionPath, error)).status).toBe(200);
    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    expect(await listTranscriptFacts(harness.engine.db, call.id)).toEqual([expect.objectContaining({ quality: 'low', qualityReasons: ['engine-failed'] })]);
  });

  it('stores nothing without transcribe consent and audits the discard', async () => {
    const callSid = newCallSid();
    await callIn(callSid, '2');
    const sid = newTranscriptionSid();
    expect((await postTwilio(twilioRealtimeTranscriptionPath, contentParams(callSid, sid, 1, JSON.stringify({ transcript: 'synthetic words nobody may keep', confidence: 0.9 })))).status).toBe(200);
    expect((await postTwilio(twilioRealtimeTranscriptionPath, { AccountSid: accountSid, CallSid: callSid, TranscriptionSid: sid, TranscriptionEvent: 'transcription-stopped' })).status).toBe(200);
    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    const { rows } = await harness.engine.db.query('select 1 from realtime_transcript_segment where call_id = $1 union all select 1 from transcript where call_id = $1', [call.id]);
    expect(rows).toHaveLength(0);
    expect(shownLive.filter((entry) => entry.callSid === callSid)).toHaveLength(0);
    const discarded = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'transcript.discarded' && event.objectId === call.id);
    expect(discarded[0]).toMatchObject({ reason: 'NO_TRANSCRIBE_CONSENT', consentStatus: 'transcribe:declined' });
  });

  it('refuses forged callbacks with 403 and malformed ones with 400, audited', async () => {
    const callSid = newCallSid();
    await callIn(callSid, '1');
    const sid = newTranscriptionSid();
    const good = contentParams(callSid, sid, 1, JSON.stringify({ transcript: 'synthetic', confidence: 0.9 }));
    expect((await postTwilio(twilioRealtimeTranscriptionPath, good, { token: 'not-the-auth-token' })).status).toBe(403);
    expect((await postTwilio(twilioRealtimeTranscriptionPath, good, { token: null })).status).toBe(403);
    const notJson = await postTwilio(twilioRealtimeTranscriptionPath, { ...good, TranscriptionData: '{not json' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.text).error).toMatchObject({ code: 'PAYLOAD_INVALID', issues: [{ path: 'TranscriptionData' }] });
    const badConfidence = await postTwilio(twilioRealtimeTranscriptionPath, { ...good, TranscriptionData: JSON.stringify({ transcript: 'x', confidence: 7 }) });
    expect(badConfidence.status).toBe(400);
    const { SequenceId: _dropped, ...noSequence } = good;
    const missing = await postTwilio(twilioRealtimeTranscriptionPath, noSequence);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('SequenceId');
    const badEvent = await postTwilio(twilioRealtimeTranscriptionPath, { ...good, TranscriptionEvent: 'transcription-exploded' });
    expect(badEvent.status).toBe(400);
    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    const { rows } = await harness.engine.db.query('select 1 from realtime_transcript_segment where call_id = $1', [call.id]);
    expect(rows).toHaveLength(0);
    const rejections = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'webhook.rejected');
    expect(rejections.map((event) => event.reason)).toEqual(expect.arrayContaining(['SIGNATURE_INVALID', 'SIGNATURE_MISSING', 'PAYLOAD_INVALID']));
  });
});
