/**
 * The review screen's words: every code the review API answers with, as the clinic says it
 * (issue 14: no "policy-always, pattern-review, sensitive:minor" on screen).
 */
import type { Checklist, NoteField, Priority } from './types';

const reasonWords: Record<string, string> = {
  'policy-always': 'This queue always has a person review calls',
  'pattern-review': 'The queue’s chart setting sends drafts to a person',
  'red-flag': 'A red flag was heard on the call',
  'identity-unverified': 'The caller’s identity is not confirmed',
  'human-note': 'No AI draft was allowed: a person writes the note',
  'sensitive:behavioral-health': 'Sensitive: behavioral health',
  'sensitive:minor': 'Sensitive: the patient is a minor',
  'sensitive:interpreter': 'Sensitive: an interpreter may be needed',
  'sensitive:proxy-caller': 'Sensitive: someone called for the patient',
  'patient-mismatch:age': 'The caller’s words do not fit the chart’s age',
  'patient-mismatch:sex': 'The caller’s words do not fit the chart’s sex',
  'patient-mismatch:name': 'The caller gave a different name than the chart',
  'transcript-unusable': 'The machine could not hear this call reliably: listen to it or call back',
  'transcript-low-quality': 'The transcript is of low quality: check the summary against the call',
};

/** Why a person reviews this item, in words (an unknown code gets a general sentence, never itself). */
export function reasonInWords(code: string): string {
  return reasonWords[code] ?? 'The clinic’s policy asks for a person to review it';
}
export const reasonCodes = Object.keys(reasonWords);

const requestTypeWords: Record<string, string> = {
  prescription_refill: 'Prescription refill',
  appointment: 'Appointment',
  symptom_report: 'Symptom report',
  test_results: 'Test results',
  referral: 'Referral',
  billing_insurance: 'Billing or insurance',
  prior_authorization: 'Prior authorization',
  medical_records: 'Medical records',
  callback_request: 'Call-back request',
  urgent_emergency: 'Urgent or emergency',
  administrative: 'Administrative',
  provider_to_provider: 'Provider to provider',
  unclassified: 'Not yet classified',
};
export const requestTypes = Object.keys(requestTypeWords);
export function requestTypeInWords(code: string): string {
  return requestTypeWords[code] ?? 'Other request';
}

export const priorityWords: Record<Priority, string> = { stat: 'Emergency (stat)', asap: 'As soon as possible', urgent: 'Urgent', routine: 'Routine' };
export const priorityColor: Record<Priority, string> = { stat: 'red', asap: 'orange', urgent: 'orange', routine: 'gray' };
export const urgencyWords: Record<string, string> = { routine: 'Routine', urgent: 'Urgent', emergency: 'Emergency' };

const redFlagWords: Record<string, string> = {
  chest_pain: 'Chest pain',
  breathing_difficulty: 'Difficulty breathing',
  stroke_signs: 'Signs of a stroke',
  suicidal_ideation: 'Thoughts of suicide',
  severe_bleeding: 'Severe bleeding',
  anaphylaxis: 'Severe allergic reaction',
  loss_of_consciousness: 'Loss of consciousness',
  seizure: 'Seizure',
  overdose_poisoning: 'Overdose or poisoning',
  severe_headache: 'Severe headache',
  infant_fever: 'Fever in an infant',
  pregnancy_emergency: 'Pregnancy emergency',
  severe_abdominal_pain: 'Severe abdominal pain',
  head_injury: 'Head injury',
  sepsis_signs: 'Signs of sepsis',
};
export function redFlagInWords(code: string): string {
  return redFlagWords[code] ?? 'A red flag';
}
export const certaintyWords = {
  affirmed: 'Affirmed: said as happening now',
  uncertain: 'Uncertain: hedged, unclear or about someone else — check with the caller',
} as const;

export const rejectionReasons = ['wrong-patient', 'not-clinical', 'duplicate', 'inappropriate', 'other'] as const;
export const rejectionWords: Record<string, string> = {
  'wrong-patient': 'Wrong patient (the chart entry is marked entered in error)',
  'not-clinical': 'Not a clinical matter',
  duplicate: 'Duplicate of another call',
  inappropriate: 'Inappropriate content',
  other: 'Another reason',
};

