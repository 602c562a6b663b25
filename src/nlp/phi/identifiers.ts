/**
 * Identifiers: phone, fax, SSN, MRN, health plan, account, license, vehicle, device and other ids,
 * written ("MRN 0042137", "555-212-3344", "123-45-6789") or spoken digit by digit and letter by
 * letter ("m r n zero zero four two one three seven", "member id is x y z one two three").
 */
import type { PhiSpan, PhiType } from '../analysis.types.ts';
import type { Cue } from './cues.ts';
import { readNumberGroup, type NumberRun } from './spoken-numbers.ts';
import { TokenKind, type Token } from './tokens.ts';

/** Words between a cue and its value: "my member id *is* ...", "account *number*: ...". */
const bridgeWords = new Set(['under', 'so', 'like', 'you', 'know', 'is', "it's", 'its', 'was', 'number', 'numbers', "number's", 'no', 'num', 'id', "id's", 'the', 'my', 'uh', 'um', 'of', 'be', 'at', 'to', 'on', 'card', 'code', 'and', 'that', "that's", 'here', 'ending', 'in', 'last', 'four', 'digits', 'are']);
const bridgePunct = new Set([':', '#', ',', '-', '.', '(', '+']);
const valueSeparators = new Set(['-', '/', '.', ',', '(', ')']);
const valueFillers = new Set(['dash', 'hyphen', 'uh', 'um']);

export interface IdValue {
  startTok: number;
  endTok: number;
  digits: number;
  atoms: number;
  /** Letters and digits only, lowercase, for comparing with a known MRN. */
  compact: string;
}

