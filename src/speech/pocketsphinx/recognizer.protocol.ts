/**
 * What the engine and a recogniser process say to each other over IPC (structured clone, so audio
 * travels as Int16Array, not as JSON numbers). Pure types and one schema for the boot options; the
 * process trusts only its parent, but still checks what it is told.
 *
 * For files, one message decodes one whole utterance in a shared process. A live stream leases a
 * process of its own for the call (live-recognizer.client.ts) and sends its audio as it comes:
 * `live-start`, `live-audio`…, `live-partial` (the best path so far, no re-decode), `live-end`.
 */
import { z } from 'zod';
import type { DecodedWord } from './libpocketsphinx.ts';

export const recognizerOptionsSchema = z.object({
  modelDir: z.string().min(1),
  /** The stock dictionary plus the clinic's words (vocabulary.loader.ts), or null for the stock one. */
  dictionaryFile: z.string().min(1).nullable(),
  /** The clinic's words joined to the general model as one class scored like the tag word. */
  wordClass: z.object({ tag: z.string().min(1), words: z.array(z.string().min(1)) }).nullable(),
  /** A keyword-spotting list file (`phrase /threshold/` lines), or null for no candidates. */
  keywordFile: z.string().min(1).nullable(),
  /**
   * More search arguments for this process's decoder (live recognisers: `-fwdflat no`, see
   * liveSearchArgs in pocketsphinx.engine.ts). Flags and plain values only.
   */
  searchArgs: z.array(z.string().regex(/^-?[a-z0-9_.]+$/i)).max(20).default([]),
  /** Test hook: honour `crash-next` (a real SIGSEGV on the next utterance). Off in production. */
  crashHook: z.boolean(),
});
export type RecognizerOptions = z.infer<typeof recognizerOptionsSchema>;

/** The environment variable through which the parent hands over RecognizerOptions (JSON). */
export const recognizerOptionsVariable = 'CALLCHART_RECOGNIZER_OPTIONS';

export type ToRecognizer =
  // `spotOnly`: candidates only (a live call's utterance, spotted after its final, off the real-time path).
  | { type: 'decode'; id: number; samples: Int16Array; candidates: boolean; spotOnly?: boolean }
  | { type: 'crash-next' }
  // A live stream's own (leased) process decodes incrementally: each sample once.
  | { type: 'live-start' }
  | { type: 'live-audio'; samples: Int16Array }
  | { type: 'live-partial'; id: number }
  | { type: 'live-end'; id: number };

export type FromRecognizer =
  | { type: 'ready'; loadMs: number; addedWords: number; pid: number }
  | { type: 'boot-failed'; reason: string }
  | { type: 'decoded'; id: number; words: DecodedWord[]; candidates: DecodedWord[]; decodeMs: number }
  | { type: 'failed'; id: number; reason: string }
  | { type: 'partial'; id: number; words: DecodedWord[] };
