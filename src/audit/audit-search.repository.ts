import type { Queryable } from '../store/db.ts';
import type { AuditEvent } from './audit-chain.ts';
import { auditEventFromRow, type AuditRow } from './audit.repository.ts';

/**
 * The auditor's questions of the chained audit log (issue 14, the Audit screen): a search by call,
 * patient reference, person, action and period, newest first; and a call's chain of custody, every
 * event about the call in order. Only chained events (what `audit verify` vouches for); rows are
 * ids and codes, so the answers are too.
 */

/** One event as the auditor reads it: the chain fields without the link hashes. */
export type AuditTrailEvent = Omit<AuditEvent, 'prevHash' | 'hash' | 'keyId'>;

export interface AuditSearch {
  /** A call's engine id (a uuid: callers resolve a PBX call id first, findCallForAudit): events about the call, its review item and its chart writes. */
  callId?: string | undefined;
  /** An EHR patient id: events naming the patient, and events about calls linked to them. */
  patientRef?: string | undefined;
  /** `staff:<id>`, `system`, `pbx:twilio`…: who acted. */
  actor?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Drops the link hashes: the screen shows what happened; the signed export carries the links. */
export function forTrail(event: AuditEvent): AuditTrailEvent {
  const { prevHash: _prev, hash: _hash, keyId: _key, ...rest } = event;
  return rest;
}

/**
 * The where-clause for a search, with its parameters from `$first` on. A call's events are the
 * call's own, its review item's and its chart writes' (by object id), and any whose detail names it.
 */
function searchFilter(search: AuditSearch, first: number): { sql: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  const next = (value: unknown) => {
    values.push(value);
    return `$${first + values.length - 1}`;
  };
  if (search.callId !== undefined) {
    const id = next(search.callId);
    clauses.push(`(object_id = ${id} or (detail ? 'callId' and detail->>'callId' = ${id})
      or object_id in (select id::text from review_item where call_id = ${id}::uuid)
      or object_id in (select id::text from write_back_item where call_id = ${id}::uuid))`);
  }
  if (search.patientRef !== undefined) {
    const patient = next(search.patientRef);
    clauses.push(`(detail->>'patientId' = ${patient} or coalesce(detail->'otherPatientIds', '[]'::jsonb) ? ${patient}
      or (object_type = 'patient' and object_id = ${patient})
      or (object_type = 'call' and object_id in (select id::text from call where ${patient} = any(caller_patient_ids))))`);
  }
  if (search.actor !== undefined) clauses.push(`actor = ${next(search.actor)}`);
  if (search.action !== undefined) clauses.push(`action = ${next(search.action)}`);
  if (search.from !== undefined) clauses.push(`at >= ${next(search.from.toISOString())}::timestamptz`);
  if (search.to !== undefined) clauses.push(`at < ${next(search.to.toISOString())}::timestamptz`);
  return { sql: clauses.length ? clauses.join(' and ') : 'true', values };
}

export interface AuditSearchPage {
  events: AuditTrailEvent[];
  /** Pass as `beforeSeq` for the next (older) page; null when this was the last. */
  nextBeforeSeq: number | null;
}

/** A page of matching events, newest first. */
export async function searchAuditTrail(db: Queryable, search: AuditSearch, page: { beforeSeq?: number | undefined; limit: number }): Promise<AuditSearchPage> {
  const filter = searchFilter(search, 3);
  const { rows } = await db.query<AuditRow>(
    `select seq, at, actor, action, object_type, object_id, outcome, reason, consent_status, detail
       from audit_event
      where ($1::bigint is null or seq < $1) and ${filter.sql}
      order by seq desc
      limit $2`,
    [page.beforeSeq ?? null, page.limit + 1, ...filter.values],
  );
  const events = rows.slice(0, page.limit).map((row) => forTrail(auditEventFromRow(row)));
  return { events, nextBeforeSeq: rows.length > page.limit ? events.at(-1)!.seq : null };
}

/**
 * Matching events with their chain links, oldest first (chain order), for a signed export: at most
 * `limit` (the caller says when there were more).
 */
export async function exportAuditTrail(db: Queryable, search: AuditSearch, limit: number): Promise<{ events: AuditEvent[]; more: boolean }> {
  const filter = searchFilter(search, 2);
  const { rows } = await db.query<AuditRow>(
    `select * from audit_event where ${filter.sql} order by seq limit $1`,
    [limit + 1, ...filter.values],
  );
  return { events: rows.slice(0, limit).map(auditEventFromRow), more: rows.length > limit };
}

/** What the timeline shows about the call itself: ids, queue, status and times; never the caller's number. */
export interface CallFacts {
  id: string;
  provider: string;
  providerCallId: string;
  queue: string | null;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The EHR ids of the charts the call is linked to (ids only). */
  patientIds: string[];
}

/** A call's id from its engine id or its PBX call id (what an auditor may have from a complaint). */
export async function findCallForAudit(db: Queryable, reference: string): Promise<CallFacts | null> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(reference);
  const { rows } = await db.query<{ id: string; provider: string; provider_call_id: string; queue: string | null; status: string; started_at: Date | string | null; ended_at: Date | string | null; caller_patient_ids: string[] | null }>(
    `select id, provider, provider_call_id, queue, status, started_at, ended_at, caller_patient_ids from call
      where ${uuid ? 'id = $1::uuid' : 'provider_call_id = $1'} order by created_at desc limit 1`,
    [reference],
  );
  const row = rows[0];
  if (!row) return null;
  const time = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  return { id: row.id, provider: row.provider, providerCallId: row.provider_call_id, queue: row.queue, status: row.status, startedAt: time(row.started_at), endedAt: time(row.ended_at), patientIds: row.caller_patient_ids ?? [] };
}

/** Every event about one call, oldest first (at most `limit`). */
export async function callTimeline(db: Queryable, callId: string, limit = 2000): Promise<AuditTrailEvent[]> {
  const filter = searchFilter({ callId }, 2);
  const { rows } = await db.query<AuditRow>(
    `select seq, at, actor, action, object_type, object_id, outcome, reason, consent_status, detail
       from audit_event where ${filter.sql} order by seq limit $1`,
    [limit, ...filter.values],
  );
  return rows.map((row) => forTrail(auditEventFromRow(row)));
}

/** Staff who acted, by actor (`staff:<id>`): their display name (else user name) and role. Staff names are not PHI. */
export async function staffNames(db: Queryable, actors: Iterable<string>): Promise<Record<string, { name: string; role: string }>> {
  const ids = [...new Set([...actors].filter((actor) => actor.startsWith('staff:')).map((actor) => actor.slice('staff:'.length)))]
    .filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (ids.length === 0) return {};
  const { rows } = await db.query<{ id: string; display_name: string | null; user_name: string; role: string }>(
    'select id, display_name, user_name, role from staff_user where id = any($1::uuid[])',
    [ids],
  );
  return Object.fromEntries(rows.map((row) => [`staff:${row.id}`, { name: row.display_name ?? row.user_name, role: row.role }]));
}

/** `staff:<id>` for a person named by user name (or already an actor / a staff id); null when nobody has that name. */
export async function resolveActor(db: Queryable, who: string): Promise<string | null> {
  if (who.includes(':')) return who;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(who)) return `staff:${who}`;
  if (who === 'system') return who;
  const { rows } = await db.query<{ id: string }>('select id from staff_user where user_name = lower($1)', [who]);
  return rows[0] ? `staff:${rows[0].id}` : null;
}
