import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findCallByProvider, listConsents, latestTranscript } from '../calls/calls.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { startHarness, type Harness } from '../../test/helpers/engine-harness.ts';
import { ivrSettingsSchema } from '../ivr/ivr-settings.schema.ts';
import { decideRoute } from '../routing/route-call.ts';

const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const known = scenarios.uniquePatient[5]!;
const shared = scenarios.sharedFamily[0]!;
const knownPatient = clinic.patients.find((patient) => patient.id === known.patientId)!;
const keypad = (iso: string) => `${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(0, 4)}`;
const accountSid = `AC${'0'.repeat(32)}`;
/** Dialled numbers with their own IVR settings (synthetic). */
const mainLine = '+16175550100';
const combinedLine = '+16175550101';
const knownCallerLine = '+16175550102';
const onePartyLine = '+16175550103';
const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;

let ehr: SandboxEhr;
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', {
    ehr,
    config: {
      ivr: ivrSettingsSchema.parse({
        byNumber: {
          [combinedLine]: { consentQuestion: 'combined' },
          [knownCallerLine]: { dobStepUp: 'when-ambiguous' },
          [onePartyLine]: { jurisdiction: 'one-party' },
        },
      }),
    },
  });
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

/** The text of each <Say>, in order. */
function says(twiml: string): string[] {
  return [...twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((match) => match[1]!.replace(/&apos;/g, "'"));
}

function callParams(callSid: string, from: string, to = mainLine) {
  return { CallSid: callSid, AccountSid: accountSid, From: from, To: to, Direction: 'inbound', CallStatus: 'ringing' };
}

/** Answers the IVR's questions in order, checking each is the one expected; returns the last TwiML. */
async function walk(params: Record<string, string>, answers: [string, string][]): Promise<string> {
  let twiml = (await postTwilio('/webhooks/twilio/voice', params)).text;
  for (const [step, digits] of answers) {
    expect(gatherStep(twiml)).toBe(step);
    twiml = (await postTwilio(`/webhooks/twilio/ivr?step=${step}`, { ...params, Digits: digits })).text;
  }
  return twiml;
}

async function consentStatuses(callSid: string): Promise<Record<string, string>> {
  const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
  return Object.fromEntries(Object.entries(await listConsents(harness.engine.db, call.id)).map(([scope, consent]) => [scope, consent.status]));
}

describe('Twilio Voice', () => {
  it('refuses unsigned and forged requests with 403 and audits them', async () => {
    const params = callParams(newCallSid(), known.phone);
    const unsigned = await postTwilio('/webhooks/twilio/voice', params, { token: null });
    expect(unsigned.status).toBe(403);
    const forged = await postTwilio('/webhooks/twilio/voice', params, { token: 'not-the-auth-token' });
    expect(forged.status).toBe(403);
    const forgedAnswer = await postTwilio('/webhooks/twilio/ivr?step=greeting', { ...params, Digits: '1' }, { token: 'not-the-auth-token' });
    expect(forgedAnswer.status).toBe(403);
    const rejections = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'webhook.rejected');
    expect(rejections.map((event) => event.reason)).toEqual(expect.arrayContaining(['SIGNATURE_MISSING', 'SIGNATURE_INVALID']));
    expect(await findCallByProvider(harness.engine.db, 'twilio', params.CallSid)).toBeNull();
  });

  it('says the emergency message and offers the urgent key first, before any consent question', async () => {
    const incoming = await postTwilio('/webhooks/twilio/voice', callParams(newCallSid(), known.phone));
    expect(incoming.status).toBe(200);
    expect(incoming.type).toContain('text/xml');
    const spoken = says(incoming.text);
    expect(spoken[0]).toContain('If this is a medical emergency, hang up and dial 911.');
    expect(spoken[0]).toContain('If you have urgent symptoms, press 1 now.');
    expect(spoken[1]).toContain('may be recorded and transcribed');
    expect(gatherStep(incoming.text)).toBe('greeting');
    expect(incoming.text).not.toMatch(/May we|Press 1 for yes/);
  });

  it('walks the IVR: greeting, reason, date of birth, consents one at a time, then connects a verified caller', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, known.phone);
    // Caller ID alone never establishes identity (ID-2): on this line the date of birth is always asked.
    const twiml = await walk(params, [['greeting', ''], ['reason', '2']]);
    expect(gatherStep(twiml)).toBe('dob');
    expect(twiml).toContain('date of birth');
    let next = (await postTwilio('/webhooks/twilio/ivr?step=dob', { ...params, Digits: keypad(knownPatient.birthDate!) })).text;
    // Two-party consent is the default and this line asks one consent at a time: recording first.
    for (const [step, digits] of [['consent-record', '1'], ['consent-transcribe', '1'], ['consent-ai', '2'], ['consent-ehr', '1']] as const) {
      expect(gatherStep(next)).toBe(step);
      next = (await postTwilio(`/webhooks/twilio/ivr?step=${step}`, { ...params, Digits: digits })).text;
    }
    expect(gatherStep(next)).toBeNull();
    expect(next).toMatch(/<Enqueue>|<Dial>/);
    // Transcription was allowed: the stream starts as the call is connected.
    expect(next).toContain('<Stream');

    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    expect(call.callerMatch?.confidence).toBe('ani-dob-verified');
    expect(call.ivrReason).toBe('refill');
    expect(call.routing?.destinationId).toBeTruthy();
    expect(await consentStatuses(callSid)).toEqual({ record: 'granted', transcribe: 'granted', ai: 'declined', ehr: 'granted' });
    expect((await listConsents(harness.engine.db, call.id)).record!.source).toBe('ivr');
    // The keyed date of birth is kept nowhere: not in the event log, not in the IVR state.
    const { rows } = await harness.engine.db.query(`select envelope::text as e from call_event where call_id = $1`, [call.id]);
    expect(JSON.stringify(rows)).not.toContain(keypad(knownPatient.birthDate!));
    expect(harness.logs.text).not.toContain(keypad(knownPatient.birthDate!));
  });

  it('sends a caller who presses the urgent key straight to the urgent queue, with nothing recorded or streamed', async () => {
    for (const line of [mainLine, onePartyLine]) {
      const callSid = newCallSid();
      const params = callParams(callSid, scenarios.unknown[2]!, line);
      const urgent = await walk(params, [['greeting', '1']]);
      expect(gatherStep(urgent)).toBeNull();
      expect(urgent).toContain('dial 911');
      expect(urgent).toMatch(/<Enqueue>|<Dial>/);
      // Not asked is not given, even where the clinic's own consent would do once the notice is heard.
      expect(urgent).not.toContain('<Stream');
      expect(urgent).not.toContain('<Record');
      const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
      expect(call.urgent).toBe(true);
      expect(await consentStatuses(callSid)).toEqual({});
      const expected = decideRoute(harness.engine.routing.currentRules, {
        now: new Date(), dialledNumber: line, ivrReason: 'clinical', urgent: true, caller: { outcome: 'none' }, ehr: 'ok',
      });
      expect(call.routing?.destinationId, line).toBe(expected.destinationId);
      expect(call.routing?.ruleId, line).not.toBe('default');
      const transcription = { CallSid: callSid, AccountSid: accountSid, TranscriptionSid: `TR${randomBytes(16).toString('hex')}`, TranscriptionStatus: 'completed', TranscriptionText: 'Synthetic: chest pain since this morning.' };
      await postTwilio('/webhooks/twilio/transcription', transcription);
      const { rows } = await harness.engine.db.query('select 1 from transcript where call_id = $1', [call.id]);
      expect(rows).toHaveLength(0);
    }
  });

  it('asks every consent in one question where combined asking is allowed, and stores each kind', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, scenarios.unknown[3]!, combinedLine);
    // A refill (key 2): a person at any hour. An appointment call (key 1) goes to voicemail after
    // hours, which would make this test depend on the time it runs.
    const twiml = await walk(params, [['greeting', ''], ['reason', '2']]);
    expect(gatherStep(twiml)).toBe('consents');
    expect(says(twiml)).toEqual([
      'May we record this call, transcribe it for your care team, have an automated assistant summarize it for our staff to review and add a note about it to your medical record? Press 1 for yes, 2 for no, or 3 to answer one at a time.',
    ]);
    const connected = (await postTwilio('/webhooks/twilio/ivr?step=consents', { ...params, Digits: '1' })).text;
    expect(connected).toMatch(/<Enqueue>|<Dial>/);
    expect(await consentStatuses(callSid)).toEqual({ record: 'granted', transcribe: 'granted', ai: 'granted', ehr: 'granted' });
    const call = (await findCallByProvider(harness.engine.db, 'twilio', callSid))!;
    const { rows } = await harness.engine.db.query<{ n: string }>("select count(*)::text as n from call_event where call_id = $1 and type = 'consent.captured'", [call.id]);
    expect(Number(rows[0]!.n)).toBe(4);
    const planned = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).find((event) => event.action === 'ivr.consents.planned' && event.objectId === call.id);
    expect(planned?.detail).toMatchObject({ asked: ['record', 'transcribe', 'ai', 'ehr'], together: true });
  });

  it('asks only the consents the queue can use: no recording question where nothing is recorded', async () => {
    const original = harness.engine.policies.current.policy;
    await harness.engine.policies.activate({ ...original, defaults: { ...original.defaults, recording: false } }, { changedBy: 'test', reason: 'no queue records' });
    try {
      const callSid = newCallSid();
      const params = callParams(callSid, scenarios.unknown[4]!);
      const twiml = await walk(params, [['greeting', ''], ['reason', '2'], ['consent-transcribe', '1'], ['consent-ai', '1'], ['consent-ehr', '1']]);
      expect(twiml).toMatch(/<Enqueue>|<Dial>/);
      expect(await consentStatuses(callSid)).toEqual({ transcribe: 'granted', ai: 'granted', ehr: 'granted' });
    } finally {
      await harness.engine.policies.activate(original, { changedBy: 'test', reason: 'restore' });
    }
  });

  it('skips the date of birth for a known caller where the line allows it, and asks it on a shared number', async () => {
    const knownCall = callParams(newCallSid(), known.phone, knownCallerLine);
    const skipped = await walk(knownCall, [['greeting', ''], ['reason', '2']]);
    expect(gatherStep(skipped)).toBe('consent-record');
    const knownRecord = (await findCallByProvider(harness.engine.db, 'twilio', knownCall.CallSid))!;
    expect(knownRecord.callerMatch?.outcome).toBe('unique');

    const sharedCall = callParams(newCallSid(), shared.phone, knownCallerLine);
    const asked = await walk(sharedCall, [['greeting', ''], ['reason', '2']]);
    expect(gatherStep(asked)).toBe('dob');
  });

  it('repeats a question once after no answer or a wrong key, then hands the caller to a person', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, known.phone);
    await walk(params, [['greeting', '']]);
    const again = await postTwilio('/webhooks/twilio/ivr?step=reason', { ...params, Digits: '' });
    expect(again.text).toContain("didn't get that");
    expect(gatherStep(again.text)).toBe('reason');
    const human = await postTwilio('/webhooks/twilio/ivr?step=reason', { ...params, Digits: '7' });
    expect(gatherStep(human.text)).toBeNull();
    expect(human.text).toContain('connect you with a member of our staff');
    expect(human.text).toMatch(/<Enqueue>|<Dial>/);
    expect(await consentStatuses(callSid)).toEqual({});
  });

  it('answers a replayed keypad callback from the stored state without applying it twice', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, known.phone);
    await postTwilio('/webhooks/twilio/voice', params);
    const first = await postTwilio('/webhooks/twilio/ivr?step=greeting', { ...params, Digits: '' });
    // The same webhook again, now with the urgent key: the stored state answers, nothing changes.
    const replay = await postTwilio('/webhooks/twilio/ivr?step=greeting', { ...params, Digits: '1' });
    expect(gatherStep(first.text)).toBe('reason');
    expect(gatherStep(replay.text)).toBe('reason');
    expect((await findCallByProvider(harness.engine.db, 'twilio', callSid))!.urgent).toBe(false);
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
    await walk(declinedParams, [['greeting', ''], ['reason', '2'], ['dob', keypad(knownPatient.birthDate!)], ['consent-record', '1'], ['consent-transcribe', '2']]);
    const transcription = (sid: string) => ({ CallSid: sid, AccountSid: accountSid, TranscriptionSid: `TR${randomBytes(16).toString('hex')}`, TranscriptionStatus: 'completed', TranscriptionText: 'Synthetic voicemail: please call me back about my refill.' });
    await postTwilio('/webhooks/twilio/transcription', transcription(declined));
    const declinedCall = (await findCallByProvider(harness.engine.db, 'twilio', declined))!;
    expect(await latestTranscript(harness.engine.db, declinedCall.id, { keyId: '', encrypt: () => Buffer.alloc(0), decrypt: () => 'unexpected', sealFor: async () => ({ sealed: Buffer.alloc(0), keyId: '' }), open: async () => 'unexpected' })).toBeNull();
    const audit = (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === 'transcript.discarded' && event.objectId === declinedCall.id);
    expect(audit[0]?.consentStatus).toBe('transcribe:declined');

    const granted = newCallSid();
    const grantedParams = callParams(granted, known.phone);
    await walk(grantedParams, [['greeting', ''], ['reason', '2'], ['dob', keypad(knownPatient.birthDate!)], ['consent-record', '1'], ['consent-transcribe', '1']]);
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
