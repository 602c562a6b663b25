/**
 * Emails, URLs and IP addresses. Written forms use one combined regex, run only when the text has
 * an "@" or a "." inside a word; spoken forms ("john dot smith at gmail dot com") come from tokens.
 */
import type { PhiSpan } from '../analysis.types.ts';
import { functionWords } from './common-words.ts';
import { everydayWords, isLexiconName } from './name-lexicon.ts';
import { isNumberAtom, type NumberRun } from './spoken-numbers.ts';
import { TokenKind, type Token } from './tokens.ts';

const writtenPattern = /([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})|((?:https?:\/\/|www\.)[^\s<>"]+|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|edu|gov|io|us|info|health|care|biz|co)\b(?:\/[^\s<>"]*)?)|(\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b)/g;
const gate = /[@]|\w\.\w/;
const trailingPunct = /[.,;:!?)\]]+$/;
const topLevelDomains = new Set(['com', 'org', 'net', 'edu', 'gov', 'io', 'us', 'info', 'health', 'biz']);
const spokenJoiners = new Set(['dot', 'underscore', 'dash', 'hyphen', 'period']);

export function detectWrittenPatterns(text: string, out: PhiSpan[]): void {
  if (!gate.test(text)) return;
  writtenPattern.lastIndex = 0;
  for (let match = writtenPattern.exec(text); match !== null; match = writtenPattern.exec(text)) {
    const raw = match[0].replace(trailingPunct, '');
    if (raw.length === 0) continue;
    const type = match[1] ? 'EMAIL' : match[2] ? 'URL' : 'IP';
    out.push({ start: match.index, end: match.index + raw.length, type, confidence: type === 'URL' ? 0.9 : 0.97, source: 'pattern' });
  }
}

const pathJoiners = new Set(['slash', 'dot', 'underscore', 'dash', 'hyphen', 'period']);
// Top-level domains said after "dot"; only the common generic ones count after a written "." glued between words.
const spokenTlds = new Set([...topLevelDomains, 'co', 'uk', 'ca', 'fm', 'ly', 'me', 'au', 'nz', 'ie', 'de', 'app', 'ai', 'tv', 'mil', 'org', 'care']);
const writtenTlds = new Set(['com', 'org', 'net', 'edu', 'gov']);
const protocols = new Set(['https', 'http']);
const maxLabelChunks = 3;
const maxLabels = 8;
// Words that cannot be part of a domain said after "at" ("at the clinic dot com" is not an email).
const domainStops = new Set(['the', 'a', 'an', 'my', 'your', 'his', 'her', 'our', 'their', 'this', 'that', 'in', 'on', 'to', 'for', 'and', 'or', 'is', 'was', 'it', 'of', 'with', 'me', 'you', 'we', 'they', 'home', 'work', 'about', 'least', 'all']);
const scaleWords = new Set(['hundred', 'thousand']);

/** A digit word, or "hundred"/"thousand" closing a spoken number ("harlow two thousand"). */
function numberish(tokens: readonly Token[], t: number): boolean {
  return isNumberAtom(tokens, t, true) || (scaleWords.has(tokens[t]?.norm ?? '') && isNumberAtom(tokens, t - 1, true));
}

function isWordOrNumber(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === TokenKind.Word || token.kind === TokenKind.Number);
}

function isLetter(token: Token | undefined): boolean {
  return token !== undefined && token.kind === TokenKind.Word && token.norm.length === 1;
}

/** A joiner inside an address: "dot", "underscore", "dash", or a written ".", "-", "_" glued on both sides. */
function isJoiner(tokens: readonly Token[], t: number): boolean {
  const token = tokens[t];
  if (!token) return false;
  if (token.kind === TokenKind.Word) return spokenJoiners.has(token.norm);
  return token.kind === TokenKind.Punct && (token.norm === '.' || token.norm === '-' || token.norm === '_') && !token.spaced && tokens[t + 1] !== undefined && !tokens[t + 1]!.spaced;
}

/** "dot com", ".com": is token i a top-level domain after a dot? */
function isTld(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  const dot = tokens[i - 1];
  if (!token || !dot || !isWordOrNumber(tokens[i - 2])) return false;
  if (dot.norm === 'dot' || dot.norm === 'period') return spokenTlds.has(token.norm);
  // Written ".com" only in lowercase: "WARM.CO", "11.CO" in notes are sentences run together.
  return dot.norm === '.' && !dot.spaced && !token.spaced && !token.upper && writtenTlds.has(token.norm);
}

