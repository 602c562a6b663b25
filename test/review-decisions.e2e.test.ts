import type { Bundle, Communication, DocumentReference, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../src/ehr/fhir-task.mapper.ts';
import { callIdentifierSystem, callNoteIdentifierSystem, staffIdentifierSystem } from '../src/write-back/chart-record.mapper.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { eventually, startHarness, type Harness } from './helpers/engine-harness.ts';
import { allYes, reviewCalls } from './helpers/review-calls.ts';

/**
 * Issue 12, defects 1–3: what the chart shows is exactly what a person approved or rejected. A new
 * user edited a draft, approved it and read the chart back: the note still held the AI's next step,
 * the Task still said "not yet reviewed", and a rejection left the Task on the wrong patient as
 * `requested`. Each test reads the sandbox EHR over HTTP as an outside client would.
 */
const draftNextStep = 'Review the result with the ordering clinician and call back';

let ehr: SandboxEhr;
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('postgres', { ehr });
});
afterAll(async () => {
  await harness?.close();
  await ehr?.close();
});

const { api, searchEhr, provenanceFor, placeCall } = reviewCalls(() => harness, () => ehr);

const taskOf = async (id: string) => (await searchEhr<Task>('Task', callTaskIdentifierSystem, callTaskIdentifierValue('synthetic-pbx', id)));
const textOf = (document: DocumentReference) => Buffer.from(document.content[0]!.attachment.data!, 'base64').toString('utf8');

async function taskHistory(taskId: string): Promise<Task[]> {
  const response = await fetch(`${ehr.baseUrl}/Task/${taskId}/_history`, { headers: { authorization: `Bearer ${ehr.issueTestToken('system/Task.rs')}` } });
  return ((await response.json()) as Bundle<Task>).entry?.map((entry) => entry.resource!) ?? [];
}