export const checklistWords: Record<keyof Checklist, string> = {
  patientIdentifiedCorrectly: 'Patient identified correctly (name, birth date, MRN match the caller)',
  actionAppropriate: 'The action and next step are appropriate',
  noUnnecessaryPhi: 'No health information beyond what is needed',
  neutralFactualTone: 'Neutral, factual tone',
};

export const fieldWords: Record<NoteField, string> = {
  reasonForCall: 'Reason for call',
  details: 'Details',
  actionRequested: 'Action requested',
  nextStep: 'Next step',
  owner: 'Owner',
  followUpDue: 'Follow-up due',
  urgency: 'Urgency',
  note: 'Chart note',
};

export const versionWords: Record<string, string> = {
  'ai-draft': 'AI draft',
  'blank-draft': 'Blank note (no AI draft allowed)',
  edit: 'Edited',
  approved: 'Approved',
  rejected: 'Rejected',
  'auto-approved': 'Approved by policy (no review)',
};

export const identityCheckWords: Record<string, string> = {
  'date-of-birth-confirmed': 'I confirmed the date of birth with the caller',
  'called-back-on-chart-number': 'I called back on the number in the chart',
  'in-person': 'The patient is here in person',
  'clinician-knows-caller': 'I know the caller (clinician)',
  'caller-id-candidate-confirmed': 'Confirmed from the caller’s number',
};
export const linkChecks = ['date-of-birth-confirmed', 'called-back-on-chart-number', 'in-person', 'clinician-knows-caller'] as const;

export const statusWords: Record<string, string> = { pending: 'Waiting for review', approved: 'Approved', rejected: 'Rejected', 'auto-approved': 'Approved by policy' };

/** A staff id (`staff:<id>` or a bare id) as a name: the person's name, "you", or a plain word for non-people. */
export function personInWords(id: string | null | undefined, people: Record<string, string> | undefined, me: string): string {
  if (!id) return 'nobody';
  const sub = id.replace(/^staff:/, '');
  if (sub === me) return people?.[sub] ? `${people[sub]} (you)` : 'you';
  if (people?.[sub]) return people[sub];
  if (id === 'callchart-rules') return 'Callchart (AI draft)';
  if (id === 'system' || id === 'policy') return 'Callchart';
  return 'another staff member';
}

/** The people map with the signed-in person's own name in it (so "you" comes with a name). */
export function withMe(people: Record<string, string> | undefined, me: { id: string; displayName: string | null; userName: string }): Record<string, string> {
  return { ...people, [me.id]: me.displayName ?? me.userName };
}

/** Where a transcript came from, in words (issue 17). */
export function transcriptSourceInWords(quality: { source: string; sourceKind: 'pbx' | 'http' | 'local' }): string {
  if (quality.source === 'twilio-realtime') return 'Phone system transcript (live, Twilio)';
  if (quality.source === 'twilio') return 'Phone system transcript (voicemail, Twilio)';
  if (quality.sourceKind === 'pbx') return 'Phone system transcript';
  if (quality.sourceKind === 'http') return 'Transcription service transcript';
  return 'Callchart’s speech engine';
}

const qualityReasonWords: Record<string, string> = {
  'narrowband-audio': 'phone-band audio the speech engine cannot hear well',
  'low-confidence': 'many words the machine was unsure of',
  'no-speech': 'little or no speech heard',
  'too-quiet': 'the audio was too quiet',
  clipped: 'the audio was distorted (too loud)',
  repetitive: 'the text repeats itself, a sign the machine invented words',
  'engine-failed': 'the speech engine failed on part of the call',
  'no-confidence-reported': 'the phone system did not report how sure it was',
};

/** A transcript's verdict in words: never a bare code. */
export function transcriptQualityInWords(quality: { quality: 'ok' | 'low' | 'unusable' | null; reasons: string[] }): string {
  const why = quality.reasons.map((reason) => qualityReasonWords[reason] ?? 'another problem with the audio').join('; ');
  if (quality.quality === null) return 'Quality not reported by the phone system: read it with care';
  if (quality.quality === 'ok') return 'Quality good';
  if (quality.quality === 'low') return `Quality low${why ? `: ${why}` : ''}. Check the summary against the call before acting`;
  return `Unusable${why ? `: ${why}` : ''}. Listen to the call or call the patient back; do not act on these words`;
}
