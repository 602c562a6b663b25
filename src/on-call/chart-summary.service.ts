import type { AllergyIntolerance, CodeableConcept, Condition, Encounter, MedicationRequest, Resource, ResourceType } from '@medplum/fhirtypes';

/**
 * The chart beside an on-call item (issue 16, AH-1): problems, active medications, allergies and
 * the last visits, read from the EHR over HTTP on the staff client, minimum necessary: display
 * words, dates and the medication order ids (the one-tap refill renews one of them). Nothing here
 * is stored or logged.
 */
export interface ChartSummaryClient {
  search<T extends Resource>(resourceType: ResourceType, params: Record<string, string>): Promise<T[]>;
}

export interface ChartSummary {
  problems: { text: string; since: string | null }[];
  medications: { id: string; text: string; dosage: string | null; rxnorm: string | null }[];
  allergies: { text: string; criticality: string | null }[];
  /** No allergy recorded at all (different from "no known allergies", which is an entry). */
  allergiesRecorded: boolean;
  recentVisits: { date: string | null; text: string }[];
}

const conceptText = (concept: CodeableConcept | undefined): string => concept?.text ?? concept?.coding?.[0]?.display ?? concept?.coding?.[0]?.code ?? 'Not named';

export async function readChartSummary(fhir: ChartSummaryClient, patientId: string, options: { visits?: number } = {}): Promise<ChartSummary> {
  const subject = `Patient/${patientId}`;
  // Independent reads: one round trip's worth of latency.
  const [conditions, medicationRequests, allergies, encounters] = await Promise.all([
    fhir.search<Condition>('Condition', { patient: subject, category: 'problem-list-item', _count: '50' }),
    fhir.search<MedicationRequest>('MedicationRequest', { patient: subject, status: 'active', _count: '50' }),
    fhir.search<AllergyIntolerance>('AllergyIntolerance', { patient: subject, _count: '50' }),
    fhir.search<Encounter>('Encounter', { patient: subject, _sort: '-date', _count: String(options.visits ?? 3) }),
  ]);
  return {
    problems: conditions
      .filter((condition) => (condition.clinicalStatus?.coding?.[0]?.code ?? 'active') === 'active')
      .map((condition) => ({ text: conceptText(condition.code), since: condition.onsetDateTime?.slice(0, 10) ?? null })),
    medications: medicationRequests
      .filter((order): order is MedicationRequest & { id: string } => Boolean(order.id) && order.status === 'active')
      .map((order) => ({
        id: order.id, text: conceptText(order.medicationCodeableConcept), dosage: order.dosageInstruction?.[0]?.text ?? null,
        rxnorm: order.medicationCodeableConcept?.coding?.find((coding) => coding.system === 'http://www.nlm.nih.gov/research/umls/rxnorm')?.code ?? null,
      })),
    allergies: allergies.map((allergy) => ({ text: conceptText(allergy.code), criticality: allergy.criticality ?? null })),
    allergiesRecorded: allergies.length > 0,
    recentVisits: encounters
      .map((encounter) => ({ date: encounter.period?.start?.slice(0, 10) ?? null, text: conceptText(encounter.type?.[0]) }))
      .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))
      .slice(0, options.visits ?? 3),
  };
}

/**
 * The active order a refill request is about: the medication the call named (its generic name,
 * from the understanding stage's entities) matched against the active list. Exactly one match or
 * none: two orders for the same drug, or a drug not on the list, is for a person to sort out
 * (no one-tap button then).
 */
export function matchRefill(medications: ChartSummary['medications'], namedMedications: readonly string[]): ChartSummary['medications'][number] | null {
  const names = [...new Set(namedMedications.map((name) => name.trim().toLowerCase()).filter((name) => name.length >= 3))];
  if (names.length !== 1) return null;
  const matches = medications.filter((medication) => medication.text.toLowerCase().split(/[^a-z0-9]+/).includes(names[0]!));
  return matches.length === 1 ? matches[0]! : null;
}
