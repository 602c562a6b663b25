import type { Db } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { Logger } from '../lib/logger.ts';
import { CallchartError } from '../lib/errors.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { findCall, markWriteBack, saveCallAnalysis, saveCallerMatch, saveSubjectCheck, type CallRecord } from '../calls/calls.repository.ts';
import type { CallerIdentityService } from '../ehr/caller-identity.service.ts';
import type { FhirClient } from '../ehr/fhir.client.ts';
import type { Consent, Patient, Task } from '@medplum/fhirtypes';
import { isIdentityVerified } from '../ehr/identity-step-up.ts';
import { applyDobStepUp, dropDobEvidence, loadDobEvidence } from '../calls/identity-evidence.repository.ts';
import { callTaskIfNoneExist, relinkCallTask } from '../ehr/fhir-task.mapper.ts';
import { callTaskFor } from '../write-back/call-task.ts';
import { analyzeCall } from '../nlp/analyze-call.ts';
import { listTranscriptFacts, openTranscript } from '../calls/transcript.repository.ts';
import { chooseBestTranscript } from '../calls/transcript-choice.ts';
import { unsureWordSpans } from '../calls/transcript-words.ts';
import type { RequestTypeCode } from '../nlp/analysis.types.ts';
import { requestTypesFromIvr } from '../nlp/ivr-request-type.ts';
import type { RequestWorkflow } from '../nlp/workflows.ts';
import type { LanguageModelAssist } from '../nlp/language-model/language-model.service.ts';
import { rulesUnderstanding, type LanguageModelOutcome } from '../nlp/language-model/model-merge.ts';
import { patientContextOf } from '../ehr/patient-context.mapper.ts';
import { interpreterNeeded } from '../ehr/interpreter-need.mapper.ts';
import type { LivePublisher } from '../api/live-calls.hub.ts';
import { liveSummary } from '../calls/call-ingest.service.ts';
import { callerNumberOf } from '../calls/caller-number.repository.ts';
import type { StageHandler } from './pipeline.worker.ts';
import type { StageName } from './stages.ts';
import { decideForCall } from '../consent/call-policy.service.ts';
import { detectSensitiveCategories } from '../consent/call-policy.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import type { ReviewService } from '../review/review.service.ts';
import { standingPreferencesOf } from '../consent/standing-consent.mapper.ts';
import { saveStandingConsents } from '../consent/standing-consent.repository.ts';
import type { PatientDirectory } from '../ehr/patient-directory.service.ts';
import { chartFactsOf, compareWithChart } from '../review/caller-mismatch.ts';
import { openCallbackForCall } from '../callbacks/callback-opening.service.ts';
import { defaultCallbackSettings, type CallbackSettings } from '../callbacks/callback-policy.ts';

/**
 * The stage handlers of the after-call pipeline. Each re-reads the call, does nothing when its
 * output already exists (jobs are delivered at least once), and records what it did in the audit
 * log. Which stage follows which is the table's business (stages.ts), not theirs.
 */
