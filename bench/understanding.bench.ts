/**
 * Whole-call understanding benchmark (not a test): request types (macro-F1, per type, primary,
 * predicted-vs-true counts), calibration (Brier, reliability), urgency, red flags, PHI per type and
 * style, lines rejected, throughput — on every hand-written call set in bench/eval/data/calls-*.
 * The calls go through the same path as `callchart analyze` (its JSONL line in, its line out).
 *
 *   npx tsx bench/understanding.bench.ts [--set a,b,tune,calib] [--json bench/results/understanding.json]
 *   npm run bench:understanding
 *
 * Sets and their use (docs/guides/labelling-calls.md; bench/eval/calls/<set>/README.md):
 * `tune` is read to write rules; `calib` only to fit calibration and thresholds; every other set
 * is never tuned on, and the spread between them is the number that matters.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeLine } from '../src/cli/analyze.command.ts';
import { requestTypeCodes, type PhiType, type RedFlag, type RequestTypeCode } from '../src/nlp/analysis.types.ts';
import * as requestTypesModule from '../src/nlp/understand/request-types.ts';
import { detectRedFlags } from '../src/nlp/understand/red-flags.ts';
import { readCallSet, type LabelledCall } from './eval/calls/build.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
const available = readdirSync(path.join(here, 'eval', 'data')).filter((d) => d.startsWith('calls-') && existsSync(path.join(here, 'eval', 'data', d, 'calls.jsonl'))).map((d) => d.slice(6));
const sets = (arg('--set')?.split(',') ?? available).filter((s) => available.includes(s));
const jsonOut = arg('--json') ?? path.join(here, 'results', 'understanding.json');
const use = (set: string) => (set === 'tune' ? 'tuned on' : set === 'calib' ? 'calibration only' : 'never tuned');

type Probabilities = (text: string, redFlags: RedFlag[]) => Record<RequestTypeCode, number>;
const probabilitiesOf = (requestTypesModule as unknown as { requestTypeProbabilities?: Probabilities }).requestTypeProbabilities;

const f1 = (tp: number, fp: number, fn: number) => (tp === 0 ? (fp + fn === 0 ? 1 : 0) : (2 * tp) / (2 * tp + fp + fn));
const round = (x: number, d = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const fmt = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3));

interface Output { id: string | number | null; error?: string; requestTypes?: { type: RequestTypeCode; confidence: number }[]; redFlags?: { code: string; status: string }[]; urgent?: boolean; phi?: { start: number; end: number; type: PhiType }[] }

function scoreSet(set: string, calls: LabelledCall[]) {
  const lines = calls.map((call) => JSON.stringify({ id: call.id, text: call.text, ...(call.patient ? { patient: call.patient } : {}) }));
  const runAll = () => lines.map((line, i) => analyzeLine(line, i + 1, { now: new Date('2026-12-07T15:00:00Z') }) as Output);
  const outputs = runAll(); // also the warm-up: word lists and models load once, lazily
  // Throughput: whole passes over the set, warm, on this one thread (one core), at least 2 s.
  let passes = 0;
  const started = process.hrtime.bigint();
  while (passes < 3 || Number(process.hrtime.bigint() - started) < 2e9) { runAll(); passes++; }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const words = passes * calls.reduce((sum, call) => sum + call.text.split(/\s+/).length, 0);
  const rejected = outputs.filter((o) => o.error).map((o) => ({ id: o.id, error: o.error }));

  // Request types
  const perType = Object.fromEntries(requestTypeCodes.map((t) => [t, { tp: 0, fp: 0, fn: 0, truth: 0, predicted: 0 }]));
  let primaryRight = 0, predictedTypes = 0, trueTypes = 0, exactSets = 0;
  const confusions: Record<string, number> = {};
  calls.forEach((call, i) => {
    const predicted = new Set((outputs[i]!.requestTypes ?? []).map((r) => r.type));
    const truth = new Set(call.labels.requestTypes);
    predictedTypes += predicted.size; trueTypes += truth.size;
    if (predicted.size === truth.size && [...truth].every((t) => predicted.has(t))) exactSets++;
    if (outputs[i]!.requestTypes?.[0]?.type === call.labels.primary) primaryRight++;
    else confusions[`${call.labels.primary} → ${outputs[i]!.requestTypes?.[0]?.type ?? 'none'}`] = (confusions[`${call.labels.primary} → ${outputs[i]!.requestTypes?.[0]?.type ?? 'none'}`] ?? 0) + 1;
    for (const t of requestTypeCodes) {
      const row = perType[t]!;
      if (truth.has(t)) row.truth++;
      if (predicted.has(t)) row.predicted++;
      if (truth.has(t) && predicted.has(t)) row.tp++; else if (predicted.has(t)) row.fp++; else if (truth.has(t)) row.fn++;
    }
  });
  const typeF1 = Object.fromEntries(requestTypeCodes.map((t) => [t, f1(perType[t]!.tp, perType[t]!.fp, perType[t]!.fn)]));
  const present = requestTypeCodes.filter((t) => perType[t]!.truth > 0);
  const macroF1 = present.reduce((s, t) => s + typeF1[t]!, 0) / present.length;

  // Calibration: every call × every type (the model's probability, 0 where a type is not returned).
  const pairs: { p: number; y: number }[] = [];
  calls.forEach((call, i) => {
    const probabilities = probabilitiesOf
      ? probabilitiesOf(call.text, detectRedFlags(call.text).redFlags)
      : Object.fromEntries((outputs[i]!.requestTypes ?? []).map((r) => [r.type, r.confidence]));
    for (const t of requestTypeCodes) pairs.push({ p: probabilities[t] ?? 0, y: call.labels.requestTypes.includes(t) ? 1 : 0 });
  });
  const brier = pairs.reduce((s, { p, y }) => s + (p - y) ** 2, 0) / pairs.length;
  const reliability = Array.from({ length: 10 }, (_, b) => {
    const inBin = pairs.filter(({ p }) => (b === 9 ? p >= 0.9 : p >= b / 10 && p < (b + 1) / 10));
    return { bin: `${(b / 10).toFixed(1)}–${((b + 1) / 10).toFixed(1)}`, n: inBin.length, meanPredicted: round(inBin.reduce((s, x) => s + x.p, 0) / inBin.length), observed: round(inBin.reduce((s, x) => s + x.y, 0) / inBin.length) };
  });
  const ece = reliability.reduce((s, r) => s + (r.n && r.meanPredicted !== null && r.observed !== null ? (r.n / pairs.length) * Math.abs(r.meanPredicted - r.observed) : 0), 0);

  // Urgency and red flags
  let tp = 0, fn = 0, tn = 0, fp = 0, flagFound = 0, flagGold = 0;
  const missedUrgent: string[] = [], falseAlarms: string[] = [];
  calls.forEach((call, i) => {
    const o = outputs[i]!;
    if (call.labels.urgent) { if (o.urgent) tp++; else { fn++; missedUrgent.push(call.id); } }
    else if (o.urgent) { fp++; falseAlarms.push(call.id); } else tn++;
    const codes = new Set((o.redFlags ?? []).map((f) => f.code));
    for (const code of call.labels.redFlags) { flagGold++; if (codes.has(code)) flagFound++; }
  });

  // PHI: a gold span is found when predicted spans cover all its non-space characters.
  const phiTypeRows: Record<string, { gold: number; found: number }> = {};
  const byStyle: Record<string, { goldChars: number; coveredChars: number; predictedChars: number; inGoldChars: number }> = {};
  calls.forEach((call, i) => {
    const predicted = outputs[i]!.phi ?? [];
    const covered = new Uint8Array(call.text.length), gold = new Uint8Array(call.text.length);
    for (const span of predicted) covered.fill(1, span.start, span.end);
    const style = call.style === 'asr' ? 'spoken' : 'written';
    const row = (byStyle[style] ??= { goldChars: 0, coveredChars: 0, predictedChars: 0, inGoldChars: 0 });
    for (const span of call.labels.phi) {
      gold.fill(1, span.start, span.end);
      let all = true;
      for (let c = span.start; c < span.end; c++) if (!/\s/.test(call.text[c]!) && !covered[c]) all = false;
      const typeRow = (phiTypeRows[span.type] ??= { gold: 0, found: 0 });
      typeRow.gold++; if (all) typeRow.found++;
    }
    for (let c = 0; c < call.text.length; c++) {
      if (/\s/.test(call.text[c]!)) continue;
      if (gold[c]) { row.goldChars++; if (covered[c]) row.coveredChars++; }
      if (covered[c]) { row.predictedChars++; if (gold[c]) row.inGoldChars++; }
    }
  });
  const phiChars = Object.values(byStyle).reduce((a, r) => ({ goldChars: a.goldChars + r.goldChars, coveredChars: a.coveredChars + r.coveredChars, predictedChars: a.predictedChars + r.predictedChars, inGoldChars: a.inGoldChars + r.inGoldChars }), { goldChars: 0, coveredChars: 0, predictedChars: 0, inGoldChars: 0 });

  return {
    set, use: use(set), calls: calls.length, rejected,
    requestTypes: {
      macroF1: round(macroF1), primaryAccuracy: round(primaryRight / calls.length), exactSetRate: round(exactSets / calls.length),
      typesPerCall: { predicted: round(predictedTypes / calls.length, 2), truth: round(trueTypes / calls.length, 2) },
      perType: Object.fromEntries(requestTypeCodes.map((t) => [t, { f1: round(typeF1[t]!), truth: perType[t]!.truth, predicted: perType[t]!.predicted, falsePositives: perType[t]!.fp, missed: perType[t]!.fn }])),
      primaryConfusions: Object.entries(confusions).sort((a, b) => b[1] - a[1]).slice(0, 12),
    },
    calibration: { source: probabilitiesOf ? 'requestTypeProbabilities (all twelve types)' : 'returned confidences (0 where not returned)', brier: round(brier, 4), ece: round(ece), reliability },
    urgency: { recall: round(tp / (tp + fn)), specificity: round(tn / (tn + fp)), urgent: tp + fn, routine: tn + fp, missed: missedUrgent, falseAlarms },
    redFlags: { codeRecall: round(flagFound / flagGold), gold: flagGold },
    phi: {
      charRecall: round(phiChars.coveredChars / phiChars.goldChars), charPrecision: round(phiChars.inGoldChars / phiChars.predictedChars),
      byStyle: Object.fromEntries(Object.entries(byStyle).map(([s, r]) => [s, { charRecall: round(r.coveredChars / r.goldChars), charPrecision: round(r.inGoldChars / r.predictedChars) }])),
      perType: Object.fromEntries(Object.entries(phiTypeRows).sort().map(([t, r]) => [t, { found: r.found, gold: r.gold }])),
    },
    throughput: { seconds: round(seconds, 2), wordsPerSecond: Math.round(words / seconds), transcriptsOf450WordsPerSecond: Math.round(words / 450 / seconds) },
  };
}

const results = sets.map((set) => scoreSet(set, readCallSet(set)));
for (const r of results) {
  console.log(`\n== calls-${r.set} (${r.use}) · ${r.calls} calls · rejected ${r.rejected.length}`);
  console.log(`request types: macro-F1 ${fmt(r.requestTypes.macroF1)} · primary ${fmt(r.requestTypes.primaryAccuracy)} · exact set ${fmt(r.requestTypes.exactSetRate)} · types/call ${r.requestTypes.typesPerCall.predicted} (truth ${r.requestTypes.typesPerCall.truth})`);
  console.log('  ' + Object.entries(r.requestTypes.perType).map(([t, v]) => `${t} ${fmt(v.f1)} (${v.predicted}/${v.truth})`).join(' · '));
  console.log(`  primary confusions: ${r.requestTypes.primaryConfusions.map(([k, n]) => `${k} ×${n}`).join('; ')}`);
  console.log(`calibration (${r.calibration.source}): Brier ${r.calibration.brier} · ECE ${fmt(r.calibration.ece)} · ${r.calibration.reliability.filter((b) => b.n).map((b) => `${b.bin}: ${fmt(b.meanPredicted)}→${fmt(b.observed)} n=${b.n}`).join(' | ')}`);
  console.log(`urgent: recall ${fmt(r.urgency.recall)} · specificity ${fmt(r.urgency.specificity)} (${r.urgency.urgent} urgent, ${r.urgency.routine} routine) · missed ${r.urgency.missed.join(',') || 'none'} · false alarms ${r.urgency.falseAlarms.length} · red-flag code recall ${fmt(r.redFlags.codeRecall)} of ${r.redFlags.gold}`);
  console.log(`PHI: char recall ${fmt(r.phi.charRecall)} · precision ${fmt(r.phi.charPrecision)} · ${Object.entries(r.phi.byStyle).map(([s, v]) => `${s} ${fmt(v.charRecall)}/${fmt(v.charPrecision)}`).join(' · ')}`);
  console.log('  ' + Object.entries(r.phi.perType).map(([t, v]) => `${t} ${v.found}/${v.gold}`).join(' · '));
  console.log(`throughput: ${r.throughput.wordsPerSecond} words/s · ${r.throughput.transcriptsOf450WordsPerSecond} transcripts of 450 words/s (one core)`);
}
const never = results.filter((r) => r.use === 'never tuned');
const spread = never.length > 1 ? { macroF1: round(Math.max(...never.map((r) => r.requestTypes.macroF1 ?? 0)) - Math.min(...never.map((r) => r.requestTypes.macroF1 ?? 0))), sets: never.map((r) => r.set) } : null;
if (spread) console.log(`\nspread of macro-F1 across never-tuned sets (${spread.sets.join(', ')}): ${spread.macroF1}`);
mkdirSync(path.dirname(jsonOut), { recursive: true });
writeFileSync(jsonOut, JSON.stringify({ startedAt: new Date().toISOString(), node: process.version, sets: results, spread }, null, 2));
console.log(`\nresults: ${path.relative(process.cwd(), jsonOut)}`);