/** Reads an alphanumeric identifier starting at token i (written or spoken), or undefined. */
export function readIdValue(tokens: readonly Token[], i: number): IdValue | undefined {
  let t = i;
  let digits = 0;
  let atoms = 0;
  let compact = '';
  let lastEnd = -1;
  while (t < tokens.length) {
    const token = tokens[t]!;
    const group = readNumberGroup(tokens, t, atoms > 0);
    if (group && !(token.kind === TokenKind.Word && token.norm === 'a' && tokens[t + 1]?.norm !== 'hundred')) {
      digits += group.digits.length;
      compact += group.digits;
      atoms++;
      t = group.endTok;
      lastEnd = t;
      continue;
    }
    if (token.kind === TokenKind.Word) {
      // "double a", "triple x": a repeated spelled letter.
      const repeated = tokens[t + 1];
      if ((token.norm === 'double' || token.norm === 'triple') && repeated?.kind === TokenKind.Word && repeated.norm.length === 1 && isValueStart(tokens, t + 2)) {
        compact += repeated.norm.repeat(token.norm === 'double' ? 2 : 3);
        atoms += 2;
        t += 2;
        lastEnd = t;
        continue;
      }
      // A short vowelless code said as a word before digits: "pwr three three eight", "xj four one".
      if (atoms === 0 && !token.upper && token.norm.length <= 4 && !/[aeiouy']/.test(token.norm) && tokens[t + 1]?.kind === TokenKind.Word && isValueStart(tokens, t + 1)) {
        compact += token.norm;
        atoms++;
        t++;
        lastEnd = t;
        continue;
      }
      const glued = atoms > 0 && !token.spaced && lastEnd === t;
      const gluedNext = tokens[t + 1] !== undefined && !tokens[t + 1]!.spaced && tokens[t + 1]!.kind === TokenKind.Number;
      // "... three one two i think": the pronoun after an id is not one of its letters.
      const letter = token.norm.length === 1 && !(atoms > 0 && token.norm === 'i' && tokens[t + 1]?.kind === TokenKind.Word && tokens[t + 1]!.norm.length > 1 && !valueFillers.has(tokens[t + 1]!.norm) && readNumberGroup(tokens, t + 1, true) === undefined);
      const code = token.allUpper && token.norm.length <= 4 && !(token.norm === 'i' && !letter);
      if (letter || glued || gluedNext || code) {
        compact += token.norm;
        atoms++;
        t++;
        lastEnd = t;
        continue;
      }
      if (valueFillers.has(token.norm) && atoms > 0 && isValueStart(tokens, t + 1)) {
        t++;
        continue;
      }
      break;
    }
    // "40772. I have ...": a period or comma, then a spaced letter, ends the id.
    const sentenceBreak = (token.norm === '.' || token.norm === ',') && tokens[t + 1]?.kind === TokenKind.Word && tokens[t + 1]!.spaced && tokens[t + 1]!.upper;
    if (token.kind === TokenKind.Punct && valueSeparators.has(token.norm) && atoms > 0 && !sentenceBreak && isValueStart(tokens, t + 1)) {
      t++;
      continue;
    }
    break;
  }
  if (atoms === 0 || lastEnd < 0) return undefined;
  return { startTok: i, endTok: lastEnd, digits, atoms, compact };
}

function isValueStart(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  if (!token) return false;
  if (token.kind === TokenKind.Number) return true;
  // "9TK4-RE2-MW71": a short code in capitals, or letters glued to digits, continues an id after a dash.
  const code = token.kind === TokenKind.Word && (token.allUpper ? token.norm.length <= 4 : tokens[i + 1]?.kind === TokenKind.Number && !tokens[i + 1]!.spaced);
  return token.kind === TokenKind.Word && (token.norm.length === 1 || code || readNumberGroup(tokens, i, true) !== undefined);
}

// A copula ends a longer lead-in: "the case number for my workers comp *is* ...", "license number for the form *it's* ...".
const copulas = new Set(['is', "it's", 'its', 'was', ':', 'are', "that's", 'says', 'reads', 'shows']);
const leadInStops = new Set(['.', '?', '!', '\n', ';']);

/** The identifier after an id cue, if one follows within a few bridge words. */
export function valueAfterCue(tokens: readonly Token[], cue: Cue): IdValue | undefined {
  const near = valueFrom(tokens, cue.endTok);
  if (near) return near;
  // "Agent: And the zip? Caller: 94110.": the value is the answer, after the question and the speaker's label.
  const answer = answerAfterQuestion(tokens, cue.endTok);
  if (answer >= 0) {
    // The answer is the id only when it is all the caller says there: "Caller: 73301." not "Caller: 618 Juniper Court".
    const value = valueFrom(tokens, answer);
    const after = value ? tokens[value.endTok] : undefined;
    return value && (after === undefined || after.kind === TokenKind.Punct) ? value : undefined;
  }
  // A short lead-in of other words, closed by a copula, before the value.
  for (let t = cue.endTok; t < cue.endTok + 14 && t < tokens.length; t++) {
    const token = tokens[t]!;
    if (leadInStops.has(token.norm) || token.kind === TokenKind.Number) return undefined;
    if (copulas.has(token.norm)) return valueFrom(tokens, bridgeWords.has(token.norm) || bridgePunct.has(token.norm) ? t : t + 1);
  }
  return undefined;
}

const answerOpeners = new Set(['yes', 'yeah', 'yep', 'sure', 'okay', 'ok', 'uh', 'um', 'so', 'right', 'hold', 'on', 'here']);
const speakerLabels = new Set(['caller', 'patient', 'agent', 'staff', 'nurse', 'receptionist', 'operator', 'pharmacist', 'provider', 'doctor', 'speaker', 'a', 'b', 'c', 'p', 'mom', 'dad', 'daughter', 'son']);

/** The token after "? Caller:" when a question closes the cue within two words; else -1. */
function answerAfterQuestion(tokens: readonly Token[], from: number): number {
  let t = from;
  while (t < from + 2 && tokens[t]?.kind === TokenKind.Word && bridgeWords.has(tokens[t]!.norm)) t++;
  if (tokens[t]?.norm !== '?') return -1;
  const label = tokens[t + 1];
  if (label?.kind !== TokenKind.Word || !speakerLabels.has(label.norm) || tokens[t + 2]?.norm !== ':') return -1;
  t += 3;
  // "Caller: Yes, LFG-0061244792.", "Caller: Uh, sure, it's ...".
  while (tokens[t] && (answerOpeners.has(tokens[t]!.norm) || tokens[t]!.norm === ',')) t++;
  return t;
}

function valueFrom(tokens: readonly Token[], from: number): IdValue | undefined {
  let t = from;
  for (let skipped = 0; skipped < 6 && t < tokens.length; skipped++) {
    const token = tokens[t]!;
    if ((token.kind === TokenKind.Word && bridgeWords.has(token.norm)) || (token.kind === TokenKind.Punct && bridgePunct.has(token.norm))) {
      // "four" bridges only in "last four (digits)": otherwise it is the first digit.
      if (token.norm === 'four' && tokens[t - 1]?.norm !== 'last') break;
      t++;
      continue;
    }
    break;
  }
  return readIdValue(tokens, t);
}

const pagerCues = new Set(['pager', 'pg', 'beeper']);
const phoneWords = new Set(['phone', 'cell', 'mobile', 'telephone', 'call', 'text', 'reach', 'callback', 'desk', 'home', 'work', 'contact', 'best', 'area', 'reached', 'be', 'pager', 'pg', 'beeper']);

/** "number is", "the number": a cue that says nothing about a phone. */
function genericNumberCue(tokens: readonly Token[], cue: Cue): boolean {
  for (let t = cue.startTok; t < cue.endTok; t++) if (phoneWords.has(tokens[t]!.norm)) return false;
  return true;
}

function minimumDigits(type: PhiType, cue: Cue, tokens: readonly Token[]): number {
  switch (type) {
    case 'PHONE':
    case 'FAX':
      return tokens[cue.startTok]?.norm === 'area' ? 3 : pagerCues.has(tokens[cue.startTok]?.norm ?? '') ? 4 : 7;
    case 'SSN':
      return 4;
    case 'ADDRESS':
      // "ZIP: 1098", "my zip code is 880": postal codes abroad are shorter.
      return 3;
    default:
      return 3;
  }
}

const ssnWindow = 24;

/**
 * A social security number said a little after its cue, across a question or a turn: "and the
 * social? ... sure, it's 123 45 6789", "my social security number, let me find it, ok 1 2 3 ...".
 * Only a run of exactly nine digits (four after "last four") counts.
 */
function ssnAhead(tokens: readonly Token[], cue: Cue, runs: readonly NumberRun[], out: PhiSpan[]): void {
  let lastFour = false;
  for (let t = cue.startTok; t < cue.endTok; t++) if (tokens[t]!.norm === 'four') lastFour = true;
  for (const run of runs) {
    if (run.startTok < cue.endTok) continue;
    if (run.startTok - cue.endTok > ssnWindow) break;
    const tight = run.writtenShape === '' || /^(?:9|4|3([-. ])2\1{1}4)$/.test(run.writtenShape);
    if (tight && (run.digits.length === 9 || (lastFour && run.digits.length === 4))) {
      out.push({ start: run.start, end: run.end, type: 'SSN', confidence: 0.9, source: run.writtenShape ? 'pattern' : 'spoken' });
      return;
    }
  }
}

// Masked SSNs on forms and portals: "xxx-xx-6789", "***-**-6789", "XXX XX 6789".
const maskedSsn = /(?<![\w*#])(?:[xX]{3}|\*{3}|#{3})[- ]?(?:[xX]{2}|\*{2}|#{2})[- ]?\d{4}\b/g;

export function detectMaskedSsns(text: string, out: PhiSpan[]): void {
  if (!text.includes('xx') && !text.includes('XX') && !text.includes('**') && !text.includes('##')) return;
  maskedSsn.lastIndex = 0;
  for (let match = maskedSsn.exec(text); match !== null; match = maskedSsn.exec(text)) {
    out.push({ start: match.index, end: match.index + match[0].length, type: 'SSN', confidence: 0.9, source: 'pattern' });
  }
}

const amountUnits = new Set(['dollars', 'dollar', 'bucks', 'cents', 'percent', 'mg', 'milligrams', 'units', 'pills', 'tablets', 'days', 'weeks', 'months', 'years', 'minutes', 'hours', 'miles', 'pounds']);
const spelledCues = new Set(['', 'mrn', 'ssn', 'dob', 'npi', 'dea', 'vin', 'id', 'sn', 'pin', 'ss', 'dl']);

// Words before "number" that say nothing about what the number is, or that make it a phone or a count.
const notIdOwners = new Set(['my', 'your', 'his', 'her', 'our', 'their', 'the', 'a', 'an', 'that', 'this', 'same', 'wrong', 'right', 'new', 'old', 'other', 'best', 'good', 'main', 'direct', 'different', 'any', 'whole', 'small', 'large', 'big', 'high', 'low', 'total', 'odd', 'even', 'lucky', 'round', 'what', 'which', 'whose',
  'room', 'bed', 'floor', 'gate', 'bus', 'route', 'exit', 'page', 'step', 'size', 'version', 'model', 'lot', 'dose', 'question', 'option', 'extension', 'ext', 'suite', 'apartment', 'unit', 'box', 'highway', 'line', 'track', 'flight', 'seat', 'store', 'pharmacy', 'office', 'clinic', 'fax']);

/**
 * "juror number 2026-JR-004187", "my interpreter number is two two four one": a noun naming what the
 * number is, then a value with four digits or more, is some id (OTHER_ID, below any cue that knows better).
 */
function nounNumberIds(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i]!.norm !== 'number') continue;
    const owner = tokens[i - 1]!;
    if (owner.kind !== TokenKind.Word || owner.norm.length < 3 || notIdOwners.has(owner.norm) || phoneWords.has(owner.norm) || owner.norm.endsWith("'s")) continue;
    const value = valueFrom(tokens, i + 1);
    if (!value || value.digits < 4) continue;
    out.push({ start: tokens[value.startTok]!.start, end: tokens[value.endTok - 1]!.end, type: 'OTHER_ID', confidence: 0.6, source: tokens[value.startTok]!.kind === TokenKind.Word ? 'spoken' : 'context' });
  }
}

