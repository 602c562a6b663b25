/**
 * Addresses below state level (Safe Harbor): street lines ("123 Main Street", "one twenty three
 * main street apartment four b"), city + state + zip ("Boston, MA 02118", "boston massachusetts
 * zero two one one eight"), counties, and "I live in <place>".
 */
import { allLocales } from '@faker-js/faker';
import type { PhiSpan } from '../analysis.types.ts';
import { clinicalWords, functionWords } from './common-words.ts';
import { everydayWords } from './name-lexicon.ts';
import type { Cue } from './cues.ts';
import { isNumberAtom, type NumberRun } from './spoken-numbers.ts';
import { TokenKind, type Token } from './tokens.ts';

const streetSuffixes = new Set([
  'street', 'st', 'avenue', 'ave', 'road', 'rd', 'boulevard', 'blvd', 'drive', 'dr', 'lane', 'ln', 'way', 'court', 'ct',
  'place', 'pl', 'terrace', 'circle', 'cir', 'highway', 'hwy', 'parkway', 'pkwy', 'square', 'sq', 'trail', 'trl', 'loop',
  'alley', 'plaza', 'crescent', 'pike', 'turnpike', 'expressway', 'route', 'rte',
]);
/**
 * Further USPS street suffixes (Publication 28). Many are everyday words ("hill", "falls", "view"),
 * so they only end a street line that starts with a house number.
 */
const numberedStreetSuffixes = new Set([
  'bend', 'bluff', 'bluffs', 'bottom', 'branch', 'bridge', 'brook', 'brooks', 'burg', 'burgs', 'bypass', 'camp', 'canyon', 'cape',
  'causeway', 'center', 'centers', 'circles', 'cliff', 'cliffs', 'club', 'common', 'commons', 'corner', 'corners', 'course',
  'courts', 'cove', 'coves', 'creek', 'crest', 'crossing', 'crossroad', 'curve', 'dale', 'dam', 'divide', 'drives', 'estate',
  'estates', 'extension', 'extensions', 'falls', 'ferry', 'flat', 'flats', 'ford', 'fords', 'forest', 'forge', 'forges', 'fork',
  'forks', 'fort', 'freeway', 'garden', 'gardens', 'gateway', 'glen', 'glens', 'green', 'greens', 'grove', 'groves', 'harbor',
  'harbors', 'haven', 'heights', 'hill', 'hills', 'hollow', 'inlet', 'island', 'islands', 'isle', 'junction', 'junctions', 'key',
  'keys', 'knoll', 'knolls', 'lake', 'lakes', 'landing', 'lanes', 'light', 'lights', 'loaf', 'lock', 'locks', 'lodge', 'mall',
  'manor', 'manors', 'meadow', 'meadows', 'mews', 'mill', 'mills', 'mission', 'motorway', 'mount', 'mountain', 'mountains', 'neck',
  'orchard', 'oval', 'overpass', 'park', 'parks', 'parkways', 'pass', 'passage', 'path', 'pine', 'pines', 'plain', 'plains',
  'point', 'points', 'port', 'ports', 'prairie', 'radial', 'ramp', 'ranch', 'rapid', 'rapids', 'rest', 'ridge', 'ridges', 'river',
  'roads', 'row', 'rue', 'run', 'shoal', 'shoals', 'shore', 'shores', 'skyway', 'spring', 'springs', 'spur', 'spurs', 'squares',
  'station', 'stravenue', 'stream', 'streets', 'summit', 'trace', 'track', 'trafficway', 'tunnel', 'underpass', 'union', 'unions',
  'valley', 'valleys', 'viaduct', 'view', 'views', 'village', 'villages', 'ville', 'vista', 'walk', 'walks', 'wall', 'ways',
  'well', 'wells',
]);
// Words that make "<number> ... <suffix>" a quantity, not a street: "two days rest", "three pills well".
const quantityWords = new Set(['cc', 'ml', 'unit', 'pills', 'pill', 'tablets', 'tablet', 'mg', 'milligrams', 'units', 'cups', 'times', 'days', 'weeks', 'months', 'years', 'hours', 'minutes', 'miles', 'blocks', 'percent', 'degrees', 'pounds', 'kids', 'children']);
// "Oak Street Clinic": a street name that names an organisation is not an address.
const ordinalSuffixes = new Set(['st', 'nd', 'rd', 'th']);
const ordinalStreetWords = new Set(['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth']);
const addressFillers = new Set(['uh', 'um', 'like', 'so', 'now', 'still', 'and', 'you', 'know', ',', 'over', 'out', 'up', 'down']);
// Function words that often start a street name: "Old Mill Parkway", "New Hope Road".
const streetNameWords = new Set(['old', 'new', 'little', 'big', 'upper', 'lower', 'high', 'long', 'great']);
// Street words that take a number after them: "Highway 7", "Route 9", "County Road 12".
const numberedRoads = new Set(['highway', 'hwy', 'route', 'rte', 'road', 'rd']);
const grammarWords = new Set(['the', 'a', 'an', 'to', 'of', 'and', 'or', 'my', 'your', 'his', 'her', 'our', 'their', 'in', 'on', 'at', 'for', 'with', 'is', 'was', 'are', 'that', 'this', 'from', 'by', 'about', 'near', 'off', 'down', 'up', 'over', 'just', 'then', 'there', 'here', 'very', 'some', 'every', 'each', 'other', 'only', 'also', 'still', 'now']);
// "space fourteen": the pad of a home in a mobile-home park, said like a unit after the street line.
const unitWords = new Set(['apartment', 'apt', 'unit', 'suite', 'ste', 'floor', 'room', 'building', 'bldg', 'lot', 'space']);
const unitLineWords = new Set(['apt', 'apartment', 'suite', 'ste', 'unit']);
const directions = new Set(['north', 'south', 'east', 'west', 'n', 's', 'e', 'w', 'ne', 'nw', 'se', 'sw', 'northeast', 'northwest', 'southeast', 'southwest']);
const stateNames = new Map<string, number>();
for (const name of [
  'alabama', 'alaska', 'arizona', 'arkansas', 'california', 'colorado', 'connecticut', 'delaware', 'florida', 'georgia', 'hawaii',
  'idaho', 'illinois', 'indiana', 'iowa', 'kansas', 'kentucky', 'louisiana', 'maine', 'maryland', 'massachusetts', 'michigan',
  'minnesota', 'mississippi', 'missouri', 'montana', 'nebraska', 'nevada', 'new hampshire', 'new jersey', 'new mexico', 'new york',
  'north carolina', 'north dakota', 'ohio', 'oklahoma', 'oregon', 'pennsylvania', 'rhode island', 'south carolina', 'south dakota',
  'tennessee', 'texas', 'utah', 'vermont', 'virginia', 'washington', 'west virginia', 'wisconsin', 'wyoming', 'puerto rico',
]) stateNames.set(name, name.split(' ').length);
const twoWordStateStarts = new Set([...stateNames.keys()].filter((name) => name.includes(' ')).map((name) => name.split(' ')[0]!));
const stateCodes = new Set([
  'al', 'ak', 'az', 'ar', 'ca', 'co', 'ct', 'de', 'fl', 'ga', 'hi', 'id', 'il', 'in', 'ia', 'ks', 'ky', 'la', 'me', 'md', 'ma', 'mi',
  'mn', 'ms', 'mo', 'mt', 'ne', 'nv', 'nh', 'nj', 'nm', 'ny', 'nc', 'nd', 'oh', 'ok', 'or', 'pa', 'ri', 'sc', 'sd', 'tn', 'tx', 'ut',
  'vt', 'va', 'wa', 'wv', 'wi', 'wy', 'dc', 'pr',
]);

