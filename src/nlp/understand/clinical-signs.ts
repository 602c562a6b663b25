import type { RedFlagCode } from '../analysis.types.ts';
import { PhraseTrie } from './phrase-trie.ts';
import { isSentenceBoundary, parseNumberAt, type Token } from './tokens.ts';

/**
 * What a triage nurse reads besides the usual red-flag words (issue 15): vital signs said as
 * numbers ("she's 102.6, heart rate 124, pressure 88 over 50", "one hundred point nine", "sats
 * 86"), how the illness shows (has to stop to breathe between words, lips going grey, cannot be
 * kept awake), and self-harm said as intent or a plan ("thinking about taking all my pills").
 *
 * Pure: it only proposes flags and feature marks. `detectRedFlags` reads each proposal's context
 * with its own checks (negation, hypothetical, history, third party, agent speech), so "if her
 * temperature goes over 100.4, call us" stays a hypothetical here as it does for the word "fever".
 */

export type VitalKind = 'temperature' | 'heart-rate' | 'blood-pressure' | 'oxygen' | 'breathing-rate' | 'blood-sugar';

/** A vital sign read from the transcript; `first`..`last` are token indices of the number(s). */
export interface VitalReading {
  kind: VitalKind;
  /** °F for temperatures (a Celsius reading is converted), beats or breaths a minute, mmHg systolic, percent, mg/dL. */
  value: number;
  /** The diastolic pressure of a blood pressure. */
  second?: number;
  first: number;
  last: number;
}

/** A feature mark for `detectRedFlags` (same shape as its own), e.g. a fever read from a number. */
export interface SignFeature {
  feature: 'fever' | 'systemic' | 'pregnant';
  first: number;
  last: number;
  confidence: number;
}

/** A proposed red flag; `anchor*` is where its context is read (the reading or the sign, not the age). */
/** A red flag proposed from signs; red-flags.ts reads it in context like any other. */
export interface SignFlag {
  code: RedFlagCode;
  first: number;
  last: number;
  /** The token range whose context decides (the symptom, not the age of the baby). */
  anchorFirst: number;
  anchorLast: number;
  confidence: number;
  cue: string;
  garbled: false;
  /** Shown to a person, not an alarm (weakness with a named cold or flu). */
  forcedUncertain?: boolean;
}

/** Everyday infections: with one of these named, weakness beside a fever is a person's call, not a sepsis alarm. */
export const commonIllness = ['cold', 'flu', 'covid', 'throat', 'cough', 'coughing', 'congested', 'congestion', 'strep', 'sinus', 'runny', 'sniffles', 'virus', 'bug'];

/** The feature marks `detectRedFlags` has already found (baby ages, pregnancy, headache, infection…). */
export interface KnownFeature {
  feature: string;
  first: number;
  last: number;
  confidence: number;
}

// ---- vital signs ------------------------------------------------------------------------------

// Words a reading is named by. The number follows within a few words ("her oxygen's 84", "pressure is 88 over 50").
const cueTable: [VitalKind, string[]][] = [
  ['temperature', ['temperature|temp|temps|fever|thermometer', 'running|ran ~ ~ fever|temp', 'temperature of', 'febrile']],
  ['heart-rate', ['heart rate|rates', 'heartrate|pulse|hr', "heart's|heart ~ ~ racing|going|beating|at", 'heart is|was']],
  ['blood-pressure', ['blood pressure|pressures', "pressure|pressure's|bp|b.p", 'b p']],
  ['oxygen', [
    "oxygen|oxygen's|o2|sats|saturation|saturations|saturating|satting|sating|spo|oximeter", 'pulse ox|oximeter', 'oxygen level|levels|saturation',
  ]],
  ['breathing-rate', ['respiratory rate', 'resp|respiration rate', 'respirations|resps|rr', 'breathing rate', 'breathing at']],
  ['blood-sugar', ["sugar|sugar's|sugars|glucose|glucometer|bg|cbg|fingerstick|accucheck|dexcom|libre", 'blood sugar', 'sugar level|reading']],
];

const cueTrie = new PhraseTrie<VitalKind>();
for (const [kind, patterns] of cueTable) for (const pattern of patterns) cueTrie.add(pattern, kind);

