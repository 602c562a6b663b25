import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../store/db.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import type { PurgeableClass, StoredArtifact } from './retention-schedule.ts';

/**
 * Storage for retention (RE-1): the content inventory (kept by triggers, migration 0021), legal
 * holds, purge runs and the schedule. Ids, classes and key ids only.
 */

/** Who deletes in a purge transaction: the inventory triggers record it on every artifact. */
export const purgeDeleter = 'retention-purge';

/**
 * Names the deleter for the rest of the transaction (`callchart.deleted_by`): a delete that names
 * nobody leaves its artifact live in the inventory, to be reported as a deletion outside policy.
 */
export async function nameDeleter(tx: Queryable, deleter: string): Promise<void> {
  await tx.query("select set_config('callchart.deleted_by', $1, true)", [deleter]);
}

// Setting a hold and purging a call exclude each other: a purge transaction takes this lock shared,
// a hold change takes it exclusively, so a hold committed before a call's purge is always seen.
const holdLockId = 727274021;
// One purge run at a time across processes (session lock on PostgreSQL).
export const purgeRunLockId = 727274022;

export async function lockHoldsShared(tx: Queryable): Promise<void> {
  await tx.query('select pg_advisory_xact_lock_shared($1)', [holdLockId]);
}

// ---------- legal holds ----------

export type HoldScope = 'call' | 'patient';

export interface LegalHold {
  id: string;
  scope: HoldScope;
  callId: string | null;
  patientId: string | null;
  reason: string;
  setBy: string;
  setAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: string | null;
}

