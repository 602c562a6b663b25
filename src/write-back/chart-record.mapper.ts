import { validateResource } from '@medplum/core';
import type { Bundle, BundleEntry, Communication, DocumentReference, Patient, Provenance, Reference, Resource, Task } from '@medplum/fhirtypes';
import type { CallPolicyDecision } from '../consent/call-policy.ts';
import { callchartTagSystem, callTaskIdentifierSystem, callTaskIdentifierValue, escapeSearchValue } from '../ehr/fhir-task.mapper.ts';
import type { ReviewNote } from '../review/review-note.ts';
import { CallchartError } from '../lib/errors.ts';

/**
 * The call as it goes into the chart once approved (WB-1), as one FHIR R4 transaction Bundle:
 * - Task: the work item (code = request type, owner, priority, due, for = Patient), a conditional
 *   create: the write-task stage usually made it already, and it is never overwritten (staff may
 *   have worked it in the EHR since);
 * - Communication: the call (time, direction, medium = phone, who called), with the approved
 *   summary as its payload only when EHR consent and policy allow content;
 * - DocumentReference: the approved note, only for the reviewed-note pattern with EHR consent;
 * - Provenance: who made it — the AI draft's generator and the staff member who approved it, or
 *   the generator alone for an auto-approved summary, marked as not reviewed.
 * Pure: what may be included comes from the policy decision, and every resource is validated
 * against R4 before the bundle leaves.
 */
export const callIdentifierSystem = 'https://callchart.dev/fhir/sid/call';
export const callNoteIdentifierSystem = 'https://callchart.dev/fhir/sid/call-note';

export interface ChartRecordInput {
  provider: string;
  providerCallId: string;
  /** Callchart's own call id: where staff find the caller's number (never copied into the chart). */
  callId: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The work item as the write-task stage builds it (metadata only). */
  task: Task;
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
  /** What to search by to tell whether this bundle is already in the chart. */
  readBack: { resourceType: 'Communication' | 'DocumentReference' | 'Task'; identifier: string };
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

  const task: Task = {
    ...input.task,
    ...(subject ? { for: subject } : {}),
    input: [
      ...(input.task.input ?? []),
      // Metadata-only work item: where to find the callback number, not the number itself.
      { type: { text: 'callchart-call' }, valueReference: { identifier: { system: callIdentifierSystem, value: input.callId }, display: 'Call in Callchart (callback number there)' } },
    ],
  };
  entries.push({ fullUrl: taskUrl, resource: task, request: { method: 'POST', url: 'Task', ifNoneExist: `identifier=${identifierSearch(callTaskIdentifierSystem, taskIdentifier)}` } });

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
    entries.push({ fullUrl: communicationUrl, resource: communication, request: { method: 'POST', url: 'Communication', ifNoneExist: `identifier=${identifierSearch(callIdentifierSystem, callValue)}` } });
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
  if (document) {
    entries.push({ fullUrl: documentUrl, resource: document, request: { method: 'POST', url: 'DocumentReference', ifNoneExist: `identifier=${identifierSearch(callNoteIdentifierSystem, noteValue)}` } });
  }

  const targets = [taskUrl, ...(communication ? [communicationUrl] : []), ...(document ? [documentUrl] : [])].map((reference) => ({ reference }));
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
    reason: [{ text: `Integration pattern ${decision.pattern}` }],
  };
  entries.push({ resource: provenance, request: { method: 'POST', url: 'Provenance' } });

  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: entries };
  for (const entry of entries) assertValidR4(entry.resource!);
  return {
    bundle,
    readBack: communication
      ? { resourceType: 'Communication', identifier: identifierSearch(callIdentifierSystem, callValue) }
      : { resourceType: 'Task', identifier: identifierSearch(callTaskIdentifierSystem, taskIdentifier) },
    includes: { task: true, communication: communication !== null, documentReference: document !== null, provenance: true, content: content && (communication?.payload !== undefined || document !== null) },
  };
}

export const staffIdentifierSystem = 'https://callchart.dev/fhir/sid/staff';

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
