import type { Annotation, Coding, Task } from '@medplum/fhirtypes';
import { callchartTagSystem } from '../ehr/fhir-task.mapper.ts';
import type { ReviewNote, Urgency } from '../review/review-note.ts';

/**
 * The work item Task follows the review (issue 12, defect 2): approved, auto-approved or rejected,
 * its tags, status, priority, owner, due date and a review annotation say so. Metadata only: the
 * Task never carries call content (the approved words go in the Communication and the note).
 *
 * Pure: from the Task as the EHR holds it now (staff may have worked it there) to the Task after
 * the decision. Idempotent: applying the same decision twice gives the same Task, and the Task
 * records the review version it reflects, so a retry can tell it already got there.
 */
export const rejectionReasons = ['wrong-patient', 'not-clinical', 'duplicate', 'inappropriate', 'other'] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export const rejectionReasonSystem = 'https://callchart.dev/fhir/CodeSystem/review-rejection';
/** Task.input carrying the review version the Task reflects (read back before any resend). */
export const reviewedVersionInputType = 'callchart-reviewed-version';
/** Review annotations Callchart writes (and replaces); anything else in Task.note is staff's own. */
const reviewAnnotationAuthor = 'Callchart review';

export const rejectionLabels: Record<RejectionReason, string> = {
  'wrong-patient': 'wrong patient',
  'not-clinical': 'not a clinical matter',
  duplicate: 'duplicate of another call',
  inappropriate: 'inappropriate content',
  other: 'other reason',
};

export type TaskReview =
  | { outcome: 'approved'; version: number; by: string; at: Date; note: ReviewNote; requestTypeLabel: string; edited: boolean }
  | { outcome: 'auto-approved'; version: number; at: Date; note: ReviewNote; requestTypeLabel: string; generatedByAi: boolean }
  | { outcome: 'rejected'; version: number; by: string; at: Date; reason: RejectionReason };

/** Tags Callchart puts on a Task to say where its review stands; exactly one of them at a time. */
const reviewTagCodes = new Set(['automated-unreviewed', 'ai-generated-unreviewed', 'staff-approved', 'staff-rejected']);

export function reviewTag(review: TaskReview): Coding {
  switch (review.outcome) {
    case 'approved':
      return { system: callchartTagSystem, code: 'staff-approved', display: 'Reviewed and approved by staff' };
    case 'rejected':
      return { system: callchartTagSystem, code: 'staff-rejected', display: 'Rejected in review by staff' };
    default:
      return { system: callchartTagSystem, code: review.generatedByAi ? 'ai-generated-unreviewed' : 'automated-unreviewed', display: 'Created by Callchart; auto-approved by policy, not reviewed by staff' };
  }
}

const priorityOf: Record<Urgency, NonNullable<Task['priority']>> = { routine: 'routine', urgent: 'urgent', emergency: 'stat' };
/** Statuses a person has moved the Task to in the EHR: an approval does not move it back. */
const workedStatuses = new Set<Task['status']>(['accepted', 'in-progress', 'on-hold', 'completed', 'failed', 'cancelled', 'entered-in-error', 'rejected']);

/** The review version a Task reflects, or null when no decision has reached it. */
export function reviewedVersionOf(task: Task): number | null {
  const value = task.input?.find((input) => input.type.text === reviewedVersionInputType)?.valueInteger;
  return typeof value === 'number' ? value : null;
}

export function taskAfterReview(task: Task, review: TaskReview): Task {
  const tags = (task.meta?.tag ?? []).filter((tag) => !(tag.system === callchartTagSystem && reviewTagCodes.has(tag.code ?? '')));
  const inputs = (task.input ?? []).filter((input) => input.type.text !== reviewedVersionInputType);
  const notes = (task.note ?? []).filter((note) => note.authorString !== reviewAnnotationAuthor);
  const next: Task = {
    ...task,
    meta: { ...task.meta, tag: [...tags, reviewTag(review)] },
    input: [...inputs, { type: { text: reviewedVersionInputType }, valueInteger: review.version }],
    note: [...notes, reviewAnnotation(review)],
  };
  if (review.outcome === 'rejected') {
    // A wrong patient is an error in the chart whatever staff did with it since; anything else
    // cancels the work unless it was already finished.
    if (review.reason === 'wrong-patient') next.status = 'entered-in-error';
    else if (!['completed', 'failed', 'entered-in-error'].includes(task.status)) next.status = 'cancelled';
    next.statusReason = { coding: [{ system: rejectionReasonSystem, code: review.reason }], text: `Rejected in review: ${rejectionLabels[review.reason]}` };
    return next;
  }
  const { note } = review;
  if (review.outcome === 'approved' && !workedStatuses.has(task.status)) next.status = 'ready';
  next.priority = priorityOf[note.urgency];
  next.performerType = [{ text: note.owner }];
  if (note.followUpDue) next.restriction = { ...task.restriction, period: { ...task.restriction?.period, end: note.followUpDue } };
  const coding = task.code?.coding?.[0];
  if (coding && coding.code !== note.reasonForCall) {
    next.code = { coding: [{ ...coding, code: note.reasonForCall, display: review.requestTypeLabel }], text: review.requestTypeLabel };
  }
  return next;
}

function reviewAnnotation(review: TaskReview): Annotation {
  const at = review.at.toISOString();
  const text = review.outcome === 'approved'
    ? `Approved by staff (${review.by}) in review, version ${review.version}${review.edited ? ', edited from the draft' : ''}.`
    : review.outcome === 'rejected'
      ? `Rejected in review by staff (${review.by}): ${rejectionLabels[review.reason]}.`
      : `Auto-approved by policy, version ${review.version}; not reviewed by staff.`;
  return { authorString: reviewAnnotationAuthor, time: at, text };
}
