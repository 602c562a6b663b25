import { randomUUID } from 'node:crypto';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { ContentCipher } from '../store/content-cipher.ts';
import type { Queryable } from '../store/db.ts';
import type { WebhookEvent, WebhookEventType } from './event-webhook.ts';

/** The cursor row (in `alert_cursor`, shared by every follower of the audit log) this worker moves. */
export const eventWebhookCursor = 'event-webhooks';

/** A subscription as listed: never its secret. */
export interface EventSubscription {
  id: string;
  name: string;
  url: string;
  eventTypes: WebhookEventType[];
  queues: string[];
  createdBy: string;
  createdAt: string;
  disabledAt: string | null;
}

/** A subscription the worker delivers to: with its secret opened (in memory only). */
export interface ActiveSubscription extends EventSubscription {
  secret: string;
}

interface SubscriptionRow {
  id: string;
  name: string;
  url: string;
  event_types: WebhookEventType[];
  queues: string[];
  secret_sealed: Buffer | Uint8Array;
  secret_key_id: string;
  created_by: string;
  created_at: Date | string;
  disabled_at: Date | string | null;
}

export const deliveryStatuses = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface EventDelivery {
  id: string;
  subscriptionId: string;
  subscriptionName: string | null;
  eventId: string;
  eventType: WebhookEventType;
  queue: string;
  payload: WebhookEvent;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  deadAt: string | null;
  createdAt: string;
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  subscription_name?: string | null;
  event_id: string;
  event_type: WebhookEventType;
  queue: string;
  payload: WebhookEvent | string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | string;
  last_error: string | null;
  last_attempt_at: Date | string | null;
  delivered_at: Date | string | null;
  dead_at: Date | string | null;
  created_at: Date | string;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function subscriptionFromRow(row: SubscriptionRow): EventSubscription {
  return {
    id: row.id, name: row.name, url: row.url, eventTypes: row.event_types, queues: row.queues, createdBy: row.created_by,
    createdAt: iso(row.created_at)!, disabledAt: iso(row.disabled_at),
  };
}

function deliveryFromRow(row: DeliveryRow): EventDelivery {
  return {
    id: row.id, subscriptionId: row.subscription_id, subscriptionName: row.subscription_name ?? null, eventId: row.event_id, eventType: row.event_type, queue: row.queue,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as WebhookEvent) : row.payload,
    status: row.status, attempts: row.attempts, nextAttemptAt: iso(row.next_attempt_at)!, lastError: row.last_error, lastAttemptAt: iso(row.last_attempt_at),
    deliveredAt: iso(row.delivered_at), deadAt: iso(row.dead_at), createdAt: iso(row.created_at)!,
  };
}

/**
 * Stores a subscription with its secret sealed under the keyring's staff-credential key (the key
 * TOTP secrets are sealed with: always in memory, never purged by retention). Audited with ids and
 * codes only (never the URL's path or the secret).
 */
