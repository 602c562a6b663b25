import type { ConsentScope } from '../ivr/ivr-settings.schema.ts';
import type { IdentityConfidence, PatientMismatchAttribute } from '../ehr/patient-match.ts';
import type { RequestTypeCode } from '../nlp/analysis.types.ts';
import type { IntegrationPattern, PolicyLayer, QueuePolicy, RetentionClass, SensitiveCategory } from './queue-policy.schema.ts';

/**
 * The one policy function (CO-1..3, IP-1, invariant 1): from a call's consents, its queue policy,
 * its request type, how sure we are who called and what the call turned out to be, it decides what
 * every stage may do. Pure and total: every stage calls it before acting and writes the decision's
 * codes to the audit trail, so the log proves the control held.
 *
 * Only `granted` counts as consent. `declined` and `not-captured` both take the fallback: nothing
 * is assumed from silence.
 */
export type ConsentStatus = 'granted' | 'declined' | 'not-captured';

export interface CallPolicyInput {
  consents: Partial<Record<ConsentScope, { status: ConsentStatus }>>;
  policy: QueuePolicy;
  /** The queue the call was answered in; null when it never reached one. */
  queue: string | null;
  requestType: RequestTypeCode | 'unclassified';
  identity: IdentityConfidence;
  /** Any red flag, certain or uncertain. */
  redFlags: boolean;
  /** Categories found on this call (proxy caller, a minor's chart, an interpreter). */
  detectedSensitive: readonly SensitiveCategory[];
  /** What the caller said that the linked chart contradicts (age, sex, name): a person must look. */
  patientMismatch?: readonly PatientMismatchAttribute[];
  /**
   * The quality of the transcript the call was understood from (issue 17): `unusable` always goes
   * to a person; `low` goes to a person with the summary marked. Absent or null: not judged.
   */
  transcriptQuality?: 'ok' | 'low' | 'unusable' | null;
}

/** Why a permission is given or withheld: a code, for the audit trail and the reviewer. */
export type PermissionReason =
  | 'allowed'
  | `consent-${'declined' | 'not-captured'}:${ConsentScope}`
  | 'policy-off:recording'
  | 'policy-off:transcription'
  | 'policy-off:ai'
  | 'no-transcript'
  | 'identity-unverified';

export interface Permission {
  allowed: boolean;
  reason: PermissionReason;
}

export type ReviewReason =
  | 'policy-always'
  | 'pattern-review'
  | 'red-flag'
  | 'identity-unverified'
  | 'human-note'
  | `sensitive:${SensitiveCategory}`
  | `patient-mismatch:${PatientMismatchAttribute}`
  | 'transcript-unusable'
  | 'transcript-low-quality';

/** The review reason for each attribute the chart contradicts. */
export function mismatchReasons(attributes: readonly PatientMismatchAttribute[]): `patient-mismatch:${PatientMismatchAttribute}`[] {
  return [...new Set(attributes)].map((attribute) => `patient-mismatch:${attribute}` as const);
}

/** What may go to the chart once the item is approved (or auto-approved). */
export interface ChartPermissions {
  /** Any call content at all (summary text, note). Without EHR consent: a metadata-only work item. */
  content: Permission;
  /** A structured summary in the Task. */
  summary: boolean;
  /** A DocumentReference with the approved note. */
  note: boolean;
  /** A Communication recording the call (time, direction, caller relationship, medium). */
  communication: boolean;
  /** Content may be linked to a Patient only on a verified identity (ID-2). */
  linkPatient: boolean;
}

export interface CallPolicyDecision {
  pattern: IntegrationPattern;
  retentionClass: string;
  retention: RetentionClass;
  sensitive: SensitiveCategory[];
  /** Prompts shown to the staff member handling the call, in the clinic's words. */
  prompts: string[];
  recording: Permission;
  transcript: Permission;
  ai: Permission;
  review: { required: boolean; reasons: ReviewReason[] };
  chart: ChartPermissions;
}

/** The stages that ask the policy before acting (the audit trail names them), in the order a call meets them. */
export const policyStages = ['store-transcript', 'understand-call', 'plan-write-back', 'approve', 'write-back'] as const;
export type PolicyStage = (typeof policyStages)[number];

