/**
 * The small, realistic code lists the synthetic clinic draws from. Kept apart from the generator so
 * a reviewer can check codes in one place. Codes were chosen from memory of SNOMED CT, RxNorm and
 * LOINC; they are test data for a sandbox, not a terminology source.
 */
import type { Coding } from '@medplum/fhirtypes';

export const SNOMED = 'http://snomed.info/sct';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const LOINC = 'http://loinc.org';

/** Sex at which a condition can be recorded; `any` for most. */
type SexFilter = 'any' | 'female';

export interface ConditionEntry {
  coding: Coding;
  /** Youngest age (years) at which the generator will assign it, so children do not get CKD. */
  minAge: number;
  maxAge: number;
  sex: SexFilter;
  /** Relative likelihood among eligible conditions, roughly following US adult prevalence. */
  weight: number;
  /** Keys into `medications` for what a PCP would typically have on the active med list. */
  medications: readonly MedicationKey[];
}

export const medications = {
  lisinopril: { system: RXNORM, code: '314076', display: 'lisinopril 10 MG Oral Tablet' },
  amlodipine: { system: RXNORM, code: '197361', display: 'amlodipine 5 MG Oral Tablet' },
  metformin: { system: RXNORM, code: '861007', display: 'metformin hydrochloride 500 MG Oral Tablet' },
  atorvastatin: { system: RXNORM, code: '617310', display: 'atorvastatin 20 MG Oral Tablet' },
  albuterol: { system: RXNORM, code: '745679', display: '200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler' },
  apixaban: { system: RXNORM, code: '1364445', display: 'apixaban 5 MG Oral Tablet' },
  sertraline: { system: RXNORM, code: '312940', display: 'sertraline 50 MG Oral Tablet' },
  furosemide: { system: RXNORM, code: '310429', display: 'furosemide 20 MG Oral Tablet' },
} as const satisfies Record<string, Coding>;
export type MedicationKey = keyof typeof medications;

/** How each medication is taken; shown in MedicationRequest.dosageInstruction.text. */
export const medicationSig: Record<MedicationKey, string> = {
  lisinopril: 'Take 1 tablet by mouth once daily',
  amlodipine: 'Take 1 tablet by mouth once daily',
  metformin: 'Take 1 tablet by mouth twice daily with meals',
  atorvastatin: 'Take 1 tablet by mouth at bedtime',
  albuterol: 'Inhale 2 puffs every 4 to 6 hours as needed for wheezing',
  apixaban: 'Take 1 tablet by mouth twice daily',
  sertraline: 'Take 1 tablet by mouth once daily',
  furosemide: 'Take 1 tablet by mouth every morning',
};

export const conditions: readonly ConditionEntry[] = [
  { coding: { system: SNOMED, code: '38341003', display: 'Hypertensive disorder, systemic arterial (disorder)' }, minAge: 25, maxAge: 120, sex: 'any', weight: 30, medications: ['lisinopril'] },
  { coding: { system: SNOMED, code: '55822004', display: 'Hyperlipidemia (disorder)' }, minAge: 30, maxAge: 120, sex: 'any', weight: 22, medications: ['atorvastatin'] },
  { coding: { system: SNOMED, code: '44054006', display: 'Diabetes mellitus type 2 (disorder)' }, minAge: 25, maxAge: 120, sex: 'any', weight: 14, medications: ['metformin'] },
  { coding: { system: SNOMED, code: '195967001', display: 'Asthma (disorder)' }, minAge: 3, maxAge: 120, sex: 'any', weight: 10, medications: ['albuterol'] },
  { coding: { system: SNOMED, code: '35489007', display: 'Depressive disorder (disorder)' }, minAge: 12, maxAge: 120, sex: 'any', weight: 10, medications: ['sertraline'] },
  { coding: { system: SNOMED, code: '13645005', display: 'Chronic obstructive lung disease (disorder)' }, minAge: 45, maxAge: 120, sex: 'any', weight: 6, medications: ['albuterol'] },
  { coding: { system: SNOMED, code: '709044004', display: 'Chronic kidney disease (disorder)' }, minAge: 45, maxAge: 120, sex: 'any', weight: 6, medications: ['amlodipine'] },
  { coding: { system: SNOMED, code: '49436004', display: 'Atrial fibrillation (disorder)' }, minAge: 50, maxAge: 120, sex: 'any', weight: 5, medications: ['apixaban'] },
  { coding: { system: SNOMED, code: '84114007', display: 'Heart failure (disorder)' }, minAge: 55, maxAge: 120, sex: 'any', weight: 4, medications: ['furosemide'] },
];

