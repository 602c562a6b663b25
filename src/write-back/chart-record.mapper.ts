import { validateResource } from '@medplum/core';
import type { Bundle, BundleEntry, Communication, DocumentReference, Patient, Provenance, Reference, Resource, Task } from '@medplum/fhirtypes';
import type { CallPolicyDecision } from '../consent/call-policy.ts';
import { callchartTagSystem, callTaskIdentifierSystem, callTaskIdentifierValue, escapeSearchValue } from '../ehr/fhir-task.mapper.ts';
import type { ReviewNote } from '../review/review-note.ts';
import { CallchartError } from '../lib/errors.ts';
import { rejectionLabels, taskAfterReview, type TaskReview } from './task-review.mapper.ts';

/**
 * The call as it goes into the chart once approved (WB-1), as one FHIR R4 transaction Bundle:
 * - Task: the work item (code = request type, owner, priority, due, for = Patient). The write-task
 *   stage usually made it already: then it is updated in place, only if nobody changed it since it
 *   was read (If-Match), keeping what staff did there and following the review (tags, status,
 *   priority, owner, due, the review annotation; see task-review.mapper.ts). Otherwise a
 *   conditional create;
 * - Communication: the call (time, direction, medium = phone, who called), with the approved
 *   summary as its payload only when EHR consent and policy allow content; an amended approval
 *   updates it, so it never says something the latest approved note does not;
 * - DocumentReference: the approved note, only for the reviewed-note pattern with EHR consent; an
 *   amended note replaces the earlier one, which becomes `superseded`;
 * - Provenance: who made it — the AI draft's generator, the staff who edited it (the draft and the
 *   approved version both named as entities) and the staff member who approved it, or the
 *   generator alone for an auto-approved summary, marked as not reviewed.
 * Every part is built from the one approved version (issue 12): the note, the summary and the
 * Task's review state cannot disagree.
 * Pure: what may be included comes from the policy decision, and every resource is validated
 * against R4 before the bundle leaves.
 */
export const callIdentifierSystem = 'https://callchart.dev/fhir/sid/call';
export const callNoteIdentifierSystem = 'https://callchart.dev/fhir/sid/call-note';
/** A version of a review item (the AI draft, an edit, the approved text), named in Provenance. */
export const reviewVersionIdentifierSystem = 'https://callchart.dev/fhir/sid/review-version';

/** A resource as the EHR holds it now, read before the write so the write can be conditional on it. */
export type Stored<T> = T & { id: string };

/** What the chart already holds for this call (read just before building the bundle). */
export interface ChartState {
  task: Stored<Task> | null;
  communication: Stored<Communication> | null;
  /** Notes filed for earlier approved versions of this call, still `current`. */
  earlierNotes: Stored<DocumentReference>[];
}

/** A review version as Provenance names it: number, kind, who. */
export interface VersionTrail {
  version: number;
  kind: string;
  author: string;
  changedFields: readonly string[];
}

export interface ChartRecordInput {
  provider: string;
  providerCallId: string;
  /** Callchart's own call id: where staff find the caller's number (never copied into the chart). */
  callId: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The work item as the write-task stage builds it (metadata only); used when the chart has none yet. */
  task: Task;
  /** What the chart holds now; an empty state means everything is created. */
  chart?: ChartState;
  /** The review decision the Task must show. */
  review: TaskReview;
  /** Every version up to the approved one, for Provenance (the draft and what was approved). */
  trail?: readonly VersionTrail[];
  /** The verified patient; null when identity is not verified (nothing is linked then). */
  patientId: string | null;
  relatedPersonId: string | null;
  /** The approved (or auto-approved) note; null on the event pattern or with no content allowed. */
  note: ReviewNote | null;
  noteVersion: number;
  /** An amended note replaces the version approved before it. */
  replacesNoteVersion?: number | null;
  /** Staff subject who approved; null for an auto-approved AI summary. */
  approvedBy: string | null;
  generatedByAi: boolean;
  decision: CallPolicyDecision;
  recordedAt: Date;
}

export function callIdentifierValue(provider: string, providerCallId: string): string {
  return `${provider}/${providerCallId}`;
}

export function noteIdentifierValue(provider: string, providerCallId: string, version: number): string {
  return `${provider}/${providerCallId}/v${version}`;
}

