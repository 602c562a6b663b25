import { validateResource } from '@medplum/core';
import type { Patient, Resource } from '@medplum/fhirtypes';
import { isValidPhoneNumber } from 'libphonenumber-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFhirR4Definitions } from './fhir-definitions.loader.ts';
import { generateSchedules, generateSyntheticClinic, sandboxPhoneScenarios, SYNTHETIC_TAG, type SyntheticClinic } from './synthetic-clinic.ts';

const E164 = /^\+1\d{3}55501\d{2}$/;

function phones(resource: { telecom?: { system?: string; value?: string }[] }): string[] {
  return (resource.telecom ?? []).filter((t) => t.system === 'phone').map((t) => t.value!);
}

describe('generateSyntheticClinic', () => {
  let clinic: SyntheticClinic;
  beforeAll(() => {
    clinic = generateSyntheticClinic({});
  });

  it('is deterministic: the same seed gives byte-identical output, another seed does not', () => {
    expect(JSON.stringify(generateSyntheticClinic({}))).toBe(JSON.stringify(clinic));
    expect(JSON.stringify(generateSyntheticClinic({ seed: 7 }))).not.toBe(JSON.stringify(clinic));
  });

  it('has at least 200 patients with stable ids, MRNs, birth dates and genders', () => {
    expect(clinic.patients.length).toBe(240);
    expect(clinic.patients[0]!.id).toBe('pat-0001');
    expect(new Set(clinic.patients.map((p) => p.id)).size).toBe(clinic.patients.length);
    for (const patient of clinic.patients) {
      expect(patient.identifier?.[0]?.value).toMatch(/^MRN\d{6}$/);
      expect(patient.birthDate! < clinic.referenceDate).toBe(true);
      expect(patient.birthDate! >= '1930-01-01').toBe(true);
      expect(['male', 'female', 'other', 'unknown']).toContain(patient.gender);
    }
    expect(new Set(clinic.patients.map((p) => p.identifier![0]!.value)).size).toBe(clinic.patients.length);
  });

  it('draws names from many origins, all in Latin script', () => {
    const languages = new Set(clinic.patients.flatMap((p) => p.communication?.map((c) => c.language.coding![0]!.code) ?? []));
    expect(languages.size).toBeGreaterThanOrEqual(5);
    for (const patient of clinic.patients) {
      expect(`${patient.name![0]!.given!.join(' ')} ${patient.name![0]!.family}`).toMatch(/^[\p{Script=Latin}\s'.-]+$/u);
    }
  });

  it('gives every phone number in E.164, inside the fictional 555-01xx range, valid for libphonenumber', () => {
    const all = [...clinic.patients, ...clinic.relatedPersons].flatMap(phones);
    expect(all.length).toBeGreaterThan(200);
    for (const phone of all) {
      expect(phone).toMatch(E164);
      expect(isValidPhoneNumber(phone)).toBe(true);
    }
  });

  it('marks the primary number rank 1 and gives about 30% of patients an alternate', () => {
    const withPhone = clinic.patients.filter((p) => phones(p).length > 0);
    for (const patient of withPhone) expect(patient.telecom![0]!.rank).toBe(1);
    const withAlternate = clinic.patients.filter((p) => phones(p).length > 1).length / clinic.patients.length;
    expect(withAlternate).toBeGreaterThan(0.2);
    expect(withAlternate).toBeLessThan(0.4);
  });

  it('has household numbers shared by several patients, and some patients with no phone', () => {
    const holders = new Map<string, Set<string>>();
    for (const patient of clinic.patients) for (const phone of phones(patient)) holders.set(phone, (holders.get(phone) ?? new Set()).add(patient.id!));
    const shared = [...holders.values()].filter((ids) => ids.size > 1);
    const patientsSharing = new Set(shared.flatMap((ids) => [...ids])).size;
    expect(patientsSharing / clinic.patients.length).toBeGreaterThan(0.05);
    expect(patientsSharing / clinic.patients.length).toBeLessThan(0.16);
    const noPhone = clinic.patients.filter((p) => phones(p).length === 0).length;
    expect(noPhone).toBeGreaterThan(0);
    expect(noPhone / clinic.patients.length).toBeLessThan(0.1);
  });

  it('gives every patient a PCP and an active care team with the PCP and a nurse', () => {
    const practitionerIds = new Set(clinic.practitioners.map((p) => `Practitioner/${p.id}`));
    expect(clinic.practitioners.length).toBe(12);
    for (const patient of clinic.patients) {
      const pcp = patient.generalPractitioner?.[0]?.reference;
      expect(practitionerIds.has(pcp!)).toBe(true);
      const team = clinic.careTeams.find((t) => t.subject?.reference === `Patient/${patient.id}`);
      expect(team?.status).toBe('active');
      const members = team!.participant!.map((p) => p.member?.reference);
      expect(members).toContain(pcp);
      expect(team!.participant!.some((p) => p.role?.[0]?.coding?.[0]?.code === '224535009')).toBe(true);
    }
  });

  it('has caregivers (~15%), some calling from a number no patient holds', () => {
    const share = clinic.relatedPersons.length / clinic.patients.length;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.25);
    const patientPhones = new Set(clinic.patients.flatMap(phones));
    expect(clinic.relatedPersons.some((rp) => phones(rp).some((phone) => !patientPhones.has(phone)))).toBe(true);
  });

  it('has clinical content: SNOMED problems, RxNorm meds, allergies (some high criticality), visits, bookings, orders', () => {
    expect(clinic.conditions.length).toBeGreaterThan(100);
    expect(clinic.conditions.every((c) => c.code?.coding?.[0]?.system === 'http://snomed.info/sct' && c.clinicalStatus?.coding?.[0]?.code === 'active')).toBe(true);
    expect(clinic.medicationRequests.every((m) => m.status === 'active' && m.intent === 'order' && m.medicationCodeableConcept?.coding?.[0]?.system === 'http://www.nlm.nih.gov/research/umls/rxnorm')).toBe(true);
    expect(clinic.allergyIntolerances.some((a) => a.criticality === 'high')).toBe(true);
    expect(clinic.encounters.every((e) => e.status === 'finished' && e.period?.start && e.participant?.[0]?.individual)).toBe(true);
    expect(clinic.encounters.every((e) => e.period!.start! >= '2025-04-01' && e.period!.start! < clinic.referenceDate)).toBe(true);
    expect(clinic.appointments.every((a) => a.status === 'booked' && a.start! > clinic.referenceDate)).toBe(true);
    expect(clinic.serviceRequests.length).toBeGreaterThan(10);
    // The outreach lists (issue 16): recent hospital discharges and missed visits, before the reference date.
    expect(clinic.discharges).toHaveLength(12);
    expect(new Set(clinic.discharges.map((e) => e.class.code))).toEqual(new Set(['IMP', 'EMER']));
    expect(clinic.discharges.every((e) => e.status === 'finished' && e.period!.end! < clinic.referenceDate && e.period!.end! > '2026-10-30T00')).toBe(true);
    expect(clinic.noShows).toHaveLength(12);
    expect(clinic.noShows.every((a) => a.status === 'noshow' && a.start! < clinic.referenceDate && a.start! > '2026-10-25')).toBe(true);
    expect(clinic.serviceRequests.every((s) => s.status === 'active')).toBe(true);
  });

  it('tags every resource as synthetic and references only resources that exist', () => {
    const ids = new Set(clinic.resources.map((r) => `${r.resourceType}/${r.id}`));
    const references = (value: unknown): string[] =>
      typeof value !== 'object' || value === null
        ? []
        : Object.entries(value).flatMap(([key, child]) => (key === 'reference' && typeof child === 'string' ? [child] : references(child)));
    for (const resource of clinic.resources) {
      expect(resource.meta?.tag).toContainEqual(SYNTHETIC_TAG);
      for (const reference of references(resource)) expect(ids.has(reference), `${resource.id} → ${reference}`).toBe(true);
    }
  });

  it('produces only resources that pass FHIR R4 validation', () => {
    loadFhirR4Definitions();
    const failures: string[] = [];
    for (const resource of clinic.resources as Resource[]) {
      try {
        validateResource(resource);
      } catch (error) {
        failures.push(`${resource.resourceType}/${resource.id}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('generateSchedules', () => {
  const clinic = generateSyntheticClinic({ patientCount: 10 });

  it('gives each physician a schedule of 30-minute weekday slots in clinic hours, some busy, the same for the same start day', () => {
    const diary = generateSchedules(clinic, { from: '2026-12-07' });
    expect(JSON.stringify(generateSchedules(clinic, { from: '2026-12-07' }))).toBe(JSON.stringify(diary));
    const physicians = clinic.practitioners.filter((practitioner) => practitioner.qualification?.[0]?.code.text !== 'RN');
    expect(diary.schedules.map((schedule) => schedule.actor[0]!.reference)).toEqual(physicians.map((physician) => `Practitioner/${physician.id}`));
    // Two weeks: ten weekdays of 14 slots per physician.
    expect(diary.slots).toHaveLength(physicians.length * 10 * 14);
    for (const slot of diary.slots) {
      const start = new Date(slot.start!);
      expect([0, 6]).not.toContain(start.getUTCDay());
      expect(start.getUTCHours()).toBeGreaterThanOrEqual(14);
      expect(start.getUTCHours()).toBeLessThan(22);
      expect(Date.parse(slot.end!) - start.getTime()).toBe(30 * 60_000);
    }
    const busy = diary.slots.filter((slot) => slot.status === 'busy').length;
    expect(busy / diary.slots.length).toBeGreaterThan(0.2);
    expect(busy / diary.slots.length).toBeLessThan(0.5);
    expect(new Set(diary.slots.map((slot) => slot.id)).size).toBe(diary.slots.length);
  });

  it('produces only resources that pass FHIR R4 validation, tagged synthetic', () => {
    loadFhirR4Definitions();
    const diary = generateSchedules(clinic, { from: '2026-12-07', days: 3 });
    const failures: string[] = [];
    for (const resource of [...diary.schedules, ...diary.slots] as Resource[]) {
      expect(resource.meta?.tag).toContainEqual(SYNTHETIC_TAG);
      try {
        validateResource(resource);
      } catch (error) {
        failures.push(`${resource.resourceType}/${resource.id}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('sandboxPhoneScenarios', () => {
  const clinic = generateSyntheticClinic({});
  const scenarios = sandboxPhoneScenarios(clinic);
  const patientsWith = (phone: string): Patient[] => clinic.patients.filter((p) => phones(p).includes(phone));

  it('offers every kind of caller, each consistent with the data', () => {
    expect(scenarios.uniquePatient.length).toBeGreaterThan(50);
    for (const { phone, patientId } of scenarios.uniquePatient) expect(patientsWith(phone).map((p) => p.id)).toEqual([patientId]);
    expect(scenarios.sharedFamily.length).toBeGreaterThan(3);
    for (const { phone, patientIds } of scenarios.sharedFamily) expect(patientsWith(phone).map((p) => p.id).sort()).toEqual(patientIds);
    expect(scenarios.alternateOnly.length).toBeGreaterThan(10);
    for (const { phone, patientId } of scenarios.alternateOnly) {
      const [holder] = patientsWith(phone);
      expect(holder?.id).toBe(patientId);
      expect(holder!.telecom!.find((t) => t.value === phone)!.rank).toBe(2);
    }
    expect(scenarios.caregiver.length).toBeGreaterThan(5);
    for (const { phone, relatedPersonId, patientId } of scenarios.caregiver) {
      expect(patientsWith(phone)).toEqual([]);
      const rp = clinic.relatedPersons.find((r) => r.id === relatedPersonId);
      expect(rp?.patient.reference).toBe(`Patient/${patientId}`);
    }
  });

  it('gives unknown numbers that are valid yet held by nobody', () => {
    expect(scenarios.unknown.length).toBeGreaterThan(0);
    const held = new Set([...clinic.patients, ...clinic.relatedPersons].flatMap(phones));
    for (const phone of scenarios.unknown) {
      expect(isValidPhoneNumber(phone)).toBe(true);
      expect(held.has(phone)).toBe(false);
    }
  });
});
