import type { Patient } from '@medplum/fhirtypes';
import type { CountryCode } from 'libphonenumber-js';
import type { Db, Queryable } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { CallchartError, isCallchartError } from '../lib/errors.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import type { CallEvent } from '../calls/call-event.schema.ts';
import type { CallIngestService } from '../calls/call-ingest.service.ts';
import { findCallByProvider, listConsents, loadIvrSession, saveIvrSession } from '../calls/calls.repository.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { policyLayers } from '../consent/call-policy.ts';
import { answerIvr, currentPrompt, startIvr, type IvrEffect, type IvrPrompt, type IvrSession } from '../ivr/ivr-flow.ts';
import { ivrProfileFor, type IvrProfile, type IvrSettings } from '../ivr/ivr-settings.schema.ts';
import type { TwilioRest } from '../pbx/twilio-rest.client.ts';
import {
  agentTargetFor, attemptOutcomeFor, consentScopesToAsk, isFinalStatus, isMachine, outboundPhrases, pickPatientPhone, statusAdvances,
  type AgentTarget, type AttemptOutcome, type OutboundCallStatus,
} from './outbound-call.policy.ts';
import {
  applyOutboundStatus, claimOutboundCall, findOutboundCallByProviderId, listOutboundCalls, lockOutboundCallByProviderId, markOutboundAttemptRecorded,
  markOutboundCallAnswered, markOutboundCallNotPlaced, markOutboundCallPlaced, type OutboundCall,
} from './outbound-call.repository.ts';

/**
 * What an outbound call needs of a callback task (src/callbacks/): read it, and log the attempt a
 * call came to (which applies the escalation ladder). A port, so the outbound domain does not
 * reach into the callbacks' tables; the engine wires it to src/callbacks/callback.repository.ts.
 */
export interface CallbackTaskView {
  id: string;
  queue: string;
  /** EHR Patient id; null while the caller is unidentified. */
  patientId: string | null;
  status: string;
}

export interface CallbackTaskPort {
  find(db: Queryable, taskId: string): Promise<CallbackTaskView | null>;
  /** Whether a task in this status may still be called (open, in progress, escalated). */
  isOpen(task: CallbackTaskView): boolean;
  /**
   * Logs one attempt in the caller's transaction; an attempt for the same call id is logged once.
   * Answers whether it was recorded (a closed task takes none) and whether the task escalated.
   */
  recordAttempt(
    tx: Queryable,
    taskId: string,
    attempt: { outcome: AttemptOutcome; agent: string; at: Date; callId: string; channel: 'phone' },
  ): Promise<{ escalated: boolean; recorded: boolean; status: string }>;
}

/** The webhook paths Twilio is given for an outbound call (src/pbx/twilio-outbound.routes.ts). */
export const outboundWebhookPaths = {
  voice: '/webhooks/twilio/outbound-voice',
  consent: '/webhooks/twilio/outbound-consent',
  status: '/webhooks/twilio/outbound-status',
} as const;

const provider = 'twilio';

/**
 * A call still placing or ringing this long after its last status lost its final callback: Twilio
 * gives up ringing after the ring timeout (60 s by default), so five minutes is well past it.
 */
const staleRingingMs = 5 * 60_000;

/** Who pressed "Call": the staff claims the API checked (role, queues, extensions). */
export interface Caller {
  sub: string;
  extensions: readonly string[];
}

/** What the patient hears next, for the route to render as TwiML. */
export type OutboundAnswer =
  | { kind: 'gather'; prompt: Extract<IvrPrompt, { kind: 'gather' }> }
  | { kind: 'connect'; say: string[]; language: string; target: AgentTarget; transcribe: boolean }
  | { kind: 'voicemail'; say: string }
  | { kind: 'hangup' };

/** A Twilio status callback, validated by the route. */
export interface OutboundStatus {
  callSid: string;
  status: OutboundCallStatus;
  sequence: number | null;
  durationSeconds: number | null;
  answeredBy: string | null;
}

