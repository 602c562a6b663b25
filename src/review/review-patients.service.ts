import type { Patient } from '@medplum/fhirtypes';
import type { Queryable } from '../store/db.ts';
import { findCallerMatches } from '../calls/calls.repository.ts';
import type { PatientDirectory } from '../ehr/patient-directory.service.ts';
import { isIdentityVerified } from '../ehr/identity-step-up.ts';
import type { CallerMatch } from '../ehr/patient-match.ts';
import { demographicsOf, type PatientDemographics } from '../ehr/patient-search.ts';
import { isCallchartError } from '../lib/errors.ts';

/**
 * The chart beside each review item and outbox item (issue 12, defect 5): whose call it is, so a
 * reviewer notices a call filed on the wrong patient. Demographics only (name, date of birth, sex,
 * MRN, phone), read from the EHR through PatientDirectory (cached in memory), never stored in
 * Callchart's database, never logged or audited. Only routes for roles that review call content
 * use this (route-access.ts).
 */
export interface ReviewPatient extends Omit<PatientDemographics, 'id'> {
  id: string;
  /** True when the call is linked to this chart (date of birth or staff); false: caller ID only. */
  verified: boolean;
  /** Set when the EHR could not give the chart now: the id is known, the demographics are not. */
  unavailable?: string;
}

const unknownDemographics = { name: null, birthDate: null, gender: null, mrn: null, phone: null } as const;

/** The chart a caller match puts the call on (one chart only), with what the EHR says of it. */
export function reviewPatientOf(match: CallerMatch | null, charts: ReadonlyMap<string, Patient> | null): ReviewPatient | null {
  const patientId = match?.outcome === 'unique' ? match.candidates[0]?.patientId : undefined;
  if (!patientId) return null;
  const verified = isIdentityVerified(match);
  const chart = charts?.get(patientId);
  if (chart) return { ...demographicsOf(chart), id: patientId, verified };
  return { id: patientId, verified, ...unknownDemographics, unavailable: charts ? 'PATIENT_NOT_FOUND' : 'EHR_UNAVAILABLE' };
}

export class ReviewPatients {
  constructor(private readonly patients: PatientDirectory) {}

  /** Charts by id; null when the EHR cannot answer now (the lists still answer, without names). */
  async charts(patientIds: Iterable<string>): Promise<Map<string, Patient> | null> {
    try {
      return await this.patients.findMany(patientIds);
    } catch (error) {
      if (isCallchartError(error)) return null;
      throw error;
    }
  }

  /** The chart each call is on, by call id. */
  async forCalls(db: Queryable, callIds: readonly string[]): Promise<Map<string, ReviewPatient | null>> {
    const matches = await findCallerMatches(db, callIds);
    const charts = await this.charts([...matches.values()].flatMap(({ match }) => (match?.outcome === 'unique' && match.candidates[0] ? [match.candidates[0].patientId] : [])));
    return new Map(callIds.map((callId) => [callId, reviewPatientOf(matches.get(callId)?.match ?? null, charts)]));
  }

  /** Every chart the caller's number matched (a shared family number), for the reviewer to tell apart. */
  async candidates(match: CallerMatch | null, limit = 10): Promise<ReviewPatient[]> {
    const ids = (match?.candidates ?? []).slice(0, limit).map((candidate) => candidate.patientId);
    const charts = await this.charts(ids);
    return ids.map((id) => {
      const chart = charts?.get(id);
      return chart ? { ...demographicsOf(chart), id, verified: false } : { id, verified: false, ...unknownDemographics, unavailable: charts ? 'PATIENT_NOT_FOUND' : 'EHR_UNAVAILABLE' };
    });
  }

  /**
   * The chart of each outbox item the person may see (its call's queue, or for an event Task the
   * events queue): the call's chart, or the event's patient. Items of other queues get null.
   */
  async forOutbox(
    db: Queryable,
    items: readonly { id: string; callId: string | null; event: { patientId: string } | null }[],
    sees: (queue: string | null) => boolean,
    eventsQueue: string,
  ): Promise<Map<string, ReviewPatient | null>> {
    const calls = await findCallerMatches(db, items.flatMap((item) => (item.callId ? [item.callId] : [])));
    const matchOf = (item: (typeof items)[number]): CallerMatch | null => {
      // An event's Task goes to the events queue: those who work it see whose it is.
      if (item.event) {
        return sees(eventsQueue) ? { outcome: 'unique', confidence: 'staff-verified', candidates: [{ patientId: item.event.patientId, matchedOn: 'staff-link' }] } : null;
      }
      const call = item.callId ? calls.get(item.callId) : undefined;
      return call && sees(call.queue) ? call.match : null;
    };
    const matches = new Map(items.map((item) => [item.id, matchOf(item)]));
    const charts = await this.charts([...matches.values()].flatMap((match) => (match?.outcome === 'unique' && match.candidates[0] ? [match.candidates[0].patientId] : [])));
    return new Map([...matches].map(([id, match]) => [id, reviewPatientOf(match, charts)]));
  }
}