async function delivered(callId: string): Promise<void> {
  let last: { status: string; kind: string; lastErrorCode: string | null }[] = [];
  await eventually(async () => {
    const listed = await api('GET', `/api/write-back?callId=${callId}`, undefined, 'supervisor');
    last = listed.body.items;
    return last.length > 0 && last.every((entry) => entry.status === 'delivered') ? true : null;
  }, 60_000, 'write-back delivered').catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(last.map(({ status, kind, lastErrorCode }) => ({ status, kind, lastErrorCode })))}`);
  });
}

describe('what the chart shows is what a person approved (issue 12)', () => {
  it('files the edited fields, not the AI draft, in the note, the Communication and the Task, and the Task follows the review', async () => {
    const id = 'decisions-edited';
    const { item, patient } = await placeCall({ id, queue: 'demo-review', dob: true, text: 'Synthetic: are my blood test results back from last week?', patientIndex: 2 });
    const opened = await api('GET', `/api/review/${item.id}`);
    expect(opened.body.note.reasonForCall).toBe('test_results');
    expect(opened.body.note.nextStep).toBe(draftNextStep);

    // The nurse edits Details and Next step (not the note text) and approves.
    const edited = await api('PATCH', `/api/review/${item.id}`, { baseVersion: 1, changes: { details: 'Caller asked whether the lipid panel is back; it is, and it is normal.', nextStep: 'None - closed' } });
    expect(edited.status).toBe(200);
    const approved = await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 2, checklist: allYes });
    expect(approved.status).toBe(200);
    await delivered(item.callId);

    const [document] = await searchEhr<DocumentReference>('DocumentReference', callNoteIdentifierSystem, `synthetic-pbx/${id}/v3`);
    expect(document, 'the approved note in the chart').toBeTruthy();
    expect(textOf(document!)).toContain('Next step: None - closed');
    expect(textOf(document!)).toContain('lipid panel is back');
    expect(textOf(document!)).not.toContain(draftNextStep);
    const [communication] = await searchEhr<Communication>('Communication', callIdentifierSystem, `synthetic-pbx/${id}`);
    expect(communication!.payload?.[0]?.contentString).toContain('Next step: None - closed');

    const tasks = await taskOf(id);
    expect(tasks).toHaveLength(1);
    const task = tasks[0]!;
    expect(task.for?.reference).toBe(`Patient/${patient.id}`);
    const tags = task.meta?.tag?.map((tag) => tag.code) ?? [];
    expect(tags).toContain('staff-approved');
    expect(tags).not.toContain('automated-unreviewed');
    expect(JSON.stringify(task.meta?.tag)).not.toContain('not yet reviewed');
    expect(task.status).toBe('ready');
    // The work item carries the review's outcome, never call content (minimum necessary).
    expect(task.note?.map((note) => note.text).join('\n')).toMatch(/approved by staff/i);
    expect(JSON.stringify(task)).not.toContain('lipid panel');

    // Provenance on the Task names the verifier and carries both the AI draft and the edited version.
    const provenance = await provenanceFor(`Task/${task.id}`);
    expect(provenance.length).toBeGreaterThanOrEqual(1);
    const latest = provenance.at(-1)!;
    const verifier = latest.agent.find((agent) => agent.type?.coding?.[0]?.code === 'verifier');
    expect(verifier?.who).toMatchObject({ identifier: { system: staffIdentifierSystem, value: 'test-nurse' } });
    expect(latest.agent.some((agent) => agent.type?.coding?.[0]?.code === 'author' && agent.who?.identifier?.value === 'test-nurse')).toBe(true);
    const versions = (latest.entity ?? []).map((entity) => entity.what.identifier?.value);
    expect(versions).toEqual(expect.arrayContaining([`synthetic-pbx/${id}/v1`, `synthetic-pbx/${id}/v3`]));
    expect(latest.entity?.find((entity) => entity.what.identifier?.value === `synthetic-pbx/${id}/v1`)?.what.display).toMatch(/AI draft/i);
  });

  it('refuses to approve a note that contradicts its own fields, and approves once the note is rebuilt from them', async () => {
    const id = 'decisions-disagree';
    const { item } = await placeCall({ id, queue: 'demo-review', dob: true, text: 'Synthetic: did my x-ray results come in?', patientIndex: 5 });
    const opened = await api('GET', `/api/review/${item.id}`);
    // The note is written by hand (it still states the draft's next step), then Next step is changed.
    await api('PATCH', `/api/review/${item.id}`, { baseVersion: 1, changes: { note: `X-ray result question.\nNext step: ${opened.body.note.nextStep}` } });
    await api('PATCH', `/api/review/${item.id}`, { baseVersion: 2, changes: { nextStep: 'Clinician to call the patient today' } });
    const refused = await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 3, checklist: allYes });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('REVIEW_PARTS_DISAGREE');
    expect(refused.body.error.detail.fields).toEqual(['nextStep']);
    const reopened = await api('GET', `/api/review/${item.id}`);
    expect(reopened.body.disagreements).toEqual(['nextStep']);

    const rebuilt = await api('PATCH', `/api/review/${item.id}`, { baseVersion: 3, rebuildNote: true, changes: { details: 'Asked whether the chest x-ray result is in.' } });
    expect(rebuilt.status).toBe(200);
    const current = await api('GET', `/api/review/${item.id}`);
    expect(current.body.note.note).toContain('Next step: Clinician to call the patient today');
    expect(current.body.disagreements).toEqual([]);
    expect((await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 4, checklist: allYes })).status).toBe(200);
  });

  it('takes a wrong-patient rejection to the chart exactly once, through EHR faults: the Task is entered-in-error with the reason', async () => {
    const id = 'decisions-wrong-patient';
    const { item } = await placeCall({ id, queue: 'demo-review', dob: true, text: 'Synthetic: my baby has had a fever since last night.', patientIndex: 6 });
    await eventually(async () => ((await taskOf(id)).length === 1 ? true : null), 30_000, 'the work item Task');
    expect((await taskOf(id))[0]!.status).toBe('requested');

    // The EHR answers after applying but the answer is lost: the retry must not apply it twice.
    ehr.setFaults({ mode: 'timeout-after-apply' });
    try {
      const rejected = await api('POST', `/api/review/${item.id}/reject`, { reason: 'wrong-patient' });
      expect(rejected.status).toBe(200);
      expect(rejected.body.item.status).toBe('rejected');
      await eventually(async () => {
        const listed = await api('GET', `/api/write-back?callId=${item.callId}`, undefined, 'supervisor');
        return (listed.body.items as { attempts: number }[]).some((entry) => entry.attempts > 0) ? true : null;
      }, 30_000, 'an attempt while the EHR misbehaves');
    } finally {
      ehr.setFaults({ mode: 'none' });
    }
    harness.engine.dispatcher.wake();
    await delivered(item.callId);

    const tasks = await taskOf(id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.status).toBe('entered-in-error');
    expect(tasks[0]!.statusReason?.text).toMatch(/wrong patient/i);
    expect(tasks[0]!.meta?.tag?.map((tag) => tag.code)).toContain('staff-rejected');
    const history = await taskHistory(tasks[0]!.id!);
    const transitions = history.filter((version, index) => version.status === 'entered-in-error' && history[index + 1]?.status !== 'entered-in-error');
    expect(transitions).toHaveLength(1);
    // No note and no Communication for a rejected call.
    expect(await searchEhr<Communication>('Communication', callIdentifierSystem, `synthetic-pbx/${id}`)).toHaveLength(0);
  });

  it('cancels the Task for any other rejection reason, and an approved-then-reopened note is withdrawn from the chart', async () => {
    const id = 'decisions-duplicate';
    const { item } = await placeCall({ id, queue: 'demo-review', dob: true, text: 'Synthetic: I need a refill of my amlodipine please.', patientIndex: 7 });
    expect((await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 1, checklist: allYes })).status).toBe(200);
    await delivered(item.callId);
    expect(await searchEhr<DocumentReference>('DocumentReference', callNoteIdentifierSystem, `synthetic-pbx/${id}/v2`)).toHaveLength(1);
    // Reopened by an edit, then rejected as a duplicate: the note filed at v2 no longer stands.
    await api('PATCH', `/api/review/${item.id}`, { baseVersion: 2, changes: { details: 'Same request as this morning.' } });
    expect((await api('POST', `/api/review/${item.id}/reject`, { reason: 'duplicate' })).status).toBe(200);
    await delivered(item.callId);
    const [task] = await taskOf(id);
    expect(task!.status).toBe('cancelled');
    expect(task!.statusReason?.text).toMatch(/duplicate/i);
    const [document] = await searchEhr<DocumentReference>('DocumentReference', callNoteIdentifierSystem, `synthetic-pbx/${id}/v2`);
    expect(document!.status).toBe('entered-in-error');
  });
});
