/**
 * Addresses below state level (Safe Harbor): street lines ("123 Main Street", "one twenty three
 * main street apartment four b"), city + state + zip ("Boston, MA 02118", "boston massachusetts
 * zero two one one eight"), counties, and "I live in <place>".
 */
import type { PhiSpan } from '../analysis.types.ts';
import { functionWords } from './common-words.ts';
import type { Cue } from './cues.ts';
import { isNumberAtom, type NumberRun } from './spoken-numbers.ts';
import { TokenKind, type Token } from './tokens.ts';

const streetSuffixes = new Set([
  'street', 'st', 'avenue', 'ave', 'av', 'road', 'rd', 'boulevard', 'blvd', 'drive', 'dr', 'lane', 'ln', 'way', 'court', 'ct',
  'place', 'pl', 'terrace', 'circle', 'cir', 'highway', 'hwy', 'parkway', 'pkwy', 'square', 'sq', 'trail', 'trl', 'loop',
  'alley', 'plaza', 'crescent', 'pike', 'turnpike', 'expressway', 'route', 'rte',
]);
const unitWords = new Set(['apartment', 'apt', 'unit', 'suite', 'ste', 'floor', 'room', 'building', 'bldg', 'lot']);
const directions = new Set(['north', 'south', 'east', 'west', 'n', 's', 'e', 'w', 'ne', 'nw', 'se', 'sw', 'northeast', 'northwest', 'southeast', 'southwest']);
const stateNames = new Map<string, number>();
for (const name of [
  'alabama', 'alaska', 'arizona', 'arkansas', 'california', 'colorado', 'connecticut', 'delaware', 'florida', 'georgia', 'hawaii',
  'idaho', 'illinois', 'indiana', 'iowa', 'kansas', 'kentucky', 'louisiana', 'maine', 'maryland', 'massachusetts', 'michigan',
  'minnesota', 'mississippi', 'missouri', 'montana', 'nebraska', 'nevada', 'new hampshire', 'new jersey', 'new mexico', 'new york',
  'north carolina', 'north dakota', 'ohio', 'oklahoma', 'oregon', 'pennsylvania', 'rhode island', 'south carolina', 'south dakota',
  'tennessee', 'texas', 'utah', 'vermont', 'virginia', 'washington', 'west virginia', 'wisconsin', 'wyoming', 'puerto rico',
]) stateNames.set(name, name.split(' ').length);
const stateCodes = new Set([
  'al', 'ak', 'az', 'ar', 'ca', 'co', 'ct', 'de', 'fl', 'ga', 'hi', 'id', 'il', 'in', 'ia', 'ks', 'ky', 'la', 'me', 'md', 'ma', 'mi',
  'mn', 'ms', 'mo', 'mt', 'ne', 'nv', 'nh', 'nj', 'nm', 'ny', 'nc', 'nd', 'oh', 'ok', 'or', 'pa', 'ri', 'sc', 'sd', 'tn', 'tx', 'ut',
  'vt', 'va', 'wa', 'wv', 'wi', 'wy', 'dc', 'pr',
]);

/** Length in tokens of the US state name or uppercase state code at token i, else 0. */
function stateAt(tokens: readonly Token[], i: number): number {
  const token = tokens[i];
  if (!token || token.kind !== TokenKind.Word) return 0;
  if (token.allUpper && token.norm.length === 2 && stateCodes.has(token.norm)) return 1;
  const two = tokens[i + 1] ? `${token.norm} ${tokens[i + 1]!.norm}` : '';
  if (stateNames.get(two) === 2) return 2;
  return stateNames.get(token.norm) === 1 ? 1 : 0;
}

function isPlaceWord(token: Token | undefined, mixedCase: boolean): boolean {
  if (!token || token.kind !== TokenKind.Word || functionWords.has(token.norm) || token.norm.length < 2) return false;
  return mixedCase ? token.upper : true;
}

const placePrepositions = new Set(['in', 'from', 'to', 'near', 'at', 'of', 'outside']);

export function detectAddresses(tokens: readonly Token[], runs: readonly NumberRun[], cues: readonly Cue[], mixedCase: boolean, out: PhiSpan[]): void {
  const runsByEnd = new Map<number, NumberRun>();
  const runsByStart = new Map<number, NumberRun>();
  for (const run of runs) {
    runsByEnd.set(run.endTok, run);
    runsByStart.set(run.startTok, run);
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== TokenKind.Word) continue;
    if (streetSuffixes.has(token.norm) && i > 0) streetLine(tokens, i, runsByEnd, mixedCase, out);
    else if (token.norm === 'county' && isPlaceWord(tokens[i - 1], mixedCase) && !directions.has(tokens[i - 1]!.norm)) {
      const start = isPlaceWord(tokens[i - 2], mixedCase) && mixedCase ? i - 2 : i - 1;
      out.push({ start: tokens[start]!.start, end: token.end, type: 'ADDRESS', confidence: 0.85, source: 'pattern' });
    } else {
      const stateLength = stateAt(tokens, i);
      if (stateLength > 0) cityStateZip(tokens, i, stateLength, runsByStart, mixedCase, out);
    }
  }
  for (const cue of cues) {
    if (cue.kind !== 'place') continue;
    // "I live in Springfield": one or two place words, unless it is only a state (states are not PHI).
    let end = cue.endTok;
    while (end < cue.endTok + 2 && isPlaceWord(tokens[end], mixedCase) && !isNumberAtom(tokens, end)) end++;
    if (end > cue.endTok && stateAt(tokens, cue.endTok) === 0) {
      out.push({ start: tokens[cue.endTok]!.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.7, source: 'context' });
    }
  }
}

