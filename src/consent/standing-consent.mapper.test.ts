import { describe, expect, it } from 'vitest';
import type { Consent } from '@medplum/fhirtypes';
import { callDataUseSystem, effectiveConsent, standingPreferencesOf } from './standing-consent.mapper.ts';

const consent = (id: string, type: 'permit' | 'deny', uses: string[], status: Consent['status'] = 'active'): Consent => ({
  resourceType: 'Consent', id, status, scope: { text: 'patient-privacy' }, category: [{ text: 'consent' }],
  provision: { type, code: uses.map((code) => ({ coding: [{ system: callDataUseSystem, code }] })) },
});

describe('standing preferences from FHIR Consent', () => {
  it('reads permit and deny per use; deny wins where two Consents disagree; inactive ones and other code systems are ignored', () => {
    const preferences = standingPreferencesOf([
      consent('c1', 'permit', ['record', 'transcribe', 'ai', 'ehr']),
      consent('c2', 'deny', ['ai']),
      consent('c3', 'deny', ['ehr'], 'inactive'),
      { ...consent('c4', 'deny', []), provision: { type: 'deny', code: [{ coding: [{ system: 'http://other', code: 'record' }] }] } },
    ]);
    expect(preferences).toEqual({
      record: { status: 'granted', fhirConsentId: 'c1' }, transcribe: { status: 'granted', fhirConsentId: 'c1' },
      ai: { status: 'declined', fhirConsentId: 'c2' }, ehr: { status: 'granted', fhirConsentId: 'c1' },
    });
  });

  it('a standing deny holds even when the caller said yes on the call', () => {
    expect(effectiveConsent('granted', { status: 'declined', fhirConsentId: 'c' }, true)).toEqual({ status: 'declined', source: 'standing-preference' });
  });

  it("the call's own answer beats a standing permit; a permit fills a gap only for a verified caller", () => {
    expect(effectiveConsent('declined', { status: 'granted', fhirConsentId: 'c' }, true)).toEqual({ status: 'declined', source: 'call' });
    expect(effectiveConsent('not-captured', { status: 'granted', fhirConsentId: 'c' }, true)).toEqual({ status: 'granted', source: 'standing-preference' });
    expect(effectiveConsent('not-captured', { status: 'granted', fhirConsentId: 'c' }, false)).toEqual({ status: 'not-captured', source: 'call' });
  });
});
