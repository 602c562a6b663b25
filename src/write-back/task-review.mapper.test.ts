import { Hl7Message } from '@medplum/core';
import type { Communication, DocumentReference, Provenance, Task } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCallTask } from '../ehr/fhir-task.mapper.ts';
import { decideCallPolicy } from '../consent/call-policy.ts';
import { queuePolicySchema } from '../consent/queue-policy.schema.ts';
import { buildWriteBackMessages } from '../hl7/mdm-message.mapper.ts';
import { readWrittenDocument } from '../hl7/hl7-message.reader.ts';
import type { ReviewNote } from '../review/review-note.ts';
import { loadFhirR4Definitions } from '../sandbox-ehr/fhir-definitions.loader.ts';
import { buildChartRecordBundle, buildRejectionBundle, type ChartState, type Stored, type VersionTrail } from './chart-record.mapper.ts';
import { reviewedVersionOf, taskAfterReview, type TaskReview } from './task-review.mapper.ts';

// Synthetic ids and words only.
const canary = 'CANARY-TASK-5e1';
const note: ReviewNote = {
  reasonForCall: 'test_results', details: `Lipid panel is back and normal ${canary}`, actionRequested: 'Results', nextStep: 'None - closed',
  owner: 'nurse', followUpDue: '2026-12-09T10:00:00.000Z', urgency: 'urgent', note: `Lipid panel is back and normal ${canary}\nRequested: Results\nNext step: None - closed`,
};
const at = new Date('2026-12-07T10:00:00.000Z');
const approved: TaskReview = { outcome: 'approved', version: 3, by: 'nurse-1', at, note, requestTypeLabel: 'Test results', edited: true };
const baseTask: Task = buildCallTask({
  provider: 'synthetic-pbx', providerCallId: 'c-1', callStatus: 'ended', requestType: 'test_results', requestTypeLabel: 'Test results', startedAt: null, authoredAt: at,
  match: { outcome: 'unique', confidence: 'ani-dob-verified', candidates: [{ patientId: 'p-1', matchedOn: 'primary-phone' }] },
});
const stored = (task: Task, status: Task['status'] = 'requested'): Stored<Task> => ({ ...task, id: 't-1', status, meta: { ...task.meta, versionId: '7' } });
const tagsOf = (task: Task) => task.meta?.tag?.map((tag) => tag.code);

beforeAll(() => loadFhirR4Definitions());

describe('the Task follows the review (issue 12, defect 2)', () => {
  it('approved: staff-approved replaces "not yet reviewed", status ready, priority, owner and due from the approved fields', () => {
    expect(tagsOf(baseTask)).toEqual(['automated-unreviewed']);
    const task = taskAfterReview(stored(baseTask), approved);
    expect(tagsOf(task)).toEqual(['staff-approved']);
    expect(JSON.stringify(task.meta)).not.toContain('not yet reviewed');
    expect(task).toMatchObject({ status: 'ready', priority: 'urgent', performerType: [{ text: 'nurse' }], restriction: { period: { end: note.followUpDue } } });
    expect(reviewedVersionOf(task)).toBe(3);
    expect(task.note?.map((annotation) => annotation.text)).toEqual(['Approved by staff (nurse-1) in review, version 3, edited from the draft.']);
    expect(JSON.stringify(task)).not.toContain(canary);
  });

  it('is idempotent, keeps staff annotations, and never moves a Task staff are working back to ready', () => {
    const worked: Stored<Task> = { ...stored(baseTask, 'in-progress'), note: [{ authorString: 'Dr Synthetic', text: 'Called the lab.' }] };
    const once = taskAfterReview(worked, approved);
    expect(taskAfterReview(once, approved)).toEqual(once);
    expect(once.status).toBe('in-progress');
    expect(once.note?.map((annotation) => annotation.authorString)).toEqual(['Dr Synthetic', 'Callchart review']);
  });

  it('auto-approved: tagged as not reviewed by staff and left requested', () => {
    const task = taskAfterReview(stored(baseTask), { outcome: 'auto-approved', version: 2, at, note, requestTypeLabel: 'Test results', generatedByAi: true });
    expect(tagsOf(task)).toEqual(['ai-generated-unreviewed']);
    expect(task.status).toBe('requested');
  });

  it('rejected: a wrong patient is entered-in-error whatever its status; other reasons cancel unless the work is done', () => {
    const wrongPatient = taskAfterReview(stored(baseTask, 'in-progress'), { outcome: 'rejected', version: 4, by: 'nurse-1', at, reason: 'wrong-patient' });
    expect(wrongPatient).toMatchObject({ status: 'entered-in-error', statusReason: { text: 'Rejected in review: wrong patient' } });
    expect(tagsOf(wrongPatient)).toEqual(['staff-rejected']);
    expect(taskAfterReview(stored(baseTask), { outcome: 'rejected', version: 4, by: 'nurse-1', at, reason: 'duplicate' }).status).toBe('cancelled');
    expect(taskAfterReview(stored(baseTask, 'completed'), { outcome: 'rejected', version: 4, by: 'nurse-1', at, reason: 'not-clinical' }).status).toBe('completed');
  });
});

