import type { Patient } from '@medplum/fhirtypes';
import type { PatientContext } from '../nlp/analysis.types.ts';

/**
 * The identified patient's own details for redaction (PH-2): name, date of birth, phones and MRN,
 * so they are caught exactly wherever the caller says them. Used in memory only.
 */
export function patientContextOf(patient: Patient): PatientContext {
  const name = patient.name?.find((entry) => entry.use === 'official') ?? patient.name?.[0];
  const fullName = name ? [...(name.given ?? []), name.family].filter(Boolean).join(' ') : '';
  const mrn = patient.identifier?.find((identifier) => identifier.type?.coding?.some((coding) => coding.code === 'MR'))?.value;
  const phones = (patient.telecom ?? []).filter((telecom) => telecom.system === 'phone' && telecom.value).map((telecom) => telecom.value!);
  return {
    ...(fullName ? { name: fullName } : {}),
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
    ...(phones.length ? { phones } : {}),
    ...(mrn ? { mrn } : {}),
  };
}
