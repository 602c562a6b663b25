import type { Db, Queryable } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { Logger } from '../lib/logger.ts';
import { CallchartError, isCallchartError } from '../lib/errors.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import { phiViewedEvent } from '../audit/access-log.ts';
import type { StaffClaims } from '../auth/staff-token.ts';
import { findStaffUserById } from '../auth/staff-directory.repository.ts';
import { findCall, loadCallAnalysis } from '../calls/calls.repository.ts';
import { isIdentityVerified } from '../ehr/identity-step-up.ts';
import type { Entity, PhiSpan, RedFlag } from '../nlp/analysis.types.ts';
import type { OpeningHours } from '../routing/routing-rules.schema.ts';
import { signCtiRequest } from '../pbx/cti-signature.ts';
import type { TwilioRest } from '../pbx/twilio-rest.client.ts';
import type { ReviewService } from '../review/review.service.ts';
import type { ReviewPatients, ReviewPatient } from '../review/review-patients.service.ts';
import { findReviewItem, findReviewItemByCall, loadVersions, moveReviewItemToQueue, type ReviewItem } from '../review/review.repository.ts';
import { enqueueWriteBack } from '../write-back/outbox.repository.ts';
import { eventIdentifierValue, type WriteBackEvent } from '../write-back/event-task.mapper.ts';
import { refillOrderIdentifierValue } from '../write-back/refill-order.mapper.ts';
import { matchRefill, readChartSummary, type ChartSummary, type ChartSummaryClient } from './chart-summary.service.ts';
import {
  channelOf, maxNoticeAttempts, newNoticeId, noticeBackoffMs, noticeLink, noticePayload, noticeText, onCallDecision, type OnCallRoster,
} from './on-call.policy.ts';
import {
  claimDueNotices, createNotice, findNotice, findNoticeByReview, markNoticeRetry, markNoticeSent, recordFirstAction, type OnCallNotice,
} from './on-call-notice.repository.ts';

/** Why the on-call clinician denied a refill: a code (the words go into the note). */
export const refillDenialReasons = ['needs-visit', 'needs-labs', 'too-early', 'not-appropriate', 'other'] as const;
export type RefillDenialReason = (typeof refillDenialReasons)[number];
const denialWords: Record<RefillDenialReason, string> = {
  'needs-visit': 'the patient needs to be seen first',
  'needs-labs': 'labs are needed first',
  'too-early': 'too early to refill',
  'not-appropriate': 'not appropriate to refill without review',
  other: 'see the clinician',
};

/** The S0 checklist the one-tap buttons answer: the screen states each line above the buttons. */
const onCallChecklist = { patientIdentifiedCorrectly: true, actionAppropriate: true, noUnnecessaryPhi: true, neutralFactualTone: true } as const;

export interface OnCallSettings {
  roster: OnCallRoster;
  requestTypes: readonly string[];
  nurseTriageQueue: string;
}

export interface OnCallServiceDeps {
  db: Db;
  cipher: ContentKeyring;
  logger: Logger;
  settings: OnCallSettings;
  clinicName: string;
  /** The clinic's calendar as routing has it now (hours and time zone of the active rules). */
  calendar: () => { hours: OpeningHours; timeZone: string };
  /** Where links point: the configured base URL, else the engine's own (known once it listens). */
  publicBaseUrl: () => string;
  /** Twilio's REST API and the clinic's number; null: SMS notices and click-to-call are refused (audited). */
  twilio: { rest: TwilioRest; clinicNumber: string } | null;
  /** Signs the push webhook (CALLCHART_ON_CALL_WEBHOOK_SECRET); none: webhook notices are refused. */
  webhookSecret: string | null;
  review: ReviewService;
  reviewPatients: ReviewPatients;
  /** The chart summary's EHR client (the staff client: its own breaker and budget). */
  fhir: ChartSummaryClient;
  fallbackQueue: string;
  clock?: () => Date;
  fetch?: typeof fetch;
  onWriteBackQueued?: () => void;
  /** The on-call response time (metrics). */
  onFirstAction?: (response: { action: string; seconds: number }) => void;
}

