import type { ContactPoint, Patient, RelatedPerson } from '@medplum/fhirtypes';

/**
 * Who is calling (ID-1, ID-3), decided from EHR search results. Pure: the searches happen in the
 * adapter. Caller ID alone is only ever `ani-only` confidence (ID-2): it routes and pops, it does
 * not verify identity for disclosure.
 */
export const CallerOutcome = {
  unique: 'unique',
  several: 'several',
  none: 'none',
  blocked: 'blocked',
  lookupFailed: 'lookup-failed',
} as const;
export type CallerOutcome = (typeof CallerOutcome)[keyof typeof CallerOutcome];

export const IdentityConfidence = {
  none: 'none',
  aniOnly: 'ani-only',
  aniAndDob: 'ani-dob-verified',
  staffVerified: 'staff-verified',
} as const;
export type IdentityConfidence = (typeof IdentityConfidence)[keyof typeof IdentityConfidence];

export interface CallerCandidate {
  patientId: string;
  /** Which of the patient's numbers matched; `staff-link`: a person found the chart by search and linked it. */
  matchedOn: 'primary-phone' | 'alternate-phone' | 'caregiver-phone' | 'staff-link';
  /** Set when the caller is a caregiver or proxy rather than the patient (ID-3). */
  relatedPersonId?: string;
  relationship?: string;
}

/** More candidates than this (a care home's main line) are not listed, only counted. */
export const maxCallerCandidates = 50;

export interface CallerMatch {
  outcome: CallerOutcome;
  confidence: IdentityConfidence;
  candidates: CallerCandidate[];
  /** Set when the number matched more charts than are kept (`maxCallerCandidates`). */
  truncated?: { total: number };
  /** Only for `lookup-failed`: the error code, never the message. */
  errorCode?: string;
  /** How a person confirmed the chart (`staff-verified` only): the method, who, when. */
  staffCheck?: StaffIdentityCheck;
  /**
   * What the caller said about who the call is about, checked against the unique candidate's chart
   * (codes only). Bound to that patient: a match on another chart does not carry it.
   */
  subjectCheck?: SubjectCheck;
}

/** How staff confirmed whose call it was before linking it to a chart (ID-2). */
export const staffIdentityChecks = [
  'date-of-birth-confirmed', 'called-back-on-chart-number', 'in-person', 'clinician-knows-caller',
  /** One of the charts the caller's number matched, confirmed by a person (`verify-identity`). */
  'caller-id-candidate-confirmed',
] as const;
export type StaffIdentityMethod = (typeof staffIdentityChecks)[number];

export interface StaffIdentityCheck {
  method: StaffIdentityMethod;
  /** The staff member's id (the token subject), never a name. */
  by: string;
  at: string;
}

/** What the caller said that the linked chart contradicts (issue 12, defect 5). */
export const patientMismatchAttributes = ['age', 'sex', 'name'] as const;
export type PatientMismatchAttribute = (typeof patientMismatchAttributes)[number];

export interface SubjectCheck {
  patientId: string;
  mismatch: PatientMismatchAttribute[];
}

function phonesOf(telecom: ContactPoint[] | undefined): ContactPoint[] {
  return (telecom ?? []).filter((point) => point.system === 'phone' && point.value);
}

/** The primary phone is the one ranked 1, else the first listed. */
function primaryPhone(telecom: ContactPoint[] | undefined): string | undefined {
  const phones = phonesOf(telecom);
  const ranked = [...phones].sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER));
  return ranked[0]?.value;
}

/**
 * Primary-phone matches win over alternate-phone matches; a caregiver's number counts only when no
 * patient's own number matched. `e164` must be the normalized number searched for.
 */
export function matchCaller(e164: string, patients: readonly Patient[], relatedPersons: readonly RelatedPerson[]): CallerMatch {
  const active = patients.filter((patient) => patient.id && patient.active !== false);
  const owns = (patient: Patient) => phonesOf(patient.telecom).some((point) => point.value === e164);
  const primary = active.filter((patient) => primaryPhone(patient.telecom) === e164);
  const alternate = active.filter((patient) => owns(patient) && primaryPhone(patient.telecom) !== e164);

  let candidates: CallerCandidate[];
  if (primary.length > 0) {
    candidates = primary.map((patient) => ({ patientId: patient.id!, matchedOn: 'primary-phone' }));
  } else if (alternate.length > 0) {
    candidates = alternate.map((patient) => ({ patientId: patient.id!, matchedOn: 'alternate-phone' }));
  } else {
    candidates = relatedPersons
      .filter((person) => person.active !== false && phonesOf(person.telecom).some((point) => point.value === e164))
      .flatMap((person) => {
        const patientId = person.patient?.reference?.replace(/^Patient\//, '');
        if (!patientId || !person.id) return [];
        const relationship = person.relationship?.[0]?.coding?.[0]?.display ?? person.relationship?.[0]?.text;
        return [{ patientId, matchedOn: 'caregiver-phone' as const, relatedPersonId: person.id, ...(relationship ? { relationship } : {}) }];
      });
  }
  // The same patient reached through two caregivers is still one patient.
  const seen = new Set<string>();
  candidates = candidates.filter((candidate) => !seen.has(candidate.patientId) && seen.add(candidate.patientId));

  if (candidates.length === 0) return { outcome: CallerOutcome.none, confidence: IdentityConfidence.none, candidates };
  const total = candidates.length;
  return {
    outcome: total === 1 ? CallerOutcome.unique : CallerOutcome.several,
    confidence: IdentityConfidence.aniOnly,
    candidates: candidates.slice(0, maxCallerCandidates),
    ...(total > maxCallerCandidates ? { truncated: { total } } : {}),
  };
}

export function blockedCallerMatch(): CallerMatch {
  return { outcome: CallerOutcome.blocked, confidence: IdentityConfidence.none, candidates: [] };
}

export function failedCallerMatch(errorCode: string): CallerMatch {
  return { outcome: CallerOutcome.lookupFailed, confidence: IdentityConfidence.none, candidates: [], errorCode };
}
