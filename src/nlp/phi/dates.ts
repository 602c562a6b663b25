/**
 * Dates and ages (HIPAA Safe Harbor keeps a year alone, so "back in twenty nineteen" and "born in
 * nineteen fifty two" stay; a day and month, or a month and year, is redacted). Written: "03/03/1952", "March 3rd,
 * 1952", "1952-03-03". Spoken: "march third nineteen fifty two", "the third of march", "three three
 * nineteen fifty two", "oh three oh three fifty two" and "3 14 62" (with a birth cue), "tuesday the fourth".
 * Ages are redacted only over 89 ("ninety two years old").
 */
import type { PhiSpan } from '../analysis.types.ts';
import { skipFillers, type Cue } from './cues.ts';
import { digitWords, readTeenOrTens, teenWords, tensWords, type NumberRun } from './spoken-numbers.ts';
import { TokenKind, type Token } from './tokens.ts';

export interface DateSpan extends PhiSpan {
  year?: number;
  month?: number;
  day?: number;
}

const months = new Map<string, number>([
  ['january', 1], ['february', 2], ['march', 3], ['april', 4], ['may', 5], ['june', 6], ['july', 7], ['august', 8],
  ['september', 9], ['october', 10], ['november', 11], ['december', 12],
]);
const monthAbbreviations = new Map<string, number>([
  ['jan', 1], ['feb', 2], ['mar', 3], ['apr', 4], ['jun', 6], ['jul', 7], ['aug', 8], ['sep', 9], ['sept', 9], ['oct', 10], ['nov', 11], ['dec', 12],
]);
const ordinalUnits = new Map<string, number>([
  ['first', 1], ['second', 2], ['third', 3], ['fourth', 4], ['fifth', 5], ['sixth', 6], ['seventh', 7], ['eighth', 8], ['ninth', 9],
]);
const ordinalWords = new Map<string, number>([
  ...ordinalUnits, ['tenth', 10], ['eleventh', 11], ['twelfth', 12], ['thirteenth', 13], ['fourteenth', 14], ['fifteenth', 15],
  ['sixteenth', 16], ['seventeenth', 17], ['eighteenth', 18], ['nineteenth', 19], ['twentieth', 20], ['thirtieth', 30],
]);
const ordinalSuffixes = new Set(['st', 'nd', 'rd', 'th']);
const ageUnits = new Set(['years', 'year', 'yrs', 'yr', 'yo', 'y']);
const notAgeUnits = new Set(['degrees', 'degree', 'fever', 'percent', 'mg', 'milligrams', 'pounds', 'lbs', 'days', 'pills', 'dollars', 'units', 'minutes', 'over', 'temperature', 'times', 'tablets']);

interface Parsed {
  value: number;
  endTok: number;
}

function monthAt(tokens: readonly Token[], i: number): number | undefined {
  const token = tokens[i];
  if (!token || token.kind !== TokenKind.Word) return undefined;
  const full = months.get(token.norm);
  if (full !== undefined) return full;
  const short = monthAbbreviations.get(token.norm);
  // "jan" and "dec" are names and words too: an abbreviation needs a capital or a period.
  // ... or a day written in digits after it ("aug 3 1961").
  const dayDigits = tokens[i + 1]?.kind === TokenKind.Number && tokens[i + 1]!.norm.length <= 2 && Number(tokens[i + 1]!.norm) >= 1 && Number(tokens[i + 1]!.norm) <= 31;
  if (short !== undefined && (token.upper || tokens[i + 1]?.norm === '.' || dayDigits)) return short;
  return undefined;
}