/**
 * One spoken chunk of an address, read backwards from token `end` (inclusive): a word, a word
 * followed by spoken digits ("agnieszka eighty three"), digits alone, or spelled letters
 * ("b a r r y"). Returns the first token.
 */
function chunkStart(tokens: readonly Token[], end: number): number {
  let t = end;
  if (isLetter(tokens[t]) && !isNumberAtom(tokens, t, true)) {
    while (t - 1 >= 0 && isLetter(tokens[t - 1]) && !isJoiner(tokens, t - 1)) t--;
    return t;
  }
  while (t - 1 >= 0 && numberish(tokens, t) && numberish(tokens, t - 1) && !spokenJoiners.has(tokens[t - 1]!.norm)) t--;
  if (numberish(tokens, t) && t - 1 >= 0) {
    const before = tokens[t - 1]!;
    if (before.kind === TokenKind.Word && !functionWords.has(before.norm) && !spokenJoiners.has(before.norm) && before.norm !== 'at' && !isNumberAtom(tokens, t - 1, true)) t--;
    while (t - 1 >= 0 && isLetter(tokens[t]) && isLetter(tokens[t - 1]) && !isJoiner(tokens, t - 1)) t--;
  }
  return t;
}

/** Can token t end the local part of an email ("... okonkwo at")? */
function localPartEnd(tokens: readonly Token[], t: number): boolean {
  const token = tokens[t];
  // After a joiner any word is part of the address: "b tsai dot work at ...".
  return isWordOrNumber(token) && (!functionWords.has(token!.norm) || numberish(tokens, t) || isLetter(token) || (isJoiner(tokens, t - 1) && isWordOrNumber(tokens[t - 2])));
}

/** Walks back over "<chunk> dot <chunk> ..." (one chunk per label) from token t; returns the first token. */
function strictLabels(tokens: readonly Token[], t: number): number {
  let start = t;
  while (t >= 0 && isWordOrNumber(tokens[t])) {
    const first = chunkStart(tokens, t);
    start = first;
    if (isJoiner(tokens, first - 1) && isWordOrNumber(tokens[first - 2])) {
      t = first - 2;
      continue;
    }
    break;
  }
  return start;
}

/** "https colon slash slash", "h t t p s colon slash slash": the protocol ending just before token `slash2 + 1`, or -1. */
function protocolStart(tokens: readonly Token[], slash2: number): number {
  if (tokens[slash2]?.norm !== 'slash' || tokens[slash2 - 1]?.norm !== 'slash') return -1;
  let t = slash2 - 2;
  if (tokens[t]?.norm === 'colon' || tokens[t]?.norm === ':') t--;
  if (protocols.has(tokens[t]?.norm ?? '')) return t;
  let letters = '';
  let s = t;
  while (s >= 0 && isLetter(tokens[s]) && letters.length < 5) letters = tokens[s--]!.norm + letters;
  return letters === 'https' || letters === 'http' ? s + 1 : -1;
}

interface Walk {
  start: number;
  atTok: number;
}

/**
 * Walks back from the label before the top-level domain, letting a label be several spoken words
 * ("at gee mail dot com", "www dot harborview clinic dot org"). Only accepted when anchored by an
 * "at", a "www" or a protocol; otherwise undefined.
 */
function anchoredLabels(tokens: readonly Token[], t: number): Walk | undefined {
  let functionWord = false;
  for (let labels = 0; labels < maxLabels; labels++) {
    let chunks = 0;
    for (;;) {
      if (!isWordOrNumber(tokens[t])) return undefined;
      const first = chunkStart(tokens, t);
      const compact = tokens.slice(first, t + 1).map((token) => token.norm).join('');
      if (compact === 'www' || compact === 'wwww') return { start: first, atTok: -1 };
      if (protocols.has(compact)) return undefined;
      for (let k = first; k <= t; k++) if (domainStops.has(tokens[k]!.norm)) functionWord = true;
      chunks++;
      const before = tokens[first - 1];
      if (!before) return undefined;
      if (isJoiner(tokens, first - 1)) {
        t = first - 2;
        break;
      }
      if (before.norm === 'at') {
        if (functionWord || !localPartEnd(tokens, first - 2)) return undefined;
        return { start: strictLabels(tokens, first - 2), atTok: first - 1 };
      }
      if (before.norm === 'slash') {
        const protocol = protocolStart(tokens, first - 1);
        return protocol >= 0 ? { start: protocol, atTok: -1 } : undefined;
      }
      if (chunks >= maxLabelChunks) return undefined;
      t = first - 1;
    }
  }
  return undefined;
}

