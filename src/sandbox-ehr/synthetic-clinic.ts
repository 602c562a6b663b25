/**
 * A deterministic synthetic primary-care clinic: the data behind the sandbox EHR.
 *
 * Everything here is fake and every resource carries the `synthetic` meta tag. The same seed gives
 * byte-identical output (one seeded Faker per name origin, a fixed reference date, no Math.random,
 * no clock), so tests, demos and benchmark runs see the same patients and phone numbers.
 *
 * The data is shaped around what Callchart has to get right when a phone rings: numbers shared by a
 * household, alternate numbers, patients with no number, caregivers calling about someone else.
 */
import { Faker, base, de, en, en_IN, en_NG, en_US, es_MX, fr, pl, pt_BR, vi } from '@faker-js/faker';
import type { LocaleDefinition } from '@faker-js/faker';
import type {
  AllergyIntolerance,
  Appointment,
  CareTeam,
  Consent,
  CodeableConcept,
  Coding,
  Condition,
  ContactPoint,
  Encounter,
  HumanName,
  Meta,
  MedicationRequest,
  Organization,
  Patient,
  Practitioner,
  Reference,
  RelatedPerson,
  Resource,
  Schedule,
  ServiceRequest,
  Slot,
} from '@medplum/fhirtypes';
import {
  allergens,
  caregiverRoles,
  careTeamRoles,
  conditions as conditionCatalog,
  encounterTypes,
  medicationSig,
  medications,
  noKnownAllergy,
  orderCategory,
  pendingOrders,
  pregnancy,
  type ConditionEntry,
} from './clinical-catalog.ts';

export const SANDBOX_DEFAULT_SEED = 20261122;
export const SANDBOX_DEFAULT_PATIENT_COUNT = 240;
/** "Today" for the synthetic clinic. Fixed so ages and visit dates never drift between runs. */
export const SANDBOX_REFERENCE_DATE = '2026-11-01';
export const SANDBOX_MRN_SYSTEM = 'https://sandbox.callchart.dev/mrn';
export const SYNTHETIC_TAG = { system: 'https://callchart.dev/fhir/tags', code: 'synthetic', display: 'Synthetic test data' } as const;
/**
 * Eastern Massachusetts area codes. Only lines 555-0100..0199 are used: the range the North
 * American Numbering Plan reserves for fiction, yet libphonenumber-js still accepts them as valid.
 */
export const SANDBOX_AREA_CODES = ['617', '857', '781', '339', '508', '774', '978', '351'] as const;

export interface SyntheticClinicOptions {
  /** Number of patients; default 240. */
  patientCount?: number;
  /** Faker seed; default 20261122. The same seed always yields the same clinic. */
  seed?: number;
}

/** The generated clinic, by resource type, plus `resources` in an order safe to load (referenced first). */
export interface SyntheticClinic {
  seed: number;
  referenceDate: string;
  organization: Organization;
  practitioners: Practitioner[];
  patients: Patient[];
  relatedPersons: RelatedPerson[];
  careTeams: CareTeam[];
  conditions: Condition[];
  medicationRequests: MedicationRequest[];
  allergyIntolerances: AllergyIntolerance[];
  encounters: Encounter[];
  appointments: Appointment[];
  /** Recent hospital discharges (inpatient or emergency, finished in the day and a half before the reference date): the post-discharge list. */
  discharges: Encounter[];
  /** Missed visits in the week before the reference date (status `noshow`): the no-show list. */
  noShows: Appointment[];
  serviceRequests: ServiceRequest[];
  /** Standing preferences about phone-call data use (CO-1), for some patients. */
  consents: Consent[];
  resources: Resource[];
}

/** Example phone numbers for tests and call simulation, derived from a clinic's data. */
export interface SandboxPhoneScenarios {
  /** Held by exactly one patient (as primary) and by no caregiver. */
  uniquePatient: { phone: string; patientId: string }[];
  /** A household number held by two or more patients. */
  sharedFamily: { phone: string; patientIds: string[] }[];
  /** Held by exactly one patient, only as the alternate (rank 2) number. */
  alternateOnly: { phone: string; patientId: string }[];
  /** A caregiver's own number, which no patient holds. */
  caregiver: { phone: string; relatedPersonId: string; patientId: string }[];
  /** Valid E.164 numbers in the sandbox range that nobody holds. */
  unknown: string[];
}

const MS_PER_DAY = 86_400_000;
const REFERENCE_MS = Date.parse(`${SANDBOX_REFERENCE_DATE}T00:00:00Z`);
const ORGANIZATION_ID = 'org-01';
const PHYSICIAN_COUNT = 8;
const NURSE_COUNT = 4;

type Sex = 'female' | 'male';
type LanguageCode = 'en' | 'es' | 'vi' | 'zh' | 'hi' | 'ar' | 'yo' | 'pt' | 'pl' | 'fr' | 'de';

