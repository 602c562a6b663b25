import type { ContactPoint, Patient, RelatedPerson } from '@medplum/fhirtypes';
import type { CallEvent } from '../calls/call-event.schema.ts';

/**
 * Synthetic call traffic for demos, tests and benchmarks: who calls (a known patient, a number a
 * family shares, a caregiver, a stranger, a withheld number), what they say, and which chart the
 * resulting Task must be linked to. Every caller and transcript here is synthetic.
 */
export const callerKinds = ['known', 'shared', 'caregiver', 'unknown', 'blocked'] as const;
export type CallerKind = (typeof callerKinds)[number];

export interface SimulatedCaller {
  kind: CallerKind;
  /** The ANI as the PBX sends it (deliberately in mixed formats). */
  ani: string;
  /** The chart the Task must be linked to; null when no single chart can be known. */
  expectedPatientId: string | null;
  /** Date of birth the caller keys in (MMDDYYYY), verifying identity; absent = not offered. */
  dobDigits?: string;
}

export interface CallerPool {
  known: { phone: string; patientId: string }[];
  shared: string[];
  caregiver: { phone: string; patientId: string }[];
  unknown: string[];
  /** Who shares each shared number (primary phone holders). */
  sharedBy: Record<string, string[]>;
  birthDates: Record<string, string>;
}

const phoneValues = (telecom: ContactPoint[] | undefined) =>
  (telecom ?? []).filter((point) => point.system === 'phone' && point.value).map((point) => point.value!);

/** Sorts the EHR's patients and caregivers into callers whose expected match is unambiguous. */
export function buildCallerPool(patients: readonly Patient[], relatedPersons: readonly RelatedPerson[]): CallerPool {
  const owners = new Map<string, Set<string>>();
  for (const patient of patients) {
    for (const phone of phoneValues(patient.telecom)) {
      const set = owners.get(phone) ?? new Set<string>();
      set.add(patient.id!);
      owners.set(phone, set);
    }
  }
  const primaryOf = (patient: Patient) =>
    [...(patient.telecom ?? [])].filter((p) => p.system === 'phone' && p.value).sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99))[0]?.value;
  const known: CallerPool['known'] = [];
  for (const patient of patients) {
    const primary = primaryOf(patient);
    if (primary && owners.get(primary)?.size === 1) known.push({ phone: primary, patientId: patient.id! });
  }
  const shared = [...owners.entries()]
    .filter(([phone, ids]) => ids.size > 1 && patients.filter((p) => ids.has(p.id!) && primaryOf(p) === phone).length > 1)
    .map(([phone]) => phone);
  const caregiverPhones = new Map<string, Set<string>>();
  for (const person of relatedPersons) {
    const patientId = person.patient?.reference?.replace(/^Patient\//, '');
    if (!patientId) continue;
    for (const phone of phoneValues(person.telecom)) {
      const set = caregiverPhones.get(phone) ?? new Set<string>();
      set.add(patientId);
      caregiverPhones.set(phone, set);
    }
  }
  const caregiver = [...caregiverPhones.entries()]
    .filter(([phone, ids]) => ids.size === 1 && !owners.has(phone))
    .map(([phone, ids]) => ({ phone, patientId: [...ids][0]! }));
  const everyNumber = new Set([...owners.keys(), ...caregiverPhones.keys()]);
  const unknown: string[] = [];
  // Fictional 555-01xx numbers in an area code the sandbox does not use.
  for (let line = 100; line <= 199 && unknown.length < 50; line++) {
    const phone = `+1907555${String(line).padStart(4, '0')}`;
    if (!everyNumber.has(phone)) unknown.push(phone);
  }
  const sharedBy: Record<string, string[]> = {};
  for (const phone of shared) sharedBy[phone] = patients.filter((p) => owners.get(phone)?.has(p.id!) && primaryOf(p) === phone).map((p) => p.id!);
  const birthDates = Object.fromEntries(patients.filter((p) => p.birthDate).map((p) => [p.id!, p.birthDate!]));
  return { known, shared, caregiver, unknown, sharedBy, birthDates };
}

/** ISO date → what a caller keys in (MMDDYYYY). */
export function keypadDob(iso: string): string {
  return `${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(0, 4)}`;
}

export { seededRandom } from '../lib/seeded-random.ts';

export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Presents an E.164 number the way different PBXs do. */
function presentAni(e164: string, style: number): string {
  const national = e164.slice(2);
  switch (style % 4) {
    case 0:
      return e164;
    case 1:
      return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
    case 2:
      return `1${national}`;
    default:
      return `sip:${e164}@pbx.example.invalid`;
  }
}

const kindCycle: CallerKind[] = ['known', 'known', 'shared', 'known', 'unknown', 'caregiver', 'known', 'blocked', 'known', 'unknown'];

