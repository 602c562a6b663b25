/**
 * Live transcripts (issue 17, item 5): partial and final segments from the engine on a Media
 * Stream, or from Twilio's real-time transcription, checked against the caller's transcribe
 * consent at the moment they arrive, redacted, and sent to the staff who may see call content in
 * the call's queue. Consent withdrawn mid-call stops the call's transcript for good: what is held
 * is discarded, the engine is fed no more audio, nothing further is shown or kept.
 *
 * Transcript text is PHI: it is never logged or audited (ids, codes and counts only).
 */
import type { AuditEventInput } from '../audit/audit-chain.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { findCallByProvider, listConsents, type CallRecord } from '../calls/calls.repository.ts';
import type { Logger } from '../lib/logger.ts';
import type { PatientContext } from '../nlp/analysis.types.ts';
import type { Db } from '../store/db.ts';
import { LiveTranscriptState, type LiveTranscript } from './live-transcript.ts';
import type { TranscriptSegment } from './speech-engine.ts';

/** Where live transcripts are shown (the staff WebSocket hub). */
export interface LiveTranscriptDisplay {
  publishTranscript(transcript: LiveTranscript): void;
  /**
   * The call's transcript is over: forget it. `withdrawn`: consent was withdrawn, so screens that
   * show it must remove it too (not merely stop updating it).
   */
  endTranscript(callId: string, options?: { withdrawn?: boolean }): void;
}

export interface LiveTranscriptDeps {
  db: Db;
  display: LiveTranscriptDisplay;
  logger: Logger;
  /** A word below this confidence is marked (speech.lowConfidence). */
  lowConfidence: number;
  /** The identified patient's details, so the redactor finds their name and numbers. */
  patientContext?: (call: CallRecord) => Promise<PatientContext | undefined>;
  audit?: (event: AuditEventInput) => Promise<void>;
  now?: () => Date;
  /** The PBX whose call ids these are. */
  provider?: string;
  /** Calls followed at once; past it the oldest is forgotten (bounded memory). */
  maxCalls?: number;
}

export interface LiveSegmentInput {
  callSid: string;
  /** The engine's name, or 'twilio-realtime'. */
  source: string;
  segment: TranscriptSegment;
}

/** Why a call's live transcript stopped, as an audit code. */
export type LiveStopReason = 'CONSENT_WITHDRAWN' | 'NO_TRANSCRIBE_CONSENT' | 'CALL_UNKNOWN';

interface FollowedCall {
  callId: string;
  queue: string | null;
  agent: string | null;
  source: string;
  state: LiveTranscriptState;
  segments: number;
}

export class LiveTranscriptService {
  private readonly calls = new Map<string, FollowedCall>();
  /** Calls whose transcript stopped (consent withdrawn, unknown): nothing more is taken for them. */
  private readonly stopped = new Map<string, LiveStopReason>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly audit: (event: AuditEventInput) => Promise<void>;
  private readonly now: () => Date;
  private readonly maxCalls: number;

  constructor(private readonly deps: LiveTranscriptDeps) {
    this.audit = deps.audit ?? ((event) => recordAuditEvent(deps.db, event));
    this.now = deps.now ?? (() => new Date());
    this.maxCalls = deps.maxCalls ?? 500;
  }

  /** One partial or final segment. Never throws: a failure is logged (codes only) and the segment dropped. */
  accept(input: LiveSegmentInput): Promise<void> {
    if (this.stopped.has(input.callSid)) return Promise.resolve();
    // In order per call: a partial must not overtake the final before it.
    const previous = this.pending.get(input.callSid) ?? Promise.resolve();
    const next = previous.then(() => this.handle(input)).catch((error: unknown) => {
      this.deps.logger.error({ err: errorCode(error), source: input.source }, 'live transcript segment failed');
    });
    this.pending.set(input.callSid, next);
    void next.then(() => {
      if (this.pending.get(input.callSid) === next) this.pending.delete(input.callSid);
    });
    return next;
  }

