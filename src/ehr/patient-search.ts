import type { ContactPoint, HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { normalizeCallerNumber } from '../calls/caller-number.ts';
import { CallchartError } from '../lib/errors.ts';

/**
 * Patient search for staff (issue 12, defect 4): an unknown caller's call can be linked to a chart
 * only after a person finds that chart in the EHR. Pure: the criteria rules, the FHIR query and
 * the demographics a reviewer sees. The search itself is done by PatientDirectory.
 *
 * Minimum necessary: a search must narrow to a few charts by itself. A name and a birth date
 * together, an MRN or a phone number do; a name alone or a birth date alone do not (400
 * SEARCH_TOO_BROAD), and at most `maxSearchResults` charts are returned.
 */
export const maxSearchResults = 10;

const isoDate = z.iso.date().refine((value) => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && value >= '1880-01-01';
}, 'not a real date');

export const patientSearchQuerySchema = z
  .object({
    /** Any part of the name, in any order ("Maria Lopez", "Lopez Maria"); letters, spaces, ' - . only. */
    name: z.string().trim().min(2).max(100).regex(/^[\p{L}\p{M}][\p{L}\p{M}' .-]*$/u, 'letters, spaces, apostrophes, hyphens and dots only').optional(),
    birthDate: isoDate.optional(),
    mrn: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'letters, digits, dots and hyphens only').optional(),
    /** As a person types it: any national or international format. */
    phone: z.string().trim().min(3).max(40).regex(/^[0-9+()\-. ]+$/, 'digits, spaces and + ( ) - . only').optional(),
  })
  .strict();
export type PatientSearchQuery = z.infer<typeof patientSearchQuerySchema>;

/** The kinds of criteria a search used (for the audit trail: kinds, never values). */
export type SearchCriterion = keyof PatientSearchQuery;

export function criteriaOf(query: PatientSearchQuery): SearchCriterion[] {
  return (['birthDate', 'mrn', 'name', 'phone'] as const).filter((key) => query[key] !== undefined);
}

/**
 * The FHIR R4 `Patient` search parameters for a staff search, or a refusal: SEARCH_TOO_BROAD when
 * no strong criterion is given, PAYLOAD_INVALID for a phone number that is not one. The phone is
 * searched in E.164 (as caller matching stores and searches it); each word of the name is its own
 * `name` parameter (all must match, in any order).
 */
export function patientSearchParams(query: PatientSearchQuery, defaultRegion: CountryCode): Record<string, string | string[]> {
  const strong = query.mrn !== undefined || query.phone !== undefined || (query.name !== undefined && query.birthDate !== undefined);
  if (!strong) {
    throw new CallchartError('SEARCH_TOO_BROAD', 'search with a name and a date of birth together, an MRN, or a phone number', { criteria: criteriaOf(query) });
  }
  const params: Record<string, string | string[]> = { _count: String(maxSearchResults + 1) };
  if (query.name !== undefined) params.name = nameWords(query.name);
  if (query.birthDate !== undefined) params.birthdate = query.birthDate;
  if (query.mrn !== undefined) params.identifier = query.mrn;
  if (query.phone !== undefined) {
    const number = normalizeCallerNumber(query.phone, defaultRegion);
    if (number.presentation !== 'number') throw new CallchartError('PAYLOAD_INVALID', 'not a valid phone number', { field: 'phone' });
    params.phone = number.e164;
  }
  return params;
}

/** "Lopez, Maria" → ["Lopez", "Maria"]: commas mean "or" in FHIR search, so they never reach it. */
function nameWords(name: string): string[] {
  return name.split(/[\s,]+/).map((word) => word.replace(/^[.'-]+|[.'-]+$/g, '')).filter((word) => word.length > 0).slice(0, 5);
}

/** What a reviewer sees of a chart to tell patients apart: no clinical data. */
export interface PatientDemographics {
  id: string;
  name: string | null;
  birthDate: string | null;
  gender: string | null;
  mrn: string | null;
  phone: string | null;
}

const mrnTypeCode = 'MR';

export function demographicsOf(patient: Patient): PatientDemographics {
  return {
    id: patient.id!,
    name: displayName(patient.name),
    birthDate: patient.birthDate ?? null,
    gender: patient.gender ?? null,
    mrn: mrnOf(patient.identifier),
    phone: primaryPhone(patient.telecom),
  };
}

/** The official name (else the first), as "Given Family". */
function displayName(names: HumanName[] | undefined): string | null {
  const name = names?.find((entry) => entry.use === 'official') ?? names?.[0];
  if (!name) return null;
  const text = [...(name.given ?? []), name.family].filter(Boolean).join(' ').trim();
  return text || name.text || null;
}

/** The identifier typed MR (v2-0203); else the `usual` one. */
function mrnOf(identifiers: Identifier[] | undefined): string | null {
  const typed = identifiers?.find((identifier) => identifier.type?.coding?.some((coding) => coding.code === mrnTypeCode));
  return (typed ?? identifiers?.find((identifier) => identifier.use === 'usual'))?.value ?? null;
}

/** The phone ranked first (else the first listed). */
function primaryPhone(telecom: ContactPoint[] | undefined): string | null {
  const phones = (telecom ?? []).filter((point) => point.system === 'phone' && point.value);
  return [...phones].sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER))[0]?.value ?? null;
}

/**
 * The charts a search returns to staff: active ones only (an inactive or merged chart is not
 * linked to), at most `maxSearchResults`, and whether there were more (narrow the search).
 */
export function searchResults(found: readonly Patient[]): { patients: PatientDemographics[]; more: boolean } {
  const active = found.filter((patient) => patient.id && patient.active !== false);
  return { patients: active.slice(0, maxSearchResults).map(demographicsOf), more: active.length > maxSearchResults || found.length > maxSearchResults };
}
