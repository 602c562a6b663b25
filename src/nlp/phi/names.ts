/**
 * Person names (patients, family, clinicians). ASR text is lowercase, so a lexicon hit alone is not
 * enough: a name needs a cue ("my name is", "doctor", "my son"), a capital in mixed-case text, a
 * given+family pair, or to be spelled out letter by letter ("l o p e z", "L-O-P-E-Z").
 */
import type { PhiSpan } from '../analysis.types.ts';
import { ambiguousNameWords, clinicalWords, functionWords, roleNouns } from './common-words.ts';
import { skipFillers, type Cue } from './cues.ts';
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
const nameFollowers = new Set(['okay', 'ok', 'calling', 'speaking', 'here', 'has', 'is', 'was', 'had', 'needs', 'and', 'from', 'with', 'again', 'about', 'on']);
const sentenceEnd = new Set(['.', '!', '?', ':', '"', '\n']);
const forbiddenAfterStrongCue = new Set(['is', "it's", 'its', ':', 'was', 'uh', 'um', ',', 'like', 'just', 'so', 'yes', 'yeah', 'sure']);
// Titles that take any following word as a name ("Dr. Okonkwo"); longer titles and relations need a lexicon hit or a capital.
const shortTitles = new Set(['mr', 'mrs', 'ms', 'mx', 'dr', 'mister', 'missus', 'miz']);
const honorifics = new Set(['doctor', 'nurse', 'professor', 'prof', 'miss']);
// Surname particles: "van der Wal", "de la Cruz", "dos Santos", "bin Said".
const particles = new Set(['van', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'dos', 'das', 'du', 'la', 'le', 'von', 'ter', 'bin', 'ibn', 'al', 'el']);
// What follows a self-introduction in a call opening: "this is Sekinat, how can I help", "this is Ada with ...".
const introFollowers = new Set(['how', 'may', 'what', 'with', 'from', 'calling', 'speaking', 'here']);
const possessive = /'s$/;
// What a clinician named after "doctor"/"nurse" does next: "doctor chidi said", "nurse ama called".
const doctorVerbs = new Set(['said', 'says', 'told', 'wants', 'wanted', 'asked', 'ordered', 'prescribed', 'recommended', 'called', 'thinks', 'mentioned', 'suggested', 'referred', 'saw', 'sees', 'gave', 'left']);
const closingFollowers = new Set(['calling', 'speaking', 'here', 'okay', 'ok', '.', ',', '?', '!']);

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
    const spelledAfterCue = letters.length === 2 && last > i && spellCueBefore(tokens, i);
    if ((letters.length >= 3 || spelledAfterCue) && !letterRunStoplist.has(letters) && /[^aio]/.test(letters)) runs.push({ startTok: i, endTok: last + 1, letters });
    i = last + 1;
  }
  return runs;
}

/** "can you spell the last name for me, yes, t o": a spelling request shortly before token i. */
function spellCueBefore(tokens: readonly Token[], i: number): boolean {
  for (let t = i - 1; t >= 0 && t >= i - 14; t--) {
    const norm = tokens[t]!.norm;
    if (norm === 'spell' || norm === 'spelled' || norm === 'spelling') return true;
  }
  return false;
}

function isLetter(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  // "o" between digits is a zero, read by the number runs.
  return token !== undefined && token.kind === TokenKind.Word && token.norm.length === 1 && token.norm >= 'a' && token.norm <= 'z' && !(token.norm === 'o' && isNumberAtom(tokens, i));
}