interface HoldRow {
  id: string; scope: HoldScope; call_id: string | null; patient_id: string | null; reason: string; set_by: string; set_at: Date | string;
  released_by: string | null; released_at: Date | string | null; release_reason: string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function holdFromRow(row: HoldRow): LegalHold {
  return {
    id: row.id, scope: row.scope, callId: row.call_id, patientId: row.patient_id, reason: row.reason, setBy: row.set_by, setAt: iso(row.set_at)!,
    releasedBy: row.released_by, releasedAt: iso(row.released_at), releaseReason: row.release_reason,
  };
}

/**
 * Places a legal hold on a call or on a patient (all their calls, present and future), audited as
 * `retention.hold.set` with ids only (the reason stays in the hold, for auditors). A call hold
 * names a call that still exists: a purged call has nothing left to hold.
 */
export async function setLegalHold(db: Db, input: { scope: HoldScope; callId?: string; patientId?: string; reason: string; actor: string }, now = new Date()): Promise<LegalHold> {
  const hold = await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [holdLockId]);
    if (input.scope === 'call') {
      const { rows } = await tx.query('select 1 from call where id = $1', [input.callId]);
      if (rows.length === 0) return null;
    }
    const { rows } = await tx.query<HoldRow>(
      `insert into legal_hold (id, scope, call_id, patient_id, reason, set_by, set_at) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [randomUUID(), input.scope, input.scope === 'call' ? input.callId : null, input.scope === 'patient' ? input.patientId : null, input.reason, input.actor, now.toISOString()],
    );
    const hold = holdFromRow(rows[0]!);
    await appendAuditEvent(tx, {
      actor: input.actor, action: 'retention.hold.set', objectType: 'legal-hold', objectId: hold.id, outcome: 'success',
      detail: { scope: hold.scope, ...(hold.callId ? { callId: hold.callId } : {}), ...(hold.patientId ? { patientId: hold.patientId } : {}) },
    }, now);
    return hold;
  });
  if (hold) return hold;
  // The refusal is audited in its own transaction: the one above rolled back nothing worth keeping.
  await recordAuditEvent(db, { actor: input.actor, action: 'retention.hold.set', objectType: 'call', objectId: input.callId ?? null, outcome: 'rejected', reason: 'NOT_FOUND' });
  throw new CallchartError('NOT_FOUND', 'no such call (never stored, or already purged)', { callId: input.callId });
}

/** Releases a hold in force (audited `retention.hold.released`); the purge takes the calls at its next run. */
export async function releaseLegalHold(db: Db, input: { id: string; reason: string; actor: string }, now = new Date()): Promise<LegalHold> {
  const released = await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [holdLockId]);
    const { rows } = await tx.query<HoldRow>('select * from legal_hold where id = $1', [input.id]);
    const existing = rows[0];
    if (!existing) return 'NOT_FOUND' as const;
    if (existing.released_at) return 'LEGAL_HOLD_RELEASED' as const;
    const updated = await tx.query<HoldRow>(
      'update legal_hold set released_by = $2, released_at = $3, release_reason = $4 where id = $1 returning *',
      [input.id, input.actor, now.toISOString(), input.reason],
    );
    const hold = holdFromRow(updated.rows[0]!);
    await appendAuditEvent(tx, {
      actor: input.actor, action: 'retention.hold.released', objectType: 'legal-hold', objectId: hold.id, outcome: 'success',
      detail: { scope: hold.scope, ...(hold.callId ? { callId: hold.callId } : {}), ...(hold.patientId ? { patientId: hold.patientId } : {}) },
    }, now);
    return hold;
  });
  if (typeof released !== 'string') return released;
  await recordAuditEvent(db, { actor: input.actor, action: 'retention.hold.released', objectType: 'legal-hold', objectId: input.id, outcome: 'rejected', reason: released });
  throw new CallchartError(released, released === 'NOT_FOUND' ? 'no such legal hold' : 'this legal hold was already released', { id: input.id });
}

export async function listLegalHolds(db: Queryable, options: { status: 'in-force' | 'released' | 'all' } = { status: 'in-force' }): Promise<LegalHold[]> {
  const where = options.status === 'in-force' ? 'where released_at is null' : options.status === 'released' ? 'where released_at is not null' : '';
  const { rows } = await db.query<HoldRow>(`select * from legal_hold ${where} order by set_at desc, id limit 1000`);
  return rows.map(holdFromRow);
}

// ---------- what the purge reads about a call ----------

export interface CallRetentionRow {
  id: string;
  queue: string | null;
  requestType: string | null;
  /** The retention class the call's last policy decision named (null: none was stored). */
  retentionClass: string | null;
  endedAt: Date;
  reviewStatus: string | null;
  reviewDecidedAt: Date | null;
  openWriteBacks: number;
  holdIds: string[];
  artifacts: StoredArtifact[];
}

/**
 * Calls that may have something due at `now`: a live artifact whose call ended longer ago than the
 * shortest days of its class (`shortestDays`). A superset of what is due (drafts count from the
 * later review decision; the call's own class may keep longer); the plan decides. Keyset-paged by id.
 */
export async function callsWithLiveArtifacts(db: Queryable, options: { now: Date; shortestDays: Record<PurgeableClass, number>; afterId: string | null; limit: number }): Promise<string[]> {
  const { rows } = await db.query<{ call_id: string }>(
    `select distinct i.call_id from content_inventory i
       join call c on c.id = i.call_id
       join jsonb_each_text($2::jsonb) d on d.key = i.artifact_class
     where i.deleted_at is null and ($3::uuid is null or i.call_id > $3::uuid)
       and (coalesce(c.ended_at, c.started_at, c.created_at) <= $1::timestamptz - d.value::int * interval '1 day'
         -- Kept call audio may end earlier, at its own expires_at (speech.audio.retentionDays).
         or (i.artifact_class = 'audio' and exists (select 1 from call_audio a where a.id::text = i.object_id and a.expires_at <= $1::timestamptz)))
     order by i.call_id limit $4`,
    [options.now.toISOString(), JSON.stringify(options.shortestDays), options.afterId, options.limit],
  );
  return rows.map((row) => row.call_id);
}

/** One call's retention facts; `lock` locks the call row for the rest of the transaction. */
export async function loadCallRetention(db: Queryable, callId: string, options: { lock?: boolean } = {}): Promise<CallRetentionRow | null> {
  const { rows } = await db.query<{
    id: string; queue: string | null; request_type: string | null; retention_class: string | null; ended_at: Date | string;
    review_status: string | null; decided_at: Date | string | null; open_write_backs: number | string; hold_ids: string[];
  }>(
    `select c.id, c.queue, c.request_type, c.policy_decision->>'retention' as retention_class,
       coalesce(c.ended_at, c.started_at, c.created_at) as ended_at,
       (select r.status from review_item r where r.call_id = c.id) as review_status,
       (select r.decided_at from review_item r where r.call_id = c.id) as decided_at,
       (select count(*) from write_back_item w where w.call_id = c.id and w.status <> 'delivered') as open_write_backs,
       array(select h.id::text from legal_hold h where h.released_at is null and (h.call_id = c.id or h.patient_id = any(c.caller_patient_ids)) order by h.id) as hold_ids
     from call c where c.id = $1 ${options.lock ? 'for update of c' : ''}`,
    [callId],
  );
  const row = rows[0];
  if (!row) return null;
  const artifacts = await db.query<{ artifact_class: PurgeableClass; object_id: string; key_id: string | null; expires_at: Date | string | null }>(
    `select i.artifact_class, i.object_id, i.key_id, a.expires_at from content_inventory i
       left join call_audio a on i.artifact_class = 'audio' and a.id::text = i.object_id
     where i.call_id = $1 and i.deleted_at is null order by i.artifact_class, i.object_id`,
    [callId],
  );
  return {
    id: row.id, queue: row.queue, requestType: row.request_type, retentionClass: row.retention_class, endedAt: new Date(row.ended_at),
    reviewStatus: row.review_status, reviewDecidedAt: row.decided_at ? new Date(row.decided_at) : null, openWriteBacks: Number(row.open_write_backs),
    holdIds: row.hold_ids ?? [],
    artifacts: artifacts.rows.map((artifact) => ({
      artifactClass: artifact.artifact_class, objectId: artifact.object_id, keyId: artifact.key_id,
      ...(artifact.expires_at ? { expiresAt: new Date(artifact.expires_at) } : {}),
    })),
  };
}

/**
 * Deletes the given artifacts of a call (the deleter must be named first). With `removeCall`,
 * everything else of the call goes too: events, consents, IVR session, review item, outbox rows
 * and the call row. Audit events keep the call's id: the chain never loses a link.
 */
export async function deleteCallArtifacts(tx: Queryable, callId: string, artifacts: readonly StoredArtifact[], removeCall: boolean): Promise<void> {
  const of = (artifactClass: PurgeableClass) => artifacts.filter((artifact) => artifact.artifactClass === artifactClass).map((artifact) => artifact.objectId);
  // The live display's copies (migration 0039: the card, understanding and live transcript shared
  // between engine processes) go with any of the call's content: they are derived from it.
  await tx.query('delete from live_view where call_id = $1', [callId]);
  const transcripts = of('transcript');
  if (transcripts.length) {
    await tx.query('delete from transcript where call_id = $1 and event_id = any($2::bigint[])', [callId, transcripts]);
    // Real-time utterances (migration 0037) are transcript content staged before assembly: they go with the transcripts.
    await tx.query('delete from realtime_transcript_segment where call_id = $1', [callId]);
  }
  if (of('summary').length || of('redacted-transcript').length) await tx.query('delete from call_analysis where call_id = $1', [callId]);
  const audio = of('audio');
  if (audio.length) await tx.query('delete from call_audio where call_id = $1 and id::text = any($2::text[])', [callId, audio]);
  const evidence = of('identity-evidence').map((id) => id.split(':')[1]!);
  if (evidence.length) await tx.query('delete from identity_evidence where call_id = $1 and method = any($2::text[])', [callId, evidence]);
  const versions = of('draft-version');
  if (versions.length) {
    await tx.query(
      `delete from review_version where review_id = any(select id from review_item where call_id = $1) and (review_id::text || ':' || version) = any($2::text[])`,
      [callId, versions],
    );
  }
  if (!removeCall) return;
  for (const statement of [
    'delete from write_back_item where call_id = $1',
    'delete from review_version where review_id = any(select id from review_item where call_id = $1)',
    'delete from review_item where call_id = $1',
    'delete from transcript where call_id = $1',
    'delete from realtime_transcript_segment where call_id = $1',
    'delete from call_audio where call_id = $1',
    'delete from call_analysis where call_id = $1',
    'delete from identity_evidence where call_id = $1',
    'delete from call_consent where call_id = $1',
    'delete from call_standing_consent where call_id = $1',
    'delete from ivr_session where call_id = $1',
    // The caller's number is call metadata (sealed under the call-metadata class): it goes with the call.
    'delete from call_caller_number where call_id = $1',
    'delete from call_event where call_id = $1',
    'delete from call where id = $1',
  ]) {
    await tx.query(statement, [callId]);
  }
}

export async function stampPurgeRun(tx: Queryable, callId: string, runId: string): Promise<void> {
  await tx.query('update content_inventory set purge_run_id = $2 where call_id = $1 and deleted_by = $3 and purge_run_id is null', [callId, runId, purgeDeleter]);
}

// ---------- deletions outside policy ----------

export interface MissingArtifact {
  artifactClass: PurgeableClass;
  objectId: string;
  callId: string;
  keyId: string | null;
}

/** Live artifacts whose row is gone: deleted by someone who is not a named deleter (by hand, truncate). */
export async function findMissingArtifacts(db: Queryable, limit = 1000): Promise<MissingArtifact[]> {
  const { rows } = await db.query<{ artifact_class: PurgeableClass; object_id: string; call_id: string; key_id: string | null }>(
    `select i.artifact_class, i.object_id, i.call_id, i.key_id from content_inventory i
     where i.deleted_at is null and case i.artifact_class
       when 'transcript' then not exists (select 1 from transcript t where t.event_id = i.object_id::bigint)
       when 'audio' then not exists (select 1 from call_audio a where a.id::text = i.object_id)
       when 'redacted-transcript' then not exists (select 1 from call_analysis a where a.call_id = i.call_id)
       when 'summary' then not exists (select 1 from call_analysis a where a.call_id = i.call_id)
       when 'identity-evidence' then not exists (select 1 from identity_evidence e where e.call_id = i.call_id and e.method = split_part(i.object_id, ':', 2))
       when 'draft-version' then not exists (select 1 from review_version v where v.review_id = split_part(i.object_id, ':', 1)::uuid and v.version = split_part(i.object_id, ':', 2)::int)
       when 'call-metadata' then not exists (select 1 from call c where c.id = i.call_id)
       else false end
     order by i.call_id, i.artifact_class, i.object_id limit $1`,
    [limit],
  );
  return rows.map((row) => ({ artifactClass: row.artifact_class, objectId: row.object_id, callId: row.call_id, keyId: row.key_id }));
}

/**
 * Records each missing artifact once: marked `outside-policy` in the inventory and audited as
 * `retention.deleted-outside-policy` in the same transaction (a second finder records nothing).
 * Returns what it recorded.
 */
export async function recordDeletionsOutsidePolicy(db: Db, actor: string, now = new Date()): Promise<MissingArtifact[]> {
  const recorded: MissingArtifact[] = [];
  for (;;) {
    const missing = await findMissingArtifacts(db, 500);
    if (missing.length === 0) return recorded;
    await db.transaction(async (tx) => {
      for (const artifact of missing) {
        const marked = await tx.query(
          `update content_inventory set deleted_at = $3, deleted_by = 'outside-policy' where artifact_class = $1 and object_id = $2 and deleted_at is null`,
          [artifact.artifactClass, artifact.objectId, now.toISOString()],
        );
        if (marked.rowCount === 0) continue;
        recorded.push(artifact);
        await appendAuditEvent(tx, {
          actor, action: 'retention.deleted-outside-policy', objectType: artifact.artifactClass, objectId: artifact.objectId, outcome: 'failure',
          reason: 'ROW_MISSING', detail: { callId: artifact.callId, ...(artifact.keyId ? { keyId: artifact.keyId } : {}) },
        }, now);
      }
    });
    if (missing.length < 500) return recorded;
  }
}

// ---------- purge runs and the schedule ----------

export interface PurgeRun {
  id: string;
  asOf: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'finished' | 'failed';
  policyVersion: string | null;
  artifactsPurged: number;
  callsRemoved: number;
  deletedOutsidePolicy: number;
  keysDestroyed: string[];
  errorCode: string | null;
}

interface RunRow {
  id: string; as_of: Date | string; started_at: Date | string; finished_at: Date | string | null; status: PurgeRun['status']; policy_version: string | null;
  artifacts_purged: number; calls_removed: number; deleted_outside_policy: number; keys_destroyed: string[]; error_code: string | null;
}

function runFromRow(row: RunRow): PurgeRun {
  return {
    id: row.id, asOf: iso(row.as_of)!, startedAt: iso(row.started_at)!, finishedAt: iso(row.finished_at), status: row.status, policyVersion: row.policy_version,
    artifactsPurged: Number(row.artifacts_purged), callsRemoved: Number(row.calls_removed), deletedOutsidePolicy: Number(row.deleted_outside_policy),
    keysDestroyed: row.keys_destroyed ?? [], errorCode: row.error_code,
  };
}

export async function startPurgeRun(db: Queryable, asOf: Date, policyVersion: string): Promise<string> {
  const id = randomUUID();
  await db.query("insert into retention_purge_run (id, as_of, status, policy_version) values ($1, $2, 'running', $3)", [id, asOf.toISOString(), policyVersion]);
  return id;
}

export async function finishPurgeRun(db: Queryable, id: string, outcome: { status: 'finished' | 'failed'; artifactsPurged: number; callsRemoved: number; deletedOutsidePolicy: number; keysDestroyed: readonly string[]; errorCode?: string }): Promise<void> {
  await db.query(
    `update retention_purge_run set status = $2, finished_at = now(), artifacts_purged = $3, calls_removed = $4, deleted_outside_policy = $5, keys_destroyed = $6, error_code = $7 where id = $1`,
    [id, outcome.status, outcome.artifactsPurged, outcome.callsRemoved, outcome.deletedOutsidePolicy, [...outcome.keysDestroyed], outcome.errorCode ?? null],
  );
}

export async function listPurgeRuns(db: Queryable, limit = 10): Promise<PurgeRun[]> {
  const { rows } = await db.query<RunRow>('select * from retention_purge_run order by started_at desc, id limit $1', [limit]);
  return rows.map(runFromRow);
}

export async function saveSchedule(db: Queryable, everyMinutes: number, nextRunAt: Date): Promise<void> {
  await db.query(
    `insert into retention_schedule (id, every_minutes, next_run_at) values (1, $1, $2)
     on conflict (id) do update set every_minutes = excluded.every_minutes, next_run_at = excluded.next_run_at, updated_at = now()`,
    [everyMinutes, nextRunAt.toISOString()],
  );
}

export async function readSchedule(db: Queryable): Promise<{ everyMinutes: number; nextRunAt: string } | null> {
  const { rows } = await db.query<{ every_minutes: number; next_run_at: Date | string }>('select every_minutes, next_run_at from retention_schedule where id = 1');
  return rows[0] ? { everyMinutes: Number(rows[0].every_minutes), nextRunAt: iso(rows[0].next_run_at)! } : null;
}

/** The inventory of one call, deleted or not (for the purge proof). */
export async function callInventory(db: Queryable, callId: string): Promise<Array<{ artifactClass: PurgeableClass; objectId: string; keyId: string | null; deletedAt: string | null; deletedBy: string | null; purgeRunId: string | null }>> {
  const { rows } = await db.query<{ artifact_class: PurgeableClass; object_id: string; key_id: string | null; deleted_at: Date | string | null; deleted_by: string | null; purge_run_id: string | null }>(
    'select artifact_class, object_id, key_id, deleted_at, deleted_by, purge_run_id from content_inventory where call_id = $1 order by artifact_class, object_id',
    [callId],
  );
  return rows.map((row) => ({ artifactClass: row.artifact_class, objectId: row.object_id, keyId: row.key_id, deletedAt: iso(row.deleted_at), deletedBy: row.deleted_by, purgeRunId: row.purge_run_id }));
}
