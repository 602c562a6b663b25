import type { Queryable } from '../store/db.ts';
import type { OutreachKind } from './outreach-settings.ts';

/** One row of an outreach list: ids, dates and codes only (see 0032_outreach_lists.sql). */
export interface OutreachEntry {
  id: string;
  kind: OutreachKind;
  source: 'ehr' | 'csv';
  /** `Encounter/<id>`, `Appointment/<id>`, or `csv:<kind>|<patient>|<date>` for an upload. */
  sourceRef: string;
  patientId: string;
  queue: string;
  eventAt: string;
  reasonCode: string | null;
  barriers: string[];
  callbackTaskId: string | null;
  importId: string | null;
  createdBy: string;
  createdAt: string;
}

interface EntryRow {
  id: string; kind: OutreachKind; source: 'ehr' | 'csv'; source_ref: string; patient_id: string; queue: string; event_at: Date | string;
  reason_code: string | null; barriers: string[]; callback_task_id: string | null; import_id: string | null; created_by: string; created_at: Date | string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

function entryOf(row: EntryRow): OutreachEntry {
  return {
    id: row.id, kind: row.kind, source: row.source, sourceRef: row.source_ref, patientId: row.patient_id, queue: row.queue, eventAt: iso(row.event_at),
    reasonCode: row.reason_code, barriers: row.barriers, callbackTaskId: row.callback_task_id, importId: row.import_id, createdBy: row.created_by, createdAt: iso(row.created_at),
  };
}

export interface NewOutreachEntry {
  id: string;
  kind: OutreachKind;
  source: 'ehr' | 'csv';
  sourceRef: string;
  patientId: string;
  queue: string;
  eventAt: Date;
  reasonCode: string | null;
  barriers: readonly string[];
  importId: string | null;
  createdBy: string;
  now: Date;
}

/** Inserts the entry unless one exists for its list and source record: true when this call added it. */
export async function insertOutreachEntry(tx: Queryable, entry: NewOutreachEntry): Promise<boolean> {
  const result = await tx.query(
    `insert into outreach_entry (id, kind, source, source_ref, patient_id, queue, event_at, reason_code, barriers, import_id, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) on conflict (kind, source_ref) do nothing`,
    [entry.id, entry.kind, entry.source, entry.sourceRef, entry.patientId, entry.queue, entry.eventAt, entry.reasonCode, [...entry.barriers], entry.importId, entry.createdBy, entry.now],
  );
  return result.rowCount === 1;
}

export async function linkCallbackTask(tx: Queryable, entryId: string, taskId: string): Promise<void> {
  await tx.query('update outreach_entry set callback_task_id = $2 where id = $1', [entryId, taskId]);
}

/** Which of these source records already have an entry (a re-run skips them before any work). */
export async function existingSourceRefs(db: Queryable, kind: OutreachKind, sourceRefs: readonly string[]): Promise<Set<string>> {
  if (sourceRefs.length === 0) return new Set();
  const { rows } = await db.query<{ source_ref: string }>('select source_ref from outreach_entry where kind = $1 and source_ref = any($2::text[])', [kind, [...sourceRefs]]);
  return new Set(rows.map((row) => row.source_ref));
}

export async function findOutreachEntry(db: Queryable, id: string): Promise<OutreachEntry | null> {
  const { rows } = await db.query<EntryRow>('select * from outreach_entry where id = $1', [id]);
  return rows[0] ? entryOf(rows[0]) : null;
}

/** Entries in the given queues (`*`: all), newest event first. */
export async function listOutreachEntries(db: Queryable, filter: { queues: readonly string[]; kind?: OutreachKind; limit: number }): Promise<OutreachEntry[]> {
  const all = filter.queues.includes('*');
  const { rows } = await db.query<EntryRow>(
    `select * from outreach_entry where ($1::boolean or queue = any($2::text[])) and ($3::text is null or kind = $3)
     order by event_at desc, id limit $4`,
    [all, [...filter.queues], filter.kind ?? null, filter.limit],
  );
  return rows.map(entryOf);
}

/** Entries per list in the given queues. */
export async function countOutreachEntries(db: Queryable, queues: readonly string[]): Promise<Record<OutreachKind, number>> {
  const { rows } = await db.query<{ kind: OutreachKind; entries: number | string }>(
    'select kind, count(*) as entries from outreach_entry where ($1::boolean or queue = any($2::text[])) group by kind',
    [queues.includes('*'), [...queues]],
  );
  const counts: Record<OutreachKind, number> = { 'post-discharge': 0, 'no-show': 0 };
  for (const row of rows) counts[row.kind] = Number(row.entries);
  return counts;
}

export async function recordOutreachImport(tx: Queryable, entry: { id: string; importedBy: string; total: number; imported: number; already: number; rejected: number; now: Date }): Promise<void> {
  await tx.query(
    'insert into outreach_import (id, imported_by, rows_total, rows_imported, rows_already, rows_rejected, created_at) values ($1, $2, $3, $4, $5, $6, $7)',
    [entry.id, entry.importedBy, entry.total, entry.imported, entry.already, entry.rejected, entry.now],
  );
}

export interface OutreachRun {
  id: string;
  kind: OutreachKind;
  trigger: 'schedule' | 'manual';
  startedAt: string;
  finishedAt: string | null;
  windowFrom: string;
  read: number;
  imported: number;
  already: number;
  capped: boolean;
  resumeLink: string | null;
  errorCode: string | null;
}

interface RunRow {
  id: string; kind: OutreachKind; trigger: 'schedule' | 'manual'; started_at: Date | string; finished_at: Date | string | null; window_from: Date | string;
  read_count: number; imported: number; already: number; capped: boolean; resume_link: string | null; error_code: string | null;
}

function runOf(row: RunRow): OutreachRun {
  return {
    id: row.id, kind: row.kind, trigger: row.trigger, startedAt: iso(row.started_at), finishedAt: row.finished_at ? iso(row.finished_at) : null, windowFrom: iso(row.window_from),
    read: row.read_count, imported: row.imported, already: row.already, capped: row.capped, resumeLink: row.resume_link, errorCode: row.error_code,
  };
}

export async function saveOutreachRun(db: Queryable, run: Omit<OutreachRun, 'startedAt' | 'finishedAt' | 'windowFrom'> & { startedAt: Date; finishedAt: Date; windowFrom: Date }): Promise<void> {
  await db.query(
    `insert into outreach_run (id, kind, trigger, started_at, finished_at, window_from, read_count, imported, already, capped, resume_link, error_code)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [run.id, run.kind, run.trigger, run.startedAt, run.finishedAt, run.windowFrom, run.read, run.imported, run.already, run.capped, run.resumeLink, run.errorCode],
  );
}

/** The newest finished run of a list (where a capped run left off). */
export async function lastOutreachRun(db: Queryable, kind: OutreachKind): Promise<OutreachRun | null> {
  const { rows } = await db.query<RunRow>('select * from outreach_run where kind = $1 order by seq desc limit 1', [kind]);
  return rows[0] ? runOf(rows[0]) : null;
}

/** Calls of one patient (identified uniquely, or linked), newest first: where barriers were heard. */
export async function earlierCallsOf(db: Queryable, patientId: string, since: Date, limit: number): Promise<string[]> {
  if (limit === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `select c.id from call c join call_analysis a on a.call_id = c.id
     where c.caller_outcome = 'unique' and c.caller_patient_ids[1] = $1 and coalesce(c.started_at, c.created_at) >= $2
     order by coalesce(c.started_at, c.created_at) desc limit $3`,
    [patientId, since, limit],
  );
  return rows.map((row) => row.id);
}