function isNameCandidate(token: Token | undefined): token is Token {
  return token !== undefined && token.kind === TokenKind.Word && token.norm.length >= 2 && !functionWords.has(token.norm) && !clinicalWords.has(token.norm) && !roleNouns.has(token.norm);
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
  const firstOut = out.length;
  for (const cue of cues) {
    if (cue.kind !== 'name-strong' && cue.kind !== 'name-weak' && cue.kind !== 'name-title') continue;
    let j = cue.endTok;
    if (cue.kind === 'name-strong') while (tokens[j] && forbiddenAfterStrongCue.has(tokens[j]!.norm) && j < cue.endTok + 4) j = Math.max(j + 1, skipFillers(tokens, j + 1));
    else {
      if (tokens[j]?.norm === ',') j++;
      j = skipFillers(tokens, j);
    }
    // "i'm an vu", "for my wife can de bruijn": a short given name that is also a function word, before a surname.
    const shortGiven = tokens[j] !== undefined && functionWords.has(tokens[j]!.norm) && tokens[j]!.norm.length <= 3 && givenNames.has(tokens[j]!.norm)
      && (particles.has(tokens[j + 1]?.norm ?? '') || (familyNames.has(tokens[j + 1]?.norm ?? '') && isNameCandidate(tokens[j + 1]) && !ambiguousNameWords.has(tokens[j + 1]!.norm)));
    if (shortGiven && particles.has(tokens[j + 1]!.norm) && !isNameCandidate(tokens[j + 2]) && !particles.has(tokens[j + 2]?.norm ?? '')) continue;
    const first = tokens[j];
    if ((!isNameCandidate(first) && !shortGiven) || !first || isNumberAtom(tokens, j)) continue;
    const firstNorm = first.norm.replace(possessive, '');
    const lexicon = isLexiconName(firstNorm);
    const capital = mixedCase && first.upper;
    const shortTitle = cue.kind === 'name-title' && shortTitles.has(tokens[cue.startTok]!.norm);
    // "this is <unknown word>, how can I help you": a self-introduction in a call opening.
    const intro = cue.kind === 'name-weak' && !mixedCase && !lexicon && tokens[cue.startTok]!.norm === 'this' && introFollowers.has(tokens[skipFillers(tokens, j + 1)]?.norm ?? '')
      && !ambiguousNameWords.has(first.norm);
    let accepted: boolean;
    let confidence: number;
    if (cue.kind === 'name-strong' || shortGiven) {
      accepted = true;
      confidence = 0.9;
    } else if (shortTitle) {
      // "MS changes", "ms given": in written notes a lowercase word after "MS"/"Dr" is not a name.
      accepted = !mixedCase || capital || lexicon;
      confidence = 0.9;
    } else if (cue.kind === 'name-title' && honorifics.has(tokens[cue.startTok]!.norm)) {
      // "doctor oyelaran's office", "doctor chidi said": an unknown word that acts like a name.
      const actsLikeName = !mixedCase && !ambiguousNameWords.has(firstNorm) && (possessive.test(first.norm) || doctorVerbs.has(tokens[j + 1]?.norm ?? ''));
      accepted = lexicon || capital || actsLikeName;
      confidence = 0.85;
    } else {
      accepted = ((lexicon || capital) && (!ambiguousNameWords.has(first.norm) || secondSignal(tokens, j, mixedCase))) || intro;
      confidence = 0.8;
    }
    if (!accepted) continue;
    let end = hyphenated(tokens, j + 1);
    // Up to three more name words: "maria lopez", "Mary Ann O'Brien", "garcia-lopez", "van der wal".
    for (let extra = 0; extra < 3 && !possessive.test(tokens[end - 1]!.norm); extra++) {
      const k = end;
      // Particles join when a non-function word follows them.
      let p = k;
      while (tokens[p] && particles.has(tokens[p]!.norm) && p < k + 2) p++;
      if (p > k && isNameCandidate(tokens[p]) && !isNumberAtom(tokens, p) && !tokens[p]!.allUpper) {
        end = p + 1;
        continue;
      }
      const next = tokens[k];
      // "tinh do, okay": a surname that is also a function word, closing the name.
      if (!mixedCase && next && functionWords.has(next.norm) && familyNames.has(next.norm) && next.norm.length <= 3 && (tokens[k + 1] === undefined || closingFollowers.has(tokens[k + 1]!.norm))) {
        end = k + 1;
        break;
      }
      if (!isNameCandidate(next) || isNumberAtom(tokens, k)) break;
      // "it's pantaleon palka calling": an unknown word closed by a name follower is the surname.
      const closed = !mixedCase && !ambiguousNameWords.has(next.norm) && closingFollowers.has(tokens[k + 1]?.norm ?? '.');
      const nextLexicon = isLexiconName(next.norm.replace(possessive, '')) || (mixedCase && next.upper) || closed;
      if (!nextLexicon || (mixedCase && !next.upper && first.upper)) break;
      if (ambiguousNameWords.has(next.norm) && !secondSignal(tokens, k, mixedCase)) break;
      end = hyphenated(tokens, k + 1);
    }
    // "Patient name: Herrera, Consuelo": family name, comma, given name.
    if (cue.kind === 'name-strong' && end === j + 1 && tokens[end]?.norm === ',' && mixedCase && first.upper) {
      const given = tokens[end + 1];
      if (given && given.upper && !given.allUpper && givenNames.has(given.norm) && isNameCandidate(given)) end = hyphenated(tokens, end + 2);
    }
    out.push({ start: first.start, end: tokens[end - 1]!.end, type: 'NAME', confidence, source: 'context' });
  }

  selfAnnounced(tokens, mixedCase, out);

  for (const run of letterRuns) {
    // Written notes abbreviate with letter runs ("C-D-I", "G-U", "y o m"): there a spelling needs a
    // spelling request nearby, or five or more letters in one case.
    if (mixedCase && !spellCueBefore(tokens, run.startTok) && !(run.letters.length >= 5 && uniformCase(tokens, run))) continue;
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
  vocatives(tokens, mixedCase, out);
  describedPatients(tokens, mixedCase, out);
  repeatMentions(tokens, out, firstOut);
}

function uniformCase(tokens: readonly Token[], run: LetterRun): boolean {
  let upper = 0;
  let letters = 0;
  for (let t = run.startTok; t < run.endTok; t++) {
    if (tokens[t]!.kind !== TokenKind.Word) continue;
    letters++;
    if (tokens[t]!.upper) upper++;
  }
  return upper === 0 || upper === letters;
}

// Words before a vocative: greetings and closings take the name on their own ("hi martha", "thanks, david").
const greetings = new Set(['hi', 'hello', 'hey', 'morning', 'afternoon', 'evening', 'thanks', 'bye', 'goodbye', 'welcome', 'dear', 'care', 'congratulations', 'sorry', 'night']);
// Discourse openers ("so martha, ...", "okay kevin") need a vocative-like follower too.
const openersWeak = new Set(['so', 'okay', 'ok', 'alright', 'right', 'well', 'now', 'and', 'yes', 'yeah', 'no', 'sure', 'great', 'perfect', 'good', 'oh', 'um', 'uh', 'there', 'today', 'questions', 'again', 'here', 'then']);
// Words that follow a vocative: a new clause or question addressed to the person.
const vocativeFollowers = new Set(['how', 'what', "what's", 'tell', 'i', "i'm", "it's", 'nice', 'good', 'so', 'okay', 'ok', 'can', 'could', 'do', 'did', 'have', 'are', 'please', 'let', "let's", 'we', "we're", "we'll", 'you', "you're", 'your', 'thanks', 'thank', 'any', 'come', 'this', 'great', 'welcome', 'just', 'if', 'when', 'is', 'was', 'has', "how's", 'go', 'before', 'would', 'will', 'and', 'um', 'uh']);
// Words that open the greeting's own clause: "hi frank how are you", "morning roy, nice to see you".
const vocativeOpeners = new Set(['how', "how's", "how're", 'nice', 'good', "it's"]);
const strongOpeners = new Set(['so', 'okay', 'ok', 'alright', 'well', ']']);
const vocativePunct = new Set([',', '.', '?', '!', '[', ':', ';']);

function closesVocative(tokens: readonly Token[], i: number, strongOnly: boolean): boolean {
  const next = tokens[i];
  if (next === undefined) return true;
  if (next.kind === TokenKind.Punct) return vocativePunct.has(next.norm);
  return vocativeOpeners.has(next.norm) || (!strongOnly && vocativeFollowers.has(next.norm));
}

/**
 * Names said to someone: "hi martha, how are you", "good morning mrs. okafor" (a title cue),
 * "thanks, david", "so , ashley , what's going on", "any questions , hannah ?". The word must be a
 * given name that is not an everyday word (an everyday one, "mark", only after a greeting and
 * before punctuation); in mixed-case text it must be capitalised.
 */
function vocatives(tokens: readonly Token[], mixedCase: boolean, out: PhiSpan[]): void {
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== TokenKind.Word || (mixedCase && (!token.upper || token.allUpper))) continue;
    const norm = token.norm.replace(possessive, '');
    if (!isNameCandidate(token) || !givenNames.has(norm) || isNumberAtom(tokens, i)) continue;
    const ambiguous = ambiguousNameWords.has(norm);
    // What comes before, skipping one comma: "thanks , david".
    let p = i - 1;
    const comma = tokens[p]!.norm === ',';
    if (comma) p--;
    const before = tokens[p];
    let greeted = false;
    let opened = false;
    let listLike = false;
    if (before === undefined || before.norm === ']') opened = true;
    else if (greetings.has(before.norm)) greeted = true;
    else if (before.norm === 'you' || before.norm === 'there') {
      // "thank you jose", "nice to see you, jack", "how are you doing, jose", "hi there mark".
      for (let b = p - 1; b >= 0 && b >= p - 3; b--) if (['thank', 'see', 'meet', 'how', 'hi', 'hey', 'hello'].includes(tokens[b]!.norm)) greeted = true;
      opened = true;
    } else if (before.norm === 'today' && (tokens[p - 1]?.norm === 'doing' || tokens[p - 1]?.norm === 'you')) greeted = true;
    else if (openersWeak.has(before.norm)) opened = true;
    // "… all right with you , ashley ?": after any word and a comma, only a question or a clause closes it ("clean, pink, dry" is a list).
    else if (comma && before.kind === TokenKind.Word) listLike = true;
    if (!greeted && !opened && !listLike) continue;
    let end = i + 1;
    const next = tokens[end];
    // A family name after the given name: "hi martha okafor".
    if (next && isNameCandidate(next) && familyNames.has(next.norm) && !ambiguousNameWords.has(next.norm) && !(mixedCase && !next.upper)) end++;
    // After a weak opener: punctuation closes the vocative, or a new clause after "so"/"okay"/a comma/a turn start.
    const accepted = ambiguous
      ? greeted && closesVocative(tokens, end, true)
      : listLike
        ? ['?', '!', '.'].includes(tokens[end]?.norm ?? '.') || (tokens[end]?.kind === TokenKind.Word && vocativeFollowers.has(tokens[end]!.norm))
        : greeted || closesVocative(tokens, end, true) || (closesVocative(tokens, end, false) && (comma || before === undefined || strongOpeners.has(before.norm)));
    if (!accepted) continue;
    out.push({ start: token.start, end: tokens[end - 1]!.end, type: 'NAME', confidence: 0.8, source: 'context' });
  }
}

