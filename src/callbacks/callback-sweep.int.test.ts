import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { createLogger } from '../lib/logger.ts';
import { MemoryCheckpointSink } from '../audit/audit-checkpoint.ts';
import { deriveAuditKey } from '../audit/audit-key.ts';
import { AuditChainer } from '../audit/audit.repository.ts';
import { defaultAlertThresholds } from '../alerts/alert-rules.ts';
import { AlertWorker } from '../alerts/alert.worker.ts';
import { listAlerts } from '../alerts/alert.repository.ts';
import { openCallbackTask } from './callback.repository.ts';
import { CallbackSweeper } from './callback-sweep.worker.ts';

/**
 * The overdue sweep and the alert it leads to, on real storage (both backends), with a clock the
 * test moves: an urgent callback past its deadline raises `callback-overdue-urgent` once, however
 * often the sweep and the alert worker run; a routine one past its deadline raises none.
 */
describe.each(backendKinds)('callback overdue sweep on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let chainer: AuditChainer;
  const logger = createLogger({ level: 'silent' });
  const t0 = new Date('2026-12-07T22:00:00.000Z');
  let now = t0;
  const minutes = (count: number) => new Date(t0.getTime() + count * 60_000);

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    chainer = new AuditChainer(db, { key: deriveAuditKey(randomBytes(32)), checkpoints: new MemoryCheckpointSink(), intervalMs: 60_000 });
    chainer.start();
  });
  afterAll(async () => {
    await chainer.stop();
    await dispose();
  });

  it('an overdue urgent callback alerts once; a routine one does not', async () => {
    const open = (urgent: boolean, patientId: string, dueMinutes: number) =>
      db.transaction((tx) => openCallbackTask(tx, {
        origin: 'voicemail', patientId, callId: null, requestType: 'symptom_report', urgent, queue: 'nurse-triage', dueAt: minutes(dueMinutes),
        context: { ivrReason: null, requestTypes: ['symptom_report'], redFlags: urgent ? ['chest_pain'] : [], barriers: [] }, now: t0,
      }));
    const urgent = await open(true, `synthetic-${randomUUID()}`, 15);
    await open(false, `synthetic-${randomUUID()}`, 20);
    const sweeper = new CallbackSweeper({ db, everySeconds: 60, now: () => now, logger });
    const alerts = new AlertWorker({ db, logger, thresholds: defaultAlertThresholds, webhook: null, intervalMs: 60_000, verifyIntervalMs: 0 });
    const pass = async () => {
      await sweeper.sweepNow();
      await chainer.flush();
      return (await alerts.evaluateNewEvents()).map((alert) => alert.rule);
    };

    now = minutes(10);
    expect(await pass()).toEqual([]);
    now = minutes(30);
    expect(await pass()).toEqual(['callback-overdue-urgent']);
    now = minutes(90);
    expect(await pass()).toEqual([]);
    const raised = await listAlerts(db, { rule: 'callback-overdue-urgent' });
    expect(raised).toHaveLength(1);
    expect(raised[0]!.detail).toMatchObject({ taskId: urgent.id, queue: 'nurse-triage', requestType: 'symptom_report' });
    // Ids and codes only: nothing about the patient rides on the alert.
    expect(JSON.stringify(raised[0])).not.toMatch(/synthetic-[0-9a-f]{8}-/);
  });
});
