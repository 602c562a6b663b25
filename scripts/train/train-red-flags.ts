/**
 * Trains the red-flag model (the second route beside the rules, ADR 8) and writes
 * src/nlp/understand/models/red-flags.json.
 *
 *   npx tsx scripts/train/train-red-flags.ts            train on everything (synthetic + catalogue + dev), write the model
 *   npx tsx scripts/train/train-red-flags.ts --eval     train on 4/5 of the phrase material + catalogue (no dev); report
 *                                                       on the unseen 1/5 and on the dev split, and write the model to --out
 *   --out FILE                                          where to write (default: the shipped model)
 *
 * Fixed seed: the same command writes the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redFlagCodes } from '../../src/nlp/analysis.types.ts';
import { LinearTextModel } from '../../src/nlp/understand/text-model.ts';
import { contentTokens } from '../../src/nlp/understand/tokens.ts';
import { train, type TrainExample } from './linear-trainer.ts';
import { catalogueCalls, catalogueRedFlags, devRedFlags, neutralExamples, syntheticRedFlags, type Example } from './red-flag-corpus.ts';

const SEED = 20261123;
const evalMode = process.argv.includes('--eval');
const outArg = process.argv.indexOf('--out');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const out = outArg >= 0 ? path.resolve(process.argv[outArg + 1]!) : path.join(root, 'src/nlp/understand/models/red-flags.json');

const PER_FLAG = 1600;
const synthetic = syntheticRedFlags(SEED, PER_FLAG, { part: evalMode ? 'train' : 'all' });
const corpus: Example[] = [...synthetic, ...neutralExamples(SEED + 1, 12000), ...catalogueRedFlags(), ...catalogueCalls(), ...(evalMode ? [] : devRedFlags())];
// A call is read clause by clause (and in parts): every stretch the model reads in a call with no
// red flag is a negative of its own.
import { modelWindows } from '../../src/nlp/understand/red-flags.ts';
import { contentTokens as clauseTokens } from '../../src/nlp/understand/tokens.ts';
function clauses(text: string): string[] {
  const tokens = clauseTokens(text);
  const windows = modelWindows(tokens).filter(([from, to]) => to - from >= 2 && !(from === 0 && to === tokens.length));
  return [...new Set(windows.map(([from, to]) => text.slice(tokens[from]!.start, tokens[to - 1]!.end)))];
}
for (const example of [...corpus]) {
  if (example.labels.length === 0 && !example.known) {
    for (const clause of clauses(example.text)) corpus.push({ ...example, text: clause });
  }
}
const labelIndex = new Map<string, number>(redFlagCodes.map((code, k) => [code, k]));
const toTrain = (example: Example): TrainExample => ({
  text: example.text,
  positives: example.labels.map((code) => labelIndex.get(code)!),
  ...(example.known ? { known: example.known.map((code) => labelIndex.get(code)!) } : {}),
  // Hand-written cases and the dev split are worth more than one generated variant.
  weight: example.source === 'synthetic' ? 1 : 3,
});

const kinds = new Map<string, number>();
for (const example of corpus) kinds.set(`${example.source}/${example.kind}`, (kinds.get(`${example.source}/${example.kind}`) ?? 0) + 1);
process.stdout.write(`corpus: ${corpus.length} examples\n${[...kinds].sort().map(([k, n]) => `  ${k}: ${n}`).join('\n')}\n`);

const model = train(corpus.map(toTrain), {
  bits: 15, labels: [...redFlagCodes], epochs: 6, rate: 0.2, l2: 1e-5, seed: SEED, positiveWeight: 1.5,
  meta: {
    name: 'red-flags', trainedBy: 'scripts/train/train-red-flags.ts', seed: SEED, examples: corpus.length,
    features: 'word unigrams + bigrams + char 3-5-grams of each word, hashed to 2^15 buckets', kind: 'one-vs-rest logistic regression',
    evalMode,
  },
});
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(model)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), out)} (${Math.round(JSON.stringify(model).length / 1024)} KiB)\n`);

if (evalMode) {
  const loaded = new LinearTextModel(model);
  const report = (name: string, examples: Example[], threshold: number) => {
    let pos = 0, hit = 0, neg = 0, clean = 0;
    const byKind = new Map<string, [number, number]>();
    for (const example of examples) {
      const probs = loaded.predict(contentTokens(example.text));
      const got = new Set(redFlagCodes.filter((_, k) => probs[k]! >= threshold));
      if (example.labels.length) { for (const code of example.labels) { pos++; if (got.has(code)) hit++; } }
      else {
        neg++;
        const entry = byKind.get(example.kind) ?? [0, 0];
        entry[0]++;
        if (got.size === 0) { clean++; entry[1]++; }
        byKind.set(example.kind, entry);
      }
    }
    process.stdout.write(`${name} @${threshold}: recall ${(hit / pos).toFixed(3)} specificity ${(clean / neg).toFixed(3)} ${[...byKind].map(([k, [n, c]]) => `${k} ${(c / n).toFixed(2)}`).join(' ')}\n`);
  };
  const val = syntheticRedFlags(SEED + 7, 200, { part: 'val' });
  const dev = devRedFlags();
  for (const threshold of [0.3, 0.5, 0.7, 0.9]) {
    report('unseen phrases', val, threshold);
    report('dev split', dev, threshold);
  }
}
