/**
 * Person names (patients, family, clinicians). ASR text is lowercase, so a lexicon hit alone is not
 * enough: a name needs a cue ("my name is", "doctor", "my son"), a capital in mixed-case text, a
 * given+family pair, or to be spelled out letter by letter ("l o p e z", "L-O-P-E-Z"). A given name
 * that is no everyday English word counts on its own ("tell amaka i called"). After a cue, a word no
 * dictionary knows is taken as a name where one is expected ("my son ikenna"), and the span runs on
 * over surnames, unknown words, particles, repetitions and soft fillers ("abdi abdi hassan", "sarah
 * like turcotte", "dr van loon"). Words that are also everyday English ("will", "hope") need a
 * second signal; words clinical notes use as abbreviations ("Swan", "Endo") need a cue.
 */
import type { PhiSpan } from '../analysis.types.ts';
import { isStateWord } from './addresses.ts';
import { clinicalWords, functionWords, noteWords, roleNouns } from './common-words.ts';
import { skipFillers, type Cue } from './cues.ts';
import { everydayWords, familyNames, givenNames, isEverydayName, isLexiconName, isUnknownWord } from './name-lexicon.ts';
import { isNumberAtom } from './spoken-numbers.ts';
import { TokenKind, type Token } from './tokens.ts';

/** A letter-by-letter spelling: the letters and where they are. */
export interface LetterRun {
  startTok: number;
  endTok: number;
  letters: string;
}

const pronounVerbs = new Set(['am', 'have', 'had', 'need', 'needed', 'was', 'just', 'think', 'want', 'wanted', 'got', 'called', 'can', 'could', 'will', 'would', 'do', 'did', "don't", 'also', 'see', 'take', 'live', 'really', 'know', 'mean', 'guess', 'hope', 'get', 'go', 'went', 'saw', 'spoke', 'talked', 'left', 'received', 'tried', 'missed', 'should', 'used', 'use', 'forgot', 'moved', 'started', 'stopped', 'ran', 'found', 'sent']);

// Spelled-out acronyms and cue words that are not names.
const letterRunStoplist = new Set([
  'mrn', 'dob', 'ssn', 'usa', 'mri', 'ekg', 'ecg', 'icu', 'cpr', 'atm', 'fyi', 'asap', 'ptsd', 'adhd', 'copd', 'uti', 'std', 'hiv',
  'aids', 'cvs', 'npi', 'dea', 'vin', 'ent', 'obgyn', 'gyn', 'ada', 'hipaa', 'ppo', 'hmo', 'epo', 'otc', 'bmi', 'tsh', 'cbc',
  'bmp', 'inr', 'pcp', 'npo', 'prn', 'bid', 'tid', 'qid', 'abc', 'aaa', 'tv', 'dvd', 'ups', 'usps', 'er', 'ed', 'ok', 'ook', 'okk', 'okay',
]);
const letterRunSeparators = new Set(['-', '.', ',']);
// After a weak cue, an everyday-word name ("will", "grace") counts only when one of these follows it.
const nameFollowers = new Set(['okay', 'ok', 'calling', 'speaking', 'here', 'has', 'is', 'was', 'had', 'needs', 'and', 'from', 'with', 'again', 'about', 'on']);
const sentenceEnd = new Set(['.', '!', '?', ':', '"', '\n']);
const forbiddenAfterStrongCue = new Set(['is', "it's", 'its', ':', '?', 'was', 'uh', 'um', ',', 'like', 'just', 'so', 'yes', 'yeah', 'sure']);
// Titles that take any following word as a name ("Dr. Okonkwo"); longer titles and relations need a lexicon hit or a capital.
const shortTitles = new Set(['mr', 'mrs', 'ms', 'mx', 'dr', 'drs', 'mister', 'missus', 'miz', 'fr', 'rev']);
const honorifics = new Set(['doctor', 'nurse', 'professor', 'prof', 'miss']);
// Surname particles: "van der Wal", "de la Cruz", "dos Santos", "bin Said".
const particles = new Set(['van', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'dos', 'das', 'du', 'la', 'le', 'von', 'ter', 'bin', 'ibn', 'al', 'el']);
// What follows a self-introduction in a call opening: "this is Sekinat, how can I help", "this is Ada with ...".
const introFollowers = new Set(['how', 'may', 'what', 'with', 'from', 'calling', 'speaking', 'here', 'at', 'in', 'on']);
const possessive = /'s$/;
// What a clinician named after "doctor"/"nurse" does next: "doctor chidi said", "nurse ama called".
const doctorVerbs = new Set(['said', 'says', 'told', 'wants', 'wanted', 'asked', 'ordered', 'prescribed', 'recommended', 'called', 'thinks', 'mentioned', 'suggested', 'referred', 'saw', 'sees', 'gave', 'left']);
const closingFollowers = new Set(['calling', 'speaking', 'here', 'okay', 'ok', '.', ',', '?', '!']);

const modals = new Set(['may', 'will', 'can', 'shall', 'should', 'could', 'would', 'might', 'must', 'do', 'did']);
const subjectPronouns = new Set(['i', 'we', 'you', 'he', 'she', 'they']);
const birthWords = new Set(['date', 'dob', 'birthday', 'born', 'birthdate']);
const nameSuffixes = new Set(['junior', 'senior', 'jr', 'sr', 'ii', 'iii', 'iv']);

// Soft fillers a caller says between the words of a name: "sarah like turcotte", "maria, sorry, maria lopez".
// Not "it's"/"that's": "hi marlon it's shivakari asan" is two people, each mention a span of its own.
const softFillers = new Set(['like', 'sorry', 'so', 'actually']);

/** Skips soft fillers and commas between name words ("you know", "i mean" too); returns the next index. */
function skipSoftFillers(tokens: readonly Token[], t: number): number {
  const start = t;
  for (let n = 0; n < 4; n++) {
    const norm = tokens[t]?.norm;
    if (norm === undefined) break;
    if (softFillers.has(norm) || norm === ',') t++;
    else if ((norm === 'you' && tokens[t + 1]?.norm === 'know') || (norm === 'i' && tokens[t + 1]?.norm === 'mean')) t += 2;
    else break;
  }
  return t === start || tokens[t - 1]?.norm === ',' && t - start === 1 ? start : t;
}

// Nouns said after "doctor" that make a compound, not a name: "the doctor office said", "doctor visit's notes".
const titleCompounds = new Set(['office', 'offices', 'visit', 'visits', 'appointment', 'appointments', 'note', 'notes', 'order', 'orders', 'bill', 'bills', 'team', 'staff', 'letter', 'records', 'portal', 'nurse', 'nurses', 'who', 'that', 'she', 'he', 'they', 'there', 'here', 'today', 'now', 'again', 'too', 'about', 'first', 'last', 'before', 'after', 'because']);
const titleFollowingVerbs = new Set([...doctorVerbs, 'wrote', 'writes', 'sent', 'signed', 'put', 'needs', 'should', 'will', 'would', 'can', 'could', 'might', 'must', 'knows']);

/**
 * Lowercase speech: "she's doctor vigil's patient", "the doctor hope wrote me", "his doctor is doctor
 * field": a surname that is also an everyday word, after "doctor" or "nurse", when the word acts as the
 * person — a possessive on it, a verb or modal right after it, or the title named by "is" before it.
 */
function everydaySurnameAfterTitle(tokens: readonly Token[], title: number, j: number, mixedCase: boolean): boolean {
  const word = tokens[j];
  if (mixedCase || !word || word.kind !== TokenKind.Word) return false;
  const norm = word.norm.replace(possessive, '');
  if (norm.length < 3 || titleCompounds.has(norm) || clinicalWords.has(norm) || functionWords.has(norm) || inflectedVerb(norm)) return false;
  if (possessive.test(word.norm)) return true;
  const next = tokens[j + 1]?.norm ?? '';
  return titleFollowingVerbs.has(next) || (tokens[title - 1]?.norm === 'is' && (next === '' || subjectPronouns.has(next) || next.startsWith("we'") || next.startsWith("i'") || sentenceEnd.has(next) || next === ','));
}

