import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { openCallbackTask } from '../callbacks/callback.repository.ts';
import {
  applyOutboundStatus, claimOutboundCall, findActiveOutboundCall, listOutboundCalls, markOutboundCallNotPlaced, markOutboundCallPlaced,
} from './outbound-call.repository.ts';

// Synthetic rows only: an outbound call holds ids, codes and times.
describe.each(backendKinds)('outbound calls on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());

  const t0 = new Date('2026-12-07T15:00:00.000Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1_000);
  const task = async () =>
    (await db.transaction((tx) => openCallbackTask(tx, {
      origin: 'missed-call', patientId: `synthetic-${Math.random()}`, callId: null, requestType: 'appointment', urgent: false, queue: 'front-desk',
      dueAt: at(3_600), context: { ivrReason: null, requestTypes: [], redFlags: [], barriers: [] }, now: t0,
    }))).id;
  const claim = (taskId: string, seconds = 0) =>
    claimOutboundCall(db, { taskId, queue: 'front-desk', patientId: 'synthetic-patient', agent: 'synthetic-nurse', agentTarget: { kind: 'agent', target: 'synthetic-nurse' }, at: at(seconds) });

  it('one active call per task: presses at once claim one row; once it ends, the next press claims a new one', async () => {
    const taskId = await task();
    const claims = await Promise.all([claim(taskId), claim(taskId), claim(taskId)]);
    expect(claims.filter((entry) => entry.created)).toHaveLength(1);
    expect(new Set(claims.map((entry) => entry.call.id)).size).toBe(1);

    const placed = await markOutboundCallPlaced(db, claims[0]!.call.id, { providerCallId: `CA${'a'.repeat(32)}`, status: 'queued', at: at(1) });
    expect(placed.status).toBe('queued');
    expect((await claim(taskId, 2)).created).toBe(false);
    await applyOutboundStatus(db, placed.id, { status: 'no-answer', sequence: 3, at: at(30), ended: true });
    expect(await findActiveOutboundCall(db, taskId)).toBeNull();
    const next = await claim(taskId, 40);
    expect(next.created).toBe(true);
    // Twilio unavailable: the row leaves the active set with its code, and Call can be pressed again.
    await markOutboundCallNotPlaced(db, next.call.id, { status: 'not-placed', errorCode: 'TWILIO_UNAVAILABLE', at: at(41) });
    expect((await claim(taskId, 50)).created).toBe(true);
    const listed = await listOutboundCalls(db, taskId);
    expect(listed.map((call) => call.status)).toEqual(['placing', 'not-placed', 'no-answer']);
    expect(listed[1]!.errorCode).toBe('TWILIO_UNAVAILABLE');
    expect(listed[2]).toMatchObject({ lastSequence: 3, endedAt: at(30).toISOString() });
  });

  it('a call stuck ringing long past the ring timeout (its final callback lost) does not block the task for ever', async () => {
    const taskId = await task();
    const { call } = await claim(taskId);
    await applyOutboundStatus(db, call.id, { status: 'ringing', sequence: 1, at: at(1) });
    const stillRinging = await claimOutboundCall(db, { taskId, queue: 'front-desk', patientId: 'p', agent: 'a', agentTarget: { kind: 'agent', target: 'a' }, at: at(120), ringingStaleBefore: at(120 - 300) });
    expect(stillRinging).toMatchObject({ created: false, call: { id: call.id } });
    const later = await claimOutboundCall(db, { taskId, queue: 'front-desk', patientId: 'p', agent: 'a', agentTarget: { kind: 'agent', target: 'a' }, at: at(400), ringingStaleBefore: at(400 - 300) });
    expect(later.created).toBe(true);
    expect((await listOutboundCalls(db, taskId)).map((entry) => [entry.status, entry.errorCode])).toEqual([['placing', null], ['place-unknown', 'STATUS_LOST']]);
  });

  it('a status callback that beat the create answer is not undone by it', async () => {
    const taskId = await task();
    const { call } = await claim(taskId);
    await applyOutboundStatus(db, call.id, { status: 'ringing', sequence: 1, at: at(1) });
    const placed = await markOutboundCallPlaced(db, call.id, { providerCallId: `CA${'b'.repeat(32)}`, status: 'queued', at: at(2) });
    expect(placed.status).toBe('ringing');
  });
});
