import type { ContactPoint } from '@medplum/fhirtypes';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { consentScopes, type ConsentScope, type IvrProfile } from '../ivr/ivr-settings.schema.ts';
import type { PolicyLayer } from '../consent/queue-policy.schema.ts';

/**
 * The pure core of an outbound call (issue 16, FU-1/FU-2; ADR 0021): which of the chart's numbers
 * to dial, which consents the queue needs asked, where the answered call is connected, how
 * Twilio's call progress moves the call (and which callbacks are stale), and what attempt the call
 * came to on its callback task. No I/O here.
 */

/** An outbound call's states: ours before Twilio has it, then Twilio's CallStatus values. */
export const outboundCallStatuses = [
  'placing', 'queued', 'initiated', 'ringing', 'in-progress', 'completed', 'no-answer', 'busy', 'failed', 'canceled',
  /** Twilio refused it or was unavailable: no call exists. */
  'not-placed',
  /** Twilio did not answer the create: a call may exist; its status callbacks, if any, will say. */
  'place-unknown',
] as const;
export type OutboundCallStatus = (typeof outboundCallStatuses)[number];

/** While a call is in one of these, pressing "Call" again places nothing (one active call per task). */
export const activeOutboundStatuses = ['placing', 'queued', 'initiated', 'ringing', 'in-progress'] as const satisfies readonly OutboundCallStatus[];

/** Twilio's final CallStatus values. */
export const finalTwilioStatuses = ['completed', 'no-answer', 'busy', 'failed', 'canceled'] as const satisfies readonly OutboundCallStatus[];
export type FinalTwilioStatus = (typeof finalTwilioStatuses)[number];

export function isFinalStatus(status: string): status is FinalTwilioStatus {
  return (finalTwilioStatuses as readonly string[]).includes(status);
}

/** How far along a call is: a status callback never moves a call back. */
const progressRank: Record<OutboundCallStatus, number> = {
  placing: 0, 'not-placed': 0, 'place-unknown': 0, queued: 1, initiated: 2, ringing: 3, 'in-progress': 4,
  completed: 5, 'no-answer': 5, busy: 5, failed: 5, canceled: 5,
};

/**
 * Whether a status callback changes the call: Twilio retries and may deliver out of order, so a
 * callback older (by SequenceNumber) than the last applied one, or one that would move the call
 * back (ringing after completed), or a second final status, changes nothing.
 */
export function statusAdvances(current: { status: OutboundCallStatus; lastSequence: number | null }, next: { status: OutboundCallStatus; sequence: number | null }): boolean {
  if (next.sequence !== null && current.lastSequence !== null && next.sequence <= current.lastSequence) return false;
  if (isFinalStatus(current.status)) return false;
  return progressRank[next.status] > progressRank[current.status];
}

/** Attempt outcomes a callback task logs (src/callbacks/). */
export type AttemptOutcome = 'answered' | 'voicemail-left' | 'no-answer' | 'wrong-number' | 'declined';

/**
 * The attempt a finished call comes to (ADR 0021): nobody picked up or the line was busy → no
 * answer; Twilio could not connect it (`failed`) → no answer as well (a carrier fault is not
 * proof the number is wrong: a person marks a wrong number); a machine answered and heard our
 * message → voicemail left; a person answered → answered. A call we cancelled is no attempt.
 */
export function attemptOutcomeFor(finalStatus: FinalTwilioStatus, answeredBy: string | null): AttemptOutcome | null {
  switch (finalStatus) {
    case 'no-answer':
    case 'busy':
    case 'failed':
      return 'no-answer';
    case 'canceled':
      return null;
    case 'completed':
      return answeredBy && isMachine(answeredBy) ? 'voicemail-left' : 'answered';
  }
}

/** Twilio's AnsweredBy: `human`, `machine_start`, `machine_end_beep`, `fax`, `unknown`, … */
export function isMachine(answeredBy: string): boolean {
  return answeredBy.startsWith('machine') || answeredBy === 'fax';
}

