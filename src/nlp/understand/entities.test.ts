import { describe, expect, it } from 'vitest';
import type { EntityType } from '../analysis.types.ts';
import { drugNames, drugRows } from './drug-lexicon.ts';
import { extractEntities } from './entities.ts';

// Every utterance here is synthetic, written for these tests.

/** [type, spoken text, normalised] for every entity found. */
function found(text: string, type?: EntityType) {
  return extractEntities(text)
    .filter((entity) => !type || entity.type === type)
    .map((entity) => [entity.type, text.slice(entity.start, entity.end), entity.normalized]);
}

describe('extractEntities: medications', () => {
  it.each([
    ['I need a refill on my lisinopril', 'lisinopril', 'lisinopril'],
    ['Can you renew my Lipitor', 'Lipitor', 'atorvastatin'],
    ['I ran out of Synthroid', 'Synthroid', 'levothyroxine'],
    ['My Lantus pen is almost empty', 'Lantus', 'insulin glargine'],
    ['I take insulin glargine at night', 'insulin glargine', 'insulin glargine'],
    ['The Eliquis is making me bruise', 'Eliquis', 'apixaban'],
    ['Is Ozempic the same as semaglutide?', 'Ozempic', 'semaglutide'],
  ])('%j → %s = %s', (text, spoken, generic) => {
    expect(found(text, 'medication')).toContainEqual(['medication', spoken, generic]);
  });

  it.each([
    ['I need a refill on my lycinopril', 'lycinopril', 'lisinopril'],
    ['refill my listen april please', 'listen april', 'lisinopril'],
    ['I take met forming twice a day', 'met forming', 'metformin'],
    ['I need a refill on my lip store', 'lip store', 'atorvastatin'],
    ['my al butte roll inhaler is empty', 'al butte roll', 'albuterol'],
  ])('ASR mis-hearing %j → %s = %s', (text, spoken, generic) => {
    expect(found(text, 'medication')).toContainEqual(['medication', spoken, generic]);
  });

  it('drug names that are also words need medication context', () => {
    expect(found('I need a refill of my singular', 'medication')).toEqual([['medication', 'singular', 'montelukast']]);
    expect(found('I have a singular question about my bill', 'medication')).toEqual([]);
    expect(found('Hi, this is Allegra calling about my appointment', 'medication')).toEqual([]);
    expect(found('I will iron my shirt', 'medication')).toEqual([]);
    expect(found('The listen april thing was odd', 'medication')).toEqual([]);
  });

  it('the lexicon holds at least 150 generic and brand names', () => {
    const names = drugNames.filter((name) => name.kind !== 'asr');
    expect(names.length).toBeGreaterThanOrEqual(150);
    expect(drugRows.length).toBeGreaterThanOrEqual(100);
  });
});

describe('extractEntities: dosages', () => {
  it.each([
    ['lisinopril ten milligrams', 'ten milligrams', '10 mg'],
    ['metformin 500 mg twice a day', '500 mg', '500 mg'],
    ['two puffs of albuterol', 'two puffs', '2 puffs'],
    ['levothyroxine 0.5 mg', '0.5 mg', '0.5 mg'],
    ['twenty five milligrams of losartan', 'twenty five milligrams', '25 mg'],
    ['ten units of Lantus', 'ten units', '10 units'],
  ])('%j → %s', (text, spoken, normalized) => {
    expect(found(text, 'dosage')).toContainEqual(['dosage', spoken, normalized]);
  });

  it('"a pill" is not a dose', () => {
    expect(found('I take a pill every morning', 'dosage')).toEqual([]);
  });
});

