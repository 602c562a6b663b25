/**
 * Redaction (PH-3): `[TYPE]` in place of each PHI span, for a whole transcript or for one that
 * grows chunk by chunk while the call is live.
 */
import type { PatientContext, PhiSpan } from '../analysis.types.ts';
import { detectPhi, resolveOverlaps } from './detect-phi.ts';
import { TokenKind, tokenize } from './tokens.ts';

/**
 * Replaces every span with `[TYPE]` (e.g. `[NAME]`, `[PHONE]`). Overlapping spans are merged first,
 * so no character of any span survives.
 */
export function redactText(text: string, spans: readonly PhiSpan[]): string {
  const merged = resolveOverlaps(spans);
  let result = '';
  let cursor = 0;
  for (const span of merged) {
    const start = Math.min(span.start, text.length);
    const end = Math.min(span.end, text.length);
    if (end <= cursor) continue;
    result += text.slice(cursor, Math.max(start, cursor)) + `[${span.type}]`;
    cursor = end;
  }
  return result + text.slice(cursor);
}

/**
 * The held-back tail, in words and numbers. A spoken phone number with fillers, an id after its cue
 * ("my member id is x y z one two three four five six seven eight nine") or a name followed by its
 * spelling fits inside it; PHI that only becomes recognisable later than this is the known limit.
 */
export const STREAMING_HOLD_TOKENS = 24;

export interface StreamingPush {
  /** Redacted text of `text.slice(0, stableLength)`; a prefix that will not change except by growing. */
  redacted: string;
  /** How many characters of the received transcript are settled and shown. */
  stableLength: number;
  /** The PHI spans inside the settled prefix (offsets into the original transcript). */
  spans: PhiSpan[];
}

export interface StreamingRedactor {
  push(chunk: string): StreamingPush;
  end(): { redacted: string; spans: PhiSpan[] };
}

/**
 * Redacts a live transcript that grows by appended chunks. Every push re-detects over the whole
 * transcript and shows only the settled prefix: the last {@link STREAMING_HOLD_TOKENS} words and
 * numbers are held back, and the boundary never cuts a span. A span once shown stays redacted in
 * every later output (shown spans are carried forward), and `end()` redacts the full transcript.
 */
export function createStreamingRedactor(options: { patient?: PatientContext } = {}): StreamingRedactor {
  let text = '';
  let shown: PhiSpan[] = [];
  let stableLength = 0;

  const currentSpans = (): PhiSpan[] => {
    const detected = detectPhi(text, options);
    return shown.length === 0 ? detected : resolveOverlaps([...detected, ...shown]);
  };

  return {
    push(chunk: string): StreamingPush {
      text += chunk;
      const spans = currentSpans();
      let boundary = holdBoundary(text);
      // Never split a span: move the boundary back to its start.
      for (let moved = true; moved;) {
        moved = false;
        for (const span of spans) {
          if (span.start < boundary && span.end > boundary) {
            boundary = span.start;
            moved = true;
          }
        }
      }
      stableLength = Math.max(stableLength, boundary);
      const settled = spans.filter((span) => span.start < stableLength);
      shown = settled;
      const clipped = settled.map((span) => (span.end > stableLength ? { ...span, end: stableLength } : span));
      return { redacted: redactText(text.slice(0, stableLength), clipped), stableLength, spans: clipped };
    },
    end(): { redacted: string; spans: PhiSpan[] } {
      const spans = currentSpans();
      shown = spans;
      stableLength = text.length;
      return { redacted: redactText(text, spans), spans };
    },
  };
}

/** Start of the held tail: the STREAMING_HOLD_TOKENS-th word or number from the end. */
function holdBoundary(text: string): number {
  const tokens = tokenize(text);
  let counted = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i]!.kind === TokenKind.Punct) continue;
    counted++;
    if (counted === STREAMING_HOLD_TOKENS) return tokens[i]!.start;
  }
  return 0;
}
