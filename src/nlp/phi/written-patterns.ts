/**
 * Emails, URLs and IP addresses. Written forms use one combined regex, run only when the text has
 * an "@" or a "." inside a word; spoken forms ("john dot smith at gmail dot com") come from tokens.
 */
import type { PhiSpan } from '../analysis.types.ts';
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

/** "john dot smith at gmail dot com" → EMAIL; "www dot clinic dot org" → URL. */
export function detectSpokenAddresses(tokens: readonly Token[], out: PhiSpan[]): void {
  for (let i = 2; i < tokens.length; i++) {
    if (!topLevelDomains.has(tokens[i]!.norm) || tokens[i - 1]!.norm !== 'dot') continue;
    // Walk back over "<word> dot <word> ... at <word> dot <word> ..." (joined words only).
    let t = i - 2;
    let atTok = -1;
    while (t >= 0) {
      const word = tokens[t];
      if (!word || (word.kind !== TokenKind.Word && word.kind !== TokenKind.Number)) break;
      const joiner = tokens[t - 1];
      if (joiner && spokenJoiners.has(joiner.norm)) {
        t -= 2;
        continue;
      }
      if (joiner && joiner.norm === 'at' && atTok < 0 && tokens[t - 2] && (tokens[t - 2]!.kind === TokenKind.Word || tokens[t - 2]!.kind === TokenKind.Number)) {
        atTok = t - 1;
        t -= 2;
        continue;
      }
      break;
    }
    const start = Math.max(t, 0);
    if (atTok >= 0) out.push({ start: tokens[start]!.start, end: tokens[i]!.end, type: 'EMAIL', confidence: 0.9, source: 'spoken' });
    else if (i - start >= 2) out.push({ start: tokens[start]!.start, end: tokens[i]!.end, type: 'URL', confidence: 0.85, source: 'spoken' });
  }
}
