import { describe, expect, it } from 'vitest';
import type { RedFlagCode, SetAsideMention } from '../analysis.types.ts';
import { detectRedFlags } from './red-flags.ts';

/**
 * The NegEx-style context widened for other authors' wording (past, family history, questions,
 * denials), checked with the rules alone so a model cannot hide a regression; and the flags that
 * must stay flags whatever the widening.
 */

const rulesOnly = (text: string) => detectRedFlags(text, { model: false });

const setAside: [string, RedFlagCode, SetAsideMention['reason']][] = [
  ['good morning, i had a seizure in 2015, nothing since, i need my refill', 'seizure', 'historical'],
  ['i had swelling of the lips and tongue a long time ago and am fine now', 'anaphylaxis', 'historical'],
  ['after my chest pain years ago i started a new medicine and need a refill', 'chest_pain', 'historical'],
  ['my elderly mother used to get chest tightness', 'chest_pain', 'family-history'],
  ['i had coughing up blood two years ago, nothing since', 'severe_bleeding', 'historical'],
  ['my dad suffered from shortness of breath for years', 'breathing_difficulty', 'family-history'],
  ['my whole family has thoughts about dying', 'suicidal_ideation', 'family-history'],
  ["i'm worried because my mom had a stroke", 'stroke_signs', 'family-history'],
  ['my nan passed away from a stroke', 'stroke_signs', 'family-history'],
  ['my late father had a heart attack', 'chest_pain', 'family-history'],
  ['my sister was diagnosed with preeclampsia', 'pregnancy_emergency', 'family-history'],
  ['i was reading about coughing up blood online', 'severe_bleeding', 'hypothetical'],
  ['is chest tightness something to watch for after surgery', 'chest_pain', 'hypothetical'],
  ['can this medicine cause chest tightness, please call me back', 'chest_pain', 'hypothetical'],
  ['should i be worried about chest pain', 'chest_pain', 'hypothetical'],
  ['nothing like chest pain, just a cough', 'chest_pain', 'negated'],
  ['the nurse asked about shortness of breath and my mother said no', 'breathing_difficulty', 'negated'],
  ['any chest pain? no.', 'chest_pain', 'negated'],
  ['Staff: any trouble breathing? Caller: no, just a cough.', 'breathing_difficulty', 'negated'],
];

const stillFlagged: [string, RedFlagCode][] = [
  ['i had a seizure years ago and now i am having another one', 'seizure'],
  ['i had chest pain last year and since this morning it is back', 'chest_pain'],
  ['any chest pain? no, it is getting worse', 'chest_pain'],
  ['should i be worried about this chest pain', 'chest_pain'],
  ['my mom had a stroke this morning and her face is drooping', 'stroke_signs'],
  ['my aunt had a seizure', 'seizure'],
  ["good morning, i can't breathe", 'breathing_difficulty'],
  ['he just had a seizure, we started timing it', 'seizure'],
  ['when he was eating dinner just now his face started drooping', 'stroke_signs'],
];

describe('red-flag context: past, family, questions and denials are set aside', () => {
  it.each(setAside)('%j → %s set aside as %s', (text, code, reason) => {
    const scan = rulesOnly(text);
    expect(scan.redFlags.map((flag) => flag.code)).not.toContain(code);
    expect(scan.setAside).toContainEqual(expect.objectContaining({ code, reason }));
    expect(detectRedFlags(text).redFlags.map((flag) => flag.code)).not.toContain(code);
  });
});

describe('red-flag context: what is happening now stays a flag', () => {
  it.each(stillFlagged)('%j → %s', (text, code) => {
    expect(rulesOnly(text).redFlags.map((flag) => flag.code)).toContain(code);
  });
});

describe('red-flag rules: clinical words, as another office says them', () => {
  it.each<[string, RedFlagCode]>([
    ['pt c/o substernal chest pain radiating to left arm', 'chest_pain'], ['caller reports SOB at rest', 'breathing_difficulty'],
    ['patient endorses SI with a plan', 'suicidal_ideation'], ['caller reports new onset facial droop and aphasia', 'stroke_signs'],
    ['pt reports hematemesis this morning', 'severe_bleeding'], ['witnessed tonic clonic activity lasting 3 minutes', 'seizure'],
    ['angioedema after starting lisinopril', 'anaphylaxis'], ['intentional ingestion of acetaminophen', 'overdose_poisoning'],
    ['febrile, hypotensive and tachycardic', 'sepsis_signs'], ['fall with head strike on anticoagulation', 'head_injury'],
    ['syncopal episode at work', 'loss_of_consciousness'], ['her o2 sats are 85', 'breathing_difficulty'],
  ])('%j → %s', (text, code) => {
    expect(rulesOnly(text).redFlags.map((flag) => flag.code)).toContain(code);
  });
  it.each(['i started to sob when i heard', 'my daughter has prom tonight', 'rebound headaches from too much advil', 'my oxygen tank is low, need a refill', 'pt denies SI'])('%j → no flag', (text) => {
    expect(detectRedFlags(text).redFlags).toEqual([]);
  });
  it.each<[string, RedFlagCode]>([['history of CVA in 2019', 'stroke_signs'], ['patient has a hx of syncope', 'loss_of_consciousness'], ['no SOB, no chest pain', 'breathing_difficulty']])('%j → %s set aside', (text, code) => {
    expect(rulesOnly(text).redFlags.map((flag) => flag.code)).not.toContain(code);
    expect(rulesOnly(text).setAside.map((mention) => mention.code)).toContain(code);
  });
});
