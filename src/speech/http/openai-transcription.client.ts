import Bottleneck from 'bottleneck';
import { BrokenCircuitError, ConsecutiveBreaker, DelegateBackoff, circuitBreaker, handleWhen, retry, type IRetryBackoffContext } from 'cockatiel';
import type { Logger } from '../../lib/logger.ts';
import { CallchartError, isCallchartError } from '../../lib/errors.ts';
import { analyzeAudio } from '../audio/analyze.ts';
import { mulawToPcm } from '../audio/mulaw.ts';
import { UtteranceDetector, splitUtterances } from '../audio/utterances.ts';
import { encodeWav } from '../audio/wav.ts';
import { judgeTranscription } from '../quality.ts';
import type { SpeechSettings } from '../speech.settings.ts';
import {
  audioDurationMs,
  type AudioFormat, type FormatSupport, type PcmAudio, type SegmentListener, type SpeechEngine, type SpeechResult, type SpeechSession, type TranscriptSegment, type Transcription,
} from '../speech-engine.ts';
import { fromVerboseJson, verboseJsonSchema } from './verbose-json.ts';

export type HttpSpeechSettings = NonNullable<SpeechSettings['http']> & {
  lowConfidence: number;
  /**
   * Whether the remote model needs wideband (16 kHz) audio. Default false: a Whisper-class model is
   * trained on telephone audio too and hears 8 kHz, so phone-band audio is not marked `narrowband`
   * for it. Set true for a server whose model is wideband only (e.g. another Callchart running
   * pocketsphinx: that one also says so itself, in its answer's verdict).
   */
  needsWideband?: boolean;
};

export interface HttpSpeechDeps {
  /** CALLCHART_SPEECH_HTTP_API_KEY: sent as `Authorization: Bearer`, never logged. */
  apiKey?: string | undefined;
  logger: Logger;
  fetch?: typeof fetch;
  /** Consecutive outages (timeouts, 5xx, refused connections) that open the breaker; default 5. */
  breakerThreshold?: number;
  /** How long the breaker stays open before one trial request; default 10 s. */
  breakerHalfOpenMs?: number;
  /** First retry delay (doubled each time, with jitter) when the server gives no Retry-After; default 250 ms. */
  backoffBaseMs?: number;
  /** Largest WAV sent in one request (default 24 MB, under OpenAI's 25 MB); longer audio goes in windows. */
  maxUploadBytes?: number;
}

/**
 * Longest stretch of audio sent in one request: OpenAI's API takes 25 MB, so a 16-bit WAV holds
 * about 13 minutes at 16 kHz. A longer recording is sent in windows cut at pauses.
 */
const defaultMaxUploadBytes = 24 * 1024 * 1024;
/** Largest answer read: a verbose_json for 25 MB of audio is well under this. */
const maxAnswerBytes = 20 * 1024 * 1024;
/** Longest backoff between attempts, and the longest Retry-After honoured (longer: give up now). */
const maxBackoffMs = 30_000;

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Failures that say the server is down or overloaded (they count towards opening the breaker). */
const isOutage = (error: unknown) => isCallchartError(error) && (error.code === 'SPEECH_HTTP_UNAVAILABLE' || error.code === 'SPEECH_HTTP_TIMEOUT') && error.detail?.reason !== 'circuit-open';

/**
 * The `http` speech engine: an OpenAI-compatible `POST {baseUrl}/v1/audio/transcriptions`
 * (faster-whisper/speaches, whisper.cpp's server, vLLM, OpenAI, or another Callchart's
 * transcription service). Audio goes as a 16-bit WAV in a multipart form with
 * `response_format=verbose_json` and word and segment timestamps; the answer's numbers
 * (avg_logprob, no_speech_prob, compression_ratio, word probabilities) make the quality verdict.
 *
 * Each request has its own timeout; 429, 5xx, timeouts and refused connections are retried with
 * exponential backoff (honouring Retry-After) up to `retries` times; a 4xx is never retried; a
 * circuit breaker stops waiting on a server that is down; at most `concurrency` requests are in
 * flight. Redirects are refused: audio goes to the configured host or nowhere. Audio, text,
 * headers and the key are never logged.
 *
 * Live (`start`): frames are decoded (µ-law 8 kHz or PCM 16 kHz), cut into utterances by the
 * voice-activity detector, and each utterance is posted when it ends, giving one final segment
 * (no partials: the API has none).
 */
