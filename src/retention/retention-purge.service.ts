import type pg from 'pg';
import type { Db } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import type { QueuePolicy } from '../consent/queue-policy.schema.ts';
import { retentionClassFor } from '../consent/call-policy.ts';
import { requestTypeCodes, type RequestTypeCode } from '../nlp/analysis.types.ts';
import { planCallPurge, shortestRetentionDays, type CallPurgePlan, type CallRetentionFacts } from './retention-schedule.ts';
import {
  callsWithLiveArtifacts, deleteCallArtifacts, finishPurgeRun, loadCallRetention, lockHoldsShared, nameDeleter, purgeDeleter, purgeRunLockId,
  recordDeletionsOutsidePolicy, saveSchedule, stampPurgeRun, startPurgeRun, type CallRetentionRow,
} from './retention.repository.ts';
import { shreddableDataKeys, type DestroyDataKeys } from './key-shredding.repository.ts';

/**
 * The retention purge (RE-1): at `now`, for every call with something due, deletes the due
 * artifacts and (when the metadata period is over) the call itself, one transaction per call
 * with one `retention.purged` audit entry per artifact; then destroys the data keys that seal
 * nothing any more (crypto-shredding). A legal hold keeps everything of its calls.
 *
 * At-least-once and idempotent: each call's deletions and their audit entries commit together, so
 * a run interrupted anywhere leaves every artifact either purged-and-audited or untouched, and the
 * next run does the rest; key destruction is recomputed from the store each run. One run at a
 * time across processes (an advisory lock); a second one returns at once.
 */
export interface RetentionPurgeDeps {
  db: Db;
  policies: { readonly current: { policy: QueuePolicy; version: string } };
  /** The keyring's crypto-shredding; null on a store without data keys (rows are still deleted). */
  destroyDataKeys: DestroyDataKeys | null;
  logger?: Logger;
}

export interface PurgeOutcome {
  runId: string | null;
  /** Another process (or this one) was already running a purge. */
  skipped: boolean;
  artifactsPurged: number;
  callsRemoved: number;
  /** Calls with something due that a legal hold keeps. */
  callsHeld: number;
  /** Calls with something due that wait for a review or a write-back. */
  callsWaiting: number;
  callsFailed: number;
  deletedOutsidePolicy: number;
  keysDestroyed: string[];
}

export interface PurgeHooks {
  /** After each call's transaction committed (tests interrupt a run here). */
  afterCall?: (callId: string, plan: CallPurgePlan) => void | Promise<void>;
}

const actor = 'system:retention';
const pageSize = 200;

export class RetentionPurge {
  constructor(private readonly deps: RetentionPurgeDeps) {}

  async run(now: Date, hooks: PurgeHooks = {}): Promise<PurgeOutcome> {
    const outcome = await withRunLock(this.deps.db, () => this.runLocked(now, hooks));
    return outcome ?? { runId: null, skipped: true, artifactsPurged: 0, callsRemoved: 0, callsHeld: 0, callsWaiting: 0, callsFailed: 0, deletedOutsidePolicy: 0, keysDestroyed: [] };
  }

  private async runLocked(now: Date, hooks: PurgeHooks): Promise<PurgeOutcome> {
    const { db } = this.deps;
    const { policy, version } = this.deps.policies.current;
    const runId = await startPurgeRun(db, now, version);
    const outcome: PurgeOutcome = { runId, skipped: false, artifactsPurged: 0, callsRemoved: 0, callsHeld: 0, callsWaiting: 0, callsFailed: 0, deletedOutsidePolicy: 0, keysDestroyed: [] };
    try {
      // First what vanished without the purge: recorded once, and its keys are free to go below.
      outcome.deletedOutsidePolicy = (await recordDeletionsOutsidePolicy(db, actor)).length;
      const shortestDays = shortestRetentionDays(policy);
      let afterId: string | null = null;
      for (;;) {
        const callIds = await callsWithLiveArtifacts(db, { now, shortestDays, afterId, limit: pageSize });
        for (const callId of callIds) {
          let plan: CallPurgePlan | null;
          try {
            plan = await this.purgeCall(callId, runId, policy, now);
          } catch (error) {
            // One call that cannot go (a table of another part still refers to it) does not stop the rest;
            // the report shows it as past policy until it does.
            outcome.callsFailed++;
            this.deps.logger?.warn({ callId, err: { code: (error as { code?: string }).code } }, 'retention purge of a call failed');
            continue;
          }
          if (!plan) continue;
          if (plan.action === 'purge') {
            outcome.artifactsPurged += plan.artifacts.length;
            if (plan.removeCall) outcome.callsRemoved++;
          } else if (plan.action === 'hold') {
            outcome.callsHeld++;
          } else if (plan.action === 'wait') {
            outcome.callsWaiting++;
          }
          await hooks.afterCall?.(callId, plan);
        }
        if (callIds.length < pageSize) break;
        afterId = callIds[callIds.length - 1]!;
      }
      if (this.deps.destroyDataKeys) {
        const tried = new Set<string>();
        for (;;) {
          // A key that is still listed after its destruction was tried is not ours to loop on.
          const keys = (await shreddableDataKeys(db, now)).filter((keyId) => !tried.has(keyId));
          if (keys.length === 0) break;
          for (const keyId of keys) tried.add(keyId);
          await this.deps.destroyDataKeys(db, keys, 'retention');
          outcome.keysDestroyed.push(...keys);
        }
      }
      await finishPurgeRun(db, runId, { status: 'finished', ...outcome });
      await recordAuditEvent(db, {
        actor, action: 'retention.run.finished', objectType: 'retention-purge-run', objectId: runId, outcome: outcome.callsFailed > 0 ? 'failure' : 'success',
        detail: {
          asOf: now.toISOString(), policyVersion: version, artifactsPurged: outcome.artifactsPurged, callsRemoved: outcome.callsRemoved, callsHeld: outcome.callsHeld,
          callsWaiting: outcome.callsWaiting, callsFailed: outcome.callsFailed, deletedOutsidePolicy: outcome.deletedOutsidePolicy, keysDestroyed: outcome.keysDestroyed.length,
        },
      });
      return outcome;
    } catch (error) {
      await finishPurgeRun(db, runId, { status: 'failed', ...outcome, errorCode: (error as { code?: string }).code ?? 'INTERNAL' }).catch(() => undefined);
      throw error;
    }
  }