// Words between a cue and its number that do not break the link ("temperature with the one under the arm and it say 100.9").
const readingGap = 12;
// Units that make a number something else ("a hundred and two milligrams", "102 dollars").
const otherUnits = new Set([
  'mg', 'milligram', 'milligrams', 'mcg', 'ml', 'units', 'unit', 'dollars', 'bucks', 'pounds', 'lbs', 'lb', 'pills', 'tablets', 'tabs',
  'days', 'weeks', 'months', 'years', 'minutes', 'hours', 'times', 'am', 'pm', 'street', 'st', 'avenue', 'ave', 'road', 'drive', 'block',
  'strips', 'lancets', 'needles', 'pens', 'vials', 'refills', 'refill', 'boxes', 'box', 'count', 'supply', 'percent', 'day', 'liters', 'litres', 'l',
]);
const ranges: Record<VitalKind, [number, number]> = {
  temperature: [94, 108],
  'heart-rate': [25, 260],
  'blood-pressure': [50, 280],
  oxygen: [40, 100],
  'breathing-rate': [4, 90],
  'blood-sugar': [15, 900],
};

/** Spoken pressures drop "hundred": "one sixty eight" is 168, "one ten" is 110. */
function readNumber(tokens: readonly Token[], k: number): { value: number; next: number } | undefined {
  const parsed = readNumberRaw(tokens, k);
  // A number always moves on: "fourteen oh nine" (an address) can read as no digits at all.
  return parsed && parsed.next > k ? parsed : undefined;
}

// "in the eighties", "low 80s": a decade, read at its middle (oxygen and pulse are said this way).
const decades = new Map([['sixties', 65], ['seventies', 75], ['eighties', 85], ['nineties', 95]]);

function readNumberRaw(tokens: readonly Token[], k: number): { value: number; next: number } | undefined {
  const word = tokens[k]?.text;
  const decade = decades.get(word ?? '');
  if (decade !== undefined) return { value: tokens[k - 1]?.text === 'low' ? decade - 3 : decade, next: k + 1 };
  if (word && /^[6-9]0$/.test(word) && tokens[k + 1]?.text === 's' && tokens[k + 1]!.start === tokens[k]!.end) {
    return { value: Number(word) + (tokens[k - 1]?.text === 'low' ? 2 : 5), next: k + 2 };
  }
  if ((word === 'one' || word === 'two') && tokens[k + 1] && !tokens[k + 1]!.punct && !/^\d/.test(tokens[k + 1]!.text)) {
    const rest = parseNumberAt(tokens, k + 1);
    if (rest && rest.value >= 10 && rest.value < 100 && Number.isInteger(rest.value)) return { value: (word === 'one' ? 100 : 200) + rest.value, next: rest.next };
  }
  return parseNumberAt(tokens, k);
}

/** Celsius fevers ("39.5", "38 degrees") become Fahrenheit; other readings keep their unit. */
function asFahrenheit(value: number): number {
  return value >= 34 && value <= 43.5 ? Math.round((value * 9 / 5 + 32) * 10) / 10 : value;
}

// After a pronoun or copula a decimal in the fever range is a temperature even without the word ("she's 102.6").
const temperatureLeads = new Set(["she's", "he's", "i'm", "it's", 'is', 'was', 'at', 'of', 'running', 'reads', 'read', 'say', 'says', 'said', 'showed', 'shows']);

/**
 * Reads the vital signs said in a transcript, spoken ("one hundred point nine", "eighty eight over
 * fifty", "one sixty eight over one ten") or written ("102.6", "168/110", "39.5 C", "84 percent").
 */
