/**
 * Self-scheduling links (SC-1), the pure part: the token, what the SMS says, which number it goes
 * to, and what a link's state lets a patient do. No I/O here (see ADR 0022 for the design).
 *
 * A link is `<publicBaseUrl>/book/<token>`: the token is 32 random bytes (256 bits) in base64url,
 * opaque (no id, no date, no name in it), and only its SHA-256 is stored, so a copy of the
 * database cannot be turned into working links.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ContactPoint } from '@medplum/fhirtypes';

/** Where a link stands, as the review screen shows it. */
export const BookingLinkStatus = {
  /** Created; the SMS is on its way or was accepted by Twilio. */
  sent: 'sent',
  /** Twilio refused or did not answer: nothing reached the patient. */
  sendFailed: 'send-failed',
  /** The patient opened the page (nothing shown yet but the birth-date question). */
  opened: 'opened',
  /** The patient confirmed their date of birth. */
  verified: 'verified',
  /** An appointment was booked from it. */
  booked: 'booked',
  /** Too many wrong dates of birth: the link no longer works. */
  locked: 'locked',
  /** Staff sent a newer link for the same call. */
  superseded: 'superseded',
} as const;
export type BookingLinkStatus = (typeof BookingLinkStatus)[keyof typeof BookingLinkStatus];

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** A new link token: 256 random bits, base64url (43 characters). */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a path segment can be a link token at all (anything else is "not found" without a lookup). */
export function isLinkTokenShape(value: string): boolean {
  return tokenPattern.test(value);
}

/** What is stored and looked up: the token's SHA-256 (hex). The token itself is never stored. */
export function linkTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The page's session after the birth-date check: a random cookie value, stored hashed like the token. */
export function newPageSession(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: linkTokenHash(value) };
}

/** A form's CSRF token: keyed to the link and the page session (or to the link alone before it). */
export function formToken(key: Uint8Array, linkId: string, session: string | null): string {
  return createHmac('sha256', key).update(`booking-form\u0000${linkId}\u0000${session ?? ''}`).digest('base64url');
}

export function formTokenMatches(key: Uint8Array, linkId: string, session: string | null, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(formToken(key, linkId, session));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The link as sent. */
export function bookingUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/book/${token}`;
}

/**
 * The SMS: fixed wording, the clinic's name and the link, nothing about the patient or the call
 * (a phone's lock screen shows it to whoever holds the phone).
 */
export function bookingSmsText(clinicName: string, url: string, validHours: number): string {
  return `${clinicName}: you can choose a time for your appointment here: ${url} (link valid ${validHours} hours)`;
}

/**
 * The chart's mobile number for the SMS: a phone or SMS contact point marked mobile (or an SMS
 * one), in use (no ended period), lowest rank first. Never typed by staff.
 */
export function mobileNumberOf(telecom: readonly ContactPoint[], now: Date = new Date()): string | null {
  const usable = telecom.filter((contact) =>
    typeof contact.value === 'string' && contact.value.trim() !== ''
    && (contact.system === 'sms' || (contact.system === 'phone' && contact.use === 'mobile'))
    && contact.use !== 'old'
    && !(contact.period?.end && Date.parse(contact.period.end) < now.getTime()));
  usable.sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER));
  return usable[0]?.value?.trim() ?? null;
}

/** A number as staff may see it: the last two digits only. */
export function maskedNumber(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `••• ••• ••${digits.slice(-2)}`;
}

export interface BookingLinkState {
  status: BookingLinkStatus;
  expiresAt: Date;
  appointmentId: string | null;
}

/** What the page can do with a link now. A booked link stays viewable (to see the booking) until it expires. */
export type LinkAvailability = 'usable' | 'booked' | 'expired' | 'locked' | 'superseded' | 'not-sent';

export function linkAvailability(link: BookingLinkState, now: Date): LinkAvailability {
  if (link.status === BookingLinkStatus.superseded) return 'superseded';
  if (link.status === BookingLinkStatus.locked) return 'locked';
  if (link.status === BookingLinkStatus.sendFailed) return 'not-sent';
  if (link.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (link.status === BookingLinkStatus.booked || link.appointmentId) return 'booked';
  return 'usable';
}

/** Whether a date of birth the patient typed is the chart's (YYYY-MM-DD, exact). */
export function birthDateMatches(typed: string, chart: string | null): boolean {
  if (!chart || !/^\d{4}-\d{2}-\d{2}$/.test(typed)) return false;
  return typed === chart;
}
