import type { Bundle, Communication, DocumentReference, Resource, ResourceType, Task } from '@medplum/fhirtypes';
import type { Db } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { CallchartError } from '../lib/errors.ts';
import type { RequestTypeCode } from '../nlp/analysis.types.ts';
import type { RequestWorkflow } from '../nlp/workflows.ts';
import { loadApprovedRecord } from './approved-record.repository.ts';
import {
  assertValidR4, buildChartRecordBundle, buildRejectionBundle, callIdentifierSystem, callIdentifierValue, callNoteIdentifierSystem, identifierSearch,
  noteIdentifierValue, type ChartState, type Stored, type VersionTrail,
} from './chart-record.mapper.ts';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../ehr/fhir-task.mapper.ts';
import { findCall } from '../calls/calls.repository.ts';
import { findReviewItem, loadVersions, type ReviewVersion } from '../review/review.repository.ts';
import { reviewedVersionOf } from './task-review.mapper.ts';
import { buildEventTask } from './event-task.mapper.ts';
import { loadFhirR4Definitions } from '../sandbox-ehr/fhir-definitions.loader.ts';
import { callTaskFor } from './call-task.ts';
import type { ClaimedItem } from './outbox.repository.ts';
import { findCallbackTask, taskIdOfBusinessId } from '../callbacks/callback.repository.ts';
import { followCallbackStatus } from '../callbacks/callback-task.mapper.ts';
import type { WriteBackSender } from './write-back.worker.ts';

/** What the sender needs from a FHIR client (FhirClient in production). */
export interface FhirChartClient {
  search<T extends Resource>(resourceType: ResourceType, params: Record<string, string>): Promise<T[]>;
  transaction(bundle: Bundle): Promise<Bundle>;
  conditionalCreate<T extends Resource>(resource: T, ifNoneExist: string): Promise<{ resource: T; created: boolean }>;
  /** Update in place, conditional on the version read (If-Match): the callback status follow (issue 16). */
  update<T extends Resource>(resource: T & { id: string }): Promise<T>;
  /** True while the EHR's circuit breaker is open. */
  isCircuitOpen?(): boolean;
}

/**
 * Sends an approved call to the chart as one FHIR transaction (WB-1). The policy is asked again at
 * send time, so a consent withdrawn since approval still holds; what it allows decides what the
 * bundle contains. Every attempt first reads what the chart holds for the call (its Task, its
 * Communication, earlier notes): the Task records the review version it reflects, so an attempt
 * that already got there is reconciled, not resent (WB-3), and updates are conditional on the
 * version read (If-Match), so staff's work on the Task in the EHR is never overwritten.
 */
export class FhirChartRecordSender implements WriteBackSender {
  readonly target = 'fhir' as const;

  constructor(
    private readonly deps: {
      db: Db;
      cipher: ContentKeyring;
      fhir: FhirChartClient;
      policies: QueuePolicyStore;
      workflows: Record<RequestTypeCode, RequestWorkflow>;
    },
  ) {
    // R4 validation before sending needs the structure definitions indexed (once per process).
    loadFhirR4Definitions();
  }

  available(): boolean {
    return !(this.deps.fhir.isCircuitOpen?.() ?? false);
  }

