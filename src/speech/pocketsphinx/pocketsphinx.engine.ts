/**
 * The pocketsphinx engine (issue 17): Debian's offline recogniser behind the SpeechEngine port,
 * for post-call files and live Media Streams.
 *
 * - The library runs in recogniser processes (recognizer-pool.client.ts): a segfault loses one
 *   utterance, which becomes an `unusable` segment with `engine-failed`, never a silent gap.
 * - Its model is 16 kHz. Telephone audio (8 kHz µ-law) is accepted, upsampled, and judged honestly
 *   by the quality verdict (`narrowband-audio`: `low` or `unusable`), so a caller's words are never
 *   presented as trustworthy when the model could not hear them.
 * - Drug names join the general model as a word class (vocabulary.ts); keyword spotting proposes
 *   drug names as unconfirmed `candidates`, never as transcript text.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { CallchartError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { analyzeAudio } from '../audio/analyze.ts';
import { mulawToPcm } from '../audio/mulaw.ts';
import { StreamResampler, resamplePcm } from '../audio/resample.ts';
import { UtteranceDetector, splitUtterances } from '../audio/utterances.ts';
import { judgeSegment, judgeTranscription } from '../quality.ts';
import type {
  AudioAnalysis,
  AudioFormat,
  EntityCandidate,
  FormatSupport,
  PcmAudio,
  SegmentListener,
  SpeechEngine,
  SpeechResult,
  SpeechSession,
  Transcription,
  TranscriptSegment,
  TranscriptWord,
} from '../speech-engine.ts';
import { audioDurationMs, widebandSampleRate } from '../speech-engine.ts';
import type { SpeechSettings } from '../speech.settings.ts';
import { framesPerSecond, type DecodedWord } from './libpocketsphinx.ts';
import { LiveRecognizers, type LiveLease, type LiveRecognizerStats } from './live-recognizer.client.ts';
import { RecognizerPool, type DecodeResult, type RecognizerPoolStats } from './recognizer-pool.client.ts';
import { drugKeyphrases, vocabularyWords } from './vocabulary.ts';
import { dictionaryPhoneCounts, loadPronunciations, writeClinicDictionary, writeKeywordFile } from './vocabulary.loader.ts';

export type PocketsphinxEngineSettings = Omit<SpeechSettings['pocketsphinx'], 'maxLiveStreams' | 'liveSpares'> &
  Partial<Pick<SpeechSettings['pocketsphinx'], 'maxLiveStreams' | 'liveSpares'>> & { lowConfidence: number };

export interface PocketsphinxEngineDeps {
  logger: Logger;
  /** Tests only: let `crashNextUtterance()` make a recogniser segfault. */
  crashHook?: boolean;
  /** A decode longer than this is a hung recogniser (default 60 s). */
  utteranceTimeoutMs?: number;
  /** Seconds of new speech between partial hypotheses on a live stream (default 0.5). */
  partialEverySeconds?: number;
}

/**
 * The existing word whose n-gram contexts the clinic's drug names share ("my … refill"). Chosen
 * on the drug-dense and drug-free sentences of scratch measurements: see bench/pocketsphinx.bench.ts.
 */
export const drugClassTag = 'medication';
/**
 * Keyword-spotting threshold exponent per phone (`1e-<k × phones>`, so -1 → `1e+<phones>`): higher
 * finds more drug names and invents more. Measured on flite voices (slt, rms, awb; 36 drug and 24
 * drug-free utterances): k = 3 invented 38 candidates on drug-free speech, k = 0 twelve, k = -1
 * five (three after the overlap rule below) at drug recall 0.79 → 0.74.
 */
export const keywordExponentPerPhone = -1;
/**
 * A spotted drug name is dropped where the general model heard another word with at least this
 * confidence over most of its time: the spotter then almost always matched a look-alike sound.
 */
