import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db, Queryable } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { isCallchartError } from '../lib/errors.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { beatWorkerProcess, forgetWorkerProcess, putBackOwnStageRuns, recoverLostStageRuns, recoverUnknownOwnStageRuns, type LostStageRun } from './stage-claim.repository.ts';

export interface WorkerLivenessTimings {
  /** How often this process says it is alive. */
  heartbeatMs: number;
  /** A process silent this long is gone; its stage runs are put back. Several beats, so a busy
   * process (a slow EHR, a full connection pool) is never mistaken for a dead one. */
  staleAfterMs: number;
  /** How often each live process looks for runs of gone ones. */
  sweepMs: number;
}

/** SIGKILL → the run is due again within about staleAfterMs + sweepMs (bench/recovery.bench.ts). */
export const defaultLivenessTimings: WorkerLivenessTimings = { heartbeatMs: 3_000, staleAfterMs: 12_000, sweepMs: 3_000 };

/**
 * Finding 7: a worker process that dies (SIGKILL, OOM, a lost host) leaves its stage jobs
 * 'active', and pg-boss 10 only notices at the job's expiry (5 minutes). Every process that runs
 * stages beats in `worker_process`; every live process sweeps on a timer (and once at start) for
 * runs held by processes whose beat stopped, and puts them back to run now.
 *
 * Not cutting off a slow but live worker: the beat runs on its own timer, independent of how long
 * a stage takes. Not cutting off everyone after a store outage (when every beat failed at once):
 * a process sweeps only after its own beats have succeeded for a full staleAfterMs, by which time
 * every live peer has beaten again too. The embedded store has one process by construction (the
 * data directory lock), so there the sweep at start puts back everything at once.
 *
 * The same sweep puts back this process's own claims that none of its workers holds: a fetch whose
 * COMMIT went through but whose reply was lost with the connection leaves jobs active and claimed
 * by a live process that never saw them.
 */
export class WorkerLiveness {
  readonly processId = randomUUID();
  private readonly timings: WorkerLivenessTimings;
  /** Since when every beat succeeded; null after a failed beat. */
  private healthySince: number | null = null;
  private timers: NodeJS.Timeout[] = [];
  private beating = false;
  private sweeping: Promise<LostStageRun[]> | null = null;
  private stopped = false;
  private beatFailing = false;

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      timings?: Partial<WorkerLivenessTimings>;
      /** Runs were put back: wake the stage workers that can take them now. */
      onRecovered?: (runs: LostStageRun[]) => void;
      /** The job ids this process's workers hold right now (fetched, not yet settled). */
      runningJobs?: () => readonly string[];
    },
  ) {
    this.timings = { ...defaultLivenessTimings, ...deps.timings };
  }

  /** Registers this process, then puts back what processes that are gone left running. */
  async start(): Promise<void> {
    await beatWorkerProcess(this.deps.db, this.row());
    this.healthySince = Date.now();
    this.timers.push(setInterval(() => void this.beat(), this.timings.heartbeatMs).unref());
    this.timers.push(setInterval(() => void this.sweep(), this.timings.sweepMs).unref());
    await this.sweep();
  }

  /** One sweep now (also run by the timer). Returns the runs it put back. */
  async sweep(): Promise<LostStageRun[]> {
    if (this.stopped) return [];
    if (this.deps.db.kind === 'postgres' && (this.healthySince === null || Date.now() - this.healthySince < this.timings.staleAfterMs)) return [];
    this.sweeping ??= this.sweepNow().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  /** Timers off; this process's unfinished runs go back to the queue; the process is forgotten. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.sweeping;
    try {
      const runs = await this.deps.db.transaction(async (tx) => {
        const putBack = await putBackOwnStageRuns(tx, this.processId);
        await this.audit(tx, putBack, 'system:pipeline-stop');
        await forgetWorkerProcess(tx, this.processId);
        return putBack;
      });
      if (runs.length > 0) this.deps.logger.info({ putBack: runs.length }, 'unfinished stage runs put back at stop');
    } catch (error) {
      // The store is gone too: the process's beat stops, so live peers put its runs back.
      this.deps.logger.warn({ code: codeOf(error) }, 'stage runs not put back at stop; peers will');
    }
  }

  private row() {
    return { id: this.processId, host: hostname(), pid: process.pid };
  }

  private async beat(): Promise<void> {
    if (this.beating || this.stopped) return;
    this.beating = true;
    try {
      await beatWorkerProcess(this.deps.db, this.row());
      this.healthySince ??= Date.now();
      if (this.beatFailing) this.deps.logger.info({ processId: this.processId }, 'worker heartbeat restored');
      this.beatFailing = false;
    } catch (error) {
      this.healthySince = null;
      // Once per outage, not every beat.
      if (!this.beatFailing) this.deps.logger.warn({ processId: this.processId, code: codeOf(error) }, 'worker heartbeat failed');
      this.beatFailing = true;
    } finally {
      this.beating = false;
    }
  }

  private async sweepNow(): Promise<LostStageRun[]> {
    const { db, logger } = this.deps;
    try {
      const runs = await db.transaction(async (tx) => {
        const lost = await recoverLostStageRuns(tx, this.processId, db.kind === 'pglite' ? null : this.timings.staleAfterMs / 1_000);
        // And this process's own claims that no worker of it holds (a fetch whose commit reply was lost).
        lost.push(...(await recoverUnknownOwnStageRuns(tx, this.processId, this.deps.runningJobs?.() ?? [], this.timings.staleAfterMs / 1_000)));
        await this.audit(tx, lost, 'system:pipeline-sweep');
        return lost;
      });
      if (runs.length > 0) {
        logger.warn({ retried: runs.filter((run) => run.outcome === 'retry').length, failed: runs.filter((run) => run.outcome === 'failed').length }, 'stage runs of a lost worker put back');
        this.deps.onRecovered?.(runs);
      }
      return runs;
    } catch (error) {
      logger.warn({ code: codeOf(error) }, 'lost-worker sweep failed');
      return [];
    }
  }

  /** Each put-back run is on the record: the call, the stage, why (ids and codes only). */
  private async audit(tx: Queryable, runs: LostStageRun[], actor: string): Promise<void> {
    for (const run of runs) {
      await appendAuditEvent(tx, {
        actor,
        action: run.outcome === 'retry' ? `pipeline.${run.stage}.recovered` : `pipeline.${run.stage}.failed`,
        objectType: 'call',
        objectId: run.callId,
        outcome: 'failure',
        reason: run.code,
        detail: { job: run.jobId, retryCount: run.retryCount, next: run.outcome },
      });
    }
  }
}

function codeOf(error: unknown): string {
  return isCallchartError(error) ? error.code : 'INTERNAL';
}
