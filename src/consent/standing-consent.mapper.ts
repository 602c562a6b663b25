import type { Consent } from '@medplum/fhirtypes';
import { consentScopes, type ConsentScope } from '../ivr/ivr-settings.schema.ts';

/** The code system of the four call data uses a standing FHIR Consent can permit or deny. */
export const callDataUseSystem = 'https://callchart.dev/fhir/CodeSystem/call-data-use';

export interface StandingPreference {
  status: 'granted' | 'declined';
  fhirConsentId: string;
}

/**
 * A patient's standing preferences about phone-call data (CO-1), from their active FHIR Consent
 * resources: `provision.type` permit or deny, `provision.code` naming the uses (record, transcribe,
 * ai, ehr). Where two Consents disagree about a use, deny wins. Pure.
 */
export function standingPreferencesOf(consents: readonly Consent[]): Partial<Record<ConsentScope, StandingPreference>> {
  const preferences: Partial<Record<ConsentScope, StandingPreference>> = {};
  for (const consent of consents) {
    if (consent.status !== 'active' || !consent.id) continue;
    const type = consent.provision?.type;
    if (type !== 'permit' && type !== 'deny') continue;
    const uses = (consent.provision?.code ?? [])
      .flatMap((concept) => concept.coding ?? [])
      .filter((coding) => coding.system === callDataUseSystem && (consentScopes as readonly string[]).includes(coding.code ?? ''))
      .map((coding) => coding.code as ConsentScope);
    for (const scope of uses) {
      if (preferences[scope]?.status === 'declined') continue;
      preferences[scope] = { status: type === 'deny' ? 'declined' : 'granted', fhirConsentId: consent.id };
    }
  }
  return preferences;
}

export type CapturedStatus = 'granted' | 'declined' | 'not-captured';

/**
 * The consent that counts for one use on one call: a standing deny always holds (the stricter
 * choice); otherwise what the caller said on this call; a standing permit fills in only a use the
 * call did not ask about, and only when the caller's identity is verified (a permit must not
 * travel to whoever rings from the patient's number).
 */
export function effectiveConsent(captured: CapturedStatus, standing: StandingPreference | undefined, identityVerified: boolean): { status: CapturedStatus; source: 'call' | 'standing-preference' } {
  if (standing?.status === 'declined') return { status: 'declined', source: 'standing-preference' };
  if (captured !== 'not-captured') return { status: captured, source: 'call' };
  if (standing?.status === 'granted' && identityVerified) return { status: 'granted', source: 'standing-preference' };
  return { status: 'not-captured', source: 'call' };
}