const ageNouns = new Set(['year', 'years', 'yo', 'month', 'months', 'week', 'weeks', 'day']);
const personNouns = new Set(['female', 'male', 'woman', 'man', 'gentleman', 'lady', 'girl', 'boy', 'patient']);
const numberWords = new Set(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety']);

/** "roy is a 50-year-old male", "beverly's a 24 year old", "brittany edwards is a pleasant female": the patient described. */
function describedPatients(tokens: readonly Token[], mixedCase: boolean, out: PhiSpan[]): void {
  for (let i = 0; i + 3 < tokens.length; i++) {
    const token = tokens[i]!;
    let k: number;
    if (token.norm.endsWith("'s") && tokens[i + 1]?.norm === 'a') k = i + 2;
    else if (tokens[i + 1]?.norm === 'is' && tokens[i + 2]?.norm === 'a') k = i + 3;
    else continue;
    const norm = token.norm.replace(possessive, '');
    if (!isNameCandidate(token) || (!isLexiconName(norm) && !(mixedCase && token.upper)) || (mixedCase && !token.upper)) continue;
    while (tokens[k]?.norm === 'very' || tokens[k]?.norm === 'pleasant' || tokens[k]?.norm === 'healthy') k++;
    const described = personNouns.has(tokens[k]?.norm ?? '')
      ? k > i + 3 || tokens[k]!.norm !== 'patient'
      : (tokens[k]?.kind === TokenKind.Number || numberWords.has(tokens[k]?.norm ?? '')) && [1, 2, 3].some((d) => ageNouns.has(tokens[k + d]?.norm ?? ''));
    if (!described) continue;
    let start = i;
    const previous = tokens[i - 1];
    if (previous && isNameCandidate(previous) && givenNames.has(previous.norm) && !(mixedCase && !previous.upper)) start = i - 1;
    out.push({ start: tokens[start]!.start, end: token.end, type: 'NAME', confidence: 0.8, source: 'context' });
  }
}

/**
 * A name word found with context is the same name wherever else it occurs in the text ("so ,
 * ashley , ..." then "does ashley play any sports"): repeat it, unless it is an everyday word.
 */
function repeatMentions(tokens: readonly Token[], out: PhiSpan[], from: number): void {
  const names = new Set<string>();
  const added = out.length;
  for (let s = from; s < added; s++) {
    const span = out[s]!;
    if (span.type !== 'NAME' || span.confidence < 0.75) continue;
    for (let t = firstTokenAt(tokens, span.start); t < tokens.length && tokens[t]!.start < span.end; t++) {
      const norm = tokens[t]!.norm.replace(possessive, '');
      if (norm.length >= 3 && isNameCandidate(tokens[t]) && !ambiguousNameWords.has(norm) && isLexiconName(norm)) names.add(norm);
    }
  }
  if (names.size === 0) return;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.kind === TokenKind.Word && names.has(token.norm.replace(possessive, ''))) out.push({ start: token.start, end: token.end, type: 'NAME', confidence: 0.7, source: 'context' });
  }
}