  /** One call in one transaction: re-read under the hold lock, plan, delete, audit each artifact. */
  private async purgeCall(callId: string, runId: string, policy: QueuePolicy, now: Date): Promise<CallPurgePlan | null> {
    return this.deps.db.transaction(async (tx) => {
      await nameDeleter(tx, purgeDeleter);
      await lockHoldsShared(tx);
      const row = await loadCallRetention(tx, callId, { lock: true });
      if (!row) return null;
      const facts = retentionFactsOf(row, policy);
      const plan = planCallPurge(facts, now);
      if (plan.action !== 'purge') return plan;
      await deleteCallArtifacts(tx, callId, plan.artifacts, plan.removeCall);
      await stampPurgeRun(tx, callId, runId);
      for (const artifact of plan.artifacts) {
        await appendAuditEvent(tx, {
          actor, action: 'retention.purged', objectType: artifact.artifactClass, objectId: artifact.objectId, outcome: 'success',
          detail: { callId, retentionClass: facts.retentionClass, runId, dueAt: artifact.dueAt.toISOString(), ...(artifact.keyId ? { keyId: artifact.keyId } : {}) },
        });
      }
      return plan;
    });
  }
}

/** The pure facts of a stored call: its retention class from its policy decision, else from its queue and type. */
export function retentionFactsOf(row: CallRetentionRow, policy: QueuePolicy): CallRetentionFacts {
  const requestType: RequestTypeCode | 'unclassified' = row.requestType && (requestTypeCodes as readonly string[]).includes(row.requestType) ? (row.requestType as RequestTypeCode) : 'unclassified';
  // A class the active policy no longer has: the class the call would get today.
  const retentionClass = row.retentionClass && row.retentionClass in policy.retention ? row.retentionClass : retentionClassFor(policy, row.queue, requestType);
  return {
    retentionClass,
    retention: policy.retention[retentionClass]!,
    endedAt: row.endedAt,
    reviewDecidedAt: row.reviewDecidedAt,
    unfinished: row.reviewStatus === 'pending' ? 'review-pending' : row.openWriteBacks > 0 ? 'write-back-pending' : null,
    holdIds: row.holdIds,
    artifacts: row.artifacts,
  };
}

// In-process guard for the embedded store (one process owns a PGlite directory anyway).
const runningInProcess = new WeakSet<Db>();

/**
 * Runs `work` while holding the purge lock; null when someone else holds it. On PostgreSQL a
 * session advisory lock on a connection of its own: a process that dies frees it with its socket.
 */
async function withRunLock<T>(db: Db, work: () => Promise<T>): Promise<T | null> {
  if (runningInProcess.has(db)) return null;
  runningInProcess.add(db);
  try {
    if (db.kind !== 'postgres') return await work();
    const client = await (db.raw as pg.Pool).connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [purgeRunLockId]);
      if (!rows[0]?.locked) return null;
      try {
        return await work();
      } finally {
        await client.query('select pg_advisory_unlock($1)', [purgeRunLockId]).catch(() => undefined);
      }
    } finally {
      client.release();
    }
  } finally {
    runningInProcess.delete(db);
  }
}

/**
 * Runs the purge every `everyMinutes` on the engine's clock (tests pass their own `now`), and
 * writes when the next run is due, for the report. The first run comes one interval after start.
 */
export class RetentionScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(private readonly options: { db: Db; purge: RetentionPurge; everyMinutes: number; now?: () => Date; logger?: Logger }) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.schedule();
  }

  /** Runs a purge now on the scheduler's clock (the CLI and tests). */
  async runNow(hooks?: PurgeHooks): Promise<PurgeOutcome> {
    const run = this.options.purge.run(this.now(), hooks);
    this.running = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    const delayMs = this.options.everyMinutes * 60_000;
    await saveSchedule(this.options.db, this.options.everyMinutes, new Date(this.now().getTime() + delayMs)).catch(() => undefined);
    this.timer = setTimeout(() => {
      void this.runNow()
        .catch((error: unknown) => this.options.logger?.error({ err: { code: (error as { code?: string }).code } }, 'retention purge failed'))
        .finally(() => void this.schedule());
    }, delayMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