export interface OutboundCallDeps {
  db: Db;
  logger: Logger;
  ingest: CallIngestService;
  tasks: CallbackTaskPort;
  policies: QueuePolicyStore;
  ivr: () => IvrSettings;
  /** Twilio's REST API; null when not configured (then nothing is placed: 503 with the reason). */
  twilio: TwilioRest | null;
  /** `twilio.clinicNumber`: the caller ID, and the number the patient is asked to call back. */
  clinicNumber: string | null;
  clinicName: string;
  /** The chart's Patient, over HTTP (the staff client: its own budget and breaker). */
  readPatient: (patientId: string) => Promise<Patient>;
  defaultRegion: CountryCode;
  /** Where Twilio reaches our webhooks (`twilio.publicBaseUrl`, else the engine's own URL). */
  webhookBaseUrl: () => string;
  /** Seconds Twilio lets the patient's phone ring before `no-answer`. */
  ringSeconds?: number;
  now?: () => Date;
}

/**
 * Staff call a patient back from a callback task (issue 16; ADR 0021). Twilio calls the patient
 * (caller ID: the clinic's number; the number: the chart's, never the browser's); when a person
 * answers, the consents the queue needs are asked as the inbound IVR asks them (consent.captured
 * events in the ledger), then the call is connected to the staff member who pressed "Call". The
 * answered call is a ledger call with direction `outbound`, so it goes through the same after-call
 * pipeline, consent gates included. Twilio's final status becomes one attempt on the task.
 */
