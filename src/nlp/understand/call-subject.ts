import type { CallSubject, EvidenceSpan, SubjectRelation } from '../analysis.types.ts';
import { isSentenceBoundary, parseNumberAt, tokenize, type Token } from './tokens.ts';

/**
 * Who the call is about, as the caller put it (issue 12, defect 5): the caller themself or someone
 * else ("my baby", "my son Ikenna", "my patient"), with the age, sex and name they gave. Used to
 * notice a call filed on a chart that does not fit what was said (a six-week-old's fever on a chart
 * born in 1951); see review/caller-mismatch.ts. Deterministic rules over one tokenisation, like the
 * other detectors. Names come from PHI detection (`nameSpans`), so the rules here only decide whose
 * name each one is.
 *
 * Conservative on purpose: an attribute is reported only when the words say it plainly, because a
 * wrong "mismatch" costs a person's time while a missed one is still caught by the S0 checklist.
 */
interface RelationWord {
  relation: SubjectRelation;
  sex: 'female' | 'male' | null;
  /** An age the word itself implies, in days (inclusive). */
  ageDays?: [number, number];
}

const year = 365.25;
const relationWords = new Map<string, RelationWord>([
  // Babies: "my baby" is under three; a pregnant caller's "baby" is not a baby who can be a patient.
  ['baby', { relation: 'infant', sex: null, ageDays: [0, 3 * year] }],
  ['newborn', { relation: 'infant', sex: null, ageDays: [0, 90] }],
  ['infant', { relation: 'infant', sex: null, ageDays: [0, 1.25 * year] }],
  ['toddler', { relation: 'child', sex: null, ageDays: [0.75 * year, 4 * year] }],
  ['son', { relation: 'child', sex: 'male' }], ['stepson', { relation: 'child', sex: 'male' }], ['boy', { relation: 'child', sex: 'male' }],
  ['daughter', { relation: 'child', sex: 'female' }], ['stepdaughter', { relation: 'child', sex: 'female' }], ['girl', { relation: 'child', sex: 'female' }],
  ['kid', { relation: 'child', sex: null }], ['child', { relation: 'child', sex: null }], ['kiddo', { relation: 'child', sex: null }],
  ['teen', { relation: 'child', sex: null, ageDays: [12 * year, 20 * year] }], ['teenager', { relation: 'child', sex: null, ageDays: [12 * year, 20 * year] }],
  ['mother', { relation: 'parent', sex: 'female' }], ['mom', { relation: 'parent', sex: 'female' }], ['mum', { relation: 'parent', sex: 'female' }],
  ['mommy', { relation: 'parent', sex: 'female' }], ['mama', { relation: 'parent', sex: 'female' }], ['stepmother', { relation: 'parent', sex: 'female' }],
  ['father', { relation: 'parent', sex: 'male' }], ['dad', { relation: 'parent', sex: 'male' }], ['daddy', { relation: 'parent', sex: 'male' }],
  ['papa', { relation: 'parent', sex: 'male' }], ['stepfather', { relation: 'parent', sex: 'male' }],
  ['husband', { relation: 'spouse', sex: 'male' }], ['wife', { relation: 'spouse', sex: 'female' }], ['partner', { relation: 'spouse', sex: null }],
  ['spouse', { relation: 'spouse', sex: null }], ['boyfriend', { relation: 'spouse', sex: 'male' }], ['girlfriend', { relation: 'spouse', sex: 'female' }],
  ['brother', { relation: 'sibling', sex: 'male' }], ['sister', { relation: 'sibling', sex: 'female' }],
  ['grandmother', { relation: 'grandparent', sex: 'female' }], ['grandma', { relation: 'grandparent', sex: 'female' }], ['granny', { relation: 'grandparent', sex: 'female' }],
  ['nana', { relation: 'grandparent', sex: 'female' }], ['grandfather', { relation: 'grandparent', sex: 'male' }], ['grandpa', { relation: 'grandparent', sex: 'male' }],
  ['granddad', { relation: 'grandparent', sex: 'male' }],
  ['grandson', { relation: 'grandchild', sex: 'male' }], ['granddaughter', { relation: 'grandchild', sex: 'female' }],
  ['grandchild', { relation: 'grandchild', sex: null }], ['grandbaby', { relation: 'grandchild', sex: null, ageDays: [0, 3 * year] }],
  ['aunt', { relation: 'relative', sex: 'female' }], ['niece', { relation: 'relative', sex: 'female' }], ['uncle', { relation: 'relative', sex: 'male' }],
  ['nephew', { relation: 'relative', sex: 'male' }], ['cousin', { relation: 'relative', sex: null }],
  ['patient', { relation: 'patient', sex: null }], ['client', { relation: 'patient', sex: null }], ['resident', { relation: 'patient', sex: null }],
  ['friend', { relation: 'friend', sex: null }], ['neighbor', { relation: 'friend', sex: null }], ['neighbour', { relation: 'friend', sex: null }],
]);
// Relations whose words make the call about them even when the caller also speaks of themself:
// a baby or a child does not phone the clinic, a provider calls about their patient.
const dependantRelations = new Set<SubjectRelation>(['infant', 'child', 'grandchild', 'patient']);

