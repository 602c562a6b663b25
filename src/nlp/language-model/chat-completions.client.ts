import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { z } from 'zod';
import type { ModelFallbackReason } from './model-merge.ts';
import type { ChatCompletionRequest } from './model-request.ts';

/** The model could not answer; `reason` is a code for logs and metrics (never a body: it may echo the transcript). */
export class LanguageModelUnavailable extends Error {
  constructor(readonly reason: ModelFallbackReason) {
    super(`language model unavailable: ${reason}`);
    this.name = 'LanguageModelUnavailable';
  }
}

/** The part of a chat completion Callchart reads; servers add fields of their own, which are ignored. */
const chatCompletionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1),
});

/** Failures that say the server is down or overloaded: they count towards opening the breaker. A 4xx is our request's fault. */
const outageReasons: readonly ModelFallbackReason[] = ['timeout', 'connection-failed', 'http-server-error'];

/** Largest answer read (bytes of the response body); a chat answer to our schema is a few kilobytes. */
const maxResponseBytes = 1_000_000;

export interface ChatCompletionsClientOptions {
  /** Without `/v1`; http only to this machine (checked by the settings schema). */
  baseUrl: string;
  /** Bearer token, when the server wants one. Sent in the header only; never logged. */
  apiKey?: string | undefined;
  timeoutMs: number;
  breakerThreshold: number;
  breakerHalfOpenMs: number;
}

/**
 * The OpenAI-compatible chat completions API (`POST {baseUrl}/v1/chat/completions`), as vLLM,
 * llama.cpp server and Ollama serve it. One request per call, with a timeout; a circuit breaker
 * stops waiting out the timeout on every call while the server is down. Redirects are refused:
 * a transcript goes to the configured host or nowhere.
 */
export class ChatCompletionsClient {
  private readonly url: string;
  private readonly breaker;

  constructor(private readonly options: ChatCompletionsClientOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/v1/chat/completions`;
    this.breaker = circuitBreaker(
      handleWhen((error) => error instanceof LanguageModelUnavailable && outageReasons.includes(error.reason)),
      { halfOpenAfter: options.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) },
    );
  }

  /**
   * The assistant message's content (the model's JSON, unchecked).
   * @throws LanguageModelUnavailable on timeout, connection failure, an HTTP error, an open circuit or an unreadable response
   */
  async complete(request: ChatCompletionRequest): Promise<string> {
    try {
      return await this.breaker.execute(() => this.sendOnce(request));
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new LanguageModelUnavailable('circuit-open');
      throw error;
    }
  }

  private async sendOnce(request: ChatCompletionRequest): Promise<string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const body = JSON.stringify(request);
    // One budget for the whole request, the retry below included.
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const post = () => fetch(this.url, { method: 'POST', headers, body, redirect: 'error', signal });
    let text: string;
    try {
      // A kept-alive connection the server closed while idle fails at once, before any answer:
      // that is not the server being down, so the request goes again once on a new connection.
      const response = await post().catch((error: unknown) => {
        if (isStaleConnection(error) && !signal.aborted) return post();
        throw error;
      });
      if (!response.ok) {
        // The body is not read into anything: an error page may quote the request.
        await response.body?.cancel().catch(() => undefined);
        throw new LanguageModelUnavailable(response.status >= 500 || response.status === 429 ? 'http-server-error' : 'http-client-error');
      }
      text = await response.text();
    } catch (error) {
      if (error instanceof LanguageModelUnavailable) throw error;
      const name = (error as Error).name;
      throw new LanguageModelUnavailable(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'connection-failed');
    }
    if (Buffer.byteLength(text) > maxResponseBytes) throw new LanguageModelUnavailable('unreadable-response');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new LanguageModelUnavailable('unreadable-response');
    }
    const completion = chatCompletionSchema.safeParse(parsed);
    const content = completion.success ? completion.data.choices[0]!.message.content : null;
    if (typeof content !== 'string') throw new LanguageModelUnavailable('unreadable-response');
    return content;
  }
}

/** The socket-level failures of reusing a connection the server had already closed. */
function isStaleConnection(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}
