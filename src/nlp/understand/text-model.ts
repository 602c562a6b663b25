import type { Token } from './tokens.ts';

/**
 * A small linear text model (ADR 8's "learned classifier behind the same contract"): one-vs-rest
 * logistic regression over hashed features of the same tokens the rules read. Features per word:
 * the word itself, its character 3- to 5-grams inside `<word>` (so "chess"/"chest" and "seizer"/
 * "seizure" share most of their grams), and the bigram with the word before it (punctuation breaks
 * bigrams). Features are summed per token, so any stretch of tokens is scored by adding its tokens'
 * vectors, and the token that pushed a label up most is where the evidence is.
 *
 * The weights are data (`models/*.json`), trained by `scripts/train/` with a fixed seed, stored as
 * int8 with one scale, base64. Pure: no I/O here; the JSON is imported by the caller.
 */

export interface LinearModelData {
  /** What the model is for and how it was trained (corpus size, seed); informational. */
  meta: Record<string, unknown>;
  /** log2 of the number of hash buckets. */
  bits: number;
  labels: string[];
  bias: number[];
  /** weight = int8 × scale. */
  scale: number;
  /** base64 of an Int8Array laid out [bucket × labels.length + label]. */
  weights: string;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units of `text[from, to)`, seeded. */
export function fnv(text: string, from = 0, to = text.length, seed = FNV_OFFSET): number {
  let hash = seed >>> 0;
  for (let k = from; k < to; k++) {
    hash ^= text.charCodeAt(k);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b1, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Punctuation that is a feature of its own: a question is worded differently from a report. */
const featurePunct = new Set(['?']);

/**
 * The feature buckets of one word (unigram and character n-grams), cached: transcripts repeat the
 * same few hundred words, so after warm-up a token costs one Map lookup.
 */
export class FeatureHasher {
  readonly mask: number;
  private readonly cache = new Map<string, Int32Array>();
  private readonly hashes = new Map<string, number>();

  constructor(readonly bits: number) {
    this.mask = (1 << bits) - 1;
  }

  wordHash(word: string): number {
    let hash = this.hashes.get(word);
    if (hash === undefined) {
      hash = fnv(word);
      if (this.hashes.size > 50_000) this.hashes.clear();
      this.hashes.set(word, hash);
    }
    return hash;
  }

  /** Unigram and char 3..5-gram buckets of `word`. */
  wordFeatures(word: string): Int32Array {
    let ids = this.cache.get(word);
    if (ids) return ids;
    const padded = `<${word}>`;
    const list: number[] = [mix(this.wordHash(word), 1) & this.mask];
    if (/[a-z]/.test(word)) {
      for (let n = 3; n <= 5; n++) {
        for (let k = 0; k + n <= padded.length; k++) list.push(fnv(padded, k, k + n, n) & this.mask);
      }
    }
    ids = Int32Array.from(list);
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  bigram(previous: string, word: string): number {
    return mix(this.wordHash(previous) ^ 0x5bd1e995, this.wordHash(word)) & this.mask;
  }

  /** Whether a token takes part in the features (words, numbers and `?`). */
  static counts(token: Token): boolean {
    return !token.punct || featurePunct.has(token.text);
  }

  /** Every bucket of tokens [from, to): what training sees for a text. Repeats are kept. */
  features(tokens: readonly Token[], from = 0, to = tokens.length): number[] {
    const out: number[] = [];
    let previous: string | undefined;
    for (let k = from; k < to; k++) {
      const token = tokens[k]!;
      if (!FeatureHasher.counts(token)) { previous = undefined; continue; }
      for (const id of this.wordFeatures(token.text)) out.push(id);
      if (previous !== undefined) out.push(this.bigram(previous, token.text));
      previous = token.text;
    }
    return out;
  }
}

export class LinearTextModel {
  readonly labels: readonly string[];
  readonly hasher: FeatureHasher;
  /** int8 weights (a quarter of the memory of floats: the bigram lookups stay in cache). */
  private readonly weights: Int8Array;
  private readonly scale: number;
  private readonly bias: Float32Array;
  private readonly words = new Map<string, { hash: number; vector: Float32Array }>();

  constructor(data: LinearModelData) {
    this.labels = data.labels;
    this.hasher = new FeatureHasher(data.bits);
    const raw = decodeBase64(data.weights);
    const size = (1 << data.bits) * data.labels.length;
    if (raw.length !== size) throw new Error(`model weights: expected ${size} bytes, got ${raw.length}`);
    this.weights = new Int8Array(raw.buffer, raw.byteOffset, size);
    this.scale = data.scale;
    this.bias = Float32Array.from(data.bias);
  }

  get labelCount(): number {
    return this.labels.length;
  }

  biasOf(label: number): number {
    return this.bias[label]!;
  }

  /**
   * Per-token contributions, `out[token × L + label]`: the sum of the weights of the token's own
   * features and of its bigram with the word before it. A stretch's logit is the bias plus the sum.
   */
  tokenScores(tokens: readonly Token[]): Float32Array {
    const L = this.labels.length;
    const out = new Float32Array(tokens.length * L);
    const w = this.weights;
    const scale = this.scale;
    const mask = this.hasher.mask;
    let previous = -1;
    for (let k = 0; k < tokens.length; k++) {
      const token = tokens[k]!;
      if (!FeatureHasher.counts(token)) { previous = -1; continue; }
      const word = this.word(token.text);
      const base = k * L;
      const own = word.vector;
      if (previous >= 0) {
        const at = (mix(previous ^ 0x5bd1e995, word.hash) & mask) * L;
        for (let l = 0; l < L; l++) out[base + l] = own[l]! + w[at + l]! * scale;
      } else {
        for (let l = 0; l < L; l++) out[base + l] = own[l]!;
      }
      previous = word.hash;
    }
    return out;
  }

  private buffer = new Float64Array(0);

  /**
   * Running sums of `tokenScores`: `out[(k + 1) × L + label]` is the sum over tokens 0..k, so any
   * stretch [from, to) scores in O(labels) as `out[to] - out[from]`, and token k alone as `out[k + 1] - out[k]`.
   * The array is reused by the next call: read it before calling again.
   */
  prefixScores(tokens: readonly Token[]): Float64Array {
    const L = this.labels.length;
    // One buffer reused across calls (the result is read before the next call): no allocation per transcript.
    const size = (tokens.length + 1) * L;
    if (this.buffer.length < size) this.buffer = new Float64Array(Math.max(size, this.buffer.length * 2));
    const out = this.buffer;
    for (let l = 0; l < L; l++) out[l] = 0;
    const w = this.weights;
    const scale = this.scale;
    const mask = this.hasher.mask;
    let previous = -1;
    for (let k = 0; k < tokens.length; k++) {
      const token = tokens[k]!;
      const base = (k + 1) * L;
      const before = k * L;
      if (!FeatureHasher.counts(token)) {
        previous = -1;
        for (let l = 0; l < L; l++) out[base + l] = out[before + l]!;
        continue;
      }
      const word = this.word(token.text);
      const own = word.vector;
      if (previous >= 0) {
        const at = (mix(previous ^ 0x5bd1e995, word.hash) & mask) * L;
        for (let l = 0; l < L; l++) out[base + l] = out[before + l]! + own[l]! + w[at + l]! * scale;
      } else {
        for (let l = 0; l < L; l++) out[base + l] = out[before + l]! + own[l]!;
      }
      previous = word.hash;
    }
    return out;
  }

  /** A word's hash and the summed weights of its own features (unigram and char n-grams), cached. */
  private word(text: string): { hash: number; vector: Float32Array } {
    let entry = this.words.get(text);
    if (entry) return entry;
    const L = this.labels.length;
    const vector = new Float32Array(L);
    for (const id of this.hasher.wordFeatures(text)) {
      const at = id * L;
      for (let l = 0; l < L; l++) vector[l]! += this.weights[at + l]! * this.scale;
    }
    entry = { hash: this.hasher.wordHash(text), vector };
    if (this.words.size > 50_000) this.words.clear();
    this.words.set(text, entry);
    return entry;
  }

  /** Probabilities of every label for the whole token list (what training optimised). */
  predict(tokens: readonly Token[]): number[] {
    const scores = this.tokenScores(tokens);
    const L = this.labels.length;
    const logits = Array.from(this.bias);
    for (let k = 0; k < tokens.length; k++) for (let l = 0; l < L; l++) logits[l]! += scores[k * L + l]!;
    return logits.map(sigmoid);
  }
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const base64Index = new Int16Array(128).fill(-1);
for (let k = 0; k < base64Alphabet.length; k++) base64Index[base64Alphabet.charCodeAt(k)] = k;

/** Standard base64 to bytes (no Buffer: this module is pure and runs anywhere). */
export function decodeBase64(text: string): Uint8Array {
  let length = text.length;
  while (length > 0 && text[length - 1] === '=') length--;
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let k = 0; k < length; k++) {
    const digit = base64Index[text.charCodeAt(k)] ?? -1;
    if (digit < 0) throw new Error('model weights: not base64');
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}
