import type { CountryCode } from 'libphonenumber-js';
import type { Db, Transaction } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { Logger } from '../lib/logger.ts';
import { trace } from '@opentelemetry/api';
import { runWithContext } from '../lib/context.ts';
import { currentTraceparent } from '../telemetry/tracing.ts';
import { CallchartError, isCallchartError } from '../lib/errors.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { CallerIdentityService, CallerLookup } from '../ehr/caller-identity.service.ts';
import type { PatientChartSlice } from '../ehr/screen-pop.mapper.ts';
import { applyDobStepUp, saveDobEvidence } from './identity-evidence.repository.ts';
import { callReasons, consentScopes, type CallReason } from '../ivr/ivr-settings.schema.ts';
import type { LivePublisher, LiveCallSummary, LiveRouting } from '../api/live-calls.hub.ts';
import type { Pipeline } from '../pipeline/pipeline.worker.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { decideForCall } from '../consent/call-policy.service.ts';
import { GroupCommit, type GroupCommitOptions } from '../store/group-commit.ts';
import type { ScreenPopService } from './screen-pop.service.ts';
import type { CallEvent } from './call-event.schema.ts';
import { normalizeCallerNumber, type CallerNumber } from './caller-number.ts';
import { terminalStatuses } from './call-state.ts';
import {
  findCall, listConsents, recordCallEvent, saveCallerMatch, saveConsent, saveIvrReason, type CallRecord, type RecordedEvent,
} from './calls.repository.ts';

/** How long after a call ends a transcript may wait for its consent answer (sent again by the PBX). */
const consentWindowMs = 10 * 60_000;

export interface IngestResult {
  status: 'accepted' | 'duplicate';
  callId: string;
  callStatus: string;
}

export function liveSummary(call: CallRecord): LiveCallSummary {
  return {
    callId: call.id,
    provider: call.provider,
    status: call.status,
    queue: call.queue,
    agent: call.agent,
    callerOutcome: call.callerMatch?.outcome ?? null,
    identityConfidence: call.callerMatch?.confidence ?? null,
    ivrReason: call.ivrReason,
    urgent: call.urgent,
    routedTo: typeof call.routing?.destinationLabel === 'string' ? call.routing.destinationLabel : null,
    routing: liveRouting(call.routing),
    requestType: call.requestType,
    requestTypes: call.requestTypes,
    redFlagCount: call.redFlags.length,
    urgency: call.urgency,
    writeBackStatus: call.writeBackStatus,
    updatedAt: call.updatedAt,
  };
}

/**
 * The stored routing decision (routing.service.ts `StoredRouting`) cut to what the live display
 * shows: destination and the rule's reason. Read defensively: it is JSON from the store.
 */
function liveRouting(routing: Record<string, unknown> | null): LiveRouting | null {
  if (!routing || typeof routing.destinationLabel !== 'string') return null;
  return {
    destination: routing.destinationLabel,
    reason: typeof routing.reason === 'string' ? routing.reason : '',
    ruleId: typeof routing.ruleId === 'string' ? routing.ruleId : '',
    fallback: routing.fallback === true,
    afterHours: routing.afterHours === true,
  };
}

/** What the metrics learn when a call ends: codes and the queue name only (AN-1). */
export interface CallEndedFacts {
  direction: string;
  outcome: 'answered' | 'missed' | 'voicemail';
  queue: string | null;
  speedToAnswerSeconds: number | null;
  /** Per consent scope: granted, declined or not-captured. */
  consents: Record<string, string>;
}

/** The live identification of one call: caller match, then the chart slice for the card. */
export interface LiveIdentification {
  lookup: CallerLookup;
  slice: PatientChartSlice | null;
}

const reasonByDigit: Record<string, { reason: CallReason; urgent: boolean }> = {
  '1': { reason: 'appointment', urgent: false },
  '2': { reason: 'refill', urgent: false },
  '3': { reason: 'clinical', urgent: false },
  '4': { reason: 'billing', urgent: false },
  '5': { reason: 'clinical', urgent: true },
  '0': { reason: 'other', urgent: false },
};

