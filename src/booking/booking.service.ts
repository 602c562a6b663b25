/**
 * Self-scheduling (SC-1): staff send a link for an appointment request; the patient confirms their
 * date of birth, picks a free slot from the EHR and books it, exactly once. Every step is audited
 * with ids and codes only. The pages and the staff API are thin edges over this service.
 */
import { randomUUID } from 'node:crypto';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import { findCall, type CallRecord } from '../calls/calls.repository.ts';
import { CallchartError, isCallchartError } from '../lib/errors.ts';
import type { TwilioRest } from '../pbx/twilio-rest.client.ts';
import type { Db } from '../store/db.ts';
import {
  birthDateMatches, bookingSmsText, bookingUrl, BookingLinkStatus, linkAvailability, linkTokenHash, maskedNumber, newLinkToken, newPageSession,
  type LinkAvailability,
} from './booking-link.ts';
import {
  claimBooking, findLink, findLinkByTokenHash, findLiveLinkForCall, insertLink, lockLiveLinkForCall, markOpened, recordBooked, recordFailedBirthDate,
  recordSms, recordVerified, releaseBookingClaim, supersedeLink, type BookingLink,
} from './booking-link.repository.ts';
import type { BookingPatient, EhrScheduling, OfferedSlot } from './ehr-scheduling.client.ts';

/** The request type a link answers (src/nlp/analysis.types.ts). */
export const appointmentRequestType = 'appointment';

/** Whether a call can have a booking link: an appointment request, from a caller identified to one chart. */
export function bookingEligibility(call: Pick<CallRecord, 'requestType' | 'requestTypes' | 'callerMatch'>): { appointmentRequest: boolean; patientIdentified: boolean } {
  return {
    appointmentRequest: call.requestTypes.includes(appointmentRequestType) || call.requestType === appointmentRequestType,
    patientIdentified: call.callerMatch?.outcome === 'unique' && Boolean(call.callerMatch.candidates[0]?.patientId),
  };
}

export interface BookingSettings {
  clinicName: string;
  /** The clinic's number: the SMS's sender, and what the pages tell a patient to call. */
  clinicNumber: string | null;
  /** Where patients reach the engine (`/book/<token>`); absent: no link can be sent. */
  publicBaseUrl: string | null;
  linkHours: number;
  maxBirthDateChecks: number;
  /** How long after the birth-date check the page stays open without asking again. */
  sessionMinutes: number;
  /** How far ahead free slots are offered. */
  horizonDays: number;
}

export interface BookingServiceDeps {
  db: Db;
  scheduling: EhrScheduling;
  sms: Pick<TwilioRest, 'sendSms'> | null;
  settings: BookingSettings;
  clock: () => Date;
}

/** The link's status as the review screen shows it: codes, times and the Appointment id. */
export interface BookingLinkView {
  linkId: string;
  callId: string;
  status: BookingLinkStatus;
  createdAt: string;
  expiresAt: string;
  openedAt: string | null;
  bookedAt: string | null;
  appointmentId: string | null;
  sentBy: string;
}

export function linkView(link: BookingLink): BookingLinkView {
  return {
    linkId: link.id, callId: link.callId, status: link.status, createdAt: link.createdAt.toISOString(), expiresAt: link.expiresAt.toISOString(),
    openedAt: link.openedAt?.toISOString() ?? null, bookedAt: link.bookedAt?.toISOString() ?? null, appointmentId: link.appointmentId, sentBy: link.sentBy,
  };
}

/** A link as the page meets it: what it may do now, and (after the birth-date check) whether this browser holds the session. */
export interface PageLink {
  link: BookingLink;
  availability: LinkAvailability;
}

export type VerifyOutcome = { kind: 'verified'; sessionValue: string; sessionExpiresAt: Date } | { kind: 'wrong'; triesLeft: number } | { kind: 'locked' } | { kind: 'unavailable' };

