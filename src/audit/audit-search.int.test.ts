import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import { createStaffUser } from '../auth/staff-directory.repository.ts';
import type { Db } from '../store/db.ts';
import { MemoryCheckpointSink } from './audit-checkpoint.ts';
import { deriveAuditKey } from './audit-key.ts';
import { AuditChainer, recordAuditEvent } from './audit.repository.ts';
import { callTimeline, exportAuditTrail, findCallForAudit, resolveActor, searchAuditTrail, staffNames } from './audit-search.repository.ts';

/**
 * The auditor's search of the chained trail (the Audit screen, issue 14) on both stores: a call's
 * events by object and by the call id in their detail, a patient's by their chart id and their
 * linked calls, a person by user name, newest first and paged; the export's events in chain order.
 * Synthetic ids only.
 */
describe.each(backendKinds)('audit search on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  const callId = randomUUID();
  const otherCall = randomUUID();
  let nurseActor = '';

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    const chainer = new AuditChainer(db, { key: deriveAuditKey(randomBytes(32)), checkpoints: new MemoryCheckpointSink() });
    await db.query("insert into call (id, provider, provider_call_id, status, queue, caller_patient_ids) values ($1, 'synthetic-pbx', 'pbx-call-1', 'ended', 'triage', '{pat-search-1}')", [callId]);
    const nurse = await createStaffUser(db, { userName: 'nurse-search', role: 'nurse', queues: ['*'], passwordHash: null, displayName: 'Nina Search (synthetic)' }, 'test');
    nurseActor = `staff:${nurse.id}`;
    await recordAuditEvent(db, { actor: 'pbx:synthetic-pbx', action: 'call.event.accepted', objectType: 'call', objectId: callId, outcome: 'success', detail: { eventType: 'call.ringing' } });
    await recordAuditEvent(db, { actor: 'pbx:synthetic-pbx', action: 'call.event.accepted', objectType: 'call', objectId: otherCall, outcome: 'success', detail: { eventType: 'call.ringing' } });
    await recordAuditEvent(db, { actor: nurseActor, action: 'phi.viewed', objectType: 'review-item', objectId: randomUUID(), outcome: 'success', detail: { purpose: 'review-opened', patientId: 'pat-search-1', callId } });
    await recordAuditEvent(db, { actor: nurseActor, action: 'review.approved', objectType: 'review-item', objectId: randomUUID(), outcome: 'success', detail: { callId, version: 2 } });
    await recordAuditEvent(db, { actor: 'system', action: 'engine.started', objectType: 'engine', outcome: 'success' });
    await chainer.flush();
  });
  afterAll(async () => dispose());

  it("finds a call's events by its object and by the call id in their detail, and nothing of another call", async () => {
    const page = await searchAuditTrail(db, { callId }, { limit: 50 });
    expect(page.events.map((event) => event.action)).toEqual(['review.approved', 'phi.viewed', 'call.event.accepted']);
    expect(page.nextBeforeSeq).toBeNull();
    expect(page.events[0]).not.toHaveProperty('hash');
    const timeline = await callTimeline(db, callId);
    expect(timeline.map((event) => event.action), 'oldest first').toEqual(['call.event.accepted', 'phi.viewed', 'review.approved']);
  });

  it("finds a patient's events by chart id, with the events of the calls linked to them", async () => {
    const page = await searchAuditTrail(db, { patientRef: 'pat-search-1' }, { limit: 50 });
    expect(page.events.map((event) => event.action)).toEqual(['phi.viewed', 'call.event.accepted']);
    expect((await searchAuditTrail(db, { patientRef: 'pat-nobody' }, { limit: 50 })).events).toEqual([]);
  });

  it('finds a person by user name, names them, and pages newest first', async () => {
    const actor = await resolveActor(db, 'Nurse-Search');
    expect(actor).toBe(nurseActor);
    expect(await resolveActor(db, 'nobody-here')).toBeNull();
    const first = await searchAuditTrail(db, { actor: actor! }, { limit: 1 });
    expect(first.events.map((event) => event.action)).toEqual(['review.approved']);
    const second = await searchAuditTrail(db, { actor: actor! }, { limit: 1, beforeSeq: first.nextBeforeSeq! });
    expect(second.events.map((event) => event.action)).toEqual(['phi.viewed']);
    expect(second.nextBeforeSeq).toBeNull();
    expect(await staffNames(db, [nurseActor, 'system'])).toEqual({ [nurseActor]: { name: 'Nina Search (synthetic)', role: 'nurse' } });
  });

  it('filters by action and period, and exports with the chain links in chain order', async () => {
    expect((await searchAuditTrail(db, { action: 'engine.started' }, { limit: 50 })).events).toHaveLength(1);
    expect((await searchAuditTrail(db, { from: new Date(Date.now() + 60_000) }, { limit: 50 })).events).toEqual([]);
    const exported = await exportAuditTrail(db, { callId }, 2);
    expect(exported.more).toBe(true);
    expect(exported.events.map((event) => event.action)).toEqual(['call.event.accepted', 'phi.viewed']);
    expect(exported.events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds a call by its PBX id, without the caller number', async () => {
    const call = await findCallForAudit(db, 'pbx-call-1');
    expect(call).toMatchObject({ id: callId, queue: 'triage', patientIds: ['pat-search-1'] });
    expect(Object.keys(call!)).not.toContain('ani');
    expect(await findCallForAudit(db, randomUUID())).toBeNull();
  });
});