/** The FHIR search that finds a resource by its business identifier (for read-back). */
export function identifierSearch(system: string, value: string): string {
  return `${system}|${escapeSearchValue(value)}`;
}

export interface ChartRecordBundle {
  bundle: Bundle;
  includes: { task: true; communication: boolean; documentReference: boolean; provenance: true; content: boolean };
}

export function buildChartRecordBundle(input: ChartRecordInput): ChartRecordBundle {
  const { decision } = input;
  const content = decision.chart.content.allowed && input.note !== null;
  const subject: Reference<Patient> | undefined = decision.chart.linkPatient && input.patientId ? { reference: `Patient/${input.patientId}` } : undefined;
  const entries: BundleEntry[] = [];
  const taskUrl = 'urn:uuid:00000000-0000-4000-8000-000000000001';
  const communicationUrl = 'urn:uuid:00000000-0000-4000-8000-000000000002';
  const documentUrl = 'urn:uuid:00000000-0000-4000-8000-000000000003';
  const taskIdentifier = callTaskIdentifierValue(input.provider, input.providerCallId);

  const chart = input.chart ?? { task: null, communication: null, earlierNotes: [] };
  const created: Task = {
    ...input.task,
    ...(subject ? { for: subject } : {}),
    input: [
      ...(input.task.input ?? []),
      // Metadata-only work item: where to find the callback number, not the number itself.
      { type: { text: 'callchart-call' }, valueReference: { identifier: { system: callIdentifierSystem, value: input.callId }, display: 'Call in Callchart (callback number there)' } },
    ],
  };
  entries.push(chart.task
    ? updateEntry(taskUrl, taskAfterReview(chart.task, input.review) as Stored<Task>)
    : { fullUrl: taskUrl, resource: taskAfterReview(created, input.review), request: { method: 'POST', url: 'Task', ifNoneExist: `identifier=${identifierSearch(callTaskIdentifierSystem, taskIdentifier)}` } });

  const callValue = callIdentifierValue(input.provider, input.providerCallId);
  const communication: Communication | null = decision.chart.communication
    ? {
      resourceType: 'Communication',
      identifier: [{ system: callIdentifierSystem, value: callValue }],
      status: 'completed',
      basedOn: [{ reference: taskUrl }],
      medium: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'PHONE', display: 'telephone' }] }],
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'notification' }], text: 'Inbound phone call' }],
      ...(subject ? { subject } : {}),
      ...(input.relatedPersonId && subject ? { sender: { reference: `RelatedPerson/${input.relatedPersonId}` } } : subject ? { sender: subject } : {}),
      ...(input.startedAt ? { sent: input.startedAt } : {}),
      ...(input.endedAt ? { received: input.endedAt } : {}),
      ...(content && decision.chart.summary ? { payload: [{ contentString: summaryText(input.note!) }] } : {}),
      meta: { tag: [reviewTag(input)] },
    }
    : null;
  if (communication) {
    entries.push(chart.communication
      ? updateEntry(communicationUrl, { ...communication, id: chart.communication.id, meta: { ...chart.communication.meta, tag: communication.meta!.tag! } })
      : { fullUrl: communicationUrl, resource: communication, request: { method: 'POST', url: 'Communication', ifNoneExist: `identifier=${identifierSearch(callIdentifierSystem, callValue)}` } });
  }

  const noteValue = noteIdentifierValue(input.provider, input.providerCallId, input.noteVersion);
  const document: DocumentReference | null = content && decision.chart.note && subject
    ? {
      resourceType: 'DocumentReference',
      identifier: [{ system: callNoteIdentifierSystem, value: noteValue }],
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '34748-4', display: 'Telephone encounter Note' }], text: 'Telephone encounter note' },
      subject,
      date: input.recordedAt.toISOString(),
      description: `Phone call: ${input.note!.reasonForCall.replace(/_/g, ' ')}`,
      ...(input.approvedBy ? { authenticator: { identifier: { system: staffIdentifierSystem, value: input.approvedBy } } } : {}),
      content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(input.note!.note, 'utf8').toString('base64'), title: 'Telephone encounter note' } }],
      context: { related: [{ reference: taskUrl }], ...(input.startedAt ? { period: { start: input.startedAt, ...(input.endedAt ? { end: input.endedAt } : {}) } } : {}) },
      ...(input.replacesNoteVersion
        ? { relatesTo: [{ code: 'replaces', target: { identifier: { system: callNoteIdentifierSystem, value: noteIdentifierValue(input.provider, input.providerCallId, input.replacesNoteVersion) } } }] }
        : {}),
      meta: { tag: [reviewTag(input)] },
    }
    : null;
  const superseded = document ? chart.earlierNotes.filter((earlier) => earlier.status === 'current') : [];
  if (document) {
    entries.push({ fullUrl: documentUrl, resource: document, request: { method: 'POST', url: 'DocumentReference', ifNoneExist: `identifier=${identifierSearch(callNoteIdentifierSystem, noteValue)}` } });
    for (const earlier of superseded) entries.push(updateEntry(`DocumentReference/${earlier.id}`, { ...earlier, status: 'superseded' }));
  }

  const targets = [taskUrl, ...(communication ? [communicationUrl] : []), ...(document ? [documentUrl] : []), ...superseded.map((earlier) => `DocumentReference/${earlier.id}`)].map((reference) => ({ reference }));
  const editors = [...new Set((input.trail ?? []).filter((entry) => entry.kind === 'edit').map((entry) => entry.author.replace(/^staff:/, '')))];
  const changed = [...new Set((input.trail ?? []).flatMap((entry) => entry.changedFields))];
  const provenance: Provenance = {
    resourceType: 'Provenance',
    target: targets,
    recorded: input.recordedAt.toISOString(),
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' }] },
    agent: [
      ...(input.generatedByAi
        ? [{
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }], text: 'AI draft' },
          who: { display: 'Callchart rules (automated, AI-generated draft)' },
        }]
        : []),
      ...editors.map((editor) => ({
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }], text: 'Edited by staff' },
        who: { identifier: { system: staffIdentifierSystem, value: editor } },
      })),
      input.approvedBy
        ? {
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'verifier' }], text: 'Approved by staff' },
          who: { identifier: { system: staffIdentifierSystem, value: input.approvedBy } },
        }
        : {
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'assembler' }], text: 'Auto-approved by policy, not reviewed' },
          who: { display: 'Callchart write-back' },
        },
    ],
    reason: [{ text: `Integration pattern ${decision.pattern}${changed.length ? `; edited by staff: ${changed.join(', ')}` : ''}` }],
    ...(input.trail?.length ? { entity: versionEntities(input, input.trail) } : {}),
  };
  entries.push({ resource: provenance, request: { method: 'POST', url: 'Provenance' } });

  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: entries };
  for (const entry of entries) assertValidR4(entry.resource!);
  return {
    bundle,
    includes: { task: true, communication: communication !== null, documentReference: document !== null, provenance: true, content: content && (communication?.payload !== undefined || document !== null) },
  };
}