export function readVitalSigns(text: string, tokens: readonly Token[]): VitalReading[] {
  const readings: VitalReading[] = [];
  const used = new Set<number>();
  const push = (reading: VitalReading) => {
    if (used.has(reading.first)) return;
    used.add(reading.first);
    readings.push(reading);
  };

  // Only the places a number starts are visited (most transcripts have a handful).
  const numberAt: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const word = tokens[k]!.text;
    const code = word.charCodeAt(0);
    if ((code >= 48 && code <= 57) || numberWords.has(word) || decades.has(word) || (word === 'a' && tokens[k + 1]?.text === 'hundred')) numberAt.push(k);
  }
  if (numberAt.length === 0) return readings;

  // "88 over 50", "168/110": a pressure whatever word (if any) names it.
  for (let n = 0; n < numberAt.length; n++) {
    const k = numberAt[n]!;
    const top = readNumber(tokens, k);
    if (!top || !Number.isInteger(top.value)) continue;
    let bottomAt = -1;
    if (tokens[top.next]?.text === 'over') bottomAt = top.next + 1;
    else if (/^\d+$/.test(tokens[top.next]?.text ?? '') && text.slice(tokens[top.next - 1]!.end, tokens[top.next]!.start) === '/') bottomAt = top.next;
    if (bottomAt < 0) continue;
    const bottom = readNumber(tokens, bottomAt);
    if (!bottom) continue;
    const written = bottomAt === top.next;
    // A written a/b is also a date ("4/2/1938"): it needs a pressure cue before it and no third part after.
    if (written && (!cueBefore(tokens, k, 'blood-pressure', 6) || text.charAt(tokens[bottom.next - 1]!.end) === '/')) continue;
    if (top.value >= 60 && top.value <= 280 && bottom.value >= 30 && bottom.value <= 160 && top.value > bottom.value) {
      push({ kind: 'blood-pressure', value: top.value, second: bottom.value, first: k, last: bottom.next - 1 });
      while (n + 1 < numberAt.length && numberAt[n + 1]! < bottom.next) n++;
    }
  }

  // A named reading: the first number after its cue in the same sentence.
  // The longest cue at a place names it ("pulse ox" is oxygen, not a pulse).
  const cues = cueTrie.matchAll(tokens).sort((a, b) => a.first - b.first || b.last - a.last);
  for (let c = 0; c < cues.length; c++) {
    const match = cues[c]!;
    if (c > 0 && cues[c - 1]!.first === match.first) continue;
    const kind = match.value;
    for (let k = match.last + 1; k < tokens.length && k <= match.last + readingGap; k++) {
      const token = tokens[k]!;
      if (isSentenceBoundary(token)) break;
      const parsed = readNumber(tokens, k);
      if (!parsed) continue;
      if (kind === 'blood-pressure') break; // the pressure pairs are read above
      const unit = tokens[parsed.next]?.text ?? '';
      if (otherUnits.has(unit)) break;
      const value = kind === 'temperature' ? asFahrenheit(parsed.value) : parsed.value;
      const [low, high] = ranges[kind];
      // Only the first number counts: "my sugar was 2 hours after eating 180" is rare; "temp 99 then 101" reads 99, the safe miss.
      if (value >= low && value <= high) push({ kind, value, first: k, last: parsed.next - 1 });
      else if (kind === 'temperature' && (parsed.value < 10 || parsed.value > 1000)) continue; // "took it 3 times, 101"
      break;
    }
  }

  // A temperature said with its unit ("101 degrees", "39.5 C") or a decimal after "she's" ("she's 102.6").
  for (let n = 0; n < numberAt.length; n++) {
    const k = numberAt[n]!;
    if (used.has(k)) continue;
    const token = tokens[k]!;
    const parsed = readNumber(tokens, k);
    if (!parsed) continue;
    const unit = tokens[parsed.next]?.text ?? '';
    const value = asFahrenheit(parsed.value);
    const hasUnit = unit === 'degrees' || unit === 'fahrenheit' || unit === 'celsius' || ((unit === 'f' || unit === 'c') && /^\d/.test(token.text));
    const decimal = parsed.value % 1 !== 0 && temperatureLeads.has(tokens[k - 1]?.text ?? '');
    // A weight ("my weight is 102.5") or the weather ("it's 102 degrees outside") is not a body temperature.
    const near = tokens.slice(Math.max(0, k - 5), parsed.next + 4).map((t) => t.text);
    const notBody = near.some((w) => notBodyWords.has(w));
    if ((hasUnit || decimal) && !notBody && value >= 95 && value <= 108) push({ kind: 'temperature', value, first: k, last: parsed.next - 1 });
    while (n + 1 < numberAt.length && numberAt[n + 1]! < parsed.next) n++;
  }
  readings.sort((a, b) => a.first - b.first);
  return readings;
}

const notBodyWords = new Set(['weight', 'weigh', 'weighs', 'weighed', 'pounds', 'lbs', 'kilos', 'kg', 'outside', 'outdoors', 'weather', 'heat', 'oven', 'house', 'room', 'water', 'fm']);

const numberWords = new Set([
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen',
  'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety',
]);

