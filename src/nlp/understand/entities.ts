import type { Entity } from '../analysis.types.ts';
import { drugNames, medicationContextWords } from './drug-lexicon.ts';
import { PhraseTrie } from './phrase-trie.ts';
import { isClauseBoundary, parseNumberAt, spokenDigits, tokenize, type Token } from './tokens.ts';

/**
 * Entity extraction (UN-4): medications, dosages, symptoms, onset, callback number, preferred
 * times, pharmacy and appointment references. Lexicon and token-grammar based, one tokenisation
 * per call, so it stays well under a millisecond for a 450-word transcript.
 */

/** Symptom codes and their lay phrasings (phrase-trie syntax). */
export const symptomLexicon: Readonly<Record<string, readonly string[]>> = {
  cough: ['cough+', 'coughing'],
  fever: ['fever|fevers|feverish|febrile', 'running a temp|temperature', 'burning up'],
  chills: ['chills|shivering|shivers'],
  rash: ['rash|rashes|hives', 'breaking|broke out'],
  headache: ['headache|headaches|migraine|migraines', 'head ~ hurts|pounding|aching'],
  dizziness: ['dizzy|dizziness|lightheaded|vertigo', 'light headed', 'room ~ spinning'],
  nausea: ['nausea|nauseous|nauseated|queasy', 'sick to ~ stomach'],
  vomiting: ['vomiting|vomit|vomited|puking', 'throwing|threw up'],
  diarrhea: ['diarrhea|diarrhoea', 'loose stools'],
  constipation: ['constipated|constipation'],
  sore_throat: ['sore throat', 'throat ~ hurts|sore|scratchy', 'strep'],
  congestion: ['congestion|congested|stuffy', 'runny nose', 'stuffed up', 'sinus pressure|congestion|infection'],
  ear_pain: ['earache|earaches', 'ear pain|ache|infection', 'ear ~ hurts'],
  fatigue: ['tired|exhausted|fatigue|fatigued', 'no energy', 'worn out'],
  shortness_of_breath: ['short|shortness of breath', 'trouble|difficulty breathing', 'hard to breathe'],
  wheezing: ['wheezing|wheezy'],
  chest_pain: ['chest pain|pains|pressure|tightness', 'chest ~ hurts|tight'],
  abdominal_pain: ['stomachache|bellyache', 'stomach|belly|tummy|abdominal ache|pain|pains|cramps', 'stomach|belly ~ hurts', 'cramping'],
  back_pain: ['backache', 'back pain', 'back ~ hurts|killing', 'lower back'],
  joint_pain: ['joint|knee|hip|shoulder|wrist|ankle pain', 'knee|hip|shoulder|wrist|ankle ~ hurts'],
  muscle_aches: ['body|muscle aches', 'achy|aching'],
  swelling: ['swelling|swollen'],
  itching: ['itching|itchy|itch'],
  palpitations: ['palpitations', 'heart ~ racing|pounding', 'racing heart', 'skipping beats'],
  insomnia: ['insomnia', "can't sleep", 'trouble sleeping'],
  anxiety: ['anxiety|anxious', 'panic attack|attacks'],
  depression: ['depressed|depression', 'feeling down'],
  urinary_symptoms: ['burning when ~ pee|urinate', 'painful urination', 'uti', 'bladder infection', 'frequent urination'],
  numbness: ['numbness|numb|tingling'],
  weakness: ['weakness|weak'],
  bleeding: ['bleeding', 'nosebleed|nosebleeds', 'bloody nose|noses', 'nose bleed|bleeds'],
  bruising: ['bruising|bruises'],
  blurred_vision: ['blurry|blurred vision'],
  side_effect: ['side effect|effects'],
  high_blood_pressure: ['high blood pressure', 'blood pressure ~ ~ high|up'],
  high_blood_sugar: ['high blood sugar', 'blood sugar|sugars ~ ~ high', 'sugar|sugars ~ ~ high'],
  low_blood_sugar: ['low blood sugar', 'blood sugar|sugars ~ ~ low', 'hypoglycemia'],
  loss_of_appetite: ['no appetite', 'lost ~ appetite'],
  eye_symptoms: ['pink eye', 'eye infection', 'eye ~ red|itchy|swollen'],
  pain: ['pain|pains|sore|hurts|hurting|ache|aching'],
};