/**
 * Live recognisers skip pocketsphinx's second (flat-lexicon) pass. Measured on held-out telephone
 * sentences with the clinic vocabulary (bench/live-speech.bench.ts notes, 3 flite voices): CPU per
 * second of speech 0.22–0.27 core-s instead of 0.25–0.32 (−15%), the end-of-utterance work halved
 * (0.06 vs 0.09–0.12 s per s of speech, so finals arrive sooner), WER within ±4 points either way,
 * drug recall 0.94/0.91/0.66 vs 0.91/0.89/0.69, no invented drug name. A tighter HMM cap
 * (`-maxhmmpf 4000`) saved 20% more but lost recall (0.57 on one voice) and invented a drug name:
 * not used. Files (after the call) keep both passes.
 */
export const liveSearchArgs: readonly string[] = ['-fwdflat', 'no'];

export const candidateOverruledAt = 0.8;

const lowestRate = 8_000;
const highestRate = 48_000;

export class PocketsphinxEngine implements SpeechEngine {
  readonly name = 'pocketsphinx';

  /** The crash hook is armed: the next utterance, file or live, crashes its recogniser. */
  private crashArmed = false;

  private constructor(
    private readonly pool: RecognizerPool,
    /** One recogniser per live call (null with `maxLiveStreams: 0`: live calls share the pool). */
    private readonly live: LiveRecognizers | null,
    private readonly settings: PocketsphinxEngineSettings,
    private readonly deps: PocketsphinxEngineDeps,
    private readonly spotting: boolean,
  ) {}

  /**
   * Loads the vocabulary (flite pronunciations, cached), starts the recogniser processes and
   * waits for their models. SPEECH_ENGINE_UNAVAILABLE with the reason when pocketsphinx, its
   * model or flite's t2p are missing or a recogniser cannot start.
   */
  static async start(settings: PocketsphinxEngineSettings, deps: PocketsphinxEngineDeps): Promise<PocketsphinxEngine> {
    const modelDir = settings.modelDir;
    for (const part of ['en-us/mdef', 'en-us.lm.bin', 'cmudict-en-us.dict']) {
      try {
        await access(join(modelDir, part));
      } catch {
        throw new CallchartError('SPEECH_ENGINE_UNAVAILABLE', `pocketsphinx model missing: ${join(modelDir, part)} not found (install the Debian package pocketsphinx-en-us or set speech.pocketsphinx.modelDir)`, { part });
      }
    }
    const words = vocabularyWords(settings);
    const pronunciations = await loadPronunciations(words);
    if (words.length && !pronunciations.length) deps.logger.warn({ words: words.length, code: 'SPEECH_VOCABULARY_UNAVAILABLE' }, 'flite t2p gave no pronunciations: pocketsphinx runs with its stock dictionary');
    const dictionary = pronunciations.length ? await writeClinicDictionary(modelDir, pronunciations) : null;
    let keywordFile: string | null = null;
    if (settings.candidates) {
      const phrases = drugKeyphrases();
      const phraseWords = new Set(phrases.flatMap((phrase) => phrase.split(' ')));
      keywordFile = await writeKeywordFile(phrases, pronunciations, await dictionaryPhoneCounts(modelDir, phraseWords), keywordExponentPerPhone);
    }
    const recognizer = {
      modelDir,
      dictionaryFile: dictionary?.file ?? null,
      wordClass: dictionary?.added.length ? { tag: drugClassTag, words: dictionary.added } : null,
      keywordFile,
      crashHook: deps.crashHook ?? false,
      searchArgs: [],
    };
    const timeout = deps.utteranceTimeoutMs ? { utteranceTimeoutMs: deps.utteranceTimeoutMs } : {};
    const maxLiveStreams = settings.maxLiveStreams ?? 10;
    // With live calls on this machine, file work and candidate spotting yield the cores to them.
    const pool = await RecognizerPool.start({ workers: settings.workers, logger: deps.logger, ...timeout, recognizer, niceness: maxLiveStreams > 0 ? 10 : 0 });
    // Spares load in the background once the shared pool is up: the engine is usable at once.
    const live = maxLiveStreams > 0 ? new LiveRecognizers({ maxLiveStreams, spares: settings.liveSpares ?? 2, logger: deps.logger, ...timeout, recognizer: { ...recognizer, keywordFile: null, searchArgs: [...liveSearchArgs] } }) : null;
    deps.logger.info({ engine: 'pocketsphinx', workers: settings.workers, maxLiveStreams, addedWords: pool.stats().addedWords, candidates: Boolean(keywordFile), loadMs: pool.stats().loadMs }, 'speech engine ready');
    return new PocketsphinxEngine(pool, live, settings, deps, Boolean(keywordFile));
  }

