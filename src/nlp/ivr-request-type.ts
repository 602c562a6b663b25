import type { RequestTypeCode, RequestTypeScore } from './analysis.types.ts';

/** What the caller pressed in the reason menu, as request types (used when there is no transcript). */
const byIvrReason: Record<string, RequestTypeCode> = {
  appointment: 'appointment',
  refill: 'prescription_refill',
  clinical: 'symptom_report',
  billing: 'billing_insurance',
  other: 'administrative',
};

/** The caller's own menu choice is good evidence but not words: confidence 0.8, no spans. */
export function requestTypesFromIvr(reason: string | null, urgent: boolean): RequestTypeScore[] {
  const scores: RequestTypeScore[] = [];
  if (urgent) scores.push({ type: 'urgent_emergency', confidence: 0.9, evidence: [] });
  const code = reason ? byIvrReason[reason] : undefined;
  if (code && !scores.some((score) => score.type === code)) scores.push({ type: code, confidence: 0.8, evidence: [] });
  return scores;
}
