import type { Db, Queryable } from '../store/db.ts';
import type { QueuePolicy } from '../consent/queue-policy.schema.ts';
import { verifyAuditLog } from '../audit/audit.repository.ts';
import type { CheckpointSink } from '../audit/audit-checkpoint.ts';
import type { AuditKey } from '../audit/audit-key.ts';
import { auditRetentionYears, planCallPurge, retentionRules, shortestRetentionDays, type PurgeableClass } from './retention-schedule.ts';
import {
  callInventory, callsWithLiveArtifacts, findMissingArtifacts, listLegalHolds, listPurgeRuns, loadCallRetention, readSchedule,
  recordDeletionsOutsidePolicy, type LegalHold, type PurgeRun,
} from './retention.repository.ts';
import { dataKeyStates, destroyedDataKeys, shreddableDataKeys, type KeyState } from './key-shredding.repository.ts';
import { retentionFactsOf } from './retention-purge.service.ts';

/**
 * The retention report (RE-1): anything past policy that still exists (should be nothing), what
 * is due but kept (legal holds, unfinished review or write-back), deletions outside policy, keys
 * destroyed, the last and next purge. And the purge proof of one call. Ids and codes only.
 */
export interface RetentionReport {
  asOf: string;
  policyVersion: string;
  /** Nothing past policy and no key overdue for destruction. */
  ok: boolean;
  /** Every kind of call content kept, with how many are stored now and the rule that deletes them. */
  inventory: Array<{ artifactClass: PurgeableClass; live: number; rule: string }>;
  pastPolicy: { total: number; artifacts: Array<{ callId: string; artifactClass: PurgeableClass; objectId: string; dueAt: string; retentionClass: string }> };
  /** Data keys that seal nothing any more and whose bucket is over, not yet destroyed. */
  keysOverdue: string[];
  held: Array<{ callId: string; holdIds: readonly string[]; artifactsDue: number }>;
  waiting: Array<{ callId: string; reason: 'review-pending' | 'write-back-pending'; artifactsDue: number; oldestDueAt: string }>;
  holdsInForce: LegalHold[];
  deletedOutsidePolicy: { total: number; foundNow: number; recent: Array<{ artifactClass: string; objectId: string; callId: string; recordedAt: string }> };
  keysDestroyed: { total: number; recent: KeyState[] };
  lastRun: PurgeRun | null;
  nextPurgeAt: string | null;
  audit: { keptYears: number; oldestEventAt: string | null; purgedByThisJob: false };
}

const detailLimit = 500;

/**
 * Builds the report at `now`. With `recordMissing`, artifacts found deleted outside policy are
 * recorded and audited (`retention.deleted-outside-policy`) as the purge does; otherwise only counted.
 */