const emailCueWords = new Set(['email', 'e-mail', 'emails', "email's", 'mail']);
const emailBridges = new Set(['is', 'me', 'at', 'address', 'to', 'it', "it's", 'its', 'was', ':', ',', 'uh', 'um', 'like', 'so', 'just', 'i', 'used', 'use', 'have', 'on', 'file', 'there', 'the', 'one']);

/**
 * "my email is mary smith at ...": words of the local part said without a joiner still belong to
 * it when only they stand between an email cue and the "at" (two words at most).
 */
function localPartAfterCue(tokens: readonly Token[], start: number): number {
  let s = start;
  while (start - s < 3 && localPartWord(tokens[s - 1])) s--;
  if (s === start) return start;
  // An email cue within a few words before, in the same sentence: "the email i put on the form is teo m ...".
  for (let t = s - 1; t >= 0 && t >= s - 8; t--) {
    const norm = tokens[t]!.norm;
    if (emailCueWords.has(norm)) return s;
    if (norm === '.' || norm === '?' || norm === '!' || norm === '\n') break;
  }
  return start;
}

/** A word said as part of an email's local part: a letter ("connie a ruiz"), a name, or a word no dictionary knows. */
function localPartWord(token: Token | undefined): boolean {
  if (token?.kind !== TokenKind.Word || emailCueWords.has(token.norm) || emailBridges.has(token.norm)) return false;
  if (token.norm.length === 1) return true;
  return !functionWords.has(token.norm) && (!everydayWords.has(token.norm) || isLexiconName(token.norm));
}

/** "j smith seventy two at ...": an initial said before the local part belongs to it. */
function initialBefore(tokens: readonly Token[], start: number): number {
  const before = tokens[start - 1];
  return isLetter(before) && before!.norm !== 'a' && before!.norm !== 'i' && !isLetter(tokens[start - 2]) ? start - 1 : start;
}

// Mail providers said without their domain: "mlopez at gmail", "it's at yahoo".
const mailProviders = new Set(['gmail', 'yahoo', 'hotmail', 'outlook', 'aol', 'icloud', 'comcast', 'msn', 'protonmail', 'proton', 'verizon', 'att', 'sbcglobal', 'ymail', 'live']);

/**
 * "my email is mlopez at gmail", "d reyes seventy at yahoo": an email said without "dot com". The
 * provider must be a known mail service and an email cue must come shortly before.
 */
export function detectProviderEmails(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 2; i < tokens.length; i++) {
    const word = tokens[i]!.norm;
    const provider = mailProviders.has(word) ? i : word === 'g' && tokens[i + 1]?.norm === 'mail' ? i + 1 : -1;
    if (provider < 0 || tokens[i - 1]!.norm !== 'at' || tokens[provider + 1]?.norm === 'dot' || tokens[provider + 1]?.norm === '.') continue;
    if (!localPartEnd(tokens, i - 2)) continue;
    const start = initialBefore(tokens, localPartAfterCue(tokens, strictLabels(tokens, i - 2)));
    let cued = false;
    for (let t = start - 1; t >= 0 && t >= start - 6; t--) if (emailCueWords.has(tokens[t]!.norm)) cued = true;
    if (!cued || start > i - 2) continue;
    out.push({ start: tokens[start]!.start, end: tokens[provider]!.end, type: 'EMAIL', confidence: 0.85, source: 'spoken' });
  }
}

