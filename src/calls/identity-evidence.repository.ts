import type { Queryable } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { CallerLookup } from '../ehr/caller-identity.service.ts';
import { stepUpWithDob, type StepUpResult } from '../ehr/identity-step-up.ts';
import { parseKeypadDob } from '../ivr/ivr-flow.ts';
import { upgradeCallerMatch } from './calls.repository.ts';

/**
 * Identity evidence a caller gave (the keypad date of birth), held encrypted only until it has
 * been checked against the EHR: by the live path when the EHR answers in time, otherwise by the
 * after-call pipeline. Never logged, never in job payloads, deleted once used.
 */
export async function saveDobEvidence(tx: Queryable, callId: string, digits: string, providerEventId: string, cipher: ContentKeyring): Promise<void> {
  const { sealed, keyId } = await cipher.sealFor('identity-evidence', new Date(), digits, tx);
  await tx.query(
    `insert into identity_evidence (call_id, method, ciphertext, key_id, provider_event_id)
     values ($1, 'dob', $2, $3, $4)
     on conflict (call_id, method) do update set ciphertext = excluded.ciphertext, key_id = excluded.key_id,
       provider_event_id = excluded.provider_event_id, created_at = now()`,
    [callId, sealed, keyId, providerEventId],
  );
}

export async function loadDobEvidence(db: Queryable, callId: string, cipher: ContentKeyring): Promise<string | null> {
  const { rows } = await db.query<{ ciphertext: Uint8Array; key_id: string }>("select ciphertext, key_id from identity_evidence where call_id = $1 and method = 'dob'", [callId]);
  return rows[0] ? cipher.open(rows[0].ciphertext, rows[0].key_id, db) : null;
}

/** Forgets the keyed date of birth of a call (used, or no longer needed). */
export async function dropDobEvidence(tx: Queryable, callId: string): Promise<void> {
  // Names its deleter in the statement itself (it may run outside a transaction), so the retention
  // inventory records the evidence as used rather than as deleted outside policy (migration 0021).
  await tx.query("delete from identity_evidence where call_id = $1 and method = 'dob' and set_config('callchart.deleted_by', 'identity-evidence-used', true) is not null", [callId]);
}

/**
 * Checks a keypad date of birth against the number's candidates (ID-2) inside `tx`: upgrades the
 * call's match when it verifies, drops the evidence, and audits the outcome (never the digits).
 * Returns the Task id when one was already written, so the caller can have it linked.
 */
export async function applyDobStepUp(
  tx: Queryable,
  input: { callId: string; actor: string; lookup: CallerLookup; digits: string },
): Promise<{ result: StepUpResult; fhirTaskIdToLink: string | null }> {
  const { callId, lookup } = input;
  const dob = parseKeypadDob(input.digits.replace(/\D/g, ''));
  const result: StepUpResult = dob ? stepUpWithDob(lookup.match, lookup.candidatePatients, dob) : { verified: false, reason: 'no-match' };
  let fhirTaskIdToLink: string | null = null;
  if (result.verified) fhirTaskIdToLink = (await upgradeCallerMatch(tx, callId, result.match)).fhirTaskId;
  await dropDobEvidence(tx, callId);
  await appendAuditEvent(tx, {
    actor: input.actor, action: 'call.identity.step-up', objectType: 'call', objectId: callId,
    outcome: result.verified ? 'success' : 'failure', reason: result.verified ? null : result.reason,
    detail: { method: 'dob', confidence: result.verified ? result.match.confidence : lookup.match.confidence },
  });
  return { result, fhirTaskIdToLink };
}
