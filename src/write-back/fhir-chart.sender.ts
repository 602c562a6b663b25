import type { Bundle, Resource, ResourceType } from '@medplum/fhirtypes';
import type { Db } from '../store/db.ts';
import type { ContentCipher } from '../store/content-cipher.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { CallchartError } from '../lib/errors.ts';
import type { RequestTypeCode } from '../nlp/analysis.types.ts';
import type { RequestWorkflow } from '../nlp/workflows.ts';
import { loadApprovedRecord } from './approved-record.repository.ts';
import { assertValidR4, buildChartRecordBundle } from './chart-record.mapper.ts';
import { buildEventTask } from './event-task.mapper.ts';
import { loadFhirR4Definitions } from '../sandbox-ehr/fhir-definitions.loader.ts';
import { callTaskFor } from './call-task.ts';
import type { ClaimedItem } from './outbox.repository.ts';
import type { WriteBackSender } from './write-back.worker.ts';

/** What the sender needs from a FHIR client (FhirClient in production). */
export interface FhirChartClient {
  search<T extends Resource>(resourceType: ResourceType, params: Record<string, string>): Promise<T[]>;
  transaction(bundle: Bundle): Promise<Bundle>;
  conditionalCreate<T extends Resource>(resource: T, ifNoneExist: string): Promise<{ resource: T; created: boolean }>;
  /** True while the EHR's circuit breaker is open. */
  isCircuitOpen?(): boolean;
}

/**
 * Sends an approved call to the chart as one FHIR transaction (WB-1). The policy is asked again at
 * send time, so a consent withdrawn since approval still holds; what it allows decides what the
 * bundle contains. A retry first searches the record by its business identifier (WB-3): if the
 * earlier attempt got there, the item is reconciled, not resent.
 */
export class FhirChartRecordSender implements WriteBackSender {
  readonly target = 'fhir' as const;

  constructor(
    private readonly deps: {
      db: Db;
      cipher: ContentCipher;
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
    const { db, cipher, fhir, policies, workflows } = this.deps;
    const { call, versions, version, decision } = await loadApprovedRecord(db, cipher, policies, item);
    const replaces = versions.filter((entry) => entry.version < version.version && (entry.kind === 'approved' || entry.kind === 'auto-approved')).at(-1);
    const unique = call.callerMatch?.outcome === 'unique' ? call.callerMatch.candidates[0] : undefined;
    const built = buildChartRecordBundle({
      provider: call.provider,
      providerCallId: call.providerCallId,
      callId: call.id,
      startedAt: call.startedAt,
      endedAt: call.endedAt,
      task: callTaskFor(call, workflows),
      patientId: unique?.patientId ?? null,
      relatedPersonId: unique?.relatedPersonId ?? null,
      // The mapper includes only what the decision allows (property-tested).
      note: version.body.note,
      noteVersion: version.version,
      replacesNoteVersion: replaces?.version ?? null,
      approvedBy: version.kind === 'approved' ? version.author.replace(/^staff:/, '') : null,
      // An AI draft stays AI-generated in the record's provenance, edited or not; approval adds the verifier.
      generatedByAi: versions[0]?.generatedByAi ?? false,
      decision,
      recordedAt: new Date(),
    });
    const summary = { pattern: decision.pattern, ...built.includes };
    if (item.readBackFirst) {
      const found = await fhir.search(built.readBack.resourceType, { identifier: built.readBack.identifier });
      if (found.length > 0) return { reconciled: true, result: { ...summary, resourceIds: found.map((resource) => `${resource.resourceType}/${resource.id}`) } };
    }
    const response = await fhir.transaction(built.bundle);
    const resourceIds = (response.entry ?? [])
      .map((entry) => entry.response?.location ?? (entry.resource ? `${entry.resource.resourceType}/${entry.resource.id}` : null))
      .filter((location): location is string => Boolean(location))
      .map((location) => location.replace(/^.*?\b([A-Z][A-Za-z]+\/[^/]+)(\/_history\/.*)?$/, '$1'));
    return { reconciled: false, result: { ...summary, resourceIds } };
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
