import type { EvidenceSpan, Sentiment } from '../analysis.types.ts';
import { PhraseTrie } from './phrase-trie.ts';
import { isClauseBoundary, tokenize, type Token } from './tokens.ts';

/**
 * Caller sentiment and distress (UN-3): a small valence lexicon with intensifiers and negation,
 * plus distress cues ("scared", "please hurry", "I don't know what to do").
 */

// Valence in -3..3, VADER-like scale.
const valence = new Map<string, number>([
  ['thank', 1.5], ['thanks', 1.5], ['appreciate', 2], ['great', 2], ['good', 1.5], ['happy', 2], ['glad', 1.5],
  ['wonderful', 2.5], ['helpful', 2], ['perfect', 2], ['nice', 1.5], ['love', 2], ['excellent', 2.5], ['relieved', 1.5],
  ['pleased', 2], ['kind', 1.5], ['better', 1], ['fine', 0.8], ['awesome', 2.5], ['amazing', 2.5], ['grateful', 2],
  ['bad', -1.5], ['terrible', -2.5], ['awful', -2.5], ['horrible', -2.5], ['frustrated', -2], ['frustrating', -2],
  ['angry', -2.5], ['upset', -2], ['annoyed', -1.5], ['worse', -1.5], ['worst', -2.5], ['ridiculous', -2],
  ['unacceptable', -2.5], ['rude', -2], ['disappointed', -2], ['hate', -2.5], ['problem', -1], ['wrong', -1.5],
  ['worried', -1.5], ['scared', -2], ['afraid', -2], ['terrified', -3], ['sick', -1], ['pain', -1], ['hurts', -1],
  ['miserable', -2.5], ['confused', -1], ['ignored', -2], ['waiting', -0.5], ['again', -0.3], ['never', -0.5],
  ['crying', -2], ['panicking', -2.5], ['desperate', -2.5], ['furious', -3], ['sucks', -2], ['useless', -2.5],
]);
const intensifiers = new Map<string, number>([
  ['very', 1.5], ['really', 1.4], ['so', 1.4], ['extremely', 1.8], ['super', 1.5], ['incredibly', 1.8], ['totally', 1.4],
  ['absolutely', 1.6], ['completely', 1.5], ['too', 1.3],
]);
const negators = new Set(['not', 'no', 'never', "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "can't", "won't", 'nothing']);

// Distress cues: weight toward the distress level. Phrase-trie syntax.
const distressCues: [string, number, string[]][] = [
  ['scared', 1, ['scared|afraid|frightened', 'worried sick']],
  ['terrified', 2, ['terrified|petrified']],
  ['panic', 2, ['panicking|panicked|panic', 'freaking out', 'losing my mind']],
  ['crying', 1.5, ['crying|sobbing|tears']],
  ['hurry', 2, ['please hurry', 'hurry', 'right now please', 'as fast as', 'need help now']],
  ['plea-for-help', 1.5, ['please help', 'help me', 'somebody help', 'help us']],
  ['helpless', 2, ["don't know what to do", 'do not know what to do', "don't know what else to do", "can't take it|this", "can't handle"]],
  ['desperate', 1.5, ['desperate', 'begging', 'at my wits end']],
  ['exclamation', 1, ['oh my god|gosh', 'oh no', 'oh god']],
  ['worried', 0.7, ['worried|anxious|nervous|concerned']],
  ['severe-pain', 1, ['so much pain', 'in agony', 'unbearable', 'excruciating']],
  ['emergency', 1, ['emergency', 'urgent']],
];
const distressTrie = new PhraseTrie<{ cue: string; weight: number }>();
for (const [cue, weight, patterns] of distressCues) for (const pattern of patterns) distressTrie.add(pattern, { cue, weight });

/**
 * Scores the caller's tone (-1..1) and distress. A prioritisation signal for the queue only: it is
 * not a diagnosis of the caller's mental or medical state and must never be shown as one.
 */
export function assessSentiment(text: string): Sentiment {
  const tokens = tokenize(text);
  let sum = 0;
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i]!.text;
    const base = valence.get(word);
    if (base === undefined) continue;
    let value = base;
    const previous = tokens[i - 1]?.text ?? '';
    value *= intensifiers.get(previous) ?? 1;
    if (isNegatedNear(tokens, i)) value *= -0.5; // "not bad" is mildly positive, "not happy" mildly negative
    sum += value;
  }
  // VADER-style normalisation into -1..1.
  const score = sum === 0 ? 0 : sum / Math.sqrt(sum * sum + 15);

  const cues: EvidenceSpan[] = [];
  let distress = 0;
  let lastEnd = -1;
  const matches = distressTrie.matchAll(tokens).sort((x, y) => x.first - y.first || y.last - x.last);
  for (const match of matches) {
    if (match.first <= lastEnd) continue; // longest-first overlaps: "please hurry" then "hurry"
    if (isNegatedNear(tokens, match.first) && match.value.cue !== 'helpless') continue; // "not scared"
    distress += match.value.weight * (intensifiers.get(tokens[match.first - 1]?.text ?? '') ?? 1);
    cues.push({ start: tokens[match.first]!.start, end: tokens[match.last]!.end, cue: match.value.cue });
    lastEnd = match.last;
  }
  // Repeated pleas ("please, please, please") are a distress cue of their own.
  const pleas = tokens.filter((token) => token.text === 'please');
  if (pleas.length >= 3) {
    distress += 1;
    cues.push({ start: pleas[0]!.start, end: pleas.at(-1)!.end, cue: 'repeated-pleas' });
  }
  const level: Sentiment['distress'] = distress === 0 ? 'none' : distress < 1.5 ? 'low' : distress < 3 ? 'moderate' : 'high';
  return { score: Math.round(score * 100) / 100, distress: level, cues };
}

function isNegatedNear(tokens: readonly Token[], i: number): boolean {
  for (let k = i - 1; k >= Math.max(0, i - 3); k--) {
    const token = tokens[k]!;
    if (isClauseBoundary(token) || token.text === ',') return false;
    if (negators.has(token.text)) return true;
  }
  return false;
}