const pharmacyChains: Readonly<Record<string, string>> = {
  cvs: 'CVS', walgreens: 'Walgreens', "walgreen's": 'Walgreens', walgreen: 'Walgreens', 'rite aid': 'Rite Aid',
  'right aid': 'Rite Aid', walmart: 'Walmart', 'wal mart': 'Walmart', costco: 'Costco', kroger: 'Kroger', target: 'Target',
  publix: 'Publix', safeway: 'Safeway', heb: 'H-E-B', 'h e b': 'H-E-B', meijer: 'Meijer', wegmans: 'Wegmans',
  'duane reade': 'Duane Reade', "sam's club": "Sam's Club", 'express scripts': 'Express Scripts', optumrx: 'OptumRx',
  'optum rx': 'OptumRx', caremark: 'CVS Caremark', 'mail order': 'mail order', 'amazon pharmacy': 'Amazon Pharmacy',
  'hy vee': 'Hy-Vee', 'giant eagle': 'Giant Eagle', albertsons: 'Albertsons', 'harris teeter': 'Harris Teeter',
};
// Chains whose name is an ordinary word: only with "pharmacy" or "the ... on/at" next to them.
const wordLikeChains = new Set(['target']);

type Lexeme =
  | { kind: 'drug'; generic: string; confidence: number; contextual: boolean }
  | { kind: 'symptom'; code: string }
  | { kind: 'pharmacy'; name: string }
  | { kind: 'callback-trigger' };

const trie = new PhraseTrie<Lexeme>();
for (const name of drugNames) {
  const confidence = name.kind === 'asr' ? 0.7 : name.contextual ? 0.75 : 0.95;
  trie.add(name.phrase, { kind: 'drug', generic: name.generic, confidence, contextual: name.contextual });
}
for (const [code, patterns] of Object.entries(symptomLexicon)) {
  const lexeme: Lexeme = { kind: 'symptom', code };
  for (const pattern of patterns) trie.add(pattern, lexeme);
}
for (const [phrase, name] of Object.entries(pharmacyChains)) trie.add(phrase, { kind: 'pharmacy', name });
for (const pattern of [
  'call|text me back at|on', 'call|text me at|on', 'call back number|is', 'callback number|is', 'my number is',
  'my phone|cell number is', 'my cell phone number is', 'my cell|phone is', 'best number ~ is', 'best number to reach me', 'reach me at|on', 'number is',
  'you can reach me', 'call me back', 'give me a call at|on', 'number to call is',
]) trie.add(pattern, { kind: 'callback-trigger' });

const negators = new Set(['no', 'not', 'denies', 'without', "don't", "doesn't", "haven't", "hasn't", "didn't", 'never']);

