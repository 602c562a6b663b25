/**
 * Person names (patients, family, clinicians). ASR text is lowercase, so a lexicon hit alone is not
 * enough: a name needs a cue ("my name is", "doctor", "my son"), a capital in mixed-case text, a
 * given+family pair, or to be spelled out letter by letter ("l o p e z", "L-O-P-E-Z").
 */
import type { PhiSpan } from '../analysis.types.ts';
import { ambiguousNameWords, clinicalWords, functionWords } from './common-words.ts';
import type { Cue } from './cues.ts';
import { familyNames, givenNames, isLexiconName } from './name-lexicon.ts';
import { isNumberAtom } from './spoken-numbers.ts';
import { TokenKind, type Token } from './tokens.ts';

/** A letter-by-letter spelling: the letters and where they are. */
export interface LetterRun {
  startTok: number;
  endTok: number;
  letters: string;
}

// Spelled-out acronyms and cue words that are not names.
const letterRunStoplist = new Set([
  'mrn', 'dob', 'ssn', 'usa', 'mri', 'ekg', 'ecg', 'icu', 'cpr', 'atm', 'fyi', 'asap', 'ptsd', 'adhd', 'copd', 'uti', 'std', 'hiv',
  'aids', 'cvs', 'npi', 'dea', 'vin', 'ent', 'obgyn', 'gyn', 'ada', 'hipaa', 'ppo', 'hmo', 'epo', 'otc', 'bmi', 'tsh', 'cbc',
  'bmp', 'inr', 'pcp', 'npo', 'prn', 'bid', 'tid', 'qid', 'abc', 'aaa', 'tv', 'dvd', 'ups', 'usps', 'er', 'ed', 'ok',
]);
const letterRunSeparators = new Set(['-', '.', ',']);
// After a weak cue, an everyday-word name ("will", "grace") counts only when one of these follows it.
const nameFollowers = new Set(['calling', 'speaking', 'here', 'has', 'is', 'was', 'had', 'needs', 'and', 'from', 'with', 'again', 'about', 'on']);
const sentenceEnd = new Set(['.', '!', '?', ':', '"', '\n']);
const forbiddenAfterStrongCue = new Set(['is', "it's", 'its', ':', 'was', 'uh', 'um', ',', 'like', 'just']);

/** Sequences of at least three single letters: "l o p e z", "s-m-i-t-h", "L.O.P.E.Z.". */
export function findLetterRuns(tokens: readonly Token[]): LetterRun[] {
  const runs: LetterRun[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (!isLetter(tokens, i)) {
      i++;
      continue;
    }
    let letters = tokens[i]!.norm;
    let last = i;
    let t = i + 1;
    for (;;) {
      while (tokens[t] && tokens[t]!.kind === TokenKind.Punct && letterRunSeparators.has(tokens[t]!.norm)) t++;
      if (!isLetter(tokens, t)) break;
      letters += tokens[t]!.norm;
      last = t;
      t++;
    }
    if (letters.length >= 3 && !letterRunStoplist.has(letters) && /[^aio]/.test(letters)) runs.push({ startTok: i, endTok: last + 1, letters });
    i = last + 1;
  }
  return runs;
}

function isLetter(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  // "o" between digits is a zero, read by the number runs.
  return token !== undefined && token.kind === TokenKind.Word && token.norm.length === 1 && token.norm >= 'a' && token.norm <= 'z' && !(token.norm === 'o' && isNumberAtom(tokens, i));
}

function isNameCandidate(token: Token | undefined): token is Token {
  return token !== undefined && token.kind === TokenKind.Word && token.norm.length >= 2 && !functionWords.has(token.norm) && !clinicalWords.has(token.norm);
}

function atBoundary(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  return token === undefined || (token.kind === TokenKind.Punct && token.norm !== "'" && token.norm !== '-') || nameFollowers.has(token.norm);
}

/** Is token i (an everyday-word name) backed by a second signal? */
function secondSignal(tokens: readonly Token[], i: number, mixedCase: boolean): boolean {
  const token = tokens[i]!;
  if (mixedCase && token.upper) return true;
  const next = tokens[i + 1];
  if (next && next.kind === TokenKind.Word && familyNames.has(next.norm) && !ambiguousNameWords.has(next.norm) && !functionWords.has(next.norm)) return true;
  return atBoundary(tokens, i + 1);
}

