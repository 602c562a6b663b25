import PgBoss from 'pg-boss';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { Db, Queryable } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { runWithContext } from '../lib/context.ts';
import { CallchartError, isCallchartError, retryClassOf } from '../lib/errors.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { policyStages } from '../consent/call-policy.ts';
import { pipelineStages, nextStage, retryPolicy, stageByName, stageJobSchema, type StageJob, type StageName } from './stages.ts';

/** What a stage handler returns: whether the stage's output now exists. */
export type StageHandler = (job: StageJob, attempt: { retryCount: number; finalAttempt: boolean }) => Promise<void>;

export interface Pipeline {
  /** Queue the first stage for a call inside the caller's transaction (durable with the event). */
  enqueueFirst(tx: Queryable, job: StageJob, options?: { startAfterSeconds?: number }): Promise<void>;
  enqueue(tx: Queryable | null, stage: StageName, job: StageJob): Promise<void>;
  /** Wake the first stage's worker now instead of at its next poll (after the commit). */
  wake(): void;
  /** Count of jobs not yet completed (for demo progress and tests). */
  pendingJobs(): Promise<number>;
  stop(): Promise<void>;
}

/** A stage failure as the queue stores it: a code, never a message that could carry PHI. */
class StageFailure extends Error {}

function executorFor(tx: Queryable): PgBoss.Db {
  return { executeSql: async (text, values) => tx.query(text, values) };
}

/**
 * pg-boss over either backend. On PostgreSQL it gets its own pool; on PGlite it goes through an
 * adapter, and multi-statement DDL (its own migrations) runs through PGlite's `exec`.
 */
function createBoss(db: Db): PgBoss {
  if (db.kind === 'postgres') {
    const pool = db.raw as pg.Pool;
    return new PgBoss({ db: { executeSql: async (text, values) => pool.query(text, values) } });
  }
  const lite = db.raw as PGlite;
  return new PgBoss({
    db: {
      executeSql: async (text, values) => {
        if (values && values.length > 0) return lite.query(text, values);
        const results = await lite.exec(text);
        return { rows: results[results.length - 1]?.rows ?? [] };
      },
    },
  });
}

export async function startPipeline(options: {
  db: Db;
  logger: Logger;
  handlers: Record<StageName, StageHandler>;
  concurrency: number;
  /** Workers off: queue only (the API process in a split deployment, or tests of ingest). */
  work?: boolean;
}): Promise<Pipeline> {
  const { db, logger, handlers } = options;
  const boss = createBoss(db);
  // pg-boss reports its own failures here; without a listener an 'error' event would crash us.
  boss.on('error', (error) => logger.error({ err: { message: error.message, code: (error as { code?: string }).code } }, 'job queue error'));
  await boss.start();
  for (const stage of pipelineStages) {
    await boss.createQueue(stage.name, { name: stage.name, ...retryPolicy[stage.retry], expireInSeconds: 300 });
  }

  const workerIds = new Map<StageName, string>();
  const send = async (tx: Queryable | null, stage: StageName, job: StageJob, startAfterSeconds = 0) => {
    await boss.send(stage, job, {
      ...(tx ? { db: executorFor(tx) } : {}),
      ...retryPolicy[stageByName(stage).retry],
      ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}),
    });
  };

  if (options.work !== false) {
    for (const stage of pipelineStages) {
      const batchSize = Math.max(1, options.concurrency);
      const runOne = async (job: PgBoss.JobWithMetadata<StageJob>) => {
        const payload = stageJobSchema.parse(job.data);
        await runWithContext({ callId: payload.callId, traceId: payload.traceId, actor: `worker:${stage.name}` }, async () => {
          const finalAttempt = job.retryCount >= job.retryLimit;
          try {
            await handlers[stage.name](payload, { retryCount: job.retryCount, finalAttempt });
            await assertPolicyAsked(db, stage.name, payload.callId);
          } catch (error) {
            const retry = retryClassOf(error);
            const code = isCallchartError(error) ? error.code : 'INTERNAL';
            logger.warn({ stage: stage.name, code, retry, retryCount: job.retryCount }, 'pipeline stage failed');
            if (retry === 'permanent' || finalAttempt) {
              await db.transaction((tx) =>
                appendAuditEvent(tx, {
                  actor: `worker:${stage.name}`,
                  action: `pipeline.${stage.name}.failed`,
                  objectType: 'call',
                  objectId: payload.callId,
                  outcome: 'failure',
                  reason: code,
                }),
              );
            }
            if (retry === 'permanent') return; // retrying cannot help; the failure is recorded
            throw new StageFailure(code); // never hand PHI to the queue's error column
          }
          const next = nextStage(stage.name);
          if (next) {
            await send(null, next, payload);
            const nextWorker = workerIds.get(next);
            if (nextWorker) boss.notifyWorker(nextWorker);
          }
        });
      };
      const id = await boss.work<StageJob>(
        stage.name,
        { includeMetadata: true, batchSize, pollingIntervalSeconds: 0.5 },
        async (jobs) => {
          // Jobs of a batch run side by side and fail one by one: a bad call never fails its neighbours.
          const results = await Promise.allSettled(jobs.map(runOne));
          for (const [index, result] of results.entries()) {
            if (result.status === 'rejected') {
              const code = result.reason instanceof StageFailure ? result.reason.message : 'INTERNAL';
              await boss.fail(stage.name, jobs[index]!.id, { code });
            }
          }
          // A full batch means more may be waiting: poll again now rather than after the interval.
          const self = workerIds.get(stage.name);
          if (jobs.length === batchSize && self) boss.notifyWorker(self);
        },
      );
      workerIds.set(stage.name, id);
    }
  }

  return {
    async enqueueFirst(tx, job, enqueueOptions) {
      await send(tx, pipelineStages[0].name, job, enqueueOptions?.startAfterSeconds ?? 0);
    },
    enqueue: send,
    wake() {
      const id = workerIds.get(pipelineStages[0].name);
      if (id) boss.notifyWorker(id);
    },
    async pendingJobs() {
      const { rows } = await db.query<{ count: string }>(
        `select count(*)::text as count from pgboss.job where state in ('created', 'retry', 'active')`,
      );
      return Number(rows[0]?.count ?? 0);
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5_000 });
    },
  };
}


/**
 * A stage that handles call content must have asked the policy function (CO-2): its decision is
 * on the call, named for the stage, once the handler is done. A handler that forgot fails here,
 * permanently and audited, instead of passing content on unchecked.
 */
async function assertPolicyAsked(db: Queryable, stageName: StageName, callId: string): Promise<void> {
  const expected = stageByName(stageName).policyStage;
  if (!expected) return;
  const { rows } = await db.query<{ stage: string | null }>(`select policy_decision->>'stage' as stage from call where id = $1`, [callId]);
  // A replayed job may find a later stage's decision (the item was approved since): that one counts.
  const order: readonly string[] = policyStages;
  const recorded = rows[0]?.stage ?? null;
  if (rows[0] && (recorded === null || order.indexOf(recorded) < order.indexOf(expected))) {
    throw new CallchartError('POLICY_NOT_ASKED', `stage ${stageName} finished without a ${expected} policy decision`, { stage: stageName });
  }
}