/** Extracts entities, sorted by position. Negated symptoms ("no fever") are left out. */
export function extractEntities(text: string): Entity[] {
  const tokens = tokenize(text);
  const entities: Entity[] = [];
  const at = (first: number, last: number) => ({ start: tokens[first]!.start, end: tokens[last]!.end });

  const matches = longestFirst(trie.matchAll(tokens));
  for (const match of matches) {
    const lexeme = match.value;
    if (lexeme.kind === 'drug') {
      if (lexeme.contextual && !hasMedicationContext(tokens, match.first, match.last)) continue;
      entities.push({ type: 'medication', ...at(match.first, match.last), normalized: lexeme.generic, confidence: lexeme.confidence });
    } else if (lexeme.kind === 'symptom') {
      if (isNegated(tokens, match.first)) continue;
      entities.push({ type: 'symptom', ...at(match.first, match.last), normalized: lexeme.code, confidence: lexeme.code === 'pain' ? 0.6 : 0.85 });
    } else if (lexeme.kind === 'pharmacy') {
      const pharmacy = pharmacySpan(tokens, match.first, match.last, lexeme.name);
      if (pharmacy) entities.push({ type: 'pharmacy', ...at(pharmacy.first, pharmacy.last), normalized: lexeme.name, confidence: pharmacy.confidence });
    } else {
      const number = readPhoneNumber(tokens, match.last + 1);
      if (number) {
        const span = at(number.first, number.last);
        if (text[span.start - 1] === '(') span.start -= 1; // "(555) 212-1234"
        entities.push({ type: 'callback_number', ...span, normalized: number.normalized, confidence: number.confidence });
      }
    }
  }

  const claimed = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.punct) continue;
    const word = token.text;
    const code = word.charCodeAt(0);
    const numeric = (code >= 48 && code <= 57) || numberStarts.has(word);
    // Cheap gates first: most words start none of the grammars below.
    if (!numeric && !onsetStarts.has(word) && !appointmentStarts.has(word) && !preferredStarts.has(word)) continue;
    const dosage = numeric ? readDosage(tokens, i) : undefined;
    if (dosage) {
      entities.push({ type: 'dosage', ...at(i, dosage.last), normalized: dosage.normalized, confidence: 0.9 });
      i = dosage.last;
      continue;
    }
    const onset = onsetStarts.has(word) || numeric ? readOnset(tokens, i) : undefined;
    if (onset) {
      entities.push({ type: 'onset', ...at(i, onset.last), normalized: onset.normalized, confidence: onset.confidence });
      for (let k = i; k <= onset.last; k++) claimed.add(k);
      i = onset.last;
      continue;
    }
    if (appointmentWords.has(word) || (word === 'follow' && tokens[i + 1]?.text === 'up') || ((word === 'cancel' || word === 'reschedule' || word === 'move') && tokens[i + 1]?.text === 'my')) {
      const appointment = readAppointment(tokens, i);
      if (appointment) {
        entities.push({ type: 'appointment_reference', ...at(appointment.first, appointment.last), normalized: appointment.normalized, confidence: appointment.confidence });
        for (let k = appointment.first; k <= appointment.last; k++) claimed.add(k);
        i = appointment.last;
        continue;
      }
    }
    if (!claimed.has(i) && preferredStarts.has(word)) {
      const preferred = readPreferredTime(tokens, i);
      if (preferred) {
        entities.push({ type: 'preferred_time', ...at(i, preferred.last), normalized: preferred.normalized, confidence: preferred.confidence });
        i = preferred.last;
      }
    }
  }
  return dropOverlaps(entities);
}

function longestFirst<T extends { first: number; last: number }>(matches: T[]): T[] {
  return [...matches].sort((a, b) => a.first - b.first || b.last - a.last);
}

/** Within one type, keep the earliest-longest span; a shorter one inside it is the same mention. */
function dropOverlaps(entities: Entity[]): Entity[] {
  const sorted = entities.sort((a, b) => a.start - b.start || b.end - a.end);
  const lastEnd = new Map<string, number>();
  const kept: Entity[] = [];
  for (const entity of sorted) {
    // A specific symptom ("stomach pain") wins over the generic pain inside it.
    if ((lastEnd.get(entity.type) ?? -1) > entity.start) continue;
    lastEnd.set(entity.type, entity.end);
    kept.push(entity);
  }
  return kept.filter((entity) => !(entity.type === 'symptom' && entity.normalized === 'pain' && kept.some((other) => other !== entity && other.type === 'symptom' && other.start <= entity.start && other.end >= entity.end)));
}

function hasMedicationContext(tokens: readonly Token[], first: number, last: number): boolean {
  const previous = tokens[first - 1]?.text;
  if (previous === 'is' && tokens[first - 2]?.text === 'this') return false; // "this is Allegra calling"
  for (let k = Math.max(0, first - 4); k <= Math.min(tokens.length - 1, last + 4); k++) {
    if ((k < first || k > last) && medicationContextWords.has(tokens[k]!.text)) return true;
  }
  return false;
}

function isNegated(tokens: readonly Token[], first: number): boolean {
  for (let k = first - 1, words = 0; k >= 0 && words < 3; k--) {
    const token = tokens[k]!;
    if (isClauseBoundary(token) || token.text === ',') return false;
    words++;
    if (negators.has(token.text)) {
      const next = tokens[k + 1]?.text;
      return next !== 'only' && next !== 'sure';
    }
  }
  return false;
}

