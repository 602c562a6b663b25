/**
 * A call's live transcript as staff see it while the call goes on (issue 17, item 5): pure state,
 * no I/O. Final segments go through the streaming redactor (the last words are held back until
 * they settle, so PHI that only becomes recognisable later is never shown in the clear); the held
 * tail and the utterance in progress are shown redacted, with every number masked, in a lighter
 * style. Low-confidence words are marked; a word inside a PHI span is never shown at all.
 */
import type { PatientContext, PhiSpan } from '../nlp/analysis.types.ts';
import { detectPhi, resolveOverlaps } from '../nlp/phi/detect-phi.ts';
import { createStreamingRedactor, redactText, type StreamingRedactor } from '../nlp/phi/redact.ts';
import { TokenKind, tokenize } from '../nlp/phi/tokens.ts';
import type { QualityReason, TranscriptQuality, TranscriptSegment } from './speech-engine.ts';

/** One run of the settled (redacted) text: plain, a `[TYPE]` placeholder, or a low-confidence word. */
export interface LiveTranscriptPiece {
  text: string;
  kind: 'text' | 'redacted' | 'low-confidence';
}

/** Per segment: times, verdict and counts only (its words are in `pieces`, redacted). */
export interface LiveSegmentQuality {
  start: number;
  end: number;
  quality: TranscriptQuality;
  qualityReasons: QualityReason[];
  words: number;
  lowConfidenceWords: number;
}

/** What the hub sends as `transcript.live`: redacted text only, to clinical roles of the call's queue. */
export interface LiveTranscript {
  callId: string;
  queue: string | null;
  agent: string | null;
  /** Who heard it: the engine's name ('pocketsphinx', 'http') or 'twilio-realtime'. */
  source: string;
  /** The settled, redacted transcript in pieces. */
  pieces: LiveTranscriptPiece[];
  /** The held tail and the utterance in progress, redacted and numbers masked: shown lighter, may change. */
  pending: string;
  /** The worst verdict of the segments so far, and why. */
  quality: TranscriptQuality;
  qualityReasons: QualityReason[];
  /** The last segments' verdicts (at most {@link maxShownSegments}). */
  segments: LiveSegmentQuality[];
  lowConfidenceWords: number;
  /** True once the text stopped growing because the per-call bound was reached. */
  truncated: boolean;
  updatedAt: string;
}

/** Characters of transcript held per call; past it the live view stops growing (the final transcript does not). */
export const maxLiveTranscriptChars = 20_000;
export const maxShownSegments = 20;

const qualityRank: Record<TranscriptQuality, number> = { ok: 0, low: 1, unusable: 2 };

/** The worse of two verdicts. */
export function worseQuality(a: TranscriptQuality, b: TranscriptQuality): TranscriptQuality {
  return qualityRank[a] >= qualityRank[b] ? a : b;
}

// Spoken numbers: masked in the unsettled tail (a phone number or date read digit by digit).
const numberWords = new Set([
  'zero', 'oh', 'o', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen',
  'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety', 'hundred', 'thousand',
  'double', 'triple', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'twentieth', 'thirtieth',
]);

/** Replaces digits and number words with `…` (pure). */
export function maskNumbers(text: string): string {
  let result = '';
  let cursor = 0;
  for (const token of tokenize(text)) {
    const isNumber = token.kind === TokenKind.Number || (token.kind === TokenKind.Word && numberWords.has(token.norm));
    if (!isNumber) continue;
    result += text.slice(cursor, token.start) + '…';
    cursor = token.end;
  }
  return result + text.slice(cursor);
}

/**
 * One call's live transcript. `accept` takes each partial or final segment as the engine gives it;
 * `view` is what staff may see. Bounded: at most {@link maxLiveTranscriptChars} of text.
 */
export class LiveTranscriptState {
  private readonly redactor: StreamingRedactor;
  private text = '';
  private settledLength = 0;
  private settledSpans: PhiSpan[] = [];
  private partial = '';
  private readonly lowRanges: { start: number; end: number }[] = [];
  private readonly segmentVerdicts: LiveSegmentQuality[] = [];
  private quality: TranscriptQuality = 'ok';
  private readonly reasons = new Set<QualityReason>();
  private lowWords = 0;
  private truncated = false;

  constructor(private readonly options: { lowConfidence: number; patient?: PatientContext }) {
    this.redactor = createStreamingRedactor(options.patient ? { patient: options.patient } : {});
  }