export async function createSubscription(
  tx: Queryable, cipher: ContentCipher,
  input: { name: string; url: string; eventTypes: readonly WebhookEventType[]; queues: readonly string[]; secret: string; actor: string; now: Date },
): Promise<EventSubscription> {
  const id = randomUUID();
  const { rows } = await tx.query<SubscriptionRow>(
    `insert into event_subscription (id, name, url, event_types, queues, secret_sealed, secret_key_id, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
    [id, input.name, input.url, [...new Set(input.eventTypes)], [...new Set(input.queues)], cipher.encrypt(input.secret), cipher.keyId, input.actor, input.now.toISOString()],
  );
  await appendAuditEvent(tx, {
    actor: input.actor, action: 'event-subscription.created', objectType: 'event-subscription', objectId: id, outcome: 'success',
    detail: { eventTypes: [...new Set(input.eventTypes)], queues: [...new Set(input.queues)], host: new URL(input.url).host },
  });
  return subscriptionFromRow(rows[0]!);
}

export async function listSubscriptions(db: Queryable): Promise<EventSubscription[]> {
  const { rows } = await db.query<SubscriptionRow>('select * from event_subscription order by created_at, id');
  return rows.map(subscriptionFromRow);
}

/** Subscriptions that hear events now, with their secrets opened. */
export async function activeSubscriptions(db: Queryable, cipher: ContentCipher): Promise<ActiveSubscription[]> {
  const { rows } = await db.query<SubscriptionRow>('select * from event_subscription where disabled_at is null order by created_at, id');
  return rows.map((row) => ({ ...subscriptionFromRow(row), secret: cipher.decrypt(row.secret_sealed, row.secret_key_id) }));
}

/** One subscription's secret, opened; null when it is gone or disabled. */
export async function subscriptionSecret(db: Queryable, cipher: ContentCipher, id: string): Promise<{ url: string; secret: string } | null> {
  const { rows } = await db.query<SubscriptionRow>('select * from event_subscription where id = $1 and disabled_at is null', [id]);
  return rows[0] ? { url: rows[0].url, secret: cipher.decrypt(rows[0].secret_sealed, rows[0].secret_key_id) } : null;
}

/**
 * Disables a subscription (audited): it hears nothing from now on and its waiting deliveries are
 * not sent. Rows stay for the record. Null when there is none; an already disabled one is returned as it is.
 */
export async function disableSubscription(tx: Queryable, id: string, actor: string, now: Date): Promise<EventSubscription | null> {
  const { rows } = await tx.query<SubscriptionRow>(
    'update event_subscription set disabled_at = $3, disabled_by = $2 where id = $1 and disabled_at is null returning *', [id, actor, now.toISOString()],
  );
  if (!rows[0]) {
    const { rows: existing } = await tx.query<SubscriptionRow>('select * from event_subscription where id = $1', [id]);
    return existing[0] ? subscriptionFromRow(existing[0]) : null;
  }
  await appendAuditEvent(tx, { actor, action: 'event-subscription.disabled', objectType: 'event-subscription', objectId: id, outcome: 'success' });
  return subscriptionFromRow(rows[0]);
}

/**
 * Queues each (subscriber, event) once and moves the cursor past the batch, in the caller's
 * transaction: a batch read twice (a crash before the commit, two engine processes) queues nothing
 * twice, and the payload of a queued event never changes. Returns how many rows were new.
 */
export async function queueDeliveries(tx: Queryable, deliveries: readonly { subscriptionId: string; event: WebhookEvent }[], lastSeq: number, now: Date): Promise<number> {
  let queued = 0;
  // One statement per 500 rows (arrays unnested), not one per row: a busy minute queues thousands.
  for (let offset = 0; offset < deliveries.length; offset += 500) {
    const chunk = deliveries.slice(offset, offset + 500);
    const { rowCount } = await tx.query(
      `insert into event_delivery (id, subscription_id, event_id, event_type, queue, payload, next_attempt_at, created_at)
       select id, subscription_id, event_id, event_type, queue, payload, $7, $7
         from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[]) as t(id, subscription_id, event_id, event_type, queue, payload)
       on conflict (subscription_id, event_id) do nothing`,
      [
        chunk.map(() => randomUUID()), chunk.map((row) => row.subscriptionId), chunk.map((row) => row.event.id), chunk.map((row) => row.event.type),
        chunk.map((row) => row.event.codes.queue), chunk.map((row) => JSON.stringify(row.event)), now.toISOString(),
      ],
    );
    queued += rowCount ?? 0;
  }
  await tx.query(
    `insert into alert_cursor (name, last_seq, updated_at) values ($1, $2, now())
     on conflict (name) do update set last_seq = greatest(alert_cursor.last_seq, excluded.last_seq), updated_at = now()`,
    [eventWebhookCursor, lastSeq],
  );
  return queued;
}

/** Moves the cursor to the newest chained audit event, queueing nothing (no subscriber listens). */
export async function skipToHead(tx: Queryable): Promise<void> {
  await tx.query(
    `insert into alert_cursor (name, last_seq, updated_at) select $1, coalesce(max(seq), 0), now() from audit_event
     on conflict (name) do update set last_seq = greatest(alert_cursor.last_seq, excluded.last_seq), updated_at = now()`,
    [eventWebhookCursor],
  );
}

/**
 * Takes up to `limit` deliveries that are due, each leased for `leaseMs` (another process skips it
 * meanwhile; one that dies mid-delivery leaves it due again after the lease). Deliveries of a
 * disabled subscription are not taken.
 */
export async function claimDueDeliveries(db: Queryable, options: { limit: number; leaseMs: number; now: Date }): Promise<EventDelivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `update event_delivery set next_attempt_at = $2::timestamptz + make_interval(secs => $3)
      where id in (
        select d.id from event_delivery d join event_subscription s on s.id = d.subscription_id
         where d.status = 'pending' and d.next_attempt_at <= $2 and s.disabled_at is null
         order by d.next_attempt_at, d.created_at limit $1 for update of d skip locked)
      returning *`,
    [options.limit, options.now.toISOString(), options.leaseMs / 1000],
  );
  return rows.map(deliveryFromRow).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function markDelivered(db: Queryable, id: string, attempts: number, now: Date): Promise<void> {
  await db.query(
    `update event_delivery set status = 'delivered', attempts = $2, delivered_at = $3, last_attempt_at = $3, last_error = null where id = $1 and status = 'pending'`,
    [id, attempts, now.toISOString()],
  );
}

/** A failed try with another to come after `retryInMs`. */
export async function markRetry(db: Queryable, id: string, options: { attempts: number; error: string; retryInMs: number; now: Date }): Promise<void> {
  await db.query(
    `update event_delivery set attempts = $2, last_error = $3, last_attempt_at = $4, next_attempt_at = $4::timestamptz + make_interval(secs => $5)
      where id = $1 and status = 'pending'`,
    [id, options.attempts, options.error, options.now.toISOString(), options.retryInMs / 1000],
  );
}

/** Given up (a permanent refusal, or the last attempt failed): dead, audited, shown in the worklist until redelivered. */
export async function markDead(tx: Queryable, delivery: EventDelivery, options: { attempts: number; error: string; now: Date }): Promise<void> {
  const { rowCount } = await tx.query(
    `update event_delivery set status = 'dead', attempts = $2, last_error = $3, last_attempt_at = $4, dead_at = $4 where id = $1 and status = 'pending'`,
    [delivery.id, options.attempts, options.error, options.now.toISOString()],
  );
  if (!rowCount) return;
  await appendAuditEvent(tx, {
    actor: 'system:event-webhooks', action: 'event-webhook.delivery.dead', objectType: 'event-delivery', objectId: delivery.id, outcome: 'failure', reason: options.error,
    detail: { subscriptionId: delivery.subscriptionId, eventId: delivery.eventId, eventType: delivery.eventType, attempts: options.attempts },
  });
}

/** Deliveries in trouble, newest first: dead ones, and pending ones whose last try failed. */
export async function listTroubledDeliveries(db: Queryable, options: { limit: number }): Promise<EventDelivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `select d.*, s.name as subscription_name from event_delivery d join event_subscription s on s.id = d.subscription_id
      where d.status = 'dead' or (d.status = 'pending' and d.attempts > 0)
      order by d.created_at desc, d.id limit $1`,
    [options.limit],
  );
  return rows.map(deliveryFromRow);
}

export async function findDelivery(db: Queryable, id: string): Promise<EventDelivery | null> {
  const { rows } = await db.query<DeliveryRow>(
    'select d.*, s.name as subscription_name from event_delivery d join event_subscription s on s.id = d.subscription_id where d.id = $1', [id],
  );
  return rows[0] ? deliveryFromRow(rows[0]) : null;
}

/**
 * Sends a dead (or failing) delivery again, now, with a fresh run of attempts: same event id and
 * body, so a receiver that did get it dedupes. Audited. `not-found`, or `delivered` (nothing to do).
 */
export async function redeliver(tx: Queryable, id: string, actor: string, now: Date): Promise<{ outcome: 'queued' | 'delivered' | 'not-found'; delivery: EventDelivery | null }> {
  const { rows } = await tx.query<DeliveryRow>(
    `update event_delivery set status = 'pending', attempts = 0, next_attempt_at = $2, dead_at = null where id = $1 and status <> 'delivered' returning *`,
    [id, now.toISOString()],
  );
  if (!rows[0]) {
    const existing = await findDelivery(tx, id);
    return { outcome: existing ? 'delivered' : 'not-found', delivery: existing };
  }
  await appendAuditEvent(tx, {
    actor, action: 'event-webhook.redelivered', objectType: 'event-delivery', objectId: id, outcome: 'success',
    detail: { subscriptionId: rows[0].subscription_id, eventId: rows[0].event_id, eventType: rows[0].event_type },
  });
  return { outcome: 'queued', delivery: await findDelivery(tx, id) };
}

/** The call codes events carry (and the call's review item, if any), read from the ledger in one query; calls not found are left out. */
export async function callCodes(db: Queryable, callIds: readonly string[]): Promise<Map<string, { queue: string | null; requestType: string | null; urgent: boolean; reviewId: string | null }>> {
  if (callIds.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; queue: string | null; request_type: string | null; urgent: boolean; urgency: string | null; review_id: string | null }>(
    `select c.id, c.queue, c.request_type, c.urgent, c.urgency, r.id as review_id
       from call c left join review_item r on r.call_id = c.id where c.id = any($1::uuid[])`,
    [[...new Set(callIds)]],
  );
  return new Map(rows.map((row) => [row.id, {
    queue: row.queue, requestType: row.request_type, urgent: row.urgent || row.urgency === 'urgent' || row.urgency === 'emergency', reviewId: row.review_id,
  }]));
}