export class OutboundCallService {
  constructor(private readonly deps: OutboundCallDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private url(path: string): string {
    return `${this.deps.webhookBaseUrl().replace(/\/+$/, '')}${path}`;
  }

  /**
   * Places the call for a task (the API checked the role; `seesQueue` the person's queues). A call
   * already on its way for the task is answered as it is (`placed: false`): pressing twice places one.
   */
  async placeCall(taskId: string, caller: Caller, seesQueue: (queue: string) => boolean): Promise<{ call: OutboundCall; placed: boolean }> {
    const { db, tasks } = this.deps;
    const actor = `staff:${caller.sub}`;
    const task = await tasks.find(db, taskId);
    // Another queue's task is "not found": its existence is not this person's to know.
    if (!task || !seesQueue(task.queue)) throw new CallchartError('NOT_FOUND', 'no such callback task', { id: taskId });
    const refuse = async (code: 'CALLBACK_CLOSED' | 'CALLBACK_NO_PATIENT' | 'PATIENT_NO_PHONE' | 'OUTBOUND_NOT_CONFIGURED', message: string, detail: Record<string, unknown> = {}) => {
      await recordAuditEvent(db, { actor, action: 'outbound.call.refused', objectType: 'callback-task', objectId: task.id, outcome: 'rejected', reason: code, detail: { queue: task.queue, ...detail } });
      return new CallchartError(code, message, { id: task.id });
    };
    if (!tasks.isOpen(task)) throw await refuse('CALLBACK_CLOSED', `the callback task is ${task.status}: nothing to call about`, { status: task.status });
    if (!this.deps.twilio || !this.deps.clinicNumber) {
      throw await refuse('OUTBOUND_NOT_CONFIGURED', 'outbound calls are not set up here (twilio.accountSid, twilio.clinicNumber and TWILIO_AUTH_TOKEN)');
    }
    const active = await this.findActive(taskId);
    if (active && !(active.status !== 'in-progress' && Date.parse(active.updatedAt) < this.now().getTime() - staleRingingMs)) return { call: active, placed: false };
    if (!task.patientId) throw await refuse('CALLBACK_NO_PATIENT', 'the task has no patient: link the call to a chart first; the number is taken from the chart');

    let patient: Patient;
    try {
      patient = await this.deps.readPatient(task.patientId);
    } catch (error) {
      if (isCallchartError(error) && error.code === 'EHR_REJECTED' && (error.detail?.status === 404 || error.detail?.status === 410)) {
        throw new CallchartError('PATIENT_NOT_FOUND', 'the chart has no such patient', { id: task.id });
      }
      throw error;
    }
    const phone = pickPatientPhone(patient.telecom, this.deps.defaultRegion, this.now());
    if (!phone.ok) {
      const message = phone.reason === 'no-phone' ? 'the chart has no phone number for this patient' : 'no phone number in the chart is a valid number to call';
      throw await refuse('PATIENT_NO_PHONE', message, { why: phone.reason });
    }

    const now = this.now();
    const claimed = await claimOutboundCall(db, {
      taskId: task.id, queue: task.queue, patientId: task.patientId, agent: caller.sub, agentTarget: agentTargetFor(caller), at: now,
      ringingStaleBefore: new Date(now.getTime() - staleRingingMs),
    });
    if (!claimed.created) return { call: claimed.call, placed: false };
    const call = claimed.call;
    try {
      const placed = await this.deps.twilio.placeCall({
        to: phone.e164,
        from: this.deps.clinicNumber,
        url: this.url(outboundWebhookPaths.voice),
        statusCallback: this.url(outboundWebhookPaths.status),
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        ...(this.deps.ringSeconds ? { timeoutSeconds: this.deps.ringSeconds } : {}),
        machineDetection: 'Enable',
      });
      const stored = await db.transaction(async (tx) => {
        const updated = await markOutboundCallPlaced(tx, call.id, { providerCallId: placed.callSid, status: twilioStatus(placed.status), at: this.now() });
        await appendAuditEvent(tx, {
          actor, action: 'outbound.call.placed', objectType: 'callback-task', objectId: task.id, outcome: 'success',
          detail: { outboundCallId: call.id, providerCallId: placed.callSid, queue: task.queue, phoneUse: phone.use },
        }, this.now());
        return updated;
      });
      return { call: stored, placed: true };
    } catch (error) {
      const code = isCallchartError(error) ? error.code : 'INTERNAL';
      const unknown = code === 'TWILIO_UNREACHABLE';
      await markOutboundCallNotPlaced(db, call.id, { status: unknown ? 'place-unknown' : 'not-placed', errorCode: code, at: this.now() });
      const twilioCode = isCallchartError(error) && typeof error.detail?.twilioCode === 'number' ? error.detail.twilioCode : null;
      const httpStatus = isCallchartError(error) && typeof error.detail?.status === 'number' ? error.detail.status : null;
      await recordAuditEvent(db, {
        actor, action: 'outbound.call.failed', objectType: 'callback-task', objectId: task.id, outcome: 'failure', reason: code,
        detail: { outboundCallId: call.id, queue: task.queue, twilioCode, status: httpStatus },
      });
      // A number Twilio refuses (400: invalid or unreachable To) is the chart's to fix, not a server fault.
      if (code === 'TWILIO_REJECTED' && httpStatus === 400) {
        throw new CallchartError('PATIENT_NUMBER_REJECTED', `Twilio refused the chart's number for this patient${twilioCode ? ` (Twilio error ${String(twilioCode)})` : ''}: correct it in the chart`, { id: task.id });
      }
      throw error;
    }
  }

  private async findActive(taskId: string): Promise<OutboundCall | null> {
    const calls = await listOutboundCalls(this.deps.db, taskId, 5);
    return calls.find((call) => ['placing', 'queued', 'initiated', 'ringing', 'in-progress'].includes(call.status)) ?? null;
  }

  /** A task's outbound calls, newest first (the API checked the queue). */
  async listForTask(taskId: string, seesQueue: (queue: string) => boolean): Promise<OutboundCall[]> {
    const task = await this.deps.tasks.find(this.deps.db, taskId);
    if (!task || !seesQueue(task.queue)) throw new CallchartError('NOT_FOUND', 'no such callback task', { id: taskId });
    return listOutboundCalls(this.deps.db, task.id);
  }

  /** The outbound-call profile: the clinic number's IVR settings, asking only consents, with an outbound greeting. */
  private profileFor(call: OutboundCall): { profile: IvrProfile; steps: IvrSession['steps'] } {
    const base = ivrProfileFor(this.deps.ivr(), this.deps.clinicNumber);
    const scopes = consentScopesToAsk(base, policyLayers(this.deps.policies.current.policy, call.queue, 'unclassified'));
    const greeting = outboundPhrases({ name: this.deps.clinicName, number: this.deps.clinicNumber ?? '' }).greeting;
    const profile: IvrProfile = { ...base, alternateLanguage: undefined, reasonMenu: false, dobStepUp: 'never', askConsent: scopes, disclosure: { [base.language]: greeting } };
    return { profile, steps: scopes.map((scope) => ({ kind: 'consent' as const, scope })) };
  }

  /**
   * Twilio asks what to do now that the phone was answered (the voice webhook). A machine hears a
   * message with the clinic's number and no PHI; a person becomes a ledger call and hears the
   * consent questions the queue needs, then is connected.
   */
  async answered(input: { callSid: string; to: string; from: string; answeredBy: string | null }): Promise<OutboundAnswer> {
    const { db, ingest } = this.deps;
    const call = await findOutboundCallByProviderId(db, provider, input.callSid);
    if (!call) {
      await recordAuditEvent(db, { actor: 'pbx:twilio', action: 'outbound.call.unknown', objectType: 'webhook', objectId: null, outcome: 'rejected', reason: 'UNKNOWN_CALL', detail: { step: 'voice' } });
      return { kind: 'hangup' };
    }
    const at = this.now();
    if (input.answeredBy && isMachine(input.answeredBy)) {
      await markOutboundCallAnswered(db, call.id, { answeredBy: input.answeredBy, callId: null, at });
      return { kind: 'voicemail', say: outboundPhrases({ name: this.deps.clinicName, number: this.deps.clinicNumber ?? '' }).voicemail };
    }
    const ref = this.callRef(call, input);
    await ingest.accept({ id: `${input.callSid}:outbound:ringing`, provider, type: 'call.ringing', occurredAt: at.toISOString(), call: ref, data: {} });
    await ingest.accept({ id: `${input.callSid}:outbound:answered`, provider, type: 'call.answered', occurredAt: at.toISOString(), call: ref, data: {} });
    const ledger = (await findCallByProvider(db, provider, input.callSid))!;
    await markOutboundCallAnswered(db, call.id, { answeredBy: input.answeredBy ?? 'human', callId: ledger.id, at });

    const { profile, steps } = this.profileFor(call);
    const started = startIvr(profile, at);
    const session: IvrSession = { ...started.session, steps, finished: steps.length === 0 ? 'completed' : null };
    const created = await db.transaction((tx) => saveIvrSession(tx, ledger.id, session, null, this.deps.clinicNumber));
    const stored = created ? { session, turn: 0 } : (await loadIvrSession<IvrSession>(db, ledger.id))!;
    if (created) await this.acceptEffects(input.callSid, ref, started.effects, 0);
    // The disclosure first (an outbound call has no greeting step: nobody calls the clinic's urgent line here).
    const disclosure = profile.disclosure[stored.session.language] ?? profile.disclosure[profile.language] ?? Object.values(profile.disclosure)[0] ?? '';
    const prompt = currentPrompt(profile, stored.session);
    if (prompt.kind === 'gather') return { kind: 'gather', prompt: { ...prompt, say: [disclosure, ...prompt.say].filter(Boolean) } };
    return this.connect(call, ledger.id, [profile.disclosure[profile.language] ?? '', ...prompt.say], prompt.language);
  }

  /** A consent answered on the keypad (or a timeout): the next question, or the connection. */
  async consentAnswered(input: { callSid: string; to: string; from: string; step: string; digits: string | null }): Promise<OutboundAnswer> {
    const { db } = this.deps;
    const call = await findOutboundCallByProviderId(db, provider, input.callSid);
    const ledger = call?.callId ? await findCallByProvider(db, provider, input.callSid) : null;
    const stored = ledger ? await loadIvrSession<IvrSession>(db, ledger.id) : null;
    if (!call || !ledger || !stored) {
      await recordAuditEvent(db, { actor: 'pbx:twilio', action: 'outbound.call.unknown', objectType: 'webhook', objectId: null, outcome: 'rejected', reason: 'UNKNOWN_CALL', detail: { step: 'consent' } });
      return { kind: 'hangup' };
    }
    const { profile } = this.profileFor(call);
    const turn = answerIvr(profile, stored.session, { step: input.step, digits: input.digits }, this.now());
    const saved = await db.transaction((tx) => saveIvrSession(tx, ledger.id, turn.session, stored.turn, this.deps.clinicNumber));
    // A replayed answer: answer from the stored state, record nothing twice.
    const session = saved ? turn.session : (await loadIvrSession<IvrSession>(db, ledger.id))!.session;
    if (saved) await this.acceptEffects(input.callSid, this.callRef(call, input), turn.effects, stored.turn + 1);
    const prompt = saved ? turn.prompt : currentPrompt(profile, session);
    if (prompt.kind === 'gather') return { kind: 'gather', prompt };
    return this.connect(call, ledger.id, prompt.say, prompt.language);
  }

  private async connect(call: OutboundCall, ledgerCallId: string, say: string[], language: string): Promise<OutboundAnswer> {
    const consents = await listConsents(this.deps.db, ledgerCallId);
    return { kind: 'connect', say: say.filter(Boolean), language, target: call.agentTarget, transcribe: consents.transcribe?.status === 'granted' };
  }

  /** The ledger's view of the call: the patient is the far end (`ani`), the clinic's number the near one. */
  private callRef(call: OutboundCall, input: { to: string; from: string }): CallEvent['call'] {
    return { id: call.providerCallId!, ani: input.to, dnis: input.from || undefined, queue: call.queue, agent: call.agent, direction: 'outbound' };
  }

  /** IVR effects as normalized events, as the inbound IVR records them. */
  private async acceptEffects(callSid: string, ref: CallEvent['call'], effects: IvrEffect[], turn: number): Promise<void> {
    const occurredAt = this.now().toISOString();
    for (const effect of effects) {
      if (effect.type !== 'consent' || effect.status === 'not-captured') continue;
      await this.deps.ingest.accept({
        id: `${callSid}:consent:${effect.scope}:${turn}`, provider, type: 'consent.captured', occurredAt, call: ref,
        data: { scope: effect.scope, granted: effect.status === 'granted', method: effect.source === 'jurisdiction' ? 'standing' : 'ivr' },
      });
    }
  }

  /**
   * Twilio's call progress (signed status callbacks): the call moves forward only (SequenceNumber,
   * then the order of states); its final status becomes one attempt on the task, in the same
   * transaction; a person's call ends in the ledger, which runs the after-call pipeline.
   * Redelivered and stale callbacks change nothing. Answers whether the callback was applied.
   */
  async statusChanged(status: OutboundStatus): Promise<{ applied: boolean; known: boolean }> {
    const { db, tasks } = this.deps;
    const at = this.now();
    const result = await db.transaction(async (tx) => {
      const call = await lockOutboundCallByProviderId(tx, provider, status.callSid);
      if (!call) return { applied: false, known: false, call: null };
      if (!statusAdvances(call, status)) {
        await appendAuditEvent(tx, {
          actor: 'pbx:twilio', action: 'outbound.call.status', objectType: 'outbound-call', objectId: call.id, outcome: 'duplicate',
          detail: { status: status.status, sequence: status.sequence, current: call.status },
        }, at);
        return { applied: false, known: true, call };
      }
      const final = isFinalStatus(status.status);
      const updated = await applyOutboundStatus(tx, call.id, { status: status.status, sequence: status.sequence, at, answered: status.status === 'in-progress', ended: final });
      await appendAuditEvent(tx, {
        actor: 'pbx:twilio', action: 'outbound.call.status', objectType: 'outbound-call', objectId: call.id, outcome: 'success',
        detail: { status: status.status, sequence: status.sequence, taskId: call.taskId },
      }, at);
      if (final && isFinalStatus(updated.status)) {
        const outcome = attemptOutcomeFor(updated.status, call.answeredBy ?? status.answeredBy);
        if (outcome) {
          const attempt = await tasks.recordAttempt(tx, call.taskId, { outcome, agent: `staff:${call.agent}`, at, callId: call.id, channel: 'phone' });
          if (attempt.recorded) await markOutboundAttemptRecorded(tx, call.id, outcome);
          this.deps.logger.info({ outboundCallId: call.id, taskId: call.taskId, outcome, escalated: attempt.escalated }, 'outbound call attempt recorded');
        }
      }
      return { applied: true, known: true, call: updated };
    });
    // A person's call ends in the ledger (after-call pipeline). Also on a redelivery: the event id
    // makes it once, and a first try that failed after the commit above is made good here.
    const call = result.call;
    if (call?.callId && call.status === 'completed' && call.providerCallId) {
      const ledger = await findCallByProvider(db, provider, call.providerCallId);
      if (ledger) {
        await this.deps.ingest.accept({
          id: `${call.providerCallId}:status:completed`, provider, type: 'call.ended', occurredAt: at.toISOString(),
          call: { id: call.providerCallId, ani: '', queue: call.queue, agent: call.agent, direction: 'outbound' },
          data: status.durationSeconds !== null ? { durationSeconds: Math.min(status.durationSeconds, 86_400) } : {},
        });
      }
    }
    return { applied: result.applied, known: result.known };
  }
}

/** Twilio's status on create (`queued` usually) as ours. */
function twilioStatus(status: string): OutboundCallStatus {
  return (['queued', 'initiated', 'ringing', 'in-progress'] as const).find((known) => known === status) ?? 'queued';
}