function cueBefore(tokens: readonly Token[], k: number, kind: VitalKind, window: number): boolean {
  const from = Math.max(0, k - window);
  return cueTrie.matchAll(tokens.slice(from, k)).some((match) => match.value === kind);
}

const brainSigns = new Set(['blurry', 'blurred', 'blurring', 'double', 'confused', 'confusion', 'slurring', 'slurred', 'numb', 'numbness', 'weakness', 'disoriented']);

function brainSignNear(tokens: readonly Token[], reading: VitalReading): { first: number; last: number } | undefined {
  for (let k = Math.max(0, reading.first - 20); k <= Math.min(tokens.length - 1, reading.last + 20); k++) {
    if (brainSigns.has(tokens[k]!.text) && !['no', 'not', "isn't", 'without'].includes(tokens[k - 1]?.text ?? '')) return { first: k, last: k };
  }
  return undefined;
}

// A reading said as the usual one ("she's usually 92", "her baseline is 88") is not news.
const baselineWords = new Set(['usually', 'normally', 'baseline', 'usual', 'normal', 'typically', 'always', 'goal', 'target', 'supposed']);

function isBaseline(tokens: readonly Token[], reading: VitalReading): boolean {
  for (let k = reading.first - 1; k >= Math.max(0, reading.first - 5); k--) {
    if (isSentenceBoundary(tokens[k]!)) return false;
    if (baselineWords.has(tokens[k]!.text)) return true;
  }
  return false;
}

// ---- signs a caller can see or hear ------------------------------------------------------------

interface SignRule {
  code: RedFlagCode;
  cue: string;
  confidence: number;
  /** Counts only with a breathing word close by ("a hard time talking ... stop and breathe"); alone it may be speech. */
  needsBreath?: boolean;
  /** Everyday words that, in the same sentence, give the phrase its ordinary sense ("can't stay awake in class"). */
  notWith?: readonly string[];
}

const signTable: [RedFlagCode, string, number, string[], Partial<SignRule>?][] = [
  // Speech broken by breathing is what a triage nurse listens for: the breath cannot carry a sentence.
  ['breathing_difficulty', 'breaks-to-breathe', 0.85, [
    'stop|stopping|pause|pausing ~ ~ to|and breathe', 'stop|stopping|pause|pausing ~ ~ to|and catch ~ breath', 'breathe|breath in between',
    'between ~ words|sentences', 'in between each|every ~ word|sentence', "can't|cannot get ~ words out", 'too breathless|winded to talk|speak',
    "can't|cannot talk ~ ~ without ~ breath|breathing",
  ]],
  ['breathing_difficulty', 'hard-to-talk-with-breath', 0.8, [
    'hard|difficult|rough time talking|speaking', 'trouble|struggling talking|speaking', 'hard|difficult to talk|speak', 'out of breath talking|speaking',
    'few words at a time', 'one|two|three words at a time', 'trouble|hard time getting ~ words out', "can|can't barely talk|speak",
    'breath|breathe after|between every|each ~ ~ word|words|sentence',
  ], { needsBreath: true }],
  // Accessory muscles and the colour of hypoxia: signs of work of breathing a carer or nurse reports.
  ['breathing_difficulty', 'work-of-breathing', 0.85, [
    'working ~ ~ to breathe', 'working hard ~ breathe|breathing', 'using ~ ~ neck|stomach|belly|chest muscles ~ ~ breathe|breathing', 'using ~ ~ neck|stomach|belly|chest muscles',
    'nostrils ~ flaring', 'flaring ~ nostrils', 'lips|mouth ~ ~ ~ grey|gray|purple|dusky|bluish|blueish', 'face ~ ~ ~ grey|gray|dusky|bluish|blueish',
    'blue ~ around ~ ~ lips|mouth', 'grey|gray|blue|purple|dusky lips',
  ]],
  // The same signs in words that have other senses ("retractions", "going grey"): only with breathing close by.
  ['breathing_difficulty', 'work-of-breathing-with-breath', 0.8, [
    'retracting|retractions', 'belly ~ ~ sucking in', 'sucking in ~ ~ ribs|neck|chest', 'head bobbing', 'turning|turned|going|looks ~ grey|gray|purple|dusky|bluish',
  ], { needsBreath: true }],
  // A person who cannot be kept awake: a lowered level of consciousness (not a tired student: see everyday words below).
  ['loss_of_consciousness', 'cannot-stay-awake', 0.8, [
    "he|she|they|baby|he's|she's ~ can't|cannot|won't stay awake", "can't|cannot keep him|her|them awake", 'impossible to wake|rouse|arouse', 'hard|difficult to rouse|arouse',
    'keeps|keep nodding|passing|drifting off ~ ~ mid|middle', 'barely conscious|arousable',
  ], { notWith: ['class', 'school', 'work', 'shift', 'tv', 'movie', 'driving', 'lately', 'always', 'usually', 'mornings', 'homework', 'meetings'] }],
  // Self-harm said as intent or a plan is ideation now, however softly it is put.
  ['suicidal_ideation', 'self-harm-plan', 0.9, [
    'thinking|thought|think|thoughts about|of ~ taking|swallowing ~ ~ all ~ ~ ~ pills|meds|medicine|medication|medications|tablets',
    'thinking|thought|think|thoughts about|of ~ overdosing', 'thinking|thought|think|thoughts about|of ~ an overdose',
    'thinking|thought|think|thoughts about|of ~ ending ~ ~ life', 'thinking|thought|think|thoughts about|of ~ not ~ ~ alive|waking',
    'thinking|thought|think|thoughts about|of ~ hurting|killing ~ myself', 'a plan to kill|end|hurt', 'no reason to live', 'no reason to go on', 'nothing ~ to live for',
    "don't|dont see the point ~ ~ living|anything|life", "don't|dont see the point ~ ~ going on", 'wrote ~ ~ goodbye|suicide note|notes|letter|letters',
    'giving|gave away ~ ~ things|stuff|belongings',
  ], { notWith: ['moving', 'donate', 'donated', 'donating', 'garage', 'yard', 'sale', 'clothes', 'downsizing', 'lease', 'relationship', 'therapy'] }],
];