// ---- pharmacy --------------------------------------------------------------------------------

const streetSuffixes = new Set([
  'street', 'st', 'avenue', 'ave', 'road', 'rd', 'boulevard', 'blvd', 'drive', 'lane', 'ln', 'way', 'highway', 'parkway',
  'plaza', 'square', 'mall', 'pike', 'court', 'circle',
]);

function pharmacySpan(tokens: readonly Token[], first: number, last: number, name: string): { first: number; last: number; confidence: number } | undefined {
  let end = last;
  if (tokens[end + 1]?.text === 'pharmacy') end++;
  if (wordLikeChains.has(tokens[first]!.text) && end === last && !(tokens[end + 1]?.text === 'on' || tokens[end + 1]?.text === 'at')) return undefined;
  // "CVS on Main Street": take the location up to a street word within five tokens.
  const preposition = tokens[end + 1]?.text;
  if (preposition === 'on' || preposition === 'at' || preposition === 'in') {
    for (let k = end + 2; k < Math.min(tokens.length, end + 7); k++) {
      const token = tokens[k]!;
      if (token.punct) break;
      if (streetSuffixes.has(token.text)) {
        end = k;
        break;
      }
    }
  }
  return { first, last: end, confidence: name === 'mail order' ? 0.8 : 0.9 };
}

// ---- numbers: phone, dosage ------------------------------------------------------------------

const teens = new Map([['ten', '10'], ['eleven', '11'], ['twelve', '12'], ['thirteen', '13'], ['fourteen', '14'], ['fifteen', '15'], ['sixteen', '16'], ['seventeen', '17'], ['eighteen', '18'], ['nineteen', '19']]);
const tensDigits = new Map([['twenty', '2'], ['thirty', '3'], ['forty', '4'], ['fifty', '5'], ['sixty', '6'], ['seventy', '7'], ['eighty', '8'], ['ninety', '9']]);

/** Reads written or spoken phone digits starting within two tokens of `from`. */
function readPhoneNumber(tokens: readonly Token[], from: number): { first: number; last: number; normalized?: string; confidence: number } | undefined {
  let k = from;
  // Skip a filler or two: "call me back at, um, 555 ...", "my number is area code 212".
  for (let skipped = 0; k < tokens.length && skipped < 3 && !isDigitToken(tokens[k]!); skipped++) k++;
  let digits = '';
  let first = -1;
  let last = -1;
  for (; k < tokens.length && digits.length < 11; k++) {
    const token = tokens[k]!;
    const word = token.text;
    let piece: string | undefined;
    if (/^\d+$/.test(word)) piece = word;
    else if (spokenDigits.has(word)) piece = spokenDigits.get(word);
    else if (teens.has(word)) piece = teens.get(word);
    else if (tensDigits.has(word)) {
      const unit = spokenDigits.get(tokens[k + 1]?.text ?? '');
      if (unit && unit !== '0' && tokens[k + 1]?.text !== 'oh') { piece = tensDigits.get(word)! + unit; k++; } else piece = `${tensDigits.get(word)!}0`;
    } else if ((word === 'double' || word === 'triple') && spokenDigits.has(tokens[k + 1]?.text ?? '')) {
      piece = spokenDigits.get(tokens[k + 1]!.text)!.repeat(word === 'double' ? 2 : 3);
      k++;
    } else if (word === 'hundred' && digits) piece = '00';
    else if (token.punct && token.text === ',' && digits) continue;
    else if ((word === 'dash' || word === 'area' || word === 'code') && !digits) continue;
    if (piece === undefined) break;
    if (first < 0) first = k;
    digits += piece;
    last = k;
  }
  if (first < 0 || digits.length < 7) return undefined;
  if (digits.length === 10 || (digits.length === 11 && digits.startsWith('1'))) {
    // NANP shape check by hand: libphonenumber-js costs more than the rest of this module per number.
    const national = digits.slice(-10);
    if (/^[2-9]\d\d[2-9]\d{6}$/.test(national)) return { first, last, normalized: `+1${national}`, confidence: 0.9 };
    return { first, last, confidence: 0.6 };
  }
  return { first, last, confidence: 0.5 };
}