// State codes that are also words or clinical abbreviations ("IN", "OR", "CO", "CT", "MD"): they need a ZIP after them.
const ambiguousStateCodes = new Set(['in', 'or', 'co', 'ct', 'me', 'oh', 'ok', 'hi', 'md', 'id', 'pa', 'de', 'ne', 'la', 'ma', 'al', 'mi', 'ms', 'mt', 'va', 'wa', 'sc', 'nd', 'ga', 'ar', 'ia', 'pr', 'ut', 'dc', 'tn']);

/** A state code counts when a ZIP follows it, or when it is unambiguous and the text has mixed case ("Boston, MA"). */
function stateCodeBacked(tokens: readonly Token[], i: number): boolean {
  let z = i + 1;
  if (tokens[z]?.norm === ',') z++;
  const zip = tokens[z];
  if (zip && zip.kind === TokenKind.Number && (zip.norm.length === 5 || (zip.norm.length === 9))) return true;
  if (ambiguousStateCodes.has(tokens[i]!.norm)) return false;
  // In all-capitals text every word looks like a code.
  let mixed = capitalisedCache.get(tokens);
  if (mixed === undefined) {
    mixed = tokens.some((token) => token.kind === TokenKind.Word && !token.allUpper && token.upper);
    capitalisedCache.set(tokens, mixed);
  }
  return mixed;
}
const capitalisedCache = new WeakMap<readonly Token[], boolean>();

/** Is this word a US state's name, or its first word ("oregon", "new")? States are not PHI. */
export function isStateWord(norm: string): boolean {
  return stateNames.has(norm);
}

/** Length in tokens of the US state name or uppercase state code at token i, else 0. */
function stateAt(tokens: readonly Token[], i: number): number {
  const token = tokens[i];
  if (!token || token.kind !== TokenKind.Word) return 0;
  if (token.allUpper && token.norm.length === 2 && stateCodes.has(token.norm)) return stateCodeBacked(tokens, i) ? 1 : 0;
  const two = tokens[i + 1] && twoWordStateStarts.has(token.norm) ? `${token.norm} ${tokens[i + 1]!.norm}` : '';
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
    if ((streetSuffixes.has(token.norm) || numberedStreetSuffixes.has(token.norm)) && i > 0) streetLine(tokens, i, runsByEnd, runsByStart, mixedCase, out);
    else if (token.norm === 'county' && isPlaceWord(tokens[i - 1], mixedCase) && !directions.has(tokens[i - 1]!.norm)) {
      const start = isPlaceWord(tokens[i - 2], mixedCase) && mixedCase ? i - 2 : i - 1;
      out.push({ start: tokens[start]!.start, end: token.end, type: 'ADDRESS', confidence: 0.85, source: 'pattern' });
    } else {
      const stateLength = stateAt(tokens, i);
      if (stateLength > 0) cityStateZip(tokens, i, stateLength, runsByStart, mixedCase, out);
    }
  }
  prefixedStreets(tokens, runsByStart, runsByEnd, mixedCase, out);
  poBoxes(tokens, runsByStart, runsByEnd, mixedCase, out);
  directionStreets(tokens, runs, out);
  knownCities(tokens, mixedCase, out);
  if (mixedCase) numberAfterStreet(tokens, runs, runsByStart, cues, out);
  unitLines(tokens, runsByStart, runsByEnd, mixedCase, out);
  for (const cue of cues) {
    if (cue.kind !== 'place') continue;
    // "I live in Springfield": one or two place words, unless it is only a state (states are not PHI).
    let end = cue.endTok;
    while (end < cue.endTok + 2 && isPlaceWord(tokens[end], mixedCase) && !isNumberAtom(tokens, end)) end++;
    if (end > cue.endTok && stateAt(tokens, cue.endTok) === 0) {
      out.push({ start: tokens[cue.endTok]!.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.7, source: 'context' });
    }
  }
  for (const cue of cues) if (cue.kind === 'place-now') placeWhereThePersonIs(tokens, cue.endTok, mixedCase, out);
}

