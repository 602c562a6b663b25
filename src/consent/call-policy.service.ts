import type { Queryable } from '../store/db.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { listConsents, type CallRecord } from '../calls/calls.repository.ts';
import { consentScopes } from '../ivr/ivr-settings.schema.ts';
import { requestTypeCodes, type RequestTypeCode } from '../nlp/analysis.types.ts';
import { auditDetailOf, decideCallPolicy, type CallPolicyDecision, type ConsentStatus, type PolicyStage } from './call-policy.ts';
import type { QueuePolicyStore } from './queue-policy.service.ts';
import type { SensitiveCategory } from './queue-policy.schema.ts';
import { effectiveConsent } from './standing-consent.mapper.ts';
import { listStandingConsents } from './standing-consent.repository.ts';
import { isIdentityVerified } from '../ehr/identity-step-up.ts';

export { policyStages, type PolicyStage } from './call-policy.ts';

/**
 * The policy function with its inputs read from storage, and its answer written to the audit trail
 * in the caller's transaction: one `policy.decided` event per stage and call, with consent status
 * and decision codes, so the log itself shows the control held (CO-2).
 */
export async function decideForCall(
  tx: Queryable,
  policies: QueuePolicyStore,
  call: CallRecord,
  stage: PolicyStage,
  extra: {
    detectedSensitive?: readonly SensitiveCategory[];
    requestType?: RequestTypeCode | 'unclassified';
    /** Keep the decision on the call row (default); ingest checks leave the stages' decisions in place. */
    keepOnCall?: boolean;
  } = {},
): Promise<CallPolicyDecision> {
  const captured = await listConsents(tx, call.id);
  const standing = await listStandingConsents(tx, call.id);
  const verified = isIdentityVerified(call.callerMatch);
  // What the caller said on the call, with the chart's standing preferences (a deny always holds).
  const effective = Object.fromEntries(consentScopes.map((scope) => [scope, effectiveConsent((captured[scope]?.status ?? 'not-captured') as ConsentStatus, standing[scope], verified)]));
  const consents = Object.fromEntries(consentScopes.map((scope) => [scope, { status: effective[scope]!.status }]));
  const storedSensitive = (call.policyDecision?.sensitive ?? []) as SensitiveCategory[];
  const requestType = extra.requestType ?? (isRequestType(call.requestType) ? call.requestType : 'unclassified');
  const { policy, version } = policies.current;
  // The verdict on the transcript the analysis read (migration 0037): codes only.
  const { rows: analysed } = await tx.query<{ transcript_quality: 'ok' | 'low' | 'unusable' | null }>('select transcript_quality from call_analysis where call_id = $1', [call.id]);
  const decision = decideCallPolicy({
    consents,
    policy,
    queue: call.queue,
    requestType,
    identity: call.callerMatch?.confidence ?? 'none',
    redFlags: call.redFlags.length > 0,
    detectedSensitive: [...new Set([...storedSensitive, ...(extra.detectedSensitive ?? [])])],
    patientMismatch: patientMismatchOf(call),
    transcriptQuality: analysed[0]?.transcript_quality ?? null,
  });
  await appendAuditEvent(tx, {
    actor: `policy:${stage}`,
    action: 'policy.decided',
    objectType: 'call',
    objectId: call.id,
    outcome: 'success',
    consentStatus: consentScopes.map((scope) => `${scope}:${consents[scope]!.status}${effective[scope]!.source === 'standing-preference' ? '(standing)' : ''}`).join(','),
    detail: { stage, policyVersion: version, requestType, ...auditDetailOf(decision) },
  });
  if (extra.keepOnCall !== false) {
    await tx.query('update call set policy_decision = $2 where id = $1', [call.id, JSON.stringify({ stage, policyVersion: version, ...auditDetailOf(decision) })]);
  }
  return decision;
}

/** The mismatch found between the caller's words and the chart the call is on now (none for another chart). */
function patientMismatchOf(call: CallRecord) {
  const match = call.callerMatch;
  const check = match?.subjectCheck;
  return match?.outcome === 'unique' && check && check.patientId === match.candidates[0]?.patientId ? check.mismatch : [];
}

function isRequestType(code: string | null): code is RequestTypeCode {
  return code !== null && (requestTypeCodes as readonly string[]).includes(code);
}
