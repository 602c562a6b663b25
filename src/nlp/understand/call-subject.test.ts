import { describe, expect, it } from 'vitest';
import { detectPhi } from '../phi/detect-phi.ts';
import { extractCallSubject, nameWords } from './call-subject.ts';

// Every utterance here is synthetic, written for these tests.
const subjectOf = (text: string) => extractCallSubject(text, detectPhi(text).filter((span) => span.type === 'NAME'));
const week = 7;
const yearDays = 365.25;

describe('extractCallSubject: who the call is about', () => {
  it.each([
    ['synthetic test caller here my baby is six weeks old and has a fever of one hundred point five what should we do', 'other', 'infant'],
    ["hi this is maria lopez, I'm calling about my son, he's 7 and has had a cough", 'other', 'child'],
    ['calling about my daughter sofia, she is 4 and has a rash', 'other', 'child'],
    ['my son ikenna has a fever since last night', 'other', 'child'],
    ["my patient needs a prior authorization for her ozempic, the insurance denied it", 'other', 'patient'],
    ['I need a refill for my mother, she is out of her lisinopril', 'other', 'parent'],
    ['my six week old has been throwing up all morning', 'other', 'infant'],
    ['hi I need a refill of my lisinopril please', 'self', null],
    ['I have had a cough and a mild fever since Tuesday, should I come in?', 'self', null],
    ["my name is John Smith and I'm 72 years old, I need a refill", 'self', null],
    // A pregnant caller's "baby" is not a patient who can be filed on.
    ["I'm 30 weeks pregnant and my baby isn't moving as much as usual", 'self', null],
    // The husband drives; the caller is the patient, or it cannot be told: never "the husband".
    ['my husband is driving me in, I have crushing chest pain', 'unknown', null],
    ['are my blood test results back?', 'self', null],
  ] as const)('%j → %s (%s)', (text, who, relation) => {
    const subject = subjectOf(text);
    expect(subject.who).toBe(who);
    expect(subject.relation).toBe(relation);
  });
});

describe('extractCallSubject: what was said about them', () => {
  it('a six-week-old: age in days, no sex unless said', () => {
    const subject = subjectOf('my baby is six weeks old and has a fever');
    expect(subject.age).toEqual({ minDays: 6 * week, maxDays: 7 * week - 1 });
    expect(subject.sex).toBeNull();
    expect(subject.names).toEqual([]);
  });

  it('a word that implies an age: "my baby", "my newborn"', () => {
    expect(subjectOf('my baby has had diarrhea since yesterday').age).toEqual({ minDays: 0, maxDays: Math.round(3 * yearDays) });
    expect(subjectOf('my newborn is not feeding well').age).toEqual({ minDays: 0, maxDays: 90 });
  });

  it('ages said as "he\'s 7", "is four", "a 3 year old", "I\'m 72"', () => {
    expect(subjectOf("calling about my son, he's 7 and has had a cough").age).toEqual({ minDays: Math.round(7 * yearDays), maxDays: Math.round(8 * yearDays - 1) });
    expect(subjectOf('my daughter sofia is 4 and has a rash').age).toEqual({ minDays: Math.round(4 * yearDays), maxDays: Math.round(5 * yearDays - 1) });
    expect(subjectOf('my 3 year old son has an ear infection').age?.minDays).toBe(Math.round(3 * yearDays));
    expect(subjectOf("my name is John Smith and I'm 72 years old, I need a refill").age?.minDays).toBe(Math.round(72 * yearDays));
    expect(subjectOf('our baby is six weeks and her temp is 100.6').age).toEqual({ minDays: 6 * week, maxDays: 7 * week - 1 });
  });

  it('a duration, a temperature or a pregnancy is not an age', () => {
    expect(subjectOf("my son has had a cough for six weeks, his temperature is 102").age).toBeNull();
    expect(subjectOf("I'm 30 weeks pregnant and I have cramps").age).toBeNull();
    expect(subjectOf("it's been 3 days since my surgery and my incision hurts").age).toBeNull();
  });

  it('sex from the relation word, else from the pronoun that follows', () => {
    expect(subjectOf('my son ikenna has a fever since last night').sex).toBe('male');
    expect(subjectOf('my mother fell this morning').sex).toBe('female');
    expect(subjectOf('my baby is six weeks old and I need to book her first checkup').sex).toBe('female');
    expect(subjectOf('my patient needs a prior authorization for his ozempic').sex).toBe('male');
    expect(subjectOf("I'm 30 weeks pregnant and my baby isn't moving").sex).toBe('female');
    expect(subjectOf('I need a refill of my lisinopril').sex).toBeNull();
  });

  it('names: the subject\'s, not the caller\'s or the agent\'s', () => {
    expect(subjectOf("hi this is maria lopez, I'm calling about my son, he's 7").names).toEqual([]);
    expect(subjectOf('calling about my daughter sofia, she is 4 and has a rash').names).toEqual([['sofia']]);
    expect(subjectOf("his name is Mateo and he is six, he has a rash").names).toEqual([['mateo']]);
    expect(subjectOf("Hi, I'm calling for Maria Lopez, she's my mother").names).toEqual([['maria', 'lopez']]);
    expect(subjectOf("my name is John Smith and I'm 72 years old, I need a refill").names).toEqual([['john', 'smith']]);
    expect(subjectOf('thanks for calling this is sekinat how can I help, yes I need a refill of my metformin').names).toEqual([]);
  });

  it('keeps evidence spans for the reviewer, never copies the words into codes', () => {
    const text = 'my baby is six weeks old and has a fever';
    const subject = subjectOf(text);
    expect(subject.evidence.map((span) => [span.cue, text.slice(span.start, span.end)])).toEqual([
      ['subject-infant', 'my baby'],
      ['stated-age', 'six weeks old'],
    ]);
  });
});

describe('nameWords', () => {
  it('folds case and accents, joins spelled letters', () => {
    expect(nameWords('Ana María')).toEqual(['ana', 'maria']);
    expect(nameWords('l o p e z maria')).toEqual(['lopez', 'maria']);
    expect(nameWords("O'Brien-Smith")).toEqual(["o'brien", 'smith']);
  });
});
