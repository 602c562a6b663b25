/**
 * Emails, URLs and IP addresses. Written forms use one combined regex, run only when the text has
 * an "@" or a "." inside a word; spoken forms ("john dot smith at gmail dot com") come from tokens.
 */
import type { PhiSpan } from '../analysis.types.ts';
import { functionWords } from './common-words.ts';
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

function isWordOrNumber(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === TokenKind.Word || token.kind === TokenKind.Number);
}

/**
 * One spoken chunk of an address, read backwards from token `end` (inclusive): a word, a word
 * followed by spoken digits ("agnieszka eighty three"), or digits alone. Returns the first token.
 */
function chunkStart(tokens: readonly Token[], end: number): number {
  let t = end;
  while (t - 1 >= 0 && isNumberAtom(tokens, t, true) && isNumberAtom(tokens, t - 1, true) && !spokenJoiners.has(tokens[t - 1]!.norm)) t--;
  if (isNumberAtom(tokens, t, true) && t - 1 >= 0) {
    const before = tokens[t - 1]!;
    if (before.kind === TokenKind.Word && !functionWords.has(before.norm) && !spokenJoiners.has(before.norm) && before.norm !== 'at' && !isNumberAtom(tokens, t - 1, true)) t--;
  }
  return t;
}

/** "john dot smith at gmail dot com" → EMAIL; "www dot clinic dot org" → URL; "facebook dot com slash jane dot doe" → URL. */
export function detectSpokenAddresses(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 2; i < tokens.length; i++) {
    if (!topLevelDomains.has(tokens[i]!.norm) || tokens[i - 1]!.norm !== 'dot') continue;
    // Walk back over "<chunk> dot <chunk> ... at <chunk> dot <chunk> ..." (joined chunks only).
    let t = i - 2;
    let atTok = -1;
    let start = t;
    while (t >= 0 && isWordOrNumber(tokens[t])) {
      const first = atTok >= 0 ? chunkStart(tokens, t) : t;
      start = first;
      const joiner = tokens[first - 1];
      if (joiner && spokenJoiners.has(joiner.norm) && isWordOrNumber(tokens[first - 2])) {
        t = first - 2;
        continue;
      }
      if (joiner && joiner.norm === 'at' && atTok < 0 && isWordOrNumber(tokens[first - 2]) && (!functionWords.has(tokens[first - 2]!.norm) || isNumberAtom(tokens, first - 2, true))) {
        atTok = first - 1;
        t = first - 2;
        continue;
      }
      break;
    }
    // A path after the domain: "slash jane dot doe dot seven".
    let end = i;
    if (atTok < 0 && tokens[end + 1]?.norm === 'slash') {
      while (tokens[end + 1] && pathJoiners.has(tokens[end + 1]!.norm) && isWordOrNumber(tokens[end + 2]) && (!functionWords.has(tokens[end + 2]!.norm) || isNumberAtom(tokens, end + 2, true))) {
        end += 2;
        while (isNumberAtom(tokens, end + 1, true) && isNumberAtom(tokens, end, true)) end++;
      }
    }
    if (atTok >= 0 && start <= atTok - 1) out.push({ start: tokens[start]!.start, end: tokens[end]!.end, type: 'EMAIL', confidence: 0.9, source: 'spoken' });
    else if (i - start >= 2) out.push({ start: tokens[start]!.start, end: tokens[end]!.end, type: 'URL', confidence: 0.85, source: 'spoken' });
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