// Words between "my" and the relation: "my little girl", "my youngest son", "my baby boy".
const modifiers = new Set(['little', 'youngest', 'oldest', 'eldest', 'older', 'younger', 'middle', 'baby', 'newborn', 'infant', 'teenage', 'elderly', 'adult', 'new', 'sweet', 'two', 'twin', 'step']);
const ageUnits = new Map<string, number>([
  ['day', 1], ['days', 1], ['week', 7], ['weeks', 7], ['wk', 7], ['wks', 7], ['month', 30.44], ['months', 30.44], ['mo', 30.44], ['mos', 30.44],
  ['year', year], ['years', year], ['yr', year], ['yrs', year],
]);
// After a relation: what it is doing or has, so the call is about them ("my son has a fever").
const predicates = new Set([
  'is', 'was', 'has', 'had', 'have', 'needs', 'need', 'keeps', 'kept', 'got', 'gets', 'been', "can't", "won't", "isn't", "wasn't", "doesn't", "didn't",
  'seems', 'seemed', 'feels', 'felt', 'fell', 'woke', 'started', 'threw', 'ran', 'hit', 'took', 'swallowed', 'ate', 'developed', 'complains', 'complained',
  'cut', 'broke', 'hurt', 'burned', 'spiked', 'vomited', 'coughed', 'stopped', 'passed', 'collapsed', 'just', 'still', 'also', 'now',
]);
const aboutCues = new Set(['about', 'regarding', 're', 'behalf', 'for']);
// Words that make "my <relation>" an object, not who the call is about ("I took my husband's pills").
const objectLeads = new Set([
  'took', 'take', 'taking', 'swallowed', 'ate', 'used', 'using', 'gave', 'give', 'giving', 'found', 'with', 'on', 'of', 'in', 'from', 'at', 'to', 'by',
  'into', 'like', 'than', 'after', 'behind', 'called', 'asked', 'told', 'tell', 'ask', 'saw', 'see', 'visit', 'visiting', 'drive', 'driving', 'pick',
  'picked', 'help', 'helping', 'watching', 'bring', 'brought', 'drove', 'accidentally', 'borrowed', 'shared', 'wearing', 'got',
]);
// Adults whose history a caller gives about themself ("my mother had a stroke when she was young").
const adultRelations = new Set<SubjectRelation>(['parent', 'grandparent', 'sibling', 'relative', 'spouse']);
const historyWords = new Set(['passed', 'died', 'history', 'hereditary', 'runs', 'genetic', 'ago', 'young', 'younger', 'childhood', 'twenties', 'thirties', 'forties', 'fifties', 'sixties', 'seventies', 'eighties']);
// Words that cannot be part of a name said right after a relation ("my son ikenna has").
const notNameWords = new Set(['and', 'the', 'a', 'an', 'who', 'that', 'with', 'in', 'at', 'to', 'of', 'for', 'on', 'because', 'since', 'but', 'so', 'i', 'we', 'he', 'she', 'they']);
// The caller's own health in their own words: "I have", "I've been", "my chest", "my refill".
const selfHealthVerbs = new Set(['have', 'had', 'feel', 'felt', 'keep', 'got']);
const selfHealthAfterNeed = new Set(['a', 'my', 'more', 'another', 'refill', 'refills', 'medication', 'prescription']);
const selfOwned = new Set([
  'chest', 'head', 'back', 'stomach', 'belly', 'throat', 'ear', 'ears', 'eye', 'eyes', 'knee', 'knees', 'leg', 'legs', 'arm', 'arms', 'foot', 'feet',
  'hand', 'hands', 'skin', 'heart', 'blood', 'sugar', 'sugars', 'period', 'medication', 'medications', 'meds', 'medicine', 'prescription', 'pills',
  'refill', 'inhaler', 'insulin', 'results', 'labs', 'lab', 'appointment', 'test', 'tests', 'doctor', 'pcp', 'surgery', 'symptoms',
]);
const selfStates = new Set(['sick', 'dizzy', 'nauseous', 'pregnant', 'bleeding', 'having', 'feeling', 'running', 'out', 'almost', 'not', 'still', 'coughing', 'vomiting', 'short', 'diabetic']);
const malePronouns = new Set(['he', 'him', 'his', 'himself', "he's", "he'll", "he'd"]);
const femalePronouns = new Set(['she', 'her', 'hers', 'herself', "she's", "she'll", "she'd"]);
// What may follow an age said without "old" ("he's 7 and", "she is four."), not a temperature or a count.
const afterBareAge = new Set(['and', 'now', 'next', 'so', 'but', 'with', 'who', 'going', 'years', 'year']);
// Agent phrasing after a self-introduction: "this is Sekinat, how can I help", "this is Ada with ...".
const agentFollowers = new Set(['how', 'may', 'what', 'with', 'from', 'at', 'in', 'speaking', 'thanks', 'thank']);
// Whose name follows "name is": "his name is Mateo", "the patient's name is ...".
const namedOwners = new Set(['his', 'her', 'their', "patient's", "baby's", "son's", "daughter's", "child's", 'patient']);

