import type {
  AllergyIntolerance, CareTeam, CodeableConcept, Condition, Encounter, HumanName, MedicationRequest, Patient,
  Practitioner, ServiceRequest, Task,
} from '@medplum/fhirtypes';
import type { CallerMatch } from './patient-match.ts';

/**
 * The screen pop (ID-4): what the agent sees while the phone rings. Built from FHIR resources by
 * a pure mapper; the adapter fetches them. Allergies come first and flagged, because a missed
 * allergy is the costly mistake.
 */
export interface PatientChartSlice {
  patient: Patient;
  conditions: Condition[];
  medications: MedicationRequest[];
  allergies: AllergyIntolerance[];
  encounters: Encounter[];
  serviceRequests: ServiceRequest[];
  tasks: Task[];
  careTeams: CareTeam[];
  practitioners: Practitioner[];
}

export interface ScreenPopPatient {
  id: string;
  name: string;
  age: number | null;
  sex: string | null;
  mrn: string | null;
  allergies: { substance: string; criticality: string | null; highRisk: boolean }[];
  /** True only when the chart explicitly records "no known allergies" (absence of data is not NKA). */
  noKnownAllergies: boolean;
  primaryProblem: string | null;
  problems: string[];
  activeMedications: string[];
  lastVisit: { date: string; reason: string | null } | null;
  pendingOrders: string[];
  openTasks: string[];
  pcp: string | null;
  careTeam: string[];
  /** Set when the viewer's role withholds clinical fields. */
  fieldsWithheld?: boolean;
}

export interface ScreenPopCandidate {
  patientId: string;
  name: string;
  birthYear: number | null;
  matchedOn: string;
}

export interface ScreenPop {
  callId: string;
  outcome: CallerMatch['outcome'];
  confidence: CallerMatch['confidence'];
  callerRole: 'patient' | 'caregiver' | 'unknown';
  relationship: string | null;
  patient: ScreenPopPatient | null;
  candidates: ScreenPopCandidate[];
  /** False on the first card (who is calling); true once the chart summary is in. */
  complete: boolean;
  /**
   * Set on a card still without its chart after the late retries gave up: the page says to open
   * the chart in the EHR instead of "loading". Absence of the chart is never shown as "no allergies".
   */
  chartUnavailable?: boolean;
  /** Charts on this number not listed on the card (a shared line such as a care home's). */
  moreCandidates: number;
  /** A restricted record (confidential, VIP, employee): the card says so and shows nothing else. */
  restricted: boolean;
  /** Where the call is now: the card follows the call on transfer (ID-4). */
  queue?: string | null;
  agent?: string | null;
  generatedAt: string;
}

/** Which records count as restricted on the live card (configurable per clinic). */
export interface RestrictionRule {
  /** meta.security codes (v3 Confidentiality: R restricted, V very restricted). */
  securityCodes: string[];
  /** meta.tag codes such as VIP or EMP (employee). */
  tagCodes: string[];
}

export const defaultRestrictionRule: RestrictionRule = { securityCodes: ['R', 'V'], tagCodes: ['VIP', 'EMP'] };

export function isRestricted(patient: Patient | undefined, rule: RestrictionRule): boolean {
  if (!patient) return false;
  return Boolean(
    patient.meta?.security?.some((coding) => coding.code && rule.securityCodes.includes(coding.code)) ||
      patient.meta?.tag?.some((coding) => coding.code && rule.tagCodes.includes(coding.code)),
  );
}

export function displayName(name: HumanName[] | undefined): string {
  const official = name?.find((n) => n.use === 'official') ?? name?.[0];
  if (!official) return '(no name on file)';
  if (official.text) return official.text;
  return [...(official.given ?? []), official.family].filter(Boolean).join(' ') || '(no name on file)';
}

/** The calendar date at `now` in the clinic's time zone (UTC when none is given). */
function localDate(now: Date, timeZone: string | undefined): { year: number; month: number; day: number } {
  if (!timeZone) return { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() };
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** Age in whole years on the clinic's calendar date (a birthday counts from local midnight). */
export function ageOn(birthDate: string | undefined, now: Date, timeZone?: string): number | null {
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return null;
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const today = localDate(now, timeZone);
  let age = today.year - year;
  if (today.month < month || (today.month === month && today.day < day)) age -= 1;
  return age;
}

function conceptText(concept: CodeableConcept | undefined): string | null {
  return concept?.text ?? concept?.coding?.[0]?.display ?? concept?.coding?.[0]?.code ?? null;
}

// SNOMED "no known …allergy" situations: a statement about the patient, not an allergen.
const noKnownAllergyCodes = new Set(['716186003', '409137002', '429625007', '428607008', '428197003']);

const openTaskStatuses = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);