const oneWordOpeners = new Set(['.', '?', '!', ':', '\n']);
const oneWordClosers = new Set(['.', '!', '\n']);
const oneWordNotNames = new Set(['yes', 'yeah', 'yep', 'nope', 'okay', 'ok', 'thanks', 'sure', 'right', 'correct', 'exactly', 'perfect', 'great', 'bye', 'goodbye', 'hello', 'hi', 'hey', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'today', 'tomorrow', 'yesterday', 'please', 'sorry', 'wait', 'hmm', 'alright', 'absolutely', 'definitely', 'nothing', 'nobody', 'regards', 'sincerely', 'respectfully', 'cheers', 'thx']);

/**
 * Diarized or written text: "Caller: My nephew is. Tomás. And ...", "... 575-555-0138. Rigoberto.":
 * a sentence that is one capitalised word, a given name that is no everyday word, is a name said
 * on its own (answers, sign-offs, corrections). Unknown words alone are not enough: drug, company
 * and place names and greetings in other languages are said that way too.
 */
function oneWordAnswers(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 1; i < tokens.length; i++) {
    const word = tokens[i]!;
    if (word.kind !== TokenKind.Word || !word.upper || word.allUpper || word.norm.length < 3) continue;
    if (!oneWordOpeners.has(tokens[i - 1]!.norm) || !oneWordClosers.has(tokens[i + 1]?.norm ?? '\n')) continue;
    const known = givenNames.has(word.norm) && !isEverydayName(word.norm);
    // "Abd." (abdomen), "Ext.": words clinical notes abbreviate are no names.
    if (known && !oneWordNotNames.has(word.norm) && !noteWords.has(word.norm)) out.push({ start: word.start, end: word.end, type: 'NAME', confidence: 0.75, source: 'context' });
  }
}

/**
 * "Agent: Red Rock Family Health, Summer.": the clinic's greeting ends with the agent's first name
 * after a comma; a given name there counts even when it is an everyday word.
 */
function greetingSignOff(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 2; i < tokens.length; i++) {
    const word = tokens[i]!;
    if (word.kind !== TokenKind.Word || !word.upper || word.allUpper || tokens[i - 1]!.norm !== ',' || !givenNames.has(word.norm)) continue;
    if (!oneWordClosers.has(tokens[i + 1]?.norm ?? '\n')) continue;
    // The line must be the agent's first: "Agent:" at its start, no earlier line from the agent.
    let t = i - 2;
    while (t >= 0 && tokens[t]!.norm !== '\n' && tokens[t]!.norm !== ':') t--;
    if (t < 1 || tokens[t]!.norm !== ':' || tokens[t - 1]!.norm !== 'agent' || t - 1 !== 0) continue;
    out.push({ start: word.start, end: word.end, type: 'NAME', confidence: 0.75, source: 'context' });
  }
}

/** "abdi abdi hassan": the same name word said twice in a row. */
function repeatedWord(tokens: readonly Token[], previous: number, k: number): boolean {
  const a = tokens[previous];
  const b = tokens[k];
  return a !== undefined && b !== undefined && a.kind === TokenKind.Word && b.kind === TokenKind.Word && a.norm === b.norm && a.norm.length >= 2 && !functionWords.has(a.norm);
}

function isFamilyOrUnknown(norm: string): boolean {
  if (isStateWord(norm)) return false;
  return (familyNames.has(norm) && !isEverydayName(norm)) || (isUnknownWord(norm) && nameShaped(norm)) || (givenNames.has(norm) && !isEverydayName(norm));
}

// What follows a full name: the end of the clause, the caller going on, or the next detail.
const nameClosers = new Set([
  'okay', 'ok', 'calling', 'speaking', 'here', 'has', 'is', 'was', 'had', 'needs', 'and', 'from', 'with', 'again', 'about', 'on',
  "i'm", 'im', 'i', 'my', 'you', 'will', "he'll", "she'll", 'said', 'says', 'who', 'she', 'he', "she's", "he's", 'date', 'dob', 'birth',
  'born', 'at', 'please', 'thank', 'thanks', 'so', 'yes', 'yeah', 'right', 'spelled', "that's", 'last', 'first', 'too', 'also',
  'the', 'for', 'calls', 'called', 'wants', 'would', 'could', 'can', 'did', 'does', 'just', 'sorry', 'like',
  'needs', 'need', 'gets', 'got', 'came', 'went', 'brought', 'left', 'asked', 'told', 'no', 'not', 'again', 'there',
  'yesterday', 'today', 'tonight', 'tomorrow', 'earlier', 'before', 'after', 'about', 'over', 'in', 'when', 'because',
]);

function nameClosing(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  return token === undefined || (token.kind === TokenKind.Punct && token.norm !== "'" && token.norm !== '-') || nameClosers.has(token.norm);
}

// Endings of English derivations and drug stems: a word with one is not a name even if no dictionary has it.
const notNameEnding = /(?:oid|otic|tic|ular|ary|ory|ish|ing|ness|ment|tion|sion|ous|ive|able|ible|ful|less|ity|ism|ize|ise|ized|ised|itis|emia|osis|ectomy|ology|pril|olol|statin|sartan|dipine|cillin|mycin|floxacin|cycline|tidine|azole|prazole|triptan|zepam|zolam|oxetine|afil|gliptin|glitazone|formin|mab|nib|vir|pam|done|zine|pine|lol|ine|ide|ate|phen|profen|caine|sone|lone|cort|ics|ly|ed|ic|al)$/;
// Slavic surnames end like derivations do ("jovanovic", "petrovich", "kowalski"): these endings are names.
const nameEndingExceptions = /(?:vic|vich|ich|ski|sky)$/;

/** Could an unknown word be a name? Not when it looks like an English derivation or a drug, unless a list knows it. */
export function nameShaped(norm: string): boolean {
  return !notNameEnding.test(norm) || nameEndingExceptions.test(norm) || isLexiconName(norm);
}

const lexiconOnlyCues = new Set(['for', 'under', 'tell', 'ask', 'have', 'let', 'text', 'remind', 'told', 'asked', 'with', 'and']);
const strictCues = new Set(['with', 'and', 'have', 'let', 'under', 'says', 'said', 'call', 'calls', 'named', 'starring', 'featuring', 'features']);
const possessives = new Set(['my', 'his', 'her', 'our', 'its', 'the', 'to', 'in', 'on', 'at', 'is']);
// Weak cues after which a name is expected, so an unknown word there is taken as one ("my son", "this is", "speak to").
const nameExpectingStarts = new Set(['this', "it's", 'my', 'speaking', 'speak', 'talk', 'talking', 'talked', 'spoke', 'ask', 'asking', 'message', 'calling', 'on', 'trying', 'transfer', 'known', 'the', "i'm", 'im', 'i']);

/** "this is", "i'm", "my name is": the caller introducing themself, with a whole name. */
function selfIntroCue(tokens: readonly Token[], cue: Cue): boolean {
  const word = tokens[cue.startTok]!.norm;
  return cue.kind === 'name-strong' || word === 'this' || word === "i'm" || word === 'im';
}

/** "tired", "going", "feeling": a verb form, not a surname. */
function inflectedVerb(norm: string): boolean {
  return /(?:ing|ed)$/.test(norm) || (norm.endsWith('s') && everydayWords.has(norm.slice(0, -1)));
}