/** An IVR reason as a PBX reports it: a keypad digit, a reason code, or `urgent`. */
export function parseIvrReason(value: string): { reason: CallReason; urgent: boolean } | null {
  const trimmed = value.trim().toLowerCase();
  if (reasonByDigit[trimmed]) return reasonByDigit[trimmed];
  if (trimmed === 'urgent') return { reason: 'clinical', urgent: true };
  return (callReasons as readonly string[]).includes(trimmed) ? { reason: trimmed as CallReason, urgent: false } : null;
}

/**
 * Where every PBX event enters the call ledger, whichever adapter received it. The event, its
 * audit entry, captured consents and (when the call ends) the after-call job commit in one
 * transaction before the webhook is acknowledged (ING-4). The live path — identify the caller and
 * pop the card — starts as soon as a ringing event is valid, in parallel with the commit, and
 * never delays the acknowledgement.
 */
export class CallIngestService {
  /** In-flight identifications by provider call key, so routing and the IVR can await them. */
  private readonly live = new Map<string, { lookup: Promise<CallerLookup>; full: Promise<LiveIdentification> }>();
  /**
   * Commits events in groups (store/group-commit.ts). Every batch that locks call rows orders its
   * items by the provider call key (`provider/callId`), so batches cannot deadlock each other.
   */
  private readonly commits: GroupCommit;
  private readonly matchCommits: GroupCommit;