/** "<number> <name words> <suffix> [apartment 4b]", reading back from the suffix. */
function streetLine(tokens: readonly Token[], suffixTok: number, runsByEnd: ReadonlyMap<number, NumberRun>, mixedCase: boolean, out: PhiSpan[]): void {
  // "Dr." before a capitalised word is a title, not a drive.
  if (tokens[suffixTok]!.norm === 'dr' && tokens[suffixTok + 1]?.norm === '.' && tokens[suffixTok + 2]?.upper) return;
  let t = suffixTok - 1;
  let nameWords = 0;
  // Walk back over up to three street-name words until a house number run ends.
  while (t >= 0 && nameWords < 3 && !runsByEnd.has(t + 1)) {
    const token = tokens[t]!;
    if (token.kind !== TokenKind.Word || functionWords.has(token.norm)) break;
    nameWords++;
    t--;
  }
  if (nameWords === 0) return;
  const run = runsByEnd.get(t + 1);
  let startTok: number;
  let confidence: number;
  if (run) {
    startTok = run.startTok;
    confidence = 0.9;
  } else if (mixedCase && tokens[t + 1]!.upper && tokens[suffixTok]!.upper) {
    // "on Elm Street": a street name alone is still an address element.
    startTok = t + 1;
    confidence = 0.7;
  } else {
    return;
  }
  let endTok = suffixTok + 1;
  if (tokens[endTok]?.norm === '.' && !tokens[endTok]!.spaced) endTok++;
  // Apartment or unit: "apartment four b", "apt 12", "#3".
  let u = tokens[endTok]?.norm === ',' ? endTok + 1 : endTok;
  if (tokens[u] && (unitWords.has(tokens[u]!.norm) || tokens[u]!.norm === '#')) {
    u++;
    if (tokens[u]?.norm === '.' || tokens[u]?.norm === '#' || tokens[u]?.norm === 'number') u++;
    let last = -1;
    while (tokens[u] && (isNumberAtom(tokens, u, last >= 0) || (tokens[u]!.kind === TokenKind.Word && tokens[u]!.norm.length === 1) || (tokens[u]!.kind === TokenKind.Word && !tokens[u]!.spaced))) {
      last = u;
      u++;
      if (u - last > 3) break;
    }
    if (last >= 0) endTok = last + 1;
  }
  out.push({ start: tokens[startTok]!.start, end: tokens[endTok - 1]!.end, type: 'ADDRESS', confidence, source: tokens[startTok]!.kind === TokenKind.Number ? 'pattern' : 'spoken' });
}

/** "Boston, MA 02118", "boston massachusetts zero two one one eight", "MA 02118". */
function cityStateZip(tokens: readonly Token[], stateTok: number, stateLength: number, runsByStart: ReadonlyMap<number, NumberRun>, mixedCase: boolean, out: PhiSpan[]): void {
  let zipStart = stateTok + stateLength;
  if (tokens[zipStart]?.norm === ',') zipStart++;
  const zip = runsByStart.get(zipStart);
  const hasZip = zip !== undefined && (zip.digits.length === 5 || zip.digits.length === 9);
  let cityEnd = stateTok;
  const comma = tokens[cityEnd - 1]?.norm === ',';
  if (comma) cityEnd--;
  let cityStart = cityEnd;
  while (cityStart > cityEnd - 3 && isPlaceWord(tokens[cityStart - 1], mixedCase) && (mixedCase || cityStart === cityEnd)) cityStart--;
  // A city needs a second signal: a comma or zip ("Boston, MA"), or a place preposition ("in boston massachusetts").
  const placeBefore = cityStart > 0 && placePrepositions.has(tokens[cityStart - 1]!.norm);
  const cityAllowed = cityStart < cityEnd && (comma || hasZip || placeBefore);
  if (!cityAllowed && !hasZip) return;
  const startTok = cityAllowed ? cityStart : stateTok;
  const endTok = hasZip ? zip.endTok : stateTok + stateLength;
  out.push({ start: tokens[startTok]!.start, end: tokens[endTok - 1]!.end, type: 'ADDRESS', confidence: hasZip ? 0.9 : 0.75, source: 'pattern' });
}
