/**
 * Every code the live feed carries, in the clinic's words: a person never reads `ani-only`,
 * `in-progress` or `breathing_difficulty` (issue 14's new-user findings). A code with no entry here
 * falls back to a sentence-cased reading, never the raw token.
 */

/** "breathing_difficulty" → "Breathing difficulty": the fallback for a code added later. */
export function readable(code: string): string {
  const spaced = code.replace(/[_-]+/g, ' ').trim();
  return spaced ? spaced[0]!.toUpperCase() + spaced.slice(1) : '—';
}

const pick = (table: Record<string, string>, code: string | null | undefined, fallback = '—') =>
  code ? (Object.hasOwn(table, code) ? table[code]! : readable(code)) : fallback;

export const callStatusWords: Record<string, string> = {
  ringing: 'Ringing',
  'in-progress': 'On the call',
  ended: 'Ended',
  missed: 'Missed',
};
export const callStatus = (code: string | null | undefined) => pick(callStatusWords, code, 'Call');
export const isActive = (status: string | null | undefined) => !status || status === 'ringing' || status === 'in-progress';

/** The card's heading when it names no patient. */
export const outcomeHeading: Record<string, string> = {
  unique: 'Caller matches one chart',
  several: 'charts share this number', // prefixed with the count
  none: 'Unknown caller — ask for date of birth or patient ID',
  blocked: 'Number withheld — ask who is calling',
  'lookup-failed': 'EHR lookup unavailable — look the caller up manually',
};
export const callerOutcome = (code: string | null | undefined) =>
  pick({ unique: 'Matched to one chart', several: 'Several charts on this number', none: 'Unknown caller', blocked: 'Number withheld', 'lookup-failed': 'EHR lookup unavailable' }, code, 'Looking up the caller…');

/** Identity confidence in words: how the caller was matched, and whether that is verification. */
export const identityWords: Record<string, string> = {
  none: 'Not identified',
  'ani-only': 'Matched by phone number only — not verified',
  'ani-dob-verified': 'Matched by phone and date of birth',
  'staff-verified': 'Verified by staff',
};
export const identity = (code: string | null | undefined) => pick(identityWords, code, 'Not identified');
export const isVerified = (code: string | null | undefined) => code === 'ani-dob-verified' || code === 'staff-verified';

export const matchedOnWords: Record<string, string> = {
  'primary-phone': "the patient's own phone",
  'alternate-phone': "the patient's other phone",
  'caregiver-phone': "a caregiver's phone",
  'staff-link': 'linked by staff',
};
export const matchedOn = (code: string) => pick(matchedOnWords, code);

/** What the caller chose in the phone menu. */
export const ivrReasonWords: Record<string, string> = {
  appointment: 'Appointments',
  refill: 'Prescription refill',
  clinical: 'A question for the nurse',
  billing: 'Billing',
  other: 'Something else',
};
export const ivrReason = (code: string | null | undefined) => pick(ivrReasonWords, code, 'No choice made');

export const requestTypeWords: Record<string, string> = {
  prescription_refill: 'Prescription refill',
  appointment: 'Appointment',
  symptom_report: 'Symptoms to report',
  test_results: 'Test results',
  referral: 'Referral',
  billing_insurance: 'Billing or insurance',
  prior_authorization: 'Prior authorization',
  medical_records: 'Medical records',
  callback_request: 'Wants a call back',
  urgent_emergency: 'Urgent or emergency',
  administrative: 'Administrative',
  provider_to_provider: 'From another provider',
  unclassified: 'Not classified yet',
};
export const requestType = (code: string) => pick(requestTypeWords, code);

/** How sure the rules were of a request type, in words rather than a bare percentage. */
export function certainty(confidence: number): string {
  if (confidence >= 0.8) return 'very likely';
  if (confidence >= 0.5) return 'likely';
  return 'possible';
}

export const redFlagWords: Record<string, string> = {
  chest_pain: 'Chest pain',
  breathing_difficulty: 'Difficulty breathing',
  stroke_signs: 'Signs of a stroke',
  suicidal_ideation: 'Thoughts of suicide',
  severe_bleeding: 'Severe bleeding',
  anaphylaxis: 'Severe allergic reaction (anaphylaxis)',
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
export const redFlag = (code: string) => pick(redFlagWords, code);

export const urgencyWords: Record<string, string> = { routine: 'Routine', urgent: 'Urgent', emergency: 'Emergency' };
export const urgency = (code: string | null | undefined) => pick(urgencyWords, code, 'Not assessed yet');

export const consentScopeWords: Record<string, string> = {
  record: 'Recording',
  transcribe: 'Transcription',
  ai: 'AI processing',
  ehr: 'Notes to the chart (EHR)',
};
export const consentScope = (code: string) => pick(consentScopeWords, code);

export const consentStatusWords: Record<string, string> = { granted: 'Agreed', declined: 'Declined', 'not-captured': 'Not asked yet' };
export const consentStatus = (code: string) => pick(consentStatusWords, code);

export const consentSourceWords: Record<string, string> = {
  ivr: 'in the phone menu',
  verbal: 'said to the agent',
  staff: 'recorded by staff',
  agent: 'recorded by the agent',
  standing: 'standing consent on file',
};
export const consentSource = (code: string | null | undefined) => (code ? pick(consentSourceWords, code) : '');

export const sexWords: Record<string, string> = { female: 'Female', male: 'Male', other: 'Other', unknown: 'Sex not recorded' };

export const dobRefusalWords: Record<string, string> = {
  'no-match': 'That date of birth does not match the chart. Ask again, or look the caller up in the EHR.',
  ambiguous: 'More than one chart on this number has that date of birth. Ask for the full name as well.',
  'no-candidates': 'There is no chart on this number to check against. Look the caller up in the EHR.',
};