/** "my granddaughter", "my case manager": a relation, after which the next unknown word is the person's name. */
function relationCue(tokens: readonly Token[], cue: Cue): boolean {
  return cue.kind === 'name-weak' && tokens[cue.startTok]!.norm === 'my' && cue.endTok - cue.startTok >= 2;
}

function nameExpectingCue(tokens: readonly Token[], cue: Cue): boolean {
  const word = tokens[cue.startTok]!.norm;
  if (word === 'patient') return cue.endTok - cue.startTok > 1;
  return nameExpectingStarts.has(word);
}

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
      // "m c n a double l y": a doubled letter.
      const times = tokens[t]?.norm === 'double' ? 2 : tokens[t]?.norm === 'triple' ? 3 : 1;
      if (times > 1 && isLetter(tokens, t + 1)) {
        letters += tokens[t + 1]!.norm.repeat(times);
        last = t + 1;
        t += 2;
        continue;
      }
      if (!isLetter(tokens, t)) break;
      // "h a r j o i need a refill", "O-Y-E-L-O-W-O. I had": the pronoun after a spelling is not a letter of it.
      if (tokens[t]!.norm === 'i' && (pronounVerbs.has(tokens[t + 1]?.norm ?? '') || (tokens[t - 1]?.norm === '.' && tokens[t]!.upper && tokens[t]!.spaced))) break;
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
  return token !== undefined && token.kind === TokenKind.Word && token.norm.length >= 2 && (!functionWords.has(token.norm) || token.accented) && !clinicalWords.has(token.norm) && !roleNouns.has(token.norm);
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
  // "jean-baptiste": a glued hyphen piece makes a compound given name.
  if (next?.norm === '-' && !next.spaced && tokens[i + 2]?.kind === TokenKind.Word && !tokens[i + 2]!.spaced) return true;
  if (next && next.kind === TokenKind.Word && familyNames.has(next.norm) && !isEverydayName(next.norm) && !functionWords.has(next.norm)) return true;
  // "this is song ha, i'm calling": given and family name, both everyday words, closing the clause.
  if (!mixedCase && next && next.kind === TokenKind.Word && isLexiconName(next.norm) && !functionWords.has(next.norm) && nameClosing(tokens, i + 2) && tokens[i + 2]?.norm !== 'the') return true;
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
      // "my husband is tariq", "my daughter's name is ..." (the strong cue takes that one): a relation, then "is".
      if (tokens[cue.startTok]!.norm === 'my' && (tokens[j]?.norm === 'is' || tokens[j]?.norm === 'was') && cue.endTok - cue.startTok >= 2) {
        // ... but "my wife is hypothyroid": only a known name after "is".
        if (!isLexiconName(tokens[j + 1]?.norm ?? '') || isEverydayName(tokens[j + 1]!.norm)) continue;
        j++;
      }
    }
    // "i'm an vu", "for my wife can de bruijn": a short given name that is also a function word, before a surname.
    const shortGiven = tokens[j] !== undefined && functionWords.has(tokens[j]!.norm) && tokens[j]!.norm.length <= 3 && givenNames.has(tokens[j]!.norm)
      && (tokens[j]!.accented || !possessives.has(tokens[j]!.norm))
      && (particles.has(tokens[j + 1]?.norm ?? '') || (familyNames.has(tokens[j + 1]?.norm ?? '') && isNameCandidate(tokens[j + 1]) && !isEverydayName(tokens[j + 1]!.norm)));
    if (shortGiven && particles.has(tokens[j + 1]!.norm) && !isNameCandidate(tokens[j + 2]) && !particles.has(tokens[j + 2]?.norm ?? '')) continue;
    // "my name is mar- marisol del toro": a false start cut off by a dash, then the whole word. The name is
    // read from the whole word; the fragment is a mention of its own.
    const fragment = falseStart(tokens, j);
    if (fragment) {
      out.push({ start: tokens[j]!.start, end: tokens[j]!.end, type: 'NAME', confidence: 0.8, source: 'context' });
      j += 2;
    }
    const first = tokens[j];
    if ((!isNameCandidate(first) && !shortGiven) || !first || isNumberAtom(tokens, j)) continue;
    const firstNorm = first.norm.replace(possessive, '');
    const lexicon = isLexiconName(firstNorm);
    // In shouted notes ("DAUGHTER WILL RETURN") a capital says nothing.
    const capital = mixedCase && first.upper && (!first.allUpper || !isEverydayName(firstNorm));
    const shortTitle = cue.kind === 'name-title' && shortTitles.has(tokens[cue.startTok]!.norm);
    // "this is <unknown word>, how can I help you": a self-introduction in a call opening.
    const intro = cue.kind === 'name-weak' && !mixedCase && tokens[cue.startTok]!.norm === 'this' && introFollowers.has(tokens[skipFillers(tokens, j + 1)]?.norm ?? '')
      && (lexicon || !isEverydayName(first.norm));
    // "my wife nkechinyere is ...", "this is abdirizak warsame": a word no dictionary knows, where a name is expected.
    const unknownName = !mixedCase && isUnknownWord(firstNorm) && nameShaped(firstNorm) && !clinicalWords.has(firstNorm)
      && (nameClosing(tokens, j + 1) || isFamilyOrUnknown(tokens[j + 1]?.norm ?? '') || relationCue(tokens, cue));
    let accepted: boolean;
    let confidence: number;
    if (cue.kind === 'name-strong' || shortGiven) {
      accepted = true;
      confidence = 0.9;
    } else if (shortTitle) {
      // "MS changes", "ms given": in written notes a lowercase word after "MS"/"Dr" is not a name.
      // Lowercase text: "ms" is also multiple sclerosis or mental status ("assess ms, encourage fluids").
      const ms = tokens[cue.startTok]!.norm === 'ms';
      accepted = (!mixedCase && !ms) || (capital && (lexicon || !isEverydayName(firstNorm))) || (lexicon && (!isEverydayName(firstNorm) || secondSignal(tokens, j, mixedCase)) && !noteWords.has(firstNorm))
        || (isUnknownWord(firstNorm) && nameShaped(firstNorm) && !first.allUpper && tokens[j - 1]?.norm !== ',');
      confidence = 0.9;
    } else if (cue.kind === 'name-title' && honorifics.has(tokens[cue.startTok]!.norm)) {
      // "doctor oyelaran's office", "doctor chidi said": an unknown word that acts like a name.
      // A word no dictionary knows right after the title is the name, whatever follows ("doctor ellison started me on ...").
      const unknownAfterTitle = isUnknownWord(firstNorm) && nameShaped(firstNorm) && !clinicalWords.has(firstNorm);
      const actsLikeName = !mixedCase && !isEverydayName(firstNorm) && (possessive.test(first.norm) || doctorVerbs.has(tokens[j + 1]?.norm ?? '') || unknownName || unknownAfterTitle);
      accepted = (lexicon && (!isEverydayName(firstNorm) || secondSignal(tokens, j, mixedCase))) || capital || actsLikeName
        || everydaySurnameAfterTitle(tokens, cue.startTok, j, mixedCase);
      confidence = 0.85;
    } else {
      // Cues that are everyday words ("for", "tell", "with") take only a known name: in notes "for Abd CT",
      // "with White count" are not names; "and"/"with"/"have" take no everyday-word name at all ("faith and joy").
      const cueWord = tokens[cue.startTok]!.norm;
      const lexiconOnly = lexiconOnlyCues.has(cueWord);
      const strict = strictCues.has(cueWord) && cue.endTok - cue.startTok === 1;
      // After "for"/"tell", an everyday-word name needs its surname: "for will turner", not "for white, ...".
      // After "i'm"/"it's" an everyday word is mostly an adjective ("i'm white and ...", "i'm young again"): it needs a
      // surname or a self-introduction verb ("it's will calling").
      const selfCue = cueWord === "i'm" || cueWord === 'im' || cueWord === 'i' || cueWord === "it's";
      const everydayOk = lexiconOnly || (selfCue && !mixedCase)
        ? (isLexiconName(tokens[j + 1]?.norm ?? '') && !isEverydayName(tokens[j + 1]!.norm)) || (selfCue && introFollowers.has(tokens[j + 1]?.norm ?? ''))
          || repeatedWord(tokens, j, tokens[j + 1]?.norm === ',' ? j + 2 : j + 1)
        : secondSignal(tokens, j, mixedCase);
      accepted = ((lexicon || (capital && !lexiconOnly)) && !(lexiconOnly && noteWords.has(firstNorm)) && (!isEverydayName(first.norm) || (!strict && everydayOk))
        && !(lexiconOnly && (mixedCase ? !capital || first.allUpper || isEverydayName(firstNorm) : false))) || intro
        || (unknownName && nameExpectingCue(tokens, cue));
      confidence = 0.8;
    }
    // "spoke with HO", "per skin care RN": words notes use as abbreviations count only after a strong cue or a title.
    if (accepted && noteWords.has(firstNorm) && cue.kind === 'name-weak' && !intro && mixedCase) accepted = false;
    if (!accepted) continue;
    let end = hyphenated(tokens, j + 1);
    // "dr van loon", "this is van do": a particle said first takes the word after it.
    if (particles.has(firstNorm) && !mixedCase && tokens[end]?.kind === TokenKind.Word && !isNumberAtom(tokens, end)
      && (isNameCandidate(tokens[end]) || (familyNames.has(tokens[end]!.norm) && nameClosing(tokens, end + 1)))) end = hyphenated(tokens, end + 1);
    // Up to three more name words: "maria lopez", "Mary Ann O'Brien", "garcia-lopez", "van der wal",
    // through repetitions and soft fillers: "abdi abdi hassan", "sarah like turcotte".
    for (let extra = 0; extra < 3 && !possessive.test(tokens[end - 1]!.norm); extra++) {
      let k = end;
      // "rose, rose garcia", "abdi abdi hassan": the name word said again.
      const again = tokens[k]?.norm === ',' ? k + 1 : k;
      if (repeatedWord(tokens, end - 1, again)) {
        end = again + 1;
        extra--;
        continue;
      }
      const afterSoft = mixedCase ? k : skipSoftFillers(tokens, k);
      if (afterSoft > k) {
        const word = tokens[afterSoft];
        if (!isNameCandidate(word) || isNumberAtom(tokens, afterSoft) || !(isFamilyOrUnknown(word.norm))) break;
        k = afterSoft;
      }
      // Particles join when a non-function word follows them.
      let p = k;
      while (tokens[p] && particles.has(tokens[p]!.norm) && p < k + 2) p++;
      if (p > k && isNameCandidate(tokens[p]) && !isNumberAtom(tokens, p) && !tokens[p]!.allUpper) {
        end = hyphenated(tokens, p + 1);
        continue;
      }
      const next = tokens[k];
      // "this is marlon may i have your name": a modal before a pronoun is the next clause, not a surname.
      if (next && modals.has(next.norm) && subjectPronouns.has(tokens[k + 1]?.norm ?? '')) break;
      // "tinh do, okay", "ashton little, you know": a surname that is also a function word, closing the name.
      if (!mixedCase && next && functionWords.has(next.norm) && familyNames.has(next.norm) && next.norm.length <= 6
        && (tokens[k + 1] === undefined || closingFollowers.has(tokens[k + 1]!.norm) || (nameClosing(tokens, k + 1) && (next.norm.length > 3 || particles.has(tokens[k - 1]!.norm))))) {
        end = k + 1;
        break;
      }
      if (!isNameCandidate(next) || isNumberAtom(tokens, k)) break;
      const nextNorm = next.norm.replace(possessive, '');
      // "it's pantaleon palka calling": an unknown word closed by a name follower is the surname.
      const closed = !mixedCase && !isEverydayName(nextNorm) && closingFollowers.has(tokens[k + 1]?.norm ?? '.');
      // "madyson funk, i'm a patient", "thao ly will pick it up": a surname that is also a word, closing the name.
      const closedFamily = !mixedCase && familyNames.has(nextNorm) && (nameClosing(tokens, k + 1) || cue.kind === 'name-strong' || shortTitle);
      // "this is jenna hale um my son ...": after a self-introduction and a known given name, an everyday word closed by
      // the next clause is the surname (not a closer or a verb itself).
      const introSurname = !mixedCase && extra === 0 && selfIntroCue(tokens, cue) && givenNames.has(first.norm) && !isEverydayName(first.norm)
        && !functionWords.has(nextNorm) && !nameClosers.has(nextNorm) && !clinicalWords.has(nextNorm) && !inflectedVerb(nextNorm)
        && (nameClosing(tokens, k + 1) || tokens[k + 1]?.norm === 'his' || tokens[k + 1]?.norm === 'her');
      // "my name is ngozi adaeze-okwuosa", "this is abdi warsame": a word no dictionary knows, next to a name.
      const unknown = !mixedCase && isUnknownWord(nextNorm) && nameShaped(nextNorm);
      // "a patient desmond flowers date of birth ...": whatever word comes between a name and the birth date is its surname.
      const beforeBirth = !mixedCase && extra === 0 && birthWords.has(tokens[k + 1]?.norm ?? '') && !functionWords.has(nextNorm);
      const nextLexicon = isLexiconName(nextNorm) || (mixedCase && next.upper) || closed || closedFamily || unknown || beforeBirth || introSurname;
      if (!nextLexicon || (mixedCase && !next.upper && first.upper)) break;
      if (isEverydayName(nextNorm) && !closedFamily && !beforeBirth && !introSurname && !secondSignal(tokens, k, mixedCase)) break;
      end = hyphenated(tokens, k + 1);
    }
    // "robert smith junior", "James Okafor Jr.", "henry ford the third": a generational suffix.
    if (end > j + 1 || cue.kind === 'name-strong') {
      const suffix = tokens[end]?.norm === ',' ? end + 1 : end;
      if (nameSuffixes.has(tokens[suffix]?.norm ?? '')) end = tokens[suffix + 1]?.norm === '.' && !tokens[suffix + 1]!.spaced ? suffix + 2 : suffix + 1;
      else if (tokens[suffix]?.norm === 'the' && ['second', 'third', 'fourth'].includes(tokens[suffix + 1]?.norm ?? '')) end = suffix + 2;
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
    if (!mixedCase && spokenAcronym(tokens, run)) continue;
    out.push({ start: tokens[run.startTok]!.start, end: tokens[run.endTok - 1]!.end, type: 'NAME', confidence: 0.8, source: 'spoken' });
    // "lopez, that's l o p e z": the spelled word said just before is the same name.
    for (let t = run.startTok - 1; t >= 0 && t >= run.endTok - 20; t--) {
      if (tokens[t]!.norm === run.letters) {
        out.push({ start: tokens[t]!.start, end: tokens[t]!.end, type: 'NAME', confidence: 0.85, source: 'spoken' });
        break;
      }
    }
  }

  if (mixedCase) {
    capitalisedNames(tokens, out);
    initialAndSurname(tokens, out);
    signatures(tokens, out);
  } else lowercasePairs(tokens, out);
  vocatives(tokens, mixedCase, out);
  if (mixedCase) {
    oneWordAnswers(tokens, out);
    greetingSignOff(tokens, out);
  }
  describedPatients(tokens, mixedCase, out);
  if (mixedCase) listNeighbours(tokens, out, firstOut);
  repeatMentions(tokens, mixedCase, out, firstOut);
  falseStartsBefore(tokens, out, firstOut);
  if (mixedCase) givenNamesBefore(tokens, out, firstOut);
  appositives(tokens, mixedCase, out);
  dropNonPersons(tokens, out, firstOut);
}