  /** Takes one segment; false when the per-call bound stopped the text from growing. */
  accept(segment: TranscriptSegment): boolean {
    if (!segment.final) {
      this.partial = this.truncated ? '' : segment.text.slice(0, 2_000);
      if (segment.quality !== 'ok') this.noteQuality(segment.quality, segment.qualityReasons);
      return !this.truncated;
    }
    this.partial = '';
    const low = segment.words.filter((word) => word.confidence < this.options.lowConfidence);
    this.lowWords += low.length;
    this.segmentVerdicts.push({
      start: segment.start, end: segment.end, quality: segment.quality, qualityReasons: [...segment.qualityReasons], words: segment.words.length, lowConfidenceWords: low.length,
    });
    if (this.segmentVerdicts.length > maxShownSegments) this.segmentVerdicts.shift();
    this.noteQuality(segment.quality, segment.qualityReasons);
    const spoken = segment.text.trim();
    if (!spoken || this.truncated) return !this.truncated;
    if (this.text.length + spoken.length + 1 > maxLiveTranscriptChars) {
      this.truncated = true;
      return false;
    }
    const offset = this.text.length === 0 ? 0 : this.text.length + 1;
    const chunk = this.text.length === 0 ? spoken : ` ${spoken}`;
    this.lowRanges.push(...wordRanges(spoken, segment.words, this.options.lowConfidence).map((range) => ({ start: range.start + offset, end: range.end + offset })));
    this.text += chunk;
    const pushed = this.redactor.push(chunk);
    this.settledLength = pushed.stableLength;
    this.settledSpans = pushed.spans;
    return true;
  }

  /**
   * The stream ended: nothing more will come, so the held tail settles (redacted over the whole
   * text) and a partial that never got its final is dropped. The view then has no pending words.
   */
  finish(): void {
    this.partial = '';
    const ended = this.redactor.end();
    this.settledLength = this.text.length;
    this.settledSpans = ended.spans;
  }

  /** What staff see: settled pieces, and the pending tail (redacted, numbers masked). */
  view(call: { callId: string; queue: string | null; agent: string | null; source: string; now: Date }): LiveTranscript {
    const settled = this.text.slice(0, this.settledLength);
    const whole = this.partial ? (this.text ? `${this.text} ${this.partial}` : this.partial) : this.text;
    const pendingStart = this.settledLength;
    let pending = '';
    if (whole.length > pendingStart) {
      // The tail is detected over the whole text (context matters), then cut at the settled end.
      const spans = resolveOverlaps([...detectPhi(whole, this.options.patient ? { patient: this.options.patient } : {}), ...this.settledSpans])
        .filter((span) => span.end > pendingStart)
        .map((span) => ({ ...span, start: Math.max(span.start, pendingStart) - pendingStart, end: span.end - pendingStart }));
      pending = maskNumbers(redactText(whole.slice(pendingStart), spans)).trim();
    }
    return {
      callId: call.callId, queue: call.queue, agent: call.agent, source: call.source,
      pieces: pieces(settled, this.settledSpans, this.lowRanges),
      pending,
      quality: this.quality,
      qualityReasons: [...this.reasons],
      segments: this.segmentVerdicts.map((segment) => ({ ...segment, qualityReasons: [...segment.qualityReasons] })),
      lowConfidenceWords: this.lowWords,
      truncated: this.truncated,
      updatedAt: call.now.toISOString(),
    };
  }

  private noteQuality(quality: TranscriptQuality, reasons: readonly QualityReason[]): void {
    this.quality = worseQuality(this.quality, quality);
    for (const reason of reasons) this.reasons.add(reason);
  }
}

/** Character ranges (in `text`) of the low-confidence words, found in order; words not found are skipped. */
function wordRanges(text: string, words: TranscriptSegment['words'], threshold: number): { start: number; end: number }[] {
  const lower = text.toLowerCase();
  const ranges: { start: number; end: number }[] = [];
  let cursor = 0;
  for (const word of words) {
    const needle = word.word.trim().toLowerCase();
    if (!needle) continue;
    const at = lower.indexOf(needle, cursor);
    if (at < 0) continue;
    cursor = at + needle.length;
    if (word.confidence < threshold) ranges.push({ start: at, end: cursor });
  }
  return ranges;
}

/** Splits the settled text into plain, redacted and low-confidence pieces; PHI spans win over marks. */
function pieces(settled: string, spans: readonly PhiSpan[], lowRanges: readonly { start: number; end: number }[]): LiveTranscriptPiece[] {
  const merged = resolveOverlaps(spans).filter((span) => span.start < settled.length);
  const marks: { start: number; end: number; kind: LiveTranscriptPiece['kind']; label?: string }[] = merged.map((span) => ({ start: span.start, end: Math.min(span.end, settled.length), kind: 'redacted', label: `[${span.type}]` }));
  for (const range of lowRanges) {
    if (range.end > settled.length) continue;
    if (merged.some((span) => span.start < range.end && span.end > range.start)) continue;
    marks.push({ start: range.start, end: range.end, kind: 'low-confidence' });
  }
  marks.sort((a, b) => a.start - b.start);
  const result: LiveTranscriptPiece[] = [];
  const add = (text: string, kind: LiveTranscriptPiece['kind']) => {
    if (!text) return;
    const last = result.at(-1);
    if (last && last.kind === 'text' && kind === 'text') last.text += text;
    else result.push({ text, kind });
  };
  let cursor = 0;
  for (const mark of marks) {
    if (mark.start < cursor) continue;
    add(settled.slice(cursor, mark.start), 'text');
    add(mark.label ?? settled.slice(mark.start, mark.end), mark.kind);
    cursor = mark.end;
  }
  add(settled.slice(cursor), 'text');
  return result;
}