/** Spans for identifiers introduced by a cue ("member id", "mrn", "social", "fax"). */
export function detectCuedIdentifiers(tokens: readonly Token[], cues: readonly Cue[], runs: readonly NumberRun[], out: PhiSpan[]): void {
  nounNumberIds(tokens, out);
  for (const cue of cues) {
    if (cue.kind !== 'id' || !cue.type) continue;
    const value = valueAfterCue(tokens, cue);
    if (!value || (cue.type === 'SSN' && value.digits < 4)) {
      if (cue.type === 'SSN') ssnAhead(tokens, cue, runs, out);
      continue;
    }
    let enoughDigits = value.digits >= minimumDigits(cue.type, cue, tokens);
    // "the hospital number is seven seven one two zero nine": a short number after a generic "number is" is still an id.
    let type = cue.type;
    if (!enoughDigits && type === 'PHONE' && value.digits >= 5 && tokens[cue.startTok]?.norm !== 'area') {
      type = 'OTHER_ID';
      enoughDigits = true;
    }
    // Plates and serials may be mostly letters: "plate is a b c one two three".
    let alnumEnough = cue.type !== 'PHONE' && cue.type !== 'FAX' && cue.type !== 'SSN' && cue.type !== 'ADDRESS' && value.atoms >= 4 && value.digits >= 1;
    // "the transmitter number is eight g k four two m": letters and digits after a generic "number" are an id, not a phone.
    if (!enoughDigits && type === 'PHONE' && genericNumberCue(tokens, cue) && value.digits >= 2 && /[a-z]/.test(value.compact) && value.compact.length >= 5) {
      type = 'OTHER_ID';
      alnumEnough = true;
    }
    if (!enoughDigits && !alnumEnough) continue;
    // "it's like two thousand dollars": an amount, not an id.
    if (amountUnits.has(tokens[value.endTok]?.norm ?? '')) continue;
    // "the group is at four fifteen": a short number after "at" is a time.
    if ((tokens[value.startTok - 1]?.norm === 'at' || tokens[value.startTok - 1]?.norm === 'around') && value.digits <= 4 && !/[a-z]/.test(value.compact)) continue;
    const spoken = tokens[value.startTok]!.kind === TokenKind.Word;
    out.push({ start: tokens[value.startTok]!.start, end: tokens[value.endTok - 1]!.end, type, confidence: 0.95, source: spoken ? 'spoken' : 'context' });
  }
}

