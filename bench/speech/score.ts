/**
 * Scoring for the speech bench: word errors, drug names recalled and invented, and whether the
 * quality verdict told the truth. Pure; the bench runner does the audio and the engine.
 */
import { drugNames } from '../../src/nlp/understand/drug-lexicon.ts';
import type { Transcription, TranscriptQuality } from '../../src/speech/speech-engine.ts';
import { normalizeForWer, wordErrorRate } from '../../src/speech/wer.ts';
import type { CorpusHalf, SentenceKind } from './sentences.ts';

/** A transcript whose WER is above this is not one to trust: its verdict must not be `ok`. */
export const badTranscriptWer = 0.3;

/**
 * Drug names as they would be read from a transcript: generic names, brands and the lexicon's
 * mis-hearings (all of which the NLP maps to a drug), except those that are also ordinary words.
 */
const drugPhrases: Array<{ phrase: string; generic: string }> = drugNames
  .filter((name) => !name.contextual)
  .map((name) => ({ phrase: normalizeForWer(name.phrase), generic: name.generic }))
  .filter((name) => name.phrase.length > 0);

/** Generic names of the drugs named in `text` (normalised word match). */
export function drugsNamedIn(text: string): Set<string> {
  const padded = ` ${normalizeForWer(text)} `;
  const found = new Set<string>();
  for (const { phrase, generic } of drugPhrases) if (padded.includes(` ${phrase} `)) found.add(generic);
  return found;
}

export interface UtteranceScore {
  sentenceId: string;
  kind: SentenceKind;
  half: CorpusHalf;
  voice: string;
  condition: string;
  wer: number;
  errors: number;
  referenceWords: number;
  drugsSaid: number;
  drugsHeard: number;
  /** Drug names in the transcript that were not said (on any sentence). */
  inventedDrugs: number;
  /** Drug candidates the engine proposed that were not said. */
  inventedCandidates: number;
  quality: TranscriptQuality;
  /** Share of the transcript's words below 0.6 confidence (for tuning the verdict's thresholds). */
  lowConfidenceShare: number;
  words: number;
  bandwidthHz: number;
  audioSeconds: number;
  decodeSeconds: number;
}

/** Scores one transcript of one rendered sentence. */
export function scoreUtterance(input: { sentenceId: string; kind: SentenceKind; half: CorpusHalf; voice: string; condition: string; reference: string; transcription: Transcription; audioSeconds: number; decodeSeconds: number }): UtteranceScore {
  const errors = wordErrorRate(input.reference, input.transcription.text);
  const said = drugsNamedIn(input.reference);
  const heard = drugsNamedIn(input.transcription.text);
  const candidates = new Set((input.transcription.candidates ?? []).filter((candidate) => candidate.kind === 'drug').flatMap((candidate) => [...drugsNamedIn(candidate.text)]));
  return {
    sentenceId: input.sentenceId,
    kind: input.kind,
    half: input.half,
    voice: input.voice,
    condition: input.condition,
    wer: errors.wer,
    errors: errors.substitutions + errors.deletions + errors.insertions,
    referenceWords: errors.referenceWords,
    drugsSaid: said.size,
    drugsHeard: [...said].filter((drug) => heard.has(drug)).length,
    inventedDrugs: [...heard].filter((drug) => !said.has(drug)).length,
    inventedCandidates: [...candidates].filter((drug) => !said.has(drug)).length,
    quality: input.transcription.quality,
    ...(() => {
      const words = input.transcription.segments.filter((segment) => segment.final).flatMap((segment) => segment.words);
      return { words: words.length, lowConfidenceShare: words.length ? Math.round((1000 * words.filter((word) => word.confidence < 0.6).length) / words.length) / 1000 : 0 };
    })(),
    bandwidthHz: input.transcription.audio?.effectiveBandwidthHz ?? 0,
    audioSeconds: input.audioSeconds,
    decodeSeconds: input.decodeSeconds,
  };
}

export interface ConditionSummary {
  utterances: number;
  /** Corpus WER: all errors over all words said. */
  wer: number;
  werDrugSentences: number;
  werEverydaySentences: number;
  drugRecall: number;
  drugsSaid: number;
  /** On sentences without any drug name. */
  inventedDrugsInTranscript: number;
  inventedDrugsPer100: number;
  inventedCandidates: number;
  inventedCandidatesPer100: number;
  quality: { ok: number; low: number; unusable: number };
  /** Share of transcripts whose verdict matches the truth (WER > 30% ⇔ not ok), per half. */
  verdictAgreement: Record<CorpusHalf, number | null>;
  /** Transcripts with WER > 30% marked ok: the dangerous miss. */
  badMarkedOk: number;
  /** Transcripts with WER ≤ 30% marked low or unusable: a false alarm (safe, costs staff time). */
  goodMarkedNotOk: number;
  realTimeFactor: number;
}

/** Sums one condition's scores. */
export function summarize(scores: UtteranceScore[]): ConditionSummary {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const corpusWer = (list: UtteranceScore[]) => (sum(list.map((s) => s.referenceWords)) ? round(sum(list.map((s) => s.errors)) / sum(list.map((s) => s.referenceWords))) : 0);
  const everyday = scores.filter((s) => s.kind === 'everyday');
  const drugsSaid = sum(scores.map((s) => s.drugsSaid));
  const isBad = (s: UtteranceScore) => s.wer > badTranscriptWer;
  const agrees = (s: UtteranceScore) => (isBad(s) ? s.quality !== 'ok' : s.quality === 'ok');
  const agreement = (half: CorpusHalf) => {
    const list = scores.filter((s) => s.half === half);
    return list.length ? round(list.filter(agrees).length / list.length) : null;
  };
  return {
    utterances: scores.length,
    wer: corpusWer(scores),
    werDrugSentences: corpusWer(scores.filter((s) => s.kind === 'drug')),
    werEverydaySentences: corpusWer(everyday),
    drugRecall: drugsSaid ? round(sum(scores.map((s) => s.drugsHeard)) / drugsSaid) : 0,
    drugsSaid,
    inventedDrugsInTranscript: sum(everyday.map((s) => s.inventedDrugs)),
    inventedDrugsPer100: everyday.length ? round((100 * sum(everyday.map((s) => s.inventedDrugs))) / everyday.length) : 0,
    inventedCandidates: sum(everyday.map((s) => s.inventedCandidates)),
    inventedCandidatesPer100: everyday.length ? round((100 * sum(everyday.map((s) => s.inventedCandidates))) / everyday.length) : 0,
    quality: { ok: scores.filter((s) => s.quality === 'ok').length, low: scores.filter((s) => s.quality === 'low').length, unusable: scores.filter((s) => s.quality === 'unusable').length },
    verdictAgreement: { tuning: agreement('tuning'), heldOut: agreement('heldOut') },
    badMarkedOk: scores.filter((s) => isBad(s) && s.quality === 'ok').length,
    goodMarkedNotOk: scores.filter((s) => !isBad(s) && s.quality !== 'ok').length,
    realTimeFactor: round(sum(scores.map((s) => s.decodeSeconds)) / (sum(scores.map((s) => s.audioSeconds)) || 1)),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
