/**
 * A `koffi` binding to Debian's libpocketsphinx.so.3 / libsphinxbase.so.3 (0.8+5prealpha). Used
 * ONLY inside a recogniser process (recognizer.process.ts): the library segfaults on some inputs
 * (STACK-NOTES "Speech"), and a segfault in the engine's own process would take every call down.
 *
 * No headers ship in Debian for this version; signatures follow the public 5prealpha
 * `pocketsphinx.h` and `cmd_ln.h`. Where 0.8 and 5prealpha differ (`ps_get_hyp` lost its uttid
 * out-parameter, `ps_seg_iter` its best-score one), we declare the longer form and pass valid
 * pointers: on x86-64 and arm64 an extra argument is ignored by a callee that does not read it.
 */
import koffi from 'koffi';

/** Frames per second of the decoder's front end (10 ms frames): word times are frame numbers. */
export const framesPerSecond = 100;

export const libraryNames = { pocketsphinx: 'libpocketsphinx.so.3', sphinxbase: 'libsphinxbase.so.3' } as const;

/** A word of the decoder's best path: frames relative to the utterance start, posterior 0..1. */
export interface DecodedWord {
  word: string;
  startFrame: number;
  endFrame: number;
  confidence: number;
}

interface Functions {
  ps_args: () => unknown;
  cmd_ln_parse_r: (inout: unknown, defn: unknown, argc: number, argv: string[], strict: number) => unknown;
  ps_init: (config: unknown) => unknown;
  ps_free: (ps: unknown) => number;
  ps_start_utt: (ps: unknown) => number;
  ps_process_raw: (ps: unknown, data: Int16Array, samples: number, noSearch: number, fullUtt: number) => number;
  ps_end_utt: (ps: unknown) => number;
  ps_get_hyp: (ps: unknown, score: number[], uttid: unknown[]) => string | null;
  ps_seg_iter: (ps: unknown, score: number[]) => unknown;
  ps_seg_next: (seg: unknown) => unknown;
  ps_seg_word: (seg: unknown) => string | null;
  ps_seg_frames: (seg: unknown, start: number[], end: number[]) => void;
  ps_seg_prob: (seg: unknown, ascr: number[], lscr: number[], lback: number[]) => number;
  ps_seg_free: (seg: unknown) => void;
  ps_get_logmath: (ps: unknown) => unknown;
  logmath_exp: (lmath: unknown, logb: number) => number;
  ps_lookup_word: (ps: unknown, word: string) => unknown;
  ps_get_lm: (ps: unknown, name: string) => unknown;
  ngram_model_set_iter: (set: unknown) => unknown;
  ngram_model_set_iter_next: (iter: unknown) => unknown;
  ngram_model_set_iter_model: (iter: unknown, name: unknown[]) => unknown;
  ps_load_dict: (ps: unknown, dictfile: string, fdictfile: string | null, format: string | null) => number;
  ngram_model_add_class: (lm: unknown, name: string, weight: number, words: string[], weights: Float32Array, count: number) => number;
  ps_set_kws: (ps: unknown, name: string, keyfile: string) => number;
  ps_set_search: (ps: unknown, name: string) => number;
  ps_get_search: (ps: unknown) => string | null;
}

let loaded: Functions | null = null;