/**
 * "we're out in lukachukai", "i live up in Kayenta", "outside of Tucumcari": a town after a loose
 * place phrase about where someone is or lives. "I'm in pain", "we're in a rush" are not places: the
 * first word must be one no dictionary knows (capitalised, in mixed-case text), and no state.
 */
function placeWhereThePersonIs(tokens: readonly Token[], from: number, mixedCase: boolean, out: PhiSpan[]): void {
  const first = tokens[from];
  if (!isPlaceWord(first, mixedCase) || isNumberAtom(tokens, from) || stateAt(tokens, from) > 0) return;
  if (everydayWords.has(first!.norm) || functionWords.has(first!.norm) || (mixedCase && first!.allUpper)) return;
  let end = from + 1;
  // A second word belongs to the town when it is no everyday word either, or the two name a known city.
  if (isPlaceWord(tokens[end], mixedCase) && !isNumberAtom(tokens, end) && !stateAt(tokens, end)
    && (knownCityAt(tokens, from, 2) || (!everydayWords.has(tokens[end]!.norm) && !functionWords.has(tokens[end]!.norm) && !subjectWords.has(tokens[end]!.norm)))) end++;
  out.push({ start: first!.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.7, source: 'context' });
}
const subjectWords = new Set(['i', "i'm", 'we', "we're", 'he', 'she', 'they', 'you', 'um', 'uh', 'so', 'and', 'but']);

// Street types said before the street's name, as in Spanish, Italian and French street names.
const prefixStreetTypes = new Set(['calle', 'camino', 'avenida', 'paseo', 'callejon', 'vereda', 'carretera']);
const prefixStreetParticles = new Set(['del', 'de', 'la', 'las', 'los', 'el', 'san', 'santa', 'do', 'da', 'des', 'du']);

/**
 * "nine hundred eighteen calle del monte", "812 Camino Real", "eight twelve calle ocho in alamosa":
 * a house number, then a street type said first, then one to three name words; the city after it.
 */
function prefixedStreets(tokens: readonly Token[], runsByStart: ReadonlyMap<number, NumberRun>, runsByEnd: ReadonlyMap<number, NumberRun>, mixedCase: boolean, out: PhiSpan[]): void {
  for (let i = 1; i < tokens.length; i++) {
    if (!prefixStreetTypes.has(tokens[i]!.norm) || tokens[i]!.kind !== TokenKind.Word) continue;
    const house = runsByEnd.get(i);
    if (!house || house.digits.length > 6) continue;
    let end = i + 1;
    let nameWords = 0;
    while (end < i + 5 && tokens[end]?.kind === TokenKind.Word && (prefixStreetParticles.has(tokens[end]!.norm) || !functionWords.has(tokens[end]!.norm)) && !stateAt(tokens, end)) {
      if (mixedCase && !tokens[end]!.upper && !prefixStreetParticles.has(tokens[end]!.norm)) break;
      if (!prefixStreetParticles.has(tokens[end]!.norm)) nameWords++;
      end++;
      if (nameWords >= 2 || (nameWords === 1 && !prefixStreetParticles.has(tokens[end - 1]!.norm) && !prefixStreetParticles.has(tokens[end]?.norm ?? '') && !(mixedCase && tokens[end]?.upper))) break;
    }
    while (end > i + 1 && prefixStreetParticles.has(tokens[end - 1]!.norm)) end--;
    if (nameWords === 0 || end === i + 1) continue;
    out.push({ start: house.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.85, source: house.writtenShape ? 'pattern' : 'spoken' });
    cityAfterStreet(tokens, end, runsByStart, mixedCase, out);
    i = end - 1;
  }
}

