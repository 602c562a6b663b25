import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { listWriteBackItems } from '../write-back/outbox.repository.ts';
import { callbackMetrics } from './callback-metrics.repository.ts';
import { logDemoCallbackAttempts } from '../simulator/demo-callback-attempts.service.ts';
import { defaultCallbackSettings } from './callback-policy.ts';
import {
  assignCallbackTask, closeCallbackTask, completeCallbackTask, findCallbackTask, listCallbackAttempts, listCallbackTasks, markOverdueCallbackTasks,
  openCallbackTask, recordCallbackAttempt, type OpenCallbackTaskInput,
} from './callback.repository.ts';

// Synthetic rows only: callback tasks hold ids and codes, nothing else.
describe.each(backendKinds)('callback tasks on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());
  beforeEach(async () => {
    await db.query('delete from callback_task');
    await db.query('delete from write_back_item');
  });

  // A controllable clock: every call says what time it is.
  const t0 = new Date('2026-12-07T15:00:00.000Z');
  const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const callRow = async () => {
    const id = randomUUID();
    await db.query(`insert into call (id, provider, provider_call_id, status) values ($1, 'synthetic-pbx', $2, 'missed')`, [id, `cb-${id}`]);
    return id;
  };
  const missed = async (overrides: Partial<OpenCallbackTaskInput> = {}): Promise<OpenCallbackTaskInput> => ({
    origin: 'missed-call', patientId: 'synthetic-patient-1', callId: await callRow(), requestType: 'appointment', urgent: false, queue: 'front-desk',
    dueAt: later(24 * 60), context: { ivrReason: 'appointment', requestTypes: ['appointment'], redFlags: [], barriers: [] }, now: t0, ...overrides,
  });
  const open = async (input: OpenCallbackTaskInput) => db.transaction((tx) => openCallbackTask(tx, input));
  const attempt = async (taskId: string, outcome: 'no-answer' | 'answered' | 'wrong-number', minutes: number, callId?: string) =>
    db.transaction((tx) => recordCallbackAttempt(tx, taskId, { outcome, agent: 'staff:synthetic-intake', at: later(minutes), ...(callId ? { callId } : {}) }));
  // No chainer runs here: the events wait in audit_pending, in the order they were written.
  const actions = async (objectId: string) => {
    const { rows } = await db.query<{ action: string }>('select action from audit_pending where object_id = $1 order by id', [objectId]);
    return rows.map((row) => row.action);
  };

  it('a missed call opens a task with its deadline, queue and context; the same call again is the same task', async () => {
    const input = await missed();
    const first = await open(input);
    expect(first.merged).toBe(false);
    expect(await open(input)).toEqual(first);
    const task = (await findCallbackTask(db, first.id))!;
    expect(task).toMatchObject({ status: 'open', origin: 'missed-call', queue: 'front-desk', callIds: [input.callId], dueAt: later(24 * 60).toISOString(), escalationLevel: 0 });
    expect(task.context.requestTypes).toEqual(['appointment']);
    expect(await actions(first.id)).toEqual(['callback.opened']);
  });

  it('a repeat call from the same patient about the same request merges; another patient or another request does not', async () => {
    const first = await open(await missed());
    const repeat = await missed({ origin: 'voicemail', now: later(60), calledAt: later(60), urgent: true, dueAt: later(75) });
    expect(await open(repeat)).toEqual({ id: first.id, merged: true });
    const merged = (await findCallbackTask(db, first.id))!;
    expect(merged.callIds).toHaveLength(2);
    // The urgent repeat made it urgent and due sooner.
    expect(merged).toMatchObject({ urgent: true, dueAt: later(75).toISOString() });
    expect((await open(await missed({ patientId: 'synthetic-patient-2' }))).id).not.toBe(first.id);
    expect((await open(await missed({ requestType: 'prescription_refill' }))).id).not.toBe(first.id);
    expect(await actions(first.id)).toEqual(['callback.opened', 'callback.merged']);
  });

  it('an unidentified caller merges by the keyed number; a call with neither never merges', async () => {
    const first = await open(await missed({ patientId: null, callerKey: 'synthetic-key-a' }));
    expect((await open(await missed({ patientId: null, callerKey: 'synthetic-key-a' }))).id).toBe(first.id);
    expect((await open(await missed({ patientId: null, callerKey: 'synthetic-key-b' }))).id).not.toBe(first.id);
    const anonymous = await open(await missed({ patientId: null, callerKey: null }));
    expect((await open(await missed({ patientId: null, callerKey: null }))).id).not.toBe(anonymous.id);
  });

  it('a repeat call after the merge window opens a fresh task; a completed task takes no more calls', async () => {
    const first = await open(await missed());
    const afterWindow = await open(await missed({ now: later(73 * 60) }));
    expect(afterWindow.id).not.toBe(first.id);
    await db.transaction((tx) => completeCallbackTask(tx, afterWindow.id, { by: 'staff:synthetic-intake', at: later(74 * 60) }));
    expect((await open(await missed({ now: later(75 * 60) }))).id).not.toBe(afterWindow.id);
  });

  it('three no-answers escalate to the alternate contact, three more to the case-manager queue; each step follows in the chart', async () => {
    const { id } = await open(await missed({ owner: 'synthetic-intake' }));
    expect((await attempt(id, 'no-answer', 10)).escalated).toBe(false);
    expect((await attempt(id, 'no-answer', 20)).escalated).toBe(false);
    const third = await attempt(id, 'no-answer', 30);
    expect(third.escalated).toBe(true);
    expect(third.task).toMatchObject({ status: 'escalated', escalationLevel: 1, queue: 'front-desk', owner: 'synthetic-intake', attempts: 3, firstAttemptAt: later(10).toISOString() });
    await attempt(id, 'no-answer', 40);
    await attempt(id, 'no-answer', 50);
    const sixth = await attempt(id, 'no-answer', 60);
    expect(sixth.task).toMatchObject({ status: 'escalated', escalationLevel: 2, queue: 'case-management', owner: null });
    expect((await listCallbackAttempts(db, id)).map((entry) => entry.escalationLevel)).toEqual([0, 0, 0, 1, 1, 1]);
    expect((await listWriteBackItems(db, { limit: 10 })).map((item) => item.businessId)).toEqual([`callback-status:${id}:escalated:1`, `callback-status:${id}:escalated:2`]);
    const trail = await actions(id);
    expect(trail.filter((action) => action === 'callback.escalated')).toHaveLength(2);
    expect(trail.filter((action) => action === 'callback.attempt.recorded')).toHaveLength(6);
  });

  it('an outbound call recorded twice is one attempt; a closed task refuses attempts', async () => {
    const { id } = await open(await missed());
    const outbound = randomUUID();
    await attempt(id, 'answered', 5, outbound);
    const again = await attempt(id, 'answered', 6, outbound);
    expect(again.task.attempts).toBe(1);
    await db.transaction((tx) => completeCallbackTask(tx, id, { by: 'staff:synthetic-intake', at: later(7) }));
    // Completing twice answers with the first completion.
    const twice = await db.transaction((tx) => completeCallbackTask(tx, id, { by: 'staff:someone-else', at: later(8) }));
    expect(twice).toMatchObject({ status: 'completed', closedBy: 'staff:synthetic-intake', closedAt: later(7).toISOString() });
    await expect(attempt(id, 'no-answer', 9)).rejects.toMatchObject({ code: 'CALLBACK_CLOSED' });
    await expect(db.transaction((tx) => closeCallbackTask(tx, id, { status: 'cancelled', by: 'staff:x', at: later(9) }))).rejects.toMatchObject({ code: 'CALLBACK_CLOSED' });
    expect((await listWriteBackItems(db, { limit: 10 })).map((item) => item.businessId)).toEqual([`callback-status:${id}:in-progress:0`, `callback-status:${id}:completed:0`]);
  });

  it('claiming puts an open task in progress; lists show urgent first, then overdue, only the queues asked for', async () => {
    const routine = await open(await missed({ dueAt: later(60) }));
    const urgent = await open(await missed({ patientId: 'synthetic-patient-3', urgent: true, dueAt: later(600) }));
    const overdue = await open(await missed({ patientId: 'synthetic-patient-4', dueAt: later(-5) }));
    const elsewhere = await open(await missed({ patientId: 'synthetic-patient-5', queue: 'refills' }));
    const listed = await listCallbackTasks(db, { queues: ['front-desk'], now: t0 });
    expect(listed.map((task) => task.id)).toEqual([urgent.id, overdue.id, routine.id]);
    expect((await listCallbackTasks(db, { queues: ['front-desk'], overdue: true, now: t0 })).map((task) => task.id)).toEqual([overdue.id]);
    expect((await listCallbackTasks(db, { queues: '*', now: t0 })).map((task) => task.id)).toContain(elsewhere.id);
    const claimed = await db.transaction((tx) => assignCallbackTask(tx, routine.id, { owner: 'synthetic-intake', by: 'staff:synthetic-intake', at: t0 }));
    expect(claimed).toMatchObject({ status: 'in-progress', owner: 'synthetic-intake' });
  });

  it('the overdue sweep marks each late task once, with an audit event saying whether it is urgent', async () => {
    const urgent = await open(await missed({ urgent: true, dueAt: later(15) }));
    await open(await missed({ patientId: 'synthetic-patient-6', dueAt: later(24 * 60) }));
    expect(await db.transaction((tx) => markOverdueCallbackTasks(tx, later(10)))).toEqual([]);
    const marked = await db.transaction((tx) => markOverdueCallbackTasks(tx, later(16)));
    expect(marked.map((task) => task.id)).toEqual([urgent.id]);
    expect(await db.transaction((tx) => markOverdueCallbackTasks(tx, later(30)))).toEqual([]);
    const { rows } = await db.query<{ detail: Record<string, unknown> | string }>("select detail from audit_pending where action = 'callback.overdue'");
    expect(rows).toHaveLength(1);
    const detail = typeof rows[0]!.detail === 'string' ? JSON.parse(rows[0]!.detail) : rows[0]!.detail;
    expect(detail).toMatchObject({ urgent: true, queue: 'front-desk' });
  });

  it('metrics: completion rate, attempts per completed, call to first attempt and closure, overdue now, after-hours share', async () => {
    // Two calls 30 and 90 minutes to a first attempt; one completed after 2 attempts at 120 minutes; one cancelled; one overdue.
    const a = await open(await missed({ afterHours: true }));
    const b = await open(await missed({ patientId: 'synthetic-patient-7', dueAt: later(60) }));
    const c = await open(await missed({ patientId: 'synthetic-patient-8' }));
    await attempt(a.id, 'no-answer', 30);
    await attempt(a.id, 'answered', 100);
    await db.transaction((tx) => completeCallbackTask(tx, a.id, { by: 'staff:synthetic-intake', at: later(120) }));
    await attempt(b.id, 'no-answer', 90);
    await db.transaction((tx) => closeCallbackTask(tx, c.id, { status: 'cancelled', by: 'staff:synthetic-nurse', at: later(10), reason: 'duplicate' }));
    const metrics = await callbackMetrics(db, { queues: ['front-desk'], from: later(-60), to: later(24 * 60), now: later(180) });
    expect(metrics).toMatchObject({
      opened: 3, completed: 1, cancelled: 1, stillOpen: 1, completionRate: 0.5, attemptsPerCompleted: 2,
      callToFirstAttempt: { count: 2, medianMinutes: 60 }, callToClosure: { count: 1, medianMinutes: 120, p90Minutes: 120 },
      overdueNow: 1, urgentOverdueNow: 0, afterHoursCallbacks: 1, onCallResponse: null,
    });
    // Another queue's person sees none of it.
    expect((await callbackMetrics(db, { queues: ['refills'], from: later(-60), to: later(24 * 60), now: later(180) })).opened).toBe(0);
  });

  it("the demo's stand-in front desk logs attempts once per task, by the plan its id picks", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 8; index++) ids.push((await open(await missed({ patientId: `synthetic-demo-${index}` }))).id);
    const logged = await logDemoCallbackAttempts(db, defaultCallbackSettings, later(5));
    const expected = ids.map((id) => [0, 1, 3, 2][Number.parseInt(id.replace(/-/g, '').slice(-4), 16) % 4]!);
    expect(logged).toBe(expected.reduce((sum, count) => sum + count, 0));
    for (const [index, id] of ids.entries()) {
      const task = (await findCallbackTask(db, id))!;
      expect(task.attempts).toBe(expected[index]);
      if (expected[index] === 3) expect(task).toMatchObject({ status: 'escalated', escalationLevel: 1 });
      if (expected[index] === 2) expect(task.status).toBe('completed');
    }
    // Run again: nothing new (each task is worked once).
    expect(await logDemoCallbackAttempts(db, defaultCallbackSettings, later(6))).toBe(0);
  });
});
