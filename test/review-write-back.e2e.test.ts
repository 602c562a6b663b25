import type { Communication, DocumentReference, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../src/ehr/fhir-task.mapper.ts';
import { callIdentifierSystem, callNoteIdentifierSystem } from '../src/write-back/chart-record.mapper.ts';
import { findCall } from '../src/calls/calls.repository.ts';
import { verifyAuditChain } from '../src/audit/audit.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { backendKinds } from './helpers/backends.ts';
import { eventually, startHarness, type Harness } from './helpers/engine-harness.ts';
import { adultCallers, allYes, clinic, reviewCalls } from './helpers/review-calls.ts';
import { signUpAndSignIn } from './helpers/staff-session.ts';

const canary = 'CANARY-NOTE-91c2';
const yes = allYes;

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('review queue and write-back to the chart (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr });
  });
  afterAll(async () => harness.close());

  const { api, searchEhr, provenanceFor, placeCall } = reviewCalls(() => harness, () => ehr);

  it('reviews an AI draft, refuses approval until the checklist is done, writes Task, Communication, DocumentReference and Provenance once, and keeps every version', async () => {
    const id = `${kind}-review-1`;
    const { item, patient } = await placeCall({ id, queue: 'demo-review', dob: true, text: `Synthetic: I need a refill of my lisinopril, I am almost out. ${canary}` });
    const opened = await api('GET', `/api/review/${item.id}`);
    expect(opened.status).toBe(200);
    expect(opened.body.item.status).toBe('pending');
    expect(opened.body.item.reasons).toContain('pattern-review');
    expect(opened.body.aiDraft).toBe(true);
    expect(opened.body.note.reasonForCall).toBe('prescription_refill');
    expect(opened.body.transcript.redaction).toBe('on');
    expect(opened.body.identity.verified).toBe(true);

    // A nurse may not lift redaction; a clinician may, signed in as a person who just confirmed who
    // they are (step-up, SE-3): a staff token cannot.
    expect((await api('GET', `/api/review/${item.id}?redaction=off`)).status).toBe(403);
    expect((await api('GET', `/api/review/${item.id}?redaction=off`, undefined, 'clinician')).body.error.code).toBe('STEP_UP_UNAVAILABLE');
    const clinician = await signUpAndSignIn(harness.engine, { role: 'clinician' });
    const unredacted = await clinician.fetch('GET', `/api/review/${item.id}?redaction=off`);
    expect(unredacted.body.transcript.text).toContain(canary);

    // Front desk cannot open review content.
    expect((await api('GET', `/api/review/${item.id}`, undefined, 'intake')).status).toBe(403);

    const edited = await api('PATCH', `/api/review/${item.id}`, { baseVersion: 1, changes: { note: `Refill request for lisinopril. ${canary}`, nextStep: 'Send the refill to the pharmacy on file' } });
    expect(edited.status).toBe(200);
    expect(edited.body.item.currentVersion).toBe(2);
    // Editing against an old version is refused, not merged silently.
    expect((await api('PATCH', `/api/review/${item.id}`, { baseVersion: 1, changes: { details: 'x' } })).body.error.code).toBe('REVIEW_VERSION_STALE');

    const incomplete = await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 2, checklist: { ...yes, neutralFactualTone: false } });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.code).toBe('REVIEW_CHECKLIST_INCOMPLETE');

    const approved = await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 2, checklist: yes });
    expect(approved.status).toBe(200);
    expect(approved.body.item.status).toBe('approved');

    const documents = await eventually(async () => {
      const found = await searchEhr<DocumentReference>('DocumentReference', callNoteIdentifierSystem, `synthetic-pbx/${id}/v3`);
      return found.length ? found : null;
    }, 30_000, 'the approved note in the chart');
    expect(documents).toHaveLength(1);
    expect(documents[0]!.subject?.reference).toBe(`Patient/${patient.id}`);
    expect(Buffer.from(documents[0]!.content[0]!.attachment.data!, 'base64').toString('utf8')).toContain('Refill request for lisinopril');
    expect(documents[0]!.meta?.tag?.map((tag) => tag.code)).toContain('staff-approved');
    const communications = await searchEhr<Communication>('Communication', callIdentifierSystem, `synthetic-pbx/${id}`);
    expect(communications).toHaveLength(1);
    expect(communications[0]!.medium?.[0]?.coding?.[0]?.code).toBe('PHONE');
    expect(communications[0]!.subject?.reference).toBe(`Patient/${patient.id}`);
    const tasks = await searchEhr<Task>('Task', callTaskIdentifierSystem, callTaskIdentifierValue('synthetic-pbx', id));
    expect(tasks).toHaveLength(1);
    const provenance = await provenanceFor(`DocumentReference/${documents[0]!.id}`);
    expect(provenance).toHaveLength(1);
    // The AI draft's author, the nurse who edited it, and the nurse who approved it.
    expect(provenance[0]!.agent.map((agent) => `${agent.type?.coding?.[0]?.code}:${agent.type?.text}`)).toEqual(['author:AI draft', 'author:Edited by staff', 'verifier:Approved by staff']);

    // Edit after approval: a new version, back to pending; the chart changes only after a new approval.
    const amended = await api('PATCH', `/api/review/${item.id}`, { baseVersion: 3, changes: { details: 'Caller has 2 days of tablets left.' } });
    expect(amended.body.item).toMatchObject({ status: 'pending', currentVersion: 4 });
    const reopened = await api('GET', `/api/review/${item.id}`);
    expect(reopened.body.versions.map((version: { kind: string }) => version.kind)).toEqual(['ai-draft', 'edit', 'approved', 'edit']);
    expect(reopened.body.versions[3].changes.map((change: { field: string }) => change.field)).toEqual(['details']);
    expect(reopened.body.versions[1].author).toBe('staff:test-nurse');
    await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 4, checklist: yes });
    const second = await eventually(async () => {
      const found = await searchEhr<DocumentReference>('DocumentReference', callNoteIdentifierSystem, `synthetic-pbx/${id}/v5`);
      return found.length ? found : null;
    }, 30_000, 'the amended note');
    expect(second[0]!.relatesTo?.[0]).toMatchObject({ code: 'replaces', target: { identifier: { value: `synthetic-pbx/${id}/v3` } } });
    expect(await searchEhr<Communication>('Communication', callIdentifierSystem, `synthetic-pbx/${id}`)).toHaveLength(1);
    expect(await searchEhr<Task>('Task', callTaskIdentifierSystem, callTaskIdentifierValue('synthetic-pbx', id))).toHaveLength(1);
  });

  it('refuses approval while the patient is identified by caller ID alone, until a person confirms the chart', async () => {
    const id = `${kind}-review-unverified`;
    const { item, caller } = await placeCall({ id, queue: 'demo-review', dob: false, text: 'Synthetic: are my blood test results back?', patientIndex: 1 });
    expect(item).toBeTruthy();
    const refused = await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 1, checklist: yes });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('IDENTITY_UNVERIFIED');
    expect((await api('POST', `/api/review/${item.id}/verify-identity`, { patientId: 'not-a-candidate' })).status).toBe(400);
    expect((await api('POST', `/api/review/${item.id}/verify-identity`, { patientId: caller.patientId })).status).toBe(200);
    const approved = await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 1, checklist: yes });
    expect(approved.status).toBe(200);
  });

  it('with EHR consent declined, writes a metadata-only work item: no call content, no note, no Communication', async () => {
    const id = `${kind}-no-ehr-consent`;
    // An English-speaking adult: a chart that needs an interpreter always goes to a person (not auto-approved).
    const { item } = await placeCall({ id, queue: 'demo-summary-only', dob: true, declined: ['ehr'], text: `Synthetic: question about my bill. ${canary}`, patientIndex: 10 });
    expect(item.status).toBe('auto-approved');
    await eventually(async () => {
      const listed = await api('GET', `/api/write-back?callId=${item.callId}`);
      return listed.body.items.every((entry: { status: string }) => entry.status === 'delivered') && listed.body.items.length > 0 ? true : null;
    }, 30_000, 'the metadata-only write-back');
    const tasks = await searchEhr<Task>('Task', callTaskIdentifierSystem, callTaskIdentifierValue('synthetic-pbx', id));
    expect(tasks).toHaveLength(1);
    expect(JSON.stringify(tasks)).not.toContain(canary);
    expect(await searchEhr<Communication>('Communication', callIdentifierSystem, `synthetic-pbx/${id}`)).toHaveLength(0);
    expect(await searchEhr<DocumentReference>('DocumentReference', callNoteIdentifierSystem, `synthetic-pbx/${id}/v2`)).toHaveLength(0);
  });

  it('with AI declined, nothing is drafted by AI: a blank note for a person to write', async () => {
    const id = `${kind}-no-ai`;
    const { item } = await placeCall({ id, queue: 'demo-review', dob: true, declined: ['ai'], text: `Synthetic: I need a referral to a cardiologist. ${canary}`, patientIndex: 3 });
    const opened = await api('GET', `/api/review/${item.id}`);
    expect(opened.body.aiDraft).toBe(false);
    expect(opened.body.note.details).toBe('');
    expect(opened.body.item.reasons).toContain('human-note');
    expect(opened.body.transcript.text).toBeNull();
  });

  it("applies the patient's standing preference from the chart: an AI opt-out holds even when the caller said yes on the call", async () => {
    const optedOut = new Set(clinic.consents.filter((consent) => consent.provision?.type === 'deny' && consent.provision.code?.some((code) => code.coding?.[0]?.code === 'ai')).map((consent) => consent.patient!.reference!.replace('Patient/', '')));
    const caller = adultCallers.find((entry) => optedOut.has(entry.patientId));
    expect(caller, 'a synthetic adult with a standing AI opt-out').toBeTruthy();
    const { item } = await placeCall({ id: `${kind}-standing-ai-optout`, queue: 'demo-review', dob: true, text: 'Synthetic: I need a refill of my atorvastatin.', caller: caller! });
    const opened = await api('GET', `/api/review/${item.id}`);
    expect(opened.body.aiDraft).toBe(false);
    expect(opened.body.item.reasons).toContain('human-note');
    const { rows } = await harness.engine.db.query<{ consent_status: string }>(`select consent_status from audit_event where action = 'policy.decided' and object_id = $1
      union all select consent_status from audit_pending where action = 'policy.decided' and object_id = $1`, [item.callId]);
    expect(rows.map((row) => row.consent_status)).toContain('record:granted,transcribe:granted,ai:declined(standing),ehr:granted');
  });

  it('keeps approved items waiting while the EHR is down, visible to staff, and drains them in order when it returns', async () => {
    const ids = [0, 1, 2, 3].map((index) => `${kind}-downtime-${index}`);
    // Four calls at once (four callers); they are approved below one after another, in this order.
    const placed = await Promise.all(ids.map((id, index) => placeCall({ id, queue: 'demo-review', dob: true, text: 'Synthetic: I want to cancel my appointment on Friday.', patientIndex: 4 + index })));
    const items: { id: string }[] = placed.map((call) => call.item);
    ehr.setFaults({ mode: 'http-500' });
    try {
      for (const item of items) expect((await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 1, checklist: yes })).status).toBe(200);
      // Tried, failed, waiting in line behind the oldest: staff can see every item, and why the first waits.
      const waiting = await eventually(async () => {
        const listed = await api('GET', '/api/write-back?status=pending', undefined, 'supervisor');
        const items = listed.body.items as { lastErrorCode: string | null }[];
        return items.length >= 4 && items.some((entry) => entry.lastErrorCode === 'EHR_UNAVAILABLE') ? items : null;
      }, 30_000, 'failed attempts while the EHR is down');
      expect(waiting.length).toBeGreaterThanOrEqual(4);
    } finally {
      ehr.setFaults({ mode: 'none' });
    }
    harness.engine.dispatcher.wake();
    const delivered = await eventually(async () => {
      const listed = await api('GET', '/api/write-back?status=delivered&limit=1000', undefined, 'supervisor');
      const mine = listed.body.items as { seq: number; callId: string; deliveredAt: string }[];
      const calls = await Promise.all(mine.map(async (entry) => ({ ...entry, providerCallId: (await findCall(harness.engine.db, entry.callId))?.providerCallId })));
      const ours = calls.filter((entry) => ids.includes(entry.providerCallId ?? ''));
      return ours.length === 4 ? ours : null;
    }, 120_000, 'the drain after downtime');
    const bySeq = [...delivered].sort((a, b) => a.seq - b.seq).map((entry) => entry.providerCallId);
    const byDelivery = [...delivered].sort((a, b) => a.deliveredAt.localeCompare(b.deliveredAt) || a.seq - b.seq).map((entry) => entry.providerCallId);
    expect(byDelivery).toEqual(bySeq);
    for (const id of ids) expect(await searchEhr<Communication>('Communication', callIdentifierSystem, `synthetic-pbx/${id}`)).toHaveLength(1);
  });

  it('turns a missed appointment into one follow-up Task without a note, however often the event is sent', async () => {
    const patient = clinic.patients[10]!;
    const event = { type: 'missed-appointment', patientId: patient.id, appointmentId: `${kind}-appt-1` };
    // The front desk may not put work in the chart's queues (issue 11, finding 4): a nurse does.
    expect((await api('POST', '/api/events', event, 'intake')).status).toBe(403);
    const first = await api('POST', '/api/events', event, 'nurse');
    expect(first.status).toBe(202);
    const again = await api('POST', '/api/events', event, 'nurse');
    expect(again.body).toMatchObject({ status: 'duplicate', writeBackItemId: first.body.writeBackItemId });
    const tasks = await eventually(async () => {
      const found = await searchEhr<Task>('Task', 'https://callchart.dev/fhir/sid/event-task', `missed-appointment/${kind}-appt-1`);
      return found.length ? found : null;
    }, 30_000, 'the follow-up Task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.for?.reference).toBe(`Patient/${patient.id}`);
    expect(tasks[0]!.code?.coding?.[0]?.code).toBe('missed-appointment');
    expect((await api('POST', '/api/events', { type: 'callback-request', patientId: patient.id, callId: '00000000-0000-4000-8000-0000000000ff' })).status).toBe(404);
    const malformed = await api('POST', '/api/events', { type: 'missed-appointment', patientId: 'has spaces', appointmentId: 'x' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('PAYLOAD_INVALID');
    expect((await fetch(`${harness.engine.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) })).status).toBe(401);
  });

  it('shows a write the EHR refuses (403: scope not granted) as a visible failure with its reason, and sends it once a person fixes the cause', async () => {
    // The clinic's EHR registration loses DocumentReference create: the note cannot be filed.
    const narrow = ['system/*.rs', 'system/Task.crus', 'system/Communication.crs', 'system/Provenance.crs'];
    ehr.registerClient({ ...harness.ehrClient, scopes: narrow });
    ehr.revokeAccessTokens();
    try {
      const id = `${kind}-refused`;
      const { item } = await placeCall({ id, queue: 'demo-review', dob: true, text: 'Synthetic: I need a refill of my metformin.', patientIndex: 9 });
      expect((await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 1, checklist: yes })).status).toBe(200);
      const failed = await eventually(async () => {
        const listed = await api('GET', `/api/write-back?status=failed&callId=${item.callId}`, undefined, 'supervisor');
        return listed.body.items.length ? listed.body.items[0] as { id: string; lastErrorCode: string; status: string } : null;
      }, 30_000, 'the visible failure');
      expect(failed).toMatchObject({ status: 'failed', lastErrorCode: 'EHR_AUTH_REJECTED' });
      // Nothing half-written: the transaction was refused as a whole.
      expect(await searchEhr<Communication>('Communication', callIdentifierSystem, `synthetic-pbx/${id}`)).toHaveLength(0);
      const { rows } = await harness.engine.db.query<{ reason: string }>(`select reason from audit_event where action = 'ehr.write-back.failed' and object_id = $1
        union all select reason from audit_pending where action = 'ehr.write-back.failed' and object_id = $1`, [failed.id]);
      expect(rows.map((row) => row.reason)).toContain('EHR_AUTH_REJECTED');

      // Only a supervisor may put it back in line; after the registration is fixed it goes through.
      expect((await api('POST', `/api/write-back/${failed.id}/retry`)).status).toBe(403);
      ehr.registerClient({ ...harness.ehrClient });
      ehr.revokeAccessTokens();
      expect((await api('POST', `/api/write-back/${failed.id}/retry`, undefined, 'supervisor')).status).toBe(202);
      await eventually(async () => ((await searchEhr<Communication>('Communication', callIdentifierSystem, `synthetic-pbx/${id}`)).length === 1 ? true : null), 30_000, 'the retried write');
    } finally {
      ehr.registerClient({ ...harness.ehrClient });
    }
  });

  it('audits every policy decision and every review action in an intact chain, and logs no note text', async () => {
    const { rows } = await harness.engine.db.query<{ action: string; detail: Record<string, unknown> | string }>(
      `select action, detail from audit_event where action like 'policy.%' or action like 'review.%' or action like 'ehr.write-back.%'`,
    );
    const actions = new Set(rows.map((row) => row.action));
    for (const action of ['policy.decided', 'policy.queue.activated', 'review.created', 'review.edited', 'review.approved', 'review.approve.refused', 'review.opened', 'ehr.write-back.queued', 'ehr.write-back.delivered']) {
      expect(actions, action).toContain(action);
    }
    expect(JSON.stringify(rows)).not.toContain(canary);
    expect(harness.logs.text).not.toContain(canary);
    await eventually(async () => ((await harness.engine.db.query<{ n: string }>('select count(*)::text as n from audit_pending')).rows[0]!.n === '0' ? true : null), 10_000, 'audit chaining');
    expect((await verifyAuditChain(harness.engine.db)).ok).toBe(true);
  });
});
