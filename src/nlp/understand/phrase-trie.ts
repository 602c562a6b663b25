import type { Token } from './tokens.ts';

/**
 * A token trie for multi-word cue phrases: one Map lookup per token instead of one regex per
 * phrase over the whole transcript, which is what keeps the detectors under a millisecond.
 *
 * Pattern syntax (space separated tokens):
 * - `a|b|c`   alternatives
 * - `word+`   the word and its inflections (refill → refills, refilled, refilling)
 * - `[a|b]`   optional token
 * - `*`       exactly one word (any)
 * - `~`       zero or one word (any), for "chest feels tight" / "chest is really tight"
 *
 * Inside a phrase (never before its first word), a soft filler that the pattern does not expect
 * ("like", "so", "really", "just") is skipped: "chest so pain", "a note like for work".
 */

/** Words a speaker drops into the middle of a phrase without changing it. */
const softFillers = new Set(['like', 'so', 'really', 'just', 'actually', 'literally', 'um', 'uh']);

interface Node<T> {
  next: Map<string, Node<T>>;
  any?: Node<T>;
  values: T[];
}

export interface PhraseMatch<T> {
  value: T;
  /** First and last token index, inclusive. */
  first: number;
  last: number;
}

/** The word and its common English inflections; enough for cue matching, not a stemmer. */
export function inflect(word: string): string[] {
  const forms = new Set([word, `${word}s`, `${word}es`, `${word}ed`, `${word}ing`, `${word}d`]);
  if (word.endsWith('e')) {
    const stem = word.slice(0, -1);
    forms.add(`${stem}ing`);
    forms.add(`${stem}ed`);
  }
  if (word.endsWith('y') && !/[aeiou]y$/.test(word)) {
    const stem = word.slice(0, -1);
    forms.add(`${stem}ies`);
    forms.add(`${stem}ied`);
  }
  // stop → stopped, stopping (one consonant after one vowel).
  if (/[^aeiou][aeiou][bdgklmnprt]$/.test(word)) {
    const last = word.at(-1)!;
    forms.add(`${word}${last}ed`);
    forms.add(`${word}${last}ing`);
  }
  return [...forms];
}

type Step = { kind: 'words'; words: string[] } | { kind: 'any' };

function parseStep(raw: string): Step[][] {
  // Returns the alternatives for this slot: [] (skip) and/or one step.
  if (raw === '*') return [[{ kind: 'any' }]];
  if (raw === '~') return [[], [{ kind: 'any' }]];
  const optional = raw.startsWith('[') && raw.endsWith(']');
  const body = optional ? raw.slice(1, -1) : raw;
  const words = body.split('|').flatMap((word) => (word.endsWith('+') ? inflect(word.slice(0, -1)) : [word]));
  const step: Step[] = [{ kind: 'words', words }];
  return optional ? [[], step] : [step];
}

/** Expands optional slots into every concrete step sequence. */
function expand(pattern: string): Step[][] {
  let sequences: Step[][] = [[]];
  for (const raw of pattern.trim().split(/\s+/)) {
    const options = parseStep(raw);
    sequences = sequences.flatMap((sequence) => options.map((option) => [...sequence, ...option]));
  }
  return sequences.filter((sequence) => sequence.length > 0 && sequence[0]!.kind === 'words');
}

/** Cue phrases compiled into a token trie; `matchAll` reports every phrase found in a token stream. */
export class PhraseTrie<T> {
  private readonly root: Node<T> = { next: new Map(), values: [] };

  /** Adds a pattern (syntax above) that yields `value` when it matches. */
  add(pattern: string, value: T): this {
    for (const sequence of expand(pattern)) {
      let frontier: Node<T>[] = [this.root];
      for (const step of sequence) {
        const following: Node<T>[] = [];
        for (const node of frontier) {
          if (step.kind === 'any') {
            node.any ??= { next: new Map(), values: [] };
            following.push(node.any);
          } else {
            // Each alternative gets its own child so later patterns cannot leak across alternatives.
            for (const word of step.words) {
              let child = node.next.get(word);
              if (!child) {
                child = { next: new Map(), values: [] };
                node.next.set(word, child);
              }
              following.push(child);
            }
          }
        }
        frontier = following;
      }
      for (const node of frontier) if (!node.values.includes(value)) node.values.push(value);
    }
    return this;
  }

  /** Every match in the token stream, in order of start token. Punctuation never matches a word or `*`. */
  matchAll(tokens: readonly Token[]): PhraseMatch<T>[] {
    const matches: PhraseMatch<T>[] = [];
    // Parallel stacks: no tuple allocation per step on the hot path.
    const nodes: Node<T>[] = [];
    const positions: number[] = [];
    // 1 when the position was reached by skipping a filler: the node's phrases ended before it.
    const skipped: number[] = [];
    for (let first = 0; first < tokens.length; first++) {
      const start = this.root.next.get(tokens[first]!.text);
      if (!start) continue;
      nodes.push(start);
      positions.push(first);
      skipped.push(0);
      while (nodes.length > 0) {
        const node = nodes.pop()!;
        const at = positions.pop()!;
        const viaSkip = skipped.pop()!;
        if (viaSkip === 0) for (const value of node.values) matches.push({ value, first, last: at });
        const following = tokens[at + 1];
        if (!following || following.punct) continue;
        const child = node.next.get(following.text);
        if (child) { nodes.push(child); positions.push(at + 1); skipped.push(0); }
        if (node.any) { nodes.push(node.any); positions.push(at + 1); skipped.push(0); }
        if (softFillers.has(following.text) && (node.next.size > 0 || node.any)) { nodes.push(node); positions.push(at + 1); skipped.push(1); }
      }
    }
    return matches;
  }
}