interface Mention {
  start: number;
  /** Index of the relation word (or of the age phrase that stands for it: "my six week old has"). */
  head: number;
  end: number;
  word: RelationWord;
  strong: boolean;
  weak: boolean;
  age: [number, number] | null;
}

interface StatedAgeAt {
  days: [number, number];
  start: number;
  end: number;
  self: boolean;
}

/**
 * What the caller said about who the call is about. `nameSpans`: NAME spans from PHI detection
 * (offsets into `text`).
 */
export function extractCallSubject(text: string, nameSpans: readonly { start: number; end: number }[] = []): CallSubject {
  const tokens = tokenize(text);
  const evidence: EvidenceSpan[] = [];
  const pregnancy = tokens.some((token, k) => /^pregnan/.test(token.text) || (token.text === 'weeks' && tokens[k + 1]?.text === 'along') || (token.text === 'due' && tokens[k + 1]?.text === 'date'));
  const mentions = findMentions(tokens).filter((mention) => !(pregnancy && mention.word.relation === 'infant'));
  const ages = findAges(tokens);
  const selfAt = findSelfStatement(tokens);

  const strong = mentions.find((mention) => mention.strong || (mention.weak && dependantRelations.has(mention.word.relation)));
  const weak = mentions.find((mention) => mention.weak);
  const about = strong ?? (weak && selfAt === null ? weak : undefined);
  const names = assignNames(text, tokens, nameSpans, about);
  const namedOther = names.other.length > 0 && names.otherCue !== null;
  const who: CallSubject['who'] = about || namedOther ? 'other' : selfAt !== null && !weak ? 'self' : 'unknown';

  let relation: SubjectRelation | null = null;
  let age: CallSubject['age'] = null;
  let sex: CallSubject['sex'] = null;
  if (who === 'other') {
    relation = about?.word.relation ?? mentions[0]?.word.relation ?? null;
    const anchor = about ?? { start: names.otherCue!, end: names.otherCue! + 1 };
    if (about) evidence.push(span(tokens, about.start, about.end, `subject-${about.word.relation}`));
    // An age said of someone (not "I'm ..."), after the mention or inside it ("my six week old").
    const stated = about?.age ? { days: about.age, start: about.head, end: about.end, self: false } : ages.find((entry) => !entry.self && entry.start >= anchor.start);
    const days = stated?.days ?? about?.word.ageDays ?? null;
    if (days) {
      age = { minDays: Math.round(days[0]), maxDays: Math.round(days[1]) };
      evidence.push(stated ? span(tokens, stated.start, stated.end, 'stated-age') : span(tokens, about!.head, about!.head + 1, 'age-word'));
    }
    sex = about?.word.sex ?? pronounSexAfter(tokens, anchor.start);
    if (sex) evidence.push(span(tokens, anchor.start, anchor.end, about?.word.sex ? 'relation-sex' : 'pronoun-sex'));
  } else if (who === 'self') {
    const stated = ages.find((entry) => entry.self);
    if (stated) {
      age = { minDays: Math.round(stated.days[0]), maxDays: Math.round(stated.days[1]) };
      evidence.push(span(tokens, stated.start, stated.end, 'stated-age'));
    }
    if (pregnancy) sex = 'female';
  }
  const subjectNames = who === 'other' ? names.other : who === 'self' ? names.self : [];
  for (const name of subjectNames) evidence.push({ start: name.start, end: name.end, cue: who === 'self' ? 'self-name' : 'subject-name' });
  return { who, relation, age, sex, names: subjectNames.map((name) => name.words), evidence };
}