export type OnCallAction = 'approve-refill' | 'deny-refill' | 'hand-off' | 'call-back';

/**
 * The on-call clinician's phone view (issue 16, AH-1): after hours, a pending review item that needs
 * a clinician gets one notice (SMS through Twilio or a signed push), carrying only an opaque link;
 * the link opens the item for the on-call clinician or a clinician of its queue; the actions chart
 * the call as a daytime approval would, through the same review service and the outbox.
 */
export class OnCallService {
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private delivering: Promise<void> | null = null;

  constructor(private readonly deps: OnCallServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Retries notices Twilio or the webhook could not take, on a timer (processes that do pipeline work). */
  start(everyMs = 5_000): void {
    this.timer ??= setInterval(() => void this.deliverDue().catch(() => undefined), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.delivering?.catch(() => undefined);
  }

  /**
   * The pipeline's hook, after the review item is planned (at-least-once: it may run twice, or after
   * a crash). Records at most one notice per item, then tries to send it.
   */
  async noticeForCall(callId: string): Promise<OnCallNotice | null> {
    const { db, settings } = this.deps;
    if (settings.roster.length === 0) return null;
    const item = await findReviewItemByCall(db, callId);
    const call = item ? await findCall(db, callId) : null;
    if (!item || !call) return null;
    const existing = await findNoticeByReview(db, item.id);
    if (existing) return existing;
    const { hours, timeZone } = this.deps.calendar();
    const callAt = new Date(call.startedAt ?? item.createdAt);
    const decision = onCallDecision({ item, callAt, roster: settings.roster, hours, timeZone, clinicalRequestTypes: settings.requestTypes });
    if (!decision.notify) return null;
    const entry = decision.notify;
    const notice = await db.transaction(async (tx) => {
      const created = await createNotice(tx, { id: newNoticeId(), reviewId: item.id, callId, clinician: entry.user, channel: channelOf(entry), now: this.clock() });
      if (created.created) {
        await appendAuditEvent(tx, {
          actor: 'system:on-call', action: 'on-call.notice.queued', objectType: 'on-call-notice', objectId: created.notice.id, outcome: 'success',
          detail: { reviewId: item.id, callId, channel: created.notice.channel },
        });
      }
      return created.notice;
    });
    // A failed sweep leaves the notice due: the timer tries again; the pipeline stage is done.
    await this.deliverDue().catch((error: unknown) => this.deps.logger.warn({ errCode: (error as { code?: string }).code }, 'on-call notice sweep failed'));
    return (await findNotice(db, notice.id)) ?? notice;
  }

  /** Sends every due notice once (claimed with a lease, so two processes never send the same one). */
  async deliverDue(): Promise<void> {
    // One sweep at a time in this process; a second caller waits for it and then sweeps again.
    while (this.delivering) await this.delivering.catch(() => undefined);
    this.delivering = this.sweep();
    try {
      await this.delivering;
    } finally {
      this.delivering = null;
    }
  }

  private async sweep(): Promise<void> {
    const { db } = this.deps;
    const now = this.clock();
    const due = await db.transaction((tx) => claimDueNotices(tx, now, 20, 60_000));
    for (const notice of due) await this.send(notice);
  }

  private async send(notice: OnCallNotice): Promise<void> {
    const { db, settings } = this.deps;
    const entry = settings.roster.find((candidate) => candidate.user === notice.clinician && channelOf(candidate) === notice.channel);
    const link = noticeLink(this.deps.publicBaseUrl(), notice.id);
    try {
      if (!entry) throw new CallchartError('CONFIG_INVALID', 'the clinician is no longer on the roster with this channel');
      if ('sms' in entry.notify) {
        if (!this.deps.twilio) throw new CallchartError('TWILIO_REJECTED', 'Twilio is not configured: set twilio.accountSid, twilio.clinicNumber and TWILIO_AUTH_TOKEN');
        await this.deps.twilio.rest.sendSms({ to: entry.notify.sms, from: this.deps.twilio.clinicNumber, body: noticeText(this.deps.clinicName, link) });
      } else {
        await this.push(entry.notify.webhook, JSON.stringify(noticePayload(this.deps.clinicName, link, notice.id)));
      }
      const at = this.clock();
      await db.transaction(async (tx) => {
        await markNoticeSent(tx, notice.id, at);
        await appendAuditEvent(tx, {
          actor: 'system:on-call', action: 'on-call.notice.sent', objectType: 'on-call-notice', objectId: notice.id, outcome: 'success',
          detail: { reviewId: notice.reviewId, channel: notice.channel, attempt: notice.attempts + 1 },
        });
      });
    } catch (error) {
      const code = isCallchartError(error) ? error.code : 'INTERNAL';
      // Twilio busy or unreachable, a webhook that did not answer: try again later; a refusal will not pass.
      const transient = code === 'TWILIO_UNAVAILABLE' || code === 'TWILIO_UNREACHABLE' || code === 'ON_CALL_PUSH_FAILED';
      const failed = !transient || notice.attempts + 1 >= maxNoticeAttempts;
      await db.transaction(async (tx) => {
        await markNoticeRetry(tx, notice.id, { errorCode: code, nextAttemptAt: new Date(this.clock().getTime() + noticeBackoffMs(notice.attempts + 1)), failed });
        await appendAuditEvent(tx, {
          actor: 'system:on-call', action: failed ? 'on-call.notice.failed' : 'on-call.notice.retrying', objectType: 'on-call-notice', objectId: notice.id, outcome: 'failure',
          reason: code, detail: { reviewId: notice.reviewId, channel: notice.channel, attempt: notice.attempts + 1 },
        });
      });
      // Codes only: the number and the URL stay out of the log.
      this.deps.logger.warn({ noticeId: notice.id, errCode: code, failed }, 'on-call notice not sent');
    }
  }

  /** The push: signed like the CTI webhook (`Callchart-Signature: t=…,v1=…`), ids and fixed words only. */
  private async push(url: string, body: string): Promise<void> {
    if (!this.deps.webhookSecret) throw new CallchartError('CONFIG_INVALID', 'CALLCHART_ON_CALL_WEBHOOK_SECRET is not set: push notices are only sent signed');
    const signature = signCtiRequest(this.deps.webhookSecret, body, Math.floor(this.clock().getTime() / 1000));
    let response: Response;
    try {
      response = await (this.deps.fetch ?? fetch)(url, { method: 'POST', headers: { 'content-type': 'application/json', 'callchart-signature': signature }, body, signal: AbortSignal.timeout(10_000) });
    } catch {
      throw new CallchartError('ON_CALL_PUSH_FAILED', 'the push webhook did not answer');
    }
    if (response.status >= 500 || response.status === 429) throw new CallchartError('ON_CALL_PUSH_FAILED', `the push webhook answered ${response.status}`);
    if (!response.ok) throw new CallchartError('ON_CALL_PUSH_REFUSED', `the push webhook answered ${response.status}`);
  }

  /**
   * The notice and its item, for this person only: the clinician the notice went to, or a clinician
   * who works the item's queue. Anyone else: "not found" (the link's existence is not theirs to know).
   */
  private async resolve(noticeId: string, staff: StaffClaims): Promise<{ notice: OnCallNotice; item: ReviewItem }> {
    const { db } = this.deps;
    if (staff.role !== 'clinician') throw new CallchartError('ROLE_FORBIDDEN', 'the on-call view is for clinicians', { role: staff.role });
    const notice = /^[A-Za-z0-9_-]{16,64}$/.test(noticeId) ? await findNotice(db, noticeId) : null;
    const item = notice ? await findReviewItem(db, notice.reviewId) : null;
    if (!notice || !item) throw new CallchartError('NOT_FOUND', 'no such on-call item');
    const person = await findStaffUserById(db, staff.sub);
    const isOnCall = (person?.userName ?? staff.sub) === notice.clinician;
    const worksQueue = staff.queues.includes('*') || staff.queues.includes(item.queue ?? this.deps.fallbackQueue);
    if (!isOnCall && !worksQueue) {
      await recordAuditEvent(db, { actor: `staff:${staff.sub}`, action: 'on-call.view.refused', objectType: 'on-call-notice', objectId: notice.id, outcome: 'rejected', reason: 'NOT_ON_CALL' });
      throw new CallchartError('NOT_FOUND', 'no such on-call item');
    }
    return { notice, item };
  }

  /** What the phone view shows: the AI's reading (marked), red flags, the chart summary, the redacted transcript and summary. */
  async view(noticeId: string, staff: StaffClaims) {
    const { db, cipher } = this.deps;
    const { notice, item } = await this.resolve(noticeId, staff);
    const call = (await findCall(db, item.callId))!;
    const versions = await loadVersions(db, cipher, item.id);
    const current = versions.find((version) => version.version === item.currentVersion)!;
    const analysis = await loadCallAnalysis<{ redacted?: string; redFlags?: RedFlag[]; phi?: PhiSpan[]; entities?: Entity[] }>(db, item.callId, cipher);
    const patient = (await this.deps.reviewPatients.forCalls(db, [item.callId])).get(item.callId) ?? null;
    const chart = await this.chartOf(patient);
    const refill = this.refillFor(item, call.callerMatch, chart, analysis?.analysis.entities ?? []);
    await recordAuditEvent(db, phiViewedEvent({
      actor: `staff:${staff.sub}`, purpose: 'review-opened', objectType: 'review-item', objectId: item.id, patientId: patient?.id ?? null,
      extra: { callId: item.callId, version: item.currentVersion, via: 'on-call', noticeId: notice.id },
    }));
    const aiDraft = versions[0]?.generatedByAi === true;
    return {
      notice: { id: notice.id, sentAt: notice.sentAt, firstAction: notice.firstAction, firstActionAt: notice.firstActionAt },
      item: { id: item.id, status: item.status, queue: item.queue, priority: item.priority, currentVersion: item.currentVersion, decidedAt: item.decidedAt },
      // What the rules or the language model read in the call: shown as AI until a person approves it.
      ai: {
        generated: aiDraft, approved: item.status === 'approved',
        requestType: item.requestType, urgency: call.urgency ?? current.body.note.urgency,
      },
      redFlags: analysis?.analysis.redFlags?.map(({ code, status }) => ({ code, status })) ?? item.redFlags.map((code) => ({ code, status: 'affirmed' as const })),
      summary: {
        reasonForCall: current.body.note.reasonForCall, details: current.body.note.details, actionRequested: current.body.note.actionRequested,
        nextStep: current.body.note.nextStep, urgency: current.body.note.urgency,
      },
      transcript: { redaction: 'on' as const, text: analysis?.analysis.redacted ?? null },
      patient: patient ? { id: patient.id, name: patient.name, birthDate: patient.birthDate, verified: patient.verified } : null,
      chart: chart.summary,
      chartUnavailable: chart.unavailable,
      refill: refill.offer,
      refillWithheld: refill.withheld,
      callBack: { available: this.callBackPossible(notice), clinicNumber: this.deps.twilio?.clinicNumber ?? null },
      denialReasons: refillDenialReasons.map((code) => ({ code, words: denialWords[code] })),
    };
  }

  private async chartOf(patient: ReviewPatient | null): Promise<{ summary: ChartSummary | null; unavailable: string | null }> {
    if (!patient) return { summary: null, unavailable: 'NO_PATIENT' };
    try {
      return { summary: await readChartSummary(this.deps.fhir, patient.id), unavailable: null };
    } catch (error) {
      return { summary: null, unavailable: isCallchartError(error) ? error.code : 'EHR_UNAVAILABLE' };
    }
  }

  /** The one-tap refill: only a pending refill request, a verified patient, and exactly one matching active order. */
  private refillFor(item: ReviewItem, match: Parameters<typeof isIdentityVerified>[0], chart: { summary: ChartSummary | null }, entities: readonly Entity[]) {
    if (item.requestType !== 'prescription_refill') return { offer: null, withheld: 'NOT_A_REFILL' as const };
    // What the machine heard cannot be trusted (issue 17): a person reads or listens to the call; never one tap.
    if (item.reasons.includes('transcript-unusable')) return { offer: null, withheld: 'TRANSCRIPT_UNUSABLE' as const };
    if (!isIdentityVerified(match)) return { offer: null, withheld: 'IDENTITY_UNVERIFIED' as const };
    if (!chart.summary) return { offer: null, withheld: 'CHART_UNAVAILABLE' as const };
    const named = entities.filter((entity) => entity.type === 'medication' && entity.normalized).map((entity) => entity.normalized!);
    const medication = matchRefill(chart.summary.medications, named);
    return medication ? { offer: { medicationRequestId: medication.id, text: medication.text, dosage: medication.dosage }, withheld: null } : { offer: null, withheld: 'NO_SINGLE_MATCH' as const };
  }

  private callBackPossible(notice: OnCallNotice): boolean {
    const entry = this.deps.settings.roster.find((candidate) => candidate.user === notice.clinician);
    return Boolean(this.deps.twilio && entry && 'sms' in entry.notify);
  }

  /**
   * One tap: the refill order (MedicationRequest + Provenance through the outbox, exactly once by its
   * business identifier) and the item's approval as this clinician, in one transaction, so the call
   * is charted like a daytime approval. A second tap finds the item approved and the order queued.
   */
  async approveRefill(noticeId: string, input: { baseVersion: number; medicationRequestId: string }, staff: StaffClaims) {
    const { notice, item } = await this.resolve(noticeId, staff);
    const businessId = `refill-order/${refillOrderIdentifierValue(item.id, input.medicationRequestId)}`;
    if (item.status !== 'pending') return this.alreadyDecided(item, businessId);
    const call = (await findCall(this.deps.db, item.callId))!;
    const patient = (await this.deps.reviewPatients.forCalls(this.deps.db, [item.callId])).get(item.callId) ?? null;
    const chart = await this.chartOf(patient);
    const analysis = await loadCallAnalysis<{ entities?: Entity[] }>(this.deps.db, item.callId, this.deps.cipher);
    const refill = this.refillFor(item, call.callerMatch, chart, analysis?.analysis.entities ?? []);
    if (!refill.offer || refill.offer.medicationRequestId !== input.medicationRequestId || !patient) {
      await recordAuditEvent(this.deps.db, { actor: `staff:${staff.sub}`, action: 'on-call.refill.refused', objectType: 'review-item', objectId: item.id, outcome: 'rejected', reason: refill.withheld ?? 'MEDICATION_MISMATCH' });
      throw new CallchartError('ON_CALL_REFILL_UNAVAILABLE', 'this refill cannot be approved in one tap: hand it to nurse triage', { reason: refill.withheld ?? 'MEDICATION_MISMATCH' });
    }
    const person = await findStaffUserById(this.deps.db, staff.sub);
    const at = this.clock();
    let writeBackItemId = '';
    const approved = await this.deps.review.approve(item.id, { baseVersion: input.baseVersion, checklist: onCallChecklist }, staff, async (tx) => {
      const queued = await enqueueWriteBack(tx, {
        callId: item.callId, target: 'fhir', kind: 'refill-order', businessId, reviewId: item.id,
        refill: {
          patientId: patient.id, basedOnMedicationRequestId: input.medicationRequestId, reviewId: item.id,
          clinician: { id: staff.sub, display: person?.displayName ?? person?.userName ?? staff.sub }, approvedAt: at.toISOString(),
        },
      });
      writeBackItemId = queued.id;
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'ehr.write-back.queued', objectType: 'write-back-item', objectId: queued.id, outcome: queued.created ? 'success' : 'duplicate',
        detail: { callId: item.callId, target: 'fhir', kind: 'refill-order', reviewId: item.id, via: 'on-call' },
      });
      await this.firstAction(tx, notice, 'approve-refill', at);
      return true;
    });
    return { item: { id: approved.id, status: approved.status }, writeBackItemId, outcome: 'approved' as const };
  }