export async function buildRetentionReport(db: Db, current: { policy: QueuePolicy; version: string }, now: Date, options: { recordMissing: boolean }): Promise<RetentionReport> {
  const { policy } = current;
  const foundNow = options.recordMissing ? (await recordDeletionsOutsidePolicy(db, 'system:retention-report')).length : (await findMissingArtifacts(db)).length;
  const report: RetentionReport = {
    asOf: now.toISOString(), policyVersion: current.version, ok: true,
    inventory: await contentInventory(db, policy),
    pastPolicy: { total: 0, artifacts: [] }, keysOverdue: [], held: [], waiting: [],
    holdsInForce: await listLegalHolds(db, { status: 'in-force' }),
    deletedOutsidePolicy: { total: 0, foundNow, recent: [] },
    keysDestroyed: await destroyedDataKeys(db, 20),
    lastRun: (await listPurgeRuns(db, 1))[0] ?? null,
    nextPurgeAt: (await readSchedule(db))?.nextRunAt ?? null,
    audit: { keptYears: auditRetentionYears(policy), oldestEventAt: await oldestAuditEvent(db), purgedByThisJob: false },
  };
  const shortestDays = shortestRetentionDays(policy);
  let afterId: string | null = null;
  for (;;) {
    const callIds = await callsWithLiveArtifacts(db, { now, shortestDays, afterId, limit: 500 });
    for (const callId of callIds) {
      const row = await loadCallRetention(db, callId);
      if (!row) continue;
      const facts = retentionFactsOf(row, policy);
      const plan = planCallPurge(facts, now);
      if (plan.action === 'purge') {
        report.pastPolicy.total += plan.artifacts.length;
        for (const artifact of plan.artifacts) {
          if (report.pastPolicy.artifacts.length >= detailLimit) break;
          report.pastPolicy.artifacts.push({ callId, artifactClass: artifact.artifactClass, objectId: artifact.objectId, dueAt: artifact.dueAt.toISOString(), retentionClass: facts.retentionClass });
        }
      } else if (plan.action === 'hold') {
        if (report.held.length < detailLimit) report.held.push({ callId, holdIds: plan.holdIds, artifactsDue: plan.due.length });
      } else if (plan.action === 'wait') {
        const oldest = plan.due.reduce((min, artifact) => (artifact.dueAt < min ? artifact.dueAt : min), plan.due[0]!.dueAt);
        if (report.waiting.length < detailLimit) report.waiting.push({ callId, reason: plan.reason, artifactsDue: plan.due.length, oldestDueAt: oldest.toISOString() });
      }
    }
    if (callIds.length < 500) break;
    afterId = callIds[callIds.length - 1]!;
  }
  report.keysOverdue = await shreddableDataKeys(db, now);
  const outside = await db.query<{ artifact_class: string; object_id: string; call_id: string; deleted_at: Date | string; total: string | number }>(
    `select artifact_class, object_id, call_id, deleted_at, count(*) over () as total from content_inventory
     where deleted_by = 'outside-policy' order by deleted_at desc, object_id limit 20`,
  );
  report.deletedOutsidePolicy.total = Number(outside.rows[0]?.total ?? 0);
  report.deletedOutsidePolicy.recent = outside.rows.map((row) => ({ artifactClass: row.artifact_class, objectId: row.object_id, callId: row.call_id, recordedAt: new Date(row.deleted_at).toISOString() }));
  report.ok = report.pastPolicy.total === 0 && report.keysOverdue.length === 0;
  return report;
}

async function contentInventory(db: Queryable, policy: QueuePolicy): Promise<RetentionReport['inventory']> {
  const { rows } = await db.query<{ artifact_class: PurgeableClass; n: string | number }>(
    'select artifact_class, count(*) as n from content_inventory where deleted_at is null group by artifact_class',
  );
  const live = new Map(rows.map((row) => [row.artifact_class, Number(row.n)]));
  return Object.entries(retentionRules(policy)).map(([artifactClass, rule]) => ({ artifactClass: artifactClass as PurgeableClass, live: live.get(artifactClass as PurgeableClass) ?? 0, rule }));
}

async function oldestAuditEvent(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ at: Date | string }>('select at from audit_event order by seq limit 1');
  return rows[0] ? new Date(rows[0].at).toISOString() : null;
}

// ---------- the purge proof of one call ----------

export interface PurgeProof {
  callId: string;
  /**
   * `proven`: every purged artifact is gone, audited in the verified chain, and every key that
   * sealed it is destroyed. `incomplete`: purged, but something is not yet true (said in `gaps`).
   * `not-purged`: the purge has not taken anything of this call.
   */
  verdict: 'proven' | 'incomplete' | 'not-purged';
  /** The call row itself is gone (its metadata period ended), or only its content. */
  callRemoved: boolean;
  artifacts: Array<{ artifactClass: PurgeableClass; objectId: string; deletedBy: string | null; deletedAt: string | null; purgeRunId: string | null; keyId: string | null; rowGone: boolean; auditSeq: number | null }>;
  keys: KeyState[];
  /** Rows of the call still stored, per table (all zero once the call is removed). */
  rowsLeft: Record<string, number>;
  auditChain: { ok: boolean; events: number; problems: number; pending: number };
  gaps: string[];
}

const callTables = ['call', 'call_event', 'transcript', 'realtime_transcript_segment', 'call_audio', 'call_analysis', 'identity_evidence', 'review_item', 'write_back_item', 'call_consent', 'call_standing_consent', 'ivr_session'] as const;

/**
 * Proves (or shows what is missing for) the purge of one call: its purge audit entries, that its
 * rows are gone, that the keys that sealed them have no wrapped material left, and that the
 * audit chain verifies with the audit key against the signed checkpoints.
 */