  /** 8 kHz µ-law (Twilio) and 8–48 kHz PCM: phone-band audio is accepted and judged, not refused. */
  supports(format: AudioFormat): FormatSupport {
    if (format.channels !== 1) return { ok: false, reason: 'mono audio only' };
    if (format.encoding === 'mulaw' && format.sampleRate === lowestRate) return { ok: true };
    if (format.encoding === 'pcm_s16le' && format.sampleRate >= lowestRate && format.sampleRate <= highestRate) return { ok: true };
    return { ok: false, reason: `pocketsphinx takes 8 kHz mu-law or 8–48 kHz 16-bit PCM, not ${format.encoding} at ${format.sampleRate} Hz` };
  }

  async transcribe(audio: PcmAudio, options: { signal?: AbortSignal } = {}): Promise<Transcription> {
    if (audio.sampleRate < lowestRate || audio.sampleRate > highestRate) {
      throw new CallchartError('AUDIO_FORMAT_UNSUPPORTED', `pocketsphinx takes audio sampled at 8–48 kHz, not ${audio.sampleRate} Hz`);
    }
    const callAudio = analyzeAudio(audio);
    const wideband = toWideband(audio);
    const utterances = splitUtterances(wideband);
    if (this.crashArmed && utterances.length) {
      this.crashArmed = false;
      this.pool.crashNextUtterance();
    }
    const segments = await Promise.all(
      utterances.map(async (utterance) => {
        options.signal?.throwIfAborted();
        const evidence = { ...analyzeAudio({ samples: utterance.samples, sampleRate: widebandSampleRate }), effectiveBandwidthHz: callAudio.effectiveBandwidthHz, sampleRate: audio.sampleRate };
        try {
          const result = await this.pool.decode(utterance.samples, { candidates: this.spotting });
          return this.segment(result, utterance.start, utterance.end, evidence, true);
        } catch (error) {
          return failedSegment(error, utterance.start, utterance.end);
        }
      }),
    );
    options.signal?.throwIfAborted();
    return this.transcription(segments.map((segment) => segment.segment), segments.flatMap((segment) => segment.candidates), audio.sampleRate, callAudio);
  }

  /**
   * A live call gets a recogniser of its own for the call (decoded as the audio comes). Past
   * `maxLiveStreams` the call is refused honestly: its utterances come out `unusable` with
   * `engine-failed` (staff see the call was not transcribed), and nothing waits.
   */
  start(stream: { callSid: string; streamSid: string; format: AudioFormat }, onSegment?: SegmentListener): SpeechSession {
    const options = { partialEverySeconds: this.deps.partialEverySeconds ?? 0.5, logger: this.deps.logger };
    if (!this.live) return new PocketsphinxSession(this, stream, onSegment, options);
    const lease = this.live.lease();
    if (!lease) this.deps.logger.warn({ streamSid: stream.streamSid, code: 'SPEECH_LIVE_AT_CAPACITY', maxLiveStreams: this.live.stats().maxLiveStreams }, 'live transcription at capacity: this call is not transcribed');
    else if (this.crashArmed) {
      this.crashArmed = false;
      lease.crashNext();
    }
    return new LivePocketsphinxSession(this, stream, lease, onSegment, options);
  }

  /** Tests only (needs `crashHook`): the next utterance (a file's or a live call's) crashes its recogniser. */
  crashNextUtterance(): void {
    const lease = this.live?.anyLease();
    if (lease) lease.crashNext();
    else if (this.live) this.crashArmed = true;
    else this.pool.crashNextUtterance();
  }

