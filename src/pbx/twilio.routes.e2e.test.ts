import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findCallByProvider, listConsents, latestTranscript } from '../calls/calls.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { startHarness, type Harness } from '../../test/helpers/engine-harness.ts';

const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const known = scenarios.uniquePatient[5]!;
const knownPatient = clinic.patients.find((patient) => patient.id === known.patientId)!;
const keypad = (iso: string) => `${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(0, 4)}`;
const accountSid = `AC${'0'.repeat(32)}`;
const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;

let ehr: SandboxEhr;
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', { ehr });
});
afterAll(async () => {
  await harness.close();
  await ehr.close();
});

/** Posts a Twilio-shaped form body, signed with the twilio SDK over the URL it is sent to. */
async function postTwilio(pathAndQuery: string, params: Record<string, string>, options: { token?: string | null } = {}) {
  const url = `${harness.engine.url}${pathAndQuery}`;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.token !== null) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(options.token ?? harness.twilioAuthToken, url, params);
  const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The step the TwiML's Gather posts back to, or null when the call is being connected. */
function gatherStep(twiml: string): string | null {
  const match = /<Gather[^>]*action="[^"]*step=([a-z-]+)"/.exec(twiml);
  return match ? match[1]! : null;
}

function callParams(callSid: string, from: string) {
  return { CallSid: callSid, AccountSid: accountSid, From: from, To: '+16175550100', Direction: 'inbound', CallStatus: 'ringing' };
}

