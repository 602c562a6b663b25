import { z } from 'zod';

/** Hosts a clinic's own machine answers on: plain http is allowed to these only. */
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True when a URL names this machine (loopback), where plain http never leaves the host. */
export function isLoopbackUrl(url: URL): boolean {
  return loopbackHosts.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

/**
 * `languageModel:` in the config file (issue 15, item 6): a language model the clinic runs itself,
 * reached over the OpenAI-compatible chat completions API (vLLM, llama.cpp server, Ollama). Absent:
 * the rules alone, as always. The API key is never here: it comes from
 * CALLCHART_LANGUAGE_MODEL_API_KEY (most self-hosted servers need none).
 */
export const languageModelSettingsSchema = z
  .object({
    /** The server's base URL, without `/v1` (e.g. http://127.0.0.1:8000 for vLLM). http only to this machine; https anywhere. */
    baseUrl: z.url({ protocol: /^https?$/ }).refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || isLoopbackUrl(url);
    }, 'plain http is allowed only to this machine (localhost, 127.0.0.1, ::1); use https for any other host'),
    /** The model name the server knows (vLLM: the served model; Ollama: e.g. `llama3.1:8b`). */
    model: z.string().min(1).max(200),
    /** Budget for one answer; past it the rules' analysis stands alone. */
    timeoutMs: z.number().int().min(100).max(120_000).default(4_000),
    /**
     * Send the transcript as said, identifiers included. Off by default: the model sees the
     * redacted text (`[NAME]`, `[PHONE]`…). Turn on only when the clinic's policy allows raw text to
     * this endpoint (e.g. the model runs on the same host); every call records which was sent.
     */
    sendRawText: z.boolean().default(false),
    /** A secondary request type the model proposes is kept only at or above this probability. */
    secondaryThreshold: z.number().min(0).max(1).default(0.5),
    /** Longer transcripts are not sent (the rules alone): a model's context is finite. */
    maxTranscriptChars: z.number().int().min(200).max(400_000).default(32_000),
    /** Tokens the model may write for its answer. */
    maxAnswerTokens: z.number().int().min(64).max(8_192).default(800),
    /** Consecutive failures that open the circuit breaker, and how long it stays open before a trial request. */
    breakerThreshold: z.number().int().min(1).max(1_000).default(3),
    breakerHalfOpenMs: z.number().int().min(100).max(3_600_000).default(30_000),
  })
  .strict();

export type LanguageModelSettings = z.infer<typeof languageModelSettingsSchema>;

/** The environment variable that holds the API key, when the server wants one. */
export const languageModelApiKeyVariable = 'CALLCHART_LANGUAGE_MODEL_API_KEY';
