import type { QualityReason, TranscriptQuality, TranscriptSegment } from './speech-engine.ts';

/**
 * The quality of a transcript a PBX supplies (issue 17, item 4), from the only thing the vendor
 * gives: a confidence per utterance (Twilio real-time transcription) or none at all (recording
 * transcriptions, most CTI bridges). Pure. Same verdicts and reason codes as our engines'.
 *
 * An utterance below `lowConfidence` is `low`; one below half of it is `unusable` (the vendor itself
 * says it did not understand). The whole transcript is `unusable` when most of its words are in
 * unusable utterances, `low` when a fifth or more are low or worse, otherwise `ok`.
 */
export function judgeVendorUtterance(confidence: number | null, lowConfidence: number): { quality: TranscriptQuality; qualityReasons: QualityReason[] } {
  if (confidence === null) return { quality: 'low', qualityReasons: ['no-confidence-reported'] };
  if (confidence < lowConfidence / 2) return { quality: 'unusable', qualityReasons: ['low-confidence'] };
  if (confidence < lowConfidence) return { quality: 'low', qualityReasons: ['low-confidence'] };
  return { quality: 'ok', qualityReasons: [] };
}

/** Share of words at or above which a transcript takes the worse verdict. */
const unusableShare = 0.5;
const lowShare = 0.2;

/** The verdict of a whole transcript from its segments, weighted by words. */
export function judgeVendorTranscript(segments: readonly Pick<TranscriptSegment, 'text' | 'quality' | 'qualityReasons'>[]): { quality: TranscriptQuality; qualityReasons: QualityReason[] } {
  const weight = (segment: Pick<TranscriptSegment, 'text'>) => Math.max(1, segment.text.split(/\s+/).filter(Boolean).length);
  const total = segments.reduce((sum, segment) => sum + weight(segment), 0);
  if (total === 0 || segments.length === 0) return { quality: 'unusable', qualityReasons: ['no-speech'] };
  const unusable = segments.filter((segment) => segment.quality === 'unusable').reduce((sum, segment) => sum + weight(segment), 0);
  const doubtful = segments.filter((segment) => segment.quality !== 'ok').reduce((sum, segment) => sum + weight(segment), 0);
  const reasons = [...new Set(segments.flatMap((segment) => segment.qualityReasons))];
  if (unusable / total >= unusableShare) return { quality: 'unusable', qualityReasons: reasons };
  if (doubtful / total >= lowShare) return { quality: 'low', qualityReasons: reasons };
  return { quality: 'ok', qualityReasons: [] };
}