// Words that look like names where callers use them but name no person: insurers, nationalities.
const notPersons = new Set([
  'aetna', 'cigna', 'humana', 'regence', 'premera', 'anthem', 'kaiser', 'ambetter', 'molina', 'centene', 'wellcare', 'tricare',
  'medicare', 'medicaid', 'highmark', 'optum', 'unitedhealthcare', 'geisinger', 'caresource', 'amerigroup', 'emblem', 'fidelis',
  'healthfirst', 'cvs', 'walgreens', 'publix', 'kroger', 'costco', 'walmart', 'safeway', 'albertsons', 'meijer', 'wegmans',
  'dutch', 'irish', 'german', 'french', 'polish', 'italian', 'english', 'scottish', 'welsh', 'swiss', 'greek', 'turkish', 'chinese',
  'japanese', 'korean', 'mexican', 'cuban', 'haitian', 'russian', 'spanish', 'filipino', 'vietnamese', 'nigerian', 'somali', 'nobody',
]);
// Words after a capitalised word that make it part of a place or company name: "Lincoln Financial", "Fleur Drive".
const placeOrCompanyWords = new Set([
  'financial', 'insurance', 'health', 'healthcare', 'medical', 'pharmacy', 'hospital', 'clinic', 'gardens', 'area', 'assisted',
  'living', 'center', 'centre', 'group', 'associates', 'ent', 'audiology', 'family', 'pediatrics', 'dental', 'care', 'street', 'avenue',
  'road', 'drive', 'lane', 'boulevard', 'court', 'way', 'parkway', 'place', 'county', 'valley', 'heights', 'park', 'labs', 'lab',
  'imaging', 'radiology', 'orthopedics', 'cardiology', 'dermatology', 'oncology', 'urology', 'surgical', 'surgery', 'university',
  'college', 'school', 'bank', 'mutual', 'life', 'partners', 'network', 'services', 'systems', 'memorial', 'general', 'regional',
]);

