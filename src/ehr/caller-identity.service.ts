import type {
  AllergyIntolerance, CareTeam, Condition, Encounter, MedicationRequest, Patient, Practitioner, RelatedPerson,
  ServiceRequest, Task,
} from '@medplum/fhirtypes';
import { LRUCache } from 'lru-cache';
import type { CallerNumber } from '../calls/caller-number.ts';
import { isCallchartError } from '../lib/errors.ts';
import type { FhirClient } from './fhir.client.ts';
import { blockedCallerMatch, failedCallerMatch, matchCaller, type CallerMatch } from './patient-match.ts';
import type { PatientChartSlice } from './screen-pop.mapper.ts';

export interface CallerLookup {
  match: CallerMatch;
  /** Patients behind the candidates (for listing several). */
  candidatePatients: Patient[];
}

/**
 * Identifies callers against the EHR (ID-1, ID-3, ID-5): searches patients and caregivers by the
 * E.164 number, caches recent callers, and turns EHR failure into a `lookup-failed` outcome
 * instead of an error — the phone keeps ringing whatever the EHR does.
 */
export class CallerIdentityService {
  private readonly cache: LRUCache<string, CallerLookup>;
  /**
   * Chart slices by patient id, kept as long as lookups. One chart is asked for by the live card,
   * the date-of-birth step-up, a late update and redelivered ringing events: without this each of
   * them cost the EHR eight requests, which is what starved the load governor in a burst.
   */
  private readonly slices: LRUCache<string, PatientChartSlice>;
  /** Chart slices on their way from the EHR: a second caller for the same chart waits for the first. */
  private readonly slicesInFlight = new Map<string, Promise<PatientChartSlice>>();
  private readonly chartFhir: FhirClient;

  /**
   * `chartFhir`: the client for chart slices, when they should queue behind caller lookups in the
   * EHR load governor (a lower priority): who is calling decides routing; the chart can follow.
   */
  constructor(
    private readonly fhir: FhirClient,
    options: { cacheSeconds: number; chartFhir?: FhirClient },
  ) {
    this.cache = new LRUCache({ max: 2_000, ttl: Math.max(1, options.cacheSeconds) * 1000 });
    this.slices = new LRUCache({ max: 500, ttl: Math.max(1, options.cacheSeconds) * 1000 });
    this.chartFhir = options.chartFhir ?? fhir;
  }

  /**
   * Forgets cached lookups that involve a changed patient, and any lookup of the numbers the
   * patient now has (a new phone must not keep answering "unknown caller").
   */
  invalidatePatient(patientId: string, phones: string[] = []): number {
    let removed = 0;
    for (const [phone, lookup] of this.cache.entries()) {
      if (phones.includes(phone) || lookup.match.candidates.some((candidate) => candidate.patientId === patientId)) {
        this.cache.delete(phone);
        removed += 1;
      }
    }
    if (this.slices.delete(patientId)) removed += 1;
    this.slicesInFlight.delete(patientId);
    return removed;
  }

  async identify(callerNumber: CallerNumber): Promise<CallerLookup> {
    if (callerNumber.presentation !== 'number') return { match: blockedCallerMatch(), candidatePatients: [] };
    const cached = this.cache.get(callerNumber.e164);
    if (cached) return cached;
    try {
      const [patients, relatedPersons] = await Promise.all([
        this.fhir.search<Patient>('Patient', { phone: callerNumber.e164, _count: '20' }),
        this.fhir.search<RelatedPerson>('RelatedPerson', { phone: callerNumber.e164, _count: '20' }),
      ]);
      const match = matchCaller(callerNumber.e164, patients, relatedPersons);
      const ids = new Set(match.candidates.map((candidate) => candidate.patientId));
      const candidatePatients = patients.filter((patient) => patient.id && ids.has(patient.id));
      // A caregiver's number finds the RelatedPerson, not the patient: read the patients it points at
      // (their date of birth is what the caller will key in).
      const missing = [...ids].filter((id) => !candidatePatients.some((patient) => patient.id === id)).slice(0, 10);
      candidatePatients.push(...(await Promise.all(missing.map((id) => this.fhir.read<Patient>('Patient', id)))));
      const lookup = { match, candidatePatients };
      this.cache.set(callerNumber.e164, lookup);
      return lookup;
    } catch (error) {
      return { match: failedCallerMatch(isCallchartError(error) ? error.code : 'INTERNAL'), candidatePatients: [] };
    }
  }

  /**
   * The chart slice the card shows, in one parallel round trip: the patient comes from the lookup,
   * and care-team members and the PCP ride along (`_include`, a read) instead of a second trip.
   * Cached like lookups, and shared while in flight; a failure is not cached.
   */
  async chartSlice(patientOrId: Patient | string): Promise<PatientChartSlice> {
    const patientId = typeof patientOrId === 'string' ? patientOrId : patientOrId.id;
    if (!patientId) return this.fetchChartSlice(patientOrId);
    const cached = this.slices.get(patientId);
    if (cached) return cached;
    const pending = this.slicesInFlight.get(patientId);
    if (pending) return pending;
    const fetching = this.fetchChartSlice(patientOrId).then(
      (slice) => {
        // Not kept if the patient changed while it was on its way (invalidatePatient dropped the entry).
        if (this.slicesInFlight.get(patientId) === fetching) this.slices.set(patientId, slice);
        return slice;
      },
    ).finally(() => {
      if (this.slicesInFlight.get(patientId) === fetching) this.slicesInFlight.delete(patientId);
    });
    this.slicesInFlight.set(patientId, fetching);
    return fetching;
  }

  private async fetchChartSlice(patientOrId: Patient | string): Promise<PatientChartSlice> {
    const patient = typeof patientOrId === 'string' ? await this.chartFhir.read<Patient>('Patient', patientOrId) : patientOrId;
    const subject = `Patient/${patient.id}`;
    const pcpId = patient.generalPractitioner?.map((r) => r.reference).find((ref) => ref?.startsWith('Practitioner/'))?.slice('Practitioner/'.length);
    const [conditions, medications, allergies, encounters, serviceRequests, tasks, careTeamBundle, pcp] = await Promise.all([
      this.chartFhir.search<Condition>('Condition', { patient: subject, _count: '50' }),
      this.chartFhir.search<MedicationRequest>('MedicationRequest', { patient: subject, status: 'active', _count: '50' }),
      this.chartFhir.search<AllergyIntolerance>('AllergyIntolerance', { patient: subject, _count: '50' }),
      this.chartFhir.search<Encounter>('Encounter', { patient: subject, _sort: '-date', _count: '5' }),
      this.chartFhir.search<ServiceRequest>('ServiceRequest', { patient: subject, status: 'active', _count: '20' }),
      this.chartFhir.search<Task>('Task', { patient: subject, _count: '20' }),
      this.chartFhir.searchWithIncludes<CareTeam>('CareTeam', { patient: subject, _count: '5', _include: 'CareTeam:participant' }),
      pcpId ? this.chartFhir.read<Practitioner>('Practitioner', pcpId).catch(() => null) : Promise.resolve(null),
    ]);
    const practitioners = [
      ...careTeamBundle.included.filter((resource): resource is Practitioner => resource.resourceType === 'Practitioner'),
      ...(pcp ? [pcp] : []),
    ];
    return { patient, conditions, medications, allergies, encounters, serviceRequests, tasks, careTeams: careTeamBundle.matches, practitioners };
  }
}