export class HttpSpeechEngine implements SpeechEngine {
  readonly name = 'http';
  private readonly url: string;
  private readonly fetch: typeof fetch;
  private readonly limiter: Bottleneck;
  private readonly breaker;
  private readonly retry;
  private closed = false;

  constructor(private readonly settings: HttpSpeechSettings, private readonly deps: HttpSpeechDeps) {
    this.url = `${settings.baseUrl.replace(/\/+$/, '')}/v1/audio/transcriptions`;
    this.fetch = deps.fetch ?? globalThis.fetch;
    this.limiter = new Bottleneck({ maxConcurrent: settings.concurrency });
    this.breaker = circuitBreaker(handleWhen(isOutage), { halfOpenAfter: deps.breakerHalfOpenMs ?? 10_000, breaker: new ConsecutiveBreaker(deps.breakerThreshold ?? 5) });
    this.breaker.onBreak(() => deps.logger.warn({ speech: { engine: 'http', host: new URL(settings.baseUrl).host } }, 'speech http server failing: breaker open'));
    const base = deps.backoffBaseMs ?? 250;
    this.retry = retry(
      handleWhen((error) => isCallchartError(error) && error.retry === 'transient' && error.detail?.reason !== 'circuit-open' && !((error.detail?.retryAfterMs as number | undefined) !== undefined && (error.detail!.retryAfterMs as number) > maxBackoffMs)),
      {
        maxAttempts: settings.retries,
        backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
          const error = 'error' in context.result ? context.result.error : undefined;
          const asked = isCallchartError(error) ? (error.detail?.retryAfterMs as number | undefined) : undefined;
          if (asked !== undefined) return Math.min(asked, maxBackoffMs);
          const exponential = Math.min(maxBackoffMs, base * 2 ** (context.attempt - 1));
          return exponential / 2 + Math.random() * (exponential / 2);
        }),
      },
    );
  }

  /** Telephone µ-law at 8 kHz and PCM at 8 kHz or more: a Whisper-class server hears both. */
  supports(format: AudioFormat): FormatSupport {
    if (format.encoding === 'mulaw' && format.sampleRate !== 8000) return { ok: false, reason: 'mu-law audio is expected at 8000 Hz' };
    if (format.sampleRate < 8000 || format.sampleRate > 48_000) return { ok: false, reason: 'sample rate must be 8000 to 48000 Hz' };
    return { ok: true };
  }

  /**
   * The whole recording in one request.
   * @throws CallchartError SPEECH_HTTP_REJECTED | SPEECH_HTTP_UNAVAILABLE | SPEECH_HTTP_TIMEOUT | SPEECH_HTTP_INVALID_ANSWER
   */
  async transcribe(audio: PcmAudio, options: { signal?: AbortSignal; offsetSeconds?: number } = {}): Promise<Transcription> {
    if (this.closed) throw new CallchartError('SPEECH_HTTP_UNAVAILABLE', 'the http speech engine is closed', { reason: 'closed' });
    const maxSamples = Math.floor(((this.deps.maxUploadBytes ?? defaultMaxUploadBytes) - 44) / 2);
    if (audio.samples.length > maxSamples) return this.transcribeInWindows(audio, maxSamples, options);
    const wav = encodeWav(audio);
    const answer = await this.limiter.schedule(() => this.retry.execute(() => this.attempt(wav, options.signal), options.signal));
    return fromVerboseJson(answer, {
      engine: this.name,
      sampleRate: audio.sampleRate,
      lowConfidence: this.settings.lowConfidence,
      needsWideband: this.settings.needsWideband ?? false,
      audio: analyzeAudio(audio),
      ...(options.offsetSeconds !== undefined ? { offsetSeconds: options.offsetSeconds } : {}),
    });
  }

  /**
   * A recording too long for one request: windows of whole utterances (cut at pauses, never inside
   * speech), each sent with its offset, the segments joined in call time and judged as one call.
   */
  private async transcribeInWindows(audio: PcmAudio, maxSamples: number, options: { signal?: AbortSignal; offsetSeconds?: number }): Promise<Transcription> {
    const rate = audio.sampleRate;
    const windows: { from: number; to: number }[] = [];
    for (const utterance of splitUtterances(audio)) {
      const from = Math.floor(utterance.start * rate);
      const to = Math.min(audio.samples.length, Math.ceil(utterance.end * rate));
      const last = windows[windows.length - 1];
      if (last && to - last.from <= maxSamples) last.to = to;
      else for (let start = from; start < to; start += maxSamples) windows.push({ from: start, to: Math.min(to, start + maxSamples) });
    }
    const offset = options.offsetSeconds ?? 0;
    const parts = await Promise.all(windows.map((window) => this.transcribe(
      { samples: audio.samples.subarray(window.from, window.to), sampleRate: rate },
      { ...(options.signal ? { signal: options.signal } : {}), offsetSeconds: offset + window.from / rate },
    )));
    const segments = parts.flatMap((part) => part.segments);
    const analysis = analyzeAudio(audio);
    const verdict = judgeTranscription(segments, analysis);
    const candidates = parts.flatMap((part) => part.candidates ?? []);
    return {
      text: segments.map((segment) => segment.text).filter(Boolean).join(' '), sampleRate: rate, engine: this.name,
      quality: verdict.quality, qualityReasons: verdict.qualityReasons, segments, audio: analysis, ...(candidates.length ? { candidates } : {}),
    };
  }

  /** One attempt through the breaker; an open breaker fails at once without a request. */
  private async attempt(wav: Uint8Array, signal: AbortSignal | undefined) {
    try {
      return await this.breaker.execute(() => this.sendOnce(wav, signal));
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new CallchartError('SPEECH_HTTP_UNAVAILABLE', 'the speech server has failed repeatedly; not asking it for a while', { reason: 'circuit-open' });
      throw error;
    }
  }

  private async sendOnce(wav: Uint8Array, signal: AbortSignal | undefined) {
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), 'audio.wav');
    form.append('model', this.settings.model);
    form.append('language', this.settings.language.split('-')[0]!);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'word');
    form.append('timestamp_granularities[]', 'segment');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.deps.apiKey) headers.authorization = `Bearer ${this.deps.apiKey}`;
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.url, { method: 'POST', headers, body: form, redirect: 'error', signal: combined });
      if (!response.ok) {
        // Never read into anything: an error page may quote what we sent.
        await response.body?.cancel().catch(() => undefined);
        const status = response.status;
        if (status === 429 || status >= 500) {
          const wait = retryAfterMs(response.headers.get('retry-after'));
          throw new CallchartError('SPEECH_HTTP_UNAVAILABLE', `the speech server answered ${status}`, { status, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
        }
        throw new CallchartError('SPEECH_HTTP_REJECTED', `the speech server refused the request (${status})`, { status });
      }
      text = await response.text();
    } catch (error) {
      if (isCallchartError(error)) throw error;
      if (signal?.aborted) throw signal.reason ?? error;
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new CallchartError('SPEECH_HTTP_TIMEOUT', `the speech server did not answer within ${this.settings.timeoutMs} ms`, { reason: 'timeout' });
      throw new CallchartError('SPEECH_HTTP_UNAVAILABLE', 'the speech server could not be reached', { reason: 'connection-failed', cause: (error as { cause?: { code?: string } }).cause?.code ?? name });
    }
    if (Buffer.byteLength(text) > maxAnswerBytes) throw new CallchartError('SPEECH_HTTP_INVALID_ANSWER', 'the speech server answered with more than a transcription can hold');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CallchartError('SPEECH_HTTP_INVALID_ANSWER', 'the speech server did not answer with JSON (is it an OpenAI-compatible transcription API?)');
    }
    const answer = verboseJsonSchema.safeParse(parsed);
    if (!answer.success) {
      throw new CallchartError('SPEECH_HTTP_INVALID_ANSWER', 'the speech server\'s answer is not a verbose_json transcription', { fields: [...new Set(answer.error.issues.map((issue) => issue.path.join('.') || '(root)'))].slice(0, 10) });
    }
    return answer.data;
  }

  /** A live session: utterances posted as they end; one final segment each; no partials. */
  start(stream: { callSid: string; streamSid: string; format: AudioFormat }, onSegment?: SegmentListener): SpeechSession {
    return new HttpSpeechSession(this, stream.format, this.deps.logger, onSegment);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}

