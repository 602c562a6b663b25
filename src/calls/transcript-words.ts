import type { QualityReason, TranscriptQuality } from '../speech/speech-engine.ts';

/**
 * Low-confidence words as character spans of the transcript text (issue 17, item 4): the review
 * screen marks them. Pure. Each segment's words are found in the text in order (case-insensitive);
 * a word the text does not contain where expected is skipped, never guessed.
 */
export interface UnsureWordSpan {
  start: number;
  end: number;
  /** 0..1, as the engine or the vendor reported it. */
  confidence: number;
}

export function unsureWordSpans(
  text: string,
  segments: ReadonlyArray<{ words: ReadonlyArray<{ word: string; confidence: number }> }>,
  threshold: number,
): UnsureWordSpan[] {
  const lower = text.toLowerCase();
  const spans: UnsureWordSpan[] = [];
  let cursor = 0;
  for (const segment of segments) {
    for (const word of segment.words) {
      const needle = word.word.trim().toLowerCase();
      if (!needle) continue;
      const at = lower.indexOf(needle, cursor);
      if (at < 0) continue;
      cursor = at + needle.length;
      if (word.confidence < threshold) spans.push({ start: at, end: at + needle.length, confidence: word.confidence });
    }
  }
  return spans;
}

/** How far a transcript could be trusted, as the analysis records it beside the summary (codes only). */
export interface TranscriptQualityNote {
  source: string;
  quality: TranscriptQuality | null;
  qualityReasons: QualityReason[];
}

/** Reasons in the words a nurse reads (never bare codes). */
export const qualityReasonWords: Record<QualityReason, string> = {
  'narrowband-audio': 'phone-band audio the speech engine cannot hear well',
  'low-confidence': 'many words the machine was unsure of',
  'no-speech': 'little or no speech heard',
  'too-quiet': 'the audio was too quiet',
  clipped: 'the audio was distorted (too loud)',
  repetitive: 'the text repeats itself, a sign the machine invented words',
  'engine-failed': 'the speech engine failed on part of the call',
  'no-confidence-reported': 'the phone system did not report how sure it was',
};

/**
 * The line an AI draft built on a doubtful transcript starts with (issue 17, item 4): it is part of
 * the draft a person approves, so the chart shows exactly what was approved. Null for a good or
 * unjudged transcript.
 */
export function transcriptQualityLine(note: Pick<TranscriptQualityNote, 'quality' | 'qualityReasons'> | null): string | null {
  if (!note || (note.quality !== 'low' && note.quality !== 'unusable')) return null;
  const why = note.qualityReasons.map((reason) => qualityReasonWords[reason]).filter(Boolean).join('; ');
  return note.quality === 'unusable'
    ? `Transcript unusable${why ? `: ${why}` : ''}. This summary may be wrong: listen to the call or call the patient back before acting.`
    : `Transcript quality low${why ? `: ${why}` : ''}. Check this summary against the call before acting.`;
}