/** A day of the month: "3", "3rd", "third", "twenty third", "three", "twenty three". */
function parseDay(tokens: readonly Token[], i: number, ordinalOnly: boolean): Parsed | undefined {
  const token = tokens[i];
  if (!token) return undefined;
  if (token.kind === TokenKind.Number) {
    const value = Number(token.norm);
    if (token.norm.length > 2 || value < 1 || value > 31) return undefined;
    const suffix = tokens[i + 1];
    if (suffix && !suffix.spaced && ordinalSuffixes.has(suffix.norm)) return { value, endTok: i + 2 };
    return ordinalOnly ? undefined : { value, endTok: i + 1 };
  }
  if (token.kind !== TokenKind.Word) return undefined;
  const ordinal = ordinalWords.get(token.norm);
  if (ordinal !== undefined) return { value: ordinal, endTok: i + 1 };
  const tens = tensWords.get(token.norm);
  if (tens === 20 || tens === 30) {
    const unitOrdinal = ordinalUnits.get(tokens[i + 1]?.norm ?? '');
    if (unitOrdinal !== undefined && tens + unitOrdinal <= 31) return { value: tens + unitOrdinal, endTok: i + 2 };
    if (ordinalOnly) return undefined;
    const unit = digitWords.get(tokens[i + 1]?.norm ?? '');
    if (unit !== undefined && unit > 0 && tens + unit <= 31) return { value: tens + unit, endTok: i + 2 };
    return { value: tens, endTok: i + 1 };
  }
  if (ordinalOnly) return undefined;
  const teen = teenWords.get(token.norm);
  if (teen !== undefined) return { value: teen, endTok: i + 1 };
  const digit = digitWords.get(token.norm);
  if (digit !== undefined && digit > 0) return { value: digit, endTok: i + 1 };
  return undefined;
}

/** Two spoken digits after "nineteen"/"twenty": "fifty two", "oh five", "twelve", "hundred". */
function parseYearTail(tokens: readonly Token[], i: number): Parsed | undefined {
  const word = tokens[i]?.norm ?? '';
  const twoDigits = readTeenOrTens(tokens, i);
  if (twoDigits) return twoDigits;
  if (word === 'oh' || word === 'o' || word === 'zero') {
    const unit = digitWords.get(tokens[i + 1]?.norm ?? '');
    if (unit !== undefined) return { value: unit, endTok: i + 2 };
  }
  if (word === 'hundred') return { value: 0, endTok: i + 1 };
  return undefined;
}

/** A year: "1952", "nineteen fifty two", "twenty twenty three", "two thousand (and) five". */
export function parseYear(tokens: readonly Token[], i: number): Parsed | undefined {
  const token = tokens[i];
  if (!token) return undefined;
  // "December 1st, '92": an apostrophe and two digits.
  if ((token.norm === "'" || token.norm === '’') && tokens[i + 1]?.kind === TokenKind.Number && tokens[i + 1]!.norm.length === 2 && !tokens[i + 1]!.spaced) {
    const value = Number(tokens[i + 1]!.norm);
    return { value: value + (value > 30 ? 1900 : 2000), endTok: i + 2 };
  }
  if (token.kind === TokenKind.Number) {
    const value = Number(token.norm);
    return token.norm.length === 4 && value >= 1900 && value <= 2099 ? { value, endTok: i + 1 } : undefined;
  }
  if (token.norm === 'nineteen' || token.norm === 'twenty') {
    const tail = parseYearTail(tokens, i + 1);
    if (tail) return { value: (token.norm === 'nineteen' ? 1900 : 2000) + tail.value, endTok: tail.endTok };
    return undefined;
  }
  if (token.norm === 'two' && tokens[i + 1]?.norm === 'thousand') {
    let t = i + 2;
    if (tokens[t]?.norm === 'and') t++;
    const tail = parseYearTail(tokens, t);
    if (tail && tokens[t]?.norm !== 'oh' && tokens[t]?.norm !== 'hundred') return { value: 2000 + tail.value, endTok: tail.endTok };
    const digit = digitWords.get(tokens[t]?.norm ?? '');
    if (digit !== undefined && digit > 0 && tokens[t]?.norm !== 'oh') return { value: 2000 + digit, endTok: t + 1 };
    return { value: 2000, endTok: i + 2 };
  }
  return undefined;
}

function skip(tokens: readonly Token[], i: number, words: ReadonlySet<string>): number {
  let t = i;
  while (tokens[t] && words.has(tokens[t]!.norm)) t++;
  return t;
}

const afterMonth = new Set(['.', 'the']);
const beforeYear = new Set([',', 'of', 'in']);
const beforeMonth = new Set(['of', 'in']);

const dateDashes = new Set(['-', '.', '/']);

function glued(tokens: readonly Token[], i: number, puncts: ReadonlySet<string>): boolean {
  const token = tokens[i];
  return token !== undefined && !token.spaced && puncts.has(token.norm);
}