export function mapPatientSlice(slice: PatientChartSlice, now: Date, timeZone?: string): ScreenPopPatient {
  const { patient } = slice;
  const activeConditions = slice.conditions.filter(
    (condition) => !condition.clinicalStatus || condition.clinicalStatus.coding?.some((c) => c.code === 'active'),
  );
  const lastEncounter = [...slice.encounters]
    .filter((encounter) => encounter.period?.start)
    // Instants, not strings: offsets differ between systems.
    .sort((a, b) => Date.parse(b.period!.start!) - Date.parse(a.period!.start!))[0];
  const practitionerName = (reference: string | undefined) => {
    const id = reference?.replace(/^Practitioner\//, '');
    const practitioner = slice.practitioners.find((p) => p.id === id);
    return practitioner ? displayName(practitioner.name) : null;
  };
  const pcpReference = patient.generalPractitioner?.[0];
  const recorded = slice.allergies.filter((allergy) => allergy.clinicalStatus?.coding?.[0]?.code !== 'inactive');
  const isNoKnown = (allergy: AllergyIntolerance) => Boolean(allergy.code?.coding?.some((c) => c.code && noKnownAllergyCodes.has(c.code)));
  const allergies = recorded
    .filter((allergy) => !isNoKnown(allergy))
    .map((allergy) => ({
      substance: conceptText(allergy.code) ?? 'unspecified allergy',
      criticality: allergy.criticality ?? null,
      highRisk: allergy.criticality === 'high',
    }))
    .sort((a, b) => Number(b.highRisk) - Number(a.highRisk));
  const problems = activeConditions.map((condition) => conceptText(condition.code)).filter((text): text is string => Boolean(text));
  return {
    id: patient.id!,
    name: displayName(patient.name),
    age: ageOn(patient.birthDate, now, timeZone),
    sex: patient.gender ?? null,
    mrn: patient.identifier?.find((identifier) => identifier.type?.coding?.some((c) => c.code === 'MR'))?.value ?? patient.identifier?.[0]?.value ?? null,
    allergies,
    noKnownAllergies: allergies.length === 0 && recorded.some(isNoKnown),
    primaryProblem: problems[0] ?? null,
    problems,
    activeMedications: slice.medications
      .filter((medication) => medication.status === 'active')
      .map((medication) => conceptText(medication.medicationCodeableConcept) ?? medication.medicationReference?.display ?? 'medication')
      .slice(0, 20),
    lastVisit: lastEncounter
      ? { date: lastEncounter.period!.start!.slice(0, 10), reason: conceptText(lastEncounter.reasonCode?.[0]) ?? conceptText(lastEncounter.type?.[0]) }
      : null,
    pendingOrders: slice.serviceRequests
      .filter((order) => order.status === 'active' || order.status === 'on-hold')
      .map((order) => conceptText(order.code) ?? 'order'),
    openTasks: slice.tasks.filter((task) => openTaskStatuses.has(task.status)).map((task) => task.description ?? conceptText(task.code) ?? 'task'),
    pcp: pcpReference?.display ?? practitionerName(pcpReference?.reference),
    careTeam: slice.careTeams
      .flatMap((team) => team.participant ?? [])
      .map((participant) => participant.member?.display ?? practitionerName(participant.member?.reference))
      .filter((name): name is string => Boolean(name))
      .filter((name, index, all) => all.indexOf(name) === index),
  };
}

/** A card lists this many candidates at most; the agent asks for the date of birth beyond that. */
export const maxCardCandidates = 10;

export function buildScreenPop(options: {
  callId: string;
  match: CallerMatch;
  slice: PatientChartSlice | null;
  candidates: Patient[];
  now: Date;
  /** The clinic's IANA time zone, for ages. */
  timeZone?: string;
  restriction?: RestrictionRule;
  /** False for the quick first card that shows only who is calling. */
  complete?: boolean;
  /** The chart could not be had from the EHR (see `ScreenPop.chartUnavailable`). */
  chartUnavailable?: boolean;
}): ScreenPop {
  const { match, now } = options;
  const first = match.candidates[0];
  const caregiver = match.outcome === 'unique' && first?.matchedOn === 'caregiver-phone';
  return {
    callId: options.callId,
    outcome: match.outcome,
    confidence: match.confidence,
    callerRole: match.outcome === 'unique' ? (caregiver ? 'caregiver' : 'patient') : 'unknown',
    relationship: caregiver ? (first?.relationship ?? 'caregiver') : null,
    patient: match.outcome === 'unique' && options.slice ? mapPatientSlice(options.slice, now, options.timeZone) : null,
    complete: options.complete ?? true,
    ...(options.chartUnavailable ? { chartUnavailable: true } : {}),
    moreCandidates: match.outcome === 'several' ? Math.max(0, (match.truncated?.total ?? match.candidates.length) - maxCardCandidates) : 0,
    candidates:
      match.outcome === 'several'
        ? match.candidates.slice(0, maxCardCandidates).map((candidate) => {
            const patient = options.candidates.find((p) => p.id === candidate.patientId);
            if (isRestricted(patient, options.restriction ?? defaultRestrictionRule)) {
              return { patientId: candidate.patientId, name: 'Restricted record', birthYear: null, matchedOn: candidate.matchedOn };
            }
            return {
              patientId: candidate.patientId,
              name: patient ? displayName(patient.name) : '(unknown)',
              birthYear: patient?.birthDate ? Number(patient.birthDate.slice(0, 4)) : null,
              matchedOn: candidate.matchedOn,
            };
          })
        : [],
    restricted: match.outcome === 'unique' && isRestricted(options.slice?.patient ?? options.candidates.find((p) => p.id === first?.patientId), options.restriction ?? defaultRestrictionRule),
    generatedAt: now.toISOString(),
  };
}