/** Reads forward over a path after the domain: "slash jane dot doe", "slash three x k nine q". */
function pathEnd(tokens: readonly Token[], end: number): number {
  if (tokens[end + 1]?.norm !== 'slash') return end;
  while (tokens[end + 1] && pathJoiners.has(tokens[end + 1]!.norm) && isWordOrNumber(tokens[end + 2]) && (!functionWords.has(tokens[end + 2]!.norm) || isNumberAtom(tokens, end + 2, true) || pathJoiners.has(tokens[end + 3]?.norm ?? ''))) {
    end += 2;
    for (;;) {
      const next = tokens[end + 1];
      if (isNumberAtom(tokens, end + 1, true) && (isNumberAtom(tokens, end, true) || isLetter(tokens[end]))) end++;
      else if (isLetter(next) && next!.norm !== 'a' && next!.norm !== 'i' && (isNumberAtom(tokens, end, true) || isLetter(tokens[end]))) end++;
      else break;
    }
  }
  return end;
}

/** "john dot smith at gmail dot com" → EMAIL; "www dot clinic dot org" → URL; "facebook dot com slash jane dot doe" → URL. */
export function detectSpokenAddresses(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 2; i < tokens.length; i++) {
    if (!isTld(tokens, i)) continue;
    // "dot co dot uk": a second level of top-level domain.
    let end = i;
    while ((tokens[end + 1]?.norm === 'dot' && spokenTlds.has(tokens[end + 2]?.norm ?? '')) || (tokens[end + 1]?.norm === '.' && !tokens[end + 1]!.spaced && tokens[end + 2]?.spaced === false && !tokens[end + 2]!.upper && /^(?:uk|au|nz|ca)$/.test(tokens[end + 2]!.norm))) end += 2;
    const last = i - 2;
    let walk = anchoredLabels(tokens, last);
    if (!walk) {
      // One chunk per label: "facebook dot com", "j dot okonkwo at gmail dot com".
      let domainStart = strictLabels(tokens, last);
      // "portal dot riverbend health dot org": a two-word label between two dots.
      for (let k = 0; k < 2; k++) {
        const word = tokens[domainStart - 1];
        if (!word || word.kind !== TokenKind.Word || functionWords.has(word.norm) || spokenJoiners.has(word.norm) || !isJoiner(tokens, domainStart - 2) || !isWordOrNumber(tokens[domainStart - 3])) break;
        domainStart = strictLabels(tokens, domainStart - 3);
      }
      const at = tokens[domainStart - 1];
      walk = at?.norm === 'at' && localPartEnd(tokens, domainStart - 2)
        ? { start: strictLabels(tokens, domainStart - 2), atTok: domainStart - 1 }
        : { start: domainStart, atTok: -1 };
    }
    if (walk.atTok < 0) end = pathEnd(tokens, end);
    else walk.start = initialBefore(tokens, localPartAfterCue(tokens, walk.start));
    if (walk.atTok >= 0 && walk.start <= walk.atTok - 1) out.push({ start: tokens[walk.start]!.start, end: tokens[end]!.end, type: 'EMAIL', confidence: 0.9, source: 'spoken' });
    else if (i - walk.start >= 2 && !domainStops.has(tokens[walk.start]!.norm) && tokens[walk.start]!.norm !== 'at') out.push({ start: tokens[walk.start]!.start, end: tokens[end]!.end, type: 'URL', confidence: 0.85, source: 'spoken' });
    i = end;
  }
}

/** Spoken IPv4: four number runs joined by "dot" ("one ninety two dot one sixty eight dot one dot twelve"). */
export function detectSpokenIps(tokens: readonly Token[], runs: readonly NumberRun[], out: PhiSpan[]): void {
  const byStart = new Map<number, NumberRun>();
  for (const run of runs) byStart.set(run.startTok, run);
  for (let r = 0; r < runs.length; r++) {
    const first = runs[r]!;
    if (first.writtenShape !== '' || tokens[first.endTok]?.norm !== 'dot') continue;
    const octets: NumberRun[] = [first];
    let current = first;
    while (octets.length < 4 && tokens[current.endTok]?.norm === 'dot') {
      const next = byStart.get(current.endTok + 1);
      if (!next) break;
      octets.push(next);
      current = next;
    }
    if (octets.length === 4 && octets.every((o) => o.digits.length <= 3 && Number(o.digits) <= 255)) {
      out.push({ start: first.start, end: current.end, type: 'IP', confidence: 0.9, source: 'spoken' });
    }
  }
}