export type BookOutcome =
  | { kind: 'booked'; appointmentId: string; slot: OfferedSlot | null }
  | { kind: 'slot-taken' }
  /** Another submit for this link is booking right now: show the booking once it lands. */
  | { kind: 'in-progress' };

export class BookingService {
  constructor(private readonly deps: BookingServiceDeps) {}

  /** The store (the pages audit refused forms through it). */
  get db(): Db {
    return this.deps.db;
  }

  get settings(): BookingSettings {
    return this.deps.settings;
  }

  now(): Date {
    return this.deps.clock();
  }

  /**
   * Send a booking link for a call by SMS to the chart's mobile number. The link row is durable
   * (and audited) before the SMS goes; sending again supersedes the previous link (its token
   * cannot be re-sent: only its hash is kept). Refuses with a reason (422) when the call is not an
   * appointment request or its caller is not identified to one chart, or the chart has no mobile.
   */
  async sendLink(call: CallRecord, actor: string): Promise<{ link: BookingLinkView; sentTo: string }> {
    const { settings } = this.deps;
    const eligible = bookingEligibility(call);
    if (!eligible.appointmentRequest) {
      throw new CallchartError('BOOKING_NOT_AN_APPOINTMENT_REQUEST', 'the call is not an appointment request', { id: call.id });
    }
    const patientId = call.callerMatch?.outcome === 'unique' ? call.callerMatch.candidates[0]?.patientId : undefined;
    if (!patientId) throw new CallchartError('BOOKING_PATIENT_NOT_IDENTIFIED', "the caller is not identified to one chart: link the call to the patient's chart first", { id: call.id });
    if (!this.deps.sms || !settings.clinicNumber || !settings.publicBaseUrl) {
      throw new CallchartError('BOOKING_NOT_CONFIGURED', 'booking links need twilio.accountSid, TWILIO_AUTH_TOKEN, twilio.clinicNumber and a public base URL', { id: call.id });
    }
    const patient = await this.deps.scheduling.patient(patientId);
    if (!patient.mobile) throw new CallchartError('BOOKING_NO_MOBILE_NUMBER', 'the chart has no mobile number to text', { id: call.id });

    const now = this.now();
    const token = newLinkToken();
    const linkId = randomUUID();
    const expiresAt = new Date(now.getTime() + settings.linkHours * 3_600_000);
    await this.deps.db.transaction(async (tx) => {
      const previous = await lockLiveLinkForCall(tx, call.id);
      if (previous?.appointmentId) throw new CallchartError('BOOKING_ALREADY_BOOKED', 'a link for this call already booked an appointment', { id: call.id, appointmentId: previous.appointmentId });
      if (previous) {
        await supersedeLink(tx, previous.id, now);
        await appendAuditEvent(tx, { actor, action: 'booking.link.superseded', objectType: 'booking-link', objectId: previous.id, outcome: 'success', detail: { callId: call.id } }, now);
      }
      await insertLink(tx, { id: linkId, tokenHash: linkTokenHash(token), callId: call.id, patientId, queue: call.queue, sentBy: actor, createdAt: now, expiresAt });
      await appendAuditEvent(tx, { actor, action: 'booking.link.created', objectType: 'booking-link', objectId: linkId, outcome: 'success', detail: { callId: call.id, patientId, expiresAt: expiresAt.toISOString() } }, now);
    });
    try {
      const sent = await this.deps.sms.sendSms({ to: patient.mobile, from: settings.clinicNumber, body: bookingSmsText(settings.clinicName, bookingUrl(settings.publicBaseUrl, token), settings.linkHours) });
      await recordSms(this.deps.db, linkId, { messageSid: sent.messageSid });
      await recordAuditEvent(this.deps.db, { actor, action: 'booking.link.sent', objectType: 'booking-link', objectId: linkId, outcome: 'success', detail: { callId: call.id, messageSid: sent.messageSid } });
    } catch (error) {
      await recordSms(this.deps.db, linkId, { failed: true });
      await recordAuditEvent(this.deps.db, { actor, action: 'booking.link.sent', objectType: 'booking-link', objectId: linkId, outcome: 'failure', reason: isCallchartError(error) ? error.code : 'INTERNAL', detail: { callId: call.id } });
      throw error;
    }
    const link = await findLink(this.deps.db, linkId);
    return { link: linkView(link!), sentTo: maskedNumber(patient.mobile) };
  }