export function pickCallers(pool: CallerPool, count: number, random: () => number): SimulatedCaller[] {
  const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
  const callers: SimulatedCaller[] = [];
  for (let index = 0; index < count; index++) {
    let kind = kindCycle[index % kindCycle.length]!;
    if (kind === 'shared' && pool.shared.length === 0) kind = 'known';
    if (kind === 'caregiver' && pool.caregiver.length === 0) kind = 'known';
    const style = Math.floor(random() * 4);
    // Callers who key in the right date of birth get their chart linked (ID-2); one in five
    // known callers skips it, and their Task must stay unlinked.
    const withDob = (patientId: string) => (pool.birthDates[patientId] ? { dobDigits: keypadDob(pool.birthDates[patientId]) } : {});
    if (kind === 'known') {
      const entry = pick(pool.known)!;
      const skipsDob = random() < 0.2 || !pool.birthDates[entry.patientId];
      callers.push({ kind, ani: presentAni(entry.phone, style), expectedPatientId: skipsDob ? null : entry.patientId, ...(skipsDob ? {} : withDob(entry.patientId)) });
    } else if (kind === 'caregiver') {
      const entry = pick(pool.caregiver)!;
      const dob = withDob(entry.patientId);
      callers.push({ kind, ani: presentAni(entry.phone, style), expectedPatientId: dob.dobDigits ? entry.patientId : null, ...dob });
    } else if (kind === 'shared') {
      const phone = pick(pool.shared)!;
      const member = pick(pool.sharedBy[phone] ?? [])!;
      const dob = pool.birthDates[member];
      // Twins on one number cannot be told apart by date of birth: the Task stays unlinked.
      const unique = dob && (pool.sharedBy[phone] ?? []).filter((id) => pool.birthDates[id] === dob).length === 1;
      callers.push({ kind, ani: presentAni(phone, style), expectedPatientId: unique ? member : null, ...(dob ? { dobDigits: keypadDob(dob) } : {}) });
    } else if (kind === 'unknown') {
      callers.push({ kind, ani: presentAni(pick(pool.unknown)!, style), expectedPatientId: null });
    } else {
      callers.push({ kind, ani: pick(['anonymous', 'restricted', ''])!, expectedPatientId: null });
    }
  }
  return callers;
}

/** What synthetic callers say (the simulator's and the month replay's mix of request types). */
export const syntheticRequests: readonly string[] = [
  'Hi, this is a synthetic test call. I am running out of my blood pressure pills and need a refill sent to the pharmacy.',
  'Synthetic test call: I would like to reschedule my appointment next week to a morning slot.',
  'This is a synthetic test caller asking whether my lab work results are back yet.',
  'Synthetic test: I have a question about a bill I received and my insurance copay.',
  'Synthetic test call. I need a referral to a specialist for my knee.',
  'Synthetic test caller: I have had a cough and a mild fever since Tuesday, should I come in?',
  // ASR style, as a phone transcript arrives: lowercase, spoken numbers, fillers.
  'um hi this is a synthetic test caller my date of birth is march third nineteen fifty two i need a refill of my lisinopril please call me back at five five five two one two three three four four after three pm',
  'yeah hi synthetic test call um i have this tight pressure in my chest since this morning and i feel short of breath can someone call me back',
  'synthetic test caller here my baby is six weeks old and has a fever of one hundred point five what should we do',
  'hi its a synthetic test call from a pharmacy my patient needs a prior authorization for her ozempic the insurance denied it',
];

export interface ScriptedCall {
  providerCallId: string;
  caller: SimulatedCaller;
  events: CallEvent[];
}

/** One call's events in the order the PBX would send them. */
export function scriptCall(options: {
  provider: string; runId: string; index: number; caller: SimulatedCaller; startAt: Date; random: () => number; queue?: string; consents?: 'all' | 'mixed';
  /** What the caller says (default: one of `syntheticRequests` at random). */
  text?: string;
  /** Whether nobody answered (default: one call in five). */
  missed?: boolean;
}): ScriptedCall {
  const { provider, runId, index, caller, startAt, random } = options;
  const providerCallId = `${runId}-call-${String(index + 1).padStart(4, '0')}`;
  const at = (seconds: number) => new Date(startAt.getTime() + seconds * 1000).toISOString();
  const call = { id: providerCallId, ani: caller.ani, dnis: '+16175550100', queue: options.queue ?? 'front-desk', direction: 'inbound' as const };
  const eventId = (name: string) => `${providerCallId}-${name}`;
  const text = options.text ?? syntheticRequests[Math.floor(random() * syntheticRequests.length)]!;
  const missed = options.missed ?? random() < 0.2;
  const events: CallEvent[] = [{ id: eventId('ringing'), provider, type: 'call.ringing', occurredAt: at(0), call, data: {} }];
  // The IVR's four consents (CO-1). `mixed`: some callers decline AI or the EHR, as real ones do.
  const declines = options.consents === 'mixed' ? { ai: random() < 0.15, ehr: random() < 0.1 } : { ai: false, ehr: false };
  for (const scope of ['record', 'transcribe', 'ai', 'ehr'] as const) {
    const granted = !(scope === 'ai' && declines.ai) && !(scope === 'ehr' && declines.ehr);
    events.push({ id: eventId(`consent-${scope}`), provider, type: 'consent.captured', occurredAt: at(2), call, data: { scope, granted, method: 'ivr' } });
  }
  if (caller.dobDigits) {
    events.push({ id: eventId('dob'), provider, type: 'ivr.input', occurredAt: at(4), call, data: { kind: 'dtmf', menu: 'dob', value: caller.dobDigits } });
  }
  if (missed) {
    events.push(
      { id: eventId('missed'), provider, type: 'call.missed', occurredAt: at(25), call, data: { reason: 'no-answer' } },
      { id: eventId('voicemail'), provider, type: 'voicemail', occurredAt: at(70), call, data: { durationSeconds: 40, transcript: { text, language: 'en-US', source: 'pbx' } } },
    );
  } else {
    events.push(
      { id: eventId('answered'), provider, type: 'call.answered', occurredAt: at(8), call: { ...call, agent: 'ext-101' }, data: {} },
      { id: eventId('ended'), provider, type: 'call.ended', occurredAt: at(95), call, data: { durationSeconds: 87 } },
      { id: eventId('transcript'), provider, type: 'transcript.available', occurredAt: at(96), call, data: { transcript: { text, language: 'en-US', source: 'pbx' } } },
    );
  }
  return { providerCallId, caller, events };
}