/**
 * Names found above that are no person: a state ("calling from Florida"), an insurer ("It's Regence"), a
 * nationality ("I'm Dutch"), a saint that names a hospital ("st luke's"), or a word that starts a
 * place or company name ("Lincoln Financial", "Aurora Avenue", "Bay Area ENT").
 */
function dropNonPersons(tokens: readonly Token[], out: PhiSpan[], from: number): void {
  let kept = from;
  for (let s = from; s < out.length; s++) {
    const span = out[s]!;
    let drop = false;
    if (span.type === 'NAME' && span.source !== 'patient') {
      const first = firstTokenAt(tokens, span.start);
      let last = first;
      while (tokens[last + 1] && tokens[last + 1]!.end <= span.end) last++;
      const words = tokens.slice(first, last + 1).filter((token) => token.kind === TokenKind.Word).map((token) => token.norm.replace(possessive, ''));
      const before = tokens[first - 1]?.norm === '.' ? tokens[first - 2]?.norm : tokens[first - 1]?.norm;
      const after = tokens[last + 1];
      // After "my name is" only a state is no name ("Oscar" is an insurer and a person).
      drop = words.every((word) => isStateWord(word) || (notPersons.has(word) && span.confidence < 0.9))
        || before === 'st' || before === 'saint'
        || (words.length >= 2 && tokens[last]!.upper && placeOrCompanyWords.has(words[words.length - 1]!))
        || (after !== undefined && after.kind === TokenKind.Word && after.spaced && words.length <= 2 && placeOrCompanyWords.has(after.norm) && (after.upper || !tokens[first]!.upper));
    }
    if (!drop) out[kept++] = span;
  }
  out.length = kept;
}

/**
 * "Gareth Llewellyn." once "Llewellyn" is known: a capitalised word no dictionary knows (or a given
 * name), right before a name found, is its given name.
 */
function givenNamesBefore(tokens: readonly Token[], out: PhiSpan[], from: number): void {
  for (let s = from, n = out.length; s < n; s++) {
    const span = out[s]!;
    if (span.type !== 'NAME') continue;
    const t = firstTokenAt(tokens, span.start);
    const word = tokens[t - 1];
    if (!tokens[t]?.upper || !tokens[t]!.spaced || !word || word.kind !== TokenKind.Word || !word.upper || word.allUpper || !isNameCandidate(word)) continue;
    if ((isUnknownWord(word.norm) && nameShaped(word.norm)) || (givenNames.has(word.norm) && !isEverydayName(word.norm))) out[s] = { ...span, start: word.start };
  }
}

// Roles said after a name, set off by a comma: "Jessamyn, the nurse", "Kofi, my son".
const appositiveRoles = new Set([
  'nurse', 'doctor', 'physician', 'receptionist', 'pharmacist', 'therapist', 'surgeon', 'midwife', 'aide', 'caregiver', 'manager',
  'coordinator', 'scheduler', 'assistant', 'tech', 'technician', 'interpreter', 'social', 'case', 'husband', 'wife', 'son',
  'daughter', 'mother', 'father', 'mom', 'dad', 'sister', 'brother', 'grandson', 'granddaughter', 'grandmother', 'grandfather',
  'partner', 'neighbor', 'neighbour', 'friend', 'boyfriend', 'girlfriend', 'niece', 'nephew', 'aunt', 'uncle', 'cousin', 'patient',
]);
const appositiveDeterminers = new Set(['the', 'my', 'our', 'his', 'her', 'their', 'your']);

/** "Or Jessamyn, the nurse.", "tell kofi, my son, ...": a name word set off by a comma before a role. */
function appositives(tokens: readonly Token[], mixedCase: boolean, out: PhiSpan[]): void {
  for (let i = 0; i + 3 < tokens.length; i++) {
    const token = tokens[i]!;
    if (tokens[i + 1]!.norm !== ',' || !appositiveDeterminers.has(tokens[i + 2]!.norm) || !appositiveRoles.has(tokens[i + 3]!.norm)) continue;
    if (token.kind !== TokenKind.Word || !isNameCandidate(token) || isNumberAtom(tokens, i) || notPersons.has(token.norm) || isStateWord(token.norm)) continue;
    const norm = token.norm.replace(possessive, '');
    const nameLike = (isLexiconName(norm) && !isEverydayName(norm)) || (isUnknownWord(norm) && nameShaped(norm));
    if (mixedCase ? !token.upper || token.allUpper || (isEverydayName(norm) && !isLexiconName(norm)) : !nameLike) continue;
    out.push({ start: token.start, end: token.end, type: 'NAME', confidence: 0.75, source: 'context' });
  }
}

/** "so ja- jasmine said": the cut-off start of a name found is part of the mention. */
function falseStartsBefore(tokens: readonly Token[], out: PhiSpan[], from: number): void {
  for (let s = from, n = out.length; s < n; s++) {
    const span = out[s]!;
    if (span.type !== 'NAME') continue;
    const t = firstTokenAt(tokens, span.start);
    if (t >= 2 && falseStart(tokens, t - 2) && tokens[t]!.start === span.start) out[s] = { ...span, start: tokens[t - 2]!.start };
  }
}

