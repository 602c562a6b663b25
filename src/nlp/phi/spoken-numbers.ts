/**
 * Spoken and written number runs: "five five five, two one two, thirty three forty four",
 * "double five", "oh" for zero, "(617) 555-0123", "one twenty three". A run is read digit by digit
 * the way callers read identifiers aloud; each group keeps its tokens so dates and ages can re-read it.
 */
import { TokenKind, type Token } from './tokens.ts';

export const digitWords: ReadonlyMap<string, number> = new Map([
  ['zero', 0], ['oh', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7], ['eight', 8], ['nine', 9],
]);
export const teenWords: ReadonlyMap<string, number> = new Map([
  ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13], ['fourteen', 14], ['fifteen', 15], ['sixteen', 16], ['seventeen', 17], ['eighteen', 18], ['nineteen', 19],
]);
export const tensWords: ReadonlyMap<string, number> = new Map([
  ['twenty', 20], ['thirty', 30], ['forty', 40], ['fourty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90],
]);
const repeatWords: ReadonlyMap<string, number> = new Map([['double', 2], ['triple', 3]]);
// Inside a run these carry no digits: "five five five, uh, two one two", "five five five dash ...".
const runFillers = new Set(['uh', 'um', 'umm', 'er', 'ah', 'dash', 'hyphen', 'slash']);
const softRunFillers = new Set(['like', 'sorry', 'so', 'then', 'and', 'okay', 'ok', 'actually', 'again', 'that', "that's", 'is', "it's", 'wait', 'no']);
const runPunct = new Set([',', '-', '.', '(', ')', '–']);

export type GroupKind = 'digit' | 'teen' | 'tens' | 'compound' | 'hundred' | 'thousand' | 'repeat' | 'written';

export interface NumberGroup {
  /** The digits this group contributes when read as an identifier ("thirty three" → "33"). */
  digits: string;
  /** Cardinal value ("a hundred and two" → 102); NaN for repeats. */
  value: number;
  kind: GroupKind;
  startTok: number;
  endTok: number;
}

export interface NumberRun {
  startTok: number;
  /** Exclusive. */
  endTok: number;
  start: number;
  end: number;
  digits: string;
  groups: NumberGroup[];
  /** Separator characters between written groups ("-", "(", ...), to tell 555-212-3344 from 123-45-6789. */
  writtenShape: string;
}

/** Word-level digit value: "five" → 5, "oh" → 0; "o" only next to other digits. */
function digitAt(tokens: readonly Token[], i: number, inRun: boolean): number | undefined {
  const token = tokens[i];
  if (!token || token.kind !== TokenKind.Word) return undefined;
  const value = digitWords.get(token.norm);
  if (value !== undefined) return value;
  if (token.norm === 'o' && (inRun || isDigitWord(tokens[i + 1]))) return 0;
  return undefined;
}

function isDigitWord(token: Token | undefined): boolean {
  return token !== undefined && token.kind === TokenKind.Word && digitWords.has(token.norm) && token.norm !== 'oh';
}

/** Could token i start or continue a number group? */
export function isNumberAtom(tokens: readonly Token[], i: number, inRun = false): boolean {
  const token = tokens[i];
  if (!token) return false;
  if (token.kind === TokenKind.Number) return true;
  if (token.kind !== TokenKind.Word) return false;
  const word = token.norm;
  if (digitWords.has(word) || teenWords.has(word) || tensWords.has(word)) {
    // "oh" alone is an interjection; it is a zero only inside a run or before another digit.
    // "Kettering, OH 45429": written in capitals before written digits, it is Ohio.
    if (word === 'oh' && token.allUpper && tokens[i + 1]?.kind === TokenKind.Number) return false;
    return word !== 'oh' || inRun || isNumberAtom(tokens, i + 1, true);
  }
  if (word === 'o') return inRun ? !isLetterToken(tokens[i + 1]) || isNumberAtom(tokens, i + 1, true) : isDigitWord(tokens[i + 1]);
  if (repeatWords.has(word)) return isNumberAtom(tokens, i + 1, true) && digitAt(tokens, i + 1, true) !== undefined;
  if (word === 'a') return tokens[i + 1]?.norm === 'hundred';
  return false;
}

function isLetterToken(token: Token | undefined): boolean {
  return token !== undefined && token.kind === TokenKind.Word && token.norm.length === 1;
}

/** Reads one group starting at token i; returns undefined when token i is not a number. */
export function readNumberGroup(tokens: readonly Token[], i: number, inRun: boolean): NumberGroup | undefined {
  const token = tokens[i];
  if (!token || !isNumberAtom(tokens, i, inRun)) return undefined;
  if (token.kind === TokenKind.Number) {
    return { digits: token.norm, value: Number(token.norm), kind: 'written', startTok: i, endTok: i + 1 };
  }
  const word = token.norm;
  const repeat = repeatWords.get(word);
  if (repeat !== undefined) {
    const digit = digitAt(tokens, i + 1, true) ?? 0;
    return { digits: String(digit).repeat(repeat), value: Number.NaN, kind: 'repeat', startTok: i, endTok: i + 2 };
  }
  const teen = teenWords.get(word);
  if (teen !== undefined) return hundreds(tokens, { digits: String(teen), value: teen, kind: 'teen', startTok: i, endTok: i + 1 });
  const tens = tensWords.get(word);
  if (tens !== undefined) {
    const unit = tokens[i + 1];
    const unitValue = unit && unit.norm !== 'oh' && unit.norm !== 'zero' && unit.norm !== 'o' ? digitWords.get(unit.norm) : undefined;
    if (unitValue !== undefined && unitValue > 0 && unit?.spaced !== false) {
      return hundreds(tokens, { digits: String(tens + unitValue), value: tens + unitValue, kind: 'compound', startTok: i, endTok: i + 2 });
    }
    return hundreds(tokens, { digits: String(tens), value: tens, kind: 'tens', startTok: i, endTok: i + 1 });
  }
  const digit = word === 'a' ? 1 : (digitAt(tokens, i, inRun) ?? 0);
  const next = tokens[i + 1]?.norm;
  if ((next === 'hundred' || next === 'thousand') && digit > 0) {
    const scale = next === 'hundred' ? 100 : 1000;
    let end = i + 2;
    let rest = 0;
    let restTokens = end;
    if (tokens[end]?.norm === 'and') restTokens = end + 1;
    const restGroup = readCardinalBelow(tokens, restTokens, scale);
    if (restGroup) {
      rest = restGroup.value;
      end = restGroup.endTok;
    }
    const value = digit * scale + rest;
    return { digits: String(value), value, kind: scale === 100 ? 'hundred' : 'thousand', startTok: i, endTok: end };
  }
  return { digits: String(digit), value: digit, kind: 'digit', startTok: i, endTok: i + 1 };
}

/** "forty two hundred", "twelve hundred (and six)": a two-digit group scaled by a following "hundred". */
function hundreds(tokens: readonly Token[], group: NumberGroup): NumberGroup {
  if (tokens[group.endTok]?.norm !== 'hundred') return group;
  let end = group.endTok + 1;
  let rest = 0;
  const restGroup = readCardinalBelow(tokens, tokens[end]?.norm === 'and' ? end + 1 : end, 100);
  if (restGroup) {
    rest = restGroup.value;
    end = restGroup.endTok;
  }
  const value = group.value * 100 + rest;
  return { digits: String(value), value, kind: 'hundred', startTok: group.startTok, endTok: end };
}

/** A cardinal under `limit` after "hundred"/"thousand": "and two", "twenty three", "five hundred and six". */
function readCardinalBelow(tokens: readonly Token[], i: number, limit: number): { value: number; endTok: number } | undefined {
  const token = tokens[i];
  if (!token || token.kind !== TokenKind.Word) return undefined;
  const word = token.norm;
  if (limit === 1000) {
    const digit = digitWords.get(word);
    if (digit !== undefined && digit > 0 && word !== 'oh' && tokens[i + 1]?.norm === 'hundred') {
      let endTok = i + 2;
      let rest = 0;
      const after = readCardinalBelow(tokens, tokens[endTok]?.norm === 'and' ? endTok + 1 : endTok, 100);
      if (after) {
        rest = after.value;
        endTok = after.endTok;
      }
      return { value: digit * 100 + rest, endTok };
    }
  }
  const twoDigits = readTeenOrTens(tokens, i);
  if (twoDigits) return twoDigits;
  const digit = digitWords.get(word);
  if (digit !== undefined && digit > 0 && word !== 'oh') return { value: digit, endTok: i + 1 };
  return undefined;
}

/** "twelve", "fifty", "fifty two" (not "fifty oh"): the two-digit spoken words at `i`. */
export function readTeenOrTens(tokens: readonly Token[], i: number): { value: number; endTok: number } | undefined {
  const word = tokens[i]?.norm ?? '';
  const teen = teenWords.get(word);
  if (teen !== undefined) return { value: teen, endTok: i + 1 };
  const tens = tensWords.get(word);
  if (tens !== undefined) {
    const unit = digitWords.get(tokens[i + 1]?.norm ?? '');
    if (unit !== undefined && unit > 0 && tokens[i + 1]?.norm !== 'oh') return { value: tens + unit, endTok: i + 2 };
    return { value: tens, endTok: i + 1 };
  }
  return undefined;
}

/** Finds every maximal number run in one left-to-right pass. */
export function findNumberRuns(tokens: readonly Token[]): NumberRun[] {
  const runs: NumberRun[] = [];
  let i = 0;
  while (i < tokens.length) {
    const first = readNumberGroup(tokens, i, false);
    if (!first) {
      i++;
      continue;
    }
    const groups: NumberGroup[] = [first];
    const separatorsBefore: string[] = [''];
    let next = first.endTok;
    for (;;) {
      // Skip separators and fillers, but only if another group follows them.
      let j = next;
      let separators = '';
      // Digits read one by one (not "eighteen sixteen fourteen and twelve", a list of ages).
      const digitsSoFar = groups.reduce((sum, group) => sum + (group.kind === 'digit' || group.kind === 'repeat' || group.kind === 'written' ? group.digits.length : 0), 0);
      while (j < tokens.length) {
        const token = tokens[j]!;
        if (token.kind === TokenKind.Punct && runPunct.has(token.norm)) separators += token.norm;
        else if (token.kind === TokenKind.Word && runFillers.has(token.norm)) separators += ' ';
        // Once a run looks like an identifier (three digits or more), talk inside it does not end it:
        // "six one seven, like, five five five", "four one five sorry four one six", "area code three one two then ...".
        // ... but a whole number already said ("... oh one four three, again that's five five five ...") is not
        // continued by talk: what follows is the number said again, a span of its own.
        else if (token.kind === TokenKind.Word && digitsSoFar >= 3 && digitsSoFar < 9 && softRunFillers.has(token.norm)) separators += ' ';
        else if (token.kind === TokenKind.Word && digitsSoFar >= 3 && digitsSoFar < 9 && ((token.norm === 'you' && tokens[j + 1]?.norm === 'know') || (token.norm === 'i' && tokens[j + 1]?.norm === 'mean'))) {
          separators += ' ';
          j++;
        } else break;
        j++;
      }
      const group = readNumberGroup(tokens, j, true);
      if (!group) break;
      separatorsBefore.push(separators.includes('-') ? '-' : separators.includes(')') ? ')' : separators.includes('.') ? '.' : ' ');
      groups.push(group);
      next = group.endTok;
    }
    const last = groups[groups.length - 1]!;
    // A "(" opening a written area code belongs to the run.
    const opener = first.kind === 'written' && i > 0 && tokens[i - 1]!.norm === '(' && !tokens[i]!.spaced ? i - 1 : i;
    runs.push({
      startTok: opener,
      endTok: last.endTok,
      start: tokens[opener]!.start,
      end: tokens[last.endTok - 1]!.end,
      digits: groups.map((group) => group.digits).join(''),
      groups,
      writtenShape: groups.every((group) => group.kind === 'written')
        ? groups.map((group, k) => `${separatorsBefore[k]}${group.digits.length}`).join('')
        : '',
    });
    i = last.endTok;
  }
  return runs;
}