export type PatientPhone = { ok: true; e164: string; use: string } | { ok: false; reason: 'no-phone' | 'no-valid-phone' };

const usePreference: Record<string, number> = { mobile: 0, home: 1, work: 3, temp: 4 };

/**
 * The number to call from the chart's Patient.telecom: phones only, not `old`, not ended; mobile
 * first (it reaches the person), then home, then one with no use given, then work; within a use,
 * the lower rank. A number libphonenumber cannot make valid E.164 of is skipped.
 */
export function pickPatientPhone(telecom: readonly ContactPoint[] | undefined, region: CountryCode, now: Date): PatientPhone {
  const phones = (telecom ?? []).filter((point) => point.system === 'phone' && point.value && point.use !== 'old' && !(point.period?.end && Date.parse(point.period.end) < now.getTime()));
  if (phones.length === 0) return { ok: false, reason: 'no-phone' };
  const ordered = phones
    .map((point, index) => ({ point, index }))
    .sort((a, b) => (usePreference[a.point.use ?? ''] ?? 2) - (usePreference[b.point.use ?? ''] ?? 2) || (a.point.rank ?? 1_000) - (b.point.rank ?? 1_000) || a.index - b.index);
  for (const { point } of ordered) {
    const parsed = parsePhoneNumberFromString(point.value!, region);
    if (parsed?.isValid()) return { ok: true, e164: parsed.number, use: point.use ?? 'unspecified' };
  }
  return { ok: false, reason: 'no-valid-phone' };
}

/**
 * The consents to ask a patient who answers, for the queue the task is in: only what the queue
 * needs (PX-1). Recording and transcription only where the queue allows transcripts, and then as
 * the IVR would ask them (all-party states always; one-party states when the profile asks); AI
 * only where the queue allows AI and the profile asks it; the chart consent as the profile asks.
 */
export function consentScopesToAsk(profile: Pick<IvrProfile, 'askConsent' | 'jurisdiction'>, layers: readonly PolicyLayer[]): ConsentScope[] {
  const transcription = !layers.some((layer) => layer.transcription === false);
  const ai = !layers.some((layer) => layer.ai === false);
  const asked = new Set(profile.askConsent);
  return consentScopes.filter((scope) => {
    if (scope === 'record' || scope === 'transcribe') return transcription && (profile.jurisdiction === 'two-party' || asked.has(scope));
    if (scope === 'ai') return ai && asked.has('ai');
    return asked.has(scope);
  });
}

/** Where the answered call goes: the person who pressed "Call". */
export type AgentTarget = { kind: 'phone'; target: string } | { kind: 'agent'; target: string };

/**
 * The staff member's phone from the staff directory (their first extension that is an E.164
 * number), else their Twilio Client identity (`client:<id>` extensions name one; otherwise their
 * staff id, as the staff app's softphone registers it).
 */
export function agentTargetFor(staff: { sub: string; extensions: readonly string[] }): AgentTarget {
  const phone = staff.extensions.find((extension) => /^\+[1-9]\d{6,14}$/.test(extension));
  if (phone) return { kind: 'phone', target: phone };
  const client = staff.extensions.find((extension) => /^client:[A-Za-z0-9_.-]{1,120}$/.test(extension));
  return { kind: 'agent', target: client ? client.slice('client:'.length) : staff.sub };
}

/** What the patient hears (no PHI: the clinic's name and number, never the patient's name or the reason). */
export function outboundPhrases(clinic: { name: string; number: string }) {
  const spoken = clinic.number.replace(/^\+1(?=\d{10}$)/, '').split('').join(' ');
  return {
    greeting: `Hello, this is ${clinic.name} returning your call. This call may be recorded and transcribed to help your care team.`,
    voicemail: `Hello, this is ${clinic.name} returning your call. Please call us back at ${spoken}. Thank you.`,
    connecting: 'Thank you. Connecting you with a member of our care team now.',
  };
}
