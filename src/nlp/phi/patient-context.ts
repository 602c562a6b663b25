/**
 * The identified patient's own details (PH-2), matched exactly wherever they occur: name parts
 * case-insensitively and spelled letter by letter, phone and MRN digits written or spoken, and the
 * birth date in any common written or spoken form.
 */
import type { PatientContext, PhiSpan } from '../analysis.types.ts';
import type { DateSpan } from './dates.ts';
import type { IdValue } from './identifiers.ts';
import type { LetterRun } from './names.ts';
import type { NumberRun } from './spoken-numbers.ts';
import { functionWords } from './common-words.ts';
import { normalizeWord, TokenKind, type Token } from './tokens.ts';

const confidence = 0.99;
const sentenceEnds = new Set(['.', '!', '?', ':', '"']);

/** Precomputed match keys for one patient; build once per call, reuse for every detection. */
export interface PatientMatcher {
  nameParts: ReadonlySet<string>;
  phones: readonly string[];
  birth?: { year: number; month: number; day: number; renderings: ReadonlySet<string> };
  mrn?: string;
}

export function compilePatient(patient: PatientContext): PatientMatcher {
  const nameParts = new Set<string>();
  for (const part of (patient.name ?? '').split(/[\s,]+/)) {
    const norm = normalizeWord(part).replace(/[^a-z'-]/g, '');
    if (norm.length >= 2) {
      nameParts.add(norm);
      for (const piece of norm.split('-')) if (piece.length >= 2) nameParts.add(piece);
    }
  }
  const phones = (patient.phones ?? []).map((phone) => phone.replace(/\D/g, '')).map((digits) => (digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits)).filter((digits) => digits.length >= 7);
  const matcher: PatientMatcher = { nameParts, phones };
  const dob = /^(\d{4})-(\d{2})-(\d{2})$/.exec(patient.birthDate ?? '');
  if (dob) {
    const [year, month, day] = [Number(dob[1]), Number(dob[2]), Number(dob[3])];
    const yyyy = String(year);
    const yy = yyyy.slice(2);
    const mm = String(month).padStart(2, '0');
    const dd = String(day).padStart(2, '0');
    const m = String(month);
    const d = String(day);
    const renderings = new Set<string>();
    for (const monthForm of [m, mm]) for (const dayForm of [d, dd]) for (const yearForm of [yyyy, yy]) renderings.add(monthForm + dayForm + yearForm);
    matcher.birth = { year, month, day, renderings };
  }
  const mrn = (patient.mrn ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  if (mrn.length >= 3) matcher.mrn = mrn;
  return matcher;
}

export function detectPatientDetails(
  tokens: readonly Token[], runs: readonly NumberRun[], letterRuns: readonly LetterRun[], idValues: readonly IdValue[], dates: DateSpan[],
  matcher: PatientMatcher, out: PhiSpan[],
): void {
  if (matcher.nameParts.size > 0) {
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index]!;
      if (token.kind !== TokenKind.Word) continue;
      const norm = token.norm.endsWith("'s") ? token.norm.slice(0, -2) : token.norm;
      if (!matcher.nameParts.has(norm)) continue;
      // A name part that is also a function word ("To", "My", "An") counts only capitalised mid-sentence.
      if (functionWords.has(norm)) {
        const previous = tokens[index - 1];
        if (!token.upper || !previous || sentenceEnds.has(previous.norm)) continue;
      }
      out.push({ start: token.start, end: token.end, type: 'NAME', confidence, source: 'patient' });
    }
    for (const run of letterRuns) {
      if (matcher.nameParts.has(run.letters)) out.push({ start: tokens[run.startTok]!.start, end: tokens[run.endTok - 1]!.end, type: 'NAME', confidence, source: 'patient' });
    }
  }
  for (const run of runs) {
    const digits = run.digits.length === 11 && run.digits.startsWith('1') ? run.digits.slice(1) : run.digits;
    let type: PhiSpan['type'] | undefined;
    if (matcher.phones.some((phone) => digits === phone || (digits.length >= 7 && phone.endsWith(digits)))) type = 'PHONE';
    else if (matcher.mrn !== undefined && run.digits === matcher.mrn) type = 'MRN';
    else if (matcher.birth?.renderings.has(run.digits) && run.digits.length >= 4) type = 'DATE';
    if (type) out.push({ start: run.start, end: run.end, type, confidence, source: 'patient' });
  }
  if (matcher.mrn !== undefined) {
    // Alphanumeric MRNs said letter by letter: compare the compacted value after any id cue.
    for (const value of idValues) {
      if (value.compact === matcher.mrn) out.push({ start: tokens[value.startTok]!.start, end: tokens[value.endTok - 1]!.end, type: 'MRN', confidence, source: 'patient' });
    }
  }
  const birth = matcher.birth;
  if (birth) {
    for (const date of dates) {
      if (date.month === birth.month && date.day === birth.day && (date.year === undefined || date.year === birth.year)) {
        date.source = 'patient';
        date.confidence = confidence;
      }
    }
  }
}