const signTrie = new PhraseTrie<SignRule>();
for (const [code, cue, confidence, patterns, options] of signTable) {
  const rule: SignRule = { code, cue, confidence, ...options };
  for (const pattern of patterns) signTrie.add(pattern, rule);
}

const breathWords = new Set(['breathe', 'breath', 'breathing', 'breaths', 'breathless', 'winded', 'air', 'wheezing', 'asthma', 'inhaler', 'puffer']);

function breathNear(tokens: readonly Token[], first: number, last: number): boolean {
  for (let k = Math.max(0, first - 12); k <= Math.min(tokens.length - 1, last + 12); k++) if (breathWords.has(tokens[k]!.text)) return true;
  return false;
}

function sentenceHas(tokens: readonly Token[], first: number, last: number, words: readonly string[]): boolean {
  for (let k = first - 1; k >= Math.max(0, first - 15) && !isSentenceBoundary(tokens[k]!); k--) if (words.includes(tokens[k]!.text)) return true;
  for (let k = last + 1; k < Math.min(tokens.length, last + 15) && !isSentenceBoundary(tokens[k]!); k++) if (words.includes(tokens[k]!.text)) return true;
  return false;
}

// "The worst pain of my life": where it is decides the flag (nothing said, nothing guessed).
const worstPain = new PhraseTrie<true>().add('worst pain ~ ~ ~ life|ever', true).add('worst ~ ~ pain|hurt ~ ever ~ had|felt', true).add('worst pain imaginable', true);
const painPlaces: [RedFlagCode, ReadonlySet<string>][] = [
  ['severe_headache', new Set(['head', 'headache', 'forehead', 'skull', 'temple', 'temples'])],
  ['severe_abdominal_pain', new Set(['stomach', 'belly', 'abdomen', 'abdominal', 'tummy', 'gut', 'pelvis', 'pelvic', 'side', 'groin'])],
  ['chest_pain', new Set(['chest'])],
];

function worstPainFlags(tokens: readonly Token[]): SignFlag[] {
  const flags: SignFlag[] = [];
  for (const match of worstPain.matchAll(tokens)) {
    // The place is said in the same sentence, a few words either side.
    let from = match.first;
    while (from > 0 && match.first - from < 10 && !isSentenceBoundary(tokens[from - 1]!)) from--;
    let to = match.last;
    while (to < tokens.length - 1 && to - match.last < 10 && !isSentenceBoundary(tokens[to + 1]!)) to++;
    for (const [code, places] of painPlaces) {
      for (let k = from; k <= to; k++) {
        if (!places.has(tokens[k]!.text)) continue;
        flags.push(flag(code, match, { first: k, last: k }, 0.85, 'worst-pain-of-life'));
        break;
      }
    }
  }
  return flags;
}

