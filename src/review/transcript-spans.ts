import type { PhiSpan } from '../nlp/analysis.types.ts';
import { resolveOverlaps } from '../nlp/phi/detect-phi.ts';

/**
 * Where a span of the original transcript lies in the redacted one (issue 14, review): evidence
 * spans and red flags are found on the words as spoken, but a reviewer reads the redacted text,
 * where each PHI span became `[TYPE]`. Pure; mirrors `redactText` (src/nlp/phi/redact.ts).
 */
export interface TextSpan {
  start: number;
  end: number;
}

/** Offsets into `redactText(text, phi)` for each span of `text`; a span touching PHI covers the whole `[TYPE]`. */
export function spansInRedacted<T extends TextSpan>(textLength: number, phi: readonly PhiSpan[], spans: readonly T[]): T[] {
  // Each merged PHI span, with where it starts in the original and in the redacted text.
  const merged = resolveOverlaps(phi);
  const cuts: { start: number; end: number; redactedStart: number; redactedEnd: number }[] = [];
  let shift = 0;
  let cursor = 0;
  for (const span of merged) {
    const start = Math.min(span.start, textLength);
    const end = Math.min(span.end, textLength);
    if (end <= cursor) continue;
    const from = Math.max(start, cursor);
    const label = `[${span.type}]`.length;
    cuts.push({ start: from, end, redactedStart: from + shift, redactedEnd: from + shift + label });
    shift += label - (end - from);
    cursor = end;
  }
  /** The redacted offset of an original offset: inside a cut, its start (side 'start') or its end (side 'end'). */
  const place = (offset: number, side: 'start' | 'end'): number => {
    let delta = 0;
    for (const cut of cuts) {
      if (offset < cut.start || (side === 'end' && offset === cut.start)) break;
      if (offset < cut.end) return side === 'start' ? cut.redactedStart : cut.redactedEnd;
      delta = cut.redactedEnd - cut.end;
    }
    return offset + delta;
  };
  return spans
    .filter((span) => span.end > span.start && span.start >= 0)
    .map((span) => ({ ...span, start: place(Math.min(span.start, textLength), 'start'), end: place(Math.min(span.end, textLength), 'end') }));
}
