/**
 * Speech accuracy benchmark (issue 17; not a test): the synthetic call-audio corpus through a
 * speech engine, per condition, with WER, drug-name recall, drug names invented on speech without
 * any (in the transcript, and as candidates), how often the quality verdict tells the truth
 * (WER > 30% ⇒ not `ok`), and the real-time factor.
 *
 *   npm run bench:speech                 the whole corpus: 120 sentences × 5 voices × 3 conditions
 *   npm run bench:speech -- --quick      4 sentences, 2 voices (what the test runs)
 *   npm run bench:speech -- --voices awb,slt --conditions wideband-vocabulary
 *
 * Conditions: `wideband-stock` (16 kHz, the stock dictionary), `wideband-vocabulary` (16 kHz, the
 * drug and clinic vocabulary added), `telephone-vocabulary` (the same speech through a phone line:
 * 300–3400 Hz, 8 kHz µ-law, upsampled to 16 kHz). Prints metrics only, never transcripts, and
 * writes bench/results/speech.json (or the path after --out).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { analyzeAudio } from '../src/speech/audio/analyze.ts';
import { mulawToPcm } from '../src/speech/audio/mulaw.ts';
import { resamplePcm } from '../src/speech/audio/resample.ts';
import { toTelephoneAudio } from '../src/speech/audio/telephone.ts';
import type { SpeechEngine } from '../src/speech/speech-engine.ts';
import { corpusVoices, renderCall, renderSpeech, type Channel, type CorpusVoice } from './speech/corpus.ts';
import { createBenchEngine } from './speech/engines.ts';
import { scoreUtterance, summarize, type ConditionSummary, type UtteranceScore } from './speech/score.ts';
import { corpusSentences, type CorpusSentence } from './speech/sentences.ts';

export const benchConditions = {
  'wideband-stock': { channel: 'wideband', vocabulary: false },
  'wideband-vocabulary': { channel: 'wideband', vocabulary: true },
  'telephone-vocabulary': { channel: 'telephone', vocabulary: true },
} as const satisfies Record<string, { channel: Channel; vocabulary: boolean }>;
export type BenchCondition = keyof typeof benchConditions;

export interface SpeechBenchOptions {
  sentences: readonly CorpusSentence[];
  voices: readonly CorpusVoice[];
  conditions: readonly BenchCondition[];
  /** The engine for a condition (default: the pocketsphinx engine). */
  engineFor?: (condition: BenchCondition) => Promise<SpeechEngine>;
  log?: (line: string) => void;
}

export interface SpeechBenchResult {
  engine: string;
  sentences: number;
  voices: readonly string[];
  conditions: Partial<Record<BenchCondition, ConditionSummary>>;
  /** Per utterance: ids, WER, verdict and confidence share; never what was said or heard. */
  utterances: UtteranceScore[];
  goals: Record<string, { goal: string; measured: number | string; met: boolean }>;
  /** Resampling 8 kHz → 16 kHz (what every live stream needs): seconds of audio per second of one core. */
  resampler: { realTimeFactor: number; streamsPerCore: number };
  /** The bandwidth guard on the corpus audio: how often it tells a phone call from wideband. */
  bandwidthGuard: { widebandMinHz: number; telephoneMaxHz: number; separated: boolean };
}

/** Runs the corpus through the engine(s); returns the summary (no transcript text in it). */
export async function runSpeechBench(options: SpeechBenchOptions): Promise<SpeechBenchResult> {
  const log = options.log ?? (() => {});
  const engineFor = options.engineFor ?? ((condition: BenchCondition) => createBenchEngine({ vocabulary: benchConditions[condition].vocabulary }));
  const conditions: SpeechBenchResult['conditions'] = {};
  let engineName = 'unknown';
  const allScores: UtteranceScore[] = [];
  let widebandMinHz = Infinity;
  let telephoneMaxHz = 0;
  for (const condition of options.conditions) {
    const engine = await engineFor(condition);
    engineName = engine.name;
    if (!engine.transcribe) throw new Error(`the ${engine.name} engine cannot transcribe files`);
    const scores: UtteranceScore[] = [];
    try {
      for (const voice of options.voices) {
        for (const sentence of options.sentences) {
          const audio = await renderCall(sentence.text, voice, benchConditions[condition].channel);
          const bandwidth = analyzeAudio(audio).effectiveBandwidthHz;
          if (benchConditions[condition].channel === 'wideband') widebandMinHz = Math.min(widebandMinHz, bandwidth);
          else telephoneMaxHz = Math.max(telephoneMaxHz, bandwidth);
          const started = performance.now();
          const transcription = await engine.transcribe(audio);
          const decodeSeconds = (performance.now() - started) / 1000;
          scores.push(scoreUtterance({ sentenceId: sentence.id, kind: sentence.kind, half: sentence.half, voice, condition, reference: sentence.text, transcription, audioSeconds: audio.samples.length / audio.sampleRate, decodeSeconds }));
        }
        log(`  ${condition} ${voice}: ${scores.filter((score) => score.voice === voice).length} utterances`);
      }
    } finally {
      await engine.close?.();
    }
    conditions[condition] = summarize(scores);
    allScores.push(...scores);
    log(formatSummary(condition, conditions[condition]));
  }
  const resampler = await measureResampler();
  const wideVocabulary = conditions['wideband-vocabulary'];
  const telephone = conditions['telephone-vocabulary'];
  const goals: SpeechBenchResult['goals'] = {};
  if (wideVocabulary) {
    goals.widebandWer = { goal: '≤ 0.15', measured: wideVocabulary.wer, met: wideVocabulary.wer <= 0.15 };
    goals.drugRecall = { goal: '≥ 0.9', measured: wideVocabulary.drugRecall, met: wideVocabulary.drugRecall >= 0.9 };
  }
  const invented = Object.values(conditions).reduce((sum, summary) => sum + summary.inventedDrugsInTranscript, 0);
  goals.inventedDrugsInTranscript = { goal: '0 (all conditions)', measured: invented, met: invented === 0 };
  if (telephone) goals.telephoneBadMarked = { goal: 'every telephone transcript with WER > 30% low or unusable', measured: `${telephone.badMarkedOk} marked ok`, met: telephone.badMarkedOk === 0 };
  goals.resamplerStreams = { goal: '≥ 8 live streams on 2 cores (resampling alone)', measured: resampler.streamsPerCore * 2, met: resampler.streamsPerCore * 2 >= 8 };
  return {
    engine: engineName,
    sentences: options.sentences.length,
    voices: options.voices,
    conditions,
    utterances: allScores,
    goals,
    resampler,
    bandwidthGuard: { widebandMinHz: Number.isFinite(widebandMinHz) ? widebandMinHz : 0, telephoneMaxHz, separated: !Number.isFinite(widebandMinHz) || telephoneMaxHz === 0 || telephoneMaxHz < widebandMinHz },
  };
}