/** "<number> <name words> <suffix> [apartment 4b] [city] [zip]", reading back from the suffix. */
function streetLine(tokens: readonly Token[], suffixTok: number, runsByEnd: ReadonlyMap<number, NumberRun>, runsByStart: ReadonlyMap<number, NumberRun>, mixedCase: boolean, out: PhiSpan[]): void {
  // "Dr." before a capitalised word is a title, not a drive.
  if (tokens[suffixTok]!.norm === 'dr' && tokens[suffixTok + 1]?.norm === '.' && tokens[suffixTok + 2]?.upper) return;
  const numberedOnly = !streetSuffixes.has(tokens[suffixTok]!.norm);
  if (numberedOnly && mixedCase && !tokens[suffixTok]!.upper) return;
  let t = suffixTok - 1;
  let nameWords = 0;
  let houseStart = -1;
  // Walk back over up to four street-name words ("w 7th", "martin luther king") until a house number run ends.
  while (t >= 0 && nameWords < 4) {
    const token = tokens[t]!;
    if (token.kind === TokenKind.Word && ordinalSuffixes.has(token.norm) && !token.spaced && tokens[t - 1]?.kind === TokenKind.Number) {
      nameWords++;
      // "fifty nine eighty nine 15th street": the house number run swallowed the street's ordinal.
      const merged = runsByEnd.get(t);
      if (merged && merged.startTok < t - 1) {
        houseStart = merged.startTok;
        break;
      }
      t -= 2;
      continue;
    }
    if (runsByEnd.has(t + 1)) break;
    // "210 N. Cedar St": a period after a direction abbreviation.
    if (token.norm === '.' && !token.spaced && directions.has(tokens[t - 1]?.norm ?? '') && tokens[t - 1]!.kind === TokenKind.Word) {
      t--;
      continue;
    }
    // A common noun inside a street name ("west indian school road") once a name word is read; never a grammatical word.
    const innerNoun = !mixedCase && nameWords < 3 && token.norm.length > 3 && !grammarWords.has(token.norm) && runsByEnd.has(t) === false && (runsByEnd.has(t - 1) || directions.has(tokens[t - 1]?.norm ?? '') || (tokens[t - 1]?.kind === TokenKind.Word && !functionWords.has(tokens[t - 1]!.norm)));
    const nameLike = !functionWords.has(token.norm) || ordinalStreetWords.has(token.norm) || streetNameWords.has(token.norm) || (mixedCase && token.upper && token.norm.length > 1 && nameWords > 0) || innerNoun;
    if (token.kind !== TokenKind.Word || !nameLike || quantityWords.has(token.norm)) break;
    nameWords++;
    t--;
  }
  // "one eleven highway seventy", "forty county road nine": a numbered road right after the house number.
  if (nameWords === 0 && numberedRoads.has(tokens[suffixTok]!.norm) && runsByEnd.has(suffixTok) && runsByStart.has(suffixTok + 1)) {
    const house = runsByEnd.get(suffixTok)!;
    const road = runsByStart.get(suffixTok + 1)!;
    if (house.digits.length <= 6 && road.digits.length <= 3) {
      out.push({ start: house.start, end: road.end, type: 'ADDRESS', confidence: 0.8, source: 'spoken' });
      return;
    }
  }
  if (nameWords === 0) return;
  let run = runsByEnd.get(t + 1);
  // "four fifty east sixty third street": the run before the street name is its number ("sixty"), the house number comes before it.
  if (run && run.groups.length === 1 && ordinalStreetWords.has(tokens[run.endTok]?.norm ?? '') && run.endTok === t + 1) {
    let b = run.startTok - 1;
    if (directions.has(tokens[b]?.norm ?? '')) b--;
    const house = runsByEnd.get(b + 1);
    if (house && house.digits.length <= 6) run = house;
  }
  let startTok: number;
  let confidence: number;
  if (houseStart >= 0) {
    startTok = houseStart;
    confidence = 0.9;
  } else if (run && run.digits.length <= 6 && !(numberedOnly && run.writtenShape === '' && run.digits.length < 2)) {
    startTok = run.startTok;
    confidence = 0.9;
  } else {
    // "the pharmacy on Elm Street": a street name alone is not an address (docs/guides/labelling-calls.md §3).
    return;
  }
  let endTok = suffixTok + 1;
  if (tokens[endTok]?.norm === '.' && !tokens[endTok]!.spaced) endTok++;
  else if (numberedRoads.has(tokens[suffixTok]!.norm)) {
    const roadNumber = runsByStart.get(endTok);
    if (roadNumber && roadNumber.groups.length === 1 && roadNumber.digits.length <= 3) {
      endTok = roadNumber.endTok;
      // "county road ten south": a compass direction said after the road number belongs to it.
      if (directions.has(tokens[endTok]?.norm ?? '') && tokens[endTok]!.norm.length > 2) endTok++;
    }
  }
  // Apartment or unit: "apartment four b", "apt 12", "#3".
  let u = tokens[endTok]?.norm === ',' ? endTok + 1 : endTok;
  if (tokens[u] && (unitWords.has(tokens[u]!.norm) || tokens[u]!.norm === '#' || ((tokens[u]!.norm === 'number' || tokens[u]!.norm === 'no') && isNumberAtom(tokens, u + 1)))) {
    u++;
    if (tokens[u]?.norm === '.' || tokens[u]?.norm === '#' || tokens[u]?.norm === 'number') u++;
    let last = -1;
    for (;;) {
      const unitRun = runsByStart.get(u);
      if (unitRun && unitRun.digits.length <= 5) {
        last = unitRun.endTok - 1;
        u = unitRun.endTok;
        continue;
      }
      if (!(tokens[u] && (isNumberAtom(tokens, u, last >= 0) || (tokens[u]!.kind === TokenKind.Word && tokens[u]!.norm.length === 1) || (tokens[u]!.kind === TokenKind.Word && !tokens[u]!.spaced)))) break;
      last = u;
      u++;
      if (u - last > 3) break;
    }
    if (last >= 0) endTok = last + 1;
  }
  out.push({ start: tokens[startTok]!.start, end: tokens[endTok - 1]!.end, type: 'ADDRESS', confidence, source: tokens[startTok]!.kind === TokenKind.Number ? 'pattern' : 'spoken' });
  if (run || houseStart >= 0) cityAfterStreet(tokens, endTok, runsByStart, mixedCase, out);
}

/**
 * After a numbered street line: "... apartment six chattanooga three two nine nine five",
 * "... now still in kalamazoo", "..., Springfield 01109": the city (and ZIP) that follow it.
 */
