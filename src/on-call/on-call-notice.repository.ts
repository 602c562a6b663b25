import type { Queryable } from '../store/db.ts';
import type { OnCallChannel } from './on-call.policy.ts';

/** One on-call notice (table on_call_notice, migration 0033): ids and codes only. */
export interface OnCallNotice {
  id: string;
  reviewId: string;
  callId: string;
  clinician: string;
  channel: OnCallChannel;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastErrorCode: string | null;
  createdAt: string;
  sentAt: string | null;
  firstAction: string | null;
  firstActionAt: string | null;
}

interface NoticeRow {
  id: string; review_id: string; call_id: string; clinician: string; channel: OnCallChannel; status: OnCallNotice['status']; attempts: number;
  next_attempt_at: Date | string; last_error_code: string | null; created_at: Date | string; sent_at: Date | string | null;
  first_action: string | null; first_action_at: Date | string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function fromRow(row: NoticeRow): OnCallNotice {
  return {
    id: row.id, reviewId: row.review_id, callId: row.call_id, clinician: row.clinician, channel: row.channel, status: row.status, attempts: Number(row.attempts),
    nextAttemptAt: iso(row.next_attempt_at)!, lastErrorCode: row.last_error_code, createdAt: iso(row.created_at)!, sentAt: iso(row.sent_at),
    firstAction: row.first_action, firstActionAt: iso(row.first_action_at),
  };
}

/** One notice per review item: a second call for the same item (the hook fired twice) finds the first. */
export async function createNotice(tx: Queryable, input: { id: string; reviewId: string; callId: string; clinician: string; channel: OnCallChannel; now: Date }): Promise<{ notice: OnCallNotice; created: boolean }> {
  const inserted = await tx.query<NoticeRow>(
    `insert into on_call_notice (id, review_id, call_id, clinician, channel, next_attempt_at, created_at)
     values ($1, $2, $3, $4, $5, $6, $6)
     on conflict (review_id) do nothing
     returning *`,
    [input.id, input.reviewId, input.callId, input.clinician, input.channel, input.now],
  );
  if (inserted.rows[0]) return { notice: fromRow(inserted.rows[0]), created: true };
  return { notice: (await findNoticeByReview(tx, input.reviewId))!, created: false };
}

export async function findNotice(db: Queryable, id: string): Promise<OnCallNotice | null> {
  const { rows } = await db.query<NoticeRow>('select * from on_call_notice where id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findNoticeByReview(db: Queryable, reviewId: string): Promise<OnCallNotice | null> {
  const { rows } = await db.query<NoticeRow>('select * from on_call_notice where review_id = $1', [reviewId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Notices due for a (re)try, oldest first, leased for `leaseMs` in a short transaction (the send
 * happens outside it: a Twilio request never holds a row lock). A process that dies mid-send leaves
 * a lease that runs out, and the notice is tried again.
 */
export async function claimDueNotices(tx: Queryable, now: Date, limit: number, leaseMs: number): Promise<OnCallNotice[]> {
  const { rows } = await tx.query<NoticeRow>(
    `update on_call_notice set next_attempt_at = $3
      where id in (select id from on_call_notice where status = 'pending' and next_attempt_at <= $1 order by next_attempt_at limit $2 for update skip locked)
      returning *`,
    [now, limit, new Date(now.getTime() + leaseMs)],
  );
  return rows.map(fromRow);
}

export async function markNoticeSent(tx: Queryable, id: string, at: Date): Promise<void> {
  await tx.query(`update on_call_notice set status = 'sent', attempts = attempts + 1, sent_at = $2, last_error_code = null where id = $1`, [id, at]);
}

export async function markNoticeRetry(tx: Queryable, id: string, input: { errorCode: string; nextAttemptAt: Date; failed: boolean }): Promise<void> {
  await tx.query(
    `update on_call_notice set attempts = attempts + 1, last_error_code = $2, next_attempt_at = $3, status = case when $4 then 'failed' else status end where id = $1`,
    [id, input.errorCode, input.nextAttemptAt, input.failed],
  );
}

/** The clinician's first action on the item; later actions leave it as it is. True when this was the first. */
export async function recordFirstAction(tx: Queryable, id: string, action: string, at: Date): Promise<boolean> {
  const result = await tx.query(`update on_call_notice set first_action = $2, first_action_at = $3 where id = $1 and first_action is null`, [id, action, at]);
  return result.rowCount > 0;
}

/** On-call response times for the dashboard: notices sent since `since`, and seconds to the first action of those acted on. */
export async function onCallResponseStats(db: Queryable, since: Date): Promise<{ sent: number; actedOn: number; medianSeconds: number | null; p90Seconds: number | null }> {
  const { rows } = await db.query<{ sent: string | number; acted: string | number; median: string | number | null; p90: string | number | null }>(
    `select count(*) filter (where sent_at is not null) as sent,
            count(*) filter (where sent_at is not null and first_action_at is not null) as acted,
            percentile_cont(0.5) within group (order by extract(epoch from (first_action_at - sent_at))) filter (where sent_at is not null and first_action_at is not null) as median,
            percentile_cont(0.9) within group (order by extract(epoch from (first_action_at - sent_at))) filter (where sent_at is not null and first_action_at is not null) as p90
       from on_call_notice where created_at >= $1`,
    [since],
  );
  const row = rows[0]!;
  const num = (value: string | number | null) => (value === null ? null : Math.round(Number(value)));
  return { sent: Number(row.sent), actedOn: Number(row.acted), medianSeconds: num(row.median), p90Seconds: num(row.p90) };
}
