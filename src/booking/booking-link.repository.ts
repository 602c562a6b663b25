/**
 * Booking links in storage (migration 0036). Every change is one conditional UPDATE, so two
 * requests racing on one link (a double submit, two tabs) cannot both move it: the loser's
 * update matches no row and it re-reads.
 */
import type { Queryable } from '../store/db.ts';
import type { BookingLinkStatus } from './booking-link.ts';

export interface BookingLink {
  id: string;
  callId: string;
  patientId: string;
  queue: string | null;
  status: BookingLinkStatus;
  sentBy: string;
  messageSid: string | null;
  createdAt: Date;
  expiresAt: Date;
  openedAt: Date | null;
  verifiedAt: Date | null;
  failedBirthDateChecks: number;
  sessionHash: string | null;
  sessionExpiresAt: Date | null;
  bookingClaimedAt: Date | null;
  bookedAt: Date | null;
  appointmentId: string | null;
  slotId: string | null;
}

interface Row {
  id: string; call_id: string; patient_id: string; queue: string | null; status: BookingLinkStatus; sent_by: string; message_sid: string | null;
  created_at: Date | string; expires_at: Date | string; opened_at: Date | string | null; verified_at: Date | string | null;
  failed_birth_date_checks: number | string; session_hash: string | null; session_expires_at: Date | string | null;
  booking_claimed_at: Date | string | null; booked_at: Date | string | null; appointment_id: string | null; slot_id: string | null;
}

const date = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

function fromRow(row: Row): BookingLink {
  return {
    id: row.id, callId: row.call_id, patientId: row.patient_id, queue: row.queue, status: row.status, sentBy: row.sent_by, messageSid: row.message_sid,
    createdAt: date(row.created_at)!, expiresAt: date(row.expires_at)!, openedAt: date(row.opened_at), verifiedAt: date(row.verified_at),
    failedBirthDateChecks: Number(row.failed_birth_date_checks), sessionHash: row.session_hash, sessionExpiresAt: date(row.session_expires_at),
    bookingClaimedAt: date(row.booking_claimed_at), bookedAt: date(row.booked_at), appointmentId: row.appointment_id, slotId: row.slot_id,
  };
}

const one = (rows: Row[]): BookingLink | null => (rows[0] ? fromRow(rows[0]) : null);

/** The call's live (not superseded) link, locked for the rest of the transaction. */
export async function lockLiveLinkForCall(tx: Queryable, callId: string): Promise<BookingLink | null> {
  return one((await tx.query<Row>('select * from booking_link where call_id = $1 and superseded_at is null for update', [callId])).rows);
}

export async function findLiveLinkForCall(db: Queryable, callId: string): Promise<BookingLink | null> {
  return one((await db.query<Row>('select * from booking_link where call_id = $1 and superseded_at is null', [callId])).rows);
}

export async function findLinkByTokenHash(db: Queryable, tokenHash: string): Promise<BookingLink | null> {
  return one((await db.query<Row>('select * from booking_link where token_hash = $1', [tokenHash])).rows);
}

export async function findLink(db: Queryable, id: string): Promise<BookingLink | null> {
  return one((await db.query<Row>('select * from booking_link where id = $1', [id])).rows);
}

export async function supersedeLink(tx: Queryable, id: string, now: Date): Promise<void> {
  await tx.query(`update booking_link set status = 'superseded', superseded_at = $2, session_hash = null where id = $1`, [id, now]);
}

export async function insertLink(tx: Queryable, link: { id: string; tokenHash: string; callId: string; patientId: string; queue: string | null; sentBy: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await tx.query(
    `insert into booking_link (id, token_hash, call_id, patient_id, queue, status, sent_by, created_at, expires_at)
     values ($1, $2, $3, $4, $5, 'sent', $6, $7, $8)`,
    [link.id, link.tokenHash, link.callId, link.patientId, link.queue, link.sentBy, link.createdAt, link.expiresAt],
  );
}

export async function recordSms(db: Queryable, id: string, result: { messageSid: string } | { failed: true }): Promise<void> {
  if ('failed' in result) await db.query(`update booking_link set status = 'send-failed' where id = $1 and status = 'sent'`, [id]);
  else await db.query('update booking_link set message_sid = $2 where id = $1', [id, result.messageSid]);
}

/** First open: `sent` → `opened`. True when this request was the first. */
export async function markOpened(db: Queryable, id: string, now: Date): Promise<boolean> {
  const result = await db.query(`update booking_link set status = 'opened', opened_at = $2 where id = $1 and status = 'sent'`, [id, now]);
  return result.rowCount > 0;
}

/** A wrong birth date: counts it, and locks the link at `maxFailures`. Returns the count and whether it locked now. */
export async function recordFailedBirthDate(db: Queryable, id: string, maxFailures: number): Promise<{ failures: number; locked: boolean } | null> {
  const { rows } = await db.query<{ failed_birth_date_checks: number | string; status: string }>(
    `update booking_link
        set failed_birth_date_checks = failed_birth_date_checks + 1,
            status = case when failed_birth_date_checks + 1 >= $2 then 'locked' else status end,
            session_hash = case when failed_birth_date_checks + 1 >= $2 then null else session_hash end
      where id = $1 and status in ('sent', 'opened', 'verified', 'booked')
      returning failed_birth_date_checks, status`,
    [id, maxFailures],
  );
  const row = rows[0];
  return row ? { failures: Number(row.failed_birth_date_checks), locked: row.status === 'locked' } : null;
}

/** The right birth date: a page session (stored hashed). A booked link keeps its status. */
export async function recordVerified(db: Queryable, id: string, sessionHash: string, now: Date, sessionExpiresAt: Date): Promise<boolean> {
  const result = await db.query(
    `update booking_link
        set status = case when status = 'booked' then status else 'verified' end,
            verified_at = coalesce(verified_at, $3), session_hash = $2, session_expires_at = $4
      where id = $1 and status in ('sent', 'opened', 'verified', 'booked')`,
    [id, sessionHash, now, sessionExpiresAt],
  );
  return result.rowCount > 0;
}

/**
 * Claim the booking step: only one request books for a link at a time. A claim older than
 * `staleBefore` (a process that died mid-booking) may be taken over: the EHR's conditional create
 * still makes the retry find the first appointment.
 */
export async function claimBooking(db: Queryable, id: string, now: Date, staleBefore: Date): Promise<boolean> {
  const result = await db.query(
    `update booking_link set booking_claimed_at = $2
      where id = $1 and status = 'verified' and appointment_id is null
        and (booking_claimed_at is null or booking_claimed_at < $3)`,
    [id, now, staleBefore],
  );
  return result.rowCount > 0;
}

export async function releaseBookingClaim(db: Queryable, id: string): Promise<void> {
  await db.query('update booking_link set booking_claimed_at = null where id = $1 and appointment_id is null', [id]);
}

export async function recordBooked(db: Queryable, id: string, booking: { appointmentId: string; slotId: string; at: Date }): Promise<boolean> {
  const result = await db.query(
    `update booking_link set status = 'booked', appointment_id = $2, slot_id = $3, booked_at = $4, booking_claimed_at = null
      where id = $1 and appointment_id is null`,
    [id, booking.appointmentId, booking.slotId, booking.at],
  );
  return result.rowCount > 0;
}
