/**
 * One tokeniser for the understanding detectors: a single regex pass, lowercased words with their
 * UTF-16 offsets into the original text, so every detector can report `text.slice(start, end)`.
 * Punctuation that ends a clause is kept as its own token because negation scope stops there.
 */

export interface Token {
  /** Lowercased, apostrophes folded to `'`, common ASR contractions restored (`cant` → `can't`). */
  text: string;
  start: number;
  end: number;
  /** True for `. ! ? ; : ,` tokens. */
  punct: boolean;
}

// Numbers keep their decimal point or clock colon ("0.5", "2:30"); words keep inner apostrophes.
const tokenPattern = /\d+(?:[.:]\d+)?|[a-z]+(?:['’][a-z]+)*|[.!?;:,]/gi;

// ASR often drops the apostrophe; restoring it lets one pattern cover both spellings.
const contractions = new Map<string, string>([
  ['cant', "can't"], ['dont', "don't"], ['wont', "won't"], ['doesnt', "doesn't"], ['didnt', "didn't"],
  ['isnt', "isn't"], ['wasnt', "wasn't"], ['arent', "aren't"], ['havent', "haven't"], ['hasnt', "hasn't"],
  ['im', "i'm"], ['ive', "i've"], ['couldnt', "couldn't"], ['shouldnt', "shouldn't"], ['wouldnt', "wouldn't"],
]);

// The four detectors read the same transcript back to back: remembering the last result means
// one tokenisation per transcript instead of four. Callers never mutate the returned tokens.
let lastText: string | undefined;
let lastTokens: readonly Token[] = [];

/** Splits `text` into word, number and punctuation tokens with offsets (read-only, shared). */
export function tokenize(text: string): readonly Token[] {
  if (text === lastText) return lastTokens;
  const tokens = tokenizeFresh(text);
  lastText = text;
  lastTokens = tokens;
  return tokens;
}

// Hesitation fillers carry no meaning; ASR transcripts drop them mid-phrase ("catch um my breath").
const hardFillers = new Set(['um', 'uh', 'uhm', 'umm', 'uhh', 'er', 'erm', 'hmm', 'hm', 'mm', 'mhm']);
// "you know" is a filler except in a real question or clause ("do you know", "if you know the dose" is rare).
const youKnowKeeps = new Set(['do', 'did', "don't", "didn't", 'would', "wouldn't", 'to', 'what', 'who', 'how', 'as', 'will']);

let lastContentText: string | undefined;
let lastContent: readonly Token[] = [];

/**
 * The tokens of `text` without hesitation fillers ("um", "uh", a filler "you know"). Offsets are
 * unchanged, so spans still index the original text. Cached like `tokenize`.
 */
export function contentTokens(text: string): readonly Token[] {
  if (text === lastContentText) return lastContent;
  const all = tokenize(text);
  const kept: Token[] = [];
  for (let k = 0; k < all.length; k++) {
    const token = all[k]!;
    if (hardFillers.has(token.text)) continue;
    if (token.text === 'you' && all[k + 1]?.text === 'know' && !youKnowKeeps.has(all[k - 1]?.text ?? '')) {
      k++;
      continue;
    }
    kept.push(token);
  }
  lastContentText = text;
  lastContent = kept;
  return kept;
}

function tokenizeFresh(text: string): Token[] {
  const tokens: Token[] = [];
  // Lowercase once; per token only if lowercasing changed a length (offsets must stay exact).
  const lower = text.toLowerCase();
  const source = lower.length === text.length ? lower : text;
  tokenPattern.lastIndex = 0;
  for (let match = tokenPattern.exec(source); match; match = tokenPattern.exec(source)) {
    const raw = match[0];
    let word = source === lower ? raw : raw.toLowerCase();
    if (word.includes('’')) word = word.replace(/’/g, "'");
    word = contractions.get(word) ?? word;
    const first = word.charCodeAt(0);
    // a-z and 0-9 start words; anything else the pattern admits is punctuation.
    const punct = !((first >= 97 && first <= 122) || (first >= 48 && first <= 57));
    tokens.push({ text: word, start: match.index, end: match.index + raw.length, punct });
  }
  return tokens;
}

/** Tokens that end a clause: negation and hedges do not reach across them. */
const clauseEndWords = new Set(['but', 'however', 'though', 'although', 'except', 'whereas']);
const clauseEndPunct = new Set(['.', '!', '?', ';']);

/** True if the token ends a clause ("but", "however", ".", ...). Commas are soft and handled by callers. */
export function isClauseBoundary(token: Token): boolean {
  return token.punct ? clauseEndPunct.has(token.text) : clauseEndWords.has(token.text);
}

/** True if the token ends a sentence. */
export function isSentenceBoundary(token: Token): boolean {
  return token.punct && clauseEndPunct.has(token.text);
}

const units = new Map<string, number>([
  ['zero', 0], ['oh', 0], ['o', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6],
  ['seven', 7], ['eight', 8], ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13],
  ['fourteen', 14], ['fifteen', 15], ['sixteen', 16], ['seventeen', 17], ['eighteen', 18], ['nineteen', 19],
]);
const tens = new Map<string, number>([
  ['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90],
]);

/** The spoken or written digits 0-9 ("oh" and "o" count as zero), for phone numbers. */
export const spokenDigits = new Map<string, string>([
  ['zero', '0'], ['oh', '0'], ['o', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'], ['five', '5'],
  ['six', '6'], ['seven', '7'], ['eight', '8'], ['nine', '9'],
]);

export interface ParsedNumber {
  value: number;
  /** Index of the first token after the number. */
  next: number;
}

/**
 * Reads a number at token `i`: digits ("500", "0.5") or words ("ten", "a hundred and one",
 * "twenty five", "one oh one", "two and a half", "point five"). Returns undefined if none starts there.
 */
export function parseNumberAt(tokens: readonly Token[], i: number): ParsedNumber | undefined {
  const first = tokens[i];
  if (!first) return undefined;
  const code = first.text.charCodeAt(0);
  if (code >= 48 && code <= 57) {
    if (first.text.includes(':')) return undefined;
    return withFraction(tokens, Number(first.text), i + 1);
  }
  let total = 0;
  let current = 0;
  let j = i;
  let seen = false;
  // "a hundred" / "a couple": only "a" directly before hundred counts as one.
  if (first.text === 'a' && tokens[i + 1]?.text === 'hundred') { current = 1; j = i + 1; seen = true; }
  for (; j < tokens.length; j++) {
    const word = tokens[j]!.text;
    const unit = units.get(word);
    const ten = tens.get(word);
    if (unit !== undefined && word !== 'o' && word !== 'oh') {
      // "one oh one" style temperatures: a unit right after a unit reads as digits.
      if (seen && current % 10 !== 0 && current < 10) return digitRun(tokens, i);
      current += unit;
      seen = true;
    } else if ((word === 'oh' || word === 'o') && seen) {
      return digitRun(tokens, i);
    } else if (ten !== undefined) {
      current += ten;
      seen = true;
    } else if (word === 'hundred' && seen) {
      current *= 100;
    } else if (word === 'thousand' && seen) {
      total += current * 1000;
      current = 0;
    } else if (word === 'and' && seen) {
      const after = tokens[j + 1]?.text ?? '';
      if (after === 'a' && tokens[j + 2]?.text === 'half') return { value: total + current + 0.5, next: j + 3 };
      // "a hundred and one" continues; "ten and" anything else ends the number.
      if (!(current >= 100 && (units.has(after) || tens.has(after)))) break;
    } else {
      break;
    }
  }
  if (!seen) return undefined;
  return withFraction(tokens, total + current, j);
}

function withFraction(tokens: readonly Token[], value: number, next: number): ParsedNumber {
  if (tokens[next]?.text === 'point') {
    const digit = tokens[next + 1];
    const fraction = digit ? (units.get(digit.text) ?? (/^\d+$/.test(digit.text) ? Number(digit.text) : undefined)) : undefined;
    if (fraction !== undefined && fraction < 10) return { value: value + fraction / 10, next: next + 2 };
  }
  if (tokens[next]?.text === 'and' && tokens[next + 1]?.text === 'a' && tokens[next + 2]?.text === 'half') {
    return { value: value + 0.5, next: next + 3 };
  }
  return { value, next };
}

/** "one oh one" → 101: spoken single digits read as a digit string. */
function digitRun(tokens: readonly Token[], i: number): ParsedNumber {
  let digits = '';
  let j = i;
  for (; j < tokens.length; j++) {
    const digit = spokenDigits.get(tokens[j]!.text);
    if (digit === undefined) break;
    digits += digit;
  }
  return withFraction(tokens, Number(digits), j);
}
