import type { Patient } from '@medplum/fhirtypes';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { StaffClaims } from '../auth/staff-token.ts';
import { addSensitiveCategories, findCall, loadCallAnalysis, upgradeCallerMatch, type CallRecord } from '../calls/calls.repository.ts';
import { detectSensitiveCategories } from '../consent/call-policy.ts';
import { fhirIdPattern, type PatientDirectory } from '../ehr/patient-directory.service.ts';
import { interpreterNeeded } from '../ehr/interpreter-need.mapper.ts';
import { IdentityConfidence, staffIdentityChecks, type CallerCandidate, type CallerMatch, type PatientMismatchAttribute, type StaffIdentityMethod } from '../ehr/patient-match.ts';
import { demographicsOf, type PatientDemographics } from '../ehr/patient-search.ts';
import { CallchartError } from '../lib/errors.ts';
import type { CallSubject } from '../nlp/analysis.types.ts';
import type { Pipeline } from '../pipeline/pipeline.worker.ts';
import { chartFactsOf, compareWithChart, reasonsAfterLink } from './caller-mismatch.ts';
import { mayReview } from './review-note.ts';
import { findReviewItem, lockReviewItem, updateReviewItem, type ReviewItem } from './review.repository.ts';

/**
 * A person says whose call it was (ID-2; issue 12, defect 4). Two ways in:
 * - `link`: a chart the reviewer found by searching the EHR (an unknown caller, a wrong chart), with
 *   how they confirmed it (date of birth, a call back to the chart's number, in person, known to the
 *   clinician); the EHR must have the chart;
 * - `verifyCandidate`: one of the charts the caller's number matched.
 *
 * Either way the call becomes `staff-verified` on that chart with the check recorded (on the call
 * and in the audit trail), the review item's reasons follow the new chart (the caller's words are
 * checked against it again), and the `write-task` stage is queued in the same transaction: it moves
 * the call's one Task to the chart in place (pg-boss delivers at least once; the move is idempotent).
 */
export const linkChecks = staffIdentityChecks.filter((check) => check !== 'caller-id-candidate-confirmed') as Exclude<StaffIdentityMethod, 'caller-id-candidate-confirmed'>[];

export const linkPatientBodySchema = z
  .object({
    patientId: z.string().regex(fhirIdPattern, 'a FHIR Patient id'),
    /** How the person confirmed the caller is (or speaks for) this patient. */
    check: z.enum(linkChecks as [string, ...string[]]),
  })
  .strict();

export interface PatientLinkResult {
  status: 'linked' | 'already-linked';
  item: ReviewItem;
  identity: { confidence: IdentityConfidence; verified: true; check: CallerMatch['staffCheck']; mismatch: PatientMismatchAttribute[] };
  /** Demographics of the linked chart; null when the EHR could not give it (a caller-ID candidate while the EHR is down). */
  patient: (PatientDemographics & { verified: true }) | null;
  fhirTaskId: string | null;
}

export interface PatientLinkDeps {
  db: Db;
  cipher: ContentKeyring;
  patients: PatientDirectory;
  pipeline: Pick<Pipeline, 'enqueue'>;
  /** The clinic's language (BCP-47): a chart preferring another needs an interpreter. */
  clinicLanguage?: string;
  now?: () => Date;
}

export class PatientLinkService {
  constructor(private readonly deps: PatientLinkDeps) {}

  /** Links the call to a chart found in the EHR; 422 PATIENT_NOT_FOUND when the EHR has no such active chart. */
  async link(reviewId: string, input: { patientId: string; check: string }, staff: StaffClaims): Promise<PatientLinkResult> {
    return this.refusalsAudited(reviewId, staff, 'call.identity.link.refused', async () => {
      const method = input.check as StaffIdentityMethod;
      if (!linkChecks.includes(method as (typeof linkChecks)[number])) throw new CallchartError('PAYLOAD_INVALID', 'say how the caller was confirmed', { field: 'check' });
      const { item, call } = await this.pendingItem(reviewId, staff);
      const chart = await this.deps.patients.find(input.patientId);
      if (!chart || chart.active === false) throw new CallchartError('PATIENT_NOT_FOUND', 'the EHR has no active chart with this id', { patientId: input.patientId });
      const known = call.callerMatch?.candidates.find((candidate) => candidate.patientId === input.patientId);
      return this.attach({ item, call, chart, candidate: known ?? { patientId: input.patientId, matchedOn: 'staff-link' }, method, staff, action: 'call.identity.linked' });
    });
  }

  /** Confirms one of the charts the caller's number matched (`verify-identity`). */
  async verifyCandidate(reviewId: string, patientId: string, staff: StaffClaims): Promise<PatientLinkResult> {
    return this.refusalsAudited(reviewId, staff, 'call.identity.staff-verify', async () => {
      const { item, call } = await this.pendingItem(reviewId, staff);
      const candidate = call.callerMatch?.candidates.find((entry) => entry.patientId === patientId);
      if (!candidate) {
        throw new CallchartError('PAYLOAD_INVALID', 'the patient is not one of the charts the caller number matched; search the EHR and link the call there', { field: 'patientId', reason: 'NOT_A_CANDIDATE' });
      }
      // The chart is only read to check the caller's words against it: caller ID already found it.
      const chart = await this.deps.patients.find(patientId).catch(() => null);
      return this.attach({ item, call, chart, candidate, method: 'caller-id-candidate-confirmed', staff, action: 'call.identity.staff-verified' });
    });
  }