function isDigitToken(token: Token): boolean {
  return /^\d+$/.test(token.text) || spokenDigits.has(token.text) || teens.has(token.text) || tensDigits.has(token.text) || token.text === 'double' || token.text === 'triple';
}

const doseUnits = new Map<string, string>([
  ['mg', 'mg'], ['mgs', 'mg'], ['milligram', 'mg'], ['milligrams', 'mg'], ['mcg', 'mcg'], ['microgram', 'mcg'],
  ['micrograms', 'mcg'], ['g', 'g'], ['gram', 'g'], ['grams', 'g'], ['ml', 'mL'], ['milliliter', 'mL'], ['milliliters', 'mL'],
  ['cc', 'mL'], ['ccs', 'mL'], ['unit', 'units'], ['units', 'units'], ['iu', 'units'], ['puff', 'puffs'], ['puffs', 'puffs'],
  ['tablet', 'tablets'], ['tablets', 'tablets'], ['pill', 'pills'], ['pills', 'pills'], ['capsule', 'capsules'],
  ['capsules', 'capsules'], ['drop', 'drops'], ['drops', 'drops'], ['spray', 'sprays'], ['sprays', 'sprays'],
  ['teaspoon', 'tsp'], ['teaspoons', 'tsp'], ['tablespoon', 'tbsp'], ['tablespoons', 'tbsp'], ['patch', 'patches'],
]);
const onsetStarts = new Set(['since', 'for', 'past', 'last', 'started', 'began', 'starting', 'came']);
const appointmentStarts = new Set([
  'appointment', 'appointments', 'appt', 'checkup', 'physical', 'visit', 'consult', 'consultation', 'follow', 'followup',
  'cancel', 'reschedule', 'move',
]);
const preferredStarts = new Set([
  'after', 'before', 'around', 'by', 'until', 'till', 'between', 'mornings', 'afternoons', 'evenings', 'anytime', 'any',
  'tomorrow', 'in',
]);
const numberStarts = new Set([
  'a', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen',
  'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety', 'zero', 'half',
]);

function readDosage(tokens: readonly Token[], i: number): { last: number; normalized: string } | undefined {
  const word = tokens[i]!.text;
  const code = word.charCodeAt(0);
  if (!(code >= 48 && code <= 57) && !numberStarts.has(word)) return undefined;
  if (word === 'half' && tokens[i + 1]?.text === 'a') {
    const unit = doseUnits.get(tokens[i + 2]?.text ?? '');
    return unit ? { last: i + 2, normalized: `0.5 ${unit}` } : undefined;
  }
  const number = parseNumberAt(tokens, i);
  if (!number) return undefined;
  const unit = doseUnits.get(tokens[number.next]?.text ?? '');
  if (!unit) return undefined;
  // "a pill" is not a dose; "a hundred milligrams" is.
  if (word === 'a' && number.next === i + 1) return undefined;
  return { last: number.next, normalized: `${number.value} ${unit}` };
}

// ---- time words ------------------------------------------------------------------------------

const weekdays = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'weekend']);
const months = new Set(['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']);
const partsOfDay = new Set(['morning', 'afternoon', 'evening', 'night', 'tonight']);
const durationUnits = new Map<string, string>([
  ['minute', 'M'], ['minutes', 'M'], ['hour', 'H'], ['hours', 'H'], ['day', 'D'], ['days', 'D'], ['week', 'W'], ['weeks', 'W'],
  ['month', 'MO'], ['months', 'MO'], ['year', 'Y'], ['years', 'Y'],
]);
const vagueCounts = new Map<string, number>([['few', 3], ['couple', 2], ['several', 4]]);

function isoDuration(value: number, unit: string): string {
  if (unit === 'M') return `PT${value}M`;
  if (unit === 'H') return `PT${value}H`;
  if (unit === 'MO') return `P${value}M`;
  return `P${value}${unit}`;
}