const pregnancyWords = new Set(['pregnant', 'pregnancy', 'prenatal', 'expecting', 'ob', 'obgyn', 'midwife', 'ectopic', 'miscarriage']);
const gestationLeads = new Set(["i'm", 'im', 'am', "she's", 'is', "we're", 'maybe', 'about', 'around', 'like', 'probably', 'only', 'almost', 'nearly']);

/**
 * "I'm maybe six or seven weeks", "she's like 30 weeks": a gestation said loosely, with a pregnancy named
 * in the call, is a pregnancy now even when the finding-out was last week.
 */
function gestationsSaidLoosely(tokens: readonly Token[]): SignFeature[] {
  const hits: SignFeature[] = [];
  for (let k = 1; k < tokens.length; k++) {
    if (tokens[k]!.text !== 'weeks' && tokens[k]!.text !== 'wks') continue;
    const after = tokens[k + 1]?.text ?? '';
    if (after === 'old' || after === 'ago') continue;
    let at = -1;
    for (let back = Math.max(0, k - 4); back < k; back++) {
      const parsed = parseNumberAt(tokens, back);
      if (parsed && parsed.next === k && parsed.value >= 4 && parsed.value <= 42) { at = back; break; }
    }
    if (at < 0) continue;
    // "six or seven weeks": the lower number and its lead.
    let lead = at - 1;
    if (tokens[lead]?.text === 'or' || tokens[lead]?.text === 'to') lead -= 2;
    if (!tokens.slice(Math.max(0, lead - 2), lead + 1).some((t) => gestationLeads.has(t.text))) continue;
    if (!tokens.slice(Math.max(0, k - 40), k + 40).some((t) => pregnancyWords.has(t.text))) continue;
    hits.push({ feature: 'pregnant', first: Math.max(0, lead + 1), last: k, confidence: 0.8 });
  }
  return hits;
}

// ---- combining readings into the flag a clinician would call -----------------------------------

const feverF = 100.4;
const postpartumWords = new Set(['postpartum', 'delivered', 'delivery', 'birth', 'preeclampsia', 'pre', 'eclampsia']);

function flag(code: RedFlagCode, anchor: { first: number; last: number }, extra: { first: number; last: number } | undefined, confidence: number, cue: string): SignFlag {
  const first = Math.min(anchor.first, extra?.first ?? Infinity);
  const last = Math.max(anchor.last, extra?.last ?? -Infinity);
  return { code, first, last, anchorFirst: anchor.first, anchorLast: anchor.last, confidence, cue, garbled: false };
}

function closestTo<T extends { first: number }>(hits: readonly T[], at: number, window: number): T | undefined {
  let best: T | undefined;
  for (const hit of hits) if (Math.abs(hit.first - at) <= window && (!best || Math.abs(hit.first - at) < Math.abs(best.first - at))) best = hit;
  return best;
}

/**
 * The vital-sign, visible-sign and stated-intent proposals for one transcript. `known` are the
 * feature marks `detectRedFlags` found (an infant's age, a pregnancy, a headache, an infection).
 * Returns feature marks to add (a fever read from a number) and flags to assess.
 */