/** Loads the libraries once per process; throws a plain Error naming what is missing. */
export function loadLibPocketsphinx(): Functions {
  if (loaded) return loaded;
  const base = koffi.load(libraryNames.sphinxbase);
  const ps = koffi.load(libraryNames.pocketsphinx);
  koffi.opaque('ps_decoder_t');
  const int32Out = koffi.out(koffi.pointer('int32_t'));
  loaded = {
    ps_args: ps.func('void *ps_args(void)'),
    cmd_ln_parse_r: base.func('void *cmd_ln_parse_r(void *inout, void *defn, int32_t argc, const char **argv, int32_t strict)'),
    ps_init: ps.func('void *ps_init(void *config)'),
    ps_free: ps.func('int ps_free(void *ps)'),
    ps_start_utt: ps.func('int ps_start_utt(void *ps)'),
    ps_process_raw: ps.func('int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)'),
    ps_end_utt: ps.func('int ps_end_utt(void *ps)'),
    ps_get_hyp: ps.func('ps_get_hyp', 'const char *', ['void *', int32Out, koffi.out(koffi.pointer('void *'))]),
    ps_seg_iter: ps.func('ps_seg_iter', 'void *', ['void *', int32Out]),
    ps_seg_next: ps.func('void *ps_seg_next(void *seg)'),
    ps_seg_word: ps.func('const char *ps_seg_word(void *seg)'),
    ps_seg_frames: ps.func('ps_seg_frames', 'void', ['void *', koffi.out(koffi.pointer('int')), koffi.out(koffi.pointer('int'))]),
    ps_seg_prob: ps.func('ps_seg_prob', 'int32_t', ['void *', int32Out, int32Out, int32Out]),
    ps_seg_free: ps.func('void ps_seg_free(void *seg)'),
    ps_get_logmath: ps.func('void *ps_get_logmath(void *ps)'),
    logmath_exp: base.func('double logmath_exp(void *lmath, int logb_p)'),
    ps_lookup_word: ps.func('void *ps_lookup_word(void *ps, const char *word)'),
    ps_get_lm: ps.func('void *ps_get_lm(void *ps, const char *name)'),
    ngram_model_set_iter: base.func('void *ngram_model_set_iter(void *set)'),
    ngram_model_set_iter_next: base.func('void *ngram_model_set_iter_next(void *iter)'),
    ngram_model_set_iter_model: base.func('ngram_model_set_iter_model', 'void *', ['void *', koffi.out(koffi.pointer('void *'))]),
    ps_load_dict: ps.func('int ps_load_dict(void *ps, const char *dictfile, const char *fdictfile, const char *format)'),
    ngram_model_add_class: base.func('int32_t ngram_model_add_class(void *model, const char *classname, float classweight, const char **words, const float *weights, int32_t n_words)'),
    ps_set_kws: ps.func('int ps_set_kws(void *ps, const char *name, const char *keyfile)'),
    ps_set_search: ps.func('int ps_set_search(void *ps, const char *name)'),
    ps_get_search: ps.func('const char *ps_get_search(void *ps)'),
  } as Functions;
  return loaded;
}

/** Words the decoder emits that are not speech: silence, sentence marks, noise fillers. */
export function isFillerWord(word: string): boolean {
  return word.startsWith('<') || word.startsWith('[') || word.startsWith('+');
}

/** `read(2)` → `read`: alternate pronunciations are one word to a reader. */
export function baseWord(word: string): string {
  return word.replace(/\(\d+\)$/, '');
}

export interface DecoderOptions {
  /** Directory holding `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  modelDir: string;
  /** A dictionary to use instead of the stock one (the stock one plus the clinic's words). */
  dictionaryFile?: string | null;
  /**
   * Words to join the general language model as members of a class: each is scored as the tag
   * word (an existing word of the model, e.g. "medication") times 1/members. This gives a clinic's
   * drug names the contexts a medication word has ("my … prescription") at a share of its
   * probability, and nothing more: the total probability of the class is the tag's own.
   */
  wordClass?: { tag: string; words: readonly string[] } | null;
  /** More pocketsphinx arguments (`['-ds', '2']`), after the defaults so they win. */
  extraArgs?: readonly string[];
}

/**
 * One decoder over the general model (16 kHz). Not thread-safe, not crash-safe: one per
 * recogniser process.
 */
export class PocketsphinxDecoder {
  private readonly fn: Functions;
  private readonly ps: unknown;
  private readonly logmath: unknown;
  private inUtterance = false;
  private generalSearch: string;

  constructor(options: DecoderOptions) {
    this.fn = loadLibPocketsphinx();
    const argv = [
      '-hmm', `${options.modelDir}/en-us`,
      '-lm', `${options.modelDir}/en-us.lm.bin`,
      '-dict', `${options.modelDir}/cmudict-en-us.dict`,
      '-samprate', '16000',
      '-logfn', '/dev/null',
      ...(options.extraArgs ?? []),
    ];
    const config = this.fn.cmd_ln_parse_r(null, this.fn.ps_args(), argv.length, argv, 1);
    if (!config) throw new Error('pocketsphinx rejected its configuration');
    this.ps = this.fn.ps_init(config);
    if (!this.ps) throw new Error('pocketsphinx could not load the model');
    this.logmath = this.fn.ps_get_logmath(this.ps);
    this.generalSearch = this.fn.ps_get_search(this.ps) ?? '_default';
    const members = options.wordClass?.words ?? [];
    if (options.wordClass && members.length) {
      // Not ps_add_word: in this version it grows the trie LM's unigrams past the size its n-gram
      // lookups were built for, and decoding then reads out of bounds (segfaults with ~100 words).
      // A class maps every member to the tag word's n-grams, which the trie has.
      // The class goes on the model inside the search's model set: loading a dictionary re-maps the
      // set's own words from the dictionary, and classes on the set itself would be forgotten.
      const lmset = this.fn.ps_get_lm(this.ps, this.generalSearch);
      if (!lmset) throw new Error('pocketsphinx has no general language model');
      const weights = new Float32Array(members.length).fill(1 / members.length);
      for (let iter = this.fn.ngram_model_set_iter(lmset); iter; iter = this.fn.ngram_model_set_iter_next(iter)) {
        const lm = this.fn.ngram_model_set_iter_model(iter, [null]);
        if (this.fn.ngram_model_add_class(lm, options.wordClass.tag, 1, [...members], weights, members.length) < 0) throw new Error('pocketsphinx rejected the word class');
      }
      this.classMembers = members.length;
    }
    // Loading the dictionary rebuilds every search's lexicon, now with the class members in it.
    if (options.dictionaryFile && this.fn.ps_load_dict(this.ps, options.dictionaryFile, null, null) < 0) throw new Error('pocketsphinx could not load the clinic dictionary');
  }

