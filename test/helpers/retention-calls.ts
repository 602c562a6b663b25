import { randomUUID } from 'node:crypto';
import type { ContentKeyring } from '../../src/keys/keyring.service.ts';
import type { Db } from '../../src/store/db.ts';

/**
 * One ended call stored as the engine stores it, with every content class the purge knows:
 * a transcript, the analysis (redacted transcript + summary), a keyed date of birth, a review item
 * with an AI draft and an approved version, each sealed by the real keyring under the per-day data
 * key of its class. SYNTHETIC: no real person is named.
 */
export async function storeRetentionCall(db: Db, keyring: ContentKeyring, options: { retention: string; endedAt: Date; patientId?: string; reviewPending?: boolean }): Promise<{ callId: string; transcriptText: string }> {
  const callId = randomUUID();
  const { endedAt } = options;
  const transcriptText = `Synthetic caller ${callId.slice(0, 8)} asks for a refill of lisinopril.`;
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into call (id, provider, provider_call_id, status, queue, started_at, ended_at, caller_patient_ids, policy_decision)
       values ($1, 'synthetic-pbx', $2, 'ended', 'front-desk', $3, $4, $5, $6)`,
      [callId, `ret-${callId}`, new Date(endedAt.getTime() - 300_000).toISOString(), endedAt.toISOString(), options.patientId ? [options.patientId] : [], JSON.stringify({ retention: options.retention })],
    );
    const event = await tx.query<{ id: string }>(
      `insert into call_event (call_id, provider, provider_event_id, type, occurred_at, envelope) values ($1, 'synthetic-pbx', $2, 'transcript.available', $3, '{}') returning id`,
      [callId, `ev-${callId}`, endedAt.toISOString()],
    );
    const transcript = await keyring.sealFor('transcript', endedAt, transcriptText, tx);
    await tx.query('insert into transcript (event_id, call_id, source, ciphertext, key_id) values ($1, $2, $3, $4, $5)', [event.rows[0]!.id, callId, 'synthetic', transcript.sealed, transcript.keyId]);
    const analysis = await keyring.sealFor('summary', endedAt, JSON.stringify({ redacted: 'Synthetic caller asks for a refill of [DRUG].', summary: 'refill' }), tx);
    await tx.query(`insert into call_analysis (call_id, method, ciphertext, key_id) values ($1, 'transcript', $2, $3)`, [callId, analysis.sealed, analysis.keyId]);
    const dob = await keyring.sealFor('identity-evidence', endedAt, '01021950', tx);
    await tx.query(`insert into identity_evidence (call_id, method, ciphertext, key_id, provider_event_id) values ($1, 'dob', $2, $3, $4)`, [callId, dob.sealed, dob.keyId, `dob-${callId}`]);
    const reviewId = randomUUID();
    await tx.query(
      `insert into review_item (id, call_id, status, pattern, priority, request_type, queue, current_version, decided_at)
       values ($1, $2, $3, 'review', 'routine', 'medication_refill', 'front-desk', 2, $4)`,
      [reviewId, callId, options.reviewPending ? 'pending' : 'approved', options.reviewPending ? null : endedAt.toISOString()],
    );
    for (const [version, kind] of [[1, 'ai-draft'], [2, 'approved']] as const) {
      const draft = await keyring.sealFor('draft-version', endedAt, JSON.stringify({ note: 'Synthetic note.' }), tx);
      await tx.query(
        `insert into review_version (review_id, version, kind, author, generated_by_ai, ciphertext, key_id) values ($1, $2, $3, 'test', $4, $5, $6)`,
        [reviewId, version, kind, kind === 'ai-draft', draft.sealed, draft.keyId],
      );
    }
  });
  return { callId, transcriptText };
}
