/**
 * PHI detection (PH-1, PH-2): one tokenisation pass, then detectors over token windows. Returns
 * sorted, non-overlapping spans; where detectors overlap, the union is kept (so no character of
 * either is ever left in clear) and labelled with the stronger finding.
 */
import type { PatientContext, PhiSpan, PhiType } from '../analysis.types.ts';
import { detectAddressBlocks, detectAddresses } from './addresses.ts';
import { findCues } from './cues.ts';
import { detectAges, detectDates, type DateSpan } from './dates.ts';
import { detectCuedIdentifiers, detectMaskedSsns, detectMixedCodes, detectUncuedRuns, valueAfterCue, withIdPrefixes, type IdValue } from './identifiers.ts';
import { detectNames, findLetterRuns } from './names.ts';
import { compilePatient, detectPatientDetails, type PatientMatcher } from './patient-context.ts';
import { findNumberRuns } from './spoken-numbers.ts';
import { hasMixedCase, TokenKind, tokenize, type Token } from './tokens.ts';
import { detectProviderEmails, detectSpokenAddresses, detectSpokenIps, detectWrittenPatterns } from './written-patterns.ts';

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
  const tokens = withoutHesitations(tokenize(text));
  const mixedCase = hasMixedCase(text);
  const runs = findNumberRuns(tokens);
  const cues = findCues(tokens);
  const letterRuns = findLetterRuns(tokens);
  const found: PhiSpan[] = [];
  const dates: DateSpan[] = [];

  detectWrittenPatterns(text, found);
  detectSpokenAddresses(tokens, found);
  detectProviderEmails(tokens, found);
  detectSpokenIps(tokens, runs, found);
  detectCuedIdentifiers(tokens, cues, runs, found);
  detectMaskedSsns(text, found);
  detectUncuedRuns(tokens, runs, found);
  detectDates(tokens, runs, cues, dates);
  detectAges(tokens, runs, cues, found);
  detectAddresses(tokens, runs, cues, mixedCase, found);
  if (mixedCase) detectAddressBlocks(text, tokens, runs, found);
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
  for (const date of dates) {
    // "2003-08-28 12:13:52": the time stamp that follows a written date belongs to it.
    timeAfter.lastIndex = date.end;
    const time = date.source === 'pattern' ? timeAfter.exec(text) : null;
    found.push({ start: date.start, end: time ? date.end + time[0].length : date.end, type: date.type, confidence: date.confidence, source: date.source });
  }
  if (mixedCase) detectMixedCodes(text, found);
  withIdPrefixes(text, found);
  if (text.includes('+') || text.includes('x')) internationalPhones(text, found);
  // "plus one six one seven ...": the country code's "plus" said before a phone number.
  for (let k = 0; k < found.length; k++) {
    const span = found[k]!;
    const before = span.type === 'PHONE' ? plusBefore.exec(text.slice(Math.max(0, span.start - 8), span.start)) : null;
    if (before) found[k] = { ...span, start: span.start - before[0].length };
  }
  return joinAddressParts(text, resolveOverlaps(found)).map((span) => (span.type === 'NAME' ? withoutPossessive(text, span) : withoutFullStop(text, span)));
}

/** "... Flint, 27300.": the full stop after a number ends the sentence, not the value. */
function withoutFullStop(text: string, span: PhiSpan): PhiSpan {
  return text[span.end - 1] === '.' && /\d/.test(text[span.end - 2] ?? '') ? { ...span, end: span.end - 1 } : span;
}

