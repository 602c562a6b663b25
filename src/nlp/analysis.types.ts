/**
 * The contract of call understanding (UN-1..4, PH-1..3, SU-1): what each detector returns and
 * what `callchart analyze` prints. Offsets are UTF-16 code unit indexes into the analysed text
 * (`text.slice(start, end)`), end exclusive. Everything here is pure data.
 */

/** The twelve request types (UN-1). Multi-label: a call can be a refill and a callback request. */
export const requestTypeCodes = [
  'prescription_refill', 'appointment', 'symptom_report', 'test_results', 'referral', 'billing_insurance',
  'prior_authorization', 'medical_records', 'callback_request', 'urgent_emergency', 'administrative', 'provider_to_provider',
] as const;
export type RequestTypeCode = (typeof requestTypeCodes)[number];

/** A stretch of the text that decided something ("which words decided"). */
export interface EvidenceSpan {
  start: number;
  end: number;
  /** The rule or lexicon entry that fired, e.g. `refill-verb`, never the matched text itself. */
  cue: string;
}

export interface RequestTypeScore {
  type: RequestTypeCode;
  /**
   * `primary`: what the call is mostly for (first in the list); `secondary`: anything else the
   * caller asks for. Optional for sources without a ranking (the IVR menu): there the first is primary.
   */
  rank?: 'primary' | 'secondary';
  /** 0..1, the calibrated probability that the caller asks for this; secondary codes are returned at or above a fitted threshold. */
  confidence: number;
  evidence: EvidenceSpan[];
}

/** The red flags (UN-2). Any red flag adds `urgent_emergency`; none is ever dropped silently. */
export const redFlagCodes = [
  'chest_pain', 'breathing_difficulty', 'stroke_signs', 'suicidal_ideation', 'severe_bleeding', 'anaphylaxis',
  'loss_of_consciousness', 'seizure', 'overdose_poisoning', 'severe_headache', 'infant_fever', 'pregnancy_emergency',
  'severe_abdominal_pain', 'head_injury', 'sepsis_signs',
] as const;
export type RedFlagCode = (typeof redFlagCodes)[number];

export interface RedFlag {
  code: RedFlagCode;
  start: number;
  end: number;
  confidence: number;
  /**
   * `affirmed`: said as happening now (or in the last hours) to the patient, hedged or not; makes the
   * call urgent. `uncertain`: a real doubt that it is a red flag at all (a likely other reading, a
   * head bump with no warning sign, a baby of unsaid age); shown to a person, not urgent by itself.
   * Negated, past, resolved, hypothetical, family-history, third-party, mild and agent-said mentions
   * are not red flags; they are listed in `RedFlagScan.setAside` so a reviewer can see them.
   */
  status: 'affirmed' | 'uncertain';
  /**
   * Who it is about: `patient` is the person the call is about, the caller or someone they speak
   * for (a baby, a child, a spouse, a parent); `other` is someone outside the clinic's care that
   * the caller is with now ("my coworker just collapsed next to me").
   */
  subject: 'patient' | 'other';
  cue: string;
}

export interface SetAsideMention {
  code: RedFlagCode;
  start: number;
  end: number;
  /**
   * Why it is not a red flag: `resolved` stopped a day or more ago and fine since; `third-party` about
   * someone outside the clinic's care ("my neighbour had a stroke"); `mild` the ordinary version ("a
   * mild headache like my usual ones"); `agent-question` said by the clinic's agent (a screening
   * question or a read-back), where only the caller's answer counts.
   */
  reason: 'negated' | 'historical' | 'hypothetical' | 'family-history' | 'resolved' | 'third-party' | 'mild' | 'agent-question';
}

export interface RedFlagScan {
  redFlags: RedFlag[];
  setAside: SetAsideMention[];
}

/** Distress as a prioritisation signal only (UN-3), never a diagnosis. */
export interface Sentiment {
  /** -1 (very negative) .. 1 (very positive). */
  score: number;
  distress: 'none' | 'low' | 'moderate' | 'high';
  cues: EvidenceSpan[];
}

export const entityTypes = [
  'medication', 'dosage', 'symptom', 'onset', 'callback_number', 'preferred_time', 'pharmacy', 'appointment_reference',
] as const;
export type EntityType = (typeof entityTypes)[number];

export interface Entity {
  type: EntityType;
  start: number;
  end: number;
  /** Normalised value: generic drug name, E.164 number, ISO-ish time phrase, symptom code. */
  normalized?: string;
  confidence: number;
}

/** HIPAA Safe Harbor identifier types detected in transcripts (PH-1). */
export const phiTypes = [
  'NAME', 'DATE', 'AGE', 'PHONE', 'FAX', 'EMAIL', 'SSN', 'MRN', 'HEALTH_PLAN_ID', 'ACCOUNT', 'LICENSE', 'ADDRESS',
  'URL', 'IP', 'VEHICLE', 'DEVICE', 'OTHER_ID',
] as const;
export type PhiType = (typeof phiTypes)[number];

export interface PhiSpan {
  start: number;
  end: number;
  type: PhiType;
  confidence: number;
  /** How it was found: a written pattern, a spoken-form parse, a lexicon, a context cue, or the identified patient's own details. */
  source: 'pattern' | 'spoken' | 'lexicon' | 'context' | 'patient';
}

/** The identified patient's own details (PH-2), matched exactly, in written and spoken form. */
export interface PatientContext {
  name?: string;
  /** YYYY-MM-DD */
  birthDate?: string;
  phones?: string[];
  mrn?: string;
}

/** Who the caller is to the person the call is about ("my son": child). */
export type SubjectRelation = 'infant' | 'child' | 'parent' | 'spouse' | 'sibling' | 'grandparent' | 'grandchild' | 'relative' | 'patient' | 'friend';

/**
 * Who the call is about, as the caller put it (issue 12, defect 5): checked against the linked
 * chart so a call filed on the wrong patient is noticed. Names are PHI: this lives only in the
 * sealed analysis; what leaves it is a mismatch code (`age`, `sex`, `name`).
 */
export interface CallSubject {
  /** `self`: the caller speaks of their own health; `other`: of someone else; `unknown`: cannot tell. */
  who: 'self' | 'other' | 'unknown';
  relation: SubjectRelation | null;
  /** The age said ("six weeks old", "my baby", "I'm 72"), in days, inclusive. */
  age: { minDays: number; maxDays: number } | null;
  sex: 'female' | 'male' | null;
  /** Names said for the subject: lowercase words, accents folded ("maria", "lopez"). */
  names: string[][];
  evidence: EvidenceSpan[];
}

/** The structured summary (SU-1); every field points at the transcript spans it came from. */
export interface CallSummary {
  reasonForCall: RequestTypeCode | 'unclassified';
  details: string;
  actionRequested: string;
  nextStep: string;
  owner: string;
  followUpDue: string;
  urgency: 'routine' | 'urgent' | 'emergency';
  evidence: Partial<Record<'reasonForCall' | 'details' | 'actionRequested' | 'urgency', EvidenceSpan[]>>;
  /** AI output until a person approves it (clinical safety). */
  generatedBy: 'callchart-rules';
  reviewed: false;
}