function twoDigitYear(tokens: readonly Token[], i: number): Parsed | undefined {
  const token = tokens[i];
  if (!token || token.kind !== TokenKind.Number || token.norm.length !== 2 || token.spaced) return undefined;
  const value = Number(token.norm);
  return { value: value + (value > 30 ? 1900 : 2000), endTok: i + 1 };
}

const weekdays = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'mon', 'tues', 'wed', 'thurs', 'fri']);
// Words before "the fifteenth" that make it a day of the month.
const dayPrepositions = new Set(['on', 'by', 'until', 'till', 'since', 'before', 'after', 'for', 'from', 'through', 'thru', 'to', 'around', 'is', "it's", 'was', 'be', 'and', 'or']);
// Nearby words that put a calendar in play ("the appointment is in april, on the fifteenth").
const dateContext = new Set(['appointment', 'appt', 'scheduled', 'schedule', 'reschedule', 'rescheduled', 'born', 'birthday', 'due', 'surgery', 'procedure', 'visit', 'date', 'dated', 'booked', 'admitted', 'discharged', 'seen', 'er', 'hospital', 'month', 'week', 'since']);
// After a day of the month: the end of the phrase, not a noun ("the fifth floor", "the first time").
const dayFollowers = new Set(['at', 'in', 'of', 'and', 'or', 'to', 'through', 'thru', 'till', 'until', 'works', 'is', 'then', 'sounds', 'would', 'could', 'please', 'earlier', 'later', 'is', 'was', 'then', 'so', 'please', 'okay', 'ok', 'um', 'uh', 'right', 'works', 'would', 'will', 'if', 'that', 'which', 'because', 'but', 'i', 'we', 'my', 'she', 'he', 'they', 'you', 'with', 'for', 'around', 'maybe', 'too', 'instead']);

/**
 * "on the fifteenth", "Tuesday the 14th", "by the 3rd": an ordinal day of the month with a date
 * context (a weekday just before, or a month or scheduling word in the sentence before it).
 */
function ordinalDayStart(tokens: readonly Token[], i: number, endTok: number, day: number): number {
  const the = tokens[i - 1]?.norm === 'the' ? i - 1 : -1;
  const next = tokens[endTok];
  // "the twenty third of last month", "the fifth of next month".
  if (the >= 0 && next?.norm === 'of' && ['last', 'next', 'this', 'the'].includes(tokens[endTok + 1]?.norm ?? '') && tokens[endTok + 2]?.norm === 'month') return the;
  if (next && next.kind === TokenKind.Word && !dayFollowers.has(next.norm)) return -1;
  if (next && next.kind === TokenKind.Number) return -1;
  let before = the >= 0 ? the - 1 : i - 1;
  if (tokens[before]?.norm === ',') before--;
  const previous = tokens[before];
  if (previous && weekdays.has(previous.norm)) return the >= 0 || tokens[before + 1]?.norm === ',' ? withRelativeWord(tokens, before) : -1;
  const closed = next === undefined || next.kind === TokenKind.Punct || next.norm === 'of' || dayFollowers.has(next.norm);
  // "Caller: The seventeenth.", "I had the nineteenth in my head", "the 15th": a day from the tenth on, or
  // written with its suffix, needs no preposition — few other things are "the seventeenth".
  if (the >= 0 && closed && (day >= 10 || tokens[i]!.kind === TokenKind.Number)) return the;
  if (!previous) return -1;
  if (the < 0 || !dayPrepositions.has(previous.norm)) return -1;
  // "on the sixth", "it's the 12th, I think": a day after a preposition, with nothing after it but the end
  // of the phrase, is a date; only "the first" (a first dose, the first time) needs a calendar nearby.
  if (day >= 2 && closed) return the;
  for (let t = before - 1; t >= 0 && t >= before - 25; t--) {
    const norm = tokens[t]!.norm;
    if (months.has(norm) || weekdays.has(norm) || dateContext.has(norm) || monthAt(tokens, t) !== undefined) return the;
  }
  return -1;
}

/**
 * Day-first dates said with a cardinal, as many callers say them ("fourteen of february seventy
 * nine", "seven july fifty five", "Nineteen January, 1952", "the twelve of november"): a spoken
 * number before a full month name is a day only when the phrase is shaped like a date — "of"
 * between them, "the" before, or a year after the month — so "take two, may help" is not one.
 */