  async linkForCall(callId: string): Promise<BookingLinkView | null> {
    const link = await findLiveLinkForCall(this.deps.db, callId);
    return link ? linkView(link) : null;
  }

  async findCall(callId: string): Promise<CallRecord | null> {
    return findCall(this.deps.db, callId);
  }

  /** The link a page request names, and what it may do now; null when no link has this token. */
  async pageLink(token: string): Promise<PageLink | null> {
    const link = await findLinkByTokenHash(this.deps.db, linkTokenHash(token));
    return link ? { link, availability: linkAvailability(link, this.now()) } : null;
  }

  /** The first open is recorded and audited (the review screen shows "opened"). */
  async opened(link: BookingLink): Promise<void> {
    if (link.status !== BookingLinkStatus.sent) return;
    if (await markOpened(this.deps.db, link.id, this.now())) {
      await recordAuditEvent(this.deps.db, { actor: 'patient:booking-link', action: 'booking.link.opened', objectType: 'booking-link', objectId: link.id, outcome: 'success', detail: { callId: link.callId } });
    }
  }

  /** Whether the browser's page session (cookie value) is this link's and still open. */
  sessionHolds(link: BookingLink, sessionValue: string | undefined): boolean {
    if (!sessionValue || !link.sessionHash || !link.sessionExpiresAt) return false;
    return linkTokenHash(sessionValue) === link.sessionHash && link.sessionExpiresAt.getTime() > this.now().getTime();
  }

  /** The patient's date of birth against the chart: a few tries, then the link locks. Audited; the date itself never is. */
  async verifyBirthDate(link: BookingLink, typed: string): Promise<VerifyOutcome> {
    const { settings } = this.deps;
    let patient: BookingPatient;
    try {
      patient = await this.deps.scheduling.patient(link.patientId);
    } catch (error) {
      await recordAuditEvent(this.deps.db, { actor: 'patient:booking-link', action: 'booking.link.birth-date-checked', objectType: 'booking-link', objectId: link.id, outcome: 'failure', reason: isCallchartError(error) ? error.code : 'INTERNAL' });
      return { kind: 'unavailable' };
    }
    if (birthDateMatches(typed, patient.birthDate)) {
      const now = this.now();
      const session = newPageSession();
      const sessionExpiresAt = new Date(Math.min(now.getTime() + settings.sessionMinutes * 60_000, link.expiresAt.getTime()));
      if (!(await recordVerified(this.deps.db, link.id, session.hash, now, sessionExpiresAt))) return { kind: 'locked' };
      await recordAuditEvent(this.deps.db, { actor: 'patient:booking-link', action: 'booking.link.verified', objectType: 'booking-link', objectId: link.id, outcome: 'success', detail: { callId: link.callId, patientId: link.patientId } });
      return { kind: 'verified', sessionValue: session.value, sessionExpiresAt };
    }
    const counted = await recordFailedBirthDate(this.deps.db, link.id, settings.maxBirthDateChecks);
    await recordAuditEvent(this.deps.db, {
      actor: 'patient:booking-link', action: 'booking.link.birth-date-refused', objectType: 'booking-link', objectId: link.id, outcome: 'rejected', reason: 'BIRTH_DATE_MISMATCH',
      detail: { callId: link.callId, failures: counted?.failures ?? null },
    });
    if (!counted || counted.locked) {
      if (counted?.locked) await recordAuditEvent(this.deps.db, { actor: 'system', action: 'booking.link.locked', objectType: 'booking-link', objectId: link.id, outcome: 'success', reason: 'BIRTH_DATE_CHECKS_EXHAUSTED', detail: { callId: link.callId } });
      return { kind: 'locked' };
    }
    return { kind: 'wrong', triesLeft: Math.max(0, settings.maxBirthDateChecks - counted.failures) };
  }