  stats(): RecognizerPoolStats & Partial<LiveRecognizerStats> {
    const pool = this.pool.stats();
    const live = this.live?.stats();
    // Partials not yet answered, whichever way they are decoded.
    return { ...pool, ...live, queuedPartials: pool.queuedPartials + (live?.livePartialsWaiting ?? 0) };
  }

  pids(): number[] {
    return [...this.pool.pids(), ...(this.live?.pids() ?? [])];
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.live?.close()]);
  }

  /** @internal The session's way into the pool. */
  decodeUtterance(samples16k: Int16Array, partialKey: string | null): Promise<DecodeResult> {
    return partialKey === null ? this.pool.decode(samples16k, { candidates: this.spotting }) : this.pool.decodePartial(samples16k, partialKey);
  }

  /** @internal True when this engine proposes drug-name candidates (keyword spotting is on). */
  get spotsCandidates(): boolean {
    return this.spotting;
  }

  /**
   * @internal Drug-name candidates in a live call's utterance (16 kHz), given the words its final
   * heard: spotted by the shared pool after the final, never on the real-time path.
   */
  async spotCandidates(samples16k: Int16Array, heard: DecodedWord[], start: number): Promise<EntityCandidate[]> {
    if (!this.spotting) return [];
    const hits = await this.pool.spot(samples16k);
    return candidatesOf({ words: heard, candidates: hits }, start);
  }

  /** @internal A segment (and its candidates) from a decode; times in seconds from the stream's start. */
  segment(result: DecodeResult, start: number, end: number, audio: AudioAnalysis, final: boolean, confidenceReported = true): { segment: TranscriptSegment; candidates: EntityCandidate[] } {
    const words = result.words.map((word) => toTranscriptWord(word, start));
    const judgement = judgeSegment({ words, audio, needsWideband: true, lowConfidence: this.settings.lowConfidence, confidenceReported });
    const segment: TranscriptSegment = { start, end, text: words.map((word) => word.word).join(' '), quality: judgement.quality, qualityReasons: judgement.qualityReasons, words, final };
    return { segment, candidates: candidatesOf(result, start) };
  }

  /** @internal */
  transcription(segments: TranscriptSegment[], candidates: EntityCandidate[], sampleRate: number, audio: AudioAnalysis): Transcription {
    const finals = segments.filter((segment) => segment.final).sort((a, b) => a.start - b.start);
    const judgement = judgeTranscription(finals, audio);
    return {
      text: finals.map((segment) => segment.text).filter(Boolean).join(' '),
      sampleRate,
      engine: this.name,
      quality: judgement.quality,
      qualityReasons: judgement.qualityReasons,
      segments: finals,
      audio,
      candidates: dedupeCandidates(candidates),
    };
  }
}

/** A live Media Stream: frames in, partial segments as the utterance grows, a final one at its end. */
class PocketsphinxSession implements SpeechSession {
  private readonly detector: UtteranceDetector;
  private readonly rate: number;
  private frames = 0;
  private bytes = 0;
  private ended = false;
  /** The utterance being heard (source-rate samples). */
  private current: { index: number; start: number; parts: Int16Array[]; samples: number; sinceDecode: number } | null = null;
  private readonly finalized = new Set<number>();
  private readonly pending: Promise<void>[] = [];
  private readonly segments: TranscriptSegment[] = [];
  private readonly candidates: EntityCandidate[] = [];
  /** What each utterance's audio measured; the call's audio itself is never kept (TR-3). */
  private readonly heard: AudioAnalysis[] = [];
  private readonly partialEverySeconds: number;
  private readonly logger: Logger;

  constructor(
    private readonly engine: PocketsphinxEngine,
    private readonly stream: { callSid: string; streamSid: string; format: AudioFormat },
    private readonly onSegment: SegmentListener | undefined,
    options: { partialEverySeconds: number; logger: Logger },
  ) {
    this.partialEverySeconds = options.partialEverySeconds;
    this.logger = options.logger;
    this.rate = stream.format.sampleRate;
    this.detector = new UtteranceDetector({ sampleRate: this.rate });
  }