  async deliver(item: ClaimedItem): Promise<{ reconciled: boolean; result: Record<string, unknown> }> {
    if (item.kind === 'event-task') return this.deliverEvent(item);
    if (item.kind === 'rejection') return this.deliverRejection(item);
    if (item.kind === 'callback-status') return this.deliverCallbackStatus(item);
    const { db, cipher, policies, workflows } = this.deps;
    const { call, versions, version, decision } = await loadApprovedRecord(db, cipher, policies, item);
    const decided = decidedBefore(versions, version.version);
    const chart = await this.readChart(call, decided.map((entry) => entry.version));
    // The Task records the review version it reflects, in the same transaction as everything else:
    // when it is there, this bundle (or a later one) already reached the chart (WB-3).
    if (chart.task && (reviewedVersionOf(chart.task) ?? 0) >= version.version) return { reconciled: true, result: { pattern: decision.pattern, resourceIds: [`Task/${chart.task.id}`] } };
    const unique = call.callerMatch?.outcome === 'unique' ? call.callerMatch.candidates[0] : undefined;
    const note = version.body.note;
    const approvedBy = version.kind === 'approved' ? version.author.replace(/^staff:/, '') : null;
    const generatedByAi = versions[0]?.generatedByAi ?? false;
    const requestTypeLabel = note.reasonForCall === 'unclassified' ? 'Unclassified call' : workflows[note.reasonForCall].label;
    const at = new Date(version.createdAt);
    const built = buildChartRecordBundle({
      provider: call.provider,
      providerCallId: call.providerCallId,
      callId: call.id,
      startedAt: call.startedAt,
      endedAt: call.endedAt,
      task: callTaskFor(call, workflows),
      chart,
      review: approvedBy
        ? { outcome: 'approved', version: version.version, by: approvedBy, at, note, requestTypeLabel, edited: versions.some((entry) => entry.kind === 'edit' && entry.version < version.version) }
        : { outcome: 'auto-approved', version: version.version, at, note, requestTypeLabel, generatedByAi },
      trail: trailOf(versions, version.version),
      patientId: unique?.patientId ?? null,
      relatedPersonId: unique?.relatedPersonId ?? null,
      // The mapper includes only what the decision allows (property-tested).
      note,
      noteVersion: version.version,
      replacesNoteVersion: decided.at(-1)?.version ?? null,
      approvedBy,
      // An AI draft stays AI-generated in the record's provenance, edited or not; approval adds the verifier.
      generatedByAi,
      decision,
      recordedAt: new Date(),
    });
    const resourceIds = locationsOf(await this.deps.fhir.transaction(built.bundle));
    return { reconciled: false, result: { pattern: decision.pattern, ...built.includes, resourceIds } };
  }

  /** A rejection (issue 12): the Task cancelled or entered-in-error, earlier notes withdrawn, once. */
  private async deliverRejection(item: ClaimedItem): Promise<{ reconciled: boolean; result: Record<string, unknown> }> {
    const { db, cipher, workflows } = this.deps;
    const call = item.callId ? await findCall(db, item.callId) : null;
    const review = item.reviewId ? await findReviewItem(db, item.reviewId) : null;
    if (!call || !review || item.reviewVersion === null) throw new CallchartError('NOT_FOUND', 'rejection without its call or review item', { writeBackItem: item.id });
    const versions = await loadVersions(db, cipher, review.id);
    const version = versions.find((entry) => entry.version === item.reviewVersion);
    if (!version || version.kind !== 'rejected') throw new CallchartError('NOT_FOUND', 'rejected version missing', { writeBackItem: item.id });
    const approved = decidedBefore(versions, version.version);
    const chart = await this.readChart(call, approved.map((entry) => entry.version));
    if (chart.task && (reviewedVersionOf(chart.task) ?? 0) >= version.version) return { reconciled: true, result: { rejected: review.rejectionReason, resourceIds: [`Task/${chart.task.id}`] } };
    const bundle = buildRejectionBundle({
      provider: call.provider,
      providerCallId: call.providerCallId,
      task: callTaskFor(call, workflows),
      chart,
      review: { outcome: 'rejected', version: version.version, by: version.author.replace(/^staff:/, ''), at: new Date(version.createdAt), reason: review.rejectionReason ?? 'other' },
      trail: trailOf(versions, version.version),
      recordedAt: new Date(),
    });
    const resourceIds = locationsOf(await this.deps.fhir.transaction(bundle));
    return { reconciled: false, result: { rejected: review.rejectionReason, resourceIds } };
  }

