import { describe, expect, it } from 'vitest';
import { cmuPhones, drugKeyphrases, drugVocabularyWords, fliteToCmuPhones, keywordList, vocabularyWords } from './vocabulary.ts';

describe('flite t2p → CMU phones', () => {
  it('drops pauses and stress digits and maps flite-only phones', () => {
    expect(fliteToCmuPhones('pau l ay1 z ax n ax p r ax l pau \n')).toBe('L AY Z AH N AH P R AH L');
    expect(fliteToCmuPhones('pau b axr d pau')).toBe('B ER D');
  });

  it('gives every phone in the CMU set', () => {
    const phones = fliteToCmuPhones('pau hh ay1 d r ow1 k l ao1 r ax th iy ae1 z ay1 d pau')!;
    expect(phones.split(' ').every((phone) => cmuPhones.has(phone))).toBe(true);
  });

  it('refuses output it cannot read rather than add a wrong pronunciation', () => {
    expect(fliteToCmuPhones('pau pau')).toBeNull();
    expect(fliteToCmuPhones('')).toBeNull();
    expect(fliteToCmuPhones('pau l q9 pau')).toBeNull();
  });
});

describe('the medical vocabulary', () => {
  it('takes single words of generic and brand names, not mis-hearing variants', () => {
    const words = drugVocabularyWords();
    expect(words).toEqual(expect.arrayContaining(['lisinopril', 'zestril', 'metformin', 'isosorbide', 'mononitrate']));
    expect(words).not.toContain('lycinopril');
    expect(words).not.toContain('isosorbide mononitrate');
    expect(words.every((word) => /^[a-z][a-z'-]+$/.test(word))).toBe(true);
  });

  it('adds the clinic extra words and leaves drugs out when the setting is off', () => {
    expect(vocabularyWords({ drugVocabulary: false, extraWords: ['Okonkwo', 'Halverson'] })).toEqual(['halverson', 'okonkwo']);
    expect(vocabularyWords({ drugVocabulary: true, extraWords: ['Okonkwo'] })).toEqual(expect.arrayContaining(['okonkwo', 'lisinopril']));
  });

  it('spots only names that are not ordinary words', () => {
    const phrases = drugKeyphrases();
    expect(phrases).toEqual(expect.arrayContaining(['lisinopril', 'isosorbide mononitrate']));
    expect(phrases).not.toContain('singular');
    expect(phrases).not.toContain('iron');
  });

  it('scales keyword thresholds with the phrase length', () => {
    expect(keywordList([{ phrase: 'lisinopril', phones: 10 }, { phrase: 'advil', phones: 5 }], 2)).toBe('lisinopril /1e-20/\nadvil /1e-10/\n');
    expect(keywordList([{ phrase: 'lisinopril', phones: 10 }], -1)).toBe('lisinopril /1e+10/\n');
  });
});
