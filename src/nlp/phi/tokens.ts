/**
 * One tokenisation pass shared by every PHI detector: words (letters, with inner apostrophes),
 * digit runs, and single punctuation characters, each with UTF-16 offsets into the text.
 */

export const TokenKind = { Word: 0, Number: 1, Punct: 2 } as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface Token {
  start: number;
  end: number;
  kind: TokenKind;
  /** Lowercased text with diacritics removed, so "Nguyễn" matches the lexicon entry "nguyen". */
  norm: string;
  /** Starts with an uppercase letter (a name signal only when the text has mixed case). */
  upper: boolean;
  /** Every letter is uppercase ("MRN", "XYZ"). */
  allUpper: boolean;
  /** Whitespace (or start of text) separates this token from the previous one. */
  spaced: boolean;
  /** The word carries letters outside ASCII ("Tô", "Mỹ"): not the English word its folded form spells. */
  accented: boolean;
}

// Letters with combining marks and inner apostrophes ("o'brien", "that's"), digit runs, any other single character.
const tokenPattern = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\d+|\S/gu;
const combiningMarks = /[\u0300-\u036f]/g;
const asciiWord = /^[a-z0-9']*$/;

/** Lowercase, strip diacritics, and fold the typographic apostrophe. */
export function normalizeWord(word: string): string {
  const lower = word.toLowerCase().replace('’', "'");
  if (asciiWord.test(lower)) return lower;
  const folded = lower.normalize('NFD').replace(combiningMarks, '');
  return hasFoldable.test(folded) ? folded.replace(foldable, (ch) => letterFolds[ch] ?? ch) : folded;
}

// Letters NFD does not decompose: "Wacław" → "waclaw", "Søren" → "soren", "Þóra" → "thora".
const letterFolds: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i', ħ: 'h', ŧ: 't', ŋ: 'ng', ə: 'e' };
const foldable = /[łøđðþßæœıħŧŋə]/g;
const hasFoldable = /[łøđðþßæœıħŧŋə]/;

/** Splits `text` into tokens in one regex pass. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  let previousEnd = -1;
  for (let match = tokenPattern.exec(text); match !== null; match = tokenPattern.exec(text)) {
    const raw = match[0];
    const start = match.index;
    const first = raw.charCodeAt(0);
    const kind: TokenKind = first >= 48 && first <= 57 ? TokenKind.Number : isLetterStart(raw) ? TokenKind.Word : TokenKind.Punct;
    const lower = raw.toLowerCase();
    const ascii = asciiWord.test(lower);
    // "twenty-five", "thirty-first": a hyphen glued between a tens word and a unit is dropped, so
    // the pair reads like "twenty five" (the unit counts as spaced; offsets are unchanged).
    let spaced = previousEnd < 0 ? true : start > previousEnd;
    if (kind === TokenKind.Word && !spaced && tokens.length >= 2) {
      const dash = tokens[tokens.length - 1]!;
      const tens = tokens[tokens.length - 2]!;
      if (dash.norm === '-' && !dash.spaced && hyphenTens.has(tens.norm) && hyphenUnits.has(lower)) {
        tokens.pop();
        spaced = true;
      }
    }
    tokens.push({
      start,
      end: start + raw.length,
      kind,
      norm: kind !== TokenKind.Word ? raw : ascii ? lower : normalizeWord(raw),
      upper: kind === TokenKind.Word && raw !== lower && raw[0] !== lower[0],
      allUpper: kind === TokenKind.Word && raw !== lower && raw === raw.toUpperCase(),
      spaced,
      accented: kind === TokenKind.Word && !ascii && !lower.includes('’'),
    });
    previousEnd = start + raw.length;
  }
  return tokens;
}

const hyphenTens = new Set(['twenty', 'thirty', 'forty', 'fourty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety']);
const hyphenUnits = new Set([
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine',
  'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth',
]);

const letterStart = /^[\p{L}\p{M}]/u;
function isLetterStart(raw: string): boolean {
  const code = raw.charCodeAt(0);
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return true;
  return code > 127 && letterStart.test(raw);
}

/** Does the text use capitals as a signal (mixed case), or is it ASR-style lowercase or shouted uppercase? */
export function hasMixedCase(text: string): boolean {
  return /[a-z]/.test(text) && /[A-Z]/.test(text) && text !== text.toUpperCase();
}