  /**
   * The call's Task follows its callback task (issue 16): whatever the callback task says now is
   * written (a later change that overtook this item is still right), as a version-conditional
   * update; a Task that already says it is reconciled, not rewritten. A 412 (staff changed the
   * Task meanwhile) is retried after a fresh read.
   */
  private async deliverCallbackStatus(item: ClaimedItem): Promise<{ reconciled: boolean; result: Record<string, unknown> }> {
    const taskId = taskIdOfBusinessId(item.businessId);
    const callback = taskId ? await findCallbackTask(this.deps.db, taskId) : null;
    const call = item.callId ? await findCall(this.deps.db, item.callId) : null;
    if (!callback || !call) throw new CallchartError('NOT_FOUND', 'callback status without its task or call', { writeBackItem: item.id });
    const [task] = await this.deps.fhir.search<Task>('Task', { identifier: identifierSearch(callTaskIdentifierSystem, callTaskIdentifierValue(call.provider, call.providerCallId)) });
    // The call's Task is written by the pipeline's write-task stage; until it is there, wait for it.
    if (!task?.id) throw new CallchartError('EHR_CONFLICT', "the call's Task is not in the chart yet", { writeBackItem: item.id });
    const followed = followCallbackStatus(task, callback);
    const result = { callbackStatus: callback.status, escalationLevel: callback.escalationLevel, resourceIds: [`Task/${task.id}`] };
    if (!followed) return { reconciled: true, result };
    await this.deps.fhir.update({ ...followed, id: task.id });
    return { reconciled: false, result };
  }

  /** What the chart holds for this call now: its Task, its Communication, the notes of earlier approvals. */
  private async readChart(call: { provider: string; providerCallId: string }, earlierVersions: readonly number[]): Promise<ChartState> {
    const { fhir } = this.deps;
    // Independent reads: one round trip's worth of latency, not three.
    const [[task], [communication], notes] = await Promise.all([
      fhir.search<Task>('Task', { identifier: identifierSearch(callTaskIdentifierSystem, callTaskIdentifierValue(call.provider, call.providerCallId)) }),
      fhir.search<Communication>('Communication', { identifier: identifierSearch(callIdentifierSystem, callIdentifierValue(call.provider, call.providerCallId)) }),
      Promise.all(earlierVersions.map((version) => fhir.search<DocumentReference>('DocumentReference', { identifier: identifierSearch(callNoteIdentifierSystem, noteIdentifierValue(call.provider, call.providerCallId, version)) }))),
    ]);
    const earlierNotes = notes.flat();
    return { task: stored(task), communication: stored(communication), earlierNotes: earlierNotes.map(stored).filter((note) => note !== null) };
  }

  /** An event's follow-up Task: a conditional create by the event's identifier (no note, no content). */
  private async deliverEvent(item: ClaimedItem): Promise<{ reconciled: boolean; result: Record<string, unknown> }> {
    if (!item.event) throw new CallchartError('PAYLOAD_INVALID', 'event write-back item without its event', { writeBackItem: item.id });
    const { events } = this.deps.policies.current.policy;
    const { task, ifNoneExist } = buildEventTask(item.event, { queue: events.queue, dueHours: events.dueHours, now: new Date(item.createdAt) });
    assertValidR4(task);
    const written = await this.deps.fhir.conditionalCreate(task, ifNoneExist);
    return { reconciled: !written.created, result: { event: item.event.type, resourceIds: [`Task/${written.resource.id}`] } };
  }
}

/** Approved or auto-approved versions before this one: their notes may already be in the chart. */
function decidedBefore(versions: readonly ReviewVersion[], version: number): ReviewVersion[] {
  return versions.filter((entry) => entry.version < version && (entry.kind === 'approved' || entry.kind === 'auto-approved'));
}

/** Versions up to the one decided on, as Provenance names them. */
function trailOf(versions: readonly ReviewVersion[], upTo: number): VersionTrail[] {
  return versions.filter((entry) => entry.version <= upTo).map((entry) => ({ version: entry.version, kind: entry.kind, author: entry.author, changedFields: entry.changedFields }));
}

function stored<T extends Resource>(resource: T | undefined): Stored<T> | null {
  return resource?.id ? (resource as Stored<T>) : null;
}

/** `Task/123` for each entry of a transaction response. */
function locationsOf(response: Bundle): string[] {
  return (response.entry ?? [])
    .map((entry) => entry.response?.location ?? (entry.resource ? `${entry.resource.resourceType}/${entry.resource.id}` : null))
    .filter((location): location is string => Boolean(location))
    .map((location) => location.replace(/^.*?\b([A-Z][A-Za-z]+\/[^/]+)(\/_history\/.*)?$/, '$1'));
}