/** A source of Latin-script names: a Faker locale, or a short list where Faker only has other scripts. */
interface NameOrigin {
  language: LanguageCode;
  /** Share of patients drawn from this origin. */
  weight: number;
  /** Share of these patients who prefer a language other than English (interpreter needed). */
  nonEnglishPreferred: number;
  locale?: LocaleDefinition[];
  lists?: { female: readonly string[]; male: readonly string[]; family: readonly string[] };
}

// Faker's zh_CN and ar locales are in Han and Arabic script; registration systems in US clinics hold
// the Latin forms, so those origins use short romanised lists instead.
const pinyinNames = {
  female: ['Mei', 'Xiu Ying', 'Jing', 'Fang', 'Li Na', 'Yan', 'Hui', 'Xin'],
  male: ['Wei', 'Jun', 'Hao', 'Lei', 'Jian', 'Ming', 'Tao', 'Yong'],
  family: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou'],
} as const;
const arabicLatinNames = {
  female: ['Fatima', 'Aisha', 'Layla', 'Mariam', 'Noor', 'Huda', 'Salma', 'Rania'],
  male: ['Mohammed', 'Ahmed', 'Omar', 'Youssef', 'Hassan', 'Khalid', 'Tariq', 'Samir'],
  family: ['Haddad', 'Khalil', 'Nasser', 'Mansour', 'Hamdan', 'Saleh', 'El-Amin', 'Abdullah'],
} as const;

const nameOrigins: readonly NameOrigin[] = [
  { language: 'en', weight: 38, nonEnglishPreferred: 0, locale: [en_US, en, base] },
  { language: 'es', weight: 18, nonEnglishPreferred: 0.5, locale: [es_MX, en, base] },
  { language: 'vi', weight: 7, nonEnglishPreferred: 0.5, locale: [vi, en, base] },
  { language: 'zh', weight: 6, nonEnglishPreferred: 0.5, lists: pinyinNames },
  { language: 'hi', weight: 6, nonEnglishPreferred: 0.2, locale: [en_IN, en, base] },
  { language: 'ar', weight: 5, nonEnglishPreferred: 0.4, lists: arabicLatinNames },
  { language: 'yo', weight: 5, nonEnglishPreferred: 0.1, locale: [en_NG, en, base] },
  { language: 'pt', weight: 5, nonEnglishPreferred: 0.5, locale: [pt_BR, en, base] },
  { language: 'pl', weight: 4, nonEnglishPreferred: 0.3, locale: [pl, en, base] },
  { language: 'fr', weight: 3, nonEnglishPreferred: 0.3, locale: [fr, en, base] },
  { language: 'de', weight: 3, nonEnglishPreferred: 0.1, locale: [de, en, base] },
];

const languageDisplay: Record<LanguageCode, string> = {
  en: 'English', es: 'Spanish', vi: 'Vietnamese', zh: 'Chinese', hi: 'Hindi', ar: 'Arabic',
  yo: 'Yoruba', pt: 'Portuguese', pl: 'Polish', fr: 'French', de: 'German',
};

const towns = [
  { city: 'Boston', postalCode: '02118' }, { city: 'Cambridge', postalCode: '02139' },
  { city: 'Somerville', postalCode: '02143' }, { city: 'Quincy', postalCode: '02169' },
  { city: 'Malden', postalCode: '02148' }, { city: 'Chelsea', postalCode: '02150' },
  { city: 'Lowell', postalCode: '01852' }, { city: 'Brockton', postalCode: '02301' },
  { city: 'Lynn', postalCode: '01902' }, { city: 'Waltham', postalCode: '02453' },
] as const;

