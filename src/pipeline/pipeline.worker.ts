import PgBoss from 'pg-boss';
import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { contextFromTraceparent, currentTraceparent, formatTraceparent, tracerName } from '../telemetry/tracing.ts';
import { wakeableSleep } from '../lib/wakeable-sleep.worker.ts';
import type { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from '../store/db.ts';
import { GroupCommit } from '../store/group-commit.ts';
import type { Logger } from '../lib/logger.ts';
import { runWithContext } from '../lib/context.ts';
import { CallchartError, isCallchartError, retryClassOf } from '../lib/errors.ts';
import { policyStages } from '../consent/call-policy.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { AuditEventInput } from '../audit/audit-chain.ts';
import { pipelineStages, nextStage, retryPolicy, stageByName, stageJobSchema, type StageJob, type StageName } from './stages.ts';
import { claimStageJobs, deferStageRun, releaseStageJob } from './stage-claim.repository.ts';
import { WorkerLiveness, type WorkerLivenessTimings } from './worker-liveness.service.ts';

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

function executorFor(tx: Queryable): PgBoss.Db {
  return { executeSql: async (text, values) => tx.query(text, values) };
}

/**
 * pg-boss over either backend. On PostgreSQL it gets its own pool; on PGlite it goes through an
 * adapter, and multi-statement DDL (its own migrations) runs through PGlite's `exec`.
 */
function createBoss(db: Db): PgBoss {
  // No cron schedules are used; with them off, pg-boss runs no work() loop of its own (its loops
  // settle jobs without awaiting, which a store outage turns into a crash).
  if (db.kind === 'postgres') {
    // Through the Db, so a lost connection surfaces as STORE_UNAVAILABLE like everywhere else.
    return new PgBoss({ schedule: false, db: { executeSql: async (text, values) => db.query(text, values) } });
  }
  const lite = db.raw as PGlite;
  return new PgBoss({
    schedule: false,
    db: {
      executeSql: async (text, values) => {
        if (values && values.length > 0) return lite.query(text, values);
        const results = await lite.exec(text);
        return { rows: results[results.length - 1]?.rows ?? [] };
      },
    },
  });
}

/** What one stage run came to, settled in one transaction with the job's state. */
type StageOutcome =
  /** `code`: the handler failed for good (a permanent error); the run ends here, nothing follows. */
  | { kind: 'completed'; next: StageName | null; audit?: AuditEventInput; code?: string; traceparent?: string }
  | { kind: 'failed'; code: string; audit?: AuditEventInput }
  /** The store was unreachable: run again when it is back, without spending a retry. */
  | { kind: 'deferred'; code: string };

export async function startPipeline(options: {
  db: Db;
  logger: Logger;
  handlers: Record<StageName, StageHandler>;
  concurrency: number;
  /** Workers off: queue only (the API process in a split deployment, or tests of ingest). */
  work?: boolean;
  /** Heartbeat and lost-worker sweep timings; the defaults are the product's. */
  liveness?: Partial<WorkerLivenessTimings>;
  /** How often an idle stage worker looks for due jobs (default 500 ms; a commit wakes it sooner). */
  pollMs?: number;
  /** Each stage run is a span, a child of the span that queued its job (AN-1); default: no tracing. */
  tracer?: Tracer;
  /** Told after every stage run (metrics): how long it took and how it ended, with the error code. */
  onStageRun?: (run: { stage: StageName; seconds: number; outcome: 'completed' | 'failed' | 'deferred'; code?: string | undefined }) => void;
}): Promise<Pipeline> {
  const { db, logger, handlers } = options;
  const tracer = options.tracer ?? trace.getTracer(tracerName);
  const boss = createBoss(db);
  // pg-boss reports its own failures here; without a listener an 'error' event would crash us.
  boss.on('error', (error) => logger.error({ err: { message: error.message, code: (error as { code?: string }).code } }, 'job queue error'));
  await boss.start();
  for (const stage of pipelineStages) {
    // expireInSeconds stays as the backstop for a run that hangs in a live process; a run whose
    // process died is put back by the lost-worker sweep within seconds (WorkerLiveness).
    await boss.createQueue(stage.name, { name: stage.name, ...retryPolicy[stage.retry], expireInSeconds: 300 });
  }

  const send = async (tx: Queryable | null, stage: StageName, job: StageJob, startAfterSeconds = 0) => {
    await boss.send(stage, job, {
      ...(tx ? { db: executorFor(tx) } : {}),
      ...retryPolicy[stageByName(stage).retry],
      ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}),
    });
  };

  /** One stage run; never throws: every way it can end is an outcome to settle. */
  const runStage = async (name: StageName, job: PgBoss.JobWithMetadata<StageJob>): Promise<StageOutcome> => {
    const parsed = stageJobSchema.safeParse(job.data);
    if (!parsed.success) {
      return { kind: 'completed', next: null, audit: { actor: `worker:${name}`, action: `pipeline.${name}.failed`, objectType: 'job', objectId: job.id, outcome: 'failure', reason: 'PAYLOAD_INVALID' } };
    }
    const payload = parsed.data;
    const startedAt = performance.now();
    // A child of the span that queued the job (the webhook that ended the call, or the stage before).
    const outcome = await tracer.startActiveSpan(
      `stage ${name}`,
      { kind: SpanKind.CONSUMER, attributes: { 'callchart.stage': name, 'callchart.call.id': payload.callId, 'callchart.job.retry_count': job.retryCount } },
      contextFromTraceparent(payload.traceparent),
      async (span): Promise<StageOutcome> => {
        const ran = await runHandler(name, job, payload);
        const code = ran.code;
        if (code) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: code });
          span.setAttribute('error.type', code);
        }
        span.end();
        const traceparent = formatTraceparent(span.spanContext());
        return ran.kind === 'completed' && traceparent ? { ...ran, traceparent } : ran;
      },
    );
    const { code } = outcome;
    options.onStageRun?.({ stage: name, seconds: (performance.now() - startedAt) / 1000, outcome: code && outcome.kind === 'completed' ? 'failed' : outcome.kind, code });
    return outcome;
  };

  const runHandler = async (name: StageName, job: PgBoss.JobWithMetadata<StageJob>, payload: StageJob): Promise<StageOutcome> =>
    runWithContext({ callId: payload.callId, traceId: payload.traceId, actor: `worker:${name}` }, async (): Promise<StageOutcome> => {
      const finalAttempt = job.retryCount >= job.retryLimit;
      try {
        await handlers[name](payload, { retryCount: job.retryCount, finalAttempt });
        await assertPolicyAsked(db, name, payload.callId);
        return { kind: 'completed', next: nextStage(name) };
      } catch (error) {
        const retry = retryClassOf(error);
        const code = isCallchartError(error) ? error.code : 'INTERNAL';
        logger.warn({ stage: name, code, retry, retryCount: job.retryCount }, 'pipeline stage failed');
        if (code === 'STORE_UNAVAILABLE') return { kind: 'deferred', code };
        const audit: AuditEventInput | undefined =
          retry === 'permanent' || finalAttempt
            ? { actor: `worker:${name}`, action: `pipeline.${name}.failed`, objectType: 'call', objectId: payload.callId, outcome: 'failure', reason: code }
            : undefined;
        // Permanent: retrying cannot help; the failure is recorded and the run ends here.
        if (retry === 'permanent') return { kind: 'completed', next: null, code, ...(audit ? { audit } : {}) };
        // The queue keeps a code, never a message that could carry PHI.
        return { kind: 'failed', code, ...(audit ? { audit } : {}) };
      }
    });

  const workers = new Map<StageName, StageWorker>();
  let liveness: WorkerLiveness | null = null;
  if (options.work !== false) {
    liveness = new WorkerLiveness({
      db, logger, timings: options.liveness,
      onRecovered: (runs) => {
        for (const run of runs) workers.get(run.stage as StageName)?.wake();
      },
      runningJobs: () => [...workers.values()].flatMap((worker) => worker.runningJobIds()),
    });
    const processId = liveness.processId;
    const batchSize = Math.max(1, options.concurrency);
    // Stage results of every stage settle in shared transactions (issue 18, throughput): each
    // result is a few statements, and one commit for several results saves a round trip pair and
    // a WAL flush per result. Each result still commits before its next stage is woken, and a
    // batch that fails is retried one result per transaction (store/group-commit.ts).
    const settles = new GroupCommit(db, { maxBatch: 16, maxWaitMs: 2, maxConcurrentBatches: db.kind === 'pglite' ? 1 : 2 });
    for (const stage of pipelineStages) {
      workers.set(stage.name, new StageWorker({
        stage: stage.name, batchSize, pollMs: options.pollMs ?? 500, logger,
        // Fetch and claim in one transaction: a job is never active without a known owner.
        fetch: (limit) =>
          db.transaction(async (tx) => {
            const jobs = await boss.fetch<StageJob>(stage.name, { batchSize: limit, includeMetadata: true, db: executorFor(tx) });
            await claimStageJobs(tx, processId, stage.name, jobs.map((job) => job.id));
            return jobs;
          }),
        run: (job) => runStage(stage.name, job),
        // The result, the job's new state, the next stage and any audit entry commit together, and
        // only while the run is still this process's (the sweep may have handed it on).
        settle: async (job, outcome) => {
          // Ordered by job id: batches lock job and claim rows in one order, so they cannot deadlock.
          const settled = await settles.submit(async (tx) => {
            if (!(await releaseStageJob(tx, processId, stage.name, job.id))) return false;
            if (outcome.kind === 'deferred') {
              await deferStageRun(tx, stage.name, job.id, outcome.code);
              return true;
            }
            if (outcome.audit) await appendAuditEvent(tx, outcome.audit);
            if (outcome.kind === 'completed') {
              await boss.complete(stage.name, job.id, {}, { db: executorFor(tx) });
              // The next stage's span is a child of this one: the call's trace reads stage after stage.
              if (outcome.next) await send(tx, outcome.next, { ...stageJobSchema.parse(job.data), ...(outcome.traceparent ? { traceparent: outcome.traceparent } : {}) });
            } else {
              await boss.fail(stage.name, job.id, { code: outcome.code }, { db: executorFor(tx) });
            }
            return true;
          }, { orderKey: job.id });
          if (!settled) logger.info({ stage: stage.name, job: job.id }, 'stage run was handed on while it ran; its result is dropped');
          else if (outcome.kind === 'completed' && outcome.next) workers.get(outcome.next)?.wake();
        },
      }));
    }
    // Registers this process and puts back what a killed predecessor left active (PGlite: all of it).
    await liveness.start();
    for (const worker of workers.values()) worker.start();
  }

  return {
    async enqueueFirst(tx, job, enqueueOptions) {
      await send(tx, pipelineStages[0].name, job, enqueueOptions?.startAfterSeconds ?? 0);
    },
    // Queued from a request or a stage: the job joins the trace it was queued in.
    enqueue: (tx, stage, job) => {
      const traceparent = job.traceparent ?? currentTraceparent();
      return send(tx, stage, traceparent ? { ...job, traceparent } : job);
    },
    wake() {
      workers.get(pipelineStages[0].name)?.wake();
    },
    async pendingJobs() {
      const { rows } = await db.query<{ count: string }>(
        `select count(*)::text as count from pgboss.job where state in ('created', 'retry', 'active')`,
      );
      return Number(rows[0]?.count ?? 0);
    },
    async stop() {
      // Stop taking work, give runs in flight a moment, then put back whatever is unfinished.
      for (const worker of workers.values()) worker.stopPolling();
      await Promise.race([Promise.allSettled([...workers.values()].map((worker) => worker.stopped())), delay(5_000)]);
      await liveness?.stop();
      await boss.stop({ graceful: true, wait: true, timeout: 5_000 });
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * The poll loop of one stage: fetch due jobs (claimed by this process), run them side by side,
 * settle each. Not pg-boss's `work()`: pg-boss 10 settles a run without awaiting it
 * (`this.complete(...)` in `Manager.watch`), so a store that fails at that moment is an unhandled
 * rejection that ends the process (finding 6), and it cannot record the owner with the fetch
 * (finding 7). Every store call here is awaited and survives an outage: polls fail quietly and
 * resume, and a result waits (retried) until the store is back to be saved.
 *
 * Up to `batchSize` runs are in flight at once, and freed places are filled as runs settle (issue
 * 18): waiting for a whole batch before fetching the next left the stage idle behind its slowest
 * run (one slow EHR answer held up fifteen finished calls).
 */
class StageWorker {
  private polling = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly wakers = new Set<() => void>();
  private readonly running = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private woken = false;
  private pollFailing = false;
  /** The last fetch filled every free place: more jobs are probably due. */
  private moreDue = false;

  constructor(
    private readonly deps: {
      stage: StageName;
      batchSize: number;
      pollMs: number;
      logger: Logger;
      fetch: (limit: number) => Promise<PgBoss.JobWithMetadata<StageJob>[]>;
      run: (job: PgBoss.JobWithMetadata<StageJob>) => Promise<StageOutcome>;
      settle: (job: PgBoss.JobWithMetadata<StageJob>, outcome: StageOutcome) => Promise<void>;
    },
  ) {}

  start(): void {
    this.polling = true;
    this.loop = this.poll();
  }

  /** Look for work now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    for (const wakeUp of this.wakers) wakeUp();
  }

  stopPolling(): void {
    this.polling = false;
    this.wake();
  }

  /** Jobs fetched and not yet settled: this worker's claims the sweep must leave alone. */
  runningJobIds(): string[] {
    return [...this.running];
  }

  /** Resolves when the loop has ended (runs in flight settled or given up). */
  stopped(): Promise<void> {
    return this.loop;
  }

  private async poll(): Promise<void> {
    const { stage, batchSize, logger } = this.deps;
    while (this.polling) {
      this.woken = false;
      const free = batchSize - this.inFlight.size;
      let jobs: PgBoss.JobWithMetadata<StageJob>[] = [];
      if (free > 0) {
        try {
          jobs = await this.deps.fetch(free);
          if (this.pollFailing) logger.info({ stage }, 'pipeline polling resumed');
          this.pollFailing = false;
        } catch (error) {
          // The store is away (restart, failover, network): say so once, keep polling.
          if (!this.pollFailing) logger.warn({ stage, code: isCallchartError(error) ? error.code : 'INTERNAL' }, 'pipeline polling failed');
          this.pollFailing = true;
        }
        this.moreDue = jobs.length === free;
        // Jobs run side by side and settle one by one: a bad call never fails its neighbours.
        for (const job of jobs) this.track(job);
        // Every place taken and more probably due: fill places as they free up (track wakes us).
        if (this.moreDue && this.inFlight.size < batchSize) continue;
      }
      if (this.polling && !this.woken) await this.sleep(this.deps.pollMs);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private track(job: PgBoss.JobWithMetadata<StageJob>): void {
    this.running.add(job.id);
    const run = (async () => {
      try {
        await this.settle(job, await this.deps.run(job));
      } finally {
        this.running.delete(job.id);
      }
    })().catch(() => undefined);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      // More was due when the places filled: fetch again once a quarter of them are free (one
      // fetch for several jobs, not one per finished run). New jobs wake the worker themselves.
      const free = this.deps.batchSize - this.inFlight.size;
      if (this.polling && this.moreDue && free >= Math.max(1, Math.floor(this.deps.batchSize / 4))) this.wake();
    });
  }

  /** Saves a run's outcome; while the store is away, tries again (the run stays claimed meanwhile). */
  private async settle(job: PgBoss.JobWithMetadata<StageJob>, outcome: StageOutcome): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.deps.settle(job, outcome);
        return;
      } catch (error) {
        const code = isCallchartError(error) ? error.code : 'INTERNAL';
        // Only an unreachable store is worth waiting out; anything else would fail again. Then the
        // run is let go: this process's sweep puts back claims no worker of it holds.
        if (!this.polling || (code !== 'STORE_UNAVAILABLE' && attempt >= 4)) {
          // Stopping: the stop puts the run back, or (store away) live peers' sweep will.
          this.deps.logger.warn({ stage: this.deps.stage, job: job.id, code }, 'stage result not saved; the run will be put back');
          return;
        }
        if (attempt === 0) this.deps.logger.warn({ stage: this.deps.stage, job: job.id, code }, 'stage result not saved yet; retrying');
        await this.sleep(Math.min(5_000, 250 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return wakeableSleep(ms, this.wakers);
  }
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