  /** Free times for the link's patient, from now to the horizon (after the birth-date check only). */
  async offers(link: BookingLink): Promise<OfferedSlot[]> {
    const patient = await this.deps.scheduling.patient(link.patientId);
    const now = this.now();
    return this.deps.scheduling.freeSlots(patient, now, new Date(now.getTime() + this.deps.settings.horizonDays * 86_400_000));
  }

  async slot(slotId: string): Promise<OfferedSlot | null> {
    return this.deps.scheduling.slot(slotId);
  }

  /**
   * Book a slot for a verified link, exactly once. One request at a time books (a claim in the
   * store); the EHR's conditional create and the Slot's If-Match make the EHR itself refuse a
   * second appointment or a taken time, across retries and crashes.
   */
  async book(link: BookingLink, slotId: string): Promise<BookOutcome> {
    const now = this.now();
    if (link.appointmentId) return { kind: 'booked', appointmentId: link.appointmentId, slot: link.slotId ? await this.deps.scheduling.slot(link.slotId).catch(() => null) : null };
    if (!(await claimBooking(this.deps.db, link.id, now, new Date(now.getTime() - 120_000)))) {
      // A double submit: the browser shows the answer to the last request, so this one waits for
      // the first to land (bounded) and answers with its booking rather than "please wait".
      const current = await this.awaitOtherBooking(link.id);
      if (current?.appointmentId) return { kind: 'booked', appointmentId: current.appointmentId, slot: current.slotId ? await this.deps.scheduling.slot(current.slotId).catch(() => null) : null };
      return { kind: 'in-progress' };
    }
    try {
      const offered = await this.deps.scheduling.slot(slotId);
      if (!offered || Date.parse(offered.slot.start!) < now.getTime()) {
        await this.auditTaken(link, slotId);
        return { kind: 'slot-taken' };
      }
      const outcome = await this.deps.scheduling.book({ linkId: link.id, patientId: link.patientId, slot: offered.slot, practitionerReference: offered.practitionerReference, now });
      if (outcome.kind === 'slot-taken') {
        await this.auditTaken(link, slotId);
        return outcome;
      }
      await this.deps.db.transaction(async (tx) => {
        if (await recordBooked(tx, link.id, { appointmentId: outcome.appointmentId, slotId, at: now })) {
          await appendAuditEvent(tx, {
            actor: 'patient:booking-link', action: 'booking.appointment.booked', objectType: 'booking-link', objectId: link.id, outcome: outcome.created ? 'success' : 'duplicate',
            detail: { callId: link.callId, patientId: link.patientId, appointmentId: outcome.appointmentId, slotId },
          }, now);
        }
      });
      return { kind: 'booked', appointmentId: outcome.appointmentId, slot: offered };
    } finally {
      await releaseBookingClaim(this.deps.db, link.id).catch(() => undefined);
    }
  }

  /** Waits (up to about 10 s, checking every 100 ms) for another request's booking claim on the link to end. */
  private async awaitOtherBooking(linkId: string): Promise<BookingLink | null> {
    for (let waited = 0; ; waited += 100) {
      const current = await findLink(this.deps.db, linkId);
      if (!current || current.appointmentId || !current.bookingClaimedAt || waited >= 10_000) return current;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async auditTaken(link: BookingLink, slotId: string): Promise<void> {
    await recordAuditEvent(this.deps.db, { actor: 'patient:booking-link', action: 'booking.appointment.refused', objectType: 'booking-link', objectId: link.id, outcome: 'rejected', reason: 'SLOT_TAKEN', detail: { callId: link.callId, slotId } });
  }
}