/** Every generated resource carries this, so synthetic data can never pass for real records. */
function syntheticMeta(): Meta {
  return { tag: [{ ...SYNTHETIC_TAG }] };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function isoDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function ref<T extends Resource>(resourceType: T['resourceType'], id: string, display?: string): Reference<T> {
  return display ? { reference: `${resourceType}/${id}`, display } : { reference: `${resourceType}/${id}` };
}

function concept(coding: Coding): CodeableConcept {
  return { coding: [{ system: coding.system, code: coding.code, display: coding.display }], text: coding.display };
}

function displayName(name: HumanName): string {
  return [...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

/** A person drawn before resources are built: what the rest of generation needs to know. */
interface PersonDraft {
  number: number;
  id: string;
  origin: NameOrigin;
  name: HumanName;
  sex: Sex;
  gender: Patient['gender'];
  age: number;
  birthDate: string;
  telecom: ContactPoint[];
  address: { line: string; city: string; postalCode: string };
}

/**
 * Generate the synthetic clinic. Pure and deterministic: same options, same output.
 *
 * @param options patient count (default 240) and seed (default 20261122)
 * @returns the clinic's resources, by type and as one load-ordered list
 */
export function generateSyntheticClinic(options: SyntheticClinicOptions = {}): SyntheticClinic {
  const seed = options.seed ?? SANDBOX_DEFAULT_SEED;
  const patientCount = options.patientCount ?? SANDBOX_DEFAULT_PATIENT_COUNT;
  if (!Number.isInteger(patientCount) || patientCount < 1 || patientCount > 9999) {
    throw new RangeError('patientCount must be an integer between 1 and 9999');
  }

  // One Faker drives structure (who has what); one per name origin supplies names. Each is seeded
  // from the clinic seed, so adding an origin does not reshuffle the structural choices.
  const rng = new Faker({ locale: [en_US, en, base] });
  rng.seed(seed);
  const originFakers = new Map<NameOrigin, Faker>();
  nameOrigins.forEach((origin, index) => {
    if (!origin.locale) return;
    const faker = new Faker({ locale: origin.locale });
    faker.seed(seed + 1 + index);
    originFakers.set(origin, faker);
  });

  const phonePool = rng.helpers.shuffle(allSandboxNumbers());
  let nextPhone = 0;
  const takePhone = (): string => {
    const phone = phonePool[nextPhone++];
    if (!phone) throw new RangeError('sandbox phone range exhausted; lower patientCount');
    return phone;
  };

  const pickOrigin = (): NameOrigin =>
    rng.helpers.weightedArrayElement(nameOrigins.map((origin) => ({ weight: origin.weight, value: origin })));

  const givenName = (origin: NameOrigin, sex: Sex): string => {
    const faker = originFakers.get(origin);
    if (faker) return faker.person.firstName(sex);
    return rng.helpers.arrayElement(origin.lists![sex]);
  };
  const familyName = (origin: NameOrigin): string => {
    const faker = originFakers.get(origin);
    if (faker) return faker.person.lastName();
    return rng.helpers.arrayElement(origin.lists!.family);
  };

  const birthDateForAge = (age: number): string => {
    // At least one day before the reference date, so a 0-year-old is already born.
    const daysIntoYear = rng.number.int({ min: 1, max: 364 });
    const birth = new Date(REFERENCE_MS - daysIntoYear * MS_PER_DAY);
    birth.setUTCFullYear(birth.getUTCFullYear() - age);
    return isoDate(birth.getTime());
  };

  const newAddress = (): PersonDraft['address'] => {
    const town = rng.helpers.arrayElement(towns);
    return { line: rng.location.streetAddress(), city: town.city, postalCode: town.postalCode };
  };

  const drafts: PersonDraft[] = [];
  const draftPerson = (origin: NameOrigin, age: number, family: string, address: PersonDraft['address']): PersonDraft => {
    const number = drafts.length + 1;
    const sex: Sex = rng.datatype.boolean() ? 'female' : 'male';
    // A few patients are registered with gender other/unknown, as real registration data has.
    const gender: Patient['gender'] = rng.datatype.boolean({ probability: 0.01 }) ? 'other' : sex;
    const given = [givenName(origin, sex)];
    const draft: PersonDraft = {
      number,
      id: `pat-${String(number).padStart(4, '0')}`,
      origin,
      name: { use: 'official', family, given },
      sex,
      gender,
      age,
      birthDate: birthDateForAge(age),
      telecom: [],
      address,
    };
    drafts.push(draft);
    return draft;
  };

  // Households first: about 10% of patients share a home number with another patient (a parent and
  // their children, or an elderly couple), the case where caller ID alone cannot say who is calling.
  while (drafts.length < patientCount) {
    const remaining = patientCount - drafts.length;
    const origin = pickOrigin();
    const address = newAddress();
    if (remaining >= 2 && rng.datatype.boolean({ probability: 0.07 })) {
      const family = familyName(origin);
      const homePhone = takePhone();
      const members: PersonDraft[] = [];
      if (rng.datatype.boolean({ probability: 0.7 })) {
        members.push(draftPerson(origin, rng.number.int({ min: 25, max: 50 }), family, address));
        const children = remaining >= 3 && rng.datatype.boolean({ probability: 0.35 }) ? 2 : 1;
        for (let i = 0; i < children; i++) members.push(draftPerson(origin, rng.number.int({ min: 0, max: 17 }), family, address));
      } else {
        members.push(draftPerson(origin, rng.number.int({ min: 65, max: 90 }), family, address));
        members.push(draftPerson(origin, rng.number.int({ min: 65, max: 90 }), family, address));
      }
      for (const member of members) {
        member.telecom.push({ system: 'phone', value: homePhone, use: 'home', rank: 1 });
        // Adults in a household often also have their own mobile.
        if (member.age >= 18 && rng.datatype.boolean({ probability: 0.5 })) {
          member.telecom.push({ system: 'phone', value: takePhone(), use: 'mobile', rank: 2 });
        }
      }
      continue;
    }

    const person = draftPerson(origin, rng.number.int({ min: 0, max: 95 }), familyName(origin), address);
    // About 5% have no phone on file at all (declined, disconnected, never collected).
    if (rng.datatype.boolean({ probability: 0.06 })) continue;
    const primaryUse: ContactPoint['use'] = person.age >= 18 && rng.datatype.boolean({ probability: 0.7 }) ? 'mobile' : 'home';
    person.telecom.push({ system: 'phone', value: takePhone(), use: primaryUse, rank: 1 });
    if (rng.datatype.boolean({ probability: 0.3 })) {
      person.telecom.push({ system: 'phone', value: takePhone(), use: primaryUse === 'mobile' ? 'home' : 'mobile', rank: 2 });
    }
  }

  const organization: Organization = {
    resourceType: 'Organization',
    id: ORGANIZATION_ID,
    meta: syntheticMeta(),
    active: true,
    name: 'Callchart Sandbox Family Medicine',
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov', display: 'Healthcare Provider' }] }],
  };

  const practitioners: Practitioner[] = [];
  for (let i = 1; i <= PHYSICIAN_COUNT + NURSE_COUNT; i++) {
    const isNurse = i > PHYSICIAN_COUNT;
    const origin = pickOrigin();
    const sex: Sex = rng.datatype.boolean() ? 'female' : 'male';
    const credential = isNurse ? 'RN' : rng.helpers.arrayElement(['MD', 'MD', 'DO', 'NP'] as const);
    practitioners.push({
      resourceType: 'Practitioner',
      id: `prac-${String(i).padStart(2, '0')}`,
      meta: syntheticMeta(),
      active: true,
      name: [{ use: 'official', family: familyName(origin), given: [givenName(origin, sex)], suffix: [credential] }],
      gender: sex,
      qualification: [{ code: { text: credential } }],
    });
  }
  const physicians = practitioners.slice(0, PHYSICIAN_COUNT);
  const nurses = practitioners.slice(PHYSICIAN_COUNT);
  const practitionerRef = (p: Practitioner): Reference<Practitioner> =>
    ref<Practitioner>('Practitioner', p.id!, displayName(p.name![0]!));

  const patients: Patient[] = [];
  const relatedPersons: RelatedPerson[] = [];
  const careTeams: CareTeam[] = [];
  const conditions: Condition[] = [];
  const medicationRequests: MedicationRequest[] = [];
  const allergyIntolerances: AllergyIntolerance[] = [];
  const encounters: Encounter[] = [];
  const appointments: Appointment[] = [];
  const serviceRequests: ServiceRequest[] = [];

  for (const draft of drafts) {
    const key = String(draft.number).padStart(4, '0');
    const pcp = rng.helpers.arrayElement(physicians);
    const nurse = rng.helpers.arrayElement(nurses);
    const patientRef = ref<Patient>('Patient', draft.id);
    const prefersOtherLanguage = draft.origin.language !== 'en' && rng.datatype.boolean({ probability: draft.origin.nonEnglishPreferred });

    const patient: Patient = {
      resourceType: 'Patient',
      id: draft.id,
      meta: syntheticMeta(),
      identifier: [{
        use: 'usual',
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }] },
        system: SANDBOX_MRN_SYSTEM,
        value: `MRN${String(rng.number.int({ min: 0, max: 99 })).padStart(2, '0')}${key}`,
      }],
      active: true,
      name: [draft.name],
      ...(draft.telecom.length > 0 ? { telecom: draft.telecom } : {}),
      gender: draft.gender,
      birthDate: draft.birthDate,
      address: [{ use: 'home', line: [draft.address.line], city: draft.address.city, state: 'MA', postalCode: draft.address.postalCode, country: 'US' }],
      ...(prefersOtherLanguage
        ? { communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: draft.origin.language, display: languageDisplay[draft.origin.language] }] }, preferred: true }] }
        : {}),
      generalPractitioner: [practitionerRef(pcp)],
      managingOrganization: ref<Organization>('Organization', ORGANIZATION_ID),
    };
    patients.push(patient);

    careTeams.push({
      resourceType: 'CareTeam',
      id: `ct-${key}`,
      meta: syntheticMeta(),
      status: 'active',
      name: 'Primary care team',
      subject: patientRef,
      participant: [
        { role: [concept(careTeamRoles.pcp)], member: practitionerRef(pcp) },
        { role: [concept(careTeamRoles.nurse)], member: practitionerRef(nurse) },
      ],
      managingOrganization: [ref<Organization>('Organization', ORGANIZATION_ID)],
    });

    // Caregivers: parents of some minors, an adult child or spouse of some elderly patients.
    const caregiverChance = draft.age < 18 ? 0.45 : draft.age >= 75 ? 0.4 : 0.03;
    if (rng.datatype.boolean({ probability: caregiverChance })) {
      const role = draft.age < 18
        ? rng.helpers.arrayElement([caregiverRoles.mother, caregiverRoles.mother, caregiverRoles.father])
        : draft.age >= 75
          ? rng.helpers.arrayElement([caregiverRoles.daughter, caregiverRoles.son, caregiverRoles.spouse])
          : caregiverRoles.sibling;
      const caregiverSex: Sex = role.code === 'MTH' || role.code === 'DAU' ? 'female' : role.code === 'FTH' || role.code === 'SON' ? 'male' : rng.datatype.boolean() ? 'female' : 'male';
      const primary = draft.telecom[0]?.value;
      // A parent often answers on the child's home number; otherwise the caregiver calls from their
      // own mobile, a number no patient holds, so it identifies the RelatedPerson.
      const phone = primary && draft.age < 18 && rng.datatype.boolean({ probability: 0.4 }) ? primary : takePhone();
      relatedPersons.push({
        resourceType: 'RelatedPerson',
        id: `rp-${key}`,
        meta: syntheticMeta(),
        active: true,
        patient: patientRef,
        relationship: [concept(role)],
        name: [{ use: 'official', family: role.code === 'SPS' || draft.age < 18 || rng.datatype.boolean() ? draft.name.family : familyName(draft.origin), given: [givenName(draft.origin, caregiverSex)] }],
        telecom: [{ system: 'phone', value: phone, use: phone === primary ? 'home' : 'mobile', rank: 1 }],
        gender: caregiverSex,
      });
    }

    // Chronic problem list: older patients carry more conditions, as in real panels.
    const patientConditions: { entry: ConditionEntry; id: string }[] = [];
    const eligible = conditionCatalog.filter((c) => draft.age >= c.minAge && draft.age <= c.maxAge && (c.sex === 'any' || c.sex === draft.sex));
    const maxConditions = Math.min(4, eligible.length, draft.age < 18 ? 1 : draft.age < 45 ? 2 : 4);
    const conditionCount = rng.number.int({ min: 0, max: maxConditions });
    const chosen: ConditionEntry[] = [];
    for (let i = 0; i < conditionCount; i++) {
      const remaining = eligible.filter((c) => !chosen.includes(c));
      if (remaining.length === 0) break;
      chosen.push(rng.helpers.weightedArrayElement(remaining.map((c) => ({ weight: c.weight, value: c }))));
    }
    if (draft.sex === 'female' && draft.gender === 'female' && draft.age >= pregnancy.minAge && draft.age <= pregnancy.maxAge && rng.datatype.boolean({ probability: 0.08 })) {
      chosen.push(pregnancy);
    }
    chosen.forEach((entry, index) => {
      const id = `cond-${key}-${index + 1}`;
      const isPregnancy = entry === pregnancy;
      const onsetDaysAgo = isPregnancy ? rng.number.int({ min: 30, max: 200 }) : rng.number.int({ min: 60, max: Math.max(61, (draft.age - entry.minAge + 1) * 365) });
      conditions.push({
        resourceType: 'Condition',
        id,
        meta: syntheticMeta(),
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active', display: 'Active' }] },
        verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed', display: 'Confirmed' }] },
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item', display: 'Problem List Item' }] }],
        code: concept(entry.coding),
        subject: patientRef,
        onsetDateTime: isoDate(REFERENCE_MS - onsetDaysAgo * MS_PER_DAY),
        recordedDate: isoDate(REFERENCE_MS - rng.number.int({ min: 1, max: Math.min(onsetDaysAgo, 3650) }) * MS_PER_DAY),
      });
      patientConditions.push({ entry, id });
    });

    // Active medication list follows the problem list; albuterol appears once even for asthma + COPD.
    const prescribed = new Set<string>();
    for (const { entry, id } of patientConditions) {
      for (const medication of entry.medications) {
        if (prescribed.has(medication)) continue;
        prescribed.add(medication);
        medicationRequests.push({
          resourceType: 'MedicationRequest',
          id: `medrx-${key}-${prescribed.size}`,
          meta: syntheticMeta(),
          status: 'active',
          intent: 'order',
          medicationCodeableConcept: concept(medications[medication]),
          subject: patientRef,
          authoredOn: isoDate(REFERENCE_MS - rng.number.int({ min: 14, max: 700 }) * MS_PER_DAY),
          requester: practitionerRef(pcp),
          reasonReference: [ref<Condition>('Condition', id)],
          dosageInstruction: [{ text: medicationSig[medication] }],
        });
      }
    }

    // Allergies: ~35% explicitly "no known allergies", ~30% with one or two, the rest never recorded.
    const allergyRoll = rng.number.float({ min: 0, max: 1 });
    const allergyBase = {
      resourceType: 'AllergyIntolerance' as const,
      meta: syntheticMeta(),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active', display: 'Active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed', display: 'Confirmed' }] },
      patient: patientRef,
      recordedDate: isoDate(REFERENCE_MS - rng.number.int({ min: 30, max: 2000 }) * MS_PER_DAY),
    };
    if (allergyRoll < 0.35) {
      allergyIntolerances.push({ ...allergyBase, id: `allergy-${key}-1`, code: concept(noKnownAllergy) });
    } else if (allergyRoll < 0.65) {
      const picked = rng.helpers.arrayElements(allergens, { min: 1, max: 2 });
      picked.forEach((allergen, index) => {
        const severe = allergen.reaction.code === '39579001' || rng.datatype.boolean({ probability: 0.25 });
        allergyIntolerances.push({
          ...allergyBase,
          id: `allergy-${key}-${index + 1}`,
          type: 'allergy',
          category: [allergen.category],
          criticality: severe ? 'high' : 'low',
          code: concept(allergen.coding),
          reaction: [{ manifestation: [concept(allergen.reaction)], severity: severe ? 'severe' : 'mild' }],
        });
      });
    }

    // Past visits in the last 18 months, seen by the PCP (sometimes the nurse).
    const encounterCount = rng.number.int({ min: 0, max: 3 });
    for (let i = 1; i <= encounterCount; i++) {
      const startMs = REFERENCE_MS - rng.number.int({ min: 2, max: 548 }) * MS_PER_DAY + rng.number.int({ min: 13, max: 21 }) * 3_600_000;
      const reason = patientConditions.length > 0 ? rng.helpers.arrayElement(patientConditions).entry.coding : encounterTypes.checkUp;
      const seenBy = rng.datatype.boolean({ probability: 0.8 }) ? pcp : nurse;
      encounters.push({
        resourceType: 'Encounter',
        id: `enc-${key}-${i}`,
        meta: syntheticMeta(),
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
        type: [concept(patientConditions.length > 0 ? encounterTypes.followUp : encounterTypes.checkUp)],
        subject: patientRef,
        participant: [{ individual: practitionerRef(seenBy) }],
        period: { start: isoDateTime(startMs), end: isoDateTime(startMs + 30 * 60_000) },
        reasonCode: [concept(reason)],
        serviceProvider: ref<Organization>('Organization', ORGANIZATION_ID),
      });
    }

    // Some patients have a booked visit in the next two months (during clinic hours, US Eastern).
    if (rng.datatype.boolean({ probability: 0.3 })) {
      const startMs = REFERENCE_MS + rng.number.int({ min: 1, max: 60 }) * MS_PER_DAY + (13 + rng.number.int({ min: 0, max: 15 }) * 0.5) * 3_600_000;
      appointments.push({
        resourceType: 'Appointment',
        id: `appt-${key}-1`,
        meta: syntheticMeta(),
        status: 'booked',
        serviceType: [{ text: patientConditions.length > 0 ? 'Follow-up visit' : 'Annual wellness visit' }],
        start: isoDateTime(startMs),
        end: isoDateTime(startMs + 20 * 60_000),
        minutesDuration: 20,
        participant: [
          { actor: patientRef, status: 'accepted', required: 'required' },
          { actor: practitionerRef(pcp), status: 'accepted', required: 'required' },
        ],
      });
    }

    // Pending orders the caller may ask about ("did my results come back?").
    if (draft.age >= 18 && rng.datatype.boolean({ probability: 0.25 })) {
      const applicable = pendingOrders.filter((order) =>
        ('requiresCondition' in order ? patientConditions.some((c) => c.entry.coding.code === order.requiresCondition) : true)
        && ('femaleOver' in order ? draft.sex === 'female' && draft.age >= order.femaleOver : true));
      rng.helpers.arrayElements(applicable, { min: 1, max: 2 }).forEach((order, index) => {
        serviceRequests.push({
          resourceType: 'ServiceRequest',
          id: `sr-${key}-${index + 1}`,
          meta: syntheticMeta(),
          status: 'active',
          intent: 'order',
          category: [concept(orderCategory[order.kind])],
          code: concept(order.coding),
          subject: patientRef,
          authoredOn: isoDate(REFERENCE_MS - rng.number.int({ min: 1, max: 45 }) * MS_PER_DAY),
          requester: practitionerRef(pcp),
        });
      });
    }
  }

  const consents = standingConsents(patients);
  const { discharges, noShows } = outreachEvents(patients);
  const resources: Resource[] = [
    organization, ...practitioners, ...patients, ...relatedPersons, ...careTeams, ...conditions,
    ...medicationRequests, ...allergyIntolerances, ...encounters, ...appointments, ...serviceRequests, ...consents,
    ...discharges, ...noShows,
  ];
  return {
    seed, referenceDate: SANDBOX_REFERENCE_DATE, organization, practitioners, patients, relatedPersons, careTeams,
    conditions, medicationRequests, allergyIntolerances, encounters, appointments, discharges, noShows, serviceRequests, consents, resources,
  };
}