/** "two days", "a few weeks", "a couple of hours" → value and unit. */
function readDuration(tokens: readonly Token[], i: number): { last: number; iso: string; vague: boolean } | undefined {
  let k = i;
  if (tokens[k]?.text === 'the' && (tokens[k + 1]?.text === 'past' || tokens[k + 1]?.text === 'last')) k += 2;
  const word = tokens[k]?.text ?? '';
  let value: number | undefined;
  let next = k + 1;
  let vague = false;
  if ((word === 'a' || word === 'the') && vagueCounts.has(tokens[k + 1]?.text ?? '')) {
    value = vagueCounts.get(tokens[k + 1]!.text);
    next = k + 2;
    vague = true;
  } else if (vagueCounts.has(word)) {
    value = vagueCounts.get(word);
    vague = true;
  } else if (word === 'a' || word === 'an') {
    value = 1;
  } else {
    const number = parseNumberAt(tokens, k);
    if (number) {
      value = number.value;
      next = number.next;
    }
  }
  if (value === undefined) return undefined;
  if (tokens[next]?.text === 'of') next++;
  const unit = durationUnits.get(tokens[next]?.text ?? '');
  if (!unit) return undefined;
  return { last: next, iso: isoDuration(value, unit), vague };
}

/** A point in time: "yesterday", "this morning", "last night", "tuesday", "two days ago", "march 3". */
function readTimePoint(tokens: readonly Token[], i: number): { last: number; text: string } | undefined {
  const word = tokens[i]?.text ?? '';
  const next = tokens[i + 1]?.text ?? '';
  if (word === 'yesterday' || word === 'today' || word === 'tonight' || weekdays.has(word)) {
    if (partsOfDay.has(next)) return { last: i + 1, text: `${word} ${next}` };
    return { last: i, text: word };
  }
  if ((word === 'this' || word === 'last' || word === 'the') && (partsOfDay.has(next) || weekdays.has(next) || next === 'week' || next === 'month')) {
    return { last: i + 1, text: `${word} ${next}` };
  }
  if (word === 'on' && weekdays.has(next)) return { last: i + 1, text: next };
  if (months.has(word) && word !== 'may' && word !== 'march') {
    const day = parseNumberAt(tokens, i + 1);
    return day ? { last: day.next - 1, text: `${word} ${day.value}` } : { last: i, text: word };
  }
  const duration = readDuration(tokens, i);
  if (duration && tokens[duration.last + 1]?.text === 'ago') return { last: duration.last + 1, text: `-${duration.iso}` };
  return undefined;
}

function readOnset(tokens: readonly Token[], i: number): { last: number; normalized: string; confidence: number } | undefined {
  const word = tokens[i]!.text;
  if (word === 'since') {
    const point = readTimePoint(tokens, i + 1);
    return point ? { last: point.last, normalized: `since ${point.text}`, confidence: 0.85 } : undefined;
  }
  if (word === 'for' || word === 'past' || word === 'last') {
    const duration = readDuration(tokens, i + 1);
    if (duration) return { last: duration.last, normalized: duration.iso, confidence: duration.vague ? 0.7 : 0.85 };
    return undefined;
  }
  if (word === 'started' || word === 'began' || word === 'starting' || (word === 'came' && tokens[i + 1]?.text === 'on')) {
    for (let k = i + 1; k <= Math.min(tokens.length - 1, i + 4); k++) {
      if (tokens[k]!.punct) break;
      const point = readTimePoint(tokens, k);
      if (point) return { last: point.last, normalized: point.text, confidence: 0.8 };
    }
    return undefined;
  }
  const point = readTimePoint(tokens, i);
  if (point?.text.startsWith('-') && tokens[point.last]?.text === 'ago') return { last: point.last, normalized: point.text, confidence: 0.75 };
  return undefined;
}

