import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../store/db.ts';
import type { RetryClass } from '../lib/errors.ts';
import type { WriteBackEvent } from './event-task.mapper.ts';
import { currentTraceparent } from '../telemetry/tracing.ts';
import type { WriteBackFailureDetail } from './failure-words.ts';

export type { WriteBackFailureDetail } from './failure-words.ts';

/**
 * The write-back outbox (WB-3, WB-4). An item is inserted in the same transaction as the state
 * change that calls for it (an approval, an auto-approval, an event), so nothing approved is lost
 * and nothing is sent that was not committed. Rows hold ids and codes only.
 *
 * Claiming takes due items in `seq` order with `for update skip locked` and leases them; a worker
 * that dies mid-send leaves a lease that expires, and the next claim treats that item as
 * ambiguous (it may have reached the EHR), so it is read back by identifier before any resend.
 */
export type WriteBackTarget = 'fhir' | 'hl7';
/**
 * `rejection`: a review decision that takes the call's record out of the chart (issue 12).
 * `callback-status`: the call's Task follows its callback task's status (issue 16).
 */
export type WriteBackKind = 'chart-record' | 'event-task' | 'rejection' | 'callback-status';
export type WriteBackStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'cancelled';
export const writeBackStatuses = ['pending', 'sending', 'delivered', 'failed', 'cancelled'] as const satisfies readonly WriteBackStatus[];
export const writeBackKinds = ['chart-record', 'event-task', 'rejection', 'callback-status'] as const satisfies readonly WriteBackKind[];
/** Why a person cancelled a chart write (issue 14): a code, never free text (the audit carries it). */
export const cancelReasons = ['duplicate', 'wrong-patient', 'entered-by-hand', 'consent-withdrawn', 'not-needed', 'other'] as const;
export type CancelReason = (typeof cancelReasons)[number];


export interface WriteBackItem {
  id: string;
  seq: number;
  /** Null for an event with no call behind it (a missed appointment). */
  callId: string | null;
  /** For `event-task` items: the event (ids and codes only). */
  event: WriteBackEvent | null;
  target: WriteBackTarget;
  kind: WriteBackKind;
  businessId: string;
  reviewId: string | null;
  reviewVersion: number | null;
  status: WriteBackStatus;
  attempts: number;
  nextAttemptAt: string;
  lastErrorCode: string | null;
  lastRetryClass: RetryClass | null;
  result: Record<string, unknown> | null;
  createdAt: string;
  deliveredAt: string | null;
  /** W3C traceparent of the work that queued it (ids only), so the delivery joins that trace. */
  traceparent: string | null;
  /** The EHR's reason for the last failed attempt (codes only). */
  lastErrorDetail: WriteBackFailureDetail | null;
  /** Since when the item has waited for the EHR (its first failed attempt since it last moved). */
  waitingSince: string | null;
  cancelledAt: string | null;
  /** `staff:<id>` of the person who cancelled it. */
  cancelledBy: string | null;
  cancelReason: CancelReason | null;
}