/** Mono PCM s16le bytes as samples (little-endian, a trailing odd byte ignored). */
function pcmFromBytes(frame: Uint8Array): Int16Array {
  const samples = new Int16Array(frame.byteLength >> 1);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  for (let index = 0; index < samples.length; index += 1) samples[index] = view.getInt16(index * 2, true);
  return samples;
}

/** One utterance the server could not transcribe: kept as an unusable segment, never dropped silently. */
function failedSegment(start: number, end: number): TranscriptSegment {
  return { start, end, text: '', quality: 'unusable', qualityReasons: ['engine-failed'], words: [], final: true };
}

class HttpSpeechSession implements SpeechSession {
  private readonly detector: UtteranceDetector;
  private readonly pending: Promise<void>[] = [];
  private readonly segments: TranscriptSegment[] = [];
  private utterance: { start: number; chunks: Int16Array[] } | null = null;
  private frames = 0;
  private bytes = 0;
  private failures = 0;

  constructor(
    private readonly engine: HttpSpeechEngine,
    private readonly format: AudioFormat,
    private readonly logger: Logger,
    private readonly onSegment: SegmentListener | undefined,
  ) {
    this.detector = new UtteranceDetector({ sampleRate: format.sampleRate });
  }

  push(frame: Uint8Array): void {
    this.frames += 1;
    this.bytes += frame.byteLength;
    const samples = this.format.encoding === 'mulaw' ? mulawToPcm(frame) : pcmFromBytes(frame);
    this.take(this.detector.push(samples));
  }

