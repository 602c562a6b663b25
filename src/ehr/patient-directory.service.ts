import type { Patient } from '@medplum/fhirtypes';
import type { CountryCode } from 'libphonenumber-js';
import { LRUCache } from 'lru-cache';
import { isCallchartError } from '../lib/errors.ts';
import type { FhirClient } from './fhir.client.ts';
import { patientSearchParams, searchResults, type PatientDemographics, type PatientSearchQuery } from './patient-search.ts';

/** A FHIR logical id (R4 `id`): what may be put in a URL or an `_id` list. */
export const fhirIdPattern = /^[A-Za-z0-9\-.]{1,64}$/;

/** Ids per `_id` search: a page of review items is one or two EHR requests, not one per item. */
const idsPerSearch = 50;

/**
 * Charts staff look at (issue 12, defects 4 and 5): staff search, the chart a call is linked to,
 * and the demographics shown beside review items. Patients are read from the EHR over its own
 * client (budget, breaker, governor) and kept in memory for `cacheSeconds`, never in Callchart's
 * database; `invalidate` forgets one when the EHR says it changed.
 */
export class PatientDirectory {
  private readonly cache: LRUCache<string, Patient>;

  constructor(
    private readonly fhir: FhirClient,
    private readonly options: { cacheSeconds: number; defaultRegion: CountryCode },
  ) {
    this.cache = new LRUCache({ max: 5_000, ttl: Math.max(1, options.cacheSeconds) * 1000 });
  }

  /** A staff search (see patient-search.ts for what is refused). */
  async search(query: PatientSearchQuery): Promise<{ patients: PatientDemographics[]; more: boolean }> {
    const found = await this.fhir.search<Patient>('Patient', patientSearchParams(query, this.options.defaultRegion));
    for (const patient of found) if (patient.id) this.cache.set(patient.id, patient);
    return searchResults(found);
  }

  /** The chart, or null when the EHR has none (404 or 410). An EHR that cannot answer throws. */
  async find(patientId: string): Promise<Patient | null> {
    if (!fhirIdPattern.test(patientId)) return null;
    const cached = this.cache.get(patientId);
    if (cached) return cached;
    try {
      const patient = await this.fhir.read<Patient>('Patient', patientId);
      this.cache.set(patientId, patient);
      return patient;
    } catch (error) {
      if (isCallchartError(error) && error.code === 'EHR_REJECTED' && (error.detail?.status === 404 || error.detail?.status === 410)) return null;
      throw error;
    }
  }

  /** Charts by id: from memory, the rest with `_id` searches. Ids the EHR does not have are absent. */
  async findMany(patientIds: Iterable<string>): Promise<Map<string, Patient>> {
    const found = new Map<string, Patient>();
    const missing: string[] = [];
    for (const id of new Set(patientIds)) {
      if (!fhirIdPattern.test(id)) continue;
      const cached = this.cache.get(id);
      if (cached) found.set(id, cached);
      else missing.push(id);
    }
    for (let start = 0; start < missing.length; start += idsPerSearch) {
      const ids = missing.slice(start, start + idsPerSearch);
      const patients = await this.fhir.search<Patient>('Patient', { _id: ids.join(','), _count: String(ids.length) });
      for (const patient of patients) {
        if (!patient.id) continue;
        this.cache.set(patient.id, patient);
        found.set(patient.id, patient);
      }
    }
    return found;
  }

  /** Forget a chart the EHR changed (FHIR notify). */
  invalidate(patientId: string): number {
    return this.cache.delete(patientId) ? 1 : 0;
  }
}
