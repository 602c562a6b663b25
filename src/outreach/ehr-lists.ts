import type { Appointment, Encounter, ResourceType } from '@medplum/fhirtypes';
import type { OutreachKind } from './outreach-settings.ts';

/**
 * The EHR lists (FU-2) as FHIR R4 searches, and what an entry takes from each match. Pure: the
 * service pages through them with the background FHIR client (inside the EHR load budget).
 *
 * - post-discharge: `Encounter?status=finished&class=IMP,EMER&date=ge<from>`: hospital stays and
 *   emergency visits whose period reaches into the window; kept when the period *ended* in it.
 * - no-show: `Appointment?status=noshow&date=ge<from>&date=le<now>`.
 */
export interface OutreachCandidate {
  kind: OutreachKind;
  /** `Encounter/<id>` or `Appointment/<id>`: one entry per list and record. */
  sourceRef: string;
  patientId: string;
  eventAt: Date;
  reasonCode: string | null;
}

/** Encounter classes that are a discharge worth a call: inpatient, emergency, observation, short stay. */
export const dischargeClasses = ['IMP', 'EMER', 'OBSENC', 'SS', 'ACUTE'] as const;

export function listSearch(kind: OutreachKind, window: { from: Date; to: Date }, pageSize: number): { resourceType: ResourceType; params: Record<string, string | string[]> } {
  const common = { _sort: 'date', _count: String(pageSize) };
  if (kind === 'post-discharge') {
    return { resourceType: 'Encounter', params: { status: 'finished', class: dischargeClasses.join(','), date: `ge${window.from.toISOString()}`, ...common } };
  }
  return { resourceType: 'Appointment', params: { status: 'noshow', date: [`ge${window.from.toISOString()}`, `le${window.to.toISOString()}`], ...common } };
}

/** The entry a search match becomes, or null when it is not one (ended outside the window, no patient). */
export function candidateOf(kind: OutreachKind, resource: Encounter | Appointment, window: { from: Date; to: Date }): OutreachCandidate | null {
  if (!resource.id) return null;
  if (kind === 'post-discharge') {
    const encounter = resource as Encounter;
    const end = encounter.period?.end ? new Date(encounter.period.end) : null;
    const patientId = patientIdOf(encounter.subject?.reference);
    if (encounter.resourceType !== 'Encounter' || encounter.status !== 'finished' || !end || !patientId) return null;
    if (!(dischargeClasses as readonly string[]).includes(encounter.class?.code ?? '')) return null;
    if (end < window.from || end > window.to) return null;
    return { kind, sourceRef: `Encounter/${encounter.id}`, patientId, eventAt: end, reasonCode: codeOf(encounter.reasonCode?.[0]?.coding?.[0]?.code) ?? encounter.class.code ?? null };
  }
  const appointment = resource as Appointment;
  const start = appointment.start ? new Date(appointment.start) : null;
  const patientId = appointment.participant?.map((participant) => patientIdOf(participant.actor?.reference)).find(Boolean) ?? null;
  if (appointment.resourceType !== 'Appointment' || appointment.status !== 'noshow' || !start || !patientId) return null;
  if (start < window.from || start > window.to) return null;
  return { kind, sourceRef: `Appointment/${appointment.id}`, patientId, eventAt: start, reasonCode: codeOf(appointment.reasonCode?.[0]?.coding?.[0]?.code ?? appointment.serviceType?.[0]?.coding?.[0]?.code) };
}

function patientIdOf(reference: string | undefined): string | null {
  const match = /^(?:.*\/)?Patient\/([A-Za-z0-9.-]{1,64})$/.exec(reference ?? '');
  return match?.[1] ?? null;
}

/** Codes only: anything that is not a short code (free text) is left out. */
function codeOf(value: string | undefined): string | null {
  return value && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value) ? value : null;
}

/** The window a list searches at `now`. */
export function listWindow(kind: OutreachKind, now: Date, settings: { dischargeLookbackHours: number; noShowLookbackDays: number }): { from: Date; to: Date } {
  const hours = kind === 'post-discharge' ? settings.dischargeLookbackHours : settings.noShowLookbackDays * 24;
  return { from: new Date(now.getTime() - hours * 3_600_000), to: now };
}
