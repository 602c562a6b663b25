import type { Patient } from '@medplum/fhirtypes';

/** The FHIR core extension a chart uses to say outright whether the patient needs an interpreter. */
export const interpreterRequiredExtension = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';

/** The primary language subtag of a BCP-47 tag, lower case: `es-MX` → `es`. */
function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/**
 * Whether the patient's chart says an interpreter is needed (CO-3, the `interpreter` sensitive
 * category): the patient-interpreterRequired extension when the chart sets it (true or false
 * wins), else a preferred language (Patient.communication) other than the clinic's, or, with no
 * preference marked, listed languages none of which is the clinic's. A chart that says nothing
 * about language says no. Pure.
 */
export function interpreterNeeded(patient: Patient, clinicLanguage: string): boolean {
  const stated = patient.extension?.find((extension) => extension.url === interpreterRequiredExtension)?.valueBoolean;
  if (typeof stated === 'boolean') return stated;
  const clinic = primaryLanguage(clinicLanguage);
  const languagesOf = (entries: NonNullable<Patient['communication']>) =>
    entries.flatMap((entry) => (entry.language?.coding ?? []).flatMap((coding) => (coding.code ? [primaryLanguage(coding.code)] : [])));
  const communication = patient.communication ?? [];
  const preferred = languagesOf(communication.filter((entry) => entry.preferred));
  if (preferred.length) return !preferred.includes(clinic);
  const listed = languagesOf(communication);
  return listed.length > 0 && !listed.includes(clinic);
}
