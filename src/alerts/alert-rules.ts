import type { AuditEvent } from '../audit/audit-chain.ts';
import { phiViewedAction } from '../audit/access-log.ts';

/**
 * Alert rules (AU-4) as data: each is a pure function of one audit event (plus, for the two rules
 * that compare against history, a few counts the worker reads from the log before asking). The
 * worker (alert.worker.ts) follows the chained log by sequence number and stores what a rule
 * returns under (rule, dedupe key): at-least-once reading, each alert raised once.
 *
 * Rules see ids and codes only, like the log they read; an alert carries the same.
 */
export const alertSeverities = ['low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

export interface AlertThresholds {
  /** Access above a person's own baseline: distinct patients viewed in one hour. */
  baseline: {
    /** Never alert below this many distinct patients in an hour (a new user has no baseline). */
    floor: number;
    /** Alert at this multiple of the person's trailing mean per active hour. */
    multiplier: number;
    /** How many days of history make the baseline. */
    trailingDays: number;
  };
  /** Repeated review edits: `count` edits of one item by one person within `windowMinutes`. */
  reviewEdits: { count: number; windowMinutes: number };
  /** Roles whose sign-in is worth a notice. */
  privilegedRoles: readonly string[];
}

export const defaultAlertThresholds: AlertThresholds = {
  baseline: { floor: 25, multiplier: 3, trailingDays: 14 },
  reviewEdits: { count: 5, windowMinutes: 10 },
  privilegedRoles: ['admin', 'auditor'],
};

/** Counts from the log that a history-aware rule needs, as of the event (never later events). */
export interface ActivityFacts {
  /** Distinct patients this person viewed in the hour ending at the event (the event included). */
  distinctPatientsLastHour?: number;
  /** This person's mean distinct patients per active hour over the trailing days before the event's clock hour. */
  baselinePerHour?: number;
  /** Edits of this item by this person within the window ending at the event (the event included). */
  editsInWindow?: number;
}

export type FactsNeeded = 'access-baseline' | 'review-edits';

export interface AlertDecision {
  /** With the rule id, what makes an alert unique: by default the event's sequence number. */
  dedupeKey: string;
  /** Ids, codes and counts only. */
  detail: Record<string, string | number | boolean | null>;
}

export interface AlertRule {
  id: string;
  severity: AlertSeverity;
  /** What it catches, for the README and the alert list. */
  what: string;
  needs?: FactsNeeded;
  matches(event: AuditEvent, thresholds: AlertThresholds): boolean;
  decide(event: AuditEvent, facts: ActivityFacts, thresholds: AlertThresholds): AlertDecision | null;
}

const byEvent = (event: AuditEvent, detail: AlertDecision['detail'] = {}): AlertDecision => ({ dedupeKey: String(event.seq), detail });
const purposeOf = (event: AuditEvent): unknown => event.detail.purpose;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Reason codes that mean the consent gate stopped something (content refused for want of consent). */
const consentRefusalReasons = new Set(['CONSENT_FORBIDS', 'NO_TRANSCRIBE_CONSENT', 'POLICY_NOT_ASKED']);
/** Key events that are routine (a new data key each day and class, re-wrap progress) rather than changes. */
const routineKeyActions = new Set(['keys.data-key.created', 'keys.rewrap.progress', 'keys.data-key.destroyed']);

export const alertRules: readonly AlertRule[] = [
  {
    id: 'consent-check-failed',
    severity: 'high',
    what: 'a consent check refused call content (a transcript without transcribe consent, a chart note the policy no longer allows, a stage that skipped the policy)',
    matches: (event) =>
      (event.action === 'policy.decided' && event.outcome !== 'success') || event.action === 'transcript.discarded' || (event.reason !== null && consentRefusalReasons.has(event.reason)),
    decide: (event) => byEvent(event, { action: event.action, reason: event.reason }),
  },
  {
    id: 'access-above-baseline',
    severity: 'high',
    what: "a person viewed more distinct patients in an hour than their own trailing baseline allows (multiplier × mean per active hour, never below the floor)",
    needs: 'access-baseline',
    matches: (event) => event.action === phiViewedAction && event.actor.startsWith('staff:') && text(event.detail.patientId) !== null,
    decide: (event, facts, thresholds) => {
      const seen = facts.distinctPatientsLastHour ?? 0;
      const baseline = facts.baselinePerHour ?? 0;
      const limit = Math.max(thresholds.baseline.floor, Math.ceil(thresholds.baseline.multiplier * baseline));
      if (seen < limit) return null;
      // One alert per person and clock hour, however many views follow.
      return { dedupeKey: `${event.actor}|${event.at.slice(0, 13)}`, detail: { distinctPatients: seen, baselinePerHour: Math.round(baseline * 100) / 100, limit } };
    },
  },
  {
    id: 'export',
    severity: 'medium',
    what: 'an export of audit records or call data',
    matches: (event) => event.action === phiViewedAction && purposeOf(event) === 'export',
    decide: (event) => byEvent(event),
  },
  {
    id: 'raw-content-viewed',
    severity: 'medium',
    what: 'raw (unredacted) call content was revealed',
    matches: (event) => event.action === phiViewedAction && purposeOf(event) === 'raw-content',
    decide: (event) => byEvent(event, { patientId: text(event.detail.patientId) }),
  },
  {
    id: 'repeated-review-edits',
    severity: 'medium',
    what: 'one person edited one review item many times in a few minutes',
    needs: 'review-edits',
    matches: (event) => event.action === 'review.edited',
    // Exactly at the count: the Nth edit raises it once; the next burst after the window raises another.
    decide: (event, facts, thresholds) => (facts.editsInWindow === thresholds.reviewEdits.count ? byEvent(event, { edits: facts.editsInWindow, windowMinutes: thresholds.reviewEdits.windowMinutes }) : null),
  },
  {
    id: 'deleted-outside-policy',
    severity: 'critical',
    what: 'content deleted outside its retention policy',
    matches: (event) => event.action === 'retention.deleted-outside-policy',
    decide: (event) => byEvent(event),
  },
  {
    id: 'policy-changed',
    severity: 'medium',
    what: 'the queue policy was changed, or a change was refused',
    matches: (event) => event.action === 'policy.queue.activated' || event.action === 'policy.queue.refused' || event.action === 'retention.policy.changed',
    decide: (event) => byEvent(event, { action: event.action }),
  },
  {
    id: 'key-changed',
    severity: 'high',
    what: 'a key-encryption key was rotated, or a key operation failed',
    matches: (event) => event.action.startsWith('keys.') && (!routineKeyActions.has(event.action) || event.outcome === 'failure'),
    decide: (event) => byEvent(event, { action: event.action }),
  },
  {
    id: 'privileged-sign-in',
    severity: 'low',
    what: 'a person with a privileged role (admin, auditor) signed in',
    matches: (event, thresholds) => event.action === 'staff.signed-in' && thresholds.privilegedRoles.includes(String(event.detail.role)),
    decide: (event) => byEvent(event, { role: text(event.detail.role) }),
  },
  {
    id: 'audit-verification-failed',
    severity: 'critical',
    what: 'the periodic verification of the audit chain found events missing or altered',
    matches: (event) => event.action === 'audit.verified' && event.outcome === 'failure',
    decide: (event) => byEvent(event, { problems: (event.detail.problems as number | undefined) ?? null, firstProblemSeq: (event.detail.firstProblemSeq as number | undefined) ?? null }),
  },
  {
    id: 'callback-overdue-urgent',
    severity: 'high',
    what: 'an urgent callback task passed its deadline and nobody has reached the caller (issue 16, FU-1)',
    matches: (event) => event.action === 'callback.overdue' && event.detail.urgent === true,
    // Once per task, however often the sweep or a redelivery reports it.
    decide: (event) => ({
      dedupeKey: event.objectId ?? String(event.seq),
      detail: { taskId: event.objectId ?? null, queue: text(event.detail.queue), requestType: text(event.detail.requestType), level: (event.detail.level as number | undefined) ?? null },
    }),
  },
  {
    id: 'pbx-subscription-failing',
    severity: 'high',
    what: "a PBX event subscription (RingCentral) could not be created or renewed: once it expires, calls stop arriving (issue 19)",
    matches: (event) => event.action === 'pbx.subscription.failed',
    // Once per run of failures: the first attempt and every tenth after it, not every back-off retry.
    decide: (event) => {
      const attempt = (event.detail.attempt as number | undefined) ?? 1;
      if (attempt !== 1 && attempt % 10 !== 0) return null;
      return byEvent(event, { provider: text(event.detail.provider), reason: event.reason ?? null, attempt, expiresAt: text(event.detail.expiresAt) });
    },
  },
  {
    id: 'checkpoint-sink-unreachable',
    severity: 'critical',
    what: 'the audit checkpoint could not be written to its sink (a deleted tail would go unseen meanwhile)',
    matches: (event) => event.action === 'audit.checkpoint.failed',
    decide: (event) => byEvent(event),
  },
];

export type AlertRuleId = (typeof alertRules)[number]['id'];

/** The rules in force: all but those switched off in config. */
export function activeAlertRules(disabled: readonly string[] = []): AlertRule[] {
  return alertRules.filter((rule) => !disabled.includes(rule.id));
}