// Units glued to a number: "100CC", "5000units" are amounts, not identifiers.
const unitSuffix = /^(?:cc|ml|mg|mcg|kg|g|l|u|units?|hr|hrs|min|mmhg|meq|s|am|pm)$/;

/**
 * Written runs are identifiers only in identifier shapes: one unbroken group, or phone/SSN-like
 * hyphenated groups. Lists of lab values ("7.37 - 33 - 98", "115, 41, 7.35") and ranges
 * ("150-250", "800-1000") are not.
 */
function writtenIdShape(tokens: readonly Token[], run: NumberRun, length: number): boolean {
  const shape = run.writtenShape;
  if (/^(?:1[-. ])?3[-. )]3[-. ]4$|^3[-. ]2[-. ]4$|^\d+$/.test(shape)) return true;
  if (shape.includes('.') || shape.includes(')')) return false;
  // A list of values ("120, 80, 72") is not an identifier.
  for (let k = 1; k < run.groups.length; k++) {
    for (let t = run.groups[k - 1]!.endTok; t < run.groups[k]!.startTok; t++) if (tokens[t]!.norm === ',') return false;
  }
  const values = run.groups.map((g) => Number(g.digits));
  if (tokens[run.endTok]?.norm === '%') return false;
  // Space-separated groups ("4111 2222 3333 4444", "416 60 039") are an identifier only when
  // few groups are short; runs of short values ("60 77 28 99", "12 700 50") are vitals or settings.
  // Digits typed one at a time ("2 8 8 1 0 4 5 7 9"): an identifier read out digit by digit.
  if (/^1(?: 1){6,}$/.test(shape)) return true;
  if (shape.includes(' ')) return run.groups.length >= 2 && length >= 8 && run.groups.filter((g) => g.digits.length < 3).length <= 1 && run.groups[0]!.digits.length >= 2;
  const clock = (g: { digits: string }) => g.digits.length === 4 && Number(g.digits.slice(0, 2)) <= 24 && Number(g.digits.slice(2)) < 60;
  if (run.groups.length === 2 && run.groups.every(clock)) return false; // "2400-0400", a time range
  if (run.groups.length === 2) {
    // A range ("800-1000", "150-250") rises; an account or local number ("4622-5775", "555-0123") need not.
    const [a, b] = values as [number, number];
    const rising = b > a && b <= a * 3;
    return shape === '3-4' ? !rising : length >= 8 || (length >= 7 && !rising);
  }
  // Three or more groups ("12-345-6789", "749 30 0013"), each of two digits or more.
  return length >= 7 && run.groups.every((g) => g.digits.length >= 2);
}