// Medical and everyday acronyms said letter by letter ("c o p d", "your l d l", "a c t scan").
const spokenAcronyms = new Set([
  'dvt', 'bcg', 'copd', 'ibs', 'ros', 'cpk', 'eeg', 'emg', 'mpj', 'ecog', 'gerd', 'ivc', 'rem', 'ldl', 'hdl', 'ckd', 'pkd', 'psa',
  'chf', 'itp', 'djd', 'pet', 'nsaid', 'nsaids', 'mri', 'cat', 'ent', 'ptsd', 'ocd', 'add', 'uti', 'utis', 'std', 'sti', 'hpv', 'rsv',
  'tia', 'cva', 'ekg', 'ecg', 'echo', 'icd', 'ivf', 'iud', 'ibd', 'gi', 'ct', 'pt', 'ot', 'er', 'ed', 'icu', 'nicu', 'picu', 'or',
  'ppi', 'ace', 'arb', 'ssri', 'snri', 'tsh', 'cbc', 'cmp', 'bmp', 'ana', 'esr', 'crp', 'inr', 'ptt', 'bun', 'gfr', 'alt', 'ast',
  'acl', 'mcl', 'tkr', 'thr', 'orif', 'cabg', 'pci', 'afib', 'svt', 'vt', 'pvc', 'pac', 'bph', 'ed', 'pcos', 'pid', 'hsv', 'cmv',
  'ebv', 'mrsa', 'vre', 'cdiff', 'tb', 'ppd', 'hep', 'hcv', 'hbv', 'aaa', 'pad', 'pvd', 'cad', 'mi', 'stemi', 'nstemi', 'ards',
  'osa', 'cpap', 'bipap', 'peg', 'picc', 'port', 'cll', 'cml', 'aml', 'all', 'nhl', 'ms', 'als', 'sle', 'ra', 'oa', 'ckd', 'esrd',
  'aki', 'dka', 'hhs', 'dm', 'htn', 'hld', 'cp', 'sob', 'loc', 'rom', 'bmi', 'bp', 'hr', 'rr', 'spo', 'iv', 'im', 'po', 'sq',
  'npo', 'prn', 'otc', 'ama', 'dnr', 'dni', 'poa', 'hipaa', 'fmla', 'ssdi', 'ssi', 'wic', 'snap', 'ymca', 'ups', 'fedex', 'usps',
  'abcd', 'xyz', 'abc', 'vip', 'diy', 'asap', 'aka', 'lol', 'omg', 'tv', 'pc', 'id', 'pin', 'atm', 'suv', 'gps', 'usb',
  'ctsuc', 'uihc', 'apetct', 'ptld', 'ivcf', 'fcr', 'cpap', 'dexa', 'egd', 'ercp', 'tee', 'tte', 'abi', 'pft', 'pfts', 'ncs',
  'orif', 'tmj', 'gbs', 'mcv', 'jak', 'cna', 'sicu', 'ems', 'gcs', 'lad', 'nsvt', 'mmh', 'scfe', 'mcg', 'mua', 'cva', 'lpn', 'rn',
  'np', 'pa', 'md', 'do', 'dds', 'emt', 'ibm', 'ymca', 'ucla', 'nyu', 'usc', 'va', 'ssa', 'dmv', 'irs', 'fbi', 'cia', 'nba', 'nfl',
]);
// A letter run between these is an acronym in use: "had a d v t", "your c p k", "an e e g", "the i v c filter".
const acronymBefore = new Set(['a', 'an', 'the', 'your', 'his', 'her', 'their', 'my', 'our', 'non', 'had', 'have', 'has', 'with', 'of', 'stage', 'called', 'diagnosed', 'for', 'get', 'got', 'do', 'did', 'any', 'no', 'on', 'in', 'video', 'positive', 'negative', 'chronic', 'acute', 'severe', 'mild']);
const acronymAfter = new Set(['scan', 'scans', 'filter', 'score', 'sleep', 'test', 'tests', 'testing', 'level', 'levels', 'count', 'counts', 'vaccine', 'shot', 'shots', 'tendinitis', 'trial', 'hospital', 'medicine', 'drip', 'line', 'tube', 'machine', 'results', 'result', 'report', 'study', 'panel', 'exam', 'disease', 'syndrome', 'infection', 'medication', 'medications', 'meds', 'therapy', 'clinic', 'unit', 'department', 'doctor', 'specialist', 'flare', 'symptoms', 'diagnosis', 'treatment', 'inhibitor', 'inhibitors', 'blocker', 'blockers', 'mask', 'device', 'numbers', 'value', 'values', 'reading', 'readings', 'procedure', 'surgery', 'repair', 'injury', 'tear']);

/**
 * Lowercase text: is this letter run an acronym rather than a spelled name? Only when nothing asks
 * for a spelling nearby, the letters are no known name, and the run is a known acronym or sits
 * where acronyms do ("had a d v t", "the c p k level").
 */
