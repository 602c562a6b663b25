import { randomBytes } from 'node:crypto';
import type { OpeningHours } from '../routing/routing-rules.schema.ts';
import { isOpen } from '../routing/clinic-calendar.ts';
import type { CallchartConfig } from '../config/config.schema.ts';

/**
 * Who is told about an after-hours call that needs a clinician, and what they are told (issue 16,
 * AH-1). Pure: the clinic calendar, the roster and the item's codes in, a decision out. The
 * notification carries fixed wording and an opaque link, nothing else: no name, number, request
 * type, red flag or transcript word can reach it, because nothing of the call is an input to it.
 */
export type OnCallRoster = CallchartConfig['onCall']['roster'];
export type OnCallEntry = OnCallRoster[number];
export type OnCallChannel = 'sms' | 'webhook';

/** The review item as the decision sees it: codes only. */
export interface ItemForOnCall {
  status: string;
  requestType: string;
  redFlags: readonly string[];
  priority: string;
}

/** Whether a pending item needs a clinician: a clinical request type, or any red flag (invariant 8). */
export function needsClinician(item: ItemForOnCall, clinicalRequestTypes: readonly string[]): boolean {
  if (item.status !== 'pending') return false;
  return item.redFlags.length > 0 || item.priority === 'stat' || clinicalRequestTypes.includes(item.requestType);
}

/** The clinicians covering at `at`: `always` entries, and `after-hours` entries when the clinic is closed. */
export function coveringAt(roster: OnCallRoster, hours: OpeningHours, timeZone: string, at: Date): OnCallEntry[] {
  const closed = !isOpen(hours, timeZone, at).open;
  return roster.filter((entry) => entry.covers === 'always' || closed);
}

/**
 * Whom to notify for an item, or why nobody: the first covering clinician (the roster lists the
 * primary first). An item that does not need a clinician, or a call in open hours with nobody on
 * `always` cover, gets no notice.
 */
export function onCallDecision(input: {
  item: ItemForOnCall;
  callAt: Date;
  roster: OnCallRoster;
  hours: OpeningHours;
  timeZone: string;
  clinicalRequestTypes: readonly string[];
}): { notify: OnCallEntry } | { notify: null; reason: 'not-clinical' | 'nobody-covering' } {
  if (!needsClinician(input.item, input.clinicalRequestTypes)) return { notify: null, reason: 'not-clinical' };
  const [first] = coveringAt(input.roster, input.hours, input.timeZone, input.callAt);
  return first ? { notify: first } : { notify: null, reason: 'nobody-covering' };
}

export function channelOf(entry: OnCallEntry): OnCallChannel {
  return 'sms' in entry.notify ? 'sms' : 'webhook';
}

/** An opaque link id: 128 random bits, URL-safe; it says nothing about the call or the patient. */
export function newNoticeId(): string {
  return randomBytes(16).toString('base64url');
}

/** The link a notice carries. */
export function noticeLink(baseUrl: string, noticeId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/on-call/${noticeId}`;
}

/**
 * The SMS text: fixed wording, the clinic's display name (configuration, not patient data) and the
 * link. Deliberately no parameter for anything about the call.
 */
export function noticeText(clinicName: string, link: string): string {
  return `${clinicName}: an after-hours call needs a clinician. Sign in to view: ${link}`;
}

/** The push webhook body: the same, as JSON (ids and fixed words only). */
export function noticePayload(clinicName: string, link: string, noticeId: string): { type: 'on-call.notice'; id: string; clinic: string; text: string; url: string } {
  return { type: 'on-call.notice', id: noticeId, clinic: clinicName, text: noticeText(clinicName, link), url: link };
}

/** Backoff before the next try of a notice Twilio or the webhook could not take: 15 s doubling, at most 10 min. */
export function noticeBackoffMs(attempts: number): number {
  return Math.min(15_000 * 2 ** Math.max(0, attempts - 1), 600_000);
}

/** Tries before a notice is marked failed (the review item is still in the queue; the failure is audited). */
export const maxNoticeAttempts = 8;
