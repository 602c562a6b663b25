import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import { createLogger } from '../lib/logger.ts';
import type { Db } from '../store/db.ts';
import { startPipeline, type Pipeline } from './pipeline.worker.ts';
import { beatWorkerProcess, claimStageJobs, recoverLostStageRuns, recoverUnknownOwnStageRuns, releaseStageJob } from './stage-claim.repository.ts';

/**
 * The lost-worker bookkeeping (finding 7) against both stores: which runs a sweep puts back, and
 * that a run handed on can no longer be settled by the process that lost it.
 */
describe.each(backendKinds)('stage claims and the lost-worker sweep (%s)', (kind) => {
  let db: Db;
  let pipeline: Pipeline;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    // Queue only: the queues and pg-boss's schema, no workers of this process taking the jobs.
    pipeline = await startPipeline({ db, logger: createLogger({ level: 'silent' }), handlers: {} as never, concurrency: 1, work: false });
  });
  afterAll(async () => {
    await pipeline.stop();
    await dispose();
  });

  /** A job of the first stage, fetched (active) by process `owner`, which beats now. */
  const runHeldBy = async (owner: string): Promise<string> => {
    const callId = randomUUID();
    await pipeline.enqueue(null, 'identify-caller', { callId });
    const { rows } = await db.query<{ id: string }>(
      `update pgboss.job set state = 'active', started_on = now() where name = 'identify-caller' and data->>'callId' = $1 returning id`,
      [callId],
    );
    const jobId = rows[0]!.id;
    await beatWorkerProcess(db, { id: owner, host: 'test', pid: 1 });
    await db.transaction((tx) => claimStageJobs(tx, owner, 'identify-caller', [jobId]));
    return jobId;
  };
  const jobState = async (jobId: string) =>
    (await db.query<{ state: string; due: boolean }>(`select state, start_after <= now() as due from pgboss.job where name = 'identify-caller' and id = $1`, [jobId])).rows[0];
  const silence = (processId: string) => db.query(`update worker_process set heartbeat_at = now() - interval '1 minute' where id = $1`, [processId]);

  it('puts back, due now, the run of a process whose heartbeat stopped, and only once', async () => {
    const dead = randomUUID();
    const sweeper = randomUUID();
    const jobId = await runHeldBy(dead);
    await silence(dead);
    const recovered = await db.transaction((tx) => recoverLostStageRuns(tx, sweeper, 12));
    expect(recovered.find((run) => run.jobId === jobId)).toMatchObject({ stage: 'identify-caller', outcome: 'retry', code: 'WORKER_LOST' });
    expect(await jobState(jobId)).toEqual({ state: 'retry', due: true });
    const again = await db.transaction((tx) => recoverLostStageRuns(tx, sweeper, 12));
    expect(again.map((run) => run.jobId)).not.toContain(jobId);
    // The process that lost it cannot settle it any more.
    expect(await db.transaction((tx) => releaseStageJob(tx, dead, 'identify-caller', jobId))).toBe(false);
  });

  it('leaves the run of a process that still beats, however long the run takes', async () => {
    const alive = randomUUID();
    const jobId = await runHeldBy(alive);
    await db.query(`update pgboss.job set started_on = now() - interval '10 minutes' where name = 'identify-caller' and id = $1`, [jobId]);
    await db.query(`update stage_job_claim c set run_started_on = j.started_on from pgboss.job j where j.name = c.queue and j.id = c.job_id and c.job_id = $1`, [jobId]);
    const recovered = await db.transaction((tx) => recoverLostStageRuns(tx, randomUUID(), 12));
    expect(recovered.map((run) => run.jobId)).not.toContain(jobId);
    expect((await jobState(jobId))?.state).toBe('active');
    expect(await db.transaction((tx) => releaseStageJob(tx, alive, 'identify-caller', jobId))).toBe(true);
  });

  it('puts back a process\'s own claim that none of its workers holds (a fetch whose reply was lost)', async () => {
    const self = randomUUID();
    const held = await runHeldBy(self);
    const unknown = await runHeldBy(self);
    await db.query(`update stage_job_claim set claimed_at = now() - interval '1 minute' where process_id = $1`, [self]);
    const recovered = await db.transaction((tx) => recoverUnknownOwnStageRuns(tx, self, [held], 12));
    expect(recovered.map((run) => run.jobId)).toEqual([unknown]);
    expect((await jobState(held))?.state).toBe('active');
  });

  it('gives up on a job that keeps losing its worker, with the code on the job', async () => {
    const dead = randomUUID();
    const jobId = await runHeldBy(dead);
    await db.query(`update pgboss.job set retry_count = 8, retry_limit = 8 where name = 'identify-caller' and id = $1`, [jobId]);
    await silence(dead);
    const recovered = await db.transaction((tx) => recoverLostStageRuns(tx, randomUUID(), 12));
    expect(recovered.find((run) => run.jobId === jobId)?.outcome).toBe('failed');
    const { rows } = await db.query<{ state: string; output: { code: string } }>(`select state, output from pgboss.job where name = 'identify-caller' and id = $1`, [jobId]);
    expect(rows[0]).toEqual({ state: 'failed', output: { code: 'WORKER_LOST' } });
  });

  it.skipIf(kind !== 'pglite')('on the embedded store, every other process is gone (one process per data directory)', async () => {
    const previous = randomUUID();
    const jobId = await runHeldBy(previous); // beat just now: only the single-process rule says it is gone
    const recovered = await db.transaction((tx) => recoverLostStageRuns(tx, randomUUID(), null));
    expect(recovered.map((run) => run.jobId)).toContain(jobId);
  });
});
