import type { EvidenceSpan } from '../analysis.types.ts';
import { findInfantDehydration, findVeryHighSugar } from './clinical-signs.ts';
import { PhraseTrie } from './phrase-trie.ts';
import { contentTokens, isSentenceBoundary, parseNumberAt, tokenize, type Token } from './tokens.ts';

/**
 * Urgency a clinician has already decided (issue 15): someone in the call sends the patient to
 * emergency care now ("I need you to go to the emergency room right now", "I'm calling EMS",
 * "911 is on the way"), or a lab or radiologist reports a critical result. The call is urgent even
 * when no red flag is named (an eye emergency, a pulmonary embolism on a scan). Advice for later
 * ("if it gets worse, go to the ER"), a past trip ("we ended up in the ER") and teaching ("time to
 * call 911") are not directives. A baby drying out and a very high sugar with vomiting (clinical-signs.ts)
 * are urgent the same way: no listed flag names them.
 */

export interface UrgentDirective {
  start: number;
  end: number;
  cue: 'sent-to-emergency-care' | 'emergency-services-called' | 'critical-result' | 'infant-dehydration' | 'very-high-sugar';
}

const directiveTable: [UrgentDirective['cue'], string[]][] = [
  // Sent now: an emergency place with a word of immediacy (checked below).
  ['sent-to-emergency-care', [
    'go|get|going|head|heading|take|taking|bring|drive|come ~ ~ to the|an ~ er|ed|hospital|emergency',
    'go|get|going|head|heading|take|taking|bring|drive ~ ~ to the|an e r', 'go|get|going|head|take ~ ~ to labor and delivery',
    'seen in|at the ~ er|ed|emergency', 'send|sending ~ ~ to the|an ~ er|ed|emergency|hospital', 'needs|need the ~ emergency room|department|er|ed', 'call|calling|dial 911', 'call an|the ambulance',
  ]],
  // Help already summoned.
  ['emergency-services-called', [
    'calling|called|phoning|phoned 911|ems|paramedics', 'calling|called an|the ambulance', 'sending ~ ~ ~ ~ by ambulance', 'sending ~ ~ out to the ~ er|ed|emergency|hospital',
    '911|ems|ambulance|paramedics ~ ~ on the|their way', '911|ems|ambulance|paramedics is|are|just ~ here|coming', '911|ems|ambulance|paramedics ~ coming', "they're on the way",
  ]],
  ['critical-result', ['critical value|values|result|results|finding|findings|lab|labs|level|potassium|sodium', 'panic value|values|result', 'critically high|low']],
];

const trie = new PhraseTrie<UrgentDirective['cue']>();
for (const [cue, patterns] of directiveTable) for (const pattern of patterns) trie.add(pattern, cue);

const immediacy = new Set(['now', 'immediately', 'away', 'asap', 'tonight', 'straight', 'urgently', 'directly']);
// Words that make the sentence advice for later, a question, or a story: "if", "when", "in case", "should I".
const conditionWords = new Set(['if', 'when', 'whenever', 'unless', 'case', 'until', 'otherwise', 'whether', 'before']);
const pastWords = new Set(['ended', 'last', 'ago', 'yesterday', 'took', 'went', 'was', 'were', 'visit', 'bill', 'bills', 'before', 'time']);
const denials = new Set(['not', "isn't", "wasn't", 'no', 'never', "don't", "doesn't", 'nothing', "didn't"]);
const teaching = new Set(['signs', 'sign', 'fast', 'pamphlet', 'says', 'means', 'know', 'learn', 'class', 'education']);
// The standing line of a greeting or voicemail ("for emergencies, please hang up and call 911"), said on every call.
const standingLine = new Set(['emergencies', 'recording', 'menu', 'press', 'voicemail', 'reached', 'closed', 'hours', 'message']);

function sentenceOf(tokens: readonly Token[], first: number, last: number): [number, number] {
  let start = first;
  while (start > 0 && !isSentenceBoundary(tokens[start - 1]!) && first - start < 14) start--;
  let end = last;
  while (end < tokens.length - 1 && !isSentenceBoundary(tokens[end + 1]!) && end - last < 8) end++;
  return [start, end];
}

const fillers = new Set(['um', 'uh', 'uhm', 'umm', 'uhh', 'er', 'erm', 'hmm', 'hm', 'mm', 'mhm']);
const placeLeads = new Set(['the', 'an', 'to', 'at', 'in']);

/** Tokens without hesitation fillers, except "er" where it is the ER ("go to the ER"). */
function directiveTokens(text: string): readonly Token[] {
  // Most calls never say "ER": the shared, cached tokens then serve.
  if (!/\ber\b/i.test(text)) return contentTokens(text);
  const all = tokenize(text);
  return all.filter((token, k) => !fillers.has(token.text) || (token.text === 'er' && placeLeads.has(all[k - 1]?.text ?? '')));
}

