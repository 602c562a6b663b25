import type { Db, Queryable } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { findCall, loadCallAnalysis, type CallRecord } from '../calls/calls.repository.ts';
import { decideForCall } from '../consent/call-policy.service.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import type { CallPolicyDecision } from '../consent/call-policy.ts';
import { isIdentityVerified } from '../ehr/identity-step-up.ts';
import type { CallSummary, RequestTypeCode } from '../nlp/analysis.types.ts';
import type { RequestWorkflow } from '../nlp/workflows.ts';
import { CallchartError } from '../lib/errors.ts';
import type { StaffClaims } from '../auth/staff-token.ts';
import { enqueueWriteBack, type WriteBackTarget } from '../write-back/outbox.repository.ts';
import { emergencyCall } from '../write-back/call-task.ts';
import { noteIdentifierValue } from '../write-back/chart-record.mapper.ts';
import { applyEdit, checkApproval, draftNote, draftSource, mayReview, versionDisagreements, type ReviewEdit, type ReviewVersionBody, type S0Checklist, type Urgency } from './review-note.ts';
import {
  createReviewItem, findReviewItemByCall, insertVersion, loadVersion, loadVersions, lockReviewItem, updateReviewItem, type ReviewItem,
} from './review.repository.ts';
import type { RejectionReason } from '../write-back/task-review.mapper.ts';
import { transcriptQualityLine, type TranscriptQualityNote } from '../calls/transcript-words.ts';

/**
 * The review queue (RV-1) and the hand-off to write-back (IP-1). After a call is understood, the
 * policy decides whether a person must review it: if so the item waits as `pending` with the AI
 * draft (or a blank note when AI or transcription was not allowed); if not, it is auto-approved and
 * its chart record goes into the outbox in the same transaction. Every change is a new version.
 */
export interface ReviewServiceDeps {
  db: Db;
  cipher: ContentKeyring;
  policies: QueuePolicyStore;
  workflows: Record<RequestTypeCode, RequestWorkflow>;
  /** Write-back targets in use: FHIR always; HL7 v2 when configured (notes only). */
  targets: readonly WriteBackTarget[];
  /** Called after a commit that queued write-back work. */
  onWriteBackQueued?: () => void;
  /** Told when a person approves or rejects an item (metrics): seconds since the item was created. */
  onDecided?: (decision: { decision: 'approved' | 'rejected'; seconds: number }) => void;
}