function spokenAcronym(tokens: readonly Token[], run: LetterRun): boolean {
  if (spellCueBefore(tokens, run.startTok) || isLexiconName(run.letters)) return false;
  for (let t = run.startTok - 1; t >= 0 && t >= run.startTok - 3; t--) if (tokens[t]!.norm === run.letters) return false;
  const letters = run.letters;
  // "a u t i" is "a UTI", "m r i s" is "MRIs".
  if (spokenAcronyms.has(letters) || spokenAcronyms.has(letters.replace(/s$/, '')) || letters.startsWith('a') || spokenAcronyms.has(letters.slice(1))) return true;
  return acronymBefore.has(tokens[run.startTok - 1]?.norm ?? '') || acronymAfter.has(tokens[run.endTok]?.norm ?? '');
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

// "thank you so much zenaida", "thanks a lot marek".
const thanksFillers = new Set(['you', 'so', 'much', 'a', 'lot', 'very', 'again', ',']);
const farewells = new Set(['bye', 'goodbye', 'have', 'take', 'talk', 'thanks', 'thank', 'appreciate', 'see']);

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
    if (!isNameCandidate(token) || isNumberAtom(tokens, i)) continue;
    // "thank you priyanka bye": after a greeting or a thanks, a word no dictionary knows, closing the turn, is a name too.
    if (!givenNames.has(norm)) {
      let g = i - 1;
      while (g > 0 && i - g <= 3 && thanksFillers.has(tokens[g]!.norm)) g--;
      const greeting = greetings.has(tokens[g]!.norm) || tokens[g]!.norm === 'thank';
      const closes = tokens[i + 1] === undefined || (tokens[i + 1]!.kind === TokenKind.Punct && vocativePunct.has(tokens[i + 1]!.norm)) || farewells.has(tokens[i + 1]!.norm);
      if (greeting && closes && isUnknownWord(norm) && nameShaped(norm) && !clinicalWords.has(norm) && !notPersons.has(norm)) out.push({ start: token.start, end: token.end, type: 'NAME', confidence: 0.75, source: 'context' });
      continue;
    }
    const ambiguous = isEverydayName(norm);
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
    if (next && isNameCandidate(next) && familyNames.has(next.norm) && !isEverydayName(next.norm) && !(mixedCase && !next.upper)) end++;
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
 * Mixed-case text: capitalised words listed with a name found ("Efimiya, Mary, Ariana and Jodi",
 * "Usamov and Bowers") are names too, when no dictionary knows them.
 */
function listNeighbours(tokens: readonly Token[], out: PhiSpan[], from: number): void {
  const added = out.length;
  for (let s = from; s < added; s++) {
    const span = out[s]!;
    if (span.type !== 'NAME') continue;
    const first = firstTokenAt(tokens, span.start);
    let last = first;
    while (tokens[last + 1] && tokens[last + 1]!.end <= span.end) last++;
    for (const [sep, word] of [[first - 1, first - 2], [last + 1, last + 2]] as const) {
      const separator = tokens[sep];
      const candidate = tokens[word];
      if (!separator || !candidate || (separator.norm !== ',' && separator.norm !== 'and')) continue;
      if (candidate.kind !== TokenKind.Word || !candidate.upper || candidate.allUpper || !isNameCandidate(candidate) || isEverydayName(candidate.norm) || noteWords.has(candidate.norm) || isStateWord(candidate.norm)) continue;
      if (!isUnknownWord(candidate.norm) && !isLexiconName(candidate.norm)) continue;
      const before = tokens[word - 1];
      if (word < first && (before === undefined || sentenceEnd.has(before.norm)) && !isLexiconName(candidate.norm)) continue;
      out.push({ start: candidate.start, end: candidate.end, type: 'NAME', confidence: 0.6, source: 'context' });
    }
  }
}

/**
 * A name word found with context is the same name wherever else it occurs in the text ("so ,
 * ashley , ..." then "does ashley play any sports"): repeat it, unless it is an everyday word.
 */
function repeatMentions(tokens: readonly Token[], mixedCase: boolean, out: PhiSpan[], from: number): void {
  const names = new Set<string>();
  // Everyday words found as names ("my name is Hope Walker") repeat only where written with a capital.
  const capitalOnly = new Set<string>();
  const added = out.length;
  for (let s = from; s < added; s++) {
    const span = out[s]!;
    if (span.type !== 'NAME' || span.confidence < 0.75) continue;
    let letters = '';
    let words = 0;
    for (let t = firstTokenAt(tokens, span.start); t < tokens.length && tokens[t]!.start < span.end; t++) {
      const token = tokens[t]!;
      if (token.kind !== TokenKind.Word) continue;
      words++;
      if (token.norm.length === 1) letters += token.norm;
      const norm = token.norm.replace(possessive, '');
      if (norm.length < 3 || !isNameCandidate(token) || placeLikeNames.has(norm) || isStateWord(norm)) continue;
      if (isLexiconName(norm) ? !isEverydayName(norm) : isUnknownWord(norm) && nameShaped(norm)) names.add(norm);
      else if (mixedCase && token.upper && !token.allUpper && isLexiconName(norm) && span.confidence >= 0.85) capitalOnly.add(norm);
    }
    // "r a g h u n a t h a n" spelled: the word it spells, said anywhere, is the name.
    if (letters.length >= 3 && letters.length === words && !letterRunStoplist.has(letters)) names.add(letters);
  }
  if (names.size === 0 && capitalOnly.size === 0) return;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.kind !== TokenKind.Word) continue;
    const norm = token.norm.endsWith("'s") ? token.norm.slice(0, -2) : token.norm;
    if (names.has(norm) || (capitalOnly.has(norm) && token.upper && !token.allUpper)) out.push({ start: token.start, end: token.end, type: 'NAME', confidence: 0.7, source: 'context' });
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

/** "mar- marisol", "dar-- darnell": a word cut off by a dash and said again whole right after it. */
function falseStart(tokens: readonly Token[], j: number): boolean {
  const cut = tokens[j];
  const dash = tokens[j + 1];
  const whole = tokens[j + 2];
  return cut !== undefined && cut.kind === TokenKind.Word && cut.norm.length >= 2 && dash?.norm === '-' && !dash.spaced
    && whole !== undefined && whole.spaced && whole.kind === TokenKind.Word && whole.norm.length > cut.norm.length && whole.norm.startsWith(cut.norm);
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
      if (isLexiconName(word.norm) && !isEverydayName(word.norm)) lexicon = true;
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

function shoutedAround(tokens: readonly Token[], i: number): boolean {
  let shouted = 0;
  for (const k of [i - 2, i - 1, i + 1, i + 2]) {
    const token = tokens[k];
    if (token?.kind === TokenKind.Word && token.norm.length > 1 && token.allUpper) shouted++;
  }
  return shouted >= 2;
}

// Verbs after which an unknown capitalised word opening a sentence is a person.
const openingVerbs = new Set(['spent', 'shouted', 'began', 'lives', 'lived', 'says', 'said', 'told', 'asked', 'wants', 'wanted', 'listed', 'works', 'worked', 'moved', 'called', 'went', 'came']);
// Verbs that follow a person's name opening a sentence.
const sentenceVerbs = new Set([
  'is', 'was', 'has', 'had', 'lives', 'lived', 'said', 'says', 'shouted', 'called', 'calls', 'went', 'came', 'began', 'started',
  'wants', 'wanted', 'needs', 'needed', 'told', 'asked', 'will', 'would', 'can', 'could', 'did', 'does', 'works', 'worked',
  'moved', 'gave', 'sent', 'left', 'thinks', 'thought', 'feels', 'felt', 'reports', 'reported', 'denies', 'denied', 'states',
  'stated', 'presents', 'presented', 'returned', 'remains', 'and', 'spent', 'knows', 'loves', 'likes', 'got', 'gets', 'took',
]);

// Second words that make "E. coli", "S. aureus", "C. diff" organisms, not a clinician's initial and surname.
const organisms = new Set(['coli', 'aureus', 'diff', 'difficile', 'pylori', 'aeruginosa', 'pneumoniae', 'epidermidis', 'faecalis', 'albicans', 'influenzae', 'cloacae', 'marcescens', 'mirabilis', 'pyogenes', 'agalactiae']);

/**
 * An initial and a surname ("E. Welsh aware", "per B. KARGAS", "seen by J. Yi, MD"), with the given
 * name before the initial when there is one ("Alvir D. Pušaver", "Julieta S Almeida").
 */
function initialAndSurname(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 0; i + 2 < tokens.length; i++) {
    const initial = tokens[i]!;
    if (initial.kind !== TokenKind.Word || initial.norm.length !== 1 || !initial.allUpper || !initial.spaced) continue;
    const given = tokens[i - 1];
    const withGiven = given !== undefined && given.kind === TokenKind.Word && given.upper && !given.allUpper && given.norm.length > 1 && isNameCandidate(given)
      && (!isEverydayName(given.norm) || givenNames.has(given.norm)) && !noteWords.has(given.norm);
    const dotted = tokens[i + 1]!.norm === '.' && !tokens[i + 1]!.spaced;
    const surnameAt = dotted ? i + 2 : i + 1;
    const surname = tokens[surnameAt];
    if (!surname || !surname.spaced || !surname.upper || surname.norm.length < 2 || !isNameCandidate(surname)) continue;
    if (withGiven && !surname.allUpper && (!isEverydayName(surname.norm) || isLexiconName(surname.norm)) && !organisms.has(surname.norm)) {
      out.push({ start: given.start, end: surname.end, type: 'NAME', confidence: 0.75, source: 'context' });
      continue;
    }
    if (!dotted) continue;
    if (tokens[i - 1] !== undefined && (tokens[i - 1]!.kind === TokenKind.Number || '/&>'.includes(tokens[i - 1]!.norm))) continue;
    if (!isNameCandidate(surname) || organisms.has(surname.norm) || (everydayWords.has(surname.norm) && !isLexiconName(surname.norm))) continue;
    // "A. The ...", "I. Plan": a list label before a sentence.
    const previous = tokens[i - 1];
    if (previous !== undefined && sentenceEnd.has(previous.norm) && !isLexiconName(surname.norm)) continue;
    out.push({ start: initial.start, end: surname.end, type: 'NAME', confidence: 0.7, source: 'context' });
  }
}

// Credentials that close a signature: "irene snell, rn", "ANTHONY C. KOZICKI, RRT", "Bernard Foley CRT".
const credentials = new Set(['rn', 'rrt', 'crt', 'md', 'np', 'lpn', 'msw', 'lcsw', 'rph', 'pharmd', 'cnm', 'crnp', 'bsn', 'aprn', 'pa-c', 'mph', 'phd', 'rd', 'ldn']);

/** Notes: the one to three name words (and initials) before a credential that signs the note. */
function signatures(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 1; i < tokens.length; i++) {
    const credential = tokens[i]!;
    if (credential.kind !== TokenKind.Word || !credentials.has(credential.norm)) continue;
    let t = tokens[i - 1]!.norm === ',' ? i - 2 : i - 1;
    let start = -1;
    let words = 0;
    let known = false;
    while (t >= 0 && words < 4) {
      const token = tokens[t]!;
      if (token.norm === '.' && !token.spaced && tokens[t - 1]?.norm.length === 1) {
        t--;
        continue;
      }
      if (token.norm === '-' && !token.spaced) {
        t--;
        continue;
      }
      if (token.kind !== TokenKind.Word || (token.norm.length !== 1 && !isNameCandidate(tokens[t])) || (everydayWords.has(token.norm) && !isLexiconName(token.norm)) || noteWords.has(token.norm)) break;
      if (isLexiconName(token.norm)) known = true;
      start = t;
      words++;
      t--;
    }
    if (start < 0 || !known) continue;
    out.push({ start: tokens[start]!.start, end: tokens[(tokens[i - 1]!.norm === ',' ? i - 2 : i - 1)]!.end, type: 'NAME', confidence: 0.75, source: 'context' });
  }
}