describe('extractEntities: symptoms and onset', () => {
  it('normalises symptoms and leaves negated ones out', () => {
    expect(found('I have a bad cough and I feel dizzy, no fever though', 'symptom')).toEqual([
      ['symptom', 'cough', 'cough'],
      ['symptom', 'dizzy', 'dizziness'],
    ]);
  });

  it('a specific symptom wins over the generic pain inside it', () => {
    expect(found('I have stomach pain', 'symptom')).toEqual([['symptom', 'stomach pain', 'abdominal_pain']]);
  });

  it.each([
    ['The cough started this morning', 'started this morning', 'this morning'],
    ['I have had a fever since Tuesday', 'since Tuesday', 'since tuesday'],
    ['My back has hurt for three days', 'for three days', 'P3D'],
    ['It has been going on for a couple of weeks', 'for a couple of weeks', 'P2W'],
    ['The rash came on two days ago', 'came on two days ago', '-P2D'],
    ['I fell two days ago', 'two days ago', '-P2D'],
  ])('%j → onset %s', (text, spoken, normalized) => {
    expect(found(text, 'onset')).toContainEqual(['onset', spoken, normalized]);
  });
});

describe('extractEntities: callback number and times', () => {
  it.each([
    ['Please call me back at 555-212-1234', '555-212-1234', '+15552121234'],
    ['my number is (555) 212-1234', '(555) 212-1234', '+15552121234'],
    ['You can reach me at five five five, two one two, three four five six', 'five five five, two one two, three four five six', '+15552123456'],
    ['call me back at five five five two one two double four five six', 'five five five two one two double four five six', '+15552124456'],
  ])('%j → %s', (text, spoken, e164) => {
    expect(found(text, 'callback_number')).toEqual([['callback_number', spoken, e164]]);
  });

  it('a number without a callback phrase is not a callback number', () => {
    expect(found('My member ID is 555 212 1234', 'callback_number')).toEqual([]);
  });

  it.each([
    ['Call me after 3 pm', 'after 3 pm', 'after 15:00'],
    ['I am free mornings', 'mornings', 'morning'],
    ['Anytime tomorrow works', 'Anytime tomorrow', 'tomorrow anytime'],
    ['Best is between 1 and 3', 'between 1 and 3', 'between 13:00 and 15:00'],
  ])('%j → preferred time %s', (text, spoken, normalized) => {
    expect(found(text, 'preferred_time')).toContainEqual(['preferred_time', spoken, normalized]);
  });
});

describe('extractEntities: pharmacy and appointments', () => {
  it.each([
    ['Send it to the CVS on Main Street', 'CVS on Main Street', 'CVS'],
    ['I use Walgreens', 'Walgreens', 'Walgreens'],
    ['the Rite Aid by my house', 'Rite Aid', 'Rite Aid'],
    ['Costco pharmacy please', 'Costco pharmacy', 'Costco'],
    ['I get it by mail order', 'mail order', 'mail order'],
  ])('%j → %s', (text, spoken, normalized) => {
    expect(found(text, 'pharmacy')).toEqual([['pharmacy', spoken, normalized]]);
  });

  it('"target" the word is not Target the pharmacy', () => {
    expect(found('My target weight is lower', 'pharmacy')).toEqual([]);
  });

  it.each([
    ['About my appointment on Thursday', 'my appointment on Thursday', 'thursday'],
    ['the follow-up with Dr. Patel next week', 'the follow-up with Dr. Patel next week', 'dr patel next week'],
    ['I need to cancel my 2:30', 'my 2:30', '14:30'],
  ])('%j → %s', (text, spoken, normalized) => {
    expect(found(text, 'appointment_reference')).toEqual([['appointment_reference', spoken, normalized]]);
  });
});

describe('extractEntities: whole call', () => {
  it('finds each kind once, in order, with offsets into the text', () => {
    const text = 'Hi, I need a refill of metformin 500 mg at the Walgreens on Oak Avenue. I have had a cough for two days. Call me back at 555 212 1234 after 4 pm.';
    expect(extractEntities(text).map((entity) => entity.type)).toEqual([
      'medication', 'dosage', 'pharmacy', 'symptom', 'onset', 'callback_number', 'preferred_time',
    ]);
  });

  it('empty text → no entities', () => {
    expect(extractEntities('')).toEqual([]);
  });
});