function span(tokens: readonly Token[], first: number, endExclusive: number, cue: string): EvidenceSpan {
  return { start: tokens[first]!.start, end: tokens[Math.max(first, endExclusive - 1)]!.end, cue };
}

/** "my/our [modifiers] <relation>" with whether the call is about them (strong: "about my son"; weak: "my son has"). */
function findMentions(tokens: readonly Token[]): Mention[] {
  const mentions: Mention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.text !== 'my' && tokens[i]!.text !== 'our') continue;
    let j = i + 1;
    let age: [number, number] | null = null;
    let head = -1;
    let word: RelationWord | undefined;
    for (let steps = 0; steps < 6 && j < tokens.length; steps++) {
      const text = tokens[j]!.text;
      const phrase = parseAgePhrase(tokens, j);
      if (phrase && tokens[phrase.next]?.text === 'old') {
        // "my six week old has a fever": the age phrase stands for the child until a relation word follows.
        age = phrase.days;
        head = phrase.next;
        word = { relation: phrase.days[1] < year ? 'infant' : 'child', sex: null };
        j = phrase.next + 1;
        continue;
      }
      const base = text.endsWith("'s") ? text.slice(0, -2) : text;
      // "baby" before another relation word is a modifier ("my baby girl").
      if (relationWords.has(base) && !(base === 'baby' && relationWords.has(tokens[j + 1]?.text ?? ''))) {
        head = j;
        word = relationWords.get(base)!;
        break;
      }
      if (!modifiers.has(text)) break;
      j++;
    }
    if (head < 0 || !word) continue;
    const headText = tokens[head]!.text;
    // "my son, Ikenna, has": a comma and up to three name words between the relation and its verb.
    let after = head + 1;
    let nameWordsSkipped = 0;
    while (after < tokens.length) {
      const text = tokens[after]!.text;
      if (text === ',') after++;
      else if (nameWordsSkipped < 3 && !tokens[after]!.punct && !predicates.has(text) && !relationWords.has(text) && !notNameWords.has(text) && /^[a-z][a-z'-]+$/.test(text)) {
        after++;
        nameWordsSkipped++;
      } else break;
    }
    const possessive = headText.endsWith("'s");
    const before = tokens.slice(Math.max(0, i - 3), i).map((token) => token.text);
    const strong = before.some((text) => aboutCues.has(text)) && tokens[i - 2]?.text !== 'waiting';
    // The subject of its clause ("I think my dad is ..."), not an object ("I took my husband's pills"),
    // and not family history ("my mother had a stroke when she was young").
    const startsClause = i === 0 || !objectLeads.has(tokens[i - 1]!.text);
    const weak = startsClause && (predicates.has(tokens[after]?.text ?? '') || possessive) && !(adultRelations.has(word.relation) && historyFollows(tokens, head));
    mentions.push({ start: i, head, end: head + 1, word, strong, weak, age });
  }
  return mentions;
}

/** "when she was young", "before he passed", "runs on my dad's side": family history, not the call's subject. */
function historyFollows(tokens: readonly Token[], head: number): boolean {
  for (let k = head; k < tokens.length && !isSentenceBoundary(tokens[k]!); k++) {
    const word = tokens[k]!.text;
    if (historyWords.has(word)) return true;
    if (word === 'when' && ['he', 'she', 'they', 'i'].includes(tokens[k + 1]?.text ?? '') && tokens[k + 2]?.text === 'was') return true;
    if (word === 'side' && k === head + 1) return true;
  }
  return false;
}

/** "six weeks", "2 month", "a year": a number and an age unit at `k`. */
function parseAgePhrase(tokens: readonly Token[], k: number): { days: [number, number]; next: number } | undefined {
  const number = tokens[k]?.text === 'a' || tokens[k]?.text === 'one' ? { value: 1, next: k + 1 } : parseNumberAt(tokens, k);
  if (!number || number.value < 0 || number.value > 130) return undefined;
  const unit = ageUnits.get(tokens[number.next]?.text ?? '');
  if (unit === undefined) return undefined;
  const low = number.value * unit;
  return { days: [low, low + unit - 1], next: number.next + 1 };
}

