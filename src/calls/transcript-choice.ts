import type { QualityReason, TranscriptQuality } from '../speech/speech-engine.ts';

/**
 * Which of a call's transcripts the pipeline reads (issue 17, item 4). A call may have several: the
 * PBX's real-time transcript, a recording transcription, our engine's live transcript, the http
 * engine's. The best is chosen by quality (ok > not judged > low > unusable), then by the clinic's
 * fallback order (`speech.fallback`: which source to trust when ours is doubtful), then the newest.
 * Pure: ids, sources and codes only.
 */
export interface StoredTranscriptFacts {
  eventId: string;
  source: string;
  /** null: the source did not judge it (e.g. a PBX transcript without confidences). */
  quality: TranscriptQuality | null;
  qualityReasons: QualityReason[];
  /** When it was stored, ISO 8601. */
  storedAt: string;
}

/** Rank of a verdict: lower is better. A transcript nobody judged sits between ok and low. */
const qualityRank: Record<TranscriptQuality | 'not-judged', number> = { ok: 0, 'not-judged': 1, low: 2, unusable: 3 };

/** The kind of source a transcript came from, as `speech.fallback` names them. */
export type TranscriptSourceKind = 'pbx' | 'http' | 'local';

/**
 * What kind of source a stored `source` string is. PBX transcripts are named by their vendor
 * (twilio, twilio-realtime, a CTI provider's slug); our engines by engine name.
 */
export function sourceKindOf(source: string): TranscriptSourceKind {
  if (source === 'http' || source.startsWith('http:')) return 'http';
  if (source === 'pocketsphinx' || source.startsWith('pocketsphinx') || source === 'callchart' || source.startsWith('callchart:')) return 'local';
  return 'pbx';
}

/**
 * The order of sources at equal quality: the configured fallback first, then our own engine, then
 * the rest. With fallback `none` our own engine comes first.
 */
export function sourcePreference(fallback: 'pbx' | 'http' | 'none'): TranscriptSourceKind[] {
  if (fallback === 'pbx') return ['pbx', 'local', 'http'];
  if (fallback === 'http') return ['http', 'local', 'pbx'];
  return ['local', 'http', 'pbx'];
}

/** The best transcript of a call, or null when it has none. */
export function chooseBestTranscript<T extends StoredTranscriptFacts>(transcripts: readonly T[], fallback: 'pbx' | 'http' | 'none' = 'pbx'): T | null {
  if (transcripts.length === 0) return null;
  const preference = sourcePreference(fallback);
  const sorted = [...transcripts].sort((a, b) =>
    qualityRank[a.quality ?? 'not-judged'] - qualityRank[b.quality ?? 'not-judged']
    || preference.indexOf(sourceKindOf(a.source)) - preference.indexOf(sourceKindOf(b.source))
    || Date.parse(b.storedAt) - Date.parse(a.storedAt)
    || Number(b.eventId) - Number(a.eventId));
  return sorted[0]!;
}