  push(frame: Uint8Array): void {
    if (this.ended) return;
    this.frames += 1;
    this.bytes += frame.byteLength;
    try {
      const samples = this.stream.format.encoding === 'mulaw' ? mulawToPcm(frame) : pcmFromBytes(frame);
      for (const chunk of this.detector.push(samples)) this.onChunk(chunk);
    } catch (error) {
      // Ordinary audio never lands here; a frame we cannot read is skipped, never thrown at the route.
      this.logger.warn({ streamSid: this.stream.streamSid, code: 'SPEECH_FRAME_SKIPPED', err: error instanceof Error ? { name: error.name } : undefined }, 'speech frame skipped');
    }
  }

  async end(): Promise<SpeechResult> {
    if (!this.ended) {
      this.ended = true;
      for (const chunk of this.detector.flush()) this.onChunk(chunk);
    }
    await Promise.all(this.pending);
    const audioMs = Math.round(audioDurationMs(this.stream.format, this.bytes));
    const transcription = this.engine.transcription(this.segments, this.candidates, this.rate, combineAnalyses(this.heard, audioMs, this.rate));
    return {
      text: transcription.text || null,
      engine: this.engine.name,
      frames: this.frames,
      audioMs,
      ...(transcription.text ? {} : { reason: transcription.segments.length ? 'nothing recognised' : 'no speech heard' }),
      transcription,
    };
  }

  private onChunk(chunk: { utterance: number; samples: Int16Array; utteranceStart: number; first: boolean; final: boolean }): void {
    if (chunk.first || !this.current || this.current.index !== chunk.utterance) {
      this.current = { index: chunk.utterance, start: chunk.utteranceStart, parts: [], samples: 0, sinceDecode: 0 };
    }
    const utterance = this.current;
    utterance.parts.push(chunk.samples);
    utterance.samples += chunk.samples.length;
    utterance.sinceDecode += chunk.samples.length;
    if (chunk.final) {
      this.current = null;
      this.finalized.add(utterance.index);
      this.pending.push(this.decodeFinal(utterance));
    } else if (this.onSegment && utterance.sinceDecode >= this.partialEverySeconds * this.rate) {
      utterance.sinceDecode = 0;
      void this.decodePartial(utterance);
    }
  }

  private async decodeFinal(utterance: { index: number; start: number; parts: Int16Array[]; samples: number }): Promise<void> {
    const samples = joinSamples(utterance.parts);
    const end = utterance.start + samples.length / this.rate;
    let built: { segment: TranscriptSegment; candidates: EntityCandidate[] };
    const evidence = this.evidence(samples);
    this.heard.push(evidence);
    try {
      const result = await this.engine.decodeUtterance(toWideband({ samples, sampleRate: this.rate }).samples, null);
      built = this.engine.segment(result, utterance.start, end, evidence, true);
    } catch (error) {
      built = failedSegment(error, utterance.start, end);
    }
    this.segments.push(built.segment);
    this.candidates.push(...built.candidates);
    this.emit(built.segment);
  }

  private async decodePartial(utterance: { index: number; start: number; parts: Int16Array[] }): Promise<void> {
    const samples = joinSamples(utterance.parts);
    try {
      const result = await this.engine.decodeUtterance(toWideband({ samples, sampleRate: this.rate }).samples, `${this.stream.streamSid}`);
      // A partial that comes back after its utterance ended is stale: the final says it all.
      if (this.finalized.has(utterance.index) || this.ended) return;
      const { segment } = this.engine.segment({ ...result, candidates: [] }, utterance.start, utterance.start + samples.length / this.rate, this.evidence(samples), false);
      if (segment.words.length) this.emit(segment);
    } catch {
      // Superseded by a newer partial, or the recogniser died: only a preview is lost.
    }
  }

  private evidence(samples: Int16Array): AudioAnalysis {
    return analyzeAudio({ samples, sampleRate: this.rate });
  }

  private emit(segment: TranscriptSegment): void {
    try {
      this.onSegment?.(segment);
    } catch (error) {
      this.logger.warn({ streamSid: this.stream.streamSid, code: 'SPEECH_LISTENER_FAILED', err: error instanceof Error ? { name: error.name } : undefined }, 'segment listener threw');
    }
  }
}

