import type { Db } from '../store/db.ts';
import type { ContentCipher } from '../store/content-cipher.ts';
import type { Logger } from '../lib/logger.ts';
import { CallchartError } from '../lib/errors.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { findCall, latestTranscript, markWriteBack, saveCallerMatch, saveRequestType } from '../calls/calls.repository.ts';
import type { CallerIdentityService } from '../ehr/caller-identity.service.ts';
import type { FhirClient } from '../ehr/fhir.client.ts';
import type { Task } from '@medplum/fhirtypes';
import { isIdentityVerified } from '../ehr/identity-step-up.ts';
import { applyDobStepUp, loadDobEvidence } from '../calls/identity-evidence.repository.ts';
import { buildCallTask, callTaskIfNoneExist, relinkCallTask } from '../ehr/fhir-task.mapper.ts';
import { classifyRequestType, requestTypes, type RequestType } from '../nlp/request-type.ts';
import type { LiveCallsHub } from '../api/live-calls.hub.ts';
import { liveSummary } from '../calls/call-ingest.service.ts';
import type { StageHandler } from './pipeline.worker.ts';
import type { StageName } from './stages.ts';

/**
 * The stage handlers of the after-call pipeline. Each re-reads the call, does nothing when its
 * output already exists (jobs are delivered at least once), and records what it did in the audit
 * log. Which stage follows which is the table's business (stages.ts), not theirs.
 */
export function afterCallHandlers(deps: {
  db: Db;
  cipher: ContentCipher;
  identity: CallerIdentityService;
  fhir: FhirClient;
  hub: LiveCallsHub;
  logger: Logger;
}): Record<StageName, StageHandler> {
  const { db, cipher, identity, fhir, hub } = deps;

  const requireCall = async (callId: string) => {
    const call = await findCall(db, callId);
    if (!call) throw new CallchartError('NOT_FOUND', 'call not in the ledger', { callId });
    return call;
  };
  const publish = async (callId: string) => {
    const call = await findCall(db, callId);
    if (call) hub.publishCall(liveSummary(call));
  };

  return {
    'identify-caller': async ({ callId }) => {
      const call = await requireCall(callId);
      const dobDigits = await loadDobEvidence(db, callId, cipher);
      const needsLookup = !call.callerMatch || call.callerMatch.outcome === 'lookup-failed';
      if (!needsLookup && (dobDigits === null || isIdentityVerified(call.callerMatch))) {
        if (dobDigits !== null) await db.query("delete from identity_evidence where call_id = $1", [callId]);
        return;
      }
      const callerNumber =
        call.aniE164 !== null
          ? ({ presentation: 'number', e164: call.aniE164 } as const)
          : ({ presentation: call.aniPresentation === 'invalid' ? 'invalid' : 'blocked' } as const);
      const lookup = await identity.identify(callerNumber);
      if (lookup.match.outcome === 'lookup-failed') {
        throw new CallchartError('EHR_UNAVAILABLE', 'caller lookup failed', { callId, code: lookup.match.errorCode ?? null });
      }
      await db.transaction(async (tx) => {
        if (await saveCallerMatch(tx, callId, lookup.match)) {
          await appendAuditEvent(tx, {
            actor: 'worker:identify-caller',
            action: 'call.caller.identified',
            objectType: 'call',
            objectId: callId,
            outcome: 'success',
            detail: { outcome: lookup.match.outcome, confidence: lookup.match.confidence, candidates: lookup.match.candidates.length },
          });
        }
        // The date of birth keyed while the EHR could not answer is checked now.
        if (dobDigits !== null) await applyDobStepUp(tx, { callId, actor: 'worker:identify-caller', lookup, digits: dobDigits });
      });
      await publish(callId);
    },

    'classify-request': async ({ callId }) => {
      const transcript = await latestTranscript(db, callId, cipher);
      const result = classifyRequestType(transcript ?? '');
      await db.transaction(async (tx) => {
        await saveRequestType(tx, callId, result.requestType);
        await appendAuditEvent(tx, {
          actor: 'worker:classify-request',
          action: 'call.request.classified',
          objectType: 'call',
          objectId: callId,
          outcome: 'success',
          detail: { requestType: result.requestType, method: 'keywords', keywordHits: result.matchedKeywords.length },
        });
      });
    },

    'write-task': async ({ callId }, attempt) => {
      try {
        await writeTask(callId);
      } catch (error) {
        const code = error instanceof CallchartError ? error.code : 'INTERNAL';
        if (attempt.finalAttempt || (error instanceof CallchartError && error.retry === 'permanent')) {
          await markWriteBack(db, callId, { status: 'failed', errorCode: code });
          await publish(callId);
        }
        throw error;
      }
    },
  };

  async function writeTask(callId: string): Promise<void> {
    const call = await requireCall(callId);
    const requestType = (call.requestType ?? 'other') as RequestType;
    const label = requestType === 'other' ? 'Other' : requestTypes[requestType].label;
    const task = buildCallTask({
      provider: call.provider,
      providerCallId: call.providerCallId,
      callStatus: call.status,
      match: call.callerMatch,
      requestType,
      requestTypeLabel: label,
      startedAt: call.startedAt,
      authoredAt: new Date(),
    });
    // Already in the chart: at most, link it to the patient verified since (never a second Task).
    const written = call.fhirTaskId
      ? { resource: await fhir.read<Task>('Task', call.fhirTaskId), created: false }
      : await fhir.conditionalCreate(task, callTaskIfNoneExist(call.provider, call.providerCallId));
    const relinked = relinkCallTask(written.resource, task);
    if (relinked) await fhir.update({ ...relinked, id: written.resource.id! });
    if (call.fhirTaskId && !relinked) return;
    await db.transaction(async (tx) => {
      await markWriteBack(tx, callId, { status: 'written', fhirTaskId: written.resource.id! });
      await appendAuditEvent(tx, {
        actor: 'worker:write-task',
        action: relinked ? 'ehr.task.linked' : 'ehr.task.written',
        objectType: 'call',
        objectId: callId,
        outcome: written.created || relinked ? 'success' : 'duplicate',
        detail: { fhirTaskId: written.resource.id ?? null, created: written.created, linkedToPatient: Boolean(task.for) },
      });
    });
    await publish(callId);
    // Identity verified while this Task was being written: link it now rather than leave it loose.
    if (!task.for && isIdentityVerified((await requireCall(callId)).callerMatch)) await writeTask(callId);
  }
}