  /** Words that joined the general model through the class (0 without vocabulary). */
  classMembers = 0;

  /** True when the dictionary already knows the word. */
  knows(word: string): boolean {
    return Boolean(this.fn.ps_lookup_word(this.ps, word));
  }

  /** Registers a keyword-spotting search (file of `phrase /threshold/` lines) under `name`. */
  setKeywordSearch(name: string, keyfile: string): void {
    if (this.fn.ps_set_kws(this.ps, name, keyfile) < 0) throw new Error('pocketsphinx rejected the keyword list');
    this.fn.ps_set_search(this.ps, this.generalSearch);
  }

  startUtterance(): void {
    if (this.inUtterance) this.fn.ps_end_utt(this.ps);
    if (this.fn.ps_start_utt(this.ps) < 0) throw new Error('pocketsphinx could not start an utterance');
    this.inUtterance = true;
  }

  /**
   * 16 kHz mono samples of the utterance in flight. `wholeUtterance`: these samples are all of it,
   * so the cepstral mean is taken over the utterance itself (batch CMN) rather than carried over
   * from earlier audio: the same audio decodes the same way whatever came before.
   */
  process(samples: Int16Array, wholeUtterance = false): void {
    if (samples.length === 0) return;
    if (this.fn.ps_process_raw(this.ps, samples, samples.length, 0, wholeUtterance ? 1 : 0) < 0) throw new Error('pocketsphinx could not process audio');
  }

  /** The best hypothesis so far (mid-utterance: a partial), or '' when there is none. */
  hypothesis(): string {
    const text = this.fn.ps_get_hyp(this.ps, [0], [null]);
    return text ?? '';
  }

  /** Ends the utterance and returns its words with frames and posteriors (fillers dropped). */
  endUtterance(): DecodedWord[] {
    if (!this.inUtterance) return [];
    this.fn.ps_end_utt(this.ps);
    this.inUtterance = false;
    return this.words(true);
  }

  /** The words of the best path so far; posteriors exist only at the end of an utterance. */
  words(withConfidence: boolean): DecodedWord[] {
    const words: DecodedWord[] = [];
    let seg = this.fn.ps_seg_iter(this.ps, [0]);
    while (seg) {
      const raw = (this.fn.ps_seg_word(seg) ?? '').trim();
      if (!isFillerWord(raw)) {
        const start = [0];
        const end = [0];
        this.fn.ps_seg_frames(seg, start, end);
        const logPosterior = withConfidence ? this.fn.ps_seg_prob(seg, [0], [0], [0]) : 0;
        const confidence = withConfidence ? Math.min(1, Math.max(0, this.fn.logmath_exp(this.logmath, logPosterior))) : 0;
        words.push({ word: baseWord(raw), startFrame: start[0]!, endFrame: end[0]!, confidence });
      }
      seg = this.fn.ps_seg_next(seg);
    }
    return words;
  }

  /**
   * Runs the keyword search `name` over a whole utterance and returns its hits, then switches back
   * to the general model. Hits are candidates, never transcript words.
   */
  spot(name: string, samples: Int16Array): DecodedWord[] {
    if (this.fn.ps_set_search(this.ps, name) < 0) return [];
    try {
      this.startUtterance();
      this.process(samples, true);
      this.fn.ps_end_utt(this.ps);
      this.inUtterance = false;
      return this.words(true);
    } finally {
      this.fn.ps_set_search(this.ps, this.generalSearch);
    }
  }

  free(): void {
    this.fn.ps_free(this.ps);
  }
}