export async function provePurge(db: Db, callId: string, options: { key: AuditKey; checkpoints: CheckpointSink | null }): Promise<PurgeProof> {
  const inventory = await callInventory(db, callId);
  const audited = await db.query<{ seq: string | number; object_type: string; object_id: string }>(
    `select seq, object_type, object_id from audit_event where action = 'retention.purged' and detail->>'callId' = $1 order by seq`,
    [callId],
  );
  const auditSeq = new Map(audited.rows.map((row) => [`${row.object_type}|${row.object_id}`, Number(row.seq)]));
  const artifacts: PurgeProof['artifacts'] = [];
  for (const entry of inventory) {
    artifacts.push({ ...entry, rowGone: entry.deletedAt !== null && !(await artifactRowExists(db, callId, entry.artifactClass, entry.objectId)), auditSeq: auditSeq.get(`${entry.artifactClass}|${entry.objectId}`) ?? null });
  }
  const purged = artifacts.filter((artifact) => artifact.deletedBy === 'retention-purge');
  const deleted = artifacts.filter((artifact) => artifact.deletedAt !== null);
  const keys = await dataKeyStates(db, deleted.map((artifact) => artifact.keyId).filter((keyId): keyId is string => keyId !== null));
  const rowsLeft: Record<string, number> = {};
  for (const table of callTables) {
    const column = table === 'call' ? 'id' : 'call_id';
    const { rows } = await db.query<{ n: string | number }>(`select count(*) as n from ${table} where ${column} = $1`, [callId]);
    rowsLeft[table] = Number(rows[0]?.n ?? 0);
  }
  const chain = await verifyAuditLog(db, { key: options.key, checkpoints: options.checkpoints });
  const callRemoved = purged.some((artifact) => artifact.artifactClass === 'call-metadata');
  const gaps: string[] = [];
  for (const artifact of deleted) if (!artifact.rowGone) gaps.push(`${artifact.artifactClass} ${artifact.objectId}: the row is still stored`);
  for (const artifact of purged) if (artifact.auditSeq === null) gaps.push(`${artifact.artifactClass} ${artifact.objectId}: no chained retention.purged audit entry`);
  for (const key of keys) {
    if (key.state === 'legacy') gaps.push(`key ${key.keyId}: the single legacy data key, not shreddable per day (its rows are deleted)`);
    else if (key.state !== 'destroyed' || !key.wrappedKeyGone) gaps.push(`key ${key.keyId}: not destroyed yet (it still seals other content, or its day is not over)`);
  }
  if (callRemoved) for (const [table, count] of Object.entries(rowsLeft)) if (count > 0) gaps.push(`${table}: ${count} rows of the call are still stored`);
  if (!chain.ok) gaps.push(`the audit chain does not verify (${chain.problems.length} problems)`);
  if (chain.pending > 0) gaps.push(`${chain.pending} audit events not yet chained (start the engine, or wait for it to chain them)`);
  return {
    callId,
    verdict: purged.length === 0 ? 'not-purged' : gaps.length === 0 ? 'proven' : 'incomplete',
    callRemoved,
    artifacts,
    keys,
    rowsLeft,
    auditChain: { ok: chain.ok, events: chain.events, problems: chain.problems.length, pending: chain.pending },
    gaps,
  };
}

async function artifactRowExists(db: Queryable, callId: string, artifactClass: PurgeableClass, objectId: string): Promise<boolean> {
  const [first, second] = objectId.split(':');
  const probe: Record<PurgeableClass, [string, unknown[]] | null> = {
    transcript: ['select 1 from transcript where event_id = $1::bigint', [objectId]],
    'redacted-transcript': ['select 1 from call_analysis where call_id = $1', [callId]],
    summary: ['select 1 from call_analysis where call_id = $1', [callId]],
    'identity-evidence': ['select 1 from identity_evidence where call_id = $1 and method = $2', [callId, second]],
    'draft-version': ['select 1 from review_version where review_id = $1::uuid and version = $2::int', [first, second]],
    'call-metadata': ['select 1 from call where id = $1', [callId]],
    audio: ['select 1 from call_audio where id::text = $1', [objectId]],
  };
  const query = probe[artifactClass];
  if (!query) return false;
  const { rows } = await db.query(query[0], query[1]);
  return rows.length > 0;
}