  private async pendingItem(reviewId: string, staff: StaffClaims): Promise<{ item: ReviewItem; call: CallRecord }> {
    if (!mayReview(staff.role)) throw new CallchartError('ROLE_FORBIDDEN', 'this role may not work review items', { role: staff.role });
    const item = await findReviewItem(this.deps.db, reviewId);
    if (!item) throw new CallchartError('NOT_FOUND', 'no such review item', { reviewId });
    // A decided item keeps the chart it was decided on: a wrong patient after approval is a rejection.
    if (item.status !== 'pending') throw new CallchartError('REVIEW_NOT_PENDING', 'only a pending item can be linked to a chart; reject a decided one as wrong-patient', { status: item.status });
    return { item, call: (await findCall(this.deps.db, item.callId))! };
  }

  private async attach(link: {
    item: ReviewItem; call: CallRecord; chart: Patient | null; candidate: CallerCandidate; method: StaffIdentityMethod; staff: StaffClaims;
    action: 'call.identity.linked' | 'call.identity.staff-verified';
  }): Promise<PatientLinkResult> {
    const { db, cipher, pipeline } = this.deps;
    const { call, chart, candidate, method, staff } = link;
    const at = new Date(call.startedAt ?? this.now().toISOString());
    // The caller's words (sealed analysis) against the chart they are being linked to.
    const analysis = await loadCallAnalysis<{ subject?: CallSubject }>(db, call.id, cipher);
    const mismatch = chart && analysis?.analysis.subject ? compareWithChart(analysis.analysis.subject, chartFactsOf(chart), at) : [];
    const sensitive = chart
      ? detectSensitiveCategories({ proxyCaller: Boolean(candidate.relatedPersonId), patientBirthDate: chart.birthDate ?? null, interpreter: interpreterNeeded(chart, this.deps.clinicLanguage ?? 'en'), at })
      : [];

    return db.transaction(async (tx) => {
      const item = await lockReviewItem(tx, link.item.id);
      if (!item || item.status !== 'pending') throw new CallchartError('REVIEW_NOT_PENDING', 'only a pending item can be linked to a chart', { status: item?.status ?? null });
      const current = (await findCall(tx, call.id))!;
      const previous = current.callerMatch;
      const onChart = previous?.outcome === 'unique' && previous.candidates[0]?.patientId === candidate.patientId;
      const identity = (match: CallerMatch | null) => ({
        confidence: IdentityConfidence.staffVerified, verified: true as const, check: match?.staffCheck, mismatch: match?.subjectCheck?.mismatch ?? mismatch,
      });
      const patient = chart ? { ...demographicsOf(chart), verified: true as const } : null;
      if (onChart && previous.confidence === IdentityConfidence.staffVerified && previous.staffCheck?.method === method) {
        // The same link again (a double click, a retried request): nothing changes, nothing is queued.
        await appendAuditEvent(tx, {
          actor: `staff:${staff.sub}`, action: link.action, objectType: 'call', objectId: call.id, outcome: 'duplicate',
          detail: { reviewId: item.id, check: method },
        });
        return { status: 'already-linked', item, identity: identity(previous), patient, fhirTaskId: current.fhirTaskId };
      }
      const match: CallerMatch = {
        outcome: 'unique',
        confidence: IdentityConfidence.staffVerified,
        candidates: [candidate],
        staffCheck: { method, by: staff.sub, at: this.now().toISOString() },
        ...(chart ? { subjectCheck: { patientId: candidate.patientId, mismatch } } : {}),
      };
      const { fhirTaskId } = await upgradeCallerMatch(tx, call.id, match);
      const reasons = reasonsAfterLink(item.reasons, { mismatch, sensitive });
      await updateReviewItem(tx, item.id, { reasons });
      await addSensitiveCategories(tx, call.id, sensitive);
      // The Task follows the chart: moved in place by the write-task stage (never a second Task).
      await pipeline.enqueue(tx, 'write-task', { callId: call.id });
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: link.action, objectType: 'call', objectId: call.id, outcome: 'success',
        // Ids and codes only: how the caller was confirmed, never what they said.
        detail: {
          reviewId: item.id, check: method, previousConfidence: previous?.confidence ?? 'none', previousOutcome: previous?.outcome ?? 'none',
          movedFromOtherChart: Boolean(previous?.outcome === 'unique' && !onChart && (previous.confidence === IdentityConfidence.aniAndDob || previous.confidence === IdentityConfidence.staffVerified)),
          callerIdCandidate: candidate.matchedOn !== 'staff-link', patientMismatch: mismatch, sensitive, fhirTaskId,
        },
      });
      return { status: 'linked', item: (await lockReviewItem(tx, item.id))!, identity: identity(match), patient, fhirTaskId };
    });
  }

  /** A refused link is audited after its transaction rolled back, with the reason code. */
  private async refusalsAudited<T>(reviewId: string, staff: StaffClaims, action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CallchartError && error.status < 500) {
        const reason = typeof error.detail?.reason === 'string' ? error.detail.reason : error.code;
        await appendAuditEvent(this.deps.db, { actor: `staff:${staff.sub}`, action, objectType: 'review-item', objectId: reviewId, outcome: 'rejected', reason });
      }
      throw error;
    }
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
