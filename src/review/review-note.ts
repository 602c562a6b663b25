import { z } from 'zod';
import { requestTypeCodes, type CallSummary, type EvidenceSpan } from '../nlp/analysis.types.ts';
import type { StaffRole } from '../auth/staff-token.ts';
import { CallchartError } from '../lib/errors.ts';

/**
 * What a reviewer reads, edits and approves (SU-1, RV-1): the structured summary fields and the
 * chart note. Pure: versions, field diffs, the S0 checklist and who may approve are decided here;
 * storage and HTTP are elsewhere.
 */
export const urgencies = ['routine', 'urgent', 'emergency'] as const;
export type Urgency = (typeof urgencies)[number];

export const reviewNoteSchema = z
  .object({
    reasonForCall: z.enum([...requestTypeCodes, 'unclassified']),
    details: z.string().max(4_000),
    actionRequested: z.string().max(1_000),
    nextStep: z.string().max(500),
    owner: z.string().max(80),
    /** ISO date-time the follow-up is due; null when none. */
    followUpDue: z.iso.datetime({ offset: true }).nullable(),
    urgency: z.enum(urgencies),
    /** The chart note as it will read in the EHR. */
    note: z.string().max(20_000),
  })
  .strict();
export type ReviewNote = z.infer<typeof reviewNoteSchema>;
export type ReviewField = keyof ReviewNote;
export const reviewFields = Object.keys(reviewNoteSchema.shape) as ReviewField[];

/** An edit: any subset of fields, against the version the editor saw. */
export const reviewEditSchema = z
  .object({
    baseVersion: z.number().int().min(1),
    changes: reviewNoteSchema.partial().refine((changes) => Object.keys(changes).length > 0, 'change at least one field'),
    /** Required to lower the urgency of a call with a red flag: why it is not an emergency. */
    redFlagDowngrade: z.enum(['not-current', 'misheard', 'clinician-assessed']).optional(),
  })
  .strict();
export type ReviewEdit = z.infer<typeof reviewEditSchema>;

/** The S0 checklist: every answer must be yes before a note may be approved. */
export const s0ChecklistSchema = z
  .object({
    patientIdentifiedCorrectly: z.boolean(),
    actionAppropriate: z.boolean(),
    noUnnecessaryPhi: z.boolean(),
    neutralFactualTone: z.boolean(),
  })
  .strict();
export type S0Checklist = z.infer<typeof s0ChecklistSchema>;

/** What a stored version holds (sealed): the note, and for an AI draft its evidence spans. */
export interface ReviewVersionBody {
  note: ReviewNote;
  evidence?: CallSummary['evidence'];
}

/** The first version's summary source: the AI's, only when the policy allowed AI for this call. */
export function draftSource<T>(aiAllowed: boolean, storedSummary: T | null | undefined): T | null {
  return aiAllowed ? (storedSummary ?? null) : null;
}

/** The first version: the AI draft when AI was allowed, otherwise a blank note a person writes. */
export function draftNote(input: { requestType: ReviewNote['reasonForCall']; summary: CallSummary | null; urgency: Urgency; ownerLabel: string; nextStep: string; followUpDue: string | null }): ReviewVersionBody {
  const { summary } = input;
  if (!summary) {
    return {
      note: {
        reasonForCall: input.requestType, details: '', actionRequested: '', nextStep: input.nextStep,
        owner: input.ownerLabel, followUpDue: input.followUpDue, urgency: input.urgency, note: '',
      },
    };
  }
  const note: ReviewNote = {
    reasonForCall: summary.reasonForCall,
    details: summary.details,
    actionRequested: summary.actionRequested,
    nextStep: summary.nextStep,
    owner: summary.owner,
    followUpDue: summary.followUpDue ? new Date(summary.followUpDue).toISOString() : input.followUpDue,
    // Never lower than what the call itself showed (a red flag or the caller's urgent choice).
    urgency: higherUrgency(summary.urgency, input.urgency),
    note: [summary.details, summary.actionRequested && `Requested: ${summary.actionRequested}`, summary.nextStep && `Next step: ${summary.nextStep}`].filter(Boolean).join('\n'),
  };
  return { note, evidence: summary.evidence };
}

