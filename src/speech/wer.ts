/**
 * Word error rate, the standard measure of a transcript against what was said: (substitutions +
 * deletions + insertions) / words said, over a minimum-edit (Levenshtein) alignment of words.
 *
 * Hand-rolled: the npm packages for edit distance (fastest-levenshtein, js-levenshtein) work on
 * characters, not on words, and none that computes WER with its parts is well kept; the algorithm
 * is a textbook dynamic programme of a dozen lines.
 */

const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** A whole number 0..999,999 in words, as a recogniser writes it ("twenty five"). */
function numberInWords(value: number): string {
  if (value < 20) return ones[value]!;
  if (value < 100) return `${tens[Math.floor(value / 10)]}${value % 10 ? ` ${ones[value % 10]}` : ''}`;
  if (value < 1000) return `${ones[Math.floor(value / 100)]} hundred${value % 100 ? ` ${numberInWords(value % 100)}` : ''}`;
  return `${numberInWords(Math.floor(value / 1000))} thousand${value % 1000 ? ` ${numberInWords(value % 1000)}` : ''}`;
}

/**
 * Lowercase words without punctuation, digits spelled out ("10mg" → "ten mg", "2.5" → "two point
 * five"), hyphens and slashes as spaces, apostrophes kept inside words ("don't").
 */
export function normalizeForWer(text: string): string {
  return text
    .toLowerCase()
    .replace(/(\d)([a-z])/g, '$1 $2')
    .replace(/(\d+)\.(\d+)/g, (_, whole: string, fraction: string) => `${whole} point ${fraction.split('').join(' ')}`)
    .replace(/\d+/g, (digits) => (digits.length <= 6 ? numberInWords(Number(digits)) : digits.split('').map((digit) => ones[Number(digit)]).join(' ')))
    .replace(/[-/]/g, ' ')
    .replace(/[^a-z' ]+/g, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

export interface WordErrors {
  /** (substitutions + deletions + insertions) / referenceWords; 0 for two empty texts, 1 per word heard when nothing was said. */
  wer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  referenceWords: number;
}

/** WER of `hypothesis` (what the engine wrote) against `reference` (what was said), both normalised first. */
export function wordErrorRate(reference: string, hypothesis: string): WordErrors {
  const said = normalizeForWer(reference).split(' ').filter(Boolean);
  const heard = normalizeForWer(hypothesis).split(' ').filter(Boolean);
  // cost[i][j]: edits to turn said[0..i) into heard[0..j); the parts are recovered by walking back.
  const cost: number[][] = Array.from({ length: said.length + 1 }, (_, i) => Array.from({ length: heard.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= said.length; i++) {
    for (let j = 1; j <= heard.length; j++) {
      const same = said[i - 1] === heard[j - 1] ? 0 : 1;
      cost[i]![j] = Math.min(cost[i - 1]![j - 1]! + same, cost[i - 1]![j]! + 1, cost[i]![j - 1]! + 1);
    }
  }
  let substitutions = 0;
  let deletions = 0;
  let insertions = 0;
  let i = said.length;
  let j = heard.length;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i]![j] === cost[i - 1]![j - 1]! + (said[i - 1] === heard[j - 1] ? 0 : 1)) {
      if (said[i - 1] !== heard[j - 1]) substitutions += 1;
      i -= 1;
      j -= 1;
    } else if (i > 0 && cost[i]![j] === cost[i - 1]![j]! + 1) {
      deletions += 1;
      i -= 1;
    } else {
      insertions += 1;
      j -= 1;
    }
  }
  const errors = substitutions + deletions + insertions;
  return { wer: said.length === 0 ? errors : errors / said.length, substitutions, deletions, insertions, referenceWords: said.length };
}
