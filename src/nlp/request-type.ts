/**
 * Request type from the transcript by keywords (spine version; the NLP issue replaces the rules,
 * not the contract). Deterministic and explainable: the result names the words that decided it.
 */
export const requestTypes = {
  'prescription-refill': { label: 'Prescription refill', keywords: ['refill', 'prescription', 'pharmacy', 'ran out of', 'running out', 'renew my', 'medication'] },
  appointment: { label: 'Appointment', keywords: ['appointment', 'schedule', 'reschedule', 'cancel my', 'book', 'available slot', 'see the doctor'] },
  'test-results': { label: 'Test results', keywords: ['result', 'lab work', 'blood work', 'x-ray', 'mri', 'scan', 'biopsy'] },
  referral: { label: 'Referral', keywords: ['referral', 'refer me', 'specialist'] },
  billing: { label: 'Billing or insurance', keywords: ['bill', 'invoice', 'insurance', 'copay', 'payment', 'charge'] },
  'records-forms': { label: 'Records or forms', keywords: ['records', 'form', 'letter', 'paperwork', 'fmla', 'note for work'] },
  'clinical-question': { label: 'Clinical question', keywords: ['pain', 'fever', 'symptom', 'rash', 'cough', 'dizzy', 'side effect', 'bleeding', 'swelling'] },
} as const;

export type RequestType = keyof typeof requestTypes | 'other';

export interface RequestTypeResult {
  requestType: RequestType;
  label: string;
  matchedKeywords: string[];
}

const order = Object.keys(requestTypes) as (keyof typeof requestTypes)[];

/** Picks the type with most keyword hits; ties go to the earlier (more actionable) type. */
export function classifyRequestType(transcript: string): RequestTypeResult {
  const text = transcript.toLowerCase();
  let best: { type: keyof typeof requestTypes; hits: string[] } | null = null;
  for (const type of order) {
    // Whole words, with the common inflections: "results", "booked", "billing" — not "billion" or "painting".
    const hits = requestTypes[type].keywords.filter((keyword) => new RegExp(`\\b${escape(keyword)}(?:s|es|ed|ing)?\\b`).test(text));
    if (hits.length > 0 && (!best || hits.length > best.hits.length)) best = { type, hits };
  }
  if (!best) return { requestType: 'other', label: 'Other', matchedKeywords: [] };
  return { requestType: best.type, label: requestTypes[best.type].label, matchedKeywords: best.hits };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