export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  /** Pipeline stage `plan-write-back`: the review item for a call, auto-approved when policy allows. */
  async planForCall(callId: string): Promise<{ item: ReviewItem | null; decision: CallPolicyDecision | null }> {
    const { db, cipher, policies, workflows } = this.deps;
    const call = await findCall(db, callId);
    if (!call) throw new CallchartError('NOT_FOUND', 'call not in the ledger', { callId });
    if (await findReviewItemByCall(db, callId)) return { item: null, decision: null };
    const stored = await loadCallAnalysis<{ summary?: CallSummary | null; transcriptQuality?: TranscriptQualityNote | null }>(db, callId, cipher);
    let queued = false;
    const result = await db.transaction(async (tx) => {
      const decision = await decideForCall(tx, policies, call, 'plan-write-back');
      const requestType = (call.requestType && call.requestType in workflows ? call.requestType : 'unclassified') as RequestTypeCode | 'unclassified';
      const workflow = requestType === 'unclassified' ? null : workflows[requestType];
      const urgency: Urgency = emergencyCall(call) ? 'emergency' : (call.urgency ?? (call.urgent ? 'urgent' : 'routine'));
      const dueHours = emergencyCall(call) ? workflows.urgent_emergency.dueHours : workflow?.dueHours;
      const summary = draftSource(decision.ai.allowed, stored?.analysis.summary);
      const body = draftNote({
        requestType, summary, urgency,
        // An AI draft from a doubtful transcript says so in its first line (issue 17): the person approves it with the line.
        transcriptQualityLine: transcriptQualityLine(stored?.analysis.transcriptQuality ?? null),
        ownerLabel: workflow?.ownerRole ?? 'intake',
        nextStep: workflow?.nextStep ?? 'Front desk follow-up',
        followUpDue: dueHours !== undefined ? new Date(Date.now() + dueHours * 3_600_000).toISOString() : null,
      });
      const status = decision.review.required ? 'pending' : 'auto-approved';
      const item = await createReviewItem(tx, cipher, {
        callId, status, pattern: decision.pattern, reasons: decision.review.reasons,
        priority: emergencyCall(call) ? 'stat' : (workflow?.priority ?? 'routine'),
        requestType, redFlags: call.redFlags, queue: call.queue, policyVersion: policies.current.version,
        // The draft's author as the analysis recorded it: the rules, or the clinic's language model over them.
        firstVersion: { kind: summary ? 'ai-draft' : 'blank-draft', author: summary ? String(summary.generatedBy ?? 'callchart-rules') : 'system', body },
      });
      if (!item) return { item: null, decision };
      await appendAuditEvent(tx, {
        actor: 'worker:plan-write-back', action: 'review.created', objectType: 'review-item', objectId: item.id, outcome: 'success',
        detail: { callId, status, pattern: decision.pattern, reasons: decision.review.reasons, draft: summary ? 'ai-draft' : 'blank-draft' },
      });
      if (status === 'auto-approved') {
        await insertVersion(tx, cipher, item.id, 2, { kind: 'auto-approved', author: 'policy', generatedByAi: Boolean(summary), changedFields: [], checklist: null, body });
        await updateReviewItem(tx, item.id, { currentVersion: 2 });
        queued = await this.queueChartRecord(tx, call, item.id, 2, decision);
      }
      return { item, decision };
    });
    if (queued) this.deps.onWriteBackQueued?.();
    return result;
  }

  /** An edit: a new version (never a change in place); an approved item goes back to pending. */
  async edit(reviewId: string, edit: ReviewEdit, staff: StaffClaims): Promise<ReviewItem> {
    const { db, cipher } = this.deps;
    return this.auditRefusal(reviewId, staff, 'review.edit.refused', () => db.transaction(async (tx) => {
      const item = await this.lock(tx, reviewId, staff);
      const current = await loadVersion(tx, cipher, reviewId, item.currentVersion);
      const applied = applyEdit({ status: item.status, currentVersion: item.currentVersion, redFlags: item.redFlags }, current!.body.note, edit, staff.role);
      const version = item.currentVersion + 1;
      await insertVersion(tx, cipher, reviewId, version, {
        kind: 'edit', author: `staff:${staff.sub}`, generatedByAi: false, changedFields: applied.changed, checklist: null,
        body: { note: applied.note, ...(current!.body.evidence ? { evidence: current!.body.evidence } : {}) },
      });
      await updateReviewItem(tx, reviewId, { currentVersion: version, ...(applied.reopened ? { status: 'pending' } : {}) });
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'review.edited', objectType: 'review-item', objectId: reviewId, outcome: 'success',
        detail: { version, changedFields: applied.changed, reopened: applied.reopened, ...(applied.downgraded ? { urgencyLowered: true, redFlagDowngrade: edit.redFlagDowngrade ?? null } : {}) },
      });
      return (await lockReviewItem(tx, reviewId))!;
    }));
  }

  /** Approval: checklist, verified identity, consent; then the chart record goes into the outbox. */
  async approve(
    reviewId: string, input: { baseVersion: number; checklist: S0Checklist }, staff: StaffClaims,
    /**
     * More chart work that stands or falls with this approval (issue 16: the on-call clinician's
     * refill order, a denied refill's Task), in the same transaction. True when it queued write-back.
     */
    withDecision?: (tx: Queryable, item: ReviewItem) => Promise<boolean>,
  ): Promise<ReviewItem> {
    const { db, cipher, policies } = this.deps;
    let queued = false;
    const item = await this.auditRefusal(reviewId, staff, 'review.approve.refused', () => db.transaction(async (tx) => {
      const item = await this.lock(tx, reviewId, staff);
      const call = (await findCall(tx, item.callId))!;
      const versions = await loadVersions(tx, cipher, reviewId);
      const current = versions.find((entry) => entry.version === item.currentVersion)!;
      checkApproval({ status: item.status, currentVersion: item.currentVersion, redFlags: item.redFlags }, {
        role: staff.role, baseVersion: input.baseVersion, checklist: input.checklist, identityVerified: isIdentityVerified(call.callerMatch),
        disagreements: versionDisagreements(versions, current.version),
      });
      const decision = await decideForCall(tx, policies, call, 'approve');
      const version = item.currentVersion + 1;
      await insertVersion(tx, cipher, reviewId, version, {
        kind: 'approved', author: `staff:${staff.sub}`, generatedByAi: false, changedFields: [], checklist: input.checklist, body: current.body,
      });
      await updateReviewItem(tx, reviewId, { status: 'approved', currentVersion: version, decided: true, decidedBy: staff.sub });
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'review.approved', objectType: 'review-item', objectId: reviewId, outcome: 'success',
        detail: { version, callId: item.callId, pattern: decision.pattern, note: decision.chart.note, chartContent: decision.chart.content.reason },
      });
      queued = await this.queueChartRecord(tx, call, reviewId, version, decision);
      if (withDecision && (await withDecision(tx, item))) queued = true;
      return (await lockReviewItem(tx, reviewId))!;
    }));
    if (queued) this.deps.onWriteBackQueued?.();
    this.reportDecision('approved', item);
    return item;
  }

  /** Review turnaround, both times from the store's clock. */
  private reportDecision(decision: 'approved' | 'rejected', item: ReviewItem): void {
    if (!item.decidedAt) return;
    this.deps.onDecided?.({ decision, seconds: (Date.parse(item.decidedAt) - Date.parse(item.createdAt)) / 1000 });
  }

  /** A refused action is audited after its transaction rolled back: the log shows the control held. */
  private async auditRefusal<T>(reviewId: string, staff: StaffClaims, action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CallchartError && error.status < 500) {
        await appendAuditEvent(this.deps.db, { actor: `staff:${staff.sub}`, action, objectType: 'review-item', objectId: reviewId, outcome: 'rejected', reason: error.code });
      }
      throw error;
    }
  }

  /**
   * Rejection: nothing more goes to the chart, and what already went is taken back through the
   * outbox (issue 12): the Task cancelled, or entered-in-error for a wrong patient, with the reason;
   * notes of earlier approvals withdrawn. In the same transaction as the decision, so it happens
   * exactly once however the EHR or the worker fails.
   */
  async reject(reviewId: string, input: { reason: RejectionReason }, staff: StaffClaims): Promise<ReviewItem> {
    const { db, cipher } = this.deps;
    let queued = false;
    const rejected = await this.auditRefusal(reviewId, staff, 'review.reject.refused', () => db.transaction(async (tx) => {
      const item = await this.lock(tx, reviewId, staff);
      if (item.status !== 'pending') throw new CallchartError('REVIEW_NOT_PENDING', 'only a pending item can be rejected', { status: item.status });
      const call = (await findCall(tx, item.callId))!;
      const current = (await loadVersion(tx, cipher, reviewId, item.currentVersion))!;
      const version = item.currentVersion + 1;
      await insertVersion(tx, cipher, reviewId, version, { kind: 'rejected', author: `staff:${staff.sub}`, generatedByAi: false, changedFields: [], checklist: null, body: current.body });
      await updateReviewItem(tx, reviewId, { status: 'rejected', currentVersion: version, decided: true, decidedBy: staff.sub, rejectionReason: input.reason });
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'review.rejected', objectType: 'review-item', objectId: reviewId, outcome: 'success', reason: input.reason,
        // A rejected red-flag call still reached a person: the log says so.
        detail: { version, redFlags: item.redFlags.length },
      });
      if (this.deps.targets.includes('fhir')) {
        const queuedItem = await enqueueWriteBack(tx, {
          callId: call.id, target: 'fhir', kind: 'rejection', reviewId, reviewVersion: version,
          businessId: `rejection/${noteIdentifierValue(call.provider, call.providerCallId, version)}`,
        });
        await appendAuditEvent(tx, {
          actor: 'write-back', action: 'ehr.write-back.queued', objectType: 'write-back-item', objectId: queuedItem.id, outcome: queuedItem.created ? 'success' : 'duplicate',
          detail: { callId: call.id, target: 'fhir', kind: 'rejection', reviewVersion: version },
        });
        queued = true;
      }
      return (await lockReviewItem(tx, reviewId))!;
    }));
    if (queued) this.deps.onWriteBackQueued?.();
    this.reportDecision('rejected', rejected);
    return rejected;
  }

  async reassign(reviewId: string, assignee: string | null, staff: StaffClaims): Promise<ReviewItem> {
    return this.deps.db.transaction(async (tx) => {
      const item = await this.lock(tx, reviewId, staff);
      await updateReviewItem(tx, reviewId, { assignedTo: assignee });
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'review.assigned', objectType: 'review-item', objectId: reviewId, outcome: 'success',
        detail: { from: item.assignedTo, to: assignee },
      });
      return (await lockReviewItem(tx, reviewId))!;
    });
  }

  private async lock(tx: Queryable, reviewId: string, staff: StaffClaims): Promise<ReviewItem> {
    if (!mayReview(staff.role)) throw new CallchartError('ROLE_FORBIDDEN', 'this role may not work review items', { role: staff.role });
    const item = await lockReviewItem(tx, reviewId);
    if (!item) throw new CallchartError('NOT_FOUND', 'no such review item', { reviewId });
    return item;
  }

  /** The approved version's chart record, one outbox item per target, in the caller's transaction. */
  private async queueChartRecord(tx: Queryable, call: CallRecord, reviewId: string, version: number, decision: CallPolicyDecision): Promise<boolean> {
    const targets = this.deps.targets.filter((target) => target === 'fhir' || decision.chart.note);
    for (const target of targets) {
      const businessId = target === 'fhir'
        ? `chart-record/${noteIdentifierValue(call.provider, call.providerCallId, version)}`
        : `mdm/${noteIdentifierValue(call.provider, call.providerCallId, version)}`;
      const queued = await enqueueWriteBack(tx, { callId: call.id, target, kind: 'chart-record', businessId, reviewId, reviewVersion: version });
      await appendAuditEvent(tx, {
        actor: 'write-back', action: 'ehr.write-back.queued', objectType: 'write-back-item', objectId: queued.id, outcome: queued.created ? 'success' : 'duplicate',
        detail: { callId: call.id, target, reviewVersion: version },
      });
    }
    return targets.length > 0;
  }
}

export type { ReviewVersionBody };