const isPerson = (word: string) => word === 'he' || word === 'she' || word === 'who' || relationWords.has(word);
const endsClause = (token: Token | undefined) => !token || token.punct || afterBareAge.has(token.text);

/** Who an age right after position `k` is said of: "I'm 72" (self), "he's 7", "my son is 12" (other), or nobody. */
function ageHolderBefore(tokens: readonly Token[], k: number): 'self' | 'other' | null {
  const previous = tokens[k - 1]?.text ?? '';
  const before = tokens[k - 2]?.text ?? '';
  if (previous === "i'm" || (['am', 'turned', 'turning'].includes(previous) && before === 'i') || (previous === 'be' && before === "i'll")) return 'self';
  if (previous.endsWith("'s")) {
    const base = previous.slice(0, -2);
    return base === 'he' || base === 'she' || relationWords.has(base) ? 'other' : null;
  }
  // "my daughter sofia is 4": a name between the relation and the verb.
  if (['is', 'was', 'turned', 'turns', 'turning'].includes(previous) && (isPerson(before) || relationWords.has(tokens[k - 3]?.text ?? ''))) return 'other';
  if (previous === 'be' && (before === "he'll" || before === "she'll")) return 'other';
  return null;
}

/**
 * Ages said in the call: "<n> <unit> old" anywhere, and "<person> is <n> [<unit>]" ("he's 7",
 * "our baby is six weeks and", "I'm 72"). A duration ("a cough for six weeks"), a temperature ("his
 * temperature is 102") or a pregnancy ("I'm 30 weeks pregnant") is not an age.
 */
function findAges(tokens: readonly Token[]): StatedAgeAt[] {
  const found: StatedAgeAt[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const holder = ageHolderBefore(tokens, k);
    const phrase = parseAgePhrase(tokens, k);
    if (phrase) {
      const following = tokens[phrase.next];
      if (following?.text === 'old') found.push({ days: phrase.days, start: k, end: phrase.next + 1, self: holder === 'self' || isSelfOld(tokens, k) });
      // Without "old", weeks and months are a child's age ("our baby is six weeks and") or a
      // pregnancy ("I'm 28 weeks", "my wife is 34 weeks"): only a child's counts.
      else if (holder === 'other' && endsClause(following) && (phrase.days[1] >= year || childHolderBefore(tokens, k))) found.push({ days: phrase.days, start: k, end: phrase.next, self: false });
      else if (holder === 'self' && endsClause(following) && phrase.days[0] >= year) found.push({ days: phrase.days, start: k, end: phrase.next, self: true });
      k = phrase.next - 1;
      continue;
    }
    if (!holder) continue;
    const number = parseNumberAt(tokens, k);
    if (!number || !Number.isInteger(number.value) || number.value > 120 || !endsClause(tokens[number.next])) continue;
    const years = tokens[number.next]?.text === 'years' || tokens[number.next]?.text === 'year' ? 1 : 0;
    found.push({ days: [number.value * year, (number.value + 1) * year - 1], start: k, end: number.next + years, self: holder === 'self' });
    k = number.next - 1;
  }
  return found;
}

/**
 * "our baby is six weeks", "she is 6 weeks": a child's age, unless an adult relation is who "she"
 * is ("my wife ... she is 34 weeks" is a pregnancy).
 */
