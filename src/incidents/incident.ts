import { z } from 'zod';

/**
 * Incident records (IR-1). An alert becomes an incident when someone decides it needs an
 * assessment. The record holds the HIPAA breach risk assessment (45 CFR 164.402(2): the four
 * factors, the conclusion and who reached it), the evidence (a signed audit export sealed when the
 * incident is opened), the notification deadlines, and its status history.
 *
 * Every field is structured (codes, counts, ids): the record is kept beside the audit log and,
 * like it, holds no PHI, so an assessment cannot leak what it assesses.
 */
export const incidentStatuses = ['open', 'assessing', 'notifying', 'closed'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export const phiCategories = ['demographics', 'contact', 'identifiers', 'clinical', 'medications', 'call-audio', 'transcript', 'summary', 'financial'] as const;

/** The four factors and the conclusion. Each part may be filled in over several edits. */
export const breachAssessmentSchema = z.object({
  /** Factor 1: the nature and extent of the PHI involved. */
  natureAndExtent: z.object({
    categories: z.array(z.enum(phiCategories)).max(phiCategories.length),
    /** How many people's records were involved (a count, never who). */
    individualsAffected: z.number().int().min(0).max(100_000_000),
    reidentificationLikelihood: z.enum(['low', 'moderate', 'high']),
  }).strict().optional(),
  /** Factor 2: the unauthorised person who used or received it. */
  recipient: z.object({
    kind: z.enum(['workforce-member', 'covered-entity', 'business-associate', 'external', 'unknown']),
    /** A staff or organisation id, never a name. */
    recipientId: z.string().regex(/^[A-Za-z0-9:._-]{1,128}$/).nullable(),
    obligatedToProtect: z.boolean(),
  }).strict().optional(),
  /** Factor 3: whether the PHI was actually acquired or viewed. */
  acquiredOrViewed: z.enum(['not-accessed', 'viewed', 'acquired', 'unknown']).optional(),
  /** Factor 4: the extent to which the risk has been mitigated. */
  mitigation: z.object({
    steps: z.array(z.enum(['access-revoked', 'sessions-revoked', 'credentials-reset', 'assurance-obtained', 'data-returned', 'data-destroyed', 'retraining', 'sanction'])).max(8),
    riskMitigated: z.enum(['none', 'partly', 'fully']),
  }).strict().optional(),
  /** The conclusion: a breach unless the assessment shows a low probability of compromise. */
  conclusion: z.enum(['breach', 'low-probability-of-compromise', 'not-phi', 'exception-applies']).optional(),
}).strict();
export type BreachAssessment = z.infer<typeof breachAssessmentSchema>;

/** The assessment as stored: the conclusion carries who decided it and when. */
export type StoredAssessment = BreachAssessment & { decidedBy?: string; decidedAt?: string };

/** Merges an edit into the stored assessment; a new or changed conclusion records who and when. */
export function mergeAssessment(current: StoredAssessment, edit: BreachAssessment, actor: string, now: Date): StoredAssessment {
  const merged: StoredAssessment = { ...current, ...edit };
  if (edit.conclusion !== undefined && edit.conclusion !== current.conclusion) {
    merged.decidedBy = actor;
    merged.decidedAt = now.toISOString();
  }
  return merged;
}

/** Why a status change is refused, or null when allowed. Closing needs a conclusion. */
export function statusChangeProblem(assessment: StoredAssessment, to: IncidentStatus): string | null {
  if (to === 'closed' && !assessment.conclusion) return 'an incident closes only with a conclusion in its breach assessment';
  if (to === 'notifying' && assessment.conclusion !== 'breach') return 'notification follows a conclusion of breach';
  return null;
}

export interface NotificationDeadlines {
  /** Each affected individual: without unreasonable delay, at the latest this. */
  individuals: string;
  /** HHS: with the individuals for 500 or more people; otherwise in the yearly log, within 60 days after the calendar year ends. */
  hhs: string;
  /** Prominent media in the state: for 500 or more residents only; null otherwise or not yet known. */
  media: string | null;
}

const dayMs = 86_400_000;

/**
 * The notification deadlines counted from discovery (45 CFR 164.404–408). `days` is the clinic's
 * setting (60 by federal rule; shorter where state law asks). Until the number of individuals is
 * known, HHS is counted as for 500 or more: the earlier date.
 */
export function notificationDeadlines(discoveredAt: Date, days: number, individualsAffected: number | undefined): NotificationDeadlines {
  const byDays = new Date(discoveredAt.getTime() + days * dayMs).toISOString();
  const large = individualsAffected === undefined || individualsAffected >= 500;
  const yearEnd = Date.UTC(discoveredAt.getUTCFullYear() + 1, 0, 1);
  return {
    individuals: byDays,
    hhs: large ? byDays : new Date(yearEnd + days * dayMs).toISOString(),
    media: individualsAffected !== undefined && individualsAffected >= 500 ? byDays : null,
  };
}
