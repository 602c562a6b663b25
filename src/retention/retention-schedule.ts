import type { QueuePolicy, RetentionClass } from '../consent/queue-policy.schema.ts';

/**
 * How long each artifact class of a call is kept (RE-1), and what the purge may do to one call
 * now. Pure: the purge service reads the call, its artifacts, holds and unfinished work from the
 * store, asks `planCallPurge`, and deletes what it says.
 *
 * Clocks: every class counts from the call's end, except draft versions, which count from the
 * review decision (a draft is the reviewer's work until then). Nothing of a call is due while a
 * person still has to review it or the chart still waits for it (a pending review item, a
 * write-back item not delivered): the report lists those as waiting, not as past policy.
 */
export const artifactClasses = ['audio', 'transcript', 'redacted-transcript', 'summary', 'draft-version', 'identity-evidence', 'call-metadata', 'audit'] as const;
export type ArtifactClass = (typeof artifactClasses)[number];

/** The classes the purge deletes: everything but the audit log, which it never touches. */
export type PurgeableClass = Exclude<ArtifactClass, 'audit'>;

/** The audit log is kept at least this long (HIPAA documentation retention), whatever the policy says. */
export const auditRetentionYearsMinimum = 6;

/** Identity evidence (a keyed date of birth) is deleted once checked; a day at most when it never is. */
const identityEvidenceDefaultDays = 1;

/** Days per purgeable class for one retention class, with the documented defaults filled in. */
export function retentionDays(retention: RetentionClass): Record<PurgeableClass, number> {
  return {
    audio: retention.audioDays,
    transcript: retention.transcriptDays ?? retention.contentDays,
    'redacted-transcript': retention.redactedTranscriptDays ?? retention.contentDays,
    summary: retention.summaryDays ?? retention.contentDays,
    'draft-version': retention.draftDays ?? retention.contentDays,
    'identity-evidence': retention.identityEvidenceDays ?? Math.min(identityEvidenceDefaultDays, retention.contentDays),
    'call-metadata': retention.metadataDays,
  };
}

/**
 * What keeps each purgeable class, in words, for the report's inventory (pure). Ids and numbers only.
 * Call audio: stored only with `speech.audio.keep` and record consent, sealed; due at the earlier
 * of its class's `audioDays` from the call's end and its own `speech.audio.retentionDays`.
 */
export function retentionRules(policy: Pick<QueuePolicy, 'retention'>): Record<PurgeableClass, string> {
  const perClass = (name: PurgeableClass) => Object.entries(policy.retention).map(([retentionClass, retention]) => `${retentionClass} ${retentionDays(retention)[name]} d`).join(', ');
  const rules = {} as Record<PurgeableClass, string>;
  for (const name of ['audio', 'transcript', 'redacted-transcript', 'summary', 'draft-version', 'identity-evidence', 'call-metadata'] as const) {
    const from = name === 'draft-version' ? 'the review decision' : 'the call\'s end';
    rules[name] = `days from ${from} per retention class (${perClass(name)})`;
  }
  rules.audio = `kept only with speech.audio.keep and record consent, sealed; ${rules.audio}, or earlier at its own expiry (speech.audio.retentionDays)`;
  return rules;
}

/** How many years the audit log is kept under this policy (never less than the minimum). */
export function auditRetentionYears(policy: Pick<QueuePolicy, 'auditYears'>): number {
  return Math.max(auditRetentionYearsMinimum, policy.auditYears ?? auditRetentionYearsMinimum);
}

/**
 * Per artifact class, the shortest time any retention class keeps it: an artifact of a call that
 * ended less long ago than this is not due under any class, so the purge need not look at it.
 */
export function shortestRetentionDays(policy: Pick<QueuePolicy, 'retention'>): Record<PurgeableClass, number> {
  const all = Object.values(policy.retention).map(retentionDays);
  const classes = Object.keys(all[0]!) as PurgeableClass[];
  return Object.fromEntries(classes.map((name) => [name, Math.min(...all.map((days) => days[name]))])) as Record<PurgeableClass, number>;
}

const dayMs = 86_400_000;

export interface StoredArtifact {
  artifactClass: PurgeableClass;
  objectId: string;
  keyId: string | null;
  /**
   * An end the artifact carries itself, earlier than its class's days allow: kept call audio's
   * `speech.audio.retentionDays` (call_audio.expires_at). The earlier of the two counts.
   */
  expiresAt?: Date | null;
}