/**
 * What the outreach lists find (issue 16, FU-2), chosen by position (no random draws, so the rest
 * of the clinic is unchanged): every 20th patient (the 20th, 40th, …) was discharged from hospital,
 * alternately after an inpatient stay and an emergency visit, 6 to 38 hours before the reference
 * date; every 20th patient from the 18th missed a visit 1 to 6 days before it.
 */
function outreachEvents(patients: readonly Patient[]): { discharges: Encounter[]; noShows: Appointment[] } {
  const discharges: Encounter[] = [];
  const noShows: Appointment[] = [];
  const organizationRef = ref<Organization>('Organization', ORGANIZATION_ID);
  patients.forEach((patient, index) => {
    const key = String(index + 1).padStart(4, '0');
    const patientRef = ref<Patient>('Patient', patient.id!);
    if (index % 20 === 19) {
      const inpatient = discharges.length % 2 === 0;
      const endMs = REFERENCE_MS - ((discharges.length % 5) * 8 + 6) * 3_600_000;
      discharges.push({
        resourceType: 'Encounter',
        id: `enc-${key}-discharge`,
        meta: syntheticMeta(),
        status: 'finished',
        class: inpatient
          ? { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' }
          : { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER', display: 'emergency' },
        subject: patientRef,
        period: { start: isoDateTime(endMs - (inpatient ? 3 * MS_PER_DAY : 5 * 3_600_000)), end: isoDateTime(endMs) },
        ...(inpatient ? { hospitalization: { dischargeDisposition: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition', code: 'home', display: 'Home' }] } } } : {}),
        serviceProvider: organizationRef,
      });
    }
    if (index % 20 === 17) {
      const startMs = REFERENCE_MS - ((noShows.length % 6) + 1) * MS_PER_DAY + 14 * 3_600_000;
      noShows.push({
        resourceType: 'Appointment',
        id: `appt-${key}-noshow`,
        meta: syntheticMeta(),
        status: 'noshow',
        serviceType: [{ text: 'Follow-up visit' }],
        start: isoDateTime(startMs),
        end: isoDateTime(startMs + 20 * 60_000),
        minutesDuration: 20,
        participant: [{ actor: patientRef, status: 'accepted', required: 'required' }],
      });
    }
  });
  return { discharges, noShows };
}

/** The code system of the four call data uses a standing Consent can permit or deny (as Callchart reads it). */
const callDataUseSystem = 'https://callchart.dev/fhir/CodeSystem/call-data-use';

/**
 * Standing preferences, chosen by position (no random draws, so the rest of the clinic is
 * unchanged): every 9th patient has opted out of AI on their calls, every 13th out of call content
 * in the chart, every 11th has opted in to all four uses.
 */
function standingConsents(patients: readonly Patient[]): Consent[] {
  const consents: Consent[] = [];
  patients.forEach((patient, index) => {
    const choice = index % 9 === 4 ? { type: 'deny' as const, uses: ['ai'] }
      : index % 13 === 6 ? { type: 'deny' as const, uses: ['ehr'] }
        : index % 11 === 3 ? { type: 'permit' as const, uses: ['record', 'transcribe', 'ai', 'ehr'] } : null;
    if (!choice) return;
    consents.push({
      resourceType: 'Consent',
      id: `consent-${patient.id}`,
      meta: syntheticMeta(),
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Consent Document' }] }],
      patient: { reference: `Patient/${patient.id}` },
      dateTime: isoDate(REFERENCE_MS - 200 * MS_PER_DAY),
      policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: choice.type === 'deny' ? 'OPTOUT' : 'OPTIN' }] },
      provision: { type: choice.type, code: choice.uses.map((use) => ({ coding: [{ system: callDataUseSystem, code: use }] })) },
    });
  });
  return consents;
}

/** Every number the sandbox may hand out, in a fixed order: +1 AAA 555 0100..0199 per area code. */
export function allSandboxNumbers(): string[] {
  const numbers: string[] = [];
  for (const areaCode of SANDBOX_AREA_CODES) {
    for (let line = 100; line <= 199; line++) numbers.push(`+1${areaCode}555${String(line).padStart(4, '0')}`);
  }
  return numbers;
}

function phonesOf(resource: { telecom?: ContactPoint[] }): ContactPoint[] {
  return (resource.telecom ?? []).filter((t) => t.system === 'phone' && typeof t.value === 'string');
}

/**
 * Example numbers for tests and call simulation, derived from the clinic's own data (not from
 * generator internals), so they stay right if generation changes.
 */
export function sandboxPhoneScenarios(clinic: SyntheticClinic): SandboxPhoneScenarios {
  const holders = new Map<string, { patientId: string; rank: number }[]>();
  for (const patient of clinic.patients) {
    for (const contact of phonesOf(patient)) {
      const list = holders.get(contact.value!) ?? [];
      list.push({ patientId: patient.id!, rank: contact.rank ?? 1 });
      holders.set(contact.value!, list);
    }
  }
  const caregiverPhones = new Set(clinic.relatedPersons.flatMap((rp) => phonesOf(rp).map((t) => t.value!)));

  const scenarios: SandboxPhoneScenarios = { uniquePatient: [], sharedFamily: [], alternateOnly: [], caregiver: [], unknown: [] };
  for (const [phone, list] of holders) {
    const patientIds = [...new Set(list.map((h) => h.patientId))].sort();
    if (patientIds.length > 1) {
      scenarios.sharedFamily.push({ phone, patientIds });
    } else if (list.every((h) => h.rank === 1) && !caregiverPhones.has(phone)) {
      scenarios.uniquePatient.push({ phone, patientId: patientIds[0]! });
    } else if (list.every((h) => h.rank > 1) && !caregiverPhones.has(phone)) {
      scenarios.alternateOnly.push({ phone, patientId: patientIds[0]! });
    }
  }
  for (const rp of clinic.relatedPersons) {
    for (const contact of phonesOf(rp)) {
      if (holders.has(contact.value!)) continue;
      const patientId = rp.patient.reference!.replace('Patient/', '');
      scenarios.caregiver.push({ phone: contact.value!, relatedPersonId: rp.id!, patientId });
    }
  }
  const used = new Set([...holders.keys(), ...caregiverPhones]);
  // Take unknown numbers from the end of the range, which the shuffled allocator reaches last.
  scenarios.unknown = allSandboxNumbers().filter((phone) => !used.has(phone)).slice(-5);
  return scenarios;
}

/** The service type the sandbox's schedules offer (HL7 service-type code 124, General Practice). */
export const SANDBOX_SERVICE_TYPE = { system: 'http://terminology.hl7.org/CodeSystem/service-type', code: '124', display: 'General Practice' } as const;

export interface SandboxScheduleOptions {
  /** First day of slots (YYYY-MM-DD, UTC). */
  from: string;
  /** Days of slots from `from`; default 14. Weekends have none. */
  days?: number;
}

/**
 * The physicians' diaries (SC-1): one Schedule per physician and 30-minute Slots on weekdays in
 * clinic hours (9:00–12:00 and 13:00–17:00 US Eastern, written at UTC−5 as the rest of the clinic
 * is), about a third of them busy. Pure and deterministic: which slots are busy follows from the
 * practitioner's and the slot's position, never from a clock or a random draw, so the same `from`
 * gives the same diary. Slot ids carry the practitioner and the UTC start, so they are stable too.
 */
export function generateSchedules(clinic: Pick<SyntheticClinic, 'practitioners'>, options: SandboxScheduleOptions): { schedules: Schedule[]; slots: Slot[] } {
  const days = options.days ?? 14;
  const fromMs = Date.parse(`${options.from}T00:00:00Z`);
  if (!Number.isFinite(fromMs)) throw new RangeError('from must be a date as YYYY-MM-DD');
  const physicians = clinic.practitioners.filter((practitioner) => practitioner.qualification?.[0]?.code.text !== 'RN');
  const schedules: Schedule[] = [];
  const slots: Slot[] = [];
  const localHours = [9, 9.5, 10, 10.5, 11, 11.5, 13, 13.5, 14, 14.5, 15, 15.5, 16, 16.5];
  physicians.forEach((physician, physicianIndex) => {
    const scheduleId = `sched-${physician.id}`;
    schedules.push({
      resourceType: 'Schedule',
      id: scheduleId,
      meta: syntheticMeta(),
      active: true,
      serviceType: [concept(SANDBOX_SERVICE_TYPE)],
      actor: [ref<Practitioner>('Practitioner', physician.id!, displayName(physician.name![0]!))],
      planningHorizon: { start: isoDateTime(fromMs), end: isoDateTime(fromMs + days * MS_PER_DAY) },
    });
    for (let day = 0; day < days; day++) {
      const dayMs = fromMs + day * MS_PER_DAY;
      const weekday = new Date(dayMs).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      localHours.forEach((hour, slotIndex) => {
        // Eastern standard time is UTC−5: 9:00 local is 14:00 UTC.
        const startMs = dayMs + (hour + 5) * 3_600_000;
        const busy = (physicianIndex * 7 + day * 3 + slotIndex * 5) % 3 === 0;
        slots.push({
          resourceType: 'Slot',
          id: `slot-${physician.id}-${new Date(startMs).toISOString().slice(0, 16).replace(/[-:]/g, '')}`,
          meta: syntheticMeta(),
          serviceType: [concept(SANDBOX_SERVICE_TYPE)],
          schedule: { reference: `Schedule/${scheduleId}` },
          status: busy ? 'busy' : 'free',
          start: isoDateTime(startMs),
          end: isoDateTime(startMs + 30 * 60_000),
        });
      });
    }
  });
  return { schedules, slots };
}
