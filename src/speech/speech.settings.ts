import { z } from 'zod';
import { isLoopbackUrl } from '../nlp/language-model/language-model.settings.ts';

/** Speech engines Callchart can run or reach (issue 17, TR-1). */
export const speechEngineNames = ['none', 'pocketsphinx', 'http'] as const;
export type SpeechEngineName = (typeof speechEngineNames)[number];

/** The Debian model directory (packages pocketsphinx + pocketsphinx-en-us). */
export const debianPocketsphinxModelDir = '/usr/share/pocketsphinx/model/en-us';

const wordList = z.array(z.string().trim().regex(/^[A-Za-z][A-Za-z'-]{0,39}$/, 'one word of letters, apostrophes or hyphens')).max(5_000);

/**
 * `speech:` in the config file. Absent: no engine of our own (`none`): a call is understood only
 * from the transcript its PBX supplies, as before. The http engine's API key and the service's keys
 * are never here: CALLCHART_SPEECH_HTTP_API_KEY and CALLCHART_SPEECH_SERVICE_KEYS.
 */
export const speechSettingsSchema = z
  .object({
    /** The engine for live streams and recordings. */
    engine: z.enum(speechEngineNames).default('none'),
    /**
     * Where a transcript goes when the engine's is `low` or `unusable` (e.g. phone-band audio through
     * a wideband model): the PBX's own transcript, the `http` engine, or nothing more (staff are told).
     */
    fallback: z.enum(['pbx', 'http', 'none']).default('pbx'),
    /** A word below this confidence is marked in the transcript and on the review screen. */
    lowConfidence: z.number().min(0).max(1).default(0.6),
    pocketsphinx: z
      .object({
        modelDir: z.string().min(1).max(1_000).default(debianPocketsphinxModelDir),
        /** Recogniser processes (each loads the model once, ~40 MB); a crash loses one utterance. */
        workers: z.number().int().min(1).max(32).default(2),
        /** Add the drug lexicon's names (with flite pronunciations) to the dictionary. */
        drugVocabulary: z.boolean().default(true),
        /** The clinic's own words: provider and place names, local drug brands. */
        extraWords: wordList.default([]),
        /** Propose drug names heard by keyword spotting as unconfirmed candidates (never transcript text). */
        candidates: z.boolean().default(true),
        /**
         * Live calls transcribed at once: each has a recogniser process of its own for the call
         * (~40 MB, decodes each sample once). A call past this is told it is not transcribed.
         * 0: live calls share the `workers` (decoded an utterance at a time; ~1 call in real time).
         */
        maxLiveStreams: z.number().int().min(0).max(64).default(10),
        /** Recognisers kept loaded for the next live calls, so a call never waits for a model load. */
        liveSpares: z.number().int().min(0).max(16).default(2),
      })
      .strict()
      .default({ modelDir: debianPocketsphinxModelDir, workers: 2, drugVocabulary: true, extraWords: [], candidates: true, maxLiveStreams: 10, liveSpares: 2 }),
    /** An OpenAI-compatible `POST /v1/audio/transcriptions` server (faster-whisper/speaches, whisper.cpp, vLLM, or another Callchart). */
    http: z
      .object({
        /** Base URL without `/v1`. http only to this machine; https anywhere. */
        baseUrl: z.url({ protocol: /^https?$/ }).refine((value) => {
          const url = new URL(value);
          return url.protocol === 'https:' || isLoopbackUrl(url);
        }, 'plain http is allowed only to this machine (localhost, 127.0.0.1, ::1); use https for any other host'),
        model: z.string().min(1).max(200).default('whisper-1'),
        language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/).default('en'),
        timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
        retries: z.number().int().min(0).max(10).default(2),
        concurrency: z.number().int().min(1).max(256).default(4),
        /** Audio is sent as said, identifiers included: only to a server the clinic's policy allows. */
      })
      .strict()
      .optional(),
    /** Callchart as a transcription service: `POST /v1/audio/transcriptions` backed by the local engine. */
    service: z
      .object({
        enabled: z.boolean().default(false),
        /** Largest upload, in bytes (default 25 MB, as OpenAI's API). */
        maxUploadBytes: z.number().int().min(1_024).max(500 * 1024 * 1024).default(25 * 1024 * 1024),
        /** Requests transcribed at once; more wait, and past `maxQueued` get 429. */
        concurrency: z.number().int().min(1).max(64).default(2),
        maxQueued: z.number().int().min(0).max(10_000).default(16),
      })
      .strict()
      .default({ enabled: false, maxUploadBytes: 25 * 1024 * 1024, concurrency: 2, maxQueued: 16 }),
    /** Twilio real-time transcription (`<Start><Transcription>`) on calls with transcribe consent. */
    twilioRealtime: z
      .object({
        enabled: z.boolean().default(false),
        partialResults: z.boolean().default(true),
        languageCode: z.string().min(2).max(16).default('en-US'),
      })
      .strict()
      .default({ enabled: false, partialResults: true, languageCode: 'en-US' }),
    /** Call audio Callchart itself holds (TR-3). Default: none kept; audio lives in memory for one utterance. */
    audio: z
      .object({
        keep: z.boolean().default(false),
        /** Days kept (encrypted) when `keep` is on; the retention worker deletes them after. */
        retentionDays: z.number().int().min(1).max(3_650).default(30),
      })
      .strict()
      .default({ keep: false, retentionDays: 30 }),
  })
  .strict();

export type SpeechSettings = z.infer<typeof speechSettingsSchema>;

/** Environment variables holding speech secrets. */
export const speechHttpApiKeyVariable = 'CALLCHART_SPEECH_HTTP_API_KEY';
/** Comma-separated keys the transcription service accepts (each ≥ 32 random bytes, base64). */
export const speechServiceKeysVariable = 'CALLCHART_SPEECH_SERVICE_KEYS';
