/**
 * PHI detection (PH-1, PH-2): one tokenisation pass, then detectors over token windows. Returns
 * sorted, non-overlapping spans; where detectors overlap, the union is kept (so no character of
 * either is ever left in clear) and labelled with the stronger finding.
 */
import type { PatientContext, PhiSpan, PhiType } from '../analysis.types.ts';
import { detectAddresses } from './addresses.ts';
import { findCues } from './cues.ts';
import { detectAges, detectDates, type DateSpan } from './dates.ts';
import { detectCuedIdentifiers, detectMaskedSsns, detectUncuedRuns, valueAfterCue, type IdValue } from './identifiers.ts';
import { detectNames, findLetterRuns } from './names.ts';
import { compilePatient, detectPatientDetails, type PatientMatcher } from './patient-context.ts';
import { findNumberRuns } from './spoken-numbers.ts';
import { hasMixedCase, tokenize } from './tokens.ts';
import { detectSpokenAddresses, detectSpokenIps, detectWrittenPatterns } from './written-patterns.ts';

export interface DetectPhiOptions {
  patient?: PatientContext;
}

/** More specific types win ties: an SSN beats a generic id, a phone beats a name. */
const specificity: Record<PhiType, number> = {
  EMAIL: 9, URL: 8, IP: 8, SSN: 8, MRN: 8, HEALTH_PLAN_ID: 8, ACCOUNT: 8, LICENSE: 8, VEHICLE: 8, DEVICE: 8, FAX: 8,
  PHONE: 7, DATE: 7, AGE: 7, ADDRESS: 6, NAME: 5, OTHER_ID: 3,
};

// The last patient's compiled matcher: a call analyses many chunks of text for the same patient.
let cachedPatient: PatientContext | undefined;
let cachedMatcher: PatientMatcher | undefined;

function matcherFor(patient: PatientContext): PatientMatcher {
  if (patient !== cachedPatient || !cachedMatcher) {
    cachedMatcher = compilePatient(patient);
    cachedPatient = patient;
  }
  return cachedMatcher;
}

/**
 * Finds PHI in a transcript, written or ASR-style spoken. Offsets are UTF-16 indexes, spans sorted
 * by start and non-overlapping.
 */
export function detectPhi(text: string, options: DetectPhiOptions = {}): PhiSpan[] {
  const tokens = tokenize(text);
  const mixedCase = hasMixedCase(text);
  const runs = findNumberRuns(tokens);
  const cues = findCues(tokens);
  const letterRuns = findLetterRuns(tokens);
  const found: PhiSpan[] = [];
  const dates: DateSpan[] = [];

  detectWrittenPatterns(text, found);
  detectSpokenAddresses(tokens, found);
  detectSpokenIps(tokens, runs, found);
  detectCuedIdentifiers(tokens, cues, runs, found);
  detectMaskedSsns(text, found);
  detectUncuedRuns(tokens, runs, found);
  detectDates(tokens, runs, cues, dates);
  detectAges(tokens, runs, cues, found);
  detectAddresses(tokens, runs, cues, mixedCase, found);
  detectNames(tokens, cues, letterRuns, mixedCase, found);
  if (options.patient) {
    const idValues: IdValue[] = [];
    for (const cue of cues) {
      if (cue.kind !== 'id') continue;
      const value = valueAfterCue(tokens, cue);
      if (value) idValues.push(value);
    }
    detectPatientDetails(tokens, runs, letterRuns, idValues, dates, matcherFor(options.patient), found);
  }
  for (const date of dates) found.push({ start: date.start, end: date.end, type: date.type, confidence: date.confidence, source: date.source });
  return joinAddressParts(text, resolveOverlaps(found));
}

const addressGap = /^[\s,>]*$/;

/** Address parts separated only by spaces, commas or line breaks ("Apt. 4⏎Springfield, 01109") become one span. */
function joinAddressParts(text: string, spans: PhiSpan[]): PhiSpan[] {
  const result: PhiSpan[] = [];
  for (const span of spans) {
    const last = result[result.length - 1];
    if (last && last.type === 'ADDRESS' && span.type === 'ADDRESS' && span.start - last.end <= 8 && addressGap.test(text.slice(last.end, span.start))) {
      result[result.length - 1] = { ...last, end: span.end, confidence: Math.max(last.confidence, span.confidence) };
    } else {
      result.push(span);
    }
  }
  return result;
}

function stronger(a: PhiSpan, b: PhiSpan): PhiSpan {
  if (a.confidence !== b.confidence) return a.confidence > b.confidence ? a : b;
  if (specificity[a.type] !== specificity[b.type]) return specificity[a.type] > specificity[b.type] ? a : b;
  return b.end - b.start > a.end - a.start ? b : a;
}

/** Sorts spans and merges overlapping ones into their union, labelled by the stronger span. */
export function resolveOverlaps(spans: readonly PhiSpan[]): PhiSpan[] {
  const sorted = spans.filter((span) => span.end > span.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const result: PhiSpan[] = [];
  for (const span of sorted) {
    const last = result[result.length - 1];
    if (last && span.start < last.end) {
      const winner = stronger(last, span);
      result[result.length - 1] = { start: last.start, end: Math.max(last.end, span.end), type: winner.type, confidence: winner.confidence, source: winner.source };
    } else {
      result.push({ start: span.start, end: span.end, type: span.type, confidence: span.confidence, source: span.source });
    }
  }
  return result;
}
