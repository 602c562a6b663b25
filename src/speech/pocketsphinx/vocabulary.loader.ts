/**
 * Pronunciations for the medical vocabulary from flite's `t2p`, run once per word list and cached
 * in a file under os.tmpdir() keyed by the list's hash (words are drug and clinic names from
 * config, not PHI). Also writes the keyword-spotting list file the recognisers load.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fliteToCmuPhones, keywordList } from './vocabulary.ts';

const run = promisify(execFile);

export interface Pronunciation {
  word: string;
  phones: string;
}

const cacheDir = join(tmpdir(), 'callchart-speech');

async function t2p(word: string): Promise<string | null> {
  try {
    const { stdout } = await run('t2p', [word], { timeout: 10_000 });
    return fliteToCmuPhones(stdout);
  } catch {
    return null;
  }
}

/**
 * CMU pronunciations for `words` (those flite cannot pronounce are left out). Without flite's
 * `t2p` installed, returns [] (the engine runs with the stock dictionary and says so in its stats).
 */
export async function loadPronunciations(words: readonly string[]): Promise<Pronunciation[]> {
  if (!words.length) return [];
  const key = createHash('sha256').update(words.join('\n')).digest('hex').slice(0, 16);
  const file = join(cacheDir, `vocabulary-${key}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Pronunciation[];
  } catch {
    // Not cached yet: build it below.
  }
  const pronunciations: Pronunciation[] = [];
  // A few at a time: t2p starts quickly, and the machine has other work.
  for (let index = 0; index < words.length; index += 8) {
    const batch = words.slice(index, index + 8);
    const phones = await Promise.all(batch.map(t2p));
    batch.forEach((word, offset) => {
      const wordPhones = phones[offset];
      if (wordPhones) pronunciations.push({ word, phones: wordPhones });
    });
  }
  if (pronunciations.length) {
    await mkdir(cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(pronunciations));
    await rename(temporary, file);
  }
  return pronunciations;
}

/** Writes a keyword list file for the drug candidates and returns its path. */
export async function writeKeywordFile(phrases: readonly string[], pronunciations: readonly Pronunciation[], knownPhoneCounts: ReadonlyMap<string, number>, exponentPerPhone: number): Promise<string | null> {
  const phonesOf = new Map(pronunciations.map(({ word, phones }) => [word, phones.split(' ').length]));
  const usable = phrases.flatMap((phrase) => {
    const counts = phrase.split(' ').map((word) => phonesOf.get(word) ?? knownPhoneCounts.get(word));
    if (counts.some((count) => count === undefined)) return [];
    return [{ phrase, phones: counts.reduce<number>((sum, count) => sum + count!, 0) }];
  });
  if (!usable.length) return null;
  const text = keywordList(usable, exponentPerPhone);
  const key = createHash('sha256').update(text).digest('hex').slice(0, 16);
  await mkdir(cacheDir, { recursive: true });
  const file = join(cacheDir, `keywords-${key}.txt`);
  await writeFile(file, text);
  return file;
}

/** Phone counts of words the stock dictionary already has (e.g. "aspirin"), for keyword thresholds. */
export async function dictionaryPhoneCounts(modelDir: string, words: ReadonlySet<string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const dictionary = await readFile(join(modelDir, 'cmudict-en-us.dict'), 'utf8');
  for (const line of dictionary.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const word = line.slice(0, space);
    if (words.has(word) && !counts.has(word)) counts.set(word, line.slice(space + 1).trim().split(/\s+/).length);
  }
  return counts;
}

/**
 * The stock dictionary plus the words it lacks (with their flite pronunciations), written once per
 * word list under os.tmpdir(). Returns the file and the words it added.
 */
export async function writeClinicDictionary(modelDir: string, pronunciations: readonly Pronunciation[]): Promise<{ file: string; added: string[] }> {
  const stock = await readFile(join(modelDir, 'cmudict-en-us.dict'), 'utf8');
  const known = new Set<string>();
  for (const line of stock.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) known.add(line.slice(0, space));
  }
  const missing = pronunciations.filter(({ word }) => !known.has(word));
  const added = missing.map(({ word }) => word);
  const key = createHash('sha256').update(modelDir).update(missing.map(({ word, phones }) => `${word} ${phones}`).join('\n')).digest('hex').slice(0, 16);
  const file = join(cacheDir, `dictionary-${key}.dict`);
  try {
    await readFile(file, { flag: 'r' }).then(() => undefined);
    return { file, added };
  } catch {
    // Not written yet.
  }
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const extra = missing.map(({ word, phones }) => `${word} ${phones}`).join('\n');
  await writeFile(temporary, `${stock.replace(/\n*$/, '\n')}${extra}\n`);
  await rename(temporary, file);
  return { file, added };
}