function firstTokenAt(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Glued hyphen pieces continue a name word whatever they are: "Soo-ah", "Ji-hoon", "Adebayo-Okafor". */
function hyphenated(tokens: readonly Token[], end: number): number {
  while (tokens[end]?.norm === '-' && !tokens[end]!.spaced && tokens[end + 1]?.kind === TokenKind.Word && !tokens[end + 1]!.spaced) end += 2;
  return end;
}

const serviceWords = new Set(['department', 'dept', 'office', 'clinic', 'pharmacy', 'cardiology', 'pediatrics', 'oncology', 'radiology', 'billing', 'scheduling', 'records', 'lab', 'desk', 'team', 'services', 'health', 'medical', 'center', 'hospital', 'care', 'family', 'medicine', 'support', 'line', 'unit', 'nursing', 'dermatology', 'neurology', 'orthopedics', 'surgery', 'urgent']);
const announcers = new Set(['here', 'speaking']);
const openers = new Set(['hi', 'hello', 'hey', 'yes', 'yeah', 'yep', 'ok', 'okay', 'oh', 'um', 'uh', 'morning', 'afternoon', 'evening', 'and']);

/**
 * "Renata Oyelaran here", "yes, Bartholomew Quist speaking": one to three name words opening a
 * turn, closed by "here" or "speaking". At least one must be a lexicon name; in mixed-case text all
 * must be capitalised.
 */
function selfAnnounced(tokens: readonly Token[], mixedCase: boolean, out: PhiSpan[]): void {
  for (let i = 1; i < tokens.length; i++) {
    if (!announcers.has(tokens[i]!.norm)) continue;
    let start = i;
    let lexicon = false;
    while (start > 0 && i - start < 4) {
      let s = start - 1;
      // Hyphen pieces: "Soo-ah Baek here".
      while (s >= 2 && tokens[s - 1]?.norm === '-' && !tokens[s]!.spaced && !tokens[s - 1]!.spaced) s -= 2;
      const word = tokens[s]!;
      if (!isNameCandidate(word) || isNumberAtom(tokens, s) || word.allUpper || (mixedCase && !word.upper)) break;
      if (isLexiconName(word.norm) && !ambiguousNameWords.has(word.norm)) lexicon = true;
      start = s;
    }
    // Two capitalised words need no lexicon hit unless one names a place of care.
    let capitalised = mixedCase && i - start >= 2;
    for (let t = start; t < i && capitalised; t++) if (serviceWords.has(tokens[t]!.norm)) capitalised = false;
    if (start === i || (!lexicon && !capitalised)) continue;
    const before = tokens[start - 1];
    if (before && before.kind === TokenKind.Word && !openers.has(before.norm)) continue;
    out.push({ start: tokens[start]!.start, end: tokens[i - 1]!.end, type: 'NAME', confidence: 0.75, source: 'context' });
  }
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
    // At a sentence start, a lone name needs a possessive, a colon or a comma after it ("Zuzana: ...", "Matej's").
    if (sentenceStart && !nextCapital && !possessive.test(token.norm) && next?.norm !== ':' && next?.norm !== ',') continue;
    if (nextCapital && (isLexiconName(next.norm) || !ambiguousNameWords.has(next.norm))) end = i + 2;
    // A middle initial: "Faina D. Yefremova", "Ravil G Yefimov".
    else if (next && next.allUpper && next.norm.length === 1) {
      const after = tokens[i + 2]?.norm === '.' && !tokens[i + 2]!.spaced ? i + 3 : i + 2;
      const surname = tokens[after];
      if (surname && surname.upper && !surname.allUpper && isNameCandidate(surname)) end = after + 1;
    }
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
    if (!isNameCandidate(a) || !isNameCandidate(b) || ambiguousNameWords.has(a.norm)) continue;
    // An everyday-word surname ("michelle king , date of birth") only when punctuation closes the pair.
    const after = tokens[i + 2];
    if (ambiguousNameWords.has(b.norm) && !(after === undefined || (after.kind === TokenKind.Punct && vocativePunct.has(after.norm)))) continue;
    out.push({ start: a.start, end: b.end, type: 'NAME', confidence: 0.6, source: 'lexicon' });
    i++;
  }
}