export interface CallRetentionFacts {
  /** The retention class named by the call's policy decision (or chosen for it), with its days. */
  retentionClass: string;
  retention: RetentionClass;
  /** When the call ended (its start, or when it was first seen, if the end never came). */
  endedAt: Date;
  /** The review decision, for draft versions (null: no decision recorded; the call's end counts). */
  reviewDecidedAt: Date | null;
  /** Work still open on the call: a person must review it, or the chart still waits for it. */
  unfinished: 'review-pending' | 'write-back-pending' | null;
  /** Legal holds in force on the call or on its patient. */
  holdIds: readonly string[];
  /** What is stored for the call now (live artifacts). */
  artifacts: readonly StoredArtifact[];
}

export interface DueArtifact extends StoredArtifact {
  dueAt: Date;
}

export type CallPurgePlan =
  | { action: 'purge'; artifacts: DueArtifact[]; removeCall: boolean }
  | { action: 'keep'; reason: 'not-due' }
  | { action: 'hold'; holdIds: readonly string[]; due: DueArtifact[] }
  | { action: 'wait'; reason: 'review-pending' | 'write-back-pending'; due: DueArtifact[] };

/** When an artifact of a call is due for the purge. */
export function artifactDueAt(facts: Pick<CallRetentionFacts, 'retention' | 'endedAt' | 'reviewDecidedAt'>, artifactClass: PurgeableClass): Date {
  const days = retentionDays(facts.retention)[artifactClass];
  const from = artifactClass === 'draft-version' ? (facts.reviewDecidedAt ?? facts.endedAt) : facts.endedAt;
  return new Date(from.getTime() + days * dayMs);
}

/**
 * What the purge does to one call at `now`. A hold keeps everything; open work keeps everything.
 * The redacted transcript and the summary share one sealed row, so they go together when the
 * earlier of the two is due. The call's metadata goes last: only when every artifact of the call
 * is due with it (the policy schema keeps content days within the metadata days).
 */
export function planCallPurge(facts: CallRetentionFacts, now: Date): CallPurgePlan {
  const dueAt = new Map<StoredArtifact, Date>(facts.artifacts.map((artifact) => {
    const byClass = artifactDueAt(facts, artifact.artifactClass);
    return [artifact, artifact.expiresAt && artifact.expiresAt.getTime() < byClass.getTime() ? artifact.expiresAt : byClass];
  }));
  const isDue = (artifact: StoredArtifact) => dueAt.get(artifact)!.getTime() <= now.getTime();
  const analysisDue = facts.artifacts.some((artifact) => (artifact.artifactClass === 'redacted-transcript' || artifact.artifactClass === 'summary') && isDue(artifact));
  const due = facts.artifacts
    .filter((artifact) => isDue(artifact) || (analysisDue && (artifact.artifactClass === 'redacted-transcript' || artifact.artifactClass === 'summary')))
    .map((artifact) => ({ ...artifact, dueAt: dueAt.get(artifact)! }));
  if (due.length === 0) return { action: 'keep', reason: 'not-due' };
  if (facts.holdIds.length > 0) return { action: 'hold', holdIds: facts.holdIds, due };
  if (facts.unfinished) return { action: 'wait', reason: facts.unfinished, due };
  const metadataDue = due.some((artifact) => artifact.artifactClass === 'call-metadata');
  const removeCall = metadataDue && due.length === facts.artifacts.length;
  // Metadata outliving none of its content: keep the call row until the content is due too.
  const artifacts = removeCall ? due : due.filter((artifact) => artifact.artifactClass !== 'call-metadata');
  return artifacts.length > 0 ? { action: 'purge', artifacts, removeCall } : { action: 'keep', reason: 'not-due' };
}

/**
 * What a policy change does to retention: the classes added, removed or given other days, and
 * `auditYears` when it moved. Names only (for the `retention.policy.changed` audit entry).
 */
export function retentionChanges(before: Pick<QueuePolicy, 'retention' | 'auditYears'>, after: Pick<QueuePolicy, 'retention' | 'auditYears'>): string[] {
  const names = [...new Set([...Object.keys(before.retention), ...Object.keys(after.retention)])].sort();
  const changed = names.filter((name) => {
    const a = before.retention[name];
    const b = after.retention[name];
    return !a || !b || JSON.stringify(retentionDays(a)) !== JSON.stringify(retentionDays(b));
  });
  if (auditRetentionYears(before) !== auditRetentionYears(after)) changed.push('auditYears');
  return changed;
}