function cityAfterStreet(tokens: readonly Token[], from: number, runsByStart: ReadonlyMap<number, NumberRun>, mixedCase: boolean, out: PhiSpan[], afterBox = false): void {
  let t = from;
  let preposition = false;
  for (let k = 0; k < 5 && tokens[t]; k++) {
    if (tokens[t]!.norm === 'in') preposition = true;
    else if (!addressFillers.has(tokens[t]!.norm)) break;
    t++;
  }
  const cityStart = t;
  let cityEnd = t;
  while (cityEnd < cityStart + 3 && (isPlaceWord(tokens[cityEnd], mixedCase) || (tokens[cityEnd]?.norm === 'new' && isPlaceWord(tokens[cityEnd + 1], mixedCase))) && !isNumberAtom(tokens, cityEnd) && !stateAt(tokens, cityEnd)) cityEnd++;
  let z = cityEnd;
  if (tokens[z]?.norm === ',') z++;
  const state = stateAt(tokens, z);
  if (state) z += state;
  if (tokens[z]?.norm === ',') z++;
  const zip = runsByStart.get(z);
  const hasZip = zip !== undefined && (zip.digits.length === 5 || zip.digits.length === 9);
  // After a box in written text, a capitalised word after a comma is its town.
  const boxTown = afterBox && mixedCase && tokens[from]?.norm === ',' && cityEnd > cityStart;
  if (cityEnd > cityStart && (hasZip || preposition || state || boxTown)) {
    // Without a ZIP, a lowercase city is one or two words ("ann arbor", "kalamazoo").
    // "still in dayton someone will call": a second everyday word is the next clause, unless the two name a known city.
    let end = hasZip ? cityEnd : Math.min(cityEnd, cityStart + 2);
    if (!hasZip && !state && !mixedCase && end === cityStart + 2 && everydayWords.has(tokens[cityStart + 1]!.norm) && !knownCityAt(tokens, cityStart, 2)) end = cityStart + 1;
    out.push({ start: tokens[cityStart]!.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.8, source: 'context' });
  }
  if (hasZip && (cityEnd > cityStart || state)) out.push({ start: zip.start, end: zip.end, type: 'ADDRESS', confidence: 0.85, source: zip.writtenShape ? 'pattern' : 'spoken' });
}

/**
 * House number after the street name, as in much of Europe: "1072 Pohlstrasse 9", "3482 Via
 * Franscini 71", or "lives on Via Tasso 129": capitalised words between a number (or a place cue)
 * and a short number.
 */
function numberAfterStreet(tokens: readonly Token[], runs: readonly NumberRun[], runsByStart: ReadonlyMap<number, NumberRun>, cues: readonly Cue[], out: PhiSpan[]): void {
  const starts: { from: number; startTok: number }[] = [];
  for (const run of runs) if (run.groups.length === 1 && run.writtenShape !== '' && run.digits.length <= 5) starts.push({ from: run.endTok, startTok: run.startTok });
  for (const cue of cues) if (cue.kind === 'place') starts.push({ from: cue.endTok, startTok: cue.endTok });
  for (const { from, startTok } of starts) {
    let t = from;
    while (t < from + 3 && tokens[t] && tokens[t]!.kind === TokenKind.Word && tokens[t]!.upper && !tokens[t]!.allUpper && tokens[t]!.spaced && !functionWords.has(tokens[t]!.norm)) t++;
    if (t === from) continue;
    const house = runsByStart.get(t);
    if (!house || house.groups.length !== 1 || house.writtenShape === '' || house.digits.length > 4 || !tokens[t]!.spaced) continue;
    const next = tokens[house.endTok];
    if (next && !next.spaced && next.kind === TokenKind.Word) continue; // "9am", "5mg"
    out.push({ start: tokens[startTok]!.start, end: house.end, type: 'ADDRESS', confidence: 0.8, source: 'pattern' });
  }
}

/**
 * "P.O. Box 4471", "p o box one two three", "post office box 88", "rural route 2 box 45",
 * "RR 2 Box 45": a box number with what names the box before it.
 */
function poBoxes(tokens: readonly Token[], runsByStart: ReadonlyMap<number, NumberRun>, runsByEnd: ReadonlyMap<number, NumberRun>, mixedCase: boolean, out: PhiSpan[]): void {
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i]!.norm !== 'box') continue;
    let v = i + 1;
    while (tokens[v]?.norm === '#' || tokens[v]?.norm === 'number' || tokens[v]?.norm === 'no' || tokens[v]?.norm === '.') v++;
    const box = runsByStart.get(v);
    if (!box) continue;
    let b = i - 1;
    while (b > 0 && tokens[b]!.norm === '.') b--;
    let start = -1;
    const norm = tokens[b]!.norm;
    if (norm === 'po' || norm === 'pob') start = b;
    else if (norm === 'o' || norm === 'office') {
      let p = b - 1;
      while (p > 0 && tokens[p]!.norm === '.') p--;
      if (tokens[p]?.norm === 'p' || (norm === 'office' && tokens[p]?.norm === 'post')) start = p;
    } else {
      // "rural route 2 box 45", "RR 2 Box 45", "route four box twelve".
      // "Rural Route 3, Box 118": a comma may part the route and the box.
      const route = runsByEnd.get(i) ?? (tokens[i - 1]!.norm === ',' ? runsByEnd.get(i - 1) : undefined);
      if (route && route.startTok > 0) {
        const r = route.startTok - 1;
        const routeWord = tokens[r]!.norm;
        if (routeWord === 'rr' || routeWord === 'hc' || ((routeWord === 'route' || routeWord === 'rte') && ['rural', 'star', 'highway'].includes(tokens[r - 1]?.norm ?? ''))) start = routeWord === 'rr' || routeWord === 'hc' ? r : r - 1;
        else if (routeWord === 'route' || routeWord === 'rte') start = r;
      }
    }
    if (start < 0) continue;
    out.push({ start: tokens[start]!.start, end: box.end, type: 'ADDRESS', confidence: 0.9, source: tokens[box.startTok]!.kind === TokenKind.Number ? 'pattern' : 'spoken' });
    // "p o box nine oh four in lewiston", "Box 118, Hartsville": the town after the box.
    cityAfterStreet(tokens, box.endTok, runsByStart, mixedCase, out, true);
  }
}

/**
 * "one oh one one oak apartment b", "three forty two spruce suite five": a house number and one or two
 * name words before a unit are a street line said without its suffix.
 */
