import type { Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../src/ehr/fhir-task.mapper.ts';
import { findCallByProvider } from '../src/calls/calls.repository.ts';
import { callbackStatusCodeSystem } from '../src/callbacks/callback-task.mapper.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import type { StaffRole } from '../src/auth/staff-token.ts';
import { backendKinds } from './helpers/backends.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from './helpers/engine-harness.ts';
import { adultCallers, reviewCalls } from './helpers/review-calls.ts';

/**
 * Callback tasks end to end (issue 16, FU-1): signed call events into a real engine, the after-call
 * pipeline opening tasks, staff working them through the API, and the call's Task in the sandbox
 * EHR (over HTTP) following the callback's status. Synthetic patients and calls only.
 */
let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

describe.each(backendKinds)('callback tasks (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr });
  });
  afterAll(async () => harness.close());

  const { searchEhr } = reviewCalls(() => harness, () => ehr);
  const api = async (method: string, path: string, body?: unknown, role: StaffRole = 'intake', queues = ['front-desk']) => {
    const response = await fetch(`${harness.engine.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await harness.token(role, queues)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Body };
  };

  /** A call that ends the given way; returns its ledger id once its callback task exists. */
  async function call(id: string, caller: { phone: string }, ending: 'missed' | 'voicemail' | 'abandoned'): Promise<{ callId: string; task: Body }> {
    const details = { id, ani: caller.phone, dnis: '+16175550100', queue: 'front-desk', direction: 'inbound' as const };
    const event = (overrides: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(overrides), call: details });
    expect((await harness.post(event({ type: 'call.ringing', callId: id }))).status).toBe(202);
    if (ending === 'missed') await harness.post(event({ type: 'call.missed', callId: id }));
    if (ending === 'voicemail') await harness.post(event({ type: 'voicemail', callId: id, data: { durationSeconds: 30 } }));
    if (ending === 'abandoned') {
      await harness.post(event({ type: 'ivr.input', callId: id, data: { kind: 'dtmf', menu: 'language', value: '1' } }));
      await harness.post(event({ type: 'call.ended', callId: id }));
    }
    const callId = await eventually(async () => (await findCallByProvider(harness.engine.db, 'synthetic-pbx', id))?.id, 30_000, 'the call in the ledger');
    const task = await eventually(async () => {
      const listed = await api('GET', '/api/callbacks?status=open,in-progress,escalated,completed');
      return (listed.body.tasks as Body[]).find((entry) => entry.callIds.includes(callId));
    }, 30_000, `the callback task for ${id}`);
    return { callId, task };
  }

  it('a missed call, a voicemail and an abandoned call each become a task; a repeat call merges; staff work it and the chart follows', async () => {
    const [first, second, third] = adultCallers;
    const missed = await call(`${kind}-cb-missed`, first!, 'missed');
    expect(missed.task).toMatchObject({ origin: 'missed-call', status: 'open', queue: 'front-desk', patientId: first!.patientId, escalationLevel: 0, overdue: false });
    expect(missed.task).not.toHaveProperty('callerKey');
    const voicemail = await call(`${kind}-cb-voicemail`, second!, 'voicemail');
    expect(voicemail.task).toMatchObject({ origin: 'voicemail', patientId: second!.patientId });
    const abandoned = await call(`${kind}-cb-abandoned`, third!, 'abandoned');
    expect(abandoned.task).toMatchObject({ origin: 'abandoned-call', patientId: third!.patientId });
    // Three patients, three tasks.
    expect(new Set([missed.task.id, voicemail.task.id, abandoned.task.id]).size).toBe(3);

    // The same patient calls again about the same thing: one task, both calls on it.
    const repeat = await call(`${kind}-cb-repeat`, first!, 'missed');
    expect(repeat.task.id).toBe(missed.task.id);
    expect(repeat.task.callIds).toEqual([missed.callId, repeat.callId]);

    const id = missed.task.id as string;
    // Opening it shows whom to call (from the EHR) and the attempts so far.
    const opened = await api('GET', `/api/callbacks/${id}`);
    expect(opened.status).toBe(200);
    expect(opened.body.patient).toMatchObject({ id: first!.patientId });
    expect(opened.body.patient.name).toBeTruthy();
    expect(opened.body.attempts).toEqual([]);

    // Refusals: an outcome that is not one, another queue's person, a role that does not call back.
    const bad = await api('POST', `/api/callbacks/${id}/attempts`, { outcome: 'busy' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('PAYLOAD_INVALID');
    expect(JSON.stringify(bad.body.error.issues)).toContain('outcome');
    expect((await api('POST', `/api/callbacks/${id}/attempts`, { outcome: 'no-answer' }, 'intake', ['refills'])).status).toBe(404);
    expect((await api('GET', `/api/callbacks/${id}`, undefined, 'intake', ['refills'])).status).toBe(404);
    expect((await api('GET', '/api/callbacks', undefined, 'intake', ['refills'])).body.tasks).toEqual([]);
    expect((await api('POST', `/api/callbacks/${id}/attempts`, { outcome: 'no-answer' }, 'analyst', ['*'])).status).toBe(403);
    expect((await api('POST', `/api/callbacks/${id}/cancel`, { reason: 'duplicate' }, 'intake')).status).toBe(403);

    // Three unanswered attempts climb to the alternate contact.
    expect((await api('POST', `/api/callbacks/${id}/attempts`, { outcome: 'no-answer' })).body.escalated).toBe(false);
    expect((await api('POST', `/api/callbacks/${id}/attempts`, { outcome: 'voicemail-left' })).body.escalated).toBe(false);
    const third3 = await api('POST', `/api/callbacks/${id}/attempts`, { outcome: 'no-answer' });
    expect(third3.status).toBe(200);
    expect(third3.body).toMatchObject({ escalated: true, task: { status: 'escalated', escalationLevel: 1, attempts: 3 } });
    // Reached on the alternate number: completed.
    await api('POST', `/api/callbacks/${id}/attempts`, { outcome: 'answered', channel: 'phone' });
    const completed = await api('POST', `/api/callbacks/${id}/complete`, {});
    expect(completed.status).toBe(200);
    expect(completed.body.task.status).toBe('completed');
    expect((await api('POST', `/api/callbacks/${id}/attempts`, { outcome: 'no-answer' })).body.error.code).toBe('CALLBACK_CLOSED');

    // The first call's Task in the chart says so: completed, with the callback status beside it.
    const identifier = callTaskIdentifierValue('synthetic-pbx', `${kind}-cb-missed`);
    const inChart = await eventually(async () => {
      const [task] = await searchEhr<Task>('Task', callTaskIdentifierSystem, identifier);
      return task?.status === 'completed' ? task : null;
    }, 30_000, 'the completed Task in the chart');
    expect(inChart.businessStatus?.coding?.[0]).toMatchObject({ system: callbackStatusCodeSystem, code: 'completed' });
    expect(await searchEhr<Task>('Task', callTaskIdentifierSystem, identifier)).toHaveLength(1);

    // At-least-once: the completion's chart update delivered again changes nothing in the chart.
    const db = harness.engine.db;
    const { rows } = await db.query<{ id: string }>('select id from write_back_item where business_id like $1', [`callback-status:${id}:completed:%`]);
    expect(rows).toHaveLength(1);
    await eventually(async () => {
      const { rows: [item] } = await db.query<{ status: string }>('select status from write_back_item where id = $1', [rows[0]!.id]);
      return item?.status === 'delivered' ? true : null;
    }, 30_000, 'the completion delivered');
    await db.query("update write_back_item set status = 'pending', attempts = 1, next_attempt_at = now() where id = $1", [rows[0]!.id]);
    const redelivered = await eventually(async () => {
      const { rows: events } = await db.query<{ outcome: string }>(
        "select outcome from audit_pending where action = 'ehr.write-back.delivered' and object_id = $1 union all select outcome from audit_event where action = 'ehr.write-back.delivered' and object_id = $1",
        [rows[0]!.id],
      );
      return events.length >= 2 ? events.map((event) => event.outcome) : null;
    }, 30_000, 'the redelivery');
    expect(redelivered).toContain('duplicate');
    const [after] = await searchEhr<Task>('Task', callTaskIdentifierSystem, identifier);
    expect(after!.meta?.versionId).toBe(inChart.meta?.versionId);
  });
});