/**
 * A live Media Stream on a recogniser of its own (a lease): each utterance's audio goes to it as it
 * comes (≥ 200 ms pieces, resampled to 16 kHz with continuity), partials are the decoder's best
 * path so far (no re-decode), the final has posteriors. A lost utterance (the process died) is an
 * `unusable` segment with `engine-failed`; the lease carries on with another process.
 */
class LivePocketsphinxSession implements SpeechSession {
  private readonly detector: UtteranceDetector;
  private readonly resampler: StreamResampler;
  private readonly rate: number;
  private readonly sendEvery: number;
  private frames = 0;
  private bytes = 0;
  private ended = false;
  private current: { index: number; start: number; parts: Int16Array[]; samples: number; unsent: Int16Array[]; unsentSamples: number; sincePartial: number; partialInFlight: boolean; wide: Int16Array[] } | null = null;
  private readonly finalized = new Set<number>();
  private readonly pending: Promise<void>[] = [];
  /** Candidate spotting of finished utterances (shared pool, behind all other work). */
  private readonly spotting: Promise<void>[] = [];
  private readonly segments: TranscriptSegment[] = [];
  private readonly candidates: EntityCandidate[] = [];
  private readonly heard: AudioAnalysis[] = [];
  private readonly partialEverySeconds: number;
  private readonly logger: Logger;

  constructor(
    private readonly engine: PocketsphinxEngine,
    private readonly stream: { callSid: string; streamSid: string; format: AudioFormat },
    /** Null: over capacity, this call is not transcribed (and says so). */
    private readonly lease: LiveLease | null,
    private readonly onSegment: SegmentListener | undefined,
    options: { partialEverySeconds: number; logger: Logger },
  ) {
    this.partialEverySeconds = options.partialEverySeconds;
    this.logger = options.logger;
    this.rate = stream.format.sampleRate;
    this.detector = new UtteranceDetector({ sampleRate: this.rate });
    this.resampler = new StreamResampler(this.rate, widebandSampleRate);
    this.sendEvery = Math.round(this.rate * liveChunkSeconds);
  }

  get refused(): string | undefined {
    return this.lease ? undefined : 'SPEECH_LIVE_AT_CAPACITY';
  }

  push(frame: Uint8Array): void {
    if (this.ended) return;
    this.frames += 1;
    this.bytes += frame.byteLength;
    try {
      const samples = this.stream.format.encoding === 'mulaw' ? mulawToPcm(frame) : pcmFromBytes(frame);
      for (const chunk of this.detector.push(samples)) this.onChunk(chunk);
    } catch (error) {
      this.logger.warn({ streamSid: this.stream.streamSid, code: 'SPEECH_FRAME_SKIPPED', err: error instanceof Error ? { name: error.name } : undefined }, 'speech frame skipped');
    }
  }

  async end(): Promise<SpeechResult> {
    if (!this.ended) {
      this.ended = true;
      try {
        for (const chunk of this.detector.flush()) this.onChunk(chunk);
      } finally {
        void Promise.allSettled(this.pending).then(() => this.lease?.release());
      }
    }
    await Promise.all(this.pending);
    await Promise.all(this.spotting);
    const audioMs = Math.round(audioDurationMs(this.stream.format, this.bytes));
    const transcription = this.engine.transcription(this.segments, this.candidates, this.rate, combineAnalyses(this.heard, audioMs, this.rate));
    return {
      text: transcription.text || null,
      engine: this.engine.name,
      frames: this.frames,
      audioMs,
      ...(transcription.text ? {} : { reason: transcription.segments.length ? 'nothing recognised' : this.lease ? 'no speech heard' : 'live transcription at capacity' }),
      transcription,
    };
  }