  private take(chunks: ReturnType<UtteranceDetector['push']>): void {
    for (const chunk of chunks) {
      if (chunk.type !== 'speech') continue;
      if (chunk.first || !this.utterance) this.utterance = { start: chunk.utteranceStart, chunks: [] };
      this.utterance.chunks.push(chunk.samples);
      if (chunk.final) {
        const { start, chunks: parts } = this.utterance;
        this.utterance = null;
        this.pending.push(this.post(start, parts));
      }
    }
  }

  private async post(start: number, parts: Int16Array[]): Promise<void> {
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const samples = new Int16Array(length);
    let at = 0;
    for (const part of parts) {
      samples.set(part, at);
      at += part.length;
    }
    const end = start + length / this.format.sampleRate;
    let segments: TranscriptSegment[];
    try {
      const transcription = await this.engine.transcribe({ samples, sampleRate: this.format.sampleRate }, { offsetSeconds: start });
      segments = transcription.segments.length ? transcription.segments : [];
    } catch (error) {
      this.failures += 1;
      this.logger.warn({ speech: { engine: 'http', code: isCallchartError(error) ? error.code : 'UNKNOWN' } }, 'speech http utterance failed');
      segments = [failedSegment(Math.round(start * 1000) / 1000, Math.round(end * 1000) / 1000)];
    }
    for (const segment of segments) {
      this.segments.push(segment);
      try {
        this.onSegment?.(segment);
      } catch {
        // A listener must not throw; if it does, the transcript still completes.
      }
    }
  }

  async end(): Promise<SpeechResult> {
    this.take(this.detector.flush());
    if (this.utterance) {
      const { start, chunks } = this.utterance;
      this.utterance = null;
      this.pending.push(this.post(start, chunks));
    }
    await Promise.all(this.pending);
    const segments = [...this.segments].sort((a, b) => a.start - b.start);
    const verdict = judgeTranscription(segments);
    const text = segments.map((segment) => segment.text).filter(Boolean).join(' ');
    const transcription: Transcription = { text, sampleRate: this.format.sampleRate, engine: 'http', quality: verdict.quality, qualityReasons: verdict.qualityReasons, segments };
    return {
      text: text || null,
      engine: 'http',
      frames: this.frames,
      audioMs: Math.round(audioDurationMs(this.format, this.bytes)),
      ...(text ? {} : { reason: this.failures ? 'the speech server could not transcribe the audio' : 'no speech heard' }),
      transcription,
    };
  }
}