export function detectNames(tokens: readonly Token[], cues: readonly Cue[], letterRuns: readonly LetterRun[], mixedCase: boolean, out: PhiSpan[]): void {
  for (const cue of cues) {
    if (cue.kind !== 'name-strong' && cue.kind !== 'name-weak' && cue.kind !== 'name-title') continue;
    let j = cue.endTok;
    if (cue.kind === 'name-strong') while (tokens[j] && forbiddenAfterStrongCue.has(tokens[j]!.norm) && j < cue.endTok + 3) j++;
    else if (tokens[j]?.norm === ',') j++;
    const first = tokens[j];
    if (!isNameCandidate(first) || isNumberAtom(tokens, j)) continue;
    const lexicon = isLexiconName(first.norm);
    const capital = mixedCase && first.upper;
    const shortTitle = cue.kind === 'name-title' && tokens[cue.startTok]!.norm.length <= 3;
    let accepted: boolean;
    let confidence: number;
    if (cue.kind === 'name-strong' || shortTitle) {
      accepted = true;
      confidence = 0.9;
    } else if (cue.kind === 'name-title') {
      accepted = lexicon || capital;
      confidence = 0.85;
    } else {
      accepted = (lexicon || capital) && (!ambiguousNameWords.has(first.norm) || secondSignal(tokens, j, mixedCase));
      confidence = 0.8;
    }
    if (!accepted) continue;
    let end = j + 1;
    // Up to two more name words: "maria lopez", "Mary Ann O'Brien", "garcia-lopez".
    for (let extra = 0; extra < 2; extra++) {
      let k = end;
      if (tokens[k]?.norm === '-' && !tokens[k]!.spaced && tokens[k + 1] && !tokens[k + 1]!.spaced) k++;
      const next = tokens[k];
      if (!isNameCandidate(next) || isNumberAtom(tokens, k)) break;
      const nextLexicon = isLexiconName(next.norm) || (mixedCase && next.upper);
      if (!nextLexicon || (mixedCase && !next.upper && first.upper)) break;
      if (ambiguousNameWords.has(next.norm) && !secondSignal(tokens, k, mixedCase)) break;
      end = k + 1;
    }
    out.push({ start: first.start, end: tokens[end - 1]!.end, type: 'NAME', confidence, source: 'context' });
  }

  for (const run of letterRuns) {
    out.push({ start: tokens[run.startTok]!.start, end: tokens[run.endTok - 1]!.end, type: 'NAME', confidence: 0.8, source: 'spoken' });
    // "lopez, that's l o p e z": the spelled word said just before is the same name.
    for (let t = run.startTok - 1; t >= 0 && t >= run.endTok - 20; t--) {
      if (tokens[t]!.norm === run.letters) {
        out.push({ start: tokens[t]!.start, end: tokens[t]!.end, type: 'NAME', confidence: 0.85, source: 'spoken' });
        break;
      }
    }
  }

  if (mixedCase) capitalisedNames(tokens, out);
  else lowercasePairs(tokens, out);
}

/** Mixed-case text: a capitalised lexicon name that does not start a sentence, plus capitalised neighbours. */
function capitalisedNames(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== TokenKind.Word || !token.upper || token.allUpper && token.norm.length > 1 && token.norm.length < 4) continue;
    if (!isNameCandidate(token) || ambiguousNameWords.has(token.norm) || !isLexiconName(token.norm)) continue;
    const previous = tokens[i - 1];
    const sentenceStart = previous === undefined || sentenceEnd.has(previous.norm);
    let start = i;
    let end = i + 1;
    const next = tokens[i + 1];
    const nextCapital = next !== undefined && next.upper && isNameCandidate(next) && !next.allUpper;
    if (sentenceStart && !nextCapital) continue;
    if (nextCapital && (isLexiconName(next.norm) || !ambiguousNameWords.has(next.norm))) end = i + 2;
    if (!sentenceStart && previous.upper && isNameCandidate(previous) && !previous.allUpper && !sentenceEnd.has(tokens[i - 2]?.norm ?? '.')) start = i - 1;
    out.push({ start: tokens[start]!.start, end: tokens[end - 1]!.end, type: 'NAME', confidence: 0.75, source: 'lexicon' });
    i = end - 1;
  }
}

/** Lowercase text: a given name followed by a family name, neither an everyday word ("maria lopez"). */
function lowercasePairs(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i]!;
    const b = tokens[i + 1]!;
    if (a.kind !== TokenKind.Word || b.kind !== TokenKind.Word || a.norm.length < 3 || b.norm.length < 3) continue;
    if (!givenNames.has(a.norm) || !familyNames.has(b.norm)) continue;
    if (!isNameCandidate(a) || !isNameCandidate(b) || ambiguousNameWords.has(a.norm) || ambiguousNameWords.has(b.norm)) continue;
    out.push({ start: a.start, end: b.end, type: 'NAME', confidence: 0.6, source: 'lexicon' });
    i++;
  }
}
