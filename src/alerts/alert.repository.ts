import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { phiViewedAction } from '../audit/access-log.ts';
import type { AuditEvent } from '../audit/audit-chain.ts';
import type { ActivityFacts, AlertDecision, AlertRule, AlertSeverity, AlertThresholds } from './alert-rules.ts';
import type { AlertNotice } from './alert-webhook.ts';

export const alertStatuses = ['open', 'acknowledged'] as const;
export type AlertStatus = (typeof alertStatuses)[number];
export type AlertDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'none';

/** An alert as stored: what the webhook receiver gets, and its handling here. */
export interface Alert extends Omit<AlertNotice, 'type'> {
  status: AlertStatus;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  delivery: { status: AlertDeliveryStatus; attempts: number; deliveredAt: string | null; error: string | null };
}

interface AlertRow {
  id: string;
  rule: string;
  severity: AlertSeverity;
  event_seq: string | number;
  event_at: Date | string;
  actor: string | null;
  object_type: string | null;
  object_id: string | null;
  detail: Record<string, unknown> | string;
  raised_at: Date | string;
  status: AlertStatus;
  acknowledged_by: string | null;
  acknowledged_at: Date | string | null;
  delivery_status: AlertDeliveryStatus;
  delivery_attempts: number;
  delivered_at: Date | string | null;
  delivery_error: string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function fromRow(row: AlertRow): Alert {
  return {
    id: row.id,
    rule: row.rule,
    severity: row.severity,
    eventSeq: Number(row.event_seq),
    eventAt: iso(row.event_at)!,
    actor: row.actor,
    objectType: row.object_type,
    objectId: row.object_id,
    detail: typeof row.detail === 'string' ? (JSON.parse(row.detail) as Record<string, unknown>) : row.detail,
    raisedAt: iso(row.raised_at)!,
    status: row.status,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: iso(row.acknowledged_at),
    delivery: { status: row.delivery_status, attempts: row.delivery_attempts, deliveredAt: iso(row.delivered_at), error: row.delivery_error },
  };
}

/** What the outbound webhook says about an alert. */
export function alertNotice(alert: Alert): AlertNotice {
  return {
    type: 'callchart.alert', id: alert.id, rule: alert.rule, severity: alert.severity, raisedAt: alert.raisedAt, eventSeq: alert.eventSeq, eventAt: alert.eventAt,
    actor: alert.actor, objectType: alert.objectType, objectId: alert.objectId, detail: alert.detail,
  };
}

/** The sequence number the alert worker has read up to. */
export async function readAlertCursor(db: Queryable, name = 'alerts'): Promise<number> {
  const { rows } = await db.query<{ last_seq: string }>('select last_seq from alert_cursor where name = $1', [name]);
  return Number(rows[0]?.last_seq ?? 0);
}

/**
 * A person's mean distinct patients per active hour over the trailing days before the clock hour
 * of the event. The same for every event of that person and hour, so a pass asks once (`cache`).
 */
async function baselinePerHour(db: Queryable, event: AuditEvent, thresholds: AlertThresholds, cache?: Map<string, number>): Promise<number> {
  const hour = `${event.at.slice(0, 13)}:00:00.000Z`;
  const key = `${event.actor}|${hour}`;
  const known = cache?.get(key);
  if (known !== undefined) return known;
  const { rows } = await db.query<{ pairs: string; hours: string }>(
    `select count(distinct (detail->>'patientId') || '|' || date_trunc('hour', at)::text)::text as pairs,
            count(distinct date_trunc('hour', at))::text as hours
       from audit_event
      where action = $1 and actor = $2 and detail->>'patientId' is not null
        and at >= $3::timestamptz - make_interval(days => $4) and at < $3::timestamptz`,
    [phiViewedAction, event.actor, hour, thresholds.baseline.trailingDays],
  );
  const hours = Number(rows[0]?.hours ?? 0);
  const mean = hours ? Number(rows[0]!.pairs) / hours : 0;
  cache?.set(key, mean);
  return mean;
}

/**
 * The counts a history-aware rule needs, as of the event: only events at or before it count, so
 * reading the log again after a crash reaches the same decision.
 */
export async function activityFacts(db: Queryable, rule: AlertRule, event: AuditEvent, thresholds: AlertThresholds, baselines?: Map<string, number>): Promise<ActivityFacts> {
  if (rule.needs === 'access-baseline') {
    const { rows: recent } = await db.query<{ n: string }>(
      `select count(distinct detail->>'patientId')::text as n from audit_event
        where action = $1 and actor = $2 and seq <= $3 and at > $4::timestamptz - interval '1 hour' and detail->>'patientId' is not null`,
      [phiViewedAction, event.actor, event.seq, event.at],
    );
    return { distinctPatientsLastHour: Number(recent[0]?.n ?? 0), baselinePerHour: await baselinePerHour(db, event, thresholds, baselines) };
  }
  if (rule.needs === 'review-edits') {
    const { rows } = await db.query<{ n: string }>(
      `select count(*)::text as n from audit_event
        where action = 'review.edited' and actor = $1 and object_id = $2 and seq <= $3 and at > $4::timestamptz - make_interval(mins => $5)`,
      [event.actor, event.objectId, event.seq, event.at, thresholds.reviewEdits.windowMinutes],
    );
    return { editsInWindow: Number(rows[0]?.n ?? 0) };
  }
  return {};
}

export interface AlertDraft {
  rule: AlertRule;
  event: AuditEvent;
  decision: AlertDecision;
}

/**
 * Stores the alerts of one batch of events and moves the cursor past the batch, in one
 * transaction. An alert already raised for (rule, dedupe key) is skipped: a batch read twice (a
 * crash before the commit, two engine processes) raises nothing twice. Each new alert is audited
 * (`alert.raised`). Returns the new alerts.
 */
export async function storeAlerts(tx: Queryable, drafts: readonly AlertDraft[], options: { lastSeq: number; deliver: boolean; cursor?: string; now?: Date }): Promise<Alert[]> {
  const raised: Alert[] = [];
  const now = options.now ?? new Date();
  for (const { rule, event, decision } of drafts) {
    const { rows } = await tx.query<AlertRow>(
      `insert into alert (id, rule, severity, dedupe_key, event_seq, event_at, actor, object_type, object_id, detail, raised_at, delivery_status, next_delivery_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11)
       on conflict (rule, dedupe_key) do nothing
       returning *`,
      [randomUUID(), rule.id, rule.severity, decision.dedupeKey, event.seq, event.at, event.actor, event.objectType, event.objectId, JSON.stringify(decision.detail), now.toISOString(), options.deliver ? 'pending' : 'none'],
    );
    if (!rows[0]) continue;
    const alert = fromRow(rows[0]);
    raised.push(alert);
    await appendAuditEvent(tx, { actor: 'system:alerts', action: 'alert.raised', objectType: 'alert', objectId: alert.id, outcome: 'success', detail: { rule: rule.id, severity: rule.severity, eventSeq: event.seq } });
  }
  await tx.query(
    `insert into alert_cursor (name, last_seq, updated_at) values ($1, $2, now())
     on conflict (name) do update set last_seq = greatest(alert_cursor.last_seq, excluded.last_seq), updated_at = now()`,
    [options.cursor ?? 'alerts', options.lastSeq],
  );
  return raised;
}

/**
 * Takes up to `limit` alerts whose delivery is due, leasing each for `leaseMs` (another process
 * skips them meanwhile; a process that dies mid-delivery leaves them due again after the lease).
 */
export async function claimDueDeliveries(db: Queryable, options: { limit: number; leaseMs: number; now?: Date }): Promise<Alert[]> {
  const now = options.now ?? new Date();
  const { rows } = await db.query<AlertRow>(
    `update alert set next_delivery_at = $2::timestamptz + make_interval(secs => $3)
      where id in (select id from alert where delivery_status = 'pending' and next_delivery_at <= $2 order by raised_at limit $1 for update skip locked)
      returning *`,
    [options.limit, now.toISOString(), options.leaseMs / 1000],
  );
  return rows.map(fromRow).sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
}

export async function markAlertDelivered(db: Queryable, id: string, attempts: number, now = new Date()): Promise<void> {
  await db.query(`update alert set delivery_status = 'delivered', delivery_attempts = $2, delivered_at = $3, delivery_error = null where id = $1`, [id, attempts, now.toISOString()]);
}

/** A failed try: due again after `retryInMs`, or given up (`failed`, audited) after the last attempt. */
export async function markAlertDeliveryFailed(db: Queryable, id: string, options: { attempts: number; error: string; retryInMs: number | null; now?: Date }): Promise<void> {
  const now = options.now ?? new Date();
  if (options.retryInMs === null) {
    await db.query(`update alert set delivery_status = 'failed', delivery_attempts = $2, delivery_error = $3 where id = $1`, [id, options.attempts, options.error]);
    await appendAuditEvent(db, { actor: 'system:alerts', action: 'alert.delivery.failed', objectType: 'alert', objectId: id, outcome: 'failure', reason: options.error, detail: { attempts: options.attempts } });
    return;
  }
  await db.query(
    `update alert set delivery_attempts = $2, delivery_error = $3, next_delivery_at = $4::timestamptz + make_interval(secs => $5) where id = $1`,
    [id, options.attempts, options.error, now.toISOString(), options.retryInMs / 1000],
  );
}

export async function findAlert(db: Queryable, id: string): Promise<Alert | null> {
  const { rows } = await db.query<AlertRow>('select * from alert where id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Alerts newest first, optionally by status and rule; paged by `before` (a raised-at time and id). */
export async function listAlerts(db: Queryable, options: { status?: AlertStatus; rule?: string; limit?: number; beforeSeq?: number } = {}): Promise<Alert[]> {
  const { rows } = await db.query<AlertRow>(
    `select * from alert
      where ($1::text is null or status = $1) and ($2::text is null or rule = $2) and ($3::bigint is null or event_seq < $3)
      order by event_seq desc, rule
      limit $4`,
    [options.status ?? null, options.rule ?? null, options.beforeSeq ?? null, options.limit ?? 100],
  );
  return rows.map(fromRow);
}

/** Acknowledges an open alert (audited); an alert already acknowledged stays as it was. Null when there is none. */
export async function acknowledgeAlert(tx: Queryable, id: string, actor: string, now = new Date()): Promise<Alert | null> {
  const { rows } = await tx.query<AlertRow>(
    `update alert set status = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3 where id = $1 and status = 'open' returning *`,
    [id, actor, now.toISOString()],
  );
  if (!rows[0]) return findAlert(tx, id);
  await appendAuditEvent(tx, { actor, action: 'alert.acknowledged', objectType: 'alert', objectId: id, outcome: 'success', detail: { rule: rows[0].rule } });
  return fromRow(rows[0]);
}