  constructor(
    private readonly deps: {
      db: Db;
      cipher: ContentKeyring;
      /** The queue policy, asked before a transcript is stored. */
      policies: QueuePolicyStore;
      pipeline: Pipeline;
      identity: CallerIdentityService;
      hub: LivePublisher;
      /** The staff card: the live pops, and the updates when the live path left one short. */
      screenPops: ScreenPopService;
      logger: Logger;
      defaultRegion: CountryCode;
      settleSeconds: number;
      now?: () => Date;
      /** Group-commit tuning; `{ maxBatch: 1 }` is one commit per event. */
      groupCommit?: Partial<GroupCommitOptions>;
      /** Told once per call when it ends (metrics): codes, the queue, seconds to answer, each consent's status. */
      onCallEnded?: (call: CallEndedFacts) => void;
      /** Told when a call's first card reaches the display (metrics): seconds since the ringing webhook came in. */
      onScreenPop?: (pop: { seconds: number; outcome: string }) => void;
    },
  ) {
    // PGlite has one connection: one batch at a time, the next one forming while it commits.
    this.commits = new GroupCommit(deps.db, { ...(deps.db.kind === 'pglite' ? { maxConcurrentBatches: 1 } : {}), ...deps.groupCommit });
    this.matchCommits = new GroupCommit(deps.db, { maxConcurrentBatches: 1 });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async accept(event: CallEvent): Promise<IngestResult> {
    const { logger } = this.deps;
    const receivedAt = performance.now();
    const callerNumber = normalizeCallerNumber(event.call.ani, this.deps.defaultRegion);
    const key = `${event.provider}/${event.call.id}`;
    // Start the EHR lookup now: it does not depend on the commit, and every millisecond shows on the card.
    if (event.type === 'call.ringing' && !this.live.has(key)) this.startIdentification(key, callerNumber);
    // Taken here, in the webhook's own context: the batch below runs in whichever request started it.
    const traceparent = currentTraceparent();

    // Group commit: this event's transaction body runs in a transaction shared with the events
    // arriving in the same few milliseconds; the promise resolves only after that COMMIT, so the
    // event is still durable before the PBX hears 2xx (ING-4).
    const recorded = await this.commits.submit((tx) => this.recordInTransaction(tx, event, callerNumber, traceparent), { orderKey: key });
    // Ids and codes only on the webhook's span (AN-1).
    trace.getActiveSpan()?.setAttributes({ 'callchart.call.id': recorded.callId, 'callchart.event.type': event.type, 'callchart.call.status': recorded.state.status, 'callchart.event.duplicate': recorded.duplicate });

    return runWithContext({ callId: recorded.callId }, async () => {
      logger.info({ eventType: event.type, duplicate: recorded.duplicate, callStatus: recorded.state.status }, 'call event recorded');
      if (!recorded.duplicate) {
        if (recorded.call) this.deps.hub.publishCall(liveSummary(recorded.call));
        // Not awaited: counting the call is not on the PBX's path to its 2xx.
        if (this.endedNow(recorded)) void this.reportCallEnded(event, recorded);
        if (event.type === 'call.ringing' && !terminalStatuses.has(recorded.state.status)) {
          // Not awaited: the PBX gets its 2xx now; the card follows within the EHR budget.
          void this.popScreen(recorded.callId, key, receivedAt).catch((error: unknown) =>
            logger.error({ err: { message: (error as Error).message } }, 'live caller identification failed'),
          );
        }
        if (event.type === 'ivr.input' && event.data.menu === 'dob') {
          await this.stepUpIdentity(recorded.callId, key, callerNumber, event.data.value);
        }
      }
      if (terminalStatuses.has(recorded.state.status)) this.live.delete(key);
      return { status: recorded.duplicate ? 'duplicate' : 'accepted', callId: recorded.callId, callStatus: recorded.state.status };
    });
  }

  /**
   * The policy function at ingest (CO-2, invariant 1): a transcript is stored only when the
   * caller's consents and the queue's policy allow it now. A refused one is never written, only
   * audited; one that overtook the consent answer is not written either, and not acknowledged.
   */
  private async mayStoreTranscript(tx: Transaction, callId: string, event: CallEvent): Promise<boolean> {
    const call = await findCall(tx, callId);
    if (!call) return false;
    const decision = await decideForCall(tx, this.deps.policies, call, 'store-transcript', { keepOnCall: false });
    if (decision.transcript.allowed) return true;
    // Webhooks arrive out of order: a transcript may overtake the consent answer the caller gave.
    // Not yet asked is not "no": nothing is stored and the PBX is told to send it again (the whole
    // event rolls back, so its redelivery is not a duplicate), until the consent window closes.
    const endedAt = call.endedAt ? Date.parse(call.endedAt) : null;
    // Only a transcript-only event waits this way: a voicemail is also the call's end, which must
    // be recorded now; its words are discarded unless transcription was allowed.
    const waitable = event.type === 'transcript.available' && decision.transcript.reason === 'consent-not-captured:transcribe';
    if (waitable && (endedAt === null || this.now().getTime() - endedAt < consentWindowMs)) {
      throw new CallchartError('CONSENT_PENDING', 'transcribe consent not captured yet: send the transcript again shortly', { callId });
    }
    await appendAuditEvent(tx, {
      actor: `pbx:${event.provider}`, action: 'transcript.discarded', objectType: 'call', objectId: callId, outcome: 'rejected',
      reason: decision.transcript.reason, detail: { providerEventId: event.id, stage: 'ingest' },
    });
    return false;
  }

  /**
   * Everything one event writes, in the transaction it is committed in: the ledger entry, the
   * facts it carries and its audit entry. Runs inside a group-commit batch, and alone again if the
   * batch fails, so its only effects are on `tx`.
   */
  private async recordInTransaction(tx: Transaction, event: CallEvent, callerNumber: CallerNumber, traceparent: string | undefined): Promise<RecordedEvent> {
    const result = await recordCallEvent(tx, event, callerNumber, this.deps.cipher, (inTx, callId) => this.mayStoreTranscript(inTx, callId, event));
    if (!result.duplicate) await this.applyEventFacts(tx, event, result, traceparent);
    await appendAuditEvent(tx, {
      actor: `pbx:${event.provider}`,
      action: result.duplicate ? 'call.event.duplicate' : 'call.event.accepted',
      objectType: 'call',
      objectId: result.callId,
      outcome: result.duplicate ? 'duplicate' : 'success',
      detail: { eventType: event.type, providerEventId: event.id, callStatus: result.state.status },
    });
    return result;
  }

  /** Facts an event carries beyond the lifecycle, saved in the event's own transaction. */
  private async applyEventFacts(tx: Transaction, event: CallEvent, recorded: RecordedEvent, traceparent: string | undefined): Promise<void> {
    if (event.type === 'consent.captured') {
      const status = event.data.granted ? 'granted' : 'declined';
      if (await saveConsent(tx, recorded.callId, { scope: event.data.scope, status, source: event.data.method ?? 'ivr', capturedAt: event.occurredAt, providerEventId: event.id })) {
        await appendAuditEvent(tx, {
          actor: `pbx:${event.provider}`, action: 'call.consent.captured', objectType: 'call', objectId: recorded.callId, outcome: 'success',
          consentStatus: `${event.data.scope}:${status}`, detail: { scope: event.data.scope, status, source: event.data.method ?? 'ivr' },
        });
      }
    }
    if (event.type === 'ivr.input' && event.data.menu === 'dob') {
      await saveDobEvidence(tx, recorded.callId, event.data.value, event.id, this.deps.cipher);
    }
    if (event.type === 'ivr.input' && event.data.menu === 'reason') {
      const choice = parseIvrReason(event.data.value);
      if (choice) await saveIvrReason(tx, recorded.callId, choice.reason, choice.urgent);
    }
    // The call just ended: write to the chart after a short settle time, so late webhooks are in.
    // The job carries the webhook's trace context, so every stage joins the call's trace.
    if (this.endedNow(recorded)) {
      await this.deps.pipeline.enqueueFirst(tx, { callId: recorded.callId, ...(traceparent ? { traceparent } : {}) }, { startAfterSeconds: this.deps.settleSeconds });
    }
  }

  /** True for the event that moved the call from open to ended (once per call). */
  private endedNow(recorded: RecordedEvent): boolean {
    const wasOpen = recorded.previousStatus === null || !terminalStatuses.has(recorded.previousStatus);
    return wasOpen && terminalStatuses.has(recorded.state.status);
  }

  /** The ended call's facts for the metrics: codes, its queue, seconds to answer, what each consent came to. */
  private async reportCallEnded(event: CallEvent, recorded: RecordedEvent): Promise<void> {
    if (!this.deps.onCallEnded) return;
    const { state } = recorded;
    let captured: Record<string, { status: string }> = {};
    try {
      captured = await listConsents(this.deps.db, recorded.callId);
    } catch {
      // Metrics never fail a webhook: the call is counted without its consents.
    }
    const answeredIn = state.answeredAt && state.startedAt ? (Date.parse(state.answeredAt) - Date.parse(state.startedAt)) / 1000 : null;
    this.deps.onCallEnded({
      direction: event.call.direction ?? 'inbound',
      outcome: state.status === 'missed' ? (state.hasVoicemail ? 'voicemail' : 'missed') : 'answered',
      queue: state.queue,
      speedToAnswerSeconds: answeredIn !== null && Number.isFinite(answeredIn) ? answeredIn : null,
      consents: Object.fromEntries(consentScopes.map((scope) => [scope, captured[scope]?.status ?? 'not-captured'])),
    });
  }

  private startIdentification(key: string, callerNumber: CallerNumber): { lookup: Promise<CallerLookup>; full: Promise<LiveIdentification> } {
    const { identity, logger } = this.deps;
    const lookup = identity.identify(callerNumber);
    const full = lookup.then(async (found) => {
      const unique = found.match.outcome === 'unique' ? found.match.candidates[0] : undefined;
      let slice: PatientChartSlice | null = null;
      if (unique) {
        try {
          slice = await identity.chartSlice(found.candidatePatients.find((patient) => patient.id === unique.patientId) ?? unique.patientId);
        } catch (error) {
          // Not a failure yet: the card shows who is calling, and is updated when the chart comes
          // (ScreenPopService.reconcile). Only a chart that never comes is warned about.
          logger.info({ outcome: 'chart-slice-late', errCode: isCallchartError(error) ? error.code : 'INTERNAL' }, 'screen pop chart not in yet; the card will be updated');
        }
      }
      return { lookup: found, slice };
    });
    const entry = { lookup, full };
    this.live.set(key, entry);
    // Forget it after the call would have been routed, even if the PBX never says the call ended.
    full.finally(() => setTimeout(() => this.live.delete(key), 10 * 60_000).unref()).catch(() => undefined);
    return entry;
  }

  /**
   * Who is calling, from the live identification started on ringing (or now, if ringing was
   * missed). Settles with the lookup: the IVR and the step-up never wait for the chart.
   */
  async identification(key: string, callerNumber: CallerNumber): Promise<Pick<LiveIdentification, 'lookup'>> {
    return { lookup: await (this.live.get(key) ?? this.startIdentification(key, callerNumber)).lookup };
  }

  /**
   * Both steps of a call's live identification: `lookup` (who is calling) settles first, `full`
   * (with the chart slice) after it. Routing decides on the lookup alone when the chart is late.
   */
  liveIdentification(key: string, callerNumber: CallerNumber): { lookup: Promise<CallerLookup>; full: Promise<LiveIdentification> } {
    return this.live.get(key) ?? this.startIdentification(key, callerNumber);
  }

  /** ANI → EHR lookup → card on the staff WebSocket (ID-1..ID-5). */
  private async popScreen(callId: string, key: string, receivedAt: number): Promise<void> {
    const { db, hub, screenPops } = this.deps;
    const entry = this.live.get(key)!;
    const lookup = await entry.lookup;
    const unique = lookup.match.outcome === 'unique';
    const shown = () => this.deps.onScreenPop?.({ seconds: (performance.now() - receivedAt) / 1000, outcome: lookup.match.outcome });
    // Two steps on the card: who is calling as soon as the number matched, then the chart summary.
    // The agent sees the card first; recording the match is not on the path to the display.
    if (unique) {
      screenPops.showLive(callId, lookup, null);
      shown();
    }
    const { slice } = await entry.full;
    // A chart that did not come in time leaves the first card ("loading chart"): it is updated below.
    if (!unique || slice) screenPops.showLive(callId, lookup, slice);
    if (!unique) shown();
    // Grouped too, but apart from the events: saving a match must not delay a webhook's commit.
    const saved = await this.matchCommits.submit(async (tx) => {
      const changed = await saveCallerMatch(tx, callId, lookup.match);
      if (changed) {
        await appendAuditEvent(tx, {
          actor: 'system:identify',
          action: 'call.caller.identified',
          objectType: 'call',
          objectId: callId,
          outcome: lookup.match.outcome === 'lookup-failed' ? 'failure' : 'success',
          reason: lookup.match.errorCode ?? null,
          detail: { outcome: lookup.match.outcome, confidence: lookup.match.confidence, candidates: lookup.match.candidates.length },
        });
      }
      return changed;
    }, { orderKey: key });
    if (saved) {
      const call = await findCall(db, callId);
      if (call) hub.publishCall(liveSummary(call));
    }
    // The card must end up with the chart and agree with the stored match (what the calls table
    // shows): a late chart, a failed lookup, or a match stored by another path first.
    if (!saved || lookup.match.outcome === 'lookup-failed' || (unique && !slice)) screenPops.reconcile(callId);
  }

  /**
   * Date of birth keyed in the IVR (ID-2): verifies the caller against the candidates of the
   * number. The digits were saved encrypted with the event; they are dropped once checked. If the
   * EHR cannot answer now, they wait for the after-call pipeline instead of being lost.
   */
  private async stepUpIdentity(callId: string, key: string, callerNumber: CallerNumber, digits: string): Promise<boolean> {
    const { db, hub, identity, pipeline, screenPops } = this.deps;
    let { lookup } = await this.identification(key, callerNumber);
    if (lookup.match.outcome === 'lookup-failed') lookup = await identity.identify(callerNumber);
    if (lookup.match.outcome === 'lookup-failed') {
      await db.transaction(async (tx) => {
        await appendAuditEvent(tx, {
          actor: 'system:identify', action: 'call.identity.step-up', objectType: 'call', objectId: callId,
          outcome: 'deferred', reason: lookup.match.errorCode ?? 'EHR_UNAVAILABLE', detail: { method: 'dob' },
        });
        // The after-call pipeline checks kept evidence in identify-caller. If the call has ended,
        // that stage may already have looked (before these digits came in): ask it to look again,
        // with its retries, rather than leave the caller unverified and the Task unlinked.
        const call = await findCall(tx, callId);
        if (call && terminalStatuses.has(call.status)) await pipeline.enqueue(tx, 'identify-caller', { callId });
      });
      return false;
    }
    const { result } = await db.transaction(async (tx) => {
      const applied = await applyDobStepUp(tx, { callId, actor: 'system:identify', lookup, digits });
      // The Task went to the chart before the date of birth came in: link it now, in place.
      if (applied.fhirTaskIdToLink) await pipeline.enqueue(tx, 'write-task', { callId });
      return applied;
    });
    if (result.verified) {
      const patientId = result.match.candidates[0]!.patientId;
      let slice: PatientChartSlice | null = null;
      try {
        slice = await identity.chartSlice(lookup.candidatePatients.find((patient) => patient.id === patientId) ?? patientId);
      } catch {
        slice = null;
      }
      screenPops.showLive(callId, { match: result.match, candidatePatients: lookup.candidatePatients }, slice);
      const call = await findCall(db, callId);
      if (call) hub.publishCall(liveSummary(call));
      if (!slice) screenPops.reconcile(callId);
    }
    return result.verified;
  }
}
