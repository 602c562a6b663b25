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

/**
 * An edit: any subset of fields, against the version the editor saw. `rebuildNote` writes the chart
 * note afresh from the (edited) fields, for a note written by hand that no longer says what the
 * fields say.
 */
export const reviewEditSchema = z
  .object({
    baseVersion: z.number().int().min(1),
    changes: reviewNoteSchema.partial(),
    rebuildNote: z.boolean().optional(),
    /** Required to lower the urgency of a call with a red flag: why it is not an emergency. */
    redFlagDowngrade: z.enum(['not-current', 'misheard', 'clinician-assessed']).optional(),
  })
  .strict()
  .refine((edit) => Object.keys(edit.changes).length > 0 || edit.rebuildNote === true, { message: 'change at least one field, or rebuild the note', path: ['changes'] });
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
export function draftNote(input: {
  requestType: ReviewNote['reasonForCall']; summary: CallSummary | null; urgency: Urgency; ownerLabel: string; nextStep: string; followUpDue: string | null;
  /**
   * "Transcript quality low: …" (issue 17): an AI draft read from a doubtful transcript starts its
   * details with it, so the note the person approves, and so the chart, says so.
   */
  transcriptQualityLine?: string | null;
}): ReviewVersionBody {
  const { summary } = input;
  if (!summary) {
    return {
      note: {
        ...withChartNote({
          reasonForCall: input.requestType, details: '', actionRequested: '', nextStep: input.nextStep,
          owner: input.ownerLabel, followUpDue: input.followUpDue, urgency: input.urgency,
        }),
      },
    };
  }
  const note: ReviewNote = withChartNote({
    reasonForCall: summary.reasonForCall,
    details: input.transcriptQualityLine ? `${input.transcriptQualityLine}\n${summary.details}`.slice(0, 4_000) : summary.details,
    actionRequested: summary.actionRequested,
    nextStep: summary.nextStep,
    owner: summary.owner,
    followUpDue: summary.followUpDue ? new Date(summary.followUpDue).toISOString() : input.followUpDue,
    // Never lower than what the call itself showed (a red flag or the caller's urgent choice).
    urgency: higherUrgency(summary.urgency, input.urgency),
  });
  return { note, evidence: summary.evidence };
}

/**
 * The chart note as the approved fields say it (issue 12, defect 1): the details, then the labelled
 * request and next step. Every draft starts from it, and it follows the fields as they are edited
 * until someone writes the note by hand.
 */
export function composeChartNote(fields: Pick<ReviewNote, 'details' | 'actionRequested' | 'nextStep'>): string {
  return [
    fields.details.trim(),
    fields.actionRequested.trim() && `${noteLabels.actionRequested} ${fields.actionRequested.trim()}`,
    fields.nextStep.trim() && `${noteLabels.nextStep} ${fields.nextStep.trim()}`,
  ].filter(Boolean).join('\n');
}

function withChartNote(fields: Omit<ReviewNote, 'note'>): ReviewNote {
  return { ...fields, note: composeChartNote(fields) };
}

/** The labels the composed note puts before a field; a hand-written note that uses one must agree with it. */
const noteLabels = { actionRequested: 'Requested:', nextStep: 'Next step:' } as const;
/** The fields a chart note states, and so must not contradict. */
const statedFields = ['details', 'actionRequested', 'nextStep'] as const;
/** Shorter earlier values ("Yes", "None") are too common to say the note repeats them. */
const staleValueMinLength = 12;

const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').replace(/[\s.;:,!]+$/, '').trim();

/**
 * Where a note disagrees with the fields it is filed beside (issue 12, defect 1): a labelled line
 * ("Next step: …") that says something else than the field, or text an earlier version had in a
 * field that has since been changed (the note still says what the AI draft said). Leaving a field
 * out of the note is not a disagreement; contradicting it is. Field names only: values are PHI.
 */
export function noteDisagreements(note: ReviewNote, earlier: readonly ReviewNote[] = []): ReviewField[] {
  const text = normalise(note.note);
  const found = new Set<ReviewField>();
  for (const [field, label] of Object.entries(noteLabels) as [keyof typeof noteLabels, string][]) {
    for (const line of note.note.split('\n')) {
      const trimmed = line.trim();
      if (trimmed.toLowerCase().startsWith(label.toLowerCase()) && normalise(trimmed.slice(label.length)) !== normalise(note[field])) found.add(field);
    }
  }
  for (const field of statedFields) {
    const now = normalise(note[field]);
    for (const version of earlier) {
      const before = normalise(version[field]);
      if (before.length < staleValueMinLength || before === now || now.includes(before)) continue;
      if (text.includes(before)) found.add(field);
    }
  }
  return statedFields.filter((field) => found.has(field));
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
  const merged = reviewNoteSchema.parse({ ...current, ...edit.changes });
  // The note follows the fields until someone writes it by hand; `rebuildNote` makes it follow again.
  const follows = edit.rebuildNote === true || (edit.changes.note === undefined && current.note === composeChartNote(current));
  const note = follows ? { ...merged, note: composeChartNote(merged) } : merged;
  const downgraded = urgencies.indexOf(note.urgency) < urgencies.indexOf(current.urgency);
  if (downgraded && state.redFlags.length > 0 && !edit.redFlagDowngrade) {
    throw new CallchartError('PAYLOAD_INVALID', 'lowering the urgency of a call with a red flag needs a reason (redFlagDowngrade)', { field: 'urgency' });
  }
  return { note, changed: changedFields(current, note), reopened: state.status !== 'pending', downgraded };
}

/**
 * Approval (RV-1): only a pending item, only by a reviewer, only with every S0 answer yes, only
 * when the patient's identity is verified (the DOB step-up or a person confirming it), and only
 * when the note and the fields filed beside it say the same thing (one approved record).
 */
export function checkApproval(state: ReviewState, input: { role: StaffRole; baseVersion: number; checklist: S0Checklist; identityVerified: boolean; disagreements?: readonly ReviewField[] }): void {
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
  if (input.disagreements?.length) {
    throw new CallchartError('REVIEW_PARTS_DISAGREE', 'the chart note contradicts the approved fields: edit the note, or rebuild it from the fields (rebuildNote), then approve', { fields: [...input.disagreements] });
  }
}

/** Evidence spans of the AI draft, for the reviewer to check each field against the transcript. */
export type ReviewEvidence = Partial<Record<ReviewField, EvidenceSpan[]>>;

/** A version's disagreements, checked against every version before it. */
export function versionDisagreements(versions: readonly { version: number; body: ReviewVersionBody }[], current: number): ReviewField[] {
  const note = versions.find((entry) => entry.version === current)!.body.note;
  return noteDisagreements(note, versions.filter((entry) => entry.version < current).map((entry) => entry.body.note));
}