interface ItemRow {
  id: string; seq: string | number; call_id: string | null; event: WriteBackEvent | string | null; target: WriteBackTarget; kind: WriteBackKind; business_id: string;
  review_id: string | null; review_version: number | null; status: WriteBackStatus; attempts: number;
  next_attempt_at: Date | string; last_error_code: string | null; last_retry_class: RetryClass | null;
  result: Record<string, unknown> | string | null; created_at: Date | string; delivered_at: Date | string | null; traceparent?: string | null;
  last_error_detail?: WriteBackFailureDetail | string | null; waiting_since?: Date | string | null; cancelled_at?: Date | string | null;
  cancelled_by?: string | null; cancel_reason?: CancelReason | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function fromRow(row: ItemRow): WriteBackItem {
  return {
    id: row.id, seq: Number(row.seq), callId: row.call_id,
    event: typeof row.event === 'string' ? (JSON.parse(row.event) as WriteBackEvent) : (row.event ?? null), target: row.target, kind: row.kind, businessId: row.business_id,
    reviewId: row.review_id, reviewVersion: row.review_version === null ? null : Number(row.review_version), status: row.status,
    attempts: Number(row.attempts), nextAttemptAt: iso(row.next_attempt_at)!, lastErrorCode: row.last_error_code,
    lastRetryClass: row.last_retry_class, result: typeof row.result === 'string' ? (JSON.parse(row.result) as Record<string, unknown>) : row.result,
    createdAt: iso(row.created_at)!, deliveredAt: iso(row.delivered_at), traceparent: row.traceparent ?? null,
    lastErrorDetail: typeof row.last_error_detail === 'string' ? (JSON.parse(row.last_error_detail) as WriteBackFailureDetail) : (row.last_error_detail ?? null),
    waitingSince: iso(row.waiting_since ?? null), cancelledAt: iso(row.cancelled_at ?? null), cancelledBy: row.cancelled_by ?? null, cancelReason: row.cancel_reason ?? null,
  };
}

/** Queues a write; the same (target, business id) twice is one item (at-least-once callers). */
export async function enqueueWriteBack(
  tx: Queryable,
  input: { callId: string | null; target: WriteBackTarget; kind: WriteBackKind; businessId: string; reviewId?: string | null; reviewVersion?: number | null; event?: WriteBackEvent },
): Promise<{ id: string; created: boolean }> {
  const id = randomUUID();
  const inserted = await tx.query<{ id: string }>(
    `insert into write_back_item (id, call_id, target, kind, business_id, review_id, review_version, status, event, traceparent)
     values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)
     on conflict (target, business_id) do nothing
     returning id`,
    [id, input.callId, input.target, input.kind, input.businessId, input.reviewId ?? null, input.reviewVersion ?? null, input.event ? JSON.stringify(input.event) : null, currentTraceparent() ?? null],
  );
  if (inserted.rowCount > 0) return { id, created: true };
  const { rows } = await tx.query<{ id: string }>('select id from write_back_item where target = $1 and business_id = $2', [input.target, input.businessId]);
  return { id: rows[0]!.id, created: false };
}

export interface ClaimedItem extends WriteBackItem {
  /** The last attempt may have reached the EHR (ambiguous outcome or a lease that expired): read back first. */
  readBackFirst: boolean;
}

/**
 * Claims up to `limit` due items of a target, oldest first, leased for `leaseMs`. Strictly in
 * order: an item waiting out its backoff holds back every later item of the target (the EHR gets
 * the chart in the order it was approved, and a drain after downtime is oldest first).
 */
export async function claimDueItems(db: Db, target: WriteBackTarget, limit: number, leaseMs: number): Promise<ClaimedItem[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<ItemRow & { lease_expired: boolean }>(
      `select *, (status = 'sending') as lease_expired from write_back_item
       where target = $1
         and ((status = 'pending' and next_attempt_at <= now()) or (status = 'sending' and lease_until < now()))
         and seq < coalesce((select min(seq) from write_back_item where target = $1 and status = 'pending' and next_attempt_at > now()), 9223372036854775807)
       order by seq
       limit $2
       for update skip locked`,
      [target, limit],
    );
    if (rows.length === 0) return [];
    await tx.query(
      `update write_back_item set status = 'sending', attempts = attempts + 1,
         lease_until = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
       where id = any($1)`,
      [rows.map((row) => row.id), leaseMs],
    );
    return rows.map((row) => ({
      ...fromRow(row),
      attempts: Number(row.attempts) + 1,
      // Anything after the first attempt reads back first: cheap, and the only safe order.
      readBackFirst: row.lease_expired || row.last_retry_class === 'ambiguous' || Number(row.attempts) > 0,
    }));
  });
}

export async function markDelivered(tx: Queryable, id: string, result: Record<string, unknown>): Promise<void> {
  await tx.query(
    `update write_back_item set status = 'delivered', result = $2, delivered_at = now(), lease_until = null,
       last_error_code = null, last_error_detail = null, waiting_since = null, updated_at = now()
     where id = $1 and status = 'sending'`,
    [id, JSON.stringify(result)],
  );
}