/** "3 pm", "2:30", "three thirty", "noon" → 24-hour "HH:MM" (am/pm guessed as clinic hours when missing). */
function readClock(tokens: readonly Token[], i: number): { last: number; time: string } | undefined {
  const word = tokens[i]?.text ?? '';
  if (word === 'noon' || word === 'lunch' || word === 'lunchtime') return { last: i, time: '12:00' };
  let hour: number;
  let minute = 0;
  let k = i;
  if (/^\d{1,2}:\d\d$/.test(word)) {
    const [h, m] = word.split(':');
    hour = Number(h);
    minute = Number(m);
  } else {
    const number = parseNumberAt(tokens, i);
    if (!number || number.value > 12 || number.value < 1 || !Number.isInteger(number.value)) return undefined;
    hour = number.value;
    k = number.next - 1;
    const after = tokens[k + 1]?.text ?? '';
    if (after === 'thirty' || after === 'fifteen' || after === 'forty' || after === '30' || after === '15' || after === '45') {
      minute = after === 'thirty' || after === '30' ? 30 : after === 'fifteen' || after === '15' ? 15 : 45;
      k++;
    }
  }
  const suffix = tokens[k + 1]?.text ?? '';
  let meridiem: 'am' | 'pm' | undefined;
  if (suffix === 'am' || suffix === 'pm') { meridiem = suffix; k++; }
  else if ((suffix === 'a' || suffix === 'p') && tokens[k + 2]?.text === '.' && tokens[k + 3]?.text === 'm') { meridiem = suffix === 'a' ? 'am' : 'pm'; k += 3; }
  else if ((suffix === 'a' || suffix === 'p') && tokens[k + 2]?.text === 'm') { meridiem = suffix === 'a' ? 'am' : 'pm'; k += 2; }
  else if (suffix === "o'clock") k++;
  else if (!word.includes(':')) return undefined; // a bare number is not a time
  if (meridiem === 'pm' && hour < 12) hour += 12;
  else if (meridiem === 'am' && hour === 12) hour = 0;
  else if (!meridiem && hour < 7) hour += 12; // "at 3" in a clinic means the afternoon
  return { last: k, time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
}

const timeRelations = new Map([['after', 'after'], ['before', 'before'], ['around', 'around'], ['by', 'before'], ['until', 'before'], ['till', 'before']]);
const plainParts = new Map([['mornings', 'morning'], ['afternoons', 'afternoon'], ['evenings', 'evening']]);

function readPreferredTime(tokens: readonly Token[], i: number): { last: number; normalized: string; confidence: number } | undefined {
  const word = tokens[i]!.text;
  const next = tokens[i + 1]?.text ?? '';
  const relation = timeRelations.get(word);
  if (relation) {
    const clock = readClock(tokens, i + 1);
    if (clock) return { last: clock.last, normalized: `${relation} ${clock.time}`, confidence: 0.85 };
    if (next === 'work' || next === 'school') return { last: i + 1, normalized: `${relation} ${next}`, confidence: 0.75 };
    return undefined;
  }
  if (word === 'between') {
    const from = readClock(tokens, i + 1) ?? readBareHour(tokens, i + 1);
    if (from && (tokens[from.last + 1]?.text === 'and' || tokens[from.last + 1]?.text === 'to')) {
      const to = readClock(tokens, from.last + 2) ?? readBareHour(tokens, from.last + 2);
      if (to) return { last: to.last, normalized: `between ${from.time} and ${to.time}`, confidence: 0.85 };
    }
    return undefined;
  }
  if (plainParts.has(word)) return { last: i, normalized: plainParts.get(word)!, confidence: 0.75 };
  if ((word === 'anytime' || (word === 'any' && next === 'time'))) {
    const k = word === 'any' ? i + 1 : i;
    const point = readTimePoint(tokens, k + 1);
    const tail = tokens[k + 1]?.text === 'tomorrow' ? { last: k + 1, text: 'tomorrow' } : point;
    return tail ? { last: tail.last, normalized: `${tail.text} anytime`, confidence: 0.8 } : { last: k, normalized: 'anytime', confidence: 0.7 };
  }
  if (word === 'tomorrow' && partsOfDay.has(next)) return { last: i + 1, normalized: `tomorrow ${next}`, confidence: 0.7 };
  if (word === 'in' && next === 'the' && partsOfDay.has(tokens[i + 2]?.text ?? '')) {
    return { last: i + 2, normalized: tokens[i + 2]!.text, confidence: 0.65 };
  }
  return undefined;
}

/** "between 1 and 3": hours without am/pm, read as clinic hours. */
function readBareHour(tokens: readonly Token[], i: number): { last: number; time: string } | undefined {
  const number = parseNumberAt(tokens, i);
  if (!number || number.value < 1 || number.value > 12 || !Number.isInteger(number.value)) return undefined;
  const hour = number.value < 7 ? number.value + 12 : number.value;
  return { last: number.next - 1, time: `${String(hour).padStart(2, '0')}:00` };
}

// ---- appointment references ------------------------------------------------------------------

const appointmentWords = new Set(['appointment', 'appointments', 'appt', 'checkup', 'physical', 'visit', 'consult', 'consultation', 'follow', 'followup']);
const possessives = new Set(['my', 'our', 'his', 'her', 'the', 'their', 'this']);
const titles = new Set(['dr', 'doctor', 'nurse', 'mr', 'mrs', 'ms']);

function readAppointment(tokens: readonly Token[], i: number): { first: number; last: number; normalized?: string; confidence: number } | undefined {
  let first = i;
  let last = i;
  const parts: string[] = [];
  const word = tokens[i]!.text;
  if (word === 'cancel' || word === 'reschedule' || word === 'move') {
    // "cancel my 2:30" / "move my thursday appointment"
    const clock = readClock(tokens, i + 2) ?? (/^\d{1,2}:\d\d$/.test(tokens[i + 2]?.text ?? '') ? { last: i + 2, time: tokens[i + 2]!.text } : undefined);
    const day = weekdays.has(tokens[i + 2]?.text ?? '') ? { last: i + 2, text: tokens[i + 2]!.text } : undefined;
    if (!clock && !day) return undefined;
    const end = clock?.last ?? day!.last;
    const anchor = tokens[end + 1] && appointmentWords.has(tokens[end + 1]!.text) ? end + 1 : end;
    return { first: i + 1, last: anchor, normalized: clock?.time ?? day!.text, confidence: 0.8 };
  }
  if (word === 'follow' || word === 'followup') last = word === 'follow' ? i + 1 : i;
  // Look back for "my thursday appointment" / "my 2:30 appointment".
  const before = tokens[i - 1]?.text ?? '';
  if (weekdays.has(before) || /^\d{1,2}:\d\d$/.test(before)) {
    parts.push(before);
    first = i - 1;
  }
  const ownerWord = tokens[first - 1]?.text ?? '';
  const owned = possessives.has(ownerWord);
  if (owned) first -= 1;
  // Look forward: "on thursday", "at 2:30", "with Dr. Patel", "next week", "tomorrow".
  for (let k = last + 1, steps = 0; k < tokens.length && steps < 8; steps++) {
    const token = tokens[k]!;
    const text = token.text;
    if (text === 'on' || text === 'at' || text === 'for' || text === 'with' || text === 'next' || text === 'this') { k++; continue; }
    const clock = readClock(tokens, k);
    if (clock || /^\d{1,2}:\d\d$/.test(text)) {
      const end = clock?.last ?? k;
      parts.push(clock?.time ?? text);
      last = end;
      k = end + 1;
      continue;
    }
    const point = readTimePoint(tokens, k);
    if (point) {
      parts.push(tokens[k - 1]?.text === 'next' ? `next ${point.text}` : point.text);
      last = point.last;
      k = point.last + 1;
      continue;
    }
    if (text === 'tomorrow' || text === 'week' || text === 'month') {
      parts.push(tokens[k - 1]?.text === 'next' ? `next ${text}` : text);
      last = k;
      k++;
      continue;
    }
    if (titles.has(text)) {
      // "Dr. Patel": skip the abbreviation's period and take the name.
      let name = k + 1;
      if (tokens[name]?.text === '.') name++;
      const person = tokens[name];
      if (!person || person.punct) break;
      parts.push(`dr ${person.text}`);
      last = name;
      k = name + 1;
      continue;
    }
    break;
  }
  if (parts.length === 0 && !owned) return undefined;
  return { first, last, ...(parts.length > 0 ? { normalized: parts.join(' ') } : {}), confidence: parts.length > 0 ? 0.85 : 0.6 };
}