function streetBeforeUnit(tokens: readonly Token[], unitTok: number, runsByEnd: ReadonlyMap<number, NumberRun>, out: PhiSpan[]): void {
  let t = unitTok - 1;
  if (tokens[t]?.norm === ',') t--;
  const nameEnd = t;
  while (t >= 0 && nameEnd - t < 2 && tokens[t]!.kind === TokenKind.Word && !functionWords.has(tokens[t]!.norm) && tokens[t]!.norm.length > 1 && !isNumberAtom(tokens, t) && !streetSuffixes.has(tokens[t]!.norm)) t--;
  if (t === nameEnd) return;
  const house = runsByEnd.get(t + 1);
  if (!house || house.digits.length < 2 || house.digits.length > 5) return;
  out.push({ start: house.start, end: tokens[nameEnd]!.end, type: 'ADDRESS', confidence: 0.7, source: house.writtenShape ? 'pattern' : 'spoken' });
}

/**
 * "Apt. 591", "Suite 838", "Unit 4B" on their own: the unit part of an address. Lowercase
 * "apartment 4c" and spoken "apartment nine", "suite two ten" too ("unit" only with a capital:
 * insulin comes in units).
 */
function unitLines(tokens: readonly Token[], runsByStart: ReadonlyMap<number, NumberRun>, runsByEnd: ReadonlyMap<number, NumberRun>, mixedCase: boolean, out: PhiSpan[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== TokenKind.Word || !unitLineWords.has(token.norm) || (!token.upper && (token.norm === 'unit' || (mixedCase && token.norm === 'ste')))) continue;
    let t = i + 1;
    if (tokens[t]?.norm === '.' || tokens[t]?.norm === '#' || tokens[t]?.norm === 'number') t++;
    const run = runsByStart.get(t);
    // "apartment b", not "UNIT S/P" (a note's "status post") or "UNIT X3".
    const letterUnit = !run && tokens[t]?.kind === TokenKind.Word && tokens[t]!.norm.length === 1 && tokens[t]!.norm !== 'a' && tokens[t]!.norm !== 'i'
      && !token.allUpper && (tokens[t + 1] === undefined || tokens[t + 1]!.spaced);
    if (letterUnit || (run && run.groups.length <= 2 && run.digits.length <= 5)) streetBeforeUnit(tokens, i, runsByEnd, out);
    if (letterUnit) {
      // "apartment b": a lettered unit.
      out.push({ start: token.start, end: tokens[t]!.end, type: 'ADDRESS', confidence: 0.7, source: 'spoken' });
      continue;
    }
    if (!run || run.groups.length > 2 || run.digits.length > 5) continue;
    if (run.writtenShape === '') {
      // A spoken unit: "apartment nine", "apartment two c", "suite four hundred".
      const letter = tokens[run.endTok];
      const end = letter?.kind === TokenKind.Word && letter.norm.length === 1 && letter.norm !== 'a' && letter.norm !== 'i' ? letter.end : run.end;
      out.push({ start: token.start, end, type: 'ADDRESS', confidence: 0.75, source: 'spoken' });
      continue;
    }
    if (run.groups.length !== 1) continue;
    let end = run.end;
    const after = tokens[run.endTok];
    if (after && !after.spaced && after.kind === TokenKind.Word && after.norm.length === 1) end = after.end;
    out.push({ start: token.start, end, type: 'ADDRESS', confidence: 0.8, source: 'pattern' });
  }
}

/**
 * "twenty two ten south flores", "4410 North Lamar": a house number and a compass direction before
 * a street name said without its suffix. The name is one or two words that are not function words.
 */
function directionStreets(tokens: readonly Token[], runs: readonly NumberRun[], out: PhiSpan[]): void {
  for (const run of runs) {
    if (run.digits.length < 2 || run.digits.length > 5 || run.groups.length > 3) continue;
    const direction = tokens[run.endTok];
    if (!direction || direction.kind !== TokenKind.Word || direction.norm.length < 4 || !directions.has(direction.norm)) continue;
    let end = run.endTok + 1;
    while (end < run.endTok + 3 && tokens[end]?.kind === TokenKind.Word && !functionWords.has(tokens[end]!.norm) && tokens[end]!.norm.length > 1 && !clinicalWords.has(tokens[end]!.norm) && !isNumberAtom(tokens, end)) end++;
    if (end === run.endTok + 1) continue;
    // A suffix after the name is the street-line detector's ("... south flores street").
    if (streetSuffixes.has(tokens[end - 1]!.norm)) continue;
    // "ten south flores" alone could be anything: a house number of two digits or more and the name's end at a pause.
    const after = tokens[end];
    if (after && after.kind === TokenKind.Word && !functionWords.has(after.norm)) continue;
    out.push({ start: run.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.75, source: run.writtenShape ? 'pattern' : 'spoken' });
  }
}

// US city names (Faker's English list of real cities), keyed by their first word: "ann arbor", "duluth".
const citiesByFirstWord = new Map<string, string[][]>();
for (const city of allLocales.en?.location?.city_name ?? []) {
  const words = city.toLowerCase().split(/\s+/);
  const list = citiesByFirstWord.get(words[0]!) ?? [];
  list.push(words);
  citiesByFirstWord.set(words[0]!, list);
}
for (const list of citiesByFirstWord.values()) list.sort((a, b) => b.length - a.length);
/** Do the `length` words from token i name a known city ("grand junction")? */
function knownCityAt(tokens: readonly Token[], i: number, length: number): boolean {
  return (citiesByFirstWord.get(tokens[i]?.norm ?? '') ?? []).some((words) => words.length === length && words.every((word, w) => tokens[i + w]?.norm === word));
}
const cityPrepositions = new Set(['in', 'from', 'near', 'outside', 'around', 'toward', 'towards']);
const motionVerbs = new Set(['moved', 'moving', 'move', 'drive', 'drove', 'driving', 'went', 'going', 'go', 'fly', 'flying', 'flew', 'travel', 'traveling', 'back', 'trip', 'down', 'up', 'over']);
const cityClosers = new Set(['of', 'clinic', 'hospital', 'pharmacy', 'medical', 'health', 'center', 'centre', 'practice', 'pediatrics', 'family', 'dental', 'urgent', 'care', 'associates', 'group', 'general', 'memorial', 'regional', 'university', "children's", 'street', 'avenue', 'road', 'office', 'location', 'branch']);