export async function markRetry(tx: Queryable, id: string, failure: { code: string; retry: RetryClass; delayMs: number; detail?: WriteBackFailureDetail }): Promise<void> {
  await tx.query(
    `update write_back_item set status = 'pending', last_error_code = $2, last_retry_class = $3,
       next_attempt_at = now() + make_interval(secs => $4::double precision / 1000), lease_until = null,
       last_error_detail = $5, waiting_since = coalesce(waiting_since, now()), updated_at = now()
     where id = $1 and status = 'sending'`,
    [id, failure.code, failure.retry, failure.delayMs, failure.detail ? JSON.stringify(failure.detail) : null],
  );
}

export async function markFailed(tx: Queryable, id: string, failure: { code: string; retry: RetryClass; detail?: WriteBackFailureDetail }): Promise<void> {
  await tx.query(
    `update write_back_item set status = 'failed', last_error_code = $2, last_retry_class = $3, lease_until = null,
       last_error_detail = $4, waiting_since = null, updated_at = now()
     where id = $1 and status = 'sending'`,
    [id, failure.code, failure.retry, failure.detail ? JSON.stringify(failure.detail) : null],
  );
}

export type CancelOutcome =
  | { outcome: 'cancelled' | 'already-cancelled'; item: WriteBackItem }
  /** Claimed by a worker right now: it may be reaching the EHR, so it can no longer be held back. */
  | { outcome: 'in-flight' | 'delivered'; item: WriteBackItem }
  | { outcome: 'not-found' };

/**
 * A person cancels a chart write (issue 14): only one that waits (`pending`) or failed. The
 * update re-checks the status under the row lock, so it and the worker's claim are ordered: a
 * cancel that wins leaves a `cancelled` row the claim never selects; a claim that wins leaves a
 * `sending` row this update does not match (the answer is "in flight"), and the worker's own
 * updates all require `sending`, so nothing moves a cancelled item again. Asked twice, the second
 * answer is the first cancellation (who and why stay the first person's).
 */
export async function cancelWriteBack(tx: Queryable, id: string, by: { actor: string; reason: CancelReason }): Promise<CancelOutcome> {
  const { rows } = await tx.query<ItemRow>(
    `update write_back_item set status = 'cancelled', cancelled_at = now(), cancelled_by = $2, cancel_reason = $3,
       lease_until = null, waiting_since = null, updated_at = now()
     where id = $1 and status in ('pending', 'failed')
     returning *`,
    [id, by.actor, by.reason],
  );
  if (rows[0]) return { outcome: 'cancelled', item: fromRow(rows[0]) };
  const item = await findWriteBackItem(tx, id);
  if (!item) return { outcome: 'not-found' };
  if (item.status === 'cancelled') return { outcome: 'already-cancelled', item };
  return { outcome: item.status === 'delivered' ? 'delivered' : 'in-flight', item };
}

/** Claimed items not tried this round (an earlier one failed): back in line, no attempt counted. */
export async function releaseClaims(tx: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `update write_back_item set status = 'pending', attempts = greatest(attempts - 1, 0), lease_until = null, updated_at = now()
     where id = any($1) and status = 'sending'`,
    [ids],
  );
}

/** A failed item put back in line by a person (after fixing what the EHR rejected). */
export async function requeueFailed(tx: Queryable, id: string): Promise<boolean> {
  const result = await tx.query(
    `update write_back_item set status = 'pending', next_attempt_at = now(), updated_at = now() where id = $1 and status = 'failed'`,
    [id],
  );
  return result.rowCount > 0;
}

