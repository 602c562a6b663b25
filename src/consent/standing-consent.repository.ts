import type { Queryable } from '../store/db.ts';
import type { ConsentScope } from '../ivr/ivr-settings.schema.ts';
import type { StandingPreference } from './standing-consent.mapper.ts';

/** Standing preferences read for a call (ids and codes only). Re-reading replaces what was read. */
export async function saveStandingConsents(tx: Queryable, callId: string, preferences: Partial<Record<ConsentScope, StandingPreference>>): Promise<void> {
  await tx.query('delete from call_standing_consent where call_id = $1', [callId]);
  for (const [scope, preference] of Object.entries(preferences)) {
    await tx.query('insert into call_standing_consent (call_id, scope, status, fhir_consent_id) values ($1, $2, $3, $4)', [callId, scope, preference.status, preference.fhirConsentId]);
  }
}

export async function listStandingConsents(db: Queryable, callId: string): Promise<Partial<Record<ConsentScope, StandingPreference>>> {
  const { rows } = await db.query<{ scope: ConsentScope; status: 'granted' | 'declined'; fhir_consent_id: string }>(
    'select scope, status, fhir_consent_id from call_standing_consent where call_id = $1',
    [callId],
  );
  return Object.fromEntries(rows.map((row) => [row.scope, { status: row.status, fhirConsentId: row.fhir_consent_id }]));
}