/**
 * "he's stuck in duluth", "someone near Bellevue", "I just moved here from Minneapolis": a known US
 * city after a place preposition. A city that is also an everyday word ("Mobile", "Normal") needs a
 * capital; one that names a place of care ("in Boston Medical Center") is the clinic's name, not PHI.
 */
function knownCities(tokens: readonly Token[], mixedCase: boolean, out: PhiSpan[]): void {
  for (let i = 1; i < tokens.length; i++) {
    const before = tokens[i - 1]!.norm;
    const placed = cityPrepositions.has(before) || (before === 'to' && motionVerbs.has(tokens[i - 2]?.norm ?? ''));
    if (!placed) continue;
    const token = tokens[i]!;
    const candidates = token.kind === TokenKind.Word ? citiesByFirstWord.get(token.norm) : undefined;
    if (!candidates) continue;
    for (const words of candidates) {
      let t = i;
      let w = 0;
      while (w < words.length && tokens[t]?.norm === words[w]) {
        t++;
        w++;
      }
      if (w < words.length) continue;
      if (cityClosers.has(tokens[t]?.norm ?? '')) break;
      // "from Sunnyvale Home Care": in mixed case a capitalised word after the city (not a state) makes it a name of a place of care.
      if (mixedCase && tokens[t]?.kind === TokenKind.Word && tokens[t]!.upper && stateAt(tokens, t) === 0) break;
      const everyday = words.length === 1 && everydayWords.has(words[0]!);
      // Shouted text ("ADMITTED FROM UNIVERSITY ...") says nothing with its capitals; a state's name is no city here.
      if (mixedCase && !token.allUpper ? !token.upper : everyday) break;
      if (words.length === 1 && isStateWord(words[0]!)) break;
      out.push({ start: token.start, end: tokens[t - 1]!.end, type: 'ADDRESS', confidence: 0.75, source: 'lexicon' });
      i = t - 1;
      break;
    }
  }
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
  // "out in north platte nebraska": lowercase, a two-word city when a place preposition comes before both words.
  if (!mixedCase && cityStart === cityEnd - 1 && isPlaceWord(tokens[cityStart - 1], mixedCase) && placePrepositions.has(tokens[cityStart - 2]?.norm ?? '')) cityStart--;
  // A city needs a second signal: a comma or zip ("Boston, MA"), or a place preposition ("in boston massachusetts").
  const placeBefore = cityStart > 0 && placePrepositions.has(tokens[cityStart - 1]!.norm);
  const cityAllowed = cityStart < cityEnd && (comma || hasZip || placeBefore);
  if (!cityAllowed && !hasZip) return;
  // City and ZIP are spans of their own; the state between them is not PHI (docs/guides/labelling-calls.md §3).
  if (cityAllowed) out.push({ start: tokens[cityStart]!.start, end: tokens[cityEnd - 1]!.end, type: 'ADDRESS', confidence: hasZip ? 0.9 : 0.75, source: 'pattern' });
  if (hasZip) out.push({ start: zip.start, end: zip.end, type: 'ADDRESS', confidence: 0.9, source: zip.writtenShape ? 'pattern' : 'spoken' });
}

// Lowercase words that belong inside street lines of many countries: "Rua do Arenque", "Piroska u. 97.", "rue de Pologne".
const streetLineWords = new Set([
  'rue', 'de', 'do', 'da', 'das', 'dos', 'del', 'della', 'di', 'la', 'le', 'les', 'du', 'des', 'van', 'von', 'der', 'den', 'am', 'an',
  'str', 'st', 'u', 'ul', 'tér', 'ter', 'utca', 'út', 'ut', 'nan', 'apt', 'suite', 'unit', 'box', 'po', 'via', 'calle', 'avenida',
  'av', 'ave', 'rd', 'dr', 'ln', 'blvd', 'y', 'e', 'el', 'al', 'bis', 'no', 'nr', 'n', 's', 'w', 'street', 'road', 'avenue', 'lane',
  'drive', 'way', 'court', 'place', 'square', 'gasse', 'strasse', 'straße', 'weg', 'vej', 'gade', 'gata', 'gatan', 'katu', 'tie',
]);
const blockCues = new Set(['address', 'addresses', 'lives', 'live', 'located', 'sent', 'moved', 'meet', 'office', 'at', 'to', 'is', 'update']);
const labelWords = new Set(['phone', 'fax', 'email', 'e-mail', 'website', 'web', 'tel', 'mobile', 'cell', 'date', 'name', 'dob', 'ssn', 'account', 'iban', 'card', 'credit']);

function addressWordAt(tokens: readonly Token[], t: number): boolean {
  const token = tokens[t]!;
  if (token.kind === TokenKind.Number) return true;
  if (token.kind !== TokenKind.Word) return false;
  if (labelWords.has(token.norm) && tokens[t + 1]?.norm === ':') return false;
  if (token.upper || token.allUpper) return !clinicalWords.has(token.norm) || token.norm === 'st';
  return streetLineWords.has(token.norm) || (!everydayWords.has(token.norm) && !functionWords.has(token.norm) && token.norm.length > 3);
}

/**
 * Written address blocks (mixed-case text): a house number and the capitalised words, numbers, unit
 * words and lines after it, in any country's order ("20789 Allika 46⏎ Suite 501⏎ Riisa⏎⏎ Estonia
 * 62488", "86036 Rua do Arenque 1634, Goiânia", "PSC 0413, Box 8144⏎APO AA 42323"). The block ends
 * at a blank line, a labelled line ("Phone:"), or a lowercase everyday word.
 */