  private onChunk(chunk: { utterance: number; samples: Int16Array; utteranceStart: number; first: boolean; final: boolean }): void {
    if (chunk.first || !this.current || this.current.index !== chunk.utterance) {
      this.current = { index: chunk.utterance, start: chunk.utteranceStart, parts: [], samples: 0, unsent: [], unsentSamples: 0, sincePartial: 0, partialInFlight: false, wide: [] };
      this.resampler.reset();
      this.lease?.startUtterance();
    }
    const utterance = this.current;
    utterance.parts.push(chunk.samples);
    utterance.samples += chunk.samples.length;
    utterance.unsent.push(chunk.samples);
    utterance.unsentSamples += chunk.samples.length;
    utterance.sincePartial += chunk.samples.length;
    if (chunk.final || utterance.unsentSamples >= this.sendEvery) {
      const piece = joinSamples(utterance.unsent);
      utterance.unsent = [];
      utterance.unsentSamples = 0;
      const resampled = this.resampler.push(piece);
      const wide = chunk.final ? joinSamples([resampled, this.resampler.flush()]) : resampled;
      this.lease?.audio(wide);
      // Kept only until the utterance's candidates are spotted (after its final).
      if (this.engine.spotsCandidates) utterance.wide.push(wide);
    }
    if (chunk.final) {
      this.current = null;
      this.finalized.add(utterance.index);
      this.pending.push(this.decodeFinal(utterance));
    } else if (this.onSegment && this.lease && !utterance.partialInFlight && utterance.sincePartial >= this.partialEverySeconds * this.rate) {
      utterance.sincePartial = 0;
      void this.decodePartial(utterance);
    }
  }

  private async decodeFinal(utterance: { index: number; start: number; parts: Int16Array[]; samples: number; wide: Int16Array[] }): Promise<void> {
    const samples = joinSamples(utterance.parts);
    const end = utterance.start + samples.length / this.rate;
    const evidence = this.evidence(samples);
    this.heard.push(evidence);
    let built: { segment: TranscriptSegment; candidates: EntityCandidate[] };
    let heard: DecodedWord[] = [];
    try {
      if (!this.lease) throw new CallchartError('SPEECH_ENGINE_UNAVAILABLE', 'live transcription at capacity');
      // Candidates are a second pass over the utterance: not here, where the call waits, but after.
      const result = await this.lease.endUtterance();
      heard = result.words;
      built = this.engine.segment(result, utterance.start, end, evidence, true);
    } catch (error) {
      built = failedSegment(error, utterance.start, end);
    }
    this.segments.push(built.segment);
    this.emit(built.segment);
    const wide = joinSamples(utterance.wide);
    utterance.wide = [];
    if (wide.length && built.segment.quality !== 'unusable') this.spotting.push(this.spot(wide, heard, utterance.start));
  }

  private async spot(wide: Int16Array, heard: DecodedWord[], start: number): Promise<void> {
    try {
      this.candidates.push(...await this.engine.spotCandidates(wide, heard, start));
    } catch (error) {
      // Candidates are a help for staff, not the transcript: a lost spotting pass loses no words.
      this.logger.warn({ streamSid: this.stream.streamSid, code: 'SPEECH_CANDIDATES_SKIPPED', err: error instanceof Error ? { name: error.name } : undefined }, 'drug-name candidates not spotted for an utterance');
    }
  }

  private async decodePartial(utterance: { index: number; start: number; samples: number; parts: Int16Array[]; partialInFlight: boolean }): Promise<void> {
    utterance.partialInFlight = true;
    try {
      const words = await this.lease!.partial();
      if (this.finalized.has(utterance.index) || this.ended || !words.length) return;
      // The preview's audio evidence: its latest parts (~2 s), so partials cost the same however long the utterance.
      const recent: Int16Array[] = [];
      for (let index = utterance.parts.length - 1, total = 0; index >= 0 && total < 2 * this.rate; index -= 1) {
        recent.unshift(utterance.parts[index]!);
        total += utterance.parts[index]!.length;
      }
      const { segment } = this.engine.segment({ words, candidates: [], decodeMs: 0 }, utterance.start, utterance.start + utterance.samples / this.rate, this.evidence(joinSamples(recent)), false, false);
      if (segment.words.length) this.emit(segment);
    } finally {
      utterance.partialInFlight = false;
    }
  }

  private evidence(samples: Int16Array): AudioAnalysis {
    return analyzeAudio({ samples, sampleRate: this.rate });
  }