/** Recorded separately from chronic conditions: only for women of child-bearing age. */
export const pregnancy: ConditionEntry = {
  coding: { system: SNOMED, code: '77386006', display: 'Pregnancy (finding)' },
  minAge: 18,
  maxAge: 42,
  sex: 'female',
  weight: 0,
  medications: [],
};

export const allergens = [
  { coding: { system: SNOMED, code: '764146007', display: 'Penicillin (substance)' }, category: 'medication', reaction: { system: SNOMED, code: '271807003', display: 'Eruption of skin (disorder)' } },
  { coding: { system: SNOMED, code: '387406002', display: 'Sulfonamide (substance)' }, category: 'medication', reaction: { system: SNOMED, code: '271807003', display: 'Eruption of skin (disorder)' } },
  { coding: { system: SNOMED, code: '762952008', display: 'Peanut (substance)' }, category: 'food', reaction: { system: SNOMED, code: '39579001', display: 'Anaphylaxis (disorder)' } },
  { coding: { system: SNOMED, code: '111088007', display: 'Latex (substance)' }, category: 'environment', reaction: { system: SNOMED, code: '247472004', display: 'Wheal (finding)' } },
] as const;

/** Recorded as an AllergyIntolerance, as Epic does, so "asked, none" differs from "never asked". */
export const noKnownAllergy: Coding = { system: SNOMED, code: '716186003', display: 'No known allergy (situation)' };

export const pendingOrders = [
  { coding: { system: LOINC, code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' }, kind: 'lab', requiresCondition: '44054006' },
  { coding: { system: LOINC, code: '57698-3', display: 'Lipid panel with direct LDL - Serum or Plasma' }, kind: 'lab' },
  { coding: { system: LOINC, code: '58410-2', display: 'CBC panel - Blood by Automated count' }, kind: 'lab' },
  { coding: { system: LOINC, code: '51990-0', display: 'Basic metabolic panel - Blood' }, kind: 'lab' },
  { coding: { system: LOINC, code: '3016-3', display: 'Thyrotropin [Units/volume] in Serum or Plasma' }, kind: 'lab' },
  { coding: { system: LOINC, code: '36643-5', display: 'XR Chest 2 Views' }, kind: 'imaging' },
  { coding: { system: LOINC, code: '24606-6', display: 'MG Breast Screening' }, kind: 'imaging', femaleOver: 40 },
] as const;

export const orderCategory = {
  lab: { system: SNOMED, code: '108252007', display: 'Laboratory procedure' },
  imaging: { system: SNOMED, code: '363679005', display: 'Imaging' },
} as const satisfies Record<string, Coding>;

export const encounterTypes = {
  checkUp: { system: SNOMED, code: '185349003', display: 'Encounter for check up (procedure)' },
  followUp: { system: SNOMED, code: '390906007', display: 'Follow-up encounter (procedure)' },
} as const satisfies Record<string, Coding>;

/** Who looks after a patient, in the v3 RoleCode terms Epic exposes on RelatedPerson. */
export const caregiverRoles = {
  mother: { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH', display: 'mother' },
  father: { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'FTH', display: 'father' },
  daughter: { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'DAU', display: 'natural daughter' },
  son: { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SON', display: 'natural son' },
  spouse: { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SPS', display: 'spouse' },
  sibling: { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SIB', display: 'sibling' },
} as const satisfies Record<string, Coding>;

export const careTeamRoles = {
  pcp: { system: SNOMED, code: '446050000', display: 'Primary care physician (occupation)' },
  nurse: { system: SNOMED, code: '224535009', display: 'Registered nurse (occupation)' },
} as const satisfies Record<string, Coding>;