export function detectAddressBlocks(text: string, tokens: readonly Token[], runs: readonly NumberRun[], out: PhiSpan[]): void {
  for (const run of runs) {
    if (!/^\d+(?: \d+)?$/.test(run.writtenShape) || run.digits.length > (run.groups.length > 1 ? 11 : 6) || !tokens[run.startTok]!.spaced) continue;
    const after = tokens[run.endTok];
    if (!after || after.kind !== TokenKind.Word || !after.spaced || after.allUpper) continue;
    const capital = after.upper && !clinicalWords.has(after.norm) && !everydayWords.has(after.norm);
    // A street word or another number soon after confirms it: "... Koskikatu 25", "... Redbud Drive".
    let confirmed = false;
    for (let t = run.endTok; t < run.endTok + 5 && tokens[t]; t++) {
      const token = tokens[t]!;
      if (t > run.endTok && token.kind === TokenKind.Number && token.spaced) confirmed = true;
      if (token.kind === TokenKind.Word && (streetSuffixes.has(token.norm) || streetLineWords.has(token.norm))) confirmed = true;
      if (token.kind === TokenKind.Word && !token.upper && !streetLineWords.has(token.norm)) break;
    }
    const before = tokens[run.startTok - 1];
    const cued = before !== undefined && (blockCues.has(before.norm) || before.norm === ':' || before.norm === '>' || text.slice(before.end, run.start).includes('\n'));
    if (!(capital && (confirmed || cued)) && !(confirmed && cued)) continue;
    const end = extendBlock(text, tokens, run.endTok);
    if (end <= run.endTok) continue;
    // Street words before the number on the same line: "Brucker Bundesstrasse 31 ...", "Tungata 11 Rott Crossroad".
    let start = run.startTok;
    while (start - 1 >= 0 && run.startTok - start < 3) {
      const word = tokens[start - 1]!;
      if (word.kind !== TokenKind.Word || !word.upper || word.allUpper || blockCues.has(word.norm) || text.slice(word.end, tokens[start]!.start).includes('\n')) break;
      if (everydayWords.has(word.norm) && !streetSuffixes.has(word.norm)) break;
      start--;
    }
    out.push({ start: tokens[start]!.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.75, source: 'pattern' });
  }
  for (let i = 0; i + 1 < tokens.length; i++) {
    const norm = tokens[i]!.norm;
    // "the corner of Östbygatan 14 and Sigurmundsson Greens": a street corner.
    if (norm === 'corner' && tokens[i + 1]!.norm === 'of') {
      const end = extendBlock(text, tokens, i + 2, true);
      if (end > i + 3) out.push({ start: tokens[i - 1]?.norm === 'the' ? tokens[i - 1]!.start : tokens[i]!.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.75, source: 'pattern' });
    }
    // Ships and military post: "USNS Bergman⏎FPO AP 93757", "USCGC Khadzhiyev⏎FPO AA 65607".
    if (militaryShips.has(norm) && tokens[i]!.allUpper && tokens[i + 1]!.upper) {
      const end = extendBlock(text, tokens, i + 1);
      if (end > i + 2) out.push({ start: tokens[i]!.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.8, source: 'pattern' });
    }
  }
  // Military and box addresses: "PSC 0413, Box 8144⏎APO AA 42323", "Unit 4719 Box 7394⏎DPO AP 70942".
  for (let i = 0; i < tokens.length; i++) {
    const norm = tokens[i]!.norm;
    if ((norm !== 'psc' && norm !== 'unit' && norm !== 'cmr') || !tokens[i]!.upper || tokens[i + 1]?.kind !== TokenKind.Number) continue;
    const end = extendBlock(text, tokens, i + 2);
    if (end > i + 2 && tokens.slice(i + 2, end).some((token) => token.norm === 'box')) out.push({ start: tokens[i]!.start, end: tokens[end - 1]!.end, type: 'ADDRESS', confidence: 0.8, source: 'pattern' });
  }
}

const militaryShips = new Set(['usns', 'uss', 'usnv', 'uscgc', 'usns']);

/** The end (exclusive) of an address block continuing from token `from` ("and" joins two streets at a corner). */
function extendBlock(text: string, tokens: readonly Token[], from: number, corner = false): number {
  let end = from;
  let t = from;
  let lines = 0;
  while (t < tokens.length && t < from + 24) {
    const token = tokens[t]!;
    const gap = text.slice(tokens[t - 1]!.end, token.start);
    if (gap.includes('\n')) {
      // A blank line ends the block, unless the country and postcode stand alone below it ("Riisa⏎⏎ Estonia 62488").
      if (/\n\s*\n/.test(gap) && lines > 0 && !(token.upper && tokens[t + 1]?.kind === TokenKind.Number && tokens[t + 2] === undefined)) break;
      if (++lines > 4) break;
    }
    if (token.kind === TokenKind.Punct) {
      if (token.norm === '.' && tokens[t + 1] && !text.slice(token.end, tokens[t + 1]!.start).includes('\n') && tokens[t + 1]!.upper && (everydayWords.has(tokens[t + 1]!.norm) || functionWords.has(tokens[t + 1]!.norm))) break;
      // Quoted lines ("> Apt. 342", "??? Maribor") keep their markers.
      const lineMarker = (token.norm === '>' || token.norm === '?') && (gap.includes('\n') || tokens[t - 1]!.norm === token.norm);
      if (!',.#-/()'.includes(token.norm) && !lineMarker) break;
      t++;
      continue;
    }
    if (corner && token.norm === 'and' && tokens[t + 1]?.upper) {
      t++;
      continue;
    }
    if (!addressWordAt(tokens, t)) break;
    end = t + 1;
    t++;
  }
  return end;
}