export function findClinicalSigns(text: string, tokens: readonly Token[], known: readonly KnownFeature[]): { features: SignFeature[]; found: SignFlag[] } {
  const features: SignFeature[] = [];
  const found: SignFlag[] = [];
  const of = (name: string) => known.filter((hit) => hit.feature === name);

  for (const match of signTrie.matchAll(tokens)) {
    const rule = match.value;
    if (rule.needsBreath && !breathNear(tokens, match.first, match.last)) continue;
    if (rule.notWith && sentenceHas(tokens, match.first, match.last, rule.notWith)) continue;
    found.push(flag(rule.code, match, undefined, rule.confidence, rule.cue));
  }

  found.push(...worstPainFlags(tokens));
  // A pregnancy now with a warning sign (pain, bleeding): read at the sign, so "the cramping yesterday that's gone" stays resolved.
  for (const gestation of gestationsSaidLoosely(tokens)) {
    features.push(gestation);
    const trouble = closestTo(of('pregnancy-trouble').filter((hit) => hit.first > gestation.last), gestation.last, 30);
    if (trouble) found.push(flag('pregnancy_emergency', trouble, gestation, 0.8, 'gestation-with-warning-sign'));
  }

  const readings = readVitalSigns(text, tokens).filter((reading) => !isBaseline(tokens, reading));
  const fevers = readings.filter((r) => r.kind === 'temperature' && r.value >= feverF);
  for (const fever of fevers) features.push({ feature: 'fever', first: fever.first, last: fever.last, confidence: 0.9 });

  // Any fever of 100.4 °F or more under three months is an emergency. The age is often said once, far from the reading.
  // Baby marks: 0.6 the bare word "baby" (age unknown), 0 an age past three months, otherwise an infant's age.
  const ages = of('baby').filter((baby) => baby.confidence !== 0.6);
  for (const fever of fevers) {
    const age = closestTo(ages, fever.first, 80);
    if (age && age.confidence > 0) found.push(flag('infant_fever', fever, age, 0.9, 'temperature-reading-in-infant'));
  }

  // Sepsis: an infection or fever with the body failing to keep up (a fast heart, a low pressure, fast breathing, confusion).
  if (readings.length === 0) return { features, found };
  const children = known.some((hit) => hit.feature === 'baby') || /\b(?:toddler|son|daughter|kid|child|boy|girl)\b/i.test(text);
  const strained = readings.filter((r) =>
    (r.kind === 'heart-rate' && r.value >= (children ? 160 : 120)) || (r.kind === 'blood-pressure' && r.value < 90)
    || (r.kind === 'breathing-rate' && r.value >= (children ? 50 : 22)));
  const infections = [...fevers, ...of('fever'), ...of('chills'), ...of('infection')];
  for (const sign of strained) {
    const source = closestTo(infections, sign.first, 40);
    if (source) found.push(flag('sepsis_signs', sign, source, 0.85, `infection-with-${sign.kind}`));
  }
  for (const fever of fevers) {
    const systemic = closestTo(of('systemic'), fever.first, 30);
    if (!systemic) continue;
    const sepsis = flag('sepsis_signs', fever, systemic, 0.8, 'fever-reading-with-systemic-sign');
    const weakOnly = tokens.slice(systemic.first, systemic.last + 1).some((token) => token.text === 'weak');
    const from = Math.max(0, Math.min(fever.first, systemic.first) - 12);
    const to = Math.max(fever.last, systemic.last) + 12;
    if (weakOnly && tokens.slice(from, to + 1).some((token) => commonIllness.includes(token.text))) sepsis.forcedUncertain = true;
    found.push(sepsis);
  }

  // Low oxygen, or breathing fast at rest, is breathing difficulty whatever words go with it.
  for (const reading of readings) {
    if (reading.kind === 'oxygen' && reading.value <= 91) found.push(flag('breathing_difficulty', reading, undefined, 0.9, 'low-oxygen-reading'));
    if (reading.kind === 'breathing-rate' && reading.value >= (children ? 60 : 25)) found.push(flag('breathing_difficulty', reading, undefined, 0.85, 'fast-breathing-reading'));
  }

  // A severe-range pressure: with a headache it is the headache to worry about; in pregnancy or after a birth, preeclampsia.
  const pregnancy = of('pregnant').length > 0 || tokens.some((t) => postpartumWords.has(t.text)) || /\bhad (?:a|the|my) baby\b/i.test(text);
  for (const reading of readings) {
    if (reading.kind !== 'blood-pressure') continue;
    const diastolic = reading.second ?? 0;
    const severe = reading.value >= 180 || diastolic >= 120;
    const severeInPregnancy = pregnancy && (reading.value >= 160 || diastolic >= 110);
    if (severeInPregnancy) found.push(flag('pregnancy_emergency', reading, undefined, 0.85, 'severe-pressure-in-pregnancy'));
    const headache = closestTo(of('headache'), reading.first, 40);
    if ((severe || severeInPregnancy) && headache) found.push(flag('severe_headache', reading, headache, 0.8, 'severe-pressure-with-headache'));
    // A severe-range pressure with the brain or eyes affected (blurred vision, confusion, weakness) is a hypertensive emergency.
    const brain = severe ? brainSignNear(tokens, reading) : undefined;
    if (brain) found.push(flag('stroke_signs', reading, brain, 0.75, 'severe-pressure-with-neurological-sign'));
  }

  // A very low sugar with a lowered level of consciousness (confused, drowsy, hard to wake).
  for (const reading of readings) {
    if (reading.kind !== 'blood-sugar' || reading.value >= 70) continue;
    const altered = closestTo(of('systemic'), reading.first, 30);
    if (altered) found.push(flag('loss_of_consciousness', reading, altered, 0.8, 'low-sugar-with-altered-consciousness'));
  }
  return { features, found };
}

