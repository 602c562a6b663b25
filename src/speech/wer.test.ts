import { describe, expect, it } from 'vitest';
import { normalizeForWer, wordErrorRate } from './wer.ts';

describe('normalizeForWer', () => {
  it('lowercases, drops punctuation and spells out numbers and doses as a recogniser writes them', () => {
    expect(normalizeForWer('Lisinopril, 10mg — twice a day!')).toBe('lisinopril ten mg twice a day');
    expect(normalizeForWer('Take 2.5 mg at 7:30')).toBe('take two point five mg at seven thirty');
    expect(normalizeForWer("I don't know; it's 1,200 dollars")).toBe("i don't know it's one two hundred dollars");
    expect(normalizeForWer('Follow-up on 3/14')).toBe('follow up on three fourteen');
    expect(normalizeForWer('  ')).toBe('');
  });
});

describe('wordErrorRate', () => {
  it('is zero for the same words however they are written', () => {
    expect(wordErrorRate('Refill my Lisinopril, please.', 'refill my lisinopril please')).toEqual({ wer: 0, substitutions: 0, deletions: 0, insertions: 0, referenceWords: 4 });
  });

  it('counts substitutions, deletions and insertions over the minimum alignment', () => {
    expect(wordErrorRate('i fell down the stairs', 'i fell on the cetirizine')).toMatchObject({ substitutions: 2, deletions: 0, insertions: 0, wer: 0.4 });
    expect(wordErrorRate('i fell down the stairs', 'i fell the stairs')).toMatchObject({ substitutions: 0, deletions: 1, insertions: 0, wer: 0.2 });
    expect(wordErrorRate('i fell down the stairs', 'uh i fell down the the stairs')).toMatchObject({ substitutions: 0, deletions: 0, insertions: 2, wer: 0.4 });
    expect(wordErrorRate('call me back', '')).toMatchObject({ deletions: 3, wer: 1 });
  });

  it('can exceed 100% when the engine invents more than was said', () => {
    expect(wordErrorRate('yes', 'yes the metformin is fine').wer).toBe(4);
    expect(wordErrorRate('', '')).toMatchObject({ wer: 0, referenceWords: 0 });
  });
});