export function higherUrgency(a: Urgency, b: Urgency): Urgency {
  return urgencies.indexOf(a) >= urgencies.indexOf(b) ? a : b;
}

/** The fields whose values differ between two versions (names only: values are PHI). */
export function changedFields(before: ReviewNote, after: ReviewNote): ReviewField[] {
  return reviewFields.filter((field) => before[field] !== after[field]);
}

/** Who may open a review item's content, edit it and approve it. */
export function mayReview(role: StaffRole): boolean {
  return role === 'nurse' || role === 'clinician' || role === 'supervisor';
}

/** Who may see the transcript with redaction off (the reviewer needs the words to check the note). */
export function mayViewUnredacted(role: StaffRole): boolean {
  return role === 'clinician' || role === 'supervisor';
}

export interface ReviewState {
  status: 'pending' | 'approved' | 'rejected' | 'auto-approved';
  currentVersion: number;
  redFlags: readonly string[];
}

/**
 * Applies an edit: a new version, never a change in place. An edit to an approved note reopens it
 * (the chart gets the amended note only once it is approved again). A red-flag call's urgency is
 * never lowered without a stated reason (invariant 8).
 */
export function applyEdit(state: ReviewState, current: ReviewNote, edit: ReviewEdit, role: StaffRole): { note: ReviewNote; changed: ReviewField[]; reopened: boolean; downgraded: boolean } {
  if (!mayReview(role)) throw new CallchartError('ROLE_FORBIDDEN', 'this role may not edit review items', { role });
  if (state.status === 'rejected') throw new CallchartError('REVIEW_NOT_PENDING', 'a rejected item cannot be edited', { status: state.status });
  if (edit.baseVersion !== state.currentVersion) {
    throw new CallchartError('REVIEW_VERSION_STALE', 'the item changed since it was opened; reopen it and edit again', { baseVersion: edit.baseVersion, currentVersion: state.currentVersion });
  }
  const note = reviewNoteSchema.parse({ ...current, ...edit.changes });
  const downgraded = urgencies.indexOf(note.urgency) < urgencies.indexOf(current.urgency);
  if (downgraded && state.redFlags.length > 0 && !edit.redFlagDowngrade) {
    throw new CallchartError('PAYLOAD_INVALID', 'lowering the urgency of a call with a red flag needs a reason (redFlagDowngrade)', { field: 'urgency' });
  }
  return { note, changed: changedFields(current, note), reopened: state.status !== 'pending', downgraded };
}

/**
 * Approval (RV-1): only a pending item, only by a reviewer, only with every S0 answer yes, and only
 * when the patient's identity is verified (the DOB step-up or a person confirming it).
 */
export function checkApproval(state: ReviewState, input: { role: StaffRole; baseVersion: number; checklist: S0Checklist; identityVerified: boolean }): void {
  if (!mayReview(input.role)) throw new CallchartError('ROLE_FORBIDDEN', 'this role may not approve review items', { role: input.role });
  if (state.status !== 'pending') throw new CallchartError('REVIEW_NOT_PENDING', 'only a pending item can be approved', { status: state.status });
  if (input.baseVersion !== state.currentVersion) {
    throw new CallchartError('REVIEW_VERSION_STALE', 'the item changed since it was opened', { baseVersion: input.baseVersion, currentVersion: state.currentVersion });
  }
  const unanswered = Object.entries(input.checklist).filter(([, yes]) => !yes).map(([question]) => question);
  if (unanswered.length > 0) throw new CallchartError('REVIEW_CHECKLIST_INCOMPLETE', 'every checklist answer must be yes before approval', { unanswered });
  if (!input.identityVerified) {
    throw new CallchartError('IDENTITY_UNVERIFIED', "the patient's identity is not verified: confirm it (date of birth or staff check) before approving");
  }
}

/** Evidence spans of the AI draft, for the reviewer to check each field against the transcript. */
export type ReviewEvidence = Partial<Record<ReviewField, EvidenceSpan[]>>;
