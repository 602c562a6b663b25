/**
 * The medical vocabulary added to pocketsphinx's general model (TR-2): which words, and their
 * pronunciations in the CMU phone set. Pure: flite's `t2p` is run by vocabulary.loader.ts.
 *
 * These words become possible TRANSCRIPT words (the general model decides, weighing them against
 * everything else it knows). The keyword list (candidates) is separate and never transcript text.
 */
import { drugRows } from '../../nlp/understand/drug-lexicon.ts';

/** The 39 phones of the CMU dictionary pocketsphinx's en-us model uses. */
export const cmuPhones: ReadonlySet<string> = new Set([
  'AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'B', 'CH', 'D', 'DH', 'EH', 'ER', 'EY', 'F', 'G', 'HH', 'IH', 'IY', 'JH', 'K', 'L', 'M',
  'N', 'NG', 'OW', 'OY', 'P', 'R', 'S', 'SH', 'T', 'TH', 'UH', 'UW', 'V', 'W', 'Y', 'Z', 'ZH',
]);

/** flite phones that are not spelled as the CMU ones once uppercased. */
const fliteToCmu: Readonly<Record<string, string>> = { AX: 'AH', AXR: 'ER', IX: 'IH', DX: 'T', EL: 'L', EM: 'M', EN: 'N', NX: 'NG' };

/**
 * flite `t2p` output (`pau l ay1 z ax n ax p r ax l pau`) → CMU phones (`L AY Z AH N AH P R AH L`):
 * pauses dropped, stress digits stripped, flite-only phones mapped. Null when nothing usable is left
 * or a phone is unknown (the word is then skipped rather than added with a wrong pronunciation).
 */
export function fliteToCmuPhones(t2pOutput: string): string | null {
  const phones: string[] = [];
  for (const token of t2pOutput.trim().split(/\s+/)) {
    if (!token || token === 'pau') continue;
    const bare = token.replace(/\d+$/, '').toUpperCase();
    const phone = fliteToCmu[bare] ?? bare;
    if (!cmuPhones.has(phone)) return null;
    phones.push(phone);
  }
  return phones.length ? phones.join(' ') : null;
}

const singleWord = /^[a-z][a-z'-]{1,39}$/;

/**
 * Single words of the drug lexicon's generic and brand names ("isosorbide mononitrate" → two
 * words; "z pack" → "pack" is dropped only if it is not a word, which the dictionary check
 * decides later). Mis-hearing variants are not added: they are what the model hears already.
 */
export function drugVocabularyWords(): string[] {
  const words = new Set<string>();
  for (const [generic, brands] of drugRows) {
    for (const name of [generic, ...brands.split(',')]) {
      for (const word of name.replace(/^\?/, '').trim().toLowerCase().split(/\s+/)) {
        if (singleWord.test(word) && word.length > 2) words.add(word);
      }
    }
  }
  return [...words].sort();
}

/**
 * Drug names for keyword spotting (candidates): the generic and brand names that are not ordinary
 * words (no `?` entries), each one phrase. Multiword names stay phrases.
 */
export function drugKeyphrases(): string[] {
  const phrases = new Set<string>();
  for (const [generic, brands] of drugRows) {
    for (const name of [generic, ...brands.split(',')]) {
      const phrase = name.trim().toLowerCase();
      if (!phrase || phrase.startsWith('?') || phrase.length < 4) continue;
      if (!phrase.split(/\s+/).every((word) => singleWord.test(word))) continue;
      phrases.add(phrase);
    }
  }
  return [...phrases].sort();
}

/** The words to add, from the settings: drug names (when on) and the clinic's extra words. */
export function vocabularyWords(settings: { drugVocabulary: boolean; extraWords: readonly string[] }): string[] {
  const words = new Set<string>(settings.drugVocabulary ? drugVocabularyWords() : []);
  for (const word of settings.extraWords) words.add(word.toLowerCase());
  return [...words].sort();
}

/**
 * A pocketsphinx keyword list: one phrase per line with its detection threshold. Longer phrases
 * carry more evidence, so the threshold is scaled by phone count: `1e-<k × phones>`.
 */
export function keywordList(phrases: readonly { phrase: string; phones: number }[], exponentPerPhone: number): string {
  return phrases.map(({ phrase, phones }) => `${phrase} /1e-${Math.max(1, Math.round(exponentPerPhone * phones))}/`).join('\n') + '\n';
}