export const staffIdentifierSystem = 'https://callchart.dev/fhir/sid/staff';

/** An update of a resource read just before: applied only if nobody changed it since (If-Match). */
function updateEntry(fullUrl: string, resource: Stored<Resource>): BundleEntry {
  const version = resource.meta?.versionId;
  return { fullUrl, resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}`, ...(version ? { ifMatch: `W/"${version}"` } : {}) } };
}

/** The first version (what the AI or the system drafted) and the version decided on, both named. */
function versionEntities(input: { provider: string; providerCallId: string }, trail: readonly VersionTrail[]): NonNullable<Provenance['entity']> {
  const first = trail[0]!;
  const last = trail.at(-1)!;
  const name = (entry: VersionTrail) => ({ identifier: { system: reviewVersionIdentifierSystem, value: noteIdentifierValue(input.provider, input.providerCallId, entry.version) } });
  const firstLabel = first.kind === 'ai-draft' ? 'AI draft' : first.kind === 'blank-draft' ? 'Blank draft for staff to write' : first.kind;
  if (first === last) return [{ role: 'source', what: { ...name(first), display: `${firstLabel} (version ${first.version})` } }];
  const edited = trail.some((entry) => entry.kind === 'edit');
  return [
    { role: 'source', what: { ...name(first), display: `${firstLabel} (version ${first.version})` } },
    { role: 'revision', what: { ...name(last), display: `${edited ? 'Edited by staff and ' : ''}${last.kind === 'rejected' ? 'rejected' : 'approved'} (version ${last.version})` } },
  ];
}

export interface RejectionInput {
  provider: string;
  providerCallId: string;
  /** The work item as the write-task stage builds it; used when the chart has none yet. */
  task: Task;
  chart: ChartState;
  review: Extract<TaskReview, { outcome: 'rejected' }>;
  trail: readonly VersionTrail[];
  recordedAt: Date;
}

/**
 * A rejection as it reaches the chart (issue 12, defect 3), one transaction: the Task cancelled
 * (or entered-in-error for a wrong patient) with the reason; notes filed for earlier approvals of
 * this call withdrawn (entered-in-error); for a wrong patient the Communication too; Provenance
 * naming who rejected it. No call content is added.
 */
export function buildRejectionBundle(input: RejectionInput): Bundle {
  const taskUrl = 'urn:uuid:00000000-0000-4000-8000-000000000011';
  const taskIdentifier = callTaskIdentifierValue(input.provider, input.providerCallId);
  const entries: BundleEntry[] = [input.chart.task
    ? updateEntry(taskUrl, taskAfterReview(input.chart.task, input.review) as Stored<Task>)
    : { fullUrl: taskUrl, resource: taskAfterReview(input.task, input.review), request: { method: 'POST', url: 'Task', ifNoneExist: `identifier=${identifierSearch(callTaskIdentifierSystem, taskIdentifier)}` } }];
  const withdrawn: string[] = [];
  for (const note of input.chart.earlierNotes.filter((earlier) => earlier.status !== 'entered-in-error')) {
    entries.push(updateEntry(`DocumentReference/${note.id}`, { ...note, status: 'entered-in-error' }));
    withdrawn.push(`DocumentReference/${note.id}`);
  }
  const communication = input.chart.communication;
  if (input.review.reason === 'wrong-patient' && communication && communication.status !== 'entered-in-error') {
    entries.push(updateEntry(`Communication/${communication.id}`, { ...communication, status: 'entered-in-error' }));
    withdrawn.push(`Communication/${communication.id}`);
  }
  const provenance: Provenance = {
    resourceType: 'Provenance',
    target: [{ reference: taskUrl }, ...withdrawn.map((reference) => ({ reference }))],
    recorded: input.recordedAt.toISOString(),
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: input.review.reason === 'wrong-patient' ? 'NULLIFY' : 'UPDATE' }] },
    agent: [{
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'verifier' }], text: 'Rejected in review by staff' },
      who: { identifier: { system: staffIdentifierSystem, value: input.review.by } },
    }],
    reason: [{ coding: [{ system: 'https://callchart.dev/fhir/CodeSystem/review-rejection', code: input.review.reason }], text: `Rejected in review: ${rejectionLabels[input.review.reason]}` }],
    ...(input.trail.length ? { entity: versionEntities(input, input.trail) } : {}),
  };
  entries.push({ resource: provenance, request: { method: 'POST', url: 'Provenance' } });
  for (const entry of entries) assertValidR4(entry.resource!);
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

function reviewTag(input: ChartRecordInput) {
  return input.approvedBy
    ? { system: callchartTagSystem, code: 'staff-approved', display: 'Reviewed and approved by staff' }
    : { system: callchartTagSystem, code: input.generatedByAi ? 'ai-generated-unreviewed' : 'automated-unreviewed', display: 'Generated by Callchart; not reviewed by staff' };
}

function summaryText(note: ReviewNote): string {
  return [
    `Reason: ${note.reasonForCall.replace(/_/g, ' ')}`,
    note.details && `Details: ${note.details}`,
    note.actionRequested && `Action requested: ${note.actionRequested}`,
    note.nextStep && `Next step: ${note.nextStep}`,
    `Owner: ${note.owner}`,
    note.followUpDue && `Follow-up due: ${note.followUpDue}`,
    `Urgency: ${note.urgency}`,
  ].filter(Boolean).join('\n');
}

/**
 * R4 structural validation before anything is sent: an invalid resource is a permanent failure
 * here, not at the EHR. Needs the R4 definitions indexed (`loadFhirR4Definitions`, done by the sender).
 */
export function assertValidR4(resource: Resource): void {
  try {
    validateResource(resource);
  } catch (error) {
    const issues = (error as { outcome?: { issue?: { expression?: string[] }[] } }).outcome?.issue ?? [];
    throw new CallchartError('PAYLOAD_INVALID', `${resource.resourceType} is not valid FHIR R4`, {
      resourceType: resource.resourceType,
      paths: issues.flatMap((issue) => issue.expression ?? []).slice(0, 10),
    });
  }
}