export function afterCallHandlers(deps: {
  db: Db;
  cipher: ContentKeyring;
  identity: CallerIdentityService;
  fhir: FhirClient;
  hub: LivePublisher;
  logger: Logger;
  workflows: Record<RequestTypeCode, RequestWorkflow>;
  policies: QueuePolicyStore;
  review: ReviewService;
  /** Charts by id (cached): the chart a call was linked to by staff, when caller ID did not find it. */
  patients?: PatientDirectory;
  /** The language the clinic works in (BCP-47); a patient preferring another needs an interpreter. Default en. */
  clinicLanguage?: string;
  /**
   * The clinic's language model (issue 15, item 6), asked after the rules with the redacted
   * transcript; its answer is merged over theirs. Absent: the rules alone.
   */
  languageModel?: LanguageModelAssist;
  /** The caller's stored match changed here: the staff card shown for the call follows it. */
  onCallerIdentified?: (callId: string) => void;
  /**
   * Callback tasks (issue 16, FU-1): the policy, the key an unidentified caller's number is hashed
   * under (absent: such callers' calls do not merge), the queue of last resort and the clock.
   */
  callbacks?: { settings?: CallbackSettings; callerKeySecret?: Buffer; fallbackQueue?: string; clock?: () => Date };
  /**
   * After the review item is planned (issue 16: the on-call notice). Awaited, so a failure retries
   * the stage; it must be idempotent (planning is: a second run finds the item and plans nothing).
   */
  onReviewPlanned?: (callId: string) => Promise<unknown>;
  /**
   * Speech settings (issue 17): which source to prefer among equally good transcripts
   * (`speech.fallback`) and below which confidence a word is marked. Default pbx and 0.6.
   */
  speech?: { fallback: 'pbx' | 'http' | 'none'; lowConfidence: number };
}): Record<StageName, StageHandler> {
  const { db, cipher, identity, fhir, hub, workflows, policies, review } = deps;
  const clinicLanguage = deps.clinicLanguage ?? 'en';

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
      await identifyCaller(callId);
      await readStandingConsents(callId);
    },

    'understand-call': async ({ callId }) => {
      const call = await requireCall(callId);
      const chart = await chartPatientFor(call);
      const patient = chart ? patientContextOf(chart) : undefined;
      const detectedSensitive = detectSensitiveCategories({
        proxyCaller: Boolean(call.callerMatch?.outcome === 'unique' && call.callerMatch.candidates[0]?.relatedPersonId),
        patientBirthDate: patient?.birthDate ?? null,
        // The chart says the patient needs an interpreter: the call goes to a person (CO-3).
        interpreter: chart ? interpreterNeeded(chart, clinicLanguage) : false,
        at: new Date(call.startedAt ?? Date.now()),
      });
      // The policy first (CO-2): a transcript the caller or the queue did not allow is not kept, and
      // no AI runs without AI consent and a queue that allows it.
      const decision = await db.transaction(async (tx) => {
        const decided = await decideForCall(tx, policies, call, 'understand-call', { detectedSensitive });
        if (!decided.transcript.allowed) {
          // The deleter is named for the retention inventory: a refusal, not a deletion outside policy.
          await tx.query("select set_config('callchart.deleted_by', 'consent-refused', true)");
          const purged = await tx.query('delete from transcript where call_id = $1', [callId]);
          await tx.query('delete from realtime_transcript_segment where call_id = $1', [callId]);
          if (purged.rowCount > 0) {
            await appendAuditEvent(tx, {
              actor: 'worker:understand-call', action: 'transcript.purged', objectType: 'call', objectId: callId, outcome: 'success',
              reason: decided.transcript.reason, detail: { transcripts: purged.rowCount },
            });
          }
        }
        return decided;
      });
      // The best of the call's transcripts (issue 17): by quality, then the clinic's fallback order, then the newest.
      const chosen = decision.transcript.allowed ? chooseBestTranscript(await listTranscriptFacts(db, callId), deps.speech?.fallback ?? 'pbx') : null;
      const transcriptUsed = chosen ? { source: chosen.source, quality: chosen.quality, qualityReasons: chosen.qualityReasons } : null;
      const transcript = decision.ai.allowed && chosen ? await openTranscript(db, chosen.eventId, cipher) : null;
      const analysis = transcript ? analyzeCall(transcript.text, { workflows, ...(patient ? { patient } : {}) }) : null;
      // The language model, where the clinic runs one, is asked here at the edge (the analysis stays
      // pure); the merge is pure too, and any failure of the model leaves the rules' analysis alone.
      const understood = transcript && analysis
        ? deps.languageModel
          ? await deps.languageModel.understand(transcript.text, analysis, { workflows, now: new Date() })
          : rulesUnderstanding(analysis, { used: false, reason: 'not-configured', sent: null })
        : null;
      // Do the caller's words fit the chart the call is on (issue 12, defect 5)? Codes only leave here.
      const patientMismatch = chart && analysis ? compareWithChart(analysis.subject, chartFactsOf(chart), new Date(call.startedAt ?? Date.now())) : null;
      // `method` tells the reviewer why there is no AI draft.
      // No transcript, or nothing recognised in it: the caller's own menu choice, if any.
      const fromIvr = requestTypesFromIvr(call.ivrReason, call.urgent);
      const requestTypes: { type: RequestTypeCode; confidence: number }[] = understood?.requestTypes.length ? understood.requestTypes : fromIvr;
      const redFlags = [...new Set(understood?.redFlags.map((flag) => flag.code) ?? [])];
      const method = understood?.requestTypes.length ? 'transcript' : fromIvr.length ? 'ivr-menu' : 'none';
      const aiWithheld = decision.ai.allowed ? null : decision.ai.reason;
      const urgency = understood?.summary.urgency === 'emergency' ? 'emergency' : understood?.summary.urgency === 'urgent' || call.urgent ? 'urgent' : 'routine';
      const requestTypeCodes = requestTypes.map((score) => score.type);
      // One sealed record holds the redacted transcript and the summary: it is kept (and shredded) as the summary.
      // With a language model, what it proposed stands in the analysis' place, marked by source; the rules' own request types stay beside it.
      const stored = analysis && understood
        ? {
          ...analysis, rulesRequestTypes: analysis.requestTypes,
          requestTypes: understood.requestTypes, redFlags: understood.redFlags, urgent: understood.urgent, summary: understood.summary, languageModel: understood.languageModel,
          // How far the words could be trusted, and which of them the machine was unsure of (offsets into the transcript analysed).
          transcriptQuality: transcriptUsed,
          unsureWords: unsureWordSpans(transcript!.text, transcript!.segments, deps.speech?.lowConfidence ?? 0.6),
        }
        : { requestTypes, redFlags: [], summary: null, transcriptQuality: transcriptUsed, unsureWords: [] };
      const { sealed, keyId } = await cipher.sealFor('summary', new Date(), JSON.stringify(stored));
      await db.transaction(async (tx) => {
        await saveCallAnalysis(tx, callId, {
          requestType: requestTypeCodes[0] ?? 'unclassified',
          requestTypes: requestTypeCodes,
          redFlags,
          urgency,
          method,
          transcriptEventId: chosen?.eventId ?? null,
          transcriptUsed,
          sealed,
          keyId,
        });
        if (chart?.id && patientMismatch) await saveSubjectCheck(tx, callId, { patientId: chart.id, mismatch: patientMismatch });
        await appendAuditEvent(tx, {
          actor: 'worker:understand-call',
          action: 'call.understood',
          objectType: 'call',
          objectId: callId,
          outcome: 'success',
          // Codes and counts only: never the words.
          detail: {
            method, requestTypes: requestTypeCodes, redFlags, urgency,
            redFlagsSetAside: analysis?.setAside.length ?? 0, phiSpansRedacted: analysis?.phi.length ?? 0, patientContext: Boolean(patient), aiWithheld,
            patientMismatch,
            transcriptSource: transcriptUsed?.source ?? null, transcriptQuality: transcriptUsed?.quality ?? null,
            // Whether the language model's answer was used, or why not, and whether it saw raw text (codes only).
            ...languageModelAudit(understood?.languageModel ?? null),
          },
        });
      });
      await publish(callId);
      hub.publishUnderstanding({
        callId, queue: call.queue, agent: call.agent,
        requestTypes: understood?.requestTypes.length
          ? understood.requestTypes.map(({ type, confidence, source }) => ({ type, confidence, source }))
          : requestTypes.map(({ type, confidence }) => ({ type, confidence })),
        redFlags: understood?.redFlags.map(({ code, status }) => ({ code, status })) ?? [],
        urgency,
        summary: understood
          ? {
            reasonForCall: understood.summary.reasonForCall, details: understood.summary.details, actionRequested: understood.summary.actionRequested,
            nextStep: understood.summary.nextStep, owner: understood.summary.owner, followUpDue: understood.summary.followUpDue,
          }
          : null,
        generatedBy: understood?.summary.generatedBy ?? 'callchart-rules',
        reviewed: false,
      });
    },

    'plan-write-back': async ({ callId }) => {
      await review.planForCall(callId);
      await deps.onReviewPlanned?.(callId);
    },

    'open-callback': async ({ callId }) => {
      const opened = await openCallbackForCall({
        db, cipher, workflows,
        settings: deps.callbacks?.settings ?? defaultCallbackSettings,
        // Without a key an unidentified caller's calls cannot be told apart: each opens its own task.
        callerKeySecret: deps.callbacks?.callerKeySecret ?? Buffer.alloc(0),
        fallbackQueue: deps.callbacks?.fallbackQueue ?? 'front-desk',
        ...(deps.callbacks?.clock ? { clock: deps.callbacks.clock } : {}),
      }, callId);
      if (opened) deps.logger.info({ callId, callbackTask: opened.id, merged: opened.merged, origin: opened.origin }, 'callback task opened');
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

  /** Who called (the ANI lookup and the keyed date of birth), unless the live path already knows. */
  async function identifyCaller(callId: string): Promise<void> {
    const call = await requireCall(callId);
    const dobDigits = await loadDobEvidence(db, callId, cipher);
    const needsLookup = !call.callerMatch || call.callerMatch.outcome === 'lookup-failed';
    if (!needsLookup && (dobDigits === null || isIdentityVerified(call.callerMatch))) {
      if (dobDigits !== null) await dropDobEvidence(db, callId);
      return;
    }
    const callerNumber = await callerNumberOf(db, call, cipher);
    const lookup = await identity.identify(callerNumber);
    if (lookup.match.outcome === 'lookup-failed') {
      throw new CallchartError('EHR_UNAVAILABLE', 'caller lookup failed', { callId, code: lookup.match.errorCode ?? null });
    }
    const changed = await db.transaction(async (tx) => {
      const saved = await saveCallerMatch(tx, callId, lookup.match);
      if (saved) {
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
      const verified = dobDigits !== null && (await applyDobStepUp(tx, { callId, actor: 'worker:identify-caller', lookup, digits: dobDigits })).result.verified;
      return saved || verified;
    });
    await publish(callId);
    if (changed) deps.onCallerIdentified?.(callId);
  }

  /**
   * The patient's standing preferences about call data (FHIR Consent), once per call, as soon as
   * the caller matched one chart. They are kept with the call; the policy function applies them.
   */
  async function readStandingConsents(callId: string): Promise<void> {
    const call = await requireCall(callId);
    const patientId = call.callerMatch?.outcome === 'unique' ? call.callerMatch.candidates[0]?.patientId : undefined;
    if (!patientId) return;
    const { rows } = await db.query<{ read_at: Date | string | null }>('select standing_consent_read_at as read_at from call where id = $1', [callId]);
    if (rows[0]?.read_at) return;
    const consents = await fhir.search<Consent>('Consent', { patient: `Patient/${patientId}`, status: 'active' });
    const preferences = standingPreferencesOf(consents);
    await db.transaction(async (tx) => {
      await saveStandingConsents(tx, callId, preferences);
      await tx.query('update call set standing_consent_read_at = now() where id = $1', [callId]);
      const scopesWith = (status: string) => Object.entries(preferences).filter(([, preference]) => preference.status === status).map(([scope]) => scope);
      await appendAuditEvent(tx, {
        actor: 'worker:identify-caller', action: 'call.consent.standing-read', objectType: 'call', objectId: callId, outcome: 'success',
        detail: { consents: consents.length, declined: scopesWith('declined'), granted: scopesWith('granted') },
      });
    });
  }

  /**
   * The chart the call is on (one patient matched or linked), in memory only: for redaction and to
   * check the caller's words against it. Caller lookups and charts are cached; a chart the EHR
   * cannot give now is left out (no redaction context, no check) rather than failing the stage.
   */
  async function chartPatientFor(call: CallRecord): Promise<Patient | undefined> {
    if (call.callerMatch?.outcome !== 'unique') return undefined;
    const patientId = call.callerMatch.candidates[0]?.patientId;
    if (!patientId) return undefined;
    const callerNumber = await callerNumberOf(deps.db, call, deps.cipher);
    if (callerNumber.presentation === 'number') {
      const lookup = await identity.identify(callerNumber);
      const found = lookup.candidatePatients.find((candidate) => candidate.id === patientId);
      if (found) return found;
    }
    return (await deps.patients?.find(patientId).catch(() => null)) ?? undefined;
  }

  async function writeTask(callId: string): Promise<void> {
    const call = await requireCall(callId);
    const task = callTaskFor(call, workflows);
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

/** The language model's part in one call, flat for the audit detail: codes and counts, never words. */
function languageModelAudit(outcome: LanguageModelOutcome | null): Record<string, string | number | string[] | null> {
  if (!outcome) return { languageModel: null };
  if (!outcome.used) return { languageModel: outcome.reason, languageModelText: outcome.sent };
  return {
    languageModel: 'used', languageModelText: outcome.sent, languageModelRedFlagsAdded: outcome.redFlagsAdded,
    languageModelSetAside: outcome.setAside.map(({ what, code, reason }) => `${what}:${code}:${reason}`),
  };
}