function cardinalDayFirst(tokens: readonly Token[], i: number, cues: readonly Cue[]): Parsed | undefined {
  if (tokens[i]?.kind !== TokenKind.Word) return undefined;
  const day = parseDay(tokens, i, false);
  if (!day) return undefined;
  const hasOf = tokens[day.endTok]?.norm === 'of';
  const m = hasOf ? day.endTok + 1 : day.endTok;
  if (!months.has(tokens[m]?.norm ?? '')) return undefined;
  if (tokens[m]!.norm === 'may' && !hasOf) return undefined;
  if (hasOf && tokens[i - 1]?.norm === 'the') return day;
  const yearAt = skip(tokens, m + 1, beforeYear);
  return parseYear(tokens, yearAt) || spokenShortYear(tokens, yearAt, cues, i) ? day : undefined;
}

/** "last tuesday the fourth", "this friday the 9th": the word that places the weekday belongs to the date. */
function withRelativeWord(tokens: readonly Token[], weekday: number): number {
  return relativeWords.has(tokens[weekday - 1]?.norm ?? '') ? weekday - 1 : weekday;
}
const relativeWords = new Set(['last', 'next', 'this', 'past', 'coming']);

function span(tokens: readonly Token[], startTok: number, endTok: number, confidence: number, fields: { year?: number; month?: number; day?: number }): DateSpan {
  // "monday march tenth", "Tuesday, June 3": the weekday said with the date belongs to it.
  const before = tokens[startTok - 1]?.norm === ',' ? startTok - 2 : startTok - 1;
  if (fields.day !== undefined && fields.month !== undefined && weekdays.has(tokens[before]?.norm ?? '')) startTok = withRelativeWord(tokens, before);
  const source = tokens[startTok]!.kind === TokenKind.Word && tokens[endTok - 1]!.kind === TokenKind.Word ? 'spoken' : 'pattern';
  return { start: tokens[startTok]!.start, end: tokens[endTok - 1]!.end, type: 'DATE', confidence, source, ...fields };
}