  /** False once the call's transcript stopped: the media route feeds the engine no more of its audio. */
  mayContinue(callSid: string): boolean {
    return !this.stopped.has(callSid);
  }

  /** Why the call's transcript stopped, if it did. */
  stopReason(callSid: string): LiveStopReason | undefined {
    return this.stopped.get(callSid);
  }

  /** The call's stream ended: forget its live transcript (after the segments still on their way). */
  async end(callSid: string): Promise<void> {
    await this.pending.get(callSid);
    const call = this.calls.get(callSid);
    this.calls.delete(callSid);
    if (!call) return;
    // What staff keep on screen after the call: the settled text, nothing left "still being heard".
    call.state.finish();
    this.deps.display.publishTranscript(call.state.view({ callId: call.callId, queue: call.queue, agent: call.agent, source: call.source, now: this.now() }));
    this.deps.display.endTranscript(call.callId);
  }

  /** Calls followed now (for tests and metrics). */
  get followed(): number {
    return this.calls.size;
  }

  private async handle(input: LiveSegmentInput): Promise<void> {
    if (this.stopped.has(input.callSid)) return;
    const call = await findCallByProvider(this.deps.db, this.deps.provider ?? 'twilio', input.callSid);
    if (!call) return this.stop(input, null, 'CALL_UNKNOWN', 'not-captured');
    // Consent as it is now: the agent may have changed it on the live screen a moment ago.
    const consent = (await listConsents(this.deps.db, call.id)).transcribe?.status ?? 'not-captured';
    if (consent !== 'granted') return this.stop(input, call.id, this.calls.has(input.callSid) ? 'CONSENT_WITHDRAWN' : 'NO_TRANSCRIBE_CONSENT', consent);
    let followed = this.calls.get(input.callSid);
    if (!followed) {
      const patient = this.deps.patientContext ? await this.deps.patientContext(call).catch(() => undefined) : undefined;
      followed = {
        callId: call.id, queue: call.queue, agent: call.agent, source: input.source, segments: 0,
        state: new LiveTranscriptState({ lowConfidence: this.deps.lowConfidence, ...(patient ? { patient } : {}) }),
      };
      this.calls.set(input.callSid, followed);
      while (this.calls.size > this.maxCalls) {
        const oldest = this.calls.keys().next().value!;
        const forgotten = this.calls.get(oldest);
        this.calls.delete(oldest);
        if (forgotten) this.deps.display.endTranscript(forgotten.callId);
      }
      await this.audit({ actor: 'speech', action: 'transcript.live.started', objectType: 'call', objectId: call.id, outcome: 'success', consentStatus: 'transcribe:granted', detail: { source: input.source } });
    }
    // A transfer moves the transcript with the call.
    followed.queue = call.queue;
    followed.agent = call.agent;
    followed.segments += 1;
    followed.state.accept(input.segment);
    this.deps.display.publishTranscript(followed.state.view({ callId: call.id, queue: call.queue, agent: call.agent, source: followed.source, now: this.now() }));
  }

  private async stop(input: LiveSegmentInput, callId: string | null, reason: LiveStopReason, consent: string): Promise<void> {
    if (this.stopped.has(input.callSid)) return;
    this.stopped.set(input.callSid, reason);
    while (this.stopped.size > this.maxCalls * 4) this.stopped.delete(this.stopped.keys().next().value!);
    const followed = this.calls.get(input.callSid);
    // What was held (the partial, the unsettled tail) is dropped with the state; the display forgets it.
    this.calls.delete(input.callSid);
    if (followed) this.deps.display.endTranscript(followed.callId, { withdrawn: true });
    await this.audit({
      actor: 'speech', action: 'transcript.live.stopped', objectType: 'call', objectId: callId, outcome: 'rejected', reason, consentStatus: `transcribe:${consent}`,
      detail: { source: input.source, segmentsShown: followed?.segments ?? 0 },
    });
    this.deps.logger.info({ callId, reason }, 'live transcript stopped');
  }
}

function errorCode(error: unknown): { name: string; code: string | null } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' ? code : null };
  }
  return { name: typeof error, code: null };
}