describe('Twilio Voice', () => {
  it('refuses unsigned and forged requests with 403 and audits them', async () => {
    const params = callParams(newCallSid(), known.phone);
    const unsigned = await postTwilio('/webhooks/twilio/voice', params, { token: null });
    expect(unsigned.status).toBe(403);
    const forged = await postTwilio('/webhooks/twilio/voice', params, { token: 'not-the-auth-token' });
    expect(forged.status).toBe(403);
    const rejections = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'webhook.rejected');
    expect(rejections.map((event) => event.reason)).toEqual(expect.arrayContaining(['SIGNATURE_MISSING', 'SIGNATURE_INVALID']));
    expect(await findCallByProvider(harness.engine.db, 'twilio', params.CallSid)).toBeNull();
  });

  it('walks the IVR: disclosure, consents, reason, date of birth, then connects a verified caller', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, known.phone);
    const incoming = await postTwilio('/webhooks/twilio/voice', params);
    expect(incoming.status).toBe(200);
    expect(incoming.type).toContain('text/xml');
    expect(incoming.text).toContain('may be recorded and transcribed');
    // Two-party consent is the default: recording is asked first.
    expect(gatherStep(incoming.text)).toBe('consent-record');

    const answers: [string, string][] = [
      ['consent-record', '1'], ['consent-transcribe', '1'], ['consent-ai', '2'], ['consent-ehr', '1'], ['reason', '2'],
    ];
    let twiml = incoming.text;
    for (const [step, digits] of answers) {
      expect(gatherStep(twiml)).toBe(step);
      twiml = (await postTwilio(`/webhooks/twilio/ivr?step=${step}`, { ...params, Digits: digits })).text;
    }
    expect(gatherStep(twiml)).toBe('dob');
    expect(twiml).toContain('date of birth');
    const connected = await postTwilio('/webhooks/twilio/ivr?step=dob', { ...params, Digits: keypad(knownPatient.birthDate!) });
    expect(gatherStep(connected.text)).toBeNull();
    expect(connected.text).toMatch(/<Enqueue>|<Dial>/);

    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    expect(call.callerMatch?.confidence).toBe('ani-dob-verified');
    expect(call.ivrReason).toBe('refill');
    expect(call.routing?.destinationId).toBeTruthy();
    const consents = await listConsents(harness.engine.db, call.id);
    expect(Object.fromEntries(Object.entries(consents).map(([scope, consent]) => [scope, consent.status]))).toEqual({
      record: 'granted', transcribe: 'granted', ai: 'declined', ehr: 'granted',
    });
    expect(consents.record!.source).toBe('ivr');
    // The keyed date of birth is kept nowhere: not in the event log, not in the IVR state.
    const { rows } = await harness.engine.db.query(`select envelope::text as e from call_event where call_id = $1`, [call.id]);
    expect(JSON.stringify(rows)).not.toContain(keypad(knownPatient.birthDate!));
    expect(harness.logs.text).not.toContain(keypad(knownPatient.birthDate!));
  });

  it('repeats a question once after no answer or a wrong key, then hands the caller to a person', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, known.phone);
    await postTwilio('/webhooks/twilio/voice', params);
    const again = await postTwilio('/webhooks/twilio/ivr?step=consent-record', { ...params, Digits: '' });
    expect(again.text).toContain("didn't get that");
    expect(gatherStep(again.text)).toBe('consent-record');
    const human = await postTwilio('/webhooks/twilio/ivr?step=consent-record', { ...params, Digits: '7' });
    expect(gatherStep(human.text)).toBeNull();
    expect(human.text).toContain('connect you with a member of our staff');
    expect(human.text).toMatch(/<Enqueue>|<Dial>/);
    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    expect((await listConsents(harness.engine.db, call.id)).record).toBeUndefined();
  });

  it('sends an urgent caller straight to a person with emergency advice', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, scenarios.unknown[2]!);
    let twiml = (await postTwilio('/webhooks/twilio/voice', params)).text;
    for (const step of ['consent-record', 'consent-transcribe', 'consent-ai', 'consent-ehr']) {
      expect(gatherStep(twiml)).toBe(step);
      twiml = (await postTwilio(`/webhooks/twilio/ivr?step=${step}`, { ...params, Digits: '1' })).text;
    }
    expect(gatherStep(twiml)).toBe('reason');
    const urgent = await postTwilio('/webhooks/twilio/ivr?step=reason', { ...params, Digits: '5' });
    expect(urgent.text).toContain('dial 911');
    expect(gatherStep(urgent.text)).toBeNull();
    expect((await findCallByProvider(harness.engine.db, 'twilio', callSid))!.urgent).toBe(true);
  });

  it('answers a replayed keypad callback from the stored state without applying it twice', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, known.phone);
    await postTwilio('/webhooks/twilio/voice', params);
    const first = await postTwilio('/webhooks/twilio/ivr?step=consent-record', { ...params, Digits: '1' });
    const replay = await postTwilio('/webhooks/twilio/ivr?step=consent-record', { ...params, Digits: '2' });
    expect(gatherStep(first.text)).toBe('consent-transcribe');
    expect(gatherStep(replay.text)).toBe('consent-transcribe');
    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    expect((await listConsents(harness.engine.db, call.id)).record?.status).toBe('granted');
  });

  it('maps status callbacks onto the call, accepts one for a call it never saw, and ignores duplicates', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, known.phone);
    // Twilio stamps each callback (RFC 2822); the completed one arrives first, before any other webhook of this call.
    const answeredAt = new Date(Date.now() - 80_000).toUTCString();
    const endedAt = new Date(Date.now() - 5_000).toUTCString();
    expect((await postTwilio('/webhooks/twilio/status', { ...params, CallStatus: 'completed', CallDuration: '73', Timestamp: endedAt })).status).toBe(200);
    expect((await postTwilio('/webhooks/twilio/status', { ...params, CallStatus: 'in-progress', Timestamp: answeredAt })).status).toBe(200);
    expect((await postTwilio('/webhooks/twilio/status', { ...params, CallStatus: 'completed', CallDuration: '73', Timestamp: endedAt })).status).toBe(200);
    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    expect(call.status).toBe('ended');
    const { rows } = await harness.engine.db.query<{ n: string }>('select count(*)::text as n from call_event where call_id = $1', [call.id]);
    expect(Number(rows[0]!.n)).toBe(2);
  });

  it('refuses a signed but malformed callback with 400 naming the field', async () => {
    const response = await postTwilio('/webhooks/twilio/status', { CallSid: 'not-a-sid', AccountSid: accountSid, CallStatus: 'completed' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('CallSid');
  });

  it('drops a transcription without transcribe consent and keeps one with it', async () => {
    const declined = newCallSid();
    const declinedParams = callParams(declined, known.phone);
    await postTwilio('/webhooks/twilio/voice', declinedParams);
    await postTwilio('/webhooks/twilio/ivr?step=consent-record', { ...declinedParams, Digits: '1' });
    await postTwilio('/webhooks/twilio/ivr?step=consent-transcribe', { ...declinedParams, Digits: '2' });
    const transcription = (sid: string) => ({ CallSid: sid, AccountSid: accountSid, TranscriptionSid: `TR${randomBytes(16).toString('hex')}`, TranscriptionStatus: 'completed', TranscriptionText: 'Synthetic voicemail: please call me back about my refill.' });
    await postTwilio('/webhooks/twilio/transcription', transcription(declined));
    const declinedCall = (await findCallByProvider(harness.engine.db, 'twilio', declined))!;
    expect(await latestTranscript(harness.engine.db, declinedCall.id, { keyId: '', encrypt: () => Buffer.alloc(0), decrypt: () => 'unexpected', sealFor: async () => ({ sealed: Buffer.alloc(0), keyId: '' }), open: async () => 'unexpected' })).toBeNull();
    const audit = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'transcript.discarded' && event.objectId === declinedCall.id);
    expect(audit[0]?.consentStatus).toBe('transcribe:declined');

    const granted = newCallSid();
    const grantedParams = callParams(granted, known.phone);
    await postTwilio('/webhooks/twilio/voice', grantedParams);
    await postTwilio('/webhooks/twilio/ivr?step=consent-record', { ...grantedParams, Digits: '1' });
    await postTwilio('/webhooks/twilio/ivr?step=consent-transcribe', { ...grantedParams, Digits: '1' });
    await postTwilio('/webhooks/twilio/transcription', transcription(granted));
    const grantedCall = (await findCallByProvider(harness.engine.db, 'twilio', granted))!;
    const { rows } = await harness.engine.db.query('select 1 from transcript where call_id = $1', [grantedCall.id]);
    expect(rows).toHaveLength(1);
  });

  it('hands a keypad answer for an unknown call to a person instead of a dead end', async () => {
    const params = callParams(newCallSid(), known.phone);
    const response = await postTwilio('/webhooks/twilio/ivr?step=reason', { ...params, Digits: '1' });
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/<Enqueue>|<Dial>/);
  });
});
