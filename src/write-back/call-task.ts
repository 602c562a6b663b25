import type { Task } from '@medplum/fhirtypes';
import type { CallerMatch } from '../ehr/patient-match.ts';
import { buildCallTask } from '../ehr/fhir-task.mapper.ts';
import type { RequestTypeCode } from '../nlp/analysis.types.ts';
import type { RequestWorkflow } from '../nlp/workflows.ts';

/** What the work item needs from the call's ledger row (codes and ids only). */
export interface CallForTask {
  provider: string;
  providerCallId: string;
  status: string;
  callerMatch: CallerMatch | null;
  requestType: string | null;
  requestTypes: readonly string[];
  redFlags: readonly string[];
  /** Set by understanding: `emergency` when a red flag is affirmed (an uncertain one alone is not). */
  urgency?: 'routine' | 'urgent' | 'emergency' | null;
  startedAt: string | null;
}

/**
 * An emergency call: understanding said so (an affirmed red flag). A row understood before
 * urgency was recorded falls back to "any red flag", the safe side.
 */
export function emergencyCall(call: Pick<CallForTask, 'redFlags' | 'urgency'>): boolean {
  return call.urgency ? call.urgency === 'emergency' : call.redFlags.length > 0;
}

/** The work item Task for a call from its ledger row and the request type workflows (metadata only). */
export function callTaskFor(call: CallForTask, workflows: Record<RequestTypeCode, RequestWorkflow>, now = new Date()): Task {
  const requestType = (call.requestType && call.requestType in workflows ? call.requestType : 'unclassified') as RequestTypeCode | 'unclassified';
  const workflow = requestType === 'unclassified' ? null : workflows[requestType];
  const dueHours = emergencyCall(call) ? workflows.urgent_emergency.dueHours : workflow?.dueHours;
  return buildCallTask({
    provider: call.provider,
    providerCallId: call.providerCallId,
    callStatus: call.status,
    match: call.callerMatch,
    requestType,
    requestTypeLabel: workflow?.label ?? 'Unclassified call',
    startedAt: call.startedAt,
    authoredAt: now,
    priority: workflow?.priority ?? 'routine',
    ...(workflow ? { queue: workflow.queue, ownerRole: workflow.ownerRole } : {}),
    dueAt: dueHours !== undefined ? new Date(now.getTime() + dueHours * 3_600_000) : null,
    otherRequestTypes: call.requestTypes.slice(1),
    redFlags: call.redFlags,
  });
}
