/**
 * Given and family names of many origins: every @faker-js/faker locale's person names (Latin-script
 * locales as they are, Cyrillic, Greek, Georgian and Armenian ones transliterated, diacritics
 * folded), plus hand-written romanised lists for origins faker ships only in native script or not
 * at all (data/multi-origin-names.ts). Words that are also everyday English ("will", "hope") are
 * marked so a detector asks for a cue before reading them as names.
 */
import { allLocales, type LocaleDefinition } from '@faker-js/faker';
import { ambiguousNameWords } from './common-words.ts';
import { everydayWordsText } from './data/everyday-words.ts';
import { curatedFamilyText, curatedGivenText } from './data/multi-origin-names.ts';
import { normalizeWord } from './tokens.ts';

// Locales whose names are Latin-script parodies or duplicates of others.
const skippedLocales = new Set(['en_BORK', 'base']);

// Romanisation of the scripts faker uses for names in ru, uk, mk, sr, el, ka_GE and hy.
const transliteration: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'e', є: 'ye', ж: 'zh', з: 'z', и: 'i', і: 'i', ї: 'yi', й: 'y',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', ј: 'j', љ: 'lj', њ: 'nj', ћ: 'c', ђ: 'dj', џ: 'dz', ѓ: 'gj',
  ќ: 'kj', ѕ: 'dz',
  α: 'a', ά: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', έ: 'e', ζ: 'z', η: 'i', ή: 'i', θ: 'th', ι: 'i', ί: 'i', ϊ: 'i', ΐ: 'i',
  κ: 'k', λ: 'l', μ: 'm', ν: 'n', ξ: 'x', ο: 'o', ό: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', ύ: 'y', ϋ: 'y',
  φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o', ώ: 'o',
  ა: 'a', ბ: 'b', გ: 'g', დ: 'd', ე: 'e', ვ: 'v', ზ: 'z', თ: 't', ი: 'i', კ: 'k', ლ: 'l', მ: 'm', ნ: 'n', ო: 'o', პ: 'p',
  ჟ: 'zh', რ: 'r', ს: 's', ტ: 't', უ: 'u', ფ: 'p', ქ: 'k', ღ: 'gh', ყ: 'q', შ: 'sh', ჩ: 'ch', ც: 'ts', ძ: 'dz', წ: 'ts',
  ჭ: 'ch', ხ: 'kh', ჯ: 'j', ჰ: 'h',
  ա: 'a', բ: 'b', գ: 'g', դ: 'd', ե: 'e', զ: 'z', է: 'e', ը: 'e', թ: 't', ժ: 'zh', ի: 'i', լ: 'l', խ: 'kh', ծ: 'ts', կ: 'k',
  հ: 'h', ձ: 'dz', ղ: 'gh', ճ: 'ch', մ: 'm', յ: 'y', ն: 'n', շ: 'sh', ո: 'o', չ: 'ch', պ: 'p', ջ: 'j', ռ: 'r', ս: 's',
  վ: 'v', տ: 't', ր: 'r', ց: 'ts', ւ: 'v', փ: 'p', ք: 'k', օ: 'o', ֆ: 'f',
};
const nonLatin = /[^\p{Script=Latin}\s'’-]/u;

/** Latin letters as they are; Cyrillic, Greek, Georgian and Armenian letter by letter; else undefined. */
function romanise(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (!nonLatin.test(lower)) return lower;
  let out = '';
  for (const ch of lower) {
    const latin = transliteration[ch];
    if (latin === undefined) {
      if (/[\p{Script=Latin}'’-]/u.test(ch)) out += ch;
      else return undefined;
    } else out += latin;
  }
  return out;
}

function addNames(target: Set<string>, names: readonly string[] | undefined): void {
  if (!names) return;
  for (const name of names) {
    // Multi-word entries ("Ana María", "Van der Berg") contribute each part long enough to be a name.
    for (const part of name.split(/[\s-]+/)) {
      const latin = romanise(part);
      if (latin === undefined) continue;
      const word = normalizeWord(latin).replace(/[’]/g, "'");
      if (word.length >= 2 && /^[a-z][a-z']*$/.test(word)) {
        target.add(word);
        // "O'Connor" is often written "oconnor" by ASR.
        if (word.includes("'")) target.add(word.replace(/'/g, ''));
      }
    }
  }
}

type NameField = readonly string[] | Partial<Record<'generic' | 'female' | 'male', readonly string[]>> | undefined;

function namesOf(field: NameField): (readonly string[])[] {
  if (!field) return [];
  if (Array.isArray(field)) return [field as readonly string[]];
  const byGender = field as Partial<Record<string, readonly string[]>>;
  return [byGender.generic, byGender.female, byGender.male].filter((list): list is readonly string[] => Array.isArray(list));
}

function build(): { given: Set<string>; family: Set<string> } {
  const given = new Set<string>();
  const family = new Set<string>();
  for (const [code, locale] of Object.entries(allLocales) as [string, LocaleDefinition][]) {
    if (skippedLocales.has(code)) continue;
    const person = locale.person;
    if (!person) continue;
    for (const list of namesOf(person.first_name as NameField)) addNames(given, list);
    for (const list of namesOf(person.middle_name as NameField)) addNames(given, list);
    for (const list of namesOf(person.last_name as NameField)) addNames(family, list);
  }
  addNames(given, curatedGivenText.trim().split(/\s+/));
  addNames(family, curatedFamilyText.trim().split(/\s+/));
  return { given, family };
}

const built = build();

/** Given names, lowercase ASCII-folded. */
export const givenNames: ReadonlySet<string> = built.given;
/** Family names, lowercase ASCII-folded. */
export const familyNames: ReadonlySet<string> = built.family;

/** Common English words, lowercase (data/everyday-words.ts). */
export const everydayWords: ReadonlySet<string> = new Set(everydayWordsText.trim().split(/\s+/));

/** Is `norm` (a normalised token) a known given or family name? */
export function isLexiconName(norm: string): boolean {
  return givenNames.has(norm) || familyNames.has(norm);
}

/** A name that is also an everyday word ("will", "hope", "guy"): it needs a second signal. */
export function isEverydayName(norm: string): boolean {
  return ambiguousNameWords.has(norm) || everydayWords.has(norm);
}

/** Neither an everyday English word nor a short token: an unknown word, likely part of a name next to one. */
export function isUnknownWord(norm: string): boolean {
  return norm.length >= 3 && !everydayWords.has(norm) && !ambiguousNameWords.has(norm) && /^[a-z][a-z'-]*$/.test(norm) && !inflectedEveryday(norm);
}

// "prescribes", "refilled", "reschedules": an everyday word with an ending the word list may not carry.
const inflections = /(?:es|s|ed|d|ing|er|ers|ly)$/;

function inflectedEveryday(norm: string): boolean {
  const match = inflections.exec(norm);
  if (!match || isLexiconName(norm)) return false;
  const stem = norm.slice(0, -match[0].length);
  return stem.length >= 3 && (everydayWords.has(stem) || everydayWords.has(`${stem}e`));
}