// ---- an emergency with no listed flag: a baby drying out -------------------------------------------

const babyWords = new Set(['baby', "baby's", 'newborn', 'infant', 'bub', 'babe']);
const keepingDown = new PhraseTrie<true>()
  .add("can't|cannot|won't|isn't|not ~ keep|keeping|holding ~ anything|nothing|milk|formula|fluids|water|it ~ down", true)
  .add('throwing|throws|throw|spitting|spits up ~ everything|every|each|all|whole', true)
  .add('vomiting|vomits ~ everything|every|each|all|whole', true)
  .add('projectile vomiting|vomit|vomits', true);
const dryingOut = new PhraseTrie<true>()
  .add('no|zero wet ~ diaper|diapers|nappy|nappies', true).add('dry diaper|diapers|nappy|nappies', true)
  .add("hasn't|hasnt|didn't|not ~ ~ peed|peeing|pee|wet ~ ~ diaper|diapers", true).add('only one|1 wet diaper', true)
  .add('no tears', true).add('crying without|with no tears', true).add('soft spot ~ ~ sunken|sunk|caved|dipped', true).add('sunken ~ eyes|soft|fontanelle', true)
  .add('floppy|limp|listless', true);

/**
 * A baby who cannot keep feeds down and shows dehydration (no wet diapers, no tears, a sunken soft
 * spot, floppy) needs same-day care though no listed red flag names it. Token spans; pure.
 */
export function findInfantDehydration(tokens: readonly Token[]): { first: number; last: number }[] {
  if (!tokens.some((t) => babyWords.has(t.text) || t.text === 'diaper' || t.text === 'diapers')) return [];
  const losing = keepingDown.matchAll(tokens);
  const dry = dryingOut.matchAll(tokens);
  if (losing.length === 0 || dry.length === 0) return [];
  return [{ first: Math.min(losing[0]!.first, dry[0]!.first), last: Math.max(losing[0]!.last, dry[0]!.last) }];
}

const sugarWords = new Set(['sugar', "sugar's", 'sugars', 'glucose', 'glucometer', 'meter', 'dexcom', 'libre', 'cgm']);
const dkaSigns = new Set(['vomiting', 'throwing', 'puking', 'vomited', 'confused', 'confusion', 'drowsy', 'lethargic', 'fruity', 'panting']);

/**
 * A very high sugar (400 or more, or a meter that only says "HI") with vomiting, confusion or fast
 * breathing: the picture of diabetic ketoacidosis, same-day care though no listed flag names it.
 */
export function findVeryHighSugar(text: string, tokens: readonly Token[]): { first: number; last: number }[] {
  if (!tokens.some((t) => sugarWords.has(t.text))) return [];
  const spans: { first: number; last: number }[] = [];
  const highs: { first: number; last: number }[] = readVitalSigns(text, tokens).filter((r) => r.kind === 'blood-sugar' && r.value >= 400);
  for (let k = 0; k < tokens.length; k++) {
    // "the meter just says HI": past what it can read.
    if (sugarWords.has(tokens[k]!.text)) {
      for (let j = k + 1; j <= k + 4 && j < tokens.length; j++) if (tokens[j]!.text === 'hi' && /says?|reads?|shows?/.test(tokens[j - 1]!.text)) highs.push({ first: k, last: j });
    }
  }
  for (const high of highs) {
    for (let k = Math.max(0, high.first - 25); k <= Math.min(tokens.length - 1, high.last + 25); k++) {
      const word = tokens[k]!.text;
      const fastBreath = (word === 'breathing' && ['fast', 'hard', 'heavy', 'deep'].includes(tokens[k + 1]?.text ?? ''));
      if ((dkaSigns.has(word) || fastBreath) && !['no', 'not', "isn't", 'without'].includes(tokens[k - 1]?.text ?? '')) {
        spans.push({ first: Math.min(high.first, k), last: Math.max(high.last, k) });
        break;
      }
    }
  }
  return spans;
}
