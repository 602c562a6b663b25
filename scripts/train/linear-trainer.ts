import { FeatureHasher, type LinearModelData } from '../../src/nlp/understand/text-model.ts';
import { contentTokens } from '../../src/nlp/understand/tokens.ts';
import { rng, shuffle } from './corpus-tools.ts';

/**
 * One-vs-rest logistic regression with AdaGrad and L2, over the hashed features of
 * `src/nlp/understand/text-model.ts`. Deterministic for a given seed and example order.
 */

export interface TrainExample {
  text: string;
  /** Label indexes present. */
  positives: number[];
  /** Label indexes whose value is known (undefined: all). */
  known?: number[];
  weight?: number;
}

export interface TrainOptions {
  bits: number;
  labels: string[];
  epochs: number;
  rate: number;
  l2: number;
  seed: number;
  /** Extra weight on positive examples (recall matters more than precision for red flags). */
  positiveWeight?: number;
  meta?: Record<string, unknown>;
}

export function featurize(hasher: FeatureHasher, text: string): Int32Array {
  return Int32Array.from(hasher.features(contentTokens(text)));
}

export function train(examples: readonly TrainExample[], options: TrainOptions): LinearModelData {
  const L = options.labels.length;
  const hasher = new FeatureHasher(options.bits);
  const size = (1 << options.bits) * L;
  const w = new Float64Array(size);
  const g2 = new Float64Array(size).fill(1e-6);
  const bias = new Float64Array(L);
  const bg2 = new Float64Array(L).fill(1e-6);
  const rows = examples.map((example) => ({
    features: featurize(hasher, example.text),
    target: (() => { const t = new Int8Array(L); for (const p of example.positives) t[p] = 1; return t; })(),
    known: example.known ? (() => { const k = new Uint8Array(L); for (const p of example.known) k[p] = 1; return k; })() : undefined,
    weight: example.weight ?? 1,
  }));
  const r = rng(options.seed);
  const order = rows.map((_, k) => k);
  const logits = new Float64Array(L);
  const grad = new Float64Array(L);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(r, order);
    let loss = 0;
    for (const index of order) {
      const row = rows[index]!;
      logits.set(bias);
      for (const id of row.features) {
        const at = id * L;
        for (let l = 0; l < L; l++) logits[l]! += w[at + l]!;
      }
      for (let l = 0; l < L; l++) {
        if (row.known && row.known[l] === 0) { grad[l] = 0; continue; }
        const p = 1 / (1 + Math.exp(-logits[l]!));
        const y = row.target[l]!;
        const weight = row.weight * (y === 1 ? (options.positiveWeight ?? 1) : 1);
        grad[l] = (p - y) * weight;
        loss += -weight * (y === 1 ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
      }
      for (let l = 0; l < L; l++) {
        const g = grad[l]!;
        if (g === 0) continue;
        bg2[l]! += g * g;
        bias[l]! -= (options.rate * g) / Math.sqrt(bg2[l]!);
      }
      for (const id of row.features) {
        const at = id * L;
        for (let l = 0; l < L; l++) {
          const gl = grad[l]!;
          if (gl === 0) continue;
          const g = gl + options.l2 * w[at + l]!;
          g2[at + l]! += g * g;
          w[at + l]! -= (options.rate * g) / Math.sqrt(g2[at + l]!);
        }
      }
    }
    process.stdout.write(`  epoch ${epoch + 1}/${options.epochs} loss ${(loss / rows.length).toFixed(4)}\n`);
  }
  let max = 0;
  for (let k = 0; k < size; k++) max = Math.max(max, Math.abs(w[k]!));
  const scale = max / 127 || 1;
  const bytes = new Uint8Array(size);
  for (let k = 0; k < size; k++) bytes[k] = Math.max(-127, Math.min(127, Math.round(w[k]! / scale))) & 0xff;
  return {
    meta: options.meta ?? {},
    bits: options.bits,
    labels: options.labels,
    bias: Array.from(bias, (b) => Math.round(b * 1e5) / 1e5),
    scale,
    weights: Buffer.from(bytes).toString('base64'),
  };
}
