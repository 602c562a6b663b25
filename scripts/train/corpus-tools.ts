/** Seeded randomness and ASR-style noise for the synthetic training corpora. */

import { seededRandom } from '../../src/lib/seeded-random.ts';

export type Rng = () => number;

/** mulberry32 (src/lib/seeded-random.ts): the same sequence on every machine for a given seed. */
export const rng: (seed: number) => Rng = seededRandom;

export function pick<T>(r: Rng, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

export function shuffle<T>(r: Rng, list: T[]): T[] {
  for (let k = list.length - 1; k > 0; k--) {
    const j = Math.floor(r() * (k + 1));
    [list[k], list[j]] = [list[j]!, list[k]!];
  }
  return list;
}

/** Subject forms for the `{S}` placeholders of the phrase tables. */
export interface Subject {
  S: string; P: string; be: string; have: string; dont: string; s: string; es: string; obj: string; self: string; was: string;
}

const first: Subject = { S: 'i', P: 'my', be: 'am', have: 'have', dont: "don't", s: '', es: '', obj: 'me', self: 'myself', was: 'was' };

function third(S: string, pronoun: 'he' | 'she' | 'they'): Subject {
  if (pronoun === 'they') return { S, P: 'their', be: 'are', have: 'have', dont: "don't", s: '', es: '', obj: 'them', self: 'themselves', was: 'were' };
  const male = pronoun === 'he';
  return { S, P: male ? 'his' : 'her', be: 'is', have: 'has', dont: "doesn't", s: 's', es: 'es', obj: male ? 'him' : 'her', self: male ? 'himself' : 'herself', was: 'was' };
}

const adultOthers: [string, 'he' | 'she' | 'they'][] = [
  ['my husband', 'he'], ['my wife', 'she'], ['my mom', 'she'], ['my mum', 'she'], ['my dad', 'he'], ['my son', 'he'], ['my daughter', 'she'],
  ['my grandma', 'she'], ['my grandpa', 'he'], ['my partner', 'she'], ['my boyfriend', 'he'], ['my girlfriend', 'she'], ['my roommate', 'he'],
  ['he', 'he'], ['she', 'she'], ['my brother', 'he'], ['my sister', 'she'], ['my neighbour', 'he'], ['the patient', 'she'], ['my 15 year old', 'he'],
  ['my father in law', 'he'], ['my nan', 'she'], ['my elderly mother', 'she'], ['our son', 'he'], ['my friend', 'they'], ['my uncle', 'he'],
  ['my 7 year old', 'she'], ['my mother', 'she'], ['my aunty', 'she'], ['this gentleman', 'he'],
];
const infants: [string, 'he' | 'she'][] = [
  ['my 6 week old', 'she'], ['my two month old', 'he'], ['my newborn', 'he'], ['my 3 week old son', 'he'], ['our 10 day old', 'she'],
  ['my infant daughter', 'she'], ['my baby, she is 7 weeks old, and she', 'she'], ['my 5 week old baby', 'he'], ['the baby, who is only 4 weeks,', 'he'],
  ['my eight week old', 'she'], ['my one month old', 'he'], ['my new born', 'she'], ['my 2 month old son', 'he'], ['our 9 day old baby', 'she'],
  ['my 11 week old', 'he'], ['my twelve day old daughter', 'she'], ['my little one, he is 6 weeks,', 'he'],
];
const pregnant: [string, 'he' | 'she'][] = [['my wife', 'she'], ['my daughter', 'she'], ['my girlfriend', 'she'], ['she', 'she'], ['my sister', 'she'], ['my partner', 'she']];

export function subject(r: Rng, kind?: 'infant' | 'pregnant'): Subject {
  if (kind === 'infant') { const [S, p] = pick(r, infants); return third(S, p); }
  if (kind === 'pregnant') { if (r() < 0.6) return first; const [S, p] = pick(r, pregnant); return third(S, p); }
  if (r() < 0.5) return first;
  const [S, p] = pick(r, adultOthers);
  return third(S, p);
}

/** Fills `{S}`-style placeholders; the first person may come out contracted ("i'm", "i've"). */
export function fill(r: Rng, template: string, s: Subject, extra: Record<string, string> = {}): string {
  let out = template;
  if (s.S === 'i' && r() < 0.6) out = out.replace(/\{S\} \{be\}/g, "i'm").replace(/\{S\} \{have\} (been|got|had)/g, "i've $1");
  if (s.S !== 'i' && r() < 0.3 && /^(he|she)$/.test(s.S)) out = out.replace(/\{S\} \{be\}/g, `${s.S}'s`);
  out = out.replace(/\{(\w+)\}/g, (whole, key: string) => extra[key] ?? (s as unknown as Record<string, string>)[key] ?? whole);
  return out;
}

const fillers = ['um', 'uh', 'like', 'you know', 'um like', 'erm', 'so'];
const misheard: [RegExp, string][] = [
  [/\bchest\b/g, 'chess'], [/\bbreathe\b/g, 'breed'], [/\bbreath\b/g, 'breadth'], [/\bseizure\b/g, 'seizer'], [/\bstroke\b/g, 'stoke'],
  [/\banaphylaxis\b/g, 'anna phylaxis'], [/\boverdose\b/g, 'over dose'], [/\bepipen\b/g, 'epi pin'], [/\bunconscious\b/g, 'unconscience'],
  [/\bpassed out\b/g, 'past out'], [/\bbleeding\b/g, 'bleedin'], [/\bfever\b/g, 'fevah'], [/\bheadache\b/g, 'head ache'], [/\bstomach\b/g, 'stomache'],
  [/\bthroat\b/g, 'throat'], [/\bslurred\b/g, 'slurd'], [/\bdrooping\b/g, 'droopin'], [/\bpregnant\b/g, 'pregnet'], [/\bconvulsing\b/g, 'convulsin'],
];

/** ASR-style rendering: lower case, punctuation dropped, fillers, dropped apostrophes, mis-hearings. */
export function noisy(r: Rng, text: string): string {
  let out = text;
  if (r() < 0.12) for (const [pattern, replacement] of misheard) if (pattern.test(out) && r() < 0.5) out = out.replace(pattern, replacement);
  const asr = r() < 0.5;
  if (asr) out = out.toLowerCase().replace(/[.,!?;:]/g, ' ').replace(/\s+/g, ' ').trim();
  if (asr && r() < 0.35) out = out.replace(/'/g, '');
  if (r() < 0.35) {
    const words = out.split(' ');
    const times = 1 + Math.floor(r() * 2);
    for (let k = 0; k < times; k++) {
      const at = 1 + Math.floor(r() * Math.max(1, words.length - 1));
      words.splice(at, 0, pick(r, fillers));
    }
    out = words.join(' ');
  }
  if (!asr && r() < 0.5) out = out.charAt(0).toUpperCase() + out.slice(1);
  return out;
}

/** Written-style end: a full stop or a question mark when the text has punctuation. */
export function sentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}
