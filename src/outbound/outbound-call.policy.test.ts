import { describe, expect, it } from 'vitest';
import { ivrProfileSchema } from '../ivr/ivr-settings.schema.ts';
import { agentTargetFor, attemptOutcomeFor, consentScopesToAsk, outboundPhrases, pickPatientPhone, statusAdvances } from './outbound-call.policy.ts';

const now = new Date('2026-12-07T18:00:00Z');

describe("the number to call, from the chart's Patient.telecom", () => {
  it('prefers mobile over home over work, whatever the ranks, and the lower rank within a use', () => {
    const telecom = [
      { system: 'phone' as const, value: '+16175550101', use: 'work' as const, rank: 1 },
      { system: 'phone' as const, value: '+16175550102', use: 'home' as const, rank: 1 },
      { system: 'phone' as const, value: '+16175550104', use: 'mobile' as const, rank: 4 },
      { system: 'phone' as const, value: '+16175550103', use: 'mobile' as const, rank: 3 },
    ];
    expect(pickPatientPhone(telecom, 'US', now)).toEqual({ ok: true, e164: '+16175550103', use: 'mobile' });
    expect(pickPatientPhone(telecom.slice(0, 2), 'US', now)).toEqual({ ok: true, e164: '+16175550102', use: 'home' });
  });

  it('skips emails, old and ended numbers, and numbers that are not valid; reads national formats in the clinic region', () => {
    const telecom = [
      { system: 'email' as const, value: 'someone@example.org' },
      { system: 'phone' as const, value: '+16175550105', use: 'mobile' as const, period: { end: '2025-01-01' } },
      { system: 'phone' as const, value: '+16175550106', use: 'old' as const },
      { system: 'phone' as const, value: '12', use: 'mobile' as const },
      { system: 'phone' as const, value: '(617) 555-0107', use: 'home' as const },
    ];
    expect(pickPatientPhone(telecom, 'US', now)).toEqual({ ok: true, e164: '+16175550107', use: 'home' });
  });

  it('says why there is nothing to call', () => {
    expect(pickPatientPhone(undefined, 'US', now)).toEqual({ ok: false, reason: 'no-phone' });
    expect(pickPatientPhone([{ system: 'email', value: 'x@example.org' }], 'US', now)).toEqual({ ok: false, reason: 'no-phone' });
    expect(pickPatientPhone([{ system: 'phone', value: '555' }], 'US', now)).toEqual({ ok: false, reason: 'no-valid-phone' });
  });
});

describe("Twilio's call progress", () => {
  it('moves forward only: a stale SequenceNumber, an earlier state or a second final status changes nothing', () => {
    expect(statusAdvances({ status: 'queued', lastSequence: null }, { status: 'ringing', sequence: 1 })).toBe(true);
    expect(statusAdvances({ status: 'ringing', lastSequence: 1 }, { status: 'initiated', sequence: 0 })).toBe(false);
    expect(statusAdvances({ status: 'ringing', lastSequence: 3 }, { status: 'completed', sequence: 2 })).toBe(false);
    expect(statusAdvances({ status: 'in-progress', lastSequence: null }, { status: 'ringing', sequence: null })).toBe(false);
    expect(statusAdvances({ status: 'no-answer', lastSequence: 2 }, { status: 'busy', sequence: 3 })).toBe(false);
    expect(statusAdvances({ status: 'no-answer', lastSequence: 2 }, { status: 'no-answer', sequence: 2 })).toBe(false);
    // A callback that overtook the create's answer still applies (the row is still `placing`).
    expect(statusAdvances({ status: 'placing', lastSequence: null }, { status: 'initiated', sequence: 0 })).toBe(true);
  });

  it('comes to one attempt: no answer, busy and failed are no-answer; a machine is a voicemail left; a person is answered', () => {
    expect(attemptOutcomeFor('no-answer', null)).toBe('no-answer');
    expect(attemptOutcomeFor('busy', null)).toBe('no-answer');
    expect(attemptOutcomeFor('failed', null)).toBe('no-answer');
    expect(attemptOutcomeFor('completed', 'machine_start')).toBe('voicemail-left');
    expect(attemptOutcomeFor('completed', 'fax')).toBe('voicemail-left');
    expect(attemptOutcomeFor('completed', 'human')).toBe('answered');
    expect(attemptOutcomeFor('completed', null)).toBe('answered');
    expect(attemptOutcomeFor('canceled', null)).toBeNull();
  });
});

describe('the consents an answered outbound call asks', () => {
  const twoParty = ivrProfileSchema.parse({});
  it('asks what the queue needs: no recording or transcription questions where the queue keeps no transcripts, no AI question where AI is off', () => {
    expect(consentScopesToAsk(twoParty, [{}])).toEqual(['record', 'transcribe', 'ai', 'ehr']);
    expect(consentScopesToAsk(twoParty, [{}, { transcription: false }])).toEqual(['ai', 'ehr']);
    expect(consentScopesToAsk(twoParty, [{ ai: false }])).toEqual(['record', 'transcribe', 'ehr']);
  });
  it('in a one-party state asks only what the profile asks (the notice covers recording)', () => {
    expect(consentScopesToAsk(ivrProfileSchema.parse({ jurisdiction: 'one-party' }), [{}])).toEqual(['ai', 'ehr']);
  });
});

describe('where the answered call is connected', () => {
  it("dials the person's phone from the staff directory, else their Twilio Client identity", () => {
    expect(agentTargetFor({ sub: 'u-1', extensions: ['204', '+16175550188'] })).toEqual({ kind: 'phone', target: '+16175550188' });
    expect(agentTargetFor({ sub: 'u-1', extensions: ['client:nurse-desk-2'] })).toEqual({ kind: 'agent', target: 'nurse-desk-2' });
    expect(agentTargetFor({ sub: 'u-1', extensions: ['204'] })).toEqual({ kind: 'agent', target: 'u-1' });
  });
});

it("the patient hears the clinic's name and number, nothing about themselves", () => {
  const phrases = outboundPhrases({ name: 'Harbor Family Clinic', number: '+16175550100' });
  expect(phrases.voicemail).toBe('Hello, this is Harbor Family Clinic returning your call. Please call us back at 6 1 7 5 5 5 0 1 0 0. Thank you.');
});