const possessiveEnd = /['’]s$/i;

/** "Dr. Lindqvist's nurse": the name is "Lindqvist", not its possessive ending. */
function withoutPossessive(text: string, span: PhiSpan): PhiSpan {
  return span.end - span.start > 3 && possessiveEnd.test(text.slice(span.end - 2, span.end)) ? { ...span, end: span.end - 2 } : span;
}

// Pure hesitations carry nothing: detectors read past them ("five five five uh two one two", "maria um lopez").
// A span reaching across one covers it, since spans run from their first token's start to their last token's end.
const hesitations = new Set(['uh', 'um', 'umm', 'uhm', 'uhh', 'er', 'erm', 'ah', 'ahh', 'hmm', 'hm', 'mm', 'mmm', 'mhm', 'eh', 'ohh', 'ooh', 'aah', 'ugh', 'huh']);

function withoutHesitations(tokens: Token[]): Token[] {
  let kept: Token[] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    // Only a free-standing word: "Soo-ah", "Ah-young" keep their pieces.
    let drop = token.kind === TokenKind.Word && !token.allUpper && hesitations.has(token.norm) && token.spaced && tokens[i + 1]?.spaced !== false ? 1 : 0;
    // "a as in apple", "k as in kilo": the spelling alphabet after a letter carries nothing either.
    if (token.norm === 'as' && tokens[i + 1]?.norm === 'in' && tokens[i + 2]?.kind === TokenKind.Word && tokens[i - 1]?.kind === TokenKind.Word && tokens[i - 1]!.norm.length === 1) drop = 3;
    if (drop > 0) {
      kept ??= tokens.slice(0, i);
      i += drop - 1;
    } else if (kept) kept.push(token);
  }
  return kept ?? tokens;
}

const plusBefore = /\bplus\s+$/i;
const timeAfter = /[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?/y;
// "+41 (0)96 471 07 95", "+46 (0)8 928 571 38", "+1-903-140-4508x769": a plus sign opens a phone number.
const plusPhone = /\+\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,4}\)?){2,5}(?:\s?(?:x|ext\.?)\s?\d{1,5})?/g;
const extension = /^\s?(?:x|ext\.?)\s?\d{1,5}/;

function internationalPhones(text: string, found: PhiSpan[]): void {
  plusPhone.lastIndex = 0;
  for (let match = plusPhone.exec(text); match !== null; match = plusPhone.exec(text)) {
    if (match[0].replace(/\D/g, '').length >= 8) found.push({ start: match.index, end: match.index + match[0].length, type: 'PHONE', confidence: 0.85, source: 'pattern' });
  }
  // "(898)666-3621x0135": an extension glued to a phone found by the number runs.
  for (let k = 0, n = found.length; k < n; k++) {
    const span = found[k]!;
    if (span.type !== 'PHONE' && span.type !== 'FAX') continue;
    const more = extension.exec(text.slice(span.end, span.end + 12));
    if (more) found[k] = { ...span, end: span.end + more[0].length };
  }
}

const addressGap = /^[\s,>]*$/;
const spokenAddressGap = /^[\s,]*\b(?:in|uh|um|and)\b[\s,]*$/;
// A number said again or corrected: "... zero one nine two, that's four four three ...", "... sorry, ...".
const digitTypes = new Set<PhiType>(['PHONE', 'FAX', 'OTHER_ID', 'SSN', 'MRN', 'HEALTH_PLAN_ID', 'ACCOUNT', 'LICENSE', 'DEVICE', 'VEHICLE']);
const numberGap = /^(?:[\s,.-]|\b(?:uh|um|like|you know|dash|and|the|number|is|area|code)\b)*$/i;
// Between two parts of one name said without a break: "sarah um turcotte", "mary-ann". A name said
// again or spelled after a word ("kowalski, that's k o w ...") is a span of its own (each mention is one).
const nameGap = /^(?:[\s-]|\b(?:uh|um|umm|er)\b)*$/i;

/**
 * Address parts separated only by spaces, commas or line breaks ("Apt. 4⏎Springfield, 01109") become one span,
 * and so do name parts separated only by fillers ("seo-yeon park p a r k").
 */
function joinAddressParts(text: string, spans: PhiSpan[]): PhiSpan[] {
  const result: PhiSpan[] = [];
  for (const span of spans) {
    const last = result[result.length - 1];
    const gap = last === undefined ? '' : text.slice(last.end, span.start);
    const joins = last !== undefined && (span.type === 'ADDRESS' && last.type === 'ADDRESS'
      ? (gap.length <= 8 && addressGap.test(gap)) || (gap.length <= 12 && spokenAddressGap.test(gap))
      : span.type === 'NAME' && last.type === 'NAME'
        ? gap.length <= 12 && nameGap.test(gap)
        : digitTypes.has(span.type) && digitTypes.has(last.type) && gap.length <= 24 && numberGap.test(gap));
    if (last && joins) {
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