/** The directives to emergency care, summoned help and critical results in a transcript. */
export function findUrgentDirectives(text: string): UrgentDirective[] {
  const tokens = directiveTokens(text);
  const directives: UrgentDirective[] = [];
  for (const match of trie.matchAll(tokens)) {
    const [start, end] = sentenceOf(tokens, match.first, match.last);
    const before = tokens.slice(start, match.first).map((t) => t.text);
    const around = tokens.slice(start, end + 1).map((t) => t.text);
    const question = tokens[end + 1]?.text === '?';
    if (question || before.some((w) => conditionWords.has(w) || denials.has(w) || teaching.has(w))) continue;
    // "for a medical emergency", "in an emergency": the general case, not this patient ("this is an emergency" stays).
    const generalCase = before.some((w, i) => (w === 'for' || w === 'in') && before.slice(i + 1, i + 4).includes('emergency'));
    if (match.value !== 'critical-result' && (generalCase || before.some((w) => standingLine.has(w)))) continue;
    if (match.value === 'sent-to-emergency-care') {
      // "Please hang up and call 911" is immediate without saying "now".
      const urged = before.some((w) => w === 'please' || w === 'hang');
      if (!(urged || around.some((w) => immediacy.has(w))) || before.some((w) => pastWords.has(w) || w === 'should' || w === 'or')) continue;
    }
    if (match.value === 'emergency-services-called' && around.some((w) => pastWords.has(w) && w !== 'was' && w !== 'were')) continue;
    if (match.value === 'critical-result' && tokens.slice(Math.max(0, match.first - 3), match.first).some((t) => denials.has(t.text))) continue;
    directives.push({ start: tokens[match.first]!.start, end: tokens[match.last]!.end, cue: match.value });
  }
  for (const lab of criticalLabs(tokens)) {
    const [start] = sentenceOf(tokens, lab.first, lab.last);
    if (tokens.slice(start, lab.first).some((t) => conditionWords.has(t.text) || t.text === 'usually' || t.text === 'normally')) continue;
    directives.push({ start: tokens[lab.first]!.start, end: tokens[lab.last]!.end, cue: 'critical-result' });
  }
  for (const dry of findInfantDehydration(tokens)) {
    const lead = tokens.slice(Math.max(0, dry.first - 8), dry.first).map((t) => t.text);
    if (lead.some((w) => conditionWords.has(w))) continue;
    directives.push({ start: tokens[dry.first]!.start, end: tokens[dry.last]!.end, cue: 'infant-dehydration' });
  }
  for (const high of findVeryHighSugar(text, tokens)) {
    const lead = tokens.slice(Math.max(0, high.first - 8), high.first).map((t) => t.text);
    if (lead.some((w) => conditionWords.has(w))) continue;
    directives.push({ start: tokens[high.first]!.start, end: tokens[high.last]!.end, cue: 'very-high-sugar' });
  }
  return directives;
}

/** The directives as evidence for `urgent_emergency`. */
export function directiveEvidence(directives: readonly UrgentDirective[]): EvidenceSpan[] {
  return directives.map((d) => ({ start: d.start, end: d.end, cue: d.cue }));
}

// Laboratory critical values (the usual call-now limits): a value outside them is phoned in because it cannot wait.
const criticalLimits = new Map<string, (value: number) => boolean>([
  ['potassium', (v) => v >= 6.2 || v <= 2.8],
  ['sodium', (v) => (v >= 100 && v <= 120) || v >= 160],
  ['hemoglobin', (v) => v > 0 && v <= 7],
  ['hgb', (v) => v > 0 && v <= 7],
  ['inr', (v) => v >= 5 && v < 20],
  ['calcium', (v) => (v > 0 && v <= 6.5) || (v >= 13 && v < 20)],
  ['glucose', (v) => (v > 0 && v <= 45) || v >= 500],
]);

/** A named lab value read from the next few words ("potassium came back at 7.1") beyond a critical limit. */
function criticalLabs(tokens: readonly Token[]): { first: number; last: number }[] {
  const labs: { first: number; last: number }[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const limit = criticalLimits.get(tokens[k]!.text);
    if (!limit) continue;
    for (let j = k + 1; j < tokens.length && j <= k + 6 && !isSentenceBoundary(tokens[j]!); j++) {
      const parsed = parseNumberAt(tokens, j);
      if (!parsed || parsed.next <= j) continue;
      if (limit(parsed.value)) labs.push({ first: k, last: parsed.next - 1 });
      break;
    }
  }
  return labs;
}
