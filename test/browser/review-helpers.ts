import type { Patient } from '@medplum/fhirtypes';

/** Codes the review API answers with that a person must never read bare on the screen. */
export const reviewCodes = [
  'policy-always', 'pattern-review', 'red-flag', 'identity-unverified', 'human-note', 'sensitive:', 'patient-mismatch:',
  'chest_pain', 'prescription_refill', 'ai-draft', 'wrong-patient', 'not-clinical', 'REVIEW_', 'ROLE_FORBIDDEN', 'IDENTITY_UNVERIFIED',
];

/** A chart's MRN (synthetic). */
export function mrnOf(patient: Patient): string {
  return patient.identifier!.find((identifier) => identifier.type?.coding?.[0]?.code === 'MR')!.value!;
}

/** A birth date as the app writes it ("Mar 4, 1961"). */
export function birthDateAsShown(value: string): string {
  const [year, month, day] = value.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(Date.UTC(year!, month! - 1, day!)));
}