export async function findWriteBackItem(db: Queryable, id: string): Promise<WriteBackItem | null> {
  const { rows } = await db.query<ItemRow>('select * from write_back_item where id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Staff view of the outbox: what waits, what failed and why (WB-4). */
export async function listWriteBackItems(db: Queryable, filter: { status?: WriteBackStatus[]; callId?: string; limit: number }): Promise<WriteBackItem[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (filter.status?.length) {
    params.push(filter.status);
    where.push(`status = any($${params.length})`);
  }
  if (filter.callId) {
    params.push(filter.callId);
    where.push(`call_id = $${params.length}`);
  }
  params.push(filter.limit);
  const { rows } = await db.query<ItemRow>(
    `select * from write_back_item ${where.length ? `where ${where.join(' and ')}` : ''} order by seq limit $${params.length}`,
    params,
  );
  return rows.map(fromRow);
}

/** Items per target and status. */
export async function countWriteBackByStatus(db: Queryable): Promise<Record<WriteBackTarget, Record<WriteBackStatus, number>>> {
  const { rows } = await db.query<{ target: WriteBackTarget; status: WriteBackStatus; count: string }>(
    'select target, status, count(*)::text as count from write_back_item group by target, status',
  );
  const empty = (): Record<WriteBackStatus, number> => ({ pending: 0, sending: 0, delivered: 0, failed: 0, cancelled: 0 });
  const counts: Record<WriteBackTarget, Record<WriteBackStatus, number>> = { fhir: empty(), hl7: empty() };
  for (const row of rows) counts[row.target][row.status] = Number(row.count);
  return counts;
}

/**
 * What waits in the outbox, per target and status, with the age of the oldest item (metrics, read
 * at scrape time). Delivered items are left out, so the index on (target, status) keeps it cheap.
 */
export async function outboxBacklog(db: Queryable): Promise<{ target: WriteBackTarget; status: WriteBackStatus; count: number; oldestAgeSeconds: number }[]> {
  const { rows } = await db.query<{ target: WriteBackTarget; status: WriteBackStatus; count: string; oldest: string | number }>(
    `select target, status, count(*)::text as count, extract(epoch from now() - min(created_at))::float8 as oldest
     from write_back_item
     where target = any($1) and status = any($2)
     group by target, status`,
    [['fhir', 'hl7'], ['pending', 'sending', 'failed']],
  );
  return rows.map((row) => ({ target: row.target, status: row.status, count: Number(row.count), oldestAgeSeconds: Math.max(0, Number(row.oldest)) }));
}

/** The worklist's filters (issue 14): status, kind, target, a date range on when it was queued, and a page. */
export interface WorklistFilter {
  status?: readonly WriteBackStatus[];
  kind?: WriteBackKind;
  target?: WriteBackTarget;
  /** Queued at or after / before these instants (the app turns clinic dates into them). */
  from?: string;
  to?: string;
  /** The next page: items older than this `seq` (newest first). */
  beforeSeq?: number;
  limit: number;
}

/** Chart writes, newest first, one page (`limit + 1` read to know whether there is a next page). */
export async function listWorklistItems(db: Queryable, filter: WorklistFilter): Promise<{ items: WriteBackItem[]; nextBefore: number | null }> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.status?.length) add((p) => `status = any(${p})`, filter.status);
  if (filter.kind) add((p) => `kind = ${p}`, filter.kind);
  if (filter.target) add((p) => `target = ${p}`, filter.target);
  if (filter.from) add((p) => `created_at >= ${p}::timestamptz`, filter.from);
  if (filter.to) add((p) => `created_at < ${p}::timestamptz`, filter.to);
  if (filter.beforeSeq !== undefined) add((p) => `seq < ${p}`, filter.beforeSeq);
  params.push(filter.limit + 1);
  const { rows } = await db.query<ItemRow>(
    `select * from write_back_item ${where.length ? `where ${where.join(' and ')}` : ''} order by seq desc limit $${params.length}`,
    params,
  );
  const items = rows.slice(0, filter.limit).map(fromRow);
  return { items, nextBefore: rows.length > filter.limit ? items.at(-1)!.seq : null };
}

/**
 * Per target: how many chart writes wait for the EHR after a failed attempt, and since when the
 * first of them has waited (the EHR down, or its breaker open).
 */
export async function waitingForEhr(db: Queryable): Promise<Map<WriteBackTarget, { waiting: number; since: string | null; queued: number }>> {
  const { rows } = await db.query<{ target: WriteBackTarget; waiting: string; since: Date | string | null; queued: string }>(
    `select target, count(*) filter (where waiting_since is not null)::text as waiting, min(waiting_since) as since, count(*)::text as queued
     from write_back_item where status in ('pending', 'sending') group by target`,
  );
  return new Map(rows.map((row) => [row.target, { waiting: Number(row.waiting), since: iso(row.since), queued: Number(row.queued) }]));
}
