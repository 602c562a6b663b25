import type { Queryable } from '../store/db.ts';

/**
 * Who runs which stage job (finding 7). pg-boss 10 has no worker heartbeat: a job whose process
 * died stays 'active' until its expiry. These tables add the missing fact — which live process
 * holds the run — so a run whose process stopped beating can be put back within seconds.
 * The SQL touches `pgboss.job` only where pg-boss's own plans do (state, start_after, output).
 */

export interface WorkerProcessRow {
  id: string;
  host: string;
  pid: number;
}

/** A stage run whose process is gone, as the sweep found it. */
export interface LostStageRun {
  jobId: string;
  stage: string;
  callId: string | null;
  retryCount: number;
  /** 'retry': put back to run now; 'failed': it has cost too many workers already. */
  outcome: 'retry' | 'failed';
  /** WORKER_LOST or WORKER_STOPPED. */
  code: string;
}

/**
 * A lost worker is not the stage's fault, so even a stage with no retries (deterministic rules)
 * is run again; a job that keeps taking its worker down stops after this many runs.
 */
export const minimumRunsAfterLostWorker = 3;

/** Why a run was put back (audit reason and the job's output): its process is gone, or stopped. */
export const workerLostCode = 'WORKER_LOST';
export const workerStoppedCode = 'WORKER_STOPPED';

/** Registers the process, or beats: one upsert, so a process the sweep judged gone comes back. */
export async function beatWorkerProcess(db: Queryable, process: WorkerProcessRow): Promise<void> {
  await db.query(
    `insert into worker_process (id, host, pid) values ($1, $2, $3)
     on conflict (id) do update set heartbeat_at = now()`,
    [process.id, process.host, process.pid],
  );
}

export async function forgetWorkerProcess(db: Queryable, processId: string): Promise<void> {
  await db.query('delete from worker_process where id = $1', [processId]);
}

/** Records that `processId` runs these jobs; call in the transaction that fetched them. */
export async function claimStageJobs(tx: Queryable, processId: string, stage: string, jobIds: readonly string[]): Promise<void> {
  if (jobIds.length === 0) return;
  await tx.query(
    `insert into stage_job_claim (job_id, queue, process_id, run_started_on)
     select id, name, $1, started_on from pgboss.job where name = $2 and id = any($3::uuid[]) and state = 'active'
     on conflict (job_id) do update
       set process_id = excluded.process_id, run_started_on = excluded.run_started_on, claimed_at = now()`,
    [processId, stage, jobIds],
  );
}

/**
 * Drops this process's claim on a job and says whether the run is still its own to settle: false
 * when the sweep gave the job to another run meanwhile (or pg-boss expired it).
 */
export async function releaseStageJob(tx: Queryable, processId: string, stage: string, jobId: string): Promise<boolean> {
  const { rows } = await tx.query<{ count: number }>(
    `with mine as (
       delete from stage_job_claim where job_id = $1 and process_id = $2 and queue = $3
       returning job_id, queue, run_started_on)
     select count(*)::int as count
       from mine join pgboss.job j on j.name = mine.queue and j.id = mine.job_id
      where j.state = 'active' and j.started_on = mine.run_started_on`,
    [jobId, processId, stage],
  );
  return (rows[0]?.count ?? 0) > 0;
}

/**
 * A run that could not do its work because the store was unreachable goes back to the queue
 * without spending a retry: a store outage is nobody's failure, and an outage longer than a
 * stage's retry budget (or a stage with none) must not fail calls for good. Clearing started_on
 * is what keeps pg-boss's next fetch from counting it as an attempt.
 */
export async function deferStageRun(tx: Queryable, stage: string, jobId: string, code: string): Promise<void> {
  await tx.query(
    `update pgboss.job set state = 'retry', start_after = now() + interval '1 second', started_on = null, output = $3::jsonb
      where name = $1 and id = $2 and state = 'active'`,
    [stage, jobId, JSON.stringify({ code })],
  );
}

/**
 * Puts back the stage runs of processes that are gone. `staleAfterSeconds`: a process whose last
 * beat is older is gone; null: every other process is gone (the embedded store has one process).
 * Concurrent sweepers are safe: each lost claim is deleted once, by whichever sweeper gets it.
 */
export async function recoverLostStageRuns(tx: Queryable, selfId: string, staleAfterSeconds: number | null): Promise<LostStageRun[]> {
  await tx.query(
    `delete from worker_process
      where id <> $1 and ($2::float8 is null or heartbeat_at < now() - make_interval(secs => $2::float8))`,
    [selfId, staleAfterSeconds],
  );
  return putBack(tx, 'c.process_id <> $1 and not exists (select 1 from worker_process p where p.id = c.process_id)', [selfId], workerLostCode);
}

/**
 * This process's claims on runs it is not running: the fetch committed but its answer was lost
 * with the connection (a reset between COMMIT and its reply), so the jobs never reached a worker.
 * `minAgeSeconds` keeps a fetch that just committed, and is being handed to a worker, out of reach.
 */
export async function recoverUnknownOwnStageRuns(tx: Queryable, processId: string, runningJobIds: readonly string[], minAgeSeconds: number): Promise<LostStageRun[]> {
  return putBack(
    tx,
    `c.process_id = $1 and not (c.job_id = any($2::uuid[])) and c.claimed_at < now() - make_interval(secs => $3::float8)`,
    [processId, runningJobIds, minAgeSeconds],
    workerLostCode,
  );
}

/** At a graceful stop: this process's unfinished runs go back to the queue, due now. */
export async function putBackOwnStageRuns(tx: Queryable, processId: string): Promise<LostStageRun[]> {
  return putBack(tx, 'c.process_id = $1', [processId], workerStoppedCode);
}

async function putBack(tx: Queryable, whichClaims: string, params: unknown[], code: string): Promise<LostStageRun[]> {
  const { rows } = await tx.query<{ id: string; name: string; call_id: string | null; retry_count: number; retry_limit: number }>(
    `with lost as (
       delete from stage_job_claim c where ${whichClaims}
       returning c.job_id, c.queue, c.run_started_on)
     select j.id, j.name, j.data->>'callId' as call_id, j.retry_count, j.retry_limit
       from lost join pgboss.job j on j.name = lost.queue and j.id = lost.job_id
      where j.state = 'active' and j.started_on = lost.run_started_on`,
    params,
  );
  const lost: LostStageRun[] = [];
  for (const row of rows) {
    const outcome = row.retry_count < Math.max(row.retry_limit, minimumRunsAfterLostWorker) ? 'retry' : 'failed';
    // As pg-boss's own failJobs does, minus the backoff: the stage did not fail, its worker went
    // away, so the run is due now. started_on stays, so the next fetch counts the attempt.
    await tx.query(
      outcome === 'retry'
        ? `update pgboss.job set state = 'retry', start_after = now(), output = $3::jsonb
            where name = $1 and id = $2 and state = 'active'`
        : `update pgboss.job set state = 'failed', completed_on = now(), output = $3::jsonb
            where name = $1 and id = $2 and state = 'active'`,
      [row.name, row.id, JSON.stringify({ code })],
    );
    lost.push({ jobId: row.id, stage: row.name, callId: row.call_id, retryCount: row.retry_count, outcome, code });
  }
  return lost;
}
