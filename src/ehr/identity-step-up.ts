import type { Patient } from '@medplum/fhirtypes';
import { IdentityConfidence, type CallerMatch } from './patient-match.ts';

/**
 * Identity step-up by date of birth (ID-2): caller ID narrows the search, the date of birth the
 * caller keys in confirms it. A shared family number becomes one chart only when exactly one of
 * its candidates has that date of birth — never by guessing.
 */
export type StepUpResult = { verified: true; match: CallerMatch } | { verified: false; reason: 'no-candidates' | 'no-match' | 'ambiguous' };

export function stepUpWithDob(match: CallerMatch, candidatePatients: readonly Patient[], dobIso: string): StepUpResult {
  if (match.candidates.length === 0) return { verified: false, reason: 'no-candidates' };
  const matching = match.candidates.filter((candidate) => candidatePatients.find((patient) => patient.id === candidate.patientId)?.birthDate === dobIso);
  if (matching.length === 0) return { verified: false, reason: 'no-match' };
  if (matching.length > 1) return { verified: false, reason: 'ambiguous' };
  return { verified: true, match: { outcome: 'unique', confidence: IdentityConfidence.aniAndDob, candidates: matching } };
}

/** Whether call content may be linked to the chart (ID-2): never on caller ID alone. */
export function isIdentityVerified(match: CallerMatch | null): boolean {
  return match?.outcome === 'unique' && (match.confidence === IdentityConfidence.aniAndDob || match.confidence === IdentityConfidence.staffVerified);
}
