import type { PhiSpan } from '../analysis.types.ts';
import { resolveOverlaps } from '../phi/detect-phi.ts';

/** The transcript as it leaves Callchart for the model, and the way back to the original's offsets. */
export interface TranscriptForModel {
  text: string;
  /** `redacted`: PHI replaced by `[TYPE]` (the default); `raw`: as said, because the clinic's policy allows it. */
  form: 'redacted' | 'raw';
  /** Maps a span of `text` to the span of the original transcript it came from. */
  toOriginal(start: number, end: number): { start: number; end: number };
}

interface Replacement {
  /** In the original. */
  start: number;
  end: number;
  /** In the text sent. */
  sentStart: number;
  sentEnd: number;
}

/**
 * The text the model may see. Redacted, it is the transcript with every PHI span replaced by
 * `[TYPE]` exactly as `redactText` does it (overlaps merged first, so no character of any span
 * survives), and the replacements are kept so a quote the model returns can be found again in
 * the original: a quote that covers a placeholder covers the whole identifier it stands for.
 */
export function transcriptForModel(text: string, phi: readonly PhiSpan[], form: 'redacted' | 'raw'): TranscriptForModel {
  if (form === 'raw') return { text, form, toOriginal: (start, end) => ({ start, end }) };
  const replacements: Replacement[] = [];
  let sent = '';
  let cursor = 0;
  for (const span of resolveOverlaps(phi)) {
    const start = Math.min(span.start, text.length);
    const end = Math.min(span.end, text.length);
    if (end <= cursor) continue;
    sent += text.slice(cursor, Math.max(start, cursor));
    const placeholder = `[${span.type}]`;
    replacements.push({ start: Math.max(start, cursor), end, sentStart: sent.length, sentEnd: sent.length + placeholder.length });
    sent += placeholder;
    cursor = end;
  }
  sent += text.slice(cursor);

  /** One offset of the sent text in the original; inside a placeholder it snaps to the identifier's edge. */
  const original = (offset: number, edge: 'start' | 'end'): number => {
    let shift = 0;
    for (const replacement of replacements) {
      if (offset < replacement.sentStart || (edge === 'end' && offset === replacement.sentStart)) break;
      if (offset < replacement.sentEnd || (edge === 'end' && offset === replacement.sentEnd)) return edge === 'start' ? replacement.start : replacement.end;
      shift = replacement.end - replacement.sentEnd;
    }
    return offset + shift;
  };
  return { text: sent, form, toOriginal: (start, end) => ({ start: original(start, 'start'), end: original(end, 'end') }) };
}

/**
 * Where a quote is in a text, ignoring case, punctuation and spacing (a model copies words, not
 * always their commas); null when the words are not there in that order. A grounded quote is how
 * a model's red flag points at what the caller said.
 */
export function findQuote(text: string, quote: string): { start: number; end: number } | null {
  const needle = foldWithOffsets(quote).folded.trim();
  if (needle.length < 3) return null;
  const folded = foldWithOffsets(text);
  // Whole words only: "pain" is not found in "painting".
  const at = folded.folded.indexOf(` ${needle} `);
  if (at < 0) return null;
  return { start: folded.offsets[at + 1]!, end: folded.offsets[at + needle.length]! + 1 };
}

/** Lower case, every run of non-letters and non-digits one space; with each folded character's offset in the text. */
function foldWithOffsets(text: string): { folded: string; offsets: number[] } {
  let folded = ' ';
  const offsets: number[] = [0];
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (/[\p{L}\p{N}]/u.test(char)) {
      // One offset per folded character: a few letters lower-case to two.
      for (const lower of char.toLowerCase()) {
        folded += lower;
        offsets.push(index);
      }
    } else if (!folded.endsWith(' ')) {
      folded += ' ';
      offsets.push(index);
    }
  }
  return { folded: `${folded} `, offsets: [...offsets, text.length] };
}