function isValid(month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Month-name dates, ordinal dates and written numeric dates, in one token pass. */
export function detectDates(tokens: readonly Token[], runs: readonly NumberRun[], cues: readonly Cue[], out: DateSpan[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    // Year first: "nineteen fifty-two march third", "1952 March 3".
    if (token.norm === 'nineteen' || token.norm === 'twenty' || (token.kind === TokenKind.Number && token.norm.length === 4)) {
      const year = parseYear(tokens, i);
      const m = year ? skip(tokens, year.endTok, beforeYear) : -1;
      const yearMonth = year ? monthAt(tokens, m) : undefined;
      const yearDay = yearMonth !== undefined ? parseDay(tokens, skip(tokens, m + 1, afterMonth), tokens[m]!.norm === 'may') : undefined;
      if (year && yearMonth !== undefined && yearDay) {
        out.push(span(tokens, i, yearDay.endTok, 0.9, { year: year.value, month: yearMonth, day: yearDay.value }));
        i = yearDay.endTok - 1;
        continue;
      }
    }
    const month = monthAt(tokens, i);
    if (month !== undefined) {
      const j = skip(tokens, i + 1, afterMonth);
      let day = parseDay(tokens, j, token.norm === 'may' && tokens[j]?.kind !== TokenKind.Number);
      // "may eight nineteen fifty eight": a cardinal after "may" counts when a year follows it.
      if (!day && token.norm === 'may') {
        const cardinal = parseDay(tokens, j, false);
        if (cardinal && parseYear(tokens, skip(tokens, cardinal.endTok, beforeYear))) day = cardinal;
      }
      const yearOnly = parseYear(tokens, skip(tokens, i + 1, beforeYear));
      const dayYear = day ? parseYear(tokens, skip(tokens, day.endTok, beforeYear)) : undefined;
      if (day && (dayYear || !yearOnly || day.endTok > yearOnly.endTok)) {
        const shortYear = dayYear ? undefined : spokenShortYear(tokens, skip(tokens, day.endTok, beforeYear), cues, i);
        if (shortYear) out.push(span(tokens, i, shortYear.endTok, 0.9, { year: shortYear.value, month, day: day.value }));
        else if (dayYear) out.push(span(tokens, i, dayYear.endTok, 0.95, { year: dayYear.value, month, day: day.value }));
        else out.push(span(tokens, i, day.endTok, 0.85, { month, day: day.value }));
      } else if (yearOnly && token.norm !== 'may') {
        out.push(span(tokens, i, yearOnly.endTok, 0.85, { year: yearOnly.value, month }));
      }
      continue;
    }
    // "the third of march (nineteen fifty two)", "3rd of March", "3 March 1952", "5-Mar-1970".
    const day = parseDay(tokens, i, true) ?? (token.kind === TokenKind.Number ? parseDay(tokens, i, false) : undefined) ?? cardinalDayFirst(tokens, i, cues);
    if (day) {
      const dashed = token.kind === TokenKind.Number && glued(tokens, day.endTok, dateDashes) && tokens[day.endTok + 1]?.kind === TokenKind.Word && !tokens[day.endTok + 1]!.spaced;
      const m = dashed ? day.endTok + 1 : skip(tokens, day.endTok, beforeMonth);
      const dayMonth = monthAt(tokens, m);
      if (dayMonth !== undefined) {
        const yearAt = dashed && glued(tokens, m + 1, dateDashes) ? m + 2 : skip(tokens, m + 1, beforeYear);
        const year = parseYear(tokens, yearAt) ?? (dashed && yearAt === m + 2 ? twoDigitYear(tokens, yearAt) : undefined) ?? spokenShortYear(tokens, yearAt, cues, i);
        const startTok = tokens[i - 1]?.norm === 'the' ? i - 1 : i;
        if (year) out.push(span(tokens, startTok, year.endTok, 0.95, { year: year.value, month: dayMonth, day: day.value }));
        else out.push(span(tokens, startTok, m + 1, 0.85, { month: dayMonth, day: day.value }));
        i = m;
        continue;
      }
    }
    if (day && (token.kind === TokenKind.Word || day.endTok === i + 2)) {
      const dayStart = ordinalDayStart(tokens, i, day.endTok, day.value);
      if (dayStart >= 0) {
        out.push(span(tokens, dayStart, day.endTok, 0.8, { day: day.value }));
        i = day.endTok - 1;
        continue;
      }
    }
    if (token.kind === TokenKind.Number) {
      const numeric = writtenNumericDate(tokens, i);
      if (numeric) {
        out.push(numeric);
        i += 4;
        continue;
      }
      const short = writtenMonthDay(tokens, i);
      if (short) {
        out.push(short);
        i += 2;
      }
    }
  }
  detectRunDates(tokens, runs, cues, out);
  detectHolidays(tokens, cues, out);
}

// Fixed-date holidays, as token sequences ("st" and "saint" both; the "." after "st" is skipped).
const holidays = [
  "new year's day", "new year's eve", 'new years day', 'new years eve', 'christmas day', 'christmas eve', 'christmas',
  "saint patrick's day", "st patrick's day", "valentine's day", 'valentines day', 'halloween', 'independence day', 'veterans day',
  "saint valentine's day", 'cinco de mayo', 'juneteenth',
].map((phrase) => phrase.split(' '));
const holidayFirstWords = new Set(holidays.map((words) => words[0]!));

/**
 * "New Year's Day, 1962", "born on christmas day nineteen forty": a fixed-date holiday with a year
 * or after a birth cue is a date. A holiday alone ("after christmas") is not.
 */
function detectHolidays(tokens: readonly Token[], cues: readonly Cue[], out: DateSpan[]): void {
  for (let i = 0; i < tokens.length; i++) {
    if (!holidayFirstWords.has(tokens[i]!.norm)) continue;
    for (const words of holidays) {
      let t = i;
      let w = 0;
      while (w < words.length && tokens[t]?.norm === words[w]) {
        t++;
        w++;
        if (tokens[t]?.norm === '.' && words[w - 1] === 'st') t++;
      }
      if (w < words.length) continue;
      const yearAt = skip(tokens, t, beforeYear);
      // "cinco de mayo sixty nine" after a birth cue: a spoken two-digit year too.
      const year = parseYear(tokens, yearAt) ?? spokenShortYear(tokens, yearAt, cues, i);
      if (year) out.push(span(tokens, i, year.endTok, 0.85, { year: year.value }));
      else if (hasCueBefore(cues, 'birth', i, 4)) out.push(span(tokens, i, t, 0.8, {}));
      else continue;
      i = (year ? year.endTok : t) - 1;
      break;
    }
  }
}

/** "03/03/1952", "3-3-52", "1952-03-03", "3.3.1952": contiguous number-separator-number-separator-number. */
function writtenNumericDate(tokens: readonly Token[], i: number): DateSpan | undefined {
  const a = tokens[i];
  const s1 = tokens[i + 1];
  const b = tokens[i + 2];
  const s2 = tokens[i + 3];
  const c = tokens[i + 4];
  if (!a || !s1 || !b || !s2 || !c) return undefined;
  if (s1.spaced || b.spaced || s2.spaced || c.spaced) return undefined;
  if (b.kind !== TokenKind.Number || c.kind !== TokenKind.Number || s1.norm !== s2.norm || !['/', '-', '.'].includes(s1.norm)) return undefined;
  // "PS 10/5/40%": a ventilator setting, not a date.
  const after = tokens[i + 5];
  if (after && !after.spaced && (after.norm === '%' || after.kind === TokenKind.Word || after.norm === '/')) return undefined;
  for (let k = i - 1; k >= i - 2 && k >= 0; k--) if (notDateBefore.has(tokens[k]!.norm)) return undefined;
  const x = Number(a.norm);
  const y = Number(b.norm);
  const z = Number(c.norm);
  if (a.norm.length === 4 && isValid(y, z)) return span(tokens, i, i + 5, 0.9, { year: x, month: y, day: z });
  if (a.norm.length > 2 || b.norm.length > 2 || (c.norm.length !== 2 && c.norm.length !== 4)) return undefined;
  const year = c.norm.length === 4 ? z : z + (z > 30 ? 1900 : 2000);
  if (isValid(x, y)) return span(tokens, i, i + 5, 0.9, { year, month: x, day: y });
  if (isValid(y, x)) return span(tokens, i, i + 5, 0.85, { year, month: y, day: x });
  return undefined;
}

// Before "a/b", words that make it a score, a ratio or a ventilator setting rather than a date.
const notDateBefore = new Set(['pain', 'scale', 'rated', 'rates', 'score', 'strength', 'motor', 'grade', 'ps', 'psv', 'peep', 'cpap', 'bipap', 'ac', 'simv', 'imv', 'vent', 'settings', 'ratio', 'titer', 'gcs', 'x', 'bp', 'nbp', 'abp', 'map', 'pressure', 'sbp', 'dbp', 'hr']);
const notDateAfter = new Set(['%', 'strength', 'pain', 'ns', 'tab', 'tabs', 'tablet', 'tsp', 'tbsp', 'cup', 'dose', 'strength', 'mg', 'ml', 'cc', 'units', 'mmhg']);

/**
 * A written month and day without a year, "7/22", "on 3/14", or a month and two-digit year
 * ("4/97"): never a fraction ("1/2"), a score ("6/10"), a blood pressure ("120/80") or a setting.
 */
function writtenMonthDay(tokens: readonly Token[], i: number): DateSpan | undefined {
  const a = tokens[i]!;
  const slash = tokens[i + 1];
  const b = tokens[i + 2];
  if (!slash || !b || slash.norm !== '/' || slash.spaced || b.spaced || b.kind !== TokenKind.Number) return undefined;
  if (a.norm.length > 2 || b.norm.length > 2) return undefined;
  const prev = tokens[i - 1];
  // Part of a longer chain ("10/5/40", "76/31/7.24") or a decimal ("7.4/22").
  if (prev && !a.spaced && (prev.norm === '/' || prev.norm === '.' || prev.kind === TokenKind.Number)) return undefined;
  const next = tokens[i + 3];
  if (next && !next.spaced && (next.norm === '/' || next.norm === '.' && tokens[i + 4]?.kind === TokenKind.Number && !tokens[i + 4]!.spaced || next.norm === '-' || next.kind === TokenKind.Number)) return undefined;
  if (next && notDateAfter.has(next.norm)) return undefined;
  for (let k = i - 1; k >= i - 2 && k >= 0; k--) if (notDateBefore.has(tokens[k]!.norm)) return undefined;
  const month = Number(a.norm);
  const second = Number(b.norm);
  if (month < 1 || month > 12) return undefined;
  if (second >= 1 && second <= 31) {
    if (second === 10 || (second <= 5 && month < second)) return undefined; // "6/10", "1/2", "3/4", "4/5"
    return span(tokens, i, i + 3, 0.75, { month, day: second });
  }
  // "4/97": month and two-digit year.
  if (b.norm.length === 2 && second >= 32) return span(tokens, i, i + 3, 0.7, { month, year: 1900 + second });
  return undefined;
}

/**
 * "march third eighty two" after a birth cue: a two-digit spoken year ("eighty two", "oh five").
 * Without a cue only a tens word says a year ("june eighteenth thirty eight"), and not before a unit
 * ("march fifth thirty minutes") or a time ("june tenth ten thirty").
 */
function spokenShortYear(tokens: readonly Token[], i: number, cues: readonly Cue[], dateStart: number): Parsed | undefined {
  const tail = parseYearTail(tokens, i);
  if (!tail || tokens[i]?.norm === 'hundred' || tokens[i]?.kind !== TokenKind.Word) return undefined;
  if (!hasCueBefore(cues, 'birth', dateStart, 6)) {
    const after = tokens[tail.endTok];
    if (!tensWords.has(tokens[i]!.norm) || (after !== undefined && (notAgeUnits.has(after.norm) || timeWords.has(after.norm)))) return undefined;
  }
  return { value: tail.value + (tail.value > 30 ? 1900 : 2000), endTok: tail.endTok };
}
const timeWords = new Set(['am', 'pm', 'a.m.', 'p.m.', "o'clock", 'oclock', 'hours', 'hour', 'hrs', 'minute', 'mins', 'seconds', 'weeks', 'week', 'months', 'month', 'people', 'percent', 'dollars', 'bucks', 'ml', 'milligram', 'milligrams', 'mcg', 'a', 'in', 'p', 'at']);

function hasCueBefore(cues: readonly Cue[], kind: Cue['kind'], startTok: number, window: number): boolean {
  for (const cue of cues) if (cue.kind === kind && cue.endTok <= startTok && startTok - cue.endTok <= window) return true;
  return false;
}

/** Spoken numeric dates: "three three nineteen fifty two", "oh three oh three nineteen fifty two". */
function detectRunDates(tokens: readonly Token[], runs: readonly NumberRun[], cues: readonly Cue[], out: DateSpan[]): void {
  for (const run of runs) {
    // "3 14 62" typed out by a speech engine: a date only after a birth cue or a date preposition.
    const spacedShort = /^[12] [12] 2$/.test(run.writtenShape);
    if (run.writtenShape !== '' && !/^[12][ ][12][ ]4$/.test(run.writtenShape) && !spacedShort) continue;
    const digits = run.digits;
    const birthCue = hasCueBefore(cues, 'birth', run.startTok, 4) || (spacedShort && datePrepositions.has(tokens[run.startTok - 1]?.norm ?? ''));
    if (spacedShort && !birthCue) continue;
    const longEnough = digits.length >= 4 && digits.length <= 8 && (digits.length >= 6 || birthCue);
    const parsed = (longEnough ? readRunDate(run, birthCue) : undefined) ?? spokenShortDate(tokens, run);
    if (!parsed) continue;
    out.push({ start: run.start, end: run.end, type: 'DATE', confidence: birthCue ? 0.95 : 0.85, source: run.writtenShape ? 'pattern' : 'spoken', ...parsed });
  }
}

// Words that introduce a date: "the mri on twelve eight twenty four", "scheduled for one ten twenty three".
const datePrepositions = new Set(['on', 'for', 'since', 'dated', 'from', 'until', 'till', 'by', 'of']);
const shortYearKinds = new Set(['teen', 'tens', 'compound']);

/** Spoken month, day and two-digit year as three groups after a date preposition: "on ten nine twenty four". */
function spokenShortDate(tokens: readonly Token[], run: NumberRun): { year: number; month: number; day: number } | undefined {
  if (run.writtenShape !== '' || run.groups.length !== 3) return undefined;
  if (!datePrepositions.has(tokens[run.startTok - 1]?.norm ?? '')) return undefined;
  const [m, d, y] = run.groups as [NumberRun['groups'][number], NumberRun['groups'][number], NumberRun['groups'][number]];
  if (!shortYearKinds.has(y.kind) || y.value < 10 || m.kind === 'hundred' || d.kind === 'hundred') return undefined;
  if (!isValid(m.value, d.value)) return undefined;
  const after = tokens[run.endTok]?.norm ?? '';
  if (notAgeUnits.has(after) || after === 'mg' || after === 'milligrams') return undefined;
  return { year: y.value + (y.value > 30 ? 1900 : 2000), month: m.value, day: d.value };
}

/** Month and day from the leading groups, the year from the trailing ones. */
function readRunDate(run: NumberRun, birthCue: boolean): { year: number; month: number; day: number } | undefined {
  const digits = run.digits;
  for (const yearLength of birthCue ? [4, 2] : [4]) {
    if (digits.length <= yearLength) continue;
    const year = Number(digits.slice(-yearLength));
    const fullYear = yearLength === 4 ? year : year + (year > 30 ? 1900 : 2000);
    if (fullYear < 1900 || fullYear > 2099) continue;
    // The year must start on a group boundary: "three three | nineteen fifty two".
    let offset = 0;
    let boundary = false;
    for (const group of run.groups) {
      if (offset === digits.length - yearLength) boundary = true;
      offset += group.digits.length;
    }
    if (!boundary) continue;
    const monthDay = digits.slice(0, digits.length - yearLength);
    // Where the month's digits end: 1 or 2.
    const splits = monthDay.length === 2 ? [1] : monthDay.length === 3 ? [1, 2] : monthDay.length === 4 ? [2] : [];
    // Month and day are separate groups: "nineteen fifty two" is a year, not January 9th '52.
    const starts = new Set<number>();
    let at = 0;
    for (const group of run.groups) {
      starts.add(at);
      at += group.digits.length;
    }
    for (const split of splits) {
      const month = Number(monthDay.slice(0, split));
      const day = Number(monthDay.slice(split));
      if (isValid(month, day) && starts.has(split)) return { year: fullYear, month, day };
    }
  }
  return undefined;
}

// People whose age a caller gives: "my mom is ninety-one", "grandpa's ninety four", "who is ninety".
const personWords = new Set([
  'mom', 'mother', 'mum', 'dad', 'father', 'grandma', 'grandmother', 'grandpa', 'grandfather', 'granny', 'nana', 'aunt', 'uncle',
  'husband', 'wife', 'patient', 'who', 'he', 'she', 'they', 'brother', 'sister', 'neighbor', 'neighbour', 'friend', 'partner',
]);
const beVerbs = new Set(['is', 'was', "'s", 'be', 'turns', 'turned', 'turning']);

/** "my mom is ninety-one", "she will be a hundred and two", "my father, who is ninety four". */
function personIsBefore(tokens: readonly Token[], startTok: number): boolean {
  const verb = tokens[startTok - 1]?.norm ?? '';
  if (verb.endsWith("'s") && personWords.has(verb.slice(0, -2))) return true;
  if (!beVerbs.has(verb)) return false;
  let subject = startTok - 2;
  if (verb === 'be' && /^(?:will|would|'ll)$/.test(tokens[subject]?.norm ?? '')) subject--;
  const word = tokens[subject]?.norm ?? '';
  return personWords.has(word) || (verb === 'be' && /^(?:she|he|they)'ll$/.test(tokens[startTok - 2]?.norm ?? ''));
}

/** Ages over 89 with an age cue: "I'm ninety two", "93 years old", "age 95", "a hundred and one year old". */
export function detectAges(tokens: readonly Token[], runs: readonly NumberRun[], cues: readonly Cue[], out: PhiSpan[]): void {
  for (const run of runs) {
    if (run.groups.length !== 1) continue;
    const value = run.groups[0]!.value;
    if (!(value >= 90 && value <= 130)) continue;
    let next = skipFillers(tokens, run.endTok);
    while (tokens[next]?.kind === TokenKind.Punct && tokens[next]!.norm === '-') next++;
    const unit = tokens[next]?.norm ?? '';
    if (notAgeUnits.has(unit)) continue;
    const ageAfter = ageUnits.has(unit) || (unit === 'y' && tokens[next + 1]?.norm === '/');
    if (ageAfter || hasCueBefore(cues, 'age', run.startTok, 2) || personIsBefore(tokens, run.startTok)) {
      out.push({ start: run.start, end: run.end, type: 'AGE', confidence: 0.9, source: run.writtenShape ? 'pattern' : 'spoken' });
    }
  }
}