function childHolderBefore(tokens: readonly Token[], k: number): boolean {
  const relationOf = (token: Token | undefined) => (token ? relationWords.get(token.text.replace(/'s$/, ''))?.relation : undefined);
  for (let back = k - 1; back >= Math.max(0, k - 4); back--) {
    const relation = relationOf(tokens[back]);
    if (relation) return !adultRelations.has(relation);
    const word = tokens[back]!.text.replace(/'s$/, '');
    if (word === 'he' || word === 'she') {
      return !tokens.slice(Math.max(0, back - 30), back).some((token) => {
        const earlier = relationOf(token);
        return earlier !== undefined && adultRelations.has(earlier);
      });
    }
  }
  return false;
}

/** "I am a 72 year old" / "I'm a 45-year-old woman": an "old" age the caller gives of themself. */
function isSelfOld(tokens: readonly Token[], k: number): boolean {
  return tokens[k - 1]?.text === 'a' && ageHolderBefore(tokens, k - 1) === 'self';
}

/** The first place the caller speaks of their own health, or null. */
function findSelfStatement(tokens: readonly Token[]): number | null {
  for (let k = 0; k < tokens.length; k++) {
    const word = tokens[k]!.text;
    const next = tokens[k + 1]?.text ?? '';
    if (word === 'i' && selfHealthVerbs.has(next)) return k;
    if (word === 'i' && next === 'need' && selfHealthAfterNeed.has(tokens[k + 2]?.text ?? '')) return k;
    if ((word === "i'm" || (word === 'i' && next === 'am')) && selfStates.has(word === "i'm" ? next : (tokens[k + 2]?.text ?? ''))) return k;
    if (word === "i've" && (next === 'been' || next === 'had' || next === 'got')) return k;
    if (word === 'my' && selfOwned.has(next)) return k;
    // "I'm 30 weeks pregnant": the caller's own pregnancy.
    if ((word === "i'm" || word === 'am') && tokens.slice(k + 1, k + 5).some((token) => token.text === 'pregnant')) return k;
  }
  return null;
}

/** The first he/she word after `from`, within the next two sentences. */
function pronounSexAfter(tokens: readonly Token[], from: number): 'female' | 'male' | null {
  let sentences = 0;
  for (let k = from; k < tokens.length && sentences < 2; k++) {
    const token = tokens[k]!;
    if (isSentenceBoundary(token)) sentences++;
    if (malePronouns.has(token.text)) return 'male';
    if (femalePronouns.has(token.text)) return 'female';
  }
  return null;
}

interface SpokenName {
  words: string[];
  start: number;
  end: number;
}

/**
 * Whose name each NAME span is: the caller's own ("my name is", "this is", "I'm"), or the person
 * the call is about (right after the relation, "his name is", "calling about Maria Lopez").
 */
function assignNames(text: string, tokens: readonly Token[], nameSpans: readonly { start: number; end: number }[], about: Mention | undefined): { self: SpokenName[]; other: SpokenName[]; otherCue: number | null } {
  const self: SpokenName[] = [];
  const other: SpokenName[] = [];
  let otherCue: number | null = null;
  for (const nameSpan of nameSpans) {
    const first = tokens.findIndex((token) => token.start >= nameSpan.start);
    if (first < 0) continue;
    let last = first;
    while (tokens[last + 1] && tokens[last + 1]!.end <= nameSpan.end) last++;
    const before = tokens[first - 1]?.text === ',' ? first - 2 : first - 1;
    /** The `count` words ending just before the name, joined ("my name is"). */
    const lead = (count: number) => tokens.slice(Math.max(0, before - count + 1), before + 1).map((token) => token.text).join(' ');
    const spoken = { words: nameWords(text.slice(nameSpan.start, nameSpan.end)), start: nameSpan.start, end: nameSpan.end };
    if (spoken.words.length === 0) continue;
    const next = tokens[last + 1]?.text === ',' ? tokens[last + 2]?.text : tokens[last + 1]?.text;
    const ownerOfName = lead(2) === 'name is' ? tokens[before - 2]?.text : lead(1) === "name's" ? tokens[before - 1]?.text : undefined;
    if (about && before === about.head) {
      other.push(spoken);
    } else if (ownerOfName !== undefined && namedOwners.has(ownerOfName)) {
      other.push(spoken);
      otherCue ??= first;
    } else if (/^(?:calling|call) (?:about|for|regarding)$/.test(lead(2)) || lead(2) === 'patient is') {
      other.push(spoken);
      otherCue ??= first;
    } else if ((lead(3) === 'my name is' || lead(2) === "my name's" || lead(2) === 'this is' || lead(1) === "i'm" || lead(2) === 'i am' || lead(1) === "it's") && !agentFollowers.has(next ?? '')) {
      self.push(spoken);
    }
  }
  return { self, other, otherCue };
}

/** "Ana María" → ["ana", "maria"]; "l o p e z" → ["lopez"]: lowercase, accents folded, spelled letters joined. */
export function nameWords(spoken: string): string[] {
  const words = spoken.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().split(/[^a-z']+/).filter(Boolean);
  const joined: string[] = [];
  let letters = '';
  for (const word of words) {
    if (word.length === 1) {
      letters += word;
      continue;
    }
    if (letters) joined.push(letters);
    letters = '';
    joined.push(word);
  }
  if (letters) joined.push(letters);
  return joined.filter((word) => word.length >= 2);
}