  private async alreadyDecided(item: ReviewItem, businessId: string) {
    const { rows } = await this.deps.db.query<{ id: string }>(`select id from write_back_item where target = 'fhir' and business_id = $1`, [businessId]);
    if (item.status === 'approved' && rows[0]) return { item: { id: item.id, status: item.status }, writeBackItemId: rows[0].id, outcome: 'already-approved' as const };
    throw new CallchartError('REVIEW_NOT_PENDING', 'this item was already decided', { status: item.status });
  }

  /**
   * Deny with a reason: the note says so (a new version by this clinician), the item is approved as
   * the record of the call, and the configured refill-denied Task goes to the chart, in the approval's transaction.
   */
  async denyRefill(noticeId: string, input: { baseVersion: number; reason: RefillDenialReason }, staff: StaffClaims) {
    const { notice, item } = await this.resolve(noticeId, staff);
    if (item.status !== 'pending') throw new CallchartError('REVIEW_NOT_PENDING', 'this item was already decided', { status: item.status });
    const patient = (await this.deps.reviewPatients.forCalls(this.deps.db, [item.callId])).get(item.callId) ?? null;
    if (!patient) throw new CallchartError('ON_CALL_REFILL_UNAVAILABLE', 'the call is on no chart: hand it to nurse triage', { reason: 'NO_PATIENT' });
    const nextStep = `Refill denied by the on-call clinician: ${denialWords[input.reason]}. Call the patient.`;
    const edited = await this.deps.review.edit(item.id, { baseVersion: input.baseVersion, changes: { nextStep }, rebuildNote: true }, staff);
    const call = (await findCall(this.deps.db, item.callId))!;
    const chart = await this.chartOf(patient);
    const analysis = await loadCallAnalysis<{ entities?: Entity[] }>(this.deps.db, item.callId, this.deps.cipher);
    const medicationRequestId = this.refillFor(item, call.callerMatch, chart, analysis?.analysis.entities ?? []).offer?.medicationRequestId;
    const event: WriteBackEvent = { type: 'refill-denied', patientId: patient.id, callId: item.callId, ...(medicationRequestId ? { medicationRequestId } : {}) };
    const at = this.clock();
    let writeBackItemId = '';
    const approved = await this.deps.review.approve(item.id, { baseVersion: edited.currentVersion, checklist: onCallChecklist }, staff, async (tx) => {
      const queued = await enqueueWriteBack(tx, { callId: item.callId, target: 'fhir', kind: 'event-task', businessId: `event-task/${eventIdentifierValue(event)}`, event });
      writeBackItemId = queued.id;
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'ehr.write-back.queued', objectType: 'write-back-item', objectId: queued.id, outcome: queued.created ? 'success' : 'duplicate',
        detail: { kind: 'event-task', event: event.type, reason: input.reason, via: 'on-call' },
      });
      await this.firstAction(tx, notice, 'deny-refill', at);
      return true;
    });
    return { item: { id: approved.id, status: approved.status }, writeBackItemId, outcome: 'denied' as const };
  }

  /** Hand to nurse triage: the item moves to the nurse-triage queue, unassigned, still pending. */
  async handOff(noticeId: string, staff: StaffClaims) {
    const { notice, item } = await this.resolve(noticeId, staff);
    if (item.status !== 'pending') throw new CallchartError('REVIEW_NOT_PENDING', 'this item was already decided', { status: item.status });
    const queue = this.deps.settings.nurseTriageQueue;
    const at = this.clock();
    await this.deps.db.transaction(async (tx) => {
      const moved = await moveReviewItemToQueue(tx, item.id, queue);
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'review.handed-off', objectType: 'review-item', objectId: item.id, outcome: 'success',
        detail: { fromQueue: moved?.from ?? null, toQueue: queue, via: 'on-call', noticeId: notice.id },
      });
      await this.firstAction(tx, notice, 'hand-off', at);
    });
    return { item: { id: item.id, status: item.status, queue } };
  }

  /**
   * Click-to-call: Twilio rings the clinician's phone (the roster's number) and, when answered, asks
   * our signed connect webhook, which dials the patient's chart number with the clinic's number as
   * caller ID. Neither number reaches the browser.
   */
  async callBack(noticeId: string, staff: StaffClaims) {
    const { notice } = await this.resolve(noticeId, staff);
    const entry = this.deps.settings.roster.find((candidate) => candidate.user === notice.clinician);
    if (!this.deps.twilio || !entry || !('sms' in entry.notify)) {
      throw new CallchartError('ON_CALL_CALL_BACK_UNAVAILABLE', 'click-to-call needs Twilio and a phone number for you on the on-call roster');
    }
    const base = this.deps.publicBaseUrl().replace(/\/+$/, '');
    const placed = await this.deps.twilio.rest.placeCall({
      to: entry.notify.sms, from: this.deps.twilio.clinicNumber,
      url: `${base}/webhooks/on-call/${notice.id}/connect`, statusCallback: `${base}/webhooks/on-call/${notice.id}/status`,
      statusCallbackEvent: ['completed'], timeoutSeconds: 30,
    });
    const at = this.clock();
    await this.deps.db.transaction(async (tx) => {
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'on-call.call-back.placed', objectType: 'on-call-notice', objectId: notice.id, outcome: 'success',
        detail: { reviewId: notice.reviewId, callSid: placed.callSid },
      });
      await this.firstAction(tx, notice, 'call-back', at);
    });
    return { status: 'ringing-you' as const, clinicNumber: this.deps.twilio.clinicNumber };
  }

  /** The patient's number for the connect webhook (Twilio asked, signed): from the chart, never stored. */
  async patientNumberFor(noticeId: string): Promise<{ number: string | null; clinicNumber: string | null }> {
    const notice = /^[A-Za-z0-9_-]{16,64}$/.test(noticeId) ? await findNotice(this.deps.db, noticeId) : null;
    if (!notice) return { number: null, clinicNumber: null };
    const patient = (await this.deps.reviewPatients.forCalls(this.deps.db, [notice.callId])).get(notice.callId) ?? null;
    await recordAuditEvent(this.deps.db, {
      actor: 'twilio', action: 'on-call.call-back.connecting', objectType: 'on-call-notice', objectId: notice.id, outcome: patient?.phone ? 'success' : 'failure',
      ...(patient?.phone ? {} : { reason: 'NO_CHART_NUMBER' }),
    });
    return { number: patient?.phone ?? null, clinicNumber: this.deps.twilio?.clinicNumber ?? null };
  }

  private async firstAction(tx: Queryable, notice: OnCallNotice, action: OnCallAction, at: Date): Promise<void> {
    if (!(await recordFirstAction(tx, notice.id, action, at))) return;
    if (notice.sentAt) this.deps.onFirstAction?.({ action, seconds: (at.getTime() - Date.parse(notice.sentAt)) / 1000 });
  }
}