  private emit(segment: TranscriptSegment): void {
    try {
      this.onSegment?.(segment);
    } catch (error) {
      this.logger.warn({ streamSid: this.stream.streamSid, code: 'SPEECH_LISTENER_FAILED', err: error instanceof Error ? { name: error.name } : undefined }, 'segment listener threw');
    }
  }
}

/**
 * The spotted drug names of an utterance that starts at `start` s, as unconfirmed candidates: a hit
 * the recogniser confidently heard as another word is overruled.
 */
function candidatesOf(result: Pick<DecodeResult, 'words' | 'candidates'>, start: number): EntityCandidate[] {
  return result.candidates
    .filter((hit) => !result.words.some((heard) => heard.word !== hit.word && heard.confidence >= candidateOverruledAt && overlap(heard, hit) > 0.5 * (hit.endFrame - hit.startFrame)))
    .map((hit): EntityCandidate => {
      const word = toTranscriptWord(hit, start);
      return { kind: 'drug', text: word.word, start: word.start, end: word.end, confidence: word.confidence };
    });
}

/** Audio goes to a live recogniser in pieces of at least this many seconds (resampler continuity, IPC cost). */
const liveChunkSeconds = 0.2;

/**
 * The call's audio measured from its utterances (duration-weighted), so the stream need not be
 * kept: level as mean power, bandwidth and clipping as weighted means. No utterance: silence.
 */
function combineAnalyses(parts: AudioAnalysis[], durationMs: number, sampleRate: number): AudioAnalysis {
  const total = parts.reduce((sum, part) => sum + part.durationMs, 0);
  if (!total) return { durationMs, sampleRate, effectiveBandwidthHz: 0, rmsDbfs: -120, clippedRatio: 0 };
  const weighted = (value: (part: AudioAnalysis) => number) => parts.reduce((sum, part) => sum + value(part) * part.durationMs, 0) / total;
  return {
    durationMs,
    sampleRate,
    effectiveBandwidthHz: Math.round(weighted((part) => part.effectiveBandwidthHz)),
    rmsDbfs: Math.round(10 * Math.log10(Math.max(1e-12, weighted((part) => 10 ** (part.rmsDbfs / 10)))) * 10) / 10,
    clippedRatio: weighted((part) => part.clippedRatio),
  };
}

function toWideband(audio: PcmAudio): PcmAudio {
  return audio.sampleRate === widebandSampleRate ? audio : resamplePcm(audio, widebandSampleRate);
}

function overlap(a: DecodedWord, b: DecodedWord): number {
  return Math.min(a.endFrame, b.endFrame) - Math.max(a.startFrame, b.startFrame);
}

function toTranscriptWord(word: DecodedWord, offsetSeconds: number): TranscriptWord {
  return {
    word: word.word,
    start: round(offsetSeconds + word.startFrame / framesPerSecond),
    end: round(offsetSeconds + (word.endFrame + 1) / framesPerSecond),
    confidence: round(word.confidence),
  };
}

/** An utterance the recogniser lost: kept as an unusable segment, so staff see a gap, not silence. */
function failedSegment(error: unknown, start: number, end: number): { segment: TranscriptSegment; candidates: EntityCandidate[] } {
  if (!(error instanceof CallchartError)) throw error;
  return { segment: { start: round(start), end: round(end), text: '', quality: 'unusable', qualityReasons: ['engine-failed'], words: [], final: true }, candidates: [] };
}

function dedupeCandidates(candidates: EntityCandidate[]): EntityCandidate[] {
  const seen = new Set<string>();
  return candidates
    .sort((a, b) => a.start - b.start)
    .filter((candidate) => {
      const key = `${candidate.text}@${candidate.start.toFixed(1)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function pcmFromBytes(frame: Uint8Array): Int16Array {
  const copy = new Uint8Array(frame.byteLength - (frame.byteLength % 2));
  copy.set(frame.subarray(0, copy.length));
  return new Int16Array(copy.buffer);
}

function joinSamples(parts: Int16Array[]): Int16Array {
  if (parts.length === 1) return parts[0]!;
  const joined = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