/** 8 kHz µ-law → 16 kHz, 200 ms at a time, as a live stream is resampled; per core. */
async function measureResampler(): Promise<SpeechBenchResult['resampler']> {
  const speech = await renderSpeech('Hi, I am calling about my appointment on Tuesday and a refill of my lisinopril.', 'rms');
  const phone = mulawToPcm(toTelephoneAudio(speech));
  const piece = 1_600;
  let audioSeconds = 0;
  const started = performance.now();
  for (let round = 0; round < 20; round++) {
    for (let offset = 0; offset < phone.length; offset += piece) resamplePcm({ samples: phone.subarray(offset, offset + piece), sampleRate: 8000 }, 16_000);
    audioSeconds += phone.length / 8000;
  }
  const realTimeFactor = (performance.now() - started) / 1000 / audioSeconds;
  return { realTimeFactor: Math.round(realTimeFactor * 10_000) / 10_000, streamsPerCore: Math.floor(1 / realTimeFactor) };
}

function formatSummary(condition: string, summary: ConditionSummary): string {
  return [
    `${condition}: ${summary.utterances} utterances, WER ${pct(summary.wer)} (drug sentences ${pct(summary.werDrugSentences)}, everyday ${pct(summary.werEverydaySentences)})`,
    `  drug recall ${summary.drugRecall} of ${summary.drugsSaid}; invented drug names on speech without any: ${summary.inventedDrugsInTranscript} in transcripts (${summary.inventedDrugsPer100}/100), ${summary.inventedCandidates} as candidates (${summary.inventedCandidatesPer100}/100)`,
    `  quality ok/low/unusable ${summary.quality.ok}/${summary.quality.low}/${summary.quality.unusable}; verdict agrees with WER>30% truth: tuning ${summary.verdictAgreement.tuning}, held-out ${summary.verdictAgreement.heldOut}; bad marked ok ${summary.badMarkedOk}, good marked not ok ${summary.goodMarkedNotOk}; RTF ${summary.realTimeFactor}`,
  ].join('\n');
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const voices = (argument('--voices')?.split(',') ?? (quick ? ['rms', 'slt'] : [...corpusVoices])) as CorpusVoice[];
  for (const voice of voices) if (!corpusVoices.includes(voice)) throw new Error(`unknown voice ${voice}; one of ${corpusVoices.join(', ')}`);
  const conditions = (argument('--conditions')?.split(',') ?? Object.keys(benchConditions)) as BenchCondition[];
  for (const condition of conditions) if (!(condition in benchConditions)) throw new Error(`unknown condition ${condition}`);
  const sentences = quick ? pickQuick() : corpusSentences;
  console.log(`speech bench: ${sentences.length} sentences × ${voices.length} voices × ${conditions.length} conditions`);
  const result = await runSpeechBench({ sentences, voices, conditions, log: (line) => console.log(line) });
  console.log(`resampling 8 → 16 kHz: RTF ${result.resampler.realTimeFactor} (${result.resampler.streamsPerCore} streams a core)`);
  console.log(`bandwidth guard: wideband ≥ ${result.bandwidthGuard.widebandMinHz} Hz, telephone ≤ ${result.bandwidthGuard.telephoneMaxHz} Hz, separated: ${result.bandwidthGuard.separated}`);
  for (const [name, goal] of Object.entries(result.goals)) console.log(`goal ${name}: ${goal.goal}; measured ${goal.measured}: ${goal.met ? 'MET' : 'NOT MET'}`);
  const out = argument('--out') ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', quick ? 'speech-quick.json' : 'speech.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), quick, ...result }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

/** Two sentences of each kind, one from each half. */
function pickQuick(): CorpusSentence[] {
  return [corpusSentences.find((s) => s.kind === 'drug' && s.half === 'tuning')!, corpusSentences.find((s) => s.kind === 'drug' && s.half === 'heldOut')!, corpusSentences.find((s) => s.kind === 'everyday' && s.half === 'tuning')!, corpusSentences.find((s) => s.kind === 'everyday' && s.half === 'heldOut')!];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`speech bench failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
