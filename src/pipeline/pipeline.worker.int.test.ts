import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, chainAuditFor, openTestDb } from '../../test/helpers/backends.ts';
import { eventually } from '../../test/helpers/engine-harness.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import type { Db } from '../store/db.ts';
import { startPipeline, type Pipeline, type StageHandler } from './pipeline.worker.ts';
import { firstStage, nextStage, pipelineStages, type StageName } from './stages.ts';

/**
 * The stage table's retry column as pg-boss runs it: a permanent failure is tried once and
 * stops the call's pipeline (audited with its code); a transient one is retried and the pipeline
 * carries on in table order.
 */
describe.each(backendKinds)('pipeline runner: retry classes and stage order (%s)', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let stopChainer: () => Promise<void>;
  let pipeline: Pipeline;
  const runs: { stage: StageName; callId: string }[] = [];
  const failOnce = new Set<string>();
  const failPermanently = new Set<string>();

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    stopChainer = await chainAuditFor(db);
    const handler = (stage: StageName): StageHandler => async ({ callId }) => {
      runs.push({ stage, callId });
      if (stage === 'understand-call' && failPermanently.has(callId)) throw new CallchartError('PAYLOAD_INVALID', 'synthetic permanent failure');
      if (stage === firstStage && failOnce.delete(callId)) throw new CallchartError('EHR_UNAVAILABLE', 'synthetic transient failure');
    };
    const handlers = Object.fromEntries(pipelineStages.map((stage) => [stage.name, handler(stage.name)])) as Record<StageName, StageHandler>;
    pipeline = await startPipeline({ db, logger: createLogger({ level: 'silent' }), handlers, concurrency: 2 });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await stopChainer();
    await dispose();
  });

  const stagesRunFor = (callId: string) => runs.filter((run) => run.callId === callId).map((run) => run.stage);
  const tableOrder = (() => {
    const order: StageName[] = [];
    for (let stage: StageName | null = firstStage; stage; stage = nextStage(stage)) order.push(stage);
    return order;
  })();

  it('a transient failure is retried, and then every stage runs once, in table order', async () => {
    const callId = randomUUID();
    failOnce.add(callId);
    await db.transaction((tx) => pipeline.enqueueFirst(tx, { callId }));
    await eventually(async () => (stagesRunFor(callId).includes(tableOrder.at(-1)!) ? true : null), 60_000, 'the last stage');
    expect(stagesRunFor(callId)).toEqual([firstStage, ...tableOrder]);
  });

  it('a permanent failure is tried once, audited with its code, and the later stages never run', async () => {
    const callId = randomUUID();
    failPermanently.add(callId);
    await db.transaction((tx) => pipeline.enqueueFirst(tx, { callId }));
    const failed = await eventually(async () => (await listAuditEvents(db, { limit: 10_000 })).find((event) => event.objectId === callId && event.action === 'pipeline.understand-call.failed'), 60_000, 'the failure audit');
    expect(failed.reason).toBe('PAYLOAD_INVALID');
    // Another call passing through all stages shows the runner is still going; this one stayed stopped.
    const witness = randomUUID();
    await db.transaction((tx) => pipeline.enqueueFirst(tx, { callId: witness }));
    await eventually(async () => (stagesRunFor(witness).includes(tableOrder.at(-1)!) ? true : null), 60_000, 'the witness call');
    expect(stagesRunFor(callId)).toEqual(tableOrder.slice(0, tableOrder.indexOf('understand-call') + 1));
  });
});
