/**
 * Fits the request-type calibration (src/nlp/understand/models/request-types.calibration.json):
 * per code, Platt scaling of the cue score's log-odds, shrunk toward one fit shared by all codes
 * (a code with a handful of positives cannot carry two free parameters); then the secondary-code
 * threshold and the primary floor that give the best macro-F1 on the same split.
 *
 *   npx tsx bench/eval/calibrate-request-types.ts [--calls bench/eval/data/calls-calib/calls.jsonl] [--name calls-calib] [--dry]
 *
 * Run it on the calibration split only (docs/guides/labelling-calls.md; bench/eval/README.md):
 * the split is for fitting these numbers, never for reading calls to write rules, so this prints
 * aggregates only — Brier score, a reliability table, the chosen threshold — and no call.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestTypeCodes, type RedFlag, type RequestTypeCode } from '../../src/nlp/analysis.types.ts';
import { detectRedFlags } from '../../src/nlp/understand/red-flags.ts';
import { calibrated, logOdds, sigmoid, type RequestTypeCalibration } from '../../src/nlp/understand/request-type-calibration.ts';
import { classifyRequestTypesWith, rawRequestTypeScores } from '../../src/nlp/understand/request-types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
const callsFile = arg('--calls') ?? path.join(here, 'data', 'calls-calib', 'calls.jsonl');
const splitName = arg('--name') ?? path.basename(path.dirname(callsFile));
const modelFile = path.join(here, '..', '..', 'src', 'nlp', 'understand', 'models', 'request-types.calibration.json');
const dry = process.argv.includes('--dry');

interface Call { id: string; text: string; labels: { primary: RequestTypeCode; requestTypes: RequestTypeCode[] } }
const calls = readFileSync(callsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Call);
const readings = calls.map((call) => {
  const flags: RedFlag[] = detectRedFlags(call.text).redFlags;
  return { call, flags, raw: rawRequestTypeScores(call.text, flags), truth: new Set(call.labels.requestTypes) };
});

// ---- Platt scaling: minimise log-loss + ridge · ‖(slope, intercept) − prior‖² by Newton's method.
interface Pair { x: number; y: number }
function fitPlatt(pairs: readonly Pair[], prior: { slope: number; intercept: number }, ridge: number) {
  let slope = prior.slope;
  let intercept = prior.intercept;
  for (let iteration = 0; iteration < 100; iteration++) {
    // Gradient and Hessian of the penalised negative log-likelihood.
    let gs = 2 * ridge * (slope - prior.slope), gi = 2 * ridge * (intercept - prior.intercept);
    let hss = 2 * ridge, hsi = 0, hii = 2 * ridge;
    for (const { x, y } of pairs) {
      const p = sigmoid(slope * x + intercept);
      const w = p * (1 - p);
      gs += (p - y) * x; gi += p - y;
      hss += w * x * x; hsi += w * x; hii += w;
    }
    const det = hss * hii - hsi * hsi;
    if (!(det > 1e-12)) break;
    const ds = (hii * gs - hsi * gi) / det;
    const di = (hss * gi - hsi * gs) / det;
    slope -= ds; intercept -= di;
    if (Math.abs(ds) + Math.abs(di) < 1e-9) break;
  }
  return { slope: round(slope, 4), intercept: round(intercept, 4) };
}

const pairsOf = (subset: typeof readings, type?: RequestTypeCode): Pair[] =>
  subset.flatMap((r) => (type ? [type] : requestTypeCodes).map((t) => ({ x: logOdds(r.raw[t]), y: r.truth.has(t) ? 1 : 0 })));

// Pseudo-observations pulling each code toward the shared fit.
const ridge = 4;
function fitCalibration(subset: typeof readings): RequestTypeCalibration['perCode'] {
  const shared = fitPlatt(pairsOf(subset), { slope: 1, intercept: 0 }, 0.01);
  return Object.fromEntries(requestTypeCodes.map((type) => [type, fitPlatt(pairsOf(subset, type), shared, ridge)])) as RequestTypeCalibration['perCode'];
}

// ---- Threshold and floor: best macro-F1 of the returned sets (primary + secondaries), on the split.
function macroF1(calibration: RequestTypeCalibration): { macroF1: number; typesPerCall: number } {
  const counts = Object.fromEntries(requestTypeCodes.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  let predictedTypes = 0;
  for (const r of readings) {
    const predicted = new Set(classifyRequestTypesWith(calibration, r.call.text, r.flags).map((score) => score.type));
    predictedTypes += predicted.size;
    for (const t of requestTypeCodes) {
      if (predicted.has(t) && r.truth.has(t)) counts[t]!.tp++;
      else if (predicted.has(t)) counts[t]!.fp++;
      else if (r.truth.has(t)) counts[t]!.fn++;
    }
  }
  const present = requestTypeCodes.filter((t) => counts[t]!.tp + counts[t]!.fn > 0);
  const f1 = (c: { tp: number; fp: number; fn: number }) => (c.tp === 0 ? 0 : (2 * c.tp) / (2 * c.tp + c.fp + c.fn));
  return { macroF1: present.reduce((sum, t) => sum + f1(counts[t]!), 0) / present.length, typesPerCall: predictedTypes / readings.length };
}

const perCode = fitCalibration(readings);
const base: RequestTypeCalibration = { fittedOn: splitName, calls: readings.length, perCode, secondaryThreshold: 0.5, primaryFloor: 0.2 };
let best = { ...base, score: -1 };
// The floor starts at 0.15: below it a single weak word ("pharmacy", a number said) would decide a
// call alone, which the cue design rules out whatever a split rewards.
for (let floor = 0.15; floor <= 0.45 + 1e-9; floor += 0.05) {
  for (let threshold = 0.2; threshold <= 0.8 + 1e-9; threshold += 0.025) {
    const candidate = { ...base, secondaryThreshold: round(threshold, 3), primaryFloor: round(floor, 2) };
    const { macroF1: score } = macroF1(candidate);
    // Ties go to the higher threshold: fewer codes per call for the same F1.
    if (score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && threshold >= best.secondaryThreshold)) best = { ...candidate, score };
  }
}
const { score: _score, ...fitted } = best;

// ---- Report: Brier and reliability, before (raw cue score) and after calibration; 5-fold Brier out of sample.
const brier = (items: { p: number; y: number }[]) => items.reduce((s, { p, y }) => s + (p - y) ** 2, 0) / items.length;
const rawItems = readings.flatMap((r) => requestTypeCodes.map((t) => ({ p: r.raw[t], y: r.truth.has(t) ? 1 : 0 })));
const calibratedItems = readings.flatMap((r) => requestTypeCodes.map((t) => ({ p: calibrated(fitted, t, r.raw[t]), y: r.truth.has(t) ? 1 : 0 })));
const folds = 5;
const outOfFold: { p: number; y: number }[] = [];
for (let fold = 0; fold < folds; fold++) {
  const train = readings.filter((_, i) => i % folds !== fold);
  const test = readings.filter((_, i) => i % folds === fold);
  if (train.length === 0 || test.length === 0) continue;
  const foldCalibration = { ...fitted, perCode: fitCalibration(train) };
  for (const r of test) for (const t of requestTypeCodes) outOfFold.push({ p: calibrated(foldCalibration, t, r.raw[t]), y: r.truth.has(t) ? 1 : 0 });
}
const reliability = (items: { p: number; y: number }[]) => Array.from({ length: 10 }, (_, b) => {
  const bin = items.filter(({ p }) => (b === 9 ? p >= 0.9 : p >= b / 10 && p < (b + 1) / 10));
  return { bin: `${(b / 10).toFixed(1)}–${((b + 1) / 10).toFixed(1)}`, n: bin.length, predicted: bin.reduce((s, x) => s + x.p, 0) / (bin.length || 1), observed: bin.reduce((s, x) => s + x.y, 0) / (bin.length || 1) };
});

console.log(`request-type calibration · ${splitName} · ${readings.length} calls · ${rawItems.length} call×code pairs`);
console.log(`Brier: raw cue score ${brier(rawItems).toFixed(4)} · calibrated (in sample) ${brier(calibratedItems).toFixed(4)} · calibrated (${folds}-fold, out of sample) ${outOfFold.length ? brier(outOfFold).toFixed(4) : '–'}`);
console.log('\nreliability (calibrated, in sample)');
console.log('bin        n     predicted  observed');
for (const row of reliability(calibratedItems)) if (row.n) console.log(`${row.bin.padEnd(10)} ${String(row.n).padEnd(5)} ${row.predicted.toFixed(3).padEnd(10)} ${row.observed.toFixed(3)}`);
if (outOfFold.length) {
  console.log('\nreliability (calibrated, out of fold)');
  for (const row of reliability(outOfFold)) if (row.n) console.log(`${row.bin.padEnd(10)} ${String(row.n).padEnd(5)} ${row.predicted.toFixed(3).padEnd(10)} ${row.observed.toFixed(3)}`);
}
console.log('\nper code: slope intercept');
for (const t of requestTypeCodes) console.log(`  ${t.padEnd(22)} ${fitted.perCode[t].slope.toFixed(3).padStart(7)} ${fitted.perCode[t].intercept.toFixed(3).padStart(8)}`);
const chosen = macroF1(fitted);
console.log(`\nsecondary threshold ${fitted.secondaryThreshold} · primary floor ${fitted.primaryFloor} → macro-F1 ${chosen.macroF1.toFixed(3)} · ${chosen.typesPerCall.toFixed(2)} types per call (truth ${(readings.reduce((s, r) => s + r.truth.size, 0) / readings.length).toFixed(2)})`);

if (dry) console.log('\n--dry: model file not written');
else {
  writeFileSync(modelFile, `${JSON.stringify(fitted, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), modelFile)}`);
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
