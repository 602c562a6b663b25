import { describe, expect, it } from 'vitest';
import type { RedFlagCode } from '../analysis.types.ts';
import { readVitalSigns } from './clinical-signs.ts';
import { detectRedFlags } from './red-flags.ts';
import { contentTokens } from './tokens.ts';

/** Vital signs said as numbers, signs a carer sees, and self-harm said as a plan (issue 15). Rules alone. */

const rulesOnly = (text: string) => detectRedFlags(text, { model: false });
const affirmed = (text: string) => rulesOnly(text).redFlags.filter((flag) => flag.status === 'affirmed').map((flag) => flag.code);

function readings(text: string): string[] {
  return readVitalSigns(text, contentTokens(text)).map((r) => `${r.kind} ${r.value}${r.second ? `/${r.second}` : ''}`);
}

describe('readVitalSigns', () => {
  it('reads spoken and written temperatures, converting Celsius', () => {
    expect(readings('the thermometer says a hundred and three')).toEqual(['temperature 103']);
    expect(readings('his temp was one oh one point five')).toEqual(['temperature 101.5']);
    expect(readings('we measured 38.6 C under his arm')).toEqual(['temperature 101.5']);
    expect(readings("yeah he's 103.2 right now")).toEqual(['temperature 103.2']);
  });

  it('reads pressures as "over" or a slash after a pressure word, never a date', () => {
    expect(readings('my pressure machine said ninety over fifty five')).toEqual(['blood-pressure 90/55']);
    expect(readings('bp 192/124 this morning')).toEqual(['blood-pressure 192/124']);
    expect(readings('her pressure was one eighty two over one twenty')).toEqual(['blood-pressure 182/120']);
    expect(readings('I was born 4/12/1961 and I have an appointment')).toEqual([]);
  });

  it('reads heart rate, oxygen, breathing rate and sugar after their words', () => {
    expect(readings('pulse ox reads 89 and his heart rate is 134')).toEqual(['oxygen 89', 'heart-rate 134']);
    expect(readings('respirations about thirty two')).toEqual(['breathing-rate 32']);
    expect(readings('her sugar was 48 an hour ago')).toEqual(['blood-sugar 48']);
  });

  it('leaves money, doses and addresses alone', () => {
    expect(readings('the bill is a hundred and two dollars')).toEqual([]);
    expect(readings('I take a hundred and one milligrams')).toEqual([]);
    expect(readings('we live at fourteen oh nine elm street')).toEqual([]);
  });
});

const flagged: [string, RedFlagCode][] = [
  ['my daughter is six weeks old and the thermometer showed one hundred point eight', 'infant_fever'],
  ['she is only three weeks, she feels so warm and it read 38.3 in her armpit', 'infant_fever'],
  ['he has a kidney infection and now he is 102.9 with a pulse of 131', 'sepsis_signs'],
  ['the cellulitis on her leg is spreading, she is at 101.7, her pressure is 82 over 48', 'sepsis_signs'],
  ['my sats are at 86 percent and I am just sitting down', 'breathing_difficulty'],
  ['his breathing rate is 34 and he is sweating', 'breathing_difficulty'],
  ['she has to pause to breathe in between every sentence', 'breathing_difficulty'],
  ['his lips look kind of grey and he is using his neck muscles to breathe', 'breathing_difficulty'],
  ["my dad is hard to rouse this afternoon, he keeps drifting back off", 'loss_of_consciousness'],
  ['I gave birth two weeks ago and my pressure is 166 over 112 and I have a bad headache', 'pregnancy_emergency'],
  ['my head is pounding and my blood pressure is 210 over 125', 'severe_headache'],
  ["I've been thinking about swallowing all of my sleeping pills tonight", 'suicidal_ideation'],
  ["honestly there's no reason to live anymore", 'suicidal_ideation'],
  ['this is the worst pain I have ever felt, low in my belly on the right', 'severe_abdominal_pain'],
  ["my test was positive on Monday, so I'm like five or six weeks pregnant. Now I'm bleeding through a pad with cramps", 'pregnancy_emergency'],
  ['he can barely speak, he takes a breath between each word', 'breathing_difficulty'],
  ['her pressure is 196 over 124 and she is a bit confused', 'stroke_signs'],
  ['I wrote goodbye letters to my kids last night', 'suicidal_ideation'],
];

describe('signs that make a red flag', () => {
  it.each(flagged)('%s → %s, affirmed', (text, code) => {
    expect(affirmed(text)).toContain(code);
  });
});

const notFlagged: [string, RedFlagCode][] = [
  // A hypothetical reading is advice, not a fever now.
  ['my son is seven weeks old, what do I do if his temperature goes over 100.4', 'infant_fever'],
  // A normal reading, and a fever in an older child.
  ['our newborn is twelve days old and his temperature was 98.9', 'infant_fever'],
  ['my son is seven years old and he has a temp of 101.2', 'infant_fever'],
  // A usual reading is the baseline, not a drop.
  ['with her emphysema she usually runs about 88 on her oxygen, and she is at 94 today', 'breathing_difficulty'],
  // Adherence and a pharmacy count are not a plan.
  ["I've been taking all my pills every morning like you said", 'suicidal_ideation'],
  ['I counted my pills and the pharmacy shorted me six', 'suicidal_ideation'],
  ["I don't see the point of this second referral", 'suicidal_ideation'],
  // Tired at work is not a lowered level of consciousness.
  ["I'm so tired on night shift I can't stay awake", 'loss_of_consciousness'],
  // A severe-range pressure with nothing else wrong, and a worst pain with no place said.
  ['my pressure was 184 over 98 at the pharmacy, no blurry vision, I feel fine', 'stroke_signs'],
  ['worst pain ever when I stubbed my toe, I need the podiatry referral', 'severe_abdominal_pain'],
  // A pregnancy with nothing wrong, or a warning sign that has passed.
  ["I'm about 9 weeks pregnant and want my first prenatal visit", 'pregnancy_emergency'],
  // Everyday senses of the same words.
  ['my hair is going grey and my neck muscles are sore after the gym', 'breathing_difficulty'],
  ['he can\'t stay awake in class since he started the new job', 'loss_of_consciousness'],
  ['I have a plan to lose weight before the surgery', 'suicidal_ideation'],
  ['is it okay to take them all in the morning', 'suicidal_ideation'],
  // A weight is not a temperature, and a box of strips is not a sugar.
  ['my weight is 101.6 now and the infection on my toe is better but I felt dizzy', 'sepsis_signs'],
  ['my sugar meter takes the 50 strips and I get confused by the order form', 'loss_of_consciousness'],
  // A hard time talking without any breathing word may be something else.
  ['she is having a hard time talking to the pharmacy about the cost', 'breathing_difficulty'],
];

describe('readings and signs that are not red flags', () => {
  it.each(notFlagged)('%s ↛ %s', (text, code) => {
    expect(affirmed(text)).not.toContain(code);
  });
});