/** Spans for number runs without a cue: phone-shaped, SSN-shaped, or long enough to be an identifier. */
export function detectUncuedRuns(tokens: readonly Token[], runs: readonly NumberRun[], out: PhiSpan[]): void {
  for (const run of runs) {
    const length = run.digits.length;
    const written = run.writtenShape !== '';
    let start = run.start;
    let end = run.end;
    // Letters glued to the digits belong to the id: "W123456789", "123ABC".
    const before = tokens[run.startTok - 1];
    if (before && before.kind === TokenKind.Word && !tokens[run.startTok]!.spaced && length >= 5) {
      // Letters and digits glued together ("GB78FDMR1227780169") are one identifier.
      let b = run.startTok - 1;
      while (b > 0 && !tokens[b]!.spaced && (tokens[b - 1]!.kind === TokenKind.Word || tokens[b - 1]!.kind === TokenKind.Number) && run.startTok - b < 6) b--;
      start = tokens[b]!.start;
    } else if (before && before.norm === '+' && !tokens[run.startTok]!.spaced) start = before.start;
    // "W 2 8 8 1 0 4 5 7 9", "H 4471 2290 318": a capital letter said before a long written id.
    else if (before && before.kind === TokenKind.Word && before.allUpper && before.norm.length === 1 && before.norm !== 'i' && written && length >= 8) start = before.start;
    // "it says r h four seven seven two nine zero one": letters spelled before a long spoken id.
    else if (!written && length >= 7) {
      let b = run.startTok;
      while (b > 0 && run.startTok - b < 3 && tokens[b - 1]!.kind === TokenKind.Word && tokens[b - 1]!.norm.length === 1 && tokens[b - 1]!.norm !== 'a' && tokens[b - 1]!.norm !== 'i') b--;
      // ... unless the letters are the cue said before the id ("m r n zero zero four ...").
      const letters = tokens.slice(b, run.startTok).map((token) => token.norm).join('');
      if (!spelledCues.has(letters) && !spelledCues.has(letters.slice(1))) start = tokens[b]!.start;
    }
    const after = tokens[run.endTok];
    if (after && after.kind === TokenKind.Word && !after.spaced && length >= 5 && !unitSuffix.test(after.norm)) end = after.end;
    const source = written ? 'pattern' : 'spoken';
    if (written && !writtenIdShape(tokens, run, length)) continue;
    if (/^3([-. ])2\1{1}4$/.test(run.writtenShape)) {
      out.push({ start, end, type: 'SSN', confidence: 0.9, source });
    } else if (written && /^(?:1[-. ])?3[-. )]3[-. ]4$|^3-4$/.test(run.writtenShape)) {
      out.push({ start, end, type: 'PHONE', confidence: 0.9, source });
    } else if (length === 10 || (length === 11 && run.digits[0] === '1')) {
      out.push({ start, end, type: 'PHONE', confidence: written ? 0.8 : 0.85, source });
    } else if (length === 7 && !written) {
      out.push({ start, end, type: 'PHONE', confidence: 0.7, source });
    } else if (length >= 7 || (length >= 5 && start !== run.start) || (length >= 5 && end !== run.end)) {
      out.push({ start, end, type: 'OTHER_ID', confidence: 0.7, source });
    }
  }
}