describe('the chart record is one approved record (issue 12, defects 1 and 2)', () => {
  const granted = { status: 'granted' as const };
  const decision = decideCallPolicy({
    consents: { record: granted, transcribe: granted, ai: granted, ehr: granted },
    policy: queuePolicySchema.parse({
      version: 'test',
      defaults: { transcription: true, ai: true, pattern: 'review', retention: 'long', review: 'when-needed', sensitive: [] },
      retention: { long: { contentDays: 90, audioDays: 30, metadataDays: 100 } },
    }),
    queue: 'q', requestType: 'test_results', identity: 'ani-dob-verified', redFlags: false, detectedSensitive: [],
  });
  const trail: VersionTrail[] = [
    { version: 1, kind: 'ai-draft', author: 'callchart-rules', changedFields: [] },
    { version: 2, kind: 'edit', author: 'staff:nurse-2', changedFields: ['details', 'nextStep', 'note'] },
    { version: 3, kind: 'approved', author: 'staff:nurse-1', changedFields: [] },
  ];
  const chart: ChartState = {
    task: stored(baseTask),
    communication: { resourceType: 'Communication', id: 'c-9', status: 'completed', meta: { versionId: '2' } } as Stored<Communication>,
    earlierNotes: [{ resourceType: 'DocumentReference', id: 'd-1', status: 'current', content: [{ attachment: { contentType: 'text/plain' } }], meta: { versionId: '1' } } as Stored<DocumentReference>],
  };

  it('updates what the chart holds only if unchanged since read, supersedes the earlier note, and names both versions and every editor', () => {
    if (!decision.chart.note) return expect.fail('the review pattern with EHR consent files a note');
    const built = buildChartRecordBundle({
      provider: 'synthetic-pbx', providerCallId: 'c-1', callId: '00000000-0000-4000-8000-00000000000a', startedAt: null, endedAt: null,
      task: baseTask, chart, review: approved, trail, patientId: 'p-1', relatedPersonId: null, note, noteVersion: 3, replacesNoteVersion: 2,
      approvedBy: 'nurse-1', generatedByAi: true, decision, recordedAt: at,
    });
    const requests = built.bundle.entry!.map((entry) => `${entry.request!.method} ${entry.request!.url} ${entry.request!.ifMatch ?? ''}`.trim());
    expect(requests).toEqual(['PUT Task/t-1 W/"7"', 'PUT Communication/c-9 W/"2"', 'POST DocumentReference', 'PUT DocumentReference/d-1 W/"1"', 'POST Provenance']);
    const resources = built.bundle.entry!.map((entry) => entry.resource!);
    const task = resources[0] as Task;
    expect(tagsOf(task)).toEqual(['staff-approved']);
    expect(JSON.stringify(task)).not.toContain(canary);
    expect((resources[2] as DocumentReference).status).toBe('current');
    expect((resources[3] as DocumentReference).status).toBe('superseded');
    const provenance = resources[4] as Provenance;
    expect(provenance.entity?.map((entity) => [entity.role, entity.what.identifier?.value])).toEqual([['source', 'synthetic-pbx/c-1/v1'], ['revision', 'synthetic-pbx/c-1/v3']]);
    expect(provenance.agent.map((agent) => `${agent.type?.coding?.[0]?.code}:${agent.who.identifier?.value ?? agent.who.display}`))
      .toEqual(['author:Callchart rules (automated, AI-generated draft)', 'author:nurse-2', 'verifier:nurse-1']);

    // Every text the chart gets says the approved next step: the note, the summary, and the HL7 copy.
    const documentText = Buffer.from((resources[2] as DocumentReference).content[0]!.attachment.data!, 'base64').toString('utf8');
    const summary = (resources[1] as Communication).payload?.[0]?.contentString ?? '';
    const [mdm] = buildWriteBackMessages({
      sendingApp: 'CALLCHART', sendingFacility: 'S', receivingApp: 'R', receivingFacility: 'F', at, patient: { id: 'p-1' },
      note: { documentId: 'synthetic-pbx/c-1/v3', title: 'Telephone encounter note', text: note.note, authoredBy: 'nurse-2', approvedBy: 'nurse-1', approvedAt: at, status: 'approved' },
    });
    const read = readWrittenDocument(Hl7Message.parse(mdm!.message.toString()));
    for (const text of [documentText, summary, read.ok ? read.document.text : '']) expect(text).toContain('Next step: None - closed');
    expect(read.ok && read.document.text).toBe(documentText);
  });

  it('a rejection cancels the Task, withdraws earlier notes, and for a wrong patient the Communication too', () => {
    const rejectedTrail: VersionTrail[] = [...trail, { version: 4, kind: 'rejected', author: 'staff:nurse-1', changedFields: [] }];
    const build = (reason: 'wrong-patient' | 'duplicate') => buildRejectionBundle({
      provider: 'synthetic-pbx', providerCallId: 'c-1', task: baseTask, chart, trail: rejectedTrail, recordedAt: at,
      review: { outcome: 'rejected', version: 4, by: 'nurse-1', at, reason },
    });
    const wrong = build('wrong-patient');
    expect(wrong.entry!.map((entry) => `${entry.request!.method} ${entry.request!.url}`)).toEqual(['PUT Task/t-1', 'PUT DocumentReference/d-1', 'PUT Communication/c-9', 'POST Provenance']);
    expect(wrong.entry!.slice(0, 3).map((entry) => (entry.resource as Task).status)).toEqual(['entered-in-error', 'entered-in-error', 'entered-in-error']);
    expect((wrong.entry![3]!.resource as Provenance).activity?.coding?.[0]?.code).toBe('NULLIFY');
    const duplicate = build('duplicate');
    expect(duplicate.entry!.map((entry) => `${entry.request!.method} ${entry.request!.url}`)).toEqual(['PUT Task/t-1', 'PUT DocumentReference/d-1', 'POST Provenance']);
    expect((duplicate.entry![0]!.resource as Task).status).toBe('cancelled');
    // No Task in the chart yet: created already rejected, never as open work.
    const fresh = buildRejectionBundle({ provider: 'synthetic-pbx', providerCallId: 'c-1', task: baseTask, chart: { task: null, communication: null, earlierNotes: [] }, trail: rejectedTrail, recordedAt: at, review: { outcome: 'rejected', version: 4, by: 'nurse-1', at, reason: 'duplicate' } });
    expect(fresh.entry![0]!.request).toMatchObject({ method: 'POST', url: 'Task' });
    expect((fresh.entry![0]!.resource as Task).status).toBe('cancelled');
  });
});