/** Mixed-case text: a capitalised lexicon name that does not start a sentence, plus capitalised neighbours. */
function capitalisedNames(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== TokenKind.Word || !token.upper || token.allUpper && token.norm.length > 1 && token.norm.length < 4) continue;
    if (!isNameCandidate(token) || isEverydayName(token.norm) || noteWords.has(token.norm)) continue;
    // In a shouted line ("ADAPTIC AND KLING WRAP") capitals say nothing: the words around are capitalised too.
    if (token.allUpper && shoutedAround(tokens, i)) continue;
    const previous = tokens[i - 1];
    const sentenceStart = previous === undefined || sentenceEnd.has(previous.norm) || previous.norm === '>' || previous.norm === '-';
    const next = tokens[i + 1];
    const nextCapital = next !== undefined && next.upper && isNameCandidate(next) && !next.allUpper && next.spaced;
    if (!isLexiconName(token.norm)) {
      // "Alvir spent a year ...", "Rintanen began writing ...": an unknown capitalised word opening a sentence with a verb.
      if (sentenceStart && !token.allUpper && isUnknownWord(token.norm) && nameShaped(token.norm) && next?.kind === TokenKind.Word && !next.upper && openingVerbs.has(next.norm)) {
        out.push({ start: token.start, end: token.end, type: 'NAME', confidence: 0.55, source: 'lexicon' });
        continue;
      }
      // Two capitalised words no dictionary knows, mid-sentence: "by Darijo Čurin", "features Hilding Carlsson".
      if (!sentenceStart && !token.allUpper && nextCapital && !isEverydayName(next.norm) && !noteWords.has(next.norm) && nameShaped(token.norm) && nameShaped(next.norm) && (tokens[i + 2]?.upper !== true || tokens[i + 2]!.kind !== TokenKind.Word)) {
        out.push({ start: token.start, end: next.end, type: 'NAME', confidence: 0.6, source: 'lexicon' });
        i++;
      }
      continue;
    }
    let start = i;
    let end = i + 1;
    // At a sentence start, a lone name needs a possessive, a colon or a comma after it ("Zuzana: ...", "Matej's"),
    // or to be a given name that a verb follows ("Kevin had given ...", "Dexter lives on ...").
    const givenThenVerb = givenNames.has(token.norm) && !token.allUpper && next?.kind === TokenKind.Word && !next.upper && sentenceVerbs.has(next.norm);
    if (sentenceStart && !nextCapital && !possessive.test(token.norm) && next?.norm !== ':' && next?.norm !== ',' && !givenThenVerb) continue;
    if (nextCapital && (isLexiconName(next.norm) || !isEverydayName(next.norm))) end = i + 2;
    // A middle initial: "Faina D. Yefremova", "Ravil G Yefimov".
    else if (next && next.allUpper && next.norm.length === 1) {
      const after = tokens[i + 2]?.norm === '.' && !tokens[i + 2]!.spaced ? i + 3 : i + 2;
      const surname = tokens[after];
      if (surname && surname.upper && (!surname.allUpper || token.allUpper) && isNameCandidate(surname)) end = after + 1;
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
    if (!givenNames.has(a.norm) || !familyNames.has(b.norm) || noteWords.has(a.norm) || noteWords.has(b.norm) || isStateWord(b.norm)) continue;
    // "this is pia may i have your name": a modal before a pronoun starts the next clause.
    if (modals.has(b.norm) && subjectPronouns.has(tokens[i + 2]?.norm ?? '')) continue;
    if (!isNameCandidate(a) || !isNameCandidate(b) || isEverydayName(a.norm)) continue;
    // An everyday-word surname ("michelle king , date of birth") only when punctuation closes the pair.
    const after = tokens[i + 2];
    if (isEverydayName(b.norm) && !(after === undefined || (after.kind === TokenKind.Punct && vocativePunct.has(after.norm)) || (nameClosing(tokens, i + 2) && after.norm !== 'the' && after.norm !== 'and'))) continue;
    out.push({ start: a.start, end: b.end, type: 'NAME', confidence: 0.6, source: 'lexicon' });
    i++;
  }
  loneGivenNames(tokens, out);
}

// Given names that are also places or brands said in clinic calls: not names on their own.
const placeLikeNames = new Set([
  'georgia', 'carolina', 'america', 'iowa', 'sierra', 'dakota', 'virginia', 'florida', 'india', 'china', 'israel', 'jordan', 'chad',
  'kenya', 'egypt', 'asia', 'africa', 'europe', 'paris', 'london', 'vienna', 'sydney', 'victoria', 'lourdes', 'regina', 'austin',
  'dallas', 'houston', 'denver', 'phoenix', 'orlando', 'tampa', 'aurora', 'cleveland', 'jackson', 'madison', 'lincoln', 'hilton',
  'genesis', 'mercy', 'providence', 'trinity', 'sinai', 'hopkins', 'kaiser', 'newton', 'alta', 'vera', 'marie', 'basil', 'achilles',
  'hakim', 'barney', 'mama', 'papa', 'nana', 'buddy', 'santa', 'bianca', 'lupus', 'norma', 'ana', 'mona', 'cora', 'nova', 'lorna',
]);
const eponymFollowers = new Set(['disease', 'syndrome', 'neuroma', 'neuromas', 'palsy', 'sign', 'test', 'law', 'tendon', 'baby']);

/**
 * Lowercase text: a given name said alone, with no cue ("tell amaka i called", "so dolores will
 * bring it"), when it is no everyday English word, four letters or more, and neither a drug nor a
 * clinical word. Family names alone are too often rare words to count.
 */
function loneGivenNames(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== TokenKind.Word || token.norm.length < 4) continue;
    const norm = token.norm.replace(possessive, '');
    if (!givenNames.has(norm) || isEverydayName(norm) || noteWords.has(norm) || placeLikeNames.has(norm) || !isNameCandidate(token) || !nameShaped(norm)) continue;
    // "charcot marie tooth", "polycythemia vera", "achilles tendon": eponyms and disease names.
    if (token.norm.endsWith("'s") && eponymFollowers.has(tokens[i + 1]?.norm ?? '')) continue;
    if (tokens[i - 1]?.kind === TokenKind.Word && tokens[i - 1]!.norm.length === 1 && tokens[i + 1]?.kind === TokenKind.Word && tokens[i + 1]!.norm.length === 1) continue;
    // "seamus o'flaherty": a surname or an unknown word after it is part of the name.
    const next = tokens[i + 1];
    const surname = next !== undefined && isNameCandidate(next) && !isNumberAtom(tokens, i + 1) && isFamilyOrUnknown(next.norm.replace(possessive, ''));
    out.push({ start: token.start, end: surname ? next.end : token.end, type: 'NAME', confidence: 0.55, source: 'lexicon' });
    if (surname) i++;
  }
}