const idTypes = new Set<PhiType>(['OTHER_ID', 'ACCOUNT', 'HEALTH_PLAN_ID', 'MRN', 'LICENSE', 'DEVICE', 'VEHICLE']);
const letterPrefix = /(?:^|[^A-Za-z0-9-])([A-Z]{1,5}(?:-[A-Z0-9]{1,5})*)-$/;

/**
 * "RMH-4418822", "PA-2026-1187305": an identifier's letter prefix, glued to its digits by a dash, is
 * part of the value; the digits alone were found by their shape or cue.
 */
export function withIdPrefixes(text: string, found: PhiSpan[]): void {
  for (let k = 0; k < found.length; k++) {
    const span = found[k]!;
    if (!idTypes.has(span.type) || text[span.start - 1] !== '-') continue;
    const prefix = letterPrefix.exec(text.slice(Math.max(0, span.start - 16), span.start));
    if (prefix) found[k] = { ...span, start: span.start - prefix[1]!.length - 1 };
  }
}

// A written code of capitals and digits, dashes between its groups: "BXKT4L9R", "5KD9-RT2-XN44", "NSN-004471".
const mixedCode = /(?<![A-Za-z0-9-])[A-Z0-9]+(?:-[A-Z0-9]+)*(?![A-Za-z0-9]|-[A-Za-z0-9])/g;

/**
 * Mixed-case text: a code with at least two capitals and digits mixed, seven characters or more,
 * is an identifier wherever it stands (a claim, case, plan or reference number). Short codes
 * ("A1C", "B12", "COVID-19", "N95") are too short or have too few digits to count.
 */
export function detectMixedCodes(text: string, found: PhiSpan[]): void {
  mixedCode.lastIndex = 0;
  for (let match = mixedCode.exec(text); match !== null; match = mixedCode.exec(text)) {
    const code = match[0];
    const plain = code.replace(/-/g, '');
    const digits = plain.replace(/\D/g, '').length;
    const letters = plain.length - digits;
    if (plain.length < 7 || letters < 2 || digits < 2) continue;
    const groups = code.split('-');
    // "BXKT4L9R", "5KD9-RT2-XN44": letters and digits interleaved inside a group, with a pair of capitals.
    const interleaved = groups.some((group) => (group.match(/[A-Z](?=\d)|\d(?=[A-Z])/g) ?? []).length >= 2 && /[A-Z]{2}/.test(group));
    // "NSN-004471": a letter prefix, then one long digit group. Not "HR-110-133" or "AC-20-50-400-5" (settings).
    const prefixed = groups.length === 2 && /^[A-Z]{2,5}$/.test(groups[0]!) && /^\d{5,}$/.test(groups[1]!);
    if (!interleaved && !prefixed) continue;
    found.push({ start: match.index, end: match.index + code.length, type: 'OTHER_ID', confidence: 0.7, source: 'pattern' });
  }
}