export function decideCallPolicy(input: CallPolicyInput): CallPolicyDecision {
  const layers = policyLayers(input.policy, input.queue, input.requestType);
  const sensitive = [...new Set([...layers.flatMap((layer) => layer.sensitive ?? []), ...input.detectedSensitive])].sort();
  const pattern = layers.reduce<IntegrationPattern>((chosen, layer) => layer.pattern ?? chosen, input.policy.defaults.pattern);
  const retentionClass = strictestRetention(input.policy, layers);

  const consent = (scope: ConsentScope): Permission => {
    const status = input.consents[scope]?.status ?? 'not-captured';
    return status === 'granted' ? allowed : { allowed: false, reason: `consent-${status}:${scope}` };
  };

  const recordingConsent = consent('record');
  const recording: Permission = !recordingConsent.allowed
    ? recordingConsent
    : layers.some((layer) => layer.recording === false)
      ? { allowed: false, reason: 'policy-off:recording' }
      : allowed;
  const transcriptConsent = consent('transcribe');
  const transcript: Permission = !transcriptConsent.allowed
    ? transcriptConsent
    : layers.some((layer) => layer.transcription === false)
      ? { allowed: false, reason: 'policy-off:transcription' }
      : allowed;
  const aiConsent = consent('ai');
  const ai: Permission = !transcript.allowed
    ? { allowed: false, reason: 'no-transcript' }
    : !aiConsent.allowed
      ? aiConsent
      : layers.some((layer) => layer.ai === false)
        ? { allowed: false, reason: 'policy-off:ai' }
        : allowed;

  const verified = input.identity === 'ani-dob-verified' || input.identity === 'staff-verified';
  const content = consent('ehr');
  const writesContent = content.allowed && pattern !== 'event';
  const chart: ChartPermissions = {
    content,
    summary: writesContent,
    note: writesContent && pattern === 'review',
    communication: content.allowed,
    linkPatient: verified,
  };

  const reasons: ReviewReason[] = [];
  if (layers.some((layer) => layer.review === 'always')) reasons.push('policy-always');
  if (pattern === 'review') reasons.push('pattern-review');
  if (input.redFlags) reasons.push('red-flag');
  // Content goes into a chart only once a person has confirmed whose chart it is.
  if (writesContent && !verified) reasons.push('identity-unverified');
  // No AI draft to approve: a person writes what goes to the chart.
  if (writesContent && !ai.allowed) reasons.push('human-note');
  for (const category of sensitive) reasons.push(`sensitive:${category}`);
  // The words do not fit the chart (a baby's call on an adult's chart): never filed unseen.
  reasons.push(...mismatchReasons(input.patientMismatch ?? []));
  // A transcript the machine could not hear well is never filed unseen (clinical safety, issue 17).
  if (input.transcriptQuality === 'unusable') reasons.push('transcript-unusable');
  if (input.transcriptQuality === 'low') reasons.push('transcript-low-quality');

  return {
    pattern,
    retentionClass,
    retention: input.policy.retention[retentionClass]!,
    sensitive,
    prompts: sensitive.map((category) => input.policy.prompts[category]).filter((prompt): prompt is string => Boolean(prompt)),
    recording,
    transcript,
    ai,
    review: { required: reasons.length > 0, reasons },
    chart,
  };
}

const allowed: Permission = { allowed: true, reason: 'allowed' };

/** The layers that apply to a call, most general first (see queue-policy.schema.ts). */
export function policyLayers(policy: QueuePolicy, queue: string | null, requestType: RequestTypeCode | 'unclassified'): PolicyLayer[] {
  const queueLayer = queue ? policy.queues[queue] : undefined;
  const typed = requestType === 'unclassified' ? undefined : requestType;
  return [
    policy.defaults,
    typed ? policy.requestTypes[typed] : undefined,
    queueLayer,
    typed ? queueLayer?.requestTypes?.[typed] : undefined,
  ].filter((layer): layer is PolicyLayer => layer !== undefined);
}

/**
 * The retention class for a call that has no stored policy decision (it never reached a stage
 * that asks): the class its queue and request type would get.
 */
export function retentionClassFor(policy: QueuePolicy, queue: string | null, requestType: RequestTypeCode | 'unclassified'): string {
  return strictestRetention(policy, policyLayers(policy, queue, requestType));
}

/** The retention class that keeps call content for the shortest time (ties: the shortest audio). */
function strictestRetention(policy: QueuePolicy, layers: readonly PolicyLayer[]): string {
  const named = layers.map((layer) => layer.retention).filter((name): name is string => name !== undefined && name in policy.retention);
  return named.reduce((strictest, name) => {
    const a = policy.retention[strictest]!;
    const b = policy.retention[name]!;
    return b.contentDays < a.contentDays || (b.contentDays === a.contentDays && b.audioDays < a.audioDays) ? name : strictest;
  }, policy.defaults.retention);
}

/** The decision as audit detail: codes and booleans only, never content. */
export function auditDetailOf(decision: CallPolicyDecision): Record<string, unknown> {
  return {
    pattern: decision.pattern,
    retention: decision.retentionClass,
    sensitive: decision.sensitive,
    transcript: decision.transcript.reason,
    ai: decision.ai.reason,
    chartContent: decision.chart.content.reason,
    note: decision.chart.note,
    review: decision.review.reasons,
  };
}

/**
 * Sensitive categories a call shows by itself (CO-3): the caller is a proxy (matched through a
 * RelatedPerson), or the patient is a minor on the day of the call. Queue layers add the rest
 * (a behavioral health queue is sensitive by definition).
 */
export function detectSensitiveCategories(call: { proxyCaller: boolean; patientBirthDate?: string | null; interpreter?: boolean; at: Date }): SensitiveCategory[] {
  const found: SensitiveCategory[] = [];
  if (call.proxyCaller) found.push('proxy-caller');
  if (call.interpreter) found.push('interpreter');
  if (call.patientBirthDate && ageOn(call.patientBirthDate, call.at) < 18) found.push('minor');
  return found;
}

function ageOn(birthDate: string, at: Date): number {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number?, number?];
  let age = at.getUTCFullYear() - year;
  const beforeBirthday = at.getUTCMonth() + 1 < (month ?? 1) || (at.getUTCMonth() + 1 === (month ?? 1) && at.getUTCDate() < (day ?? 1));
  if (beforeBirthday) age--;
  return age;
}
