/**
 * A pool of recogniser processes (recognizer.process.ts), each holding the model once. An
 * utterance is decoded by exactly one process; if that process dies (libpocketsphinx segfaults on
 * some inputs) or hangs past the timeout, that utterance fails with SPEECH_ENGINE_CRASHED and
 * nothing else is lost: the process is restarted after a backoff, and the queue carries on with
 * the processes still alive. Five deaths in a row with no decode between them open the circuit:
 * work fails fast with SPEECH_ENGINE_UNAVAILABLE until a restarted process answers again.
 *
 * Finals (whole utterances) always go before partials; a partial is only a preview, so under load
 * a stream's newer partial replaces its older one in the queue and partials thin out, finals do not.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '../../lib/logger.ts';
import { CallchartError } from '../../lib/errors.ts';
import type { DecodedWord } from './libpocketsphinx.ts';
import { recognizerOptionsVariable, type FromRecognizer, type RecognizerOptions, type ToRecognizer } from './recognizer.protocol.ts';

const processEntry = fileURLToPath(new URL('./recognizer.process.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface DecodeResult {
  words: DecodedWord[];
  candidates: DecodedWord[];
  decodeMs: number;
}

export interface RecognizerPoolOptions {
  workers: number;
  recognizer: RecognizerOptions;
  /** A decode that takes longer is treated as a hung process: killed, the utterance failed. */
  utteranceTimeoutMs?: number;
  /** Restart delays: base × 2^(deaths in a row − 1), capped. */
  restartBaseMs?: number;
  restartMaxMs?: number;
  /** Deaths in a row (no decode between them) after which work fails fast. */
  circuitThreshold?: number;
  /**
   * Scheduling niceness of the pool's processes (0–19). With live calls on the same machine the
   * engine sets 10: file work and candidate spotting yield the cores to the calls in progress.
   */
  niceness?: number;
  logger: Logger;
}

export interface RecognizerPoolStats {
  workers: number;
  alive: number;
  crashes: number;
  restarts: number;
  queuedFinals: number;
  queuedPartials: number;
  /** Model load time of the last process to start, ms. */
  loadMs: number;
  addedWords: number;
  circuitOpen: boolean;
}

interface Job {
  id: number;
  samples: Int16Array;
  candidates: boolean;
  /** Partials of the same key replace each other while queued. */
  partialKey: string | null;
  /** Candidates only, queued behind everything else (see `spot`). */
  spotOnly: boolean;
  resolve: (result: DecodeResult) => void;
  reject: (error: CallchartError) => void;
}

interface Worker {
  index: number;
  child: ChildProcess;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

let nextJobId = 1;

/** Starts one recogniser process (it answers `ready` once its model is loaded). */
export function forkRecognizer(recognizer: RecognizerOptions): ChildProcess {
  return fork(processEntry, [], {
    execArgv: ['--import', tsxLoader],
    serialization: 'advanced',
    // Nothing the recogniser could print is wanted here: what it hears is PHI.
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, [recognizerOptionsVariable]: JSON.stringify(recognizer) },
  });
}

export class RecognizerPool {
  private readonly workers: (Worker | null)[];
  private readonly finals: Job[] = [];
  private readonly partials: Job[] = [];
  private readonly spots: Job[] = [];
  private closed = false;
  private deathsInRow = 0;
  private crashes = 0;
  private restarts = 0;
  private loadMs = 0;
  private addedWords = 0;
  private readonly timeoutMs: number;
  private readonly restartBaseMs: number;
  private readonly restartMaxMs: number;
  private readonly circuitThreshold: number;
  private readonly restartTimers = new Set<NodeJS.Timeout>();

  private constructor(private readonly options: RecognizerPoolOptions) {
    this.workers = Array.from({ length: options.workers }, () => null);
    this.timeoutMs = options.utteranceTimeoutMs ?? 60_000;
    this.restartBaseMs = options.restartBaseMs ?? 250;
    this.restartMaxMs = options.restartMaxMs ?? 30_000;
    this.circuitThreshold = options.circuitThreshold ?? 5;
  }

  /**
   * Starts every process and waits until each has loaded the model. Fails with
   * SPEECH_ENGINE_UNAVAILABLE (and the process's own reason) if one cannot.
   */
  static async start(options: RecognizerPoolOptions): Promise<RecognizerPool> {
    const pool = new RecognizerPool(options);
    try {
      await Promise.all(pool.workers.map((_, index) => pool.spawn(index)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Decodes one whole utterance (16 kHz samples): words with posteriors, and spotted candidates. */
  decode(samples: Int16Array, options: { candidates: boolean }): Promise<DecodeResult> {
    return this.enqueue(samples, options.candidates, null);
  }

  /**
   * Spots drug-name candidates in an utterance already transcribed (a live call's), without
   * decoding it again. Queued after finals and partials: candidates are for the review after the
   * call, never on the real-time path.
   */
  spot(samples: Int16Array): Promise<DecodedWord[]> {
    return this.enqueue(samples, true, null, true).then((result) => result.candidates);
  }

  /**
   * Decodes the start of an utterance as a preview. While queued, a newer partial with the same
   * key replaces it (the older one is rejected with `superseded`).
   */
  decodePartial(samples: Int16Array, key: string): Promise<DecodeResult> {
    return this.enqueue(samples, false, key);
  }

  /** Test hook: one process (the first alive) crashes with a real SIGSEGV on its next utterance. Needs `crashHook`. */
  crashNextUtterance(): void {
    const worker = this.workers.find((candidate) => candidate?.ready);
    if (worker) this.sendTo(worker, { type: 'crash-next' });
  }

  stats(): RecognizerPoolStats {
    return {
      workers: this.workers.length,
      alive: this.workers.filter((worker) => worker?.ready).length,
      crashes: this.crashes,
      restarts: this.restarts,
      queuedFinals: this.finals.length,
      queuedPartials: this.partials.length,
      loadMs: this.loadMs,
      addedWords: this.addedWords,
      circuitOpen: this.circuitOpen(),
    };
  }

  /** Process ids, for benchmarks (memory per process). */
  pids(): number[] {
    return this.workers.flatMap((worker) => (worker?.child.pid ? [worker.child.pid] : []));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    const failure = () => new CallchartError('SPEECH_ENGINE_UNAVAILABLE', 'speech engine closed');
    for (const job of [...this.finals.splice(0), ...this.partials.splice(0), ...this.spots.splice(0)]) job.reject(failure());
    await Promise.all(
      this.workers.map(async (worker, index) => {
        if (!worker) return;
        this.workers[index] = null;
        if (worker.timer) clearTimeout(worker.timer);
        worker.job?.reject(failure());
        worker.job = null;
        if (worker.child.exitCode === null && worker.child.signalCode === null) {
          const exited = new Promise((resolve) => worker.child.once('exit', resolve));
          worker.child.kill('SIGKILL');
          await exited;
        }
      }),
    );
  }

  private circuitOpen(): boolean {
    return this.deathsInRow >= this.circuitThreshold && !this.workers.some((worker) => worker?.ready);
  }

  private enqueue(samples: Int16Array, candidates: boolean, partialKey: string | null, spotOnly = false): Promise<DecodeResult> {
    if (this.closed) return Promise.reject(new CallchartError('SPEECH_ENGINE_UNAVAILABLE', 'speech engine closed'));
    if (this.circuitOpen()) {
      return Promise.reject(new CallchartError('SPEECH_ENGINE_UNAVAILABLE', 'recognisers keep crashing; waiting before trying again', { deathsInRow: this.deathsInRow }));
    }
    return new Promise<DecodeResult>((resolve, reject) => {
      const job: Job = { id: nextJobId++, samples, candidates, partialKey, spotOnly, resolve, reject };
      if (spotOnly) {
        this.spots.push(job);
      } else if (partialKey === null) {
        this.finals.push(job);
      } else {
        const older = this.partials.findIndex((queued) => queued.partialKey === partialKey);
        if (older >= 0) this.partials.splice(older, 1)[0]!.reject(new CallchartError('SPEECH_ENGINE_UNAVAILABLE', 'superseded', { superseded: true }));
        this.partials.push(job);
      }
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const worker of this.workers) {
      if (!worker?.ready || worker.job) continue;
      const job = this.finals.shift() ?? this.partials.shift() ?? this.spots.shift();
      if (!job) return;
      worker.job = job;
      worker.timer = setTimeout(() => this.onTimeout(worker), this.timeoutMs);
      this.sendTo(worker, { type: 'decode', id: job.id, samples: job.samples, candidates: job.candidates, ...(job.spotOnly ? { spotOnly: true } : {}) });
    }
  }

  private sendTo(worker: Worker, message: ToRecognizer): void {
    // A send to a process that just died fails here; its exit handler settles the job.
    worker.child.send(message, (error) => {
      if (error) this.options.logger.warn({ worker: worker.index, code: 'SPEECH_IPC_FAILED' }, 'could not reach a recogniser process');
    });
  }

  private spawn(index: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const child = forkRecognizer(this.options.recognizer);
      if (this.options.niceness && child.pid) {
        try {
          setPriority(child.pid, this.options.niceness);
        } catch {
          // Not allowed here: the pool runs at normal priority (slower live calls under file load, nothing lost).
        }
      }
      const worker: Worker = { index, child, ready: false, job: null, timer: null };
      this.workers[index] = worker;
      let booted = false;
      let bootFailure: string | null = null;
      child.on('message', (message: FromRecognizer) => {
        switch (message.type) {
          case 'ready':
            booted = true;
            worker.ready = true;
            this.loadMs = message.loadMs;
            this.addedWords = message.addedWords;
            resolve();
            this.dispatch();
            return;
          case 'boot-failed':
            bootFailure = message.reason;
            return;
          case 'decoded':
          case 'failed':
            this.settle(worker, message);
            return;
          case 'partial':
            return;
        }
      });
      child.on('error', () => undefined);
      child.once('exit', (code, signal) => {
        if (!booted) {
          if (this.workers[index] === worker) this.workers[index] = null;
          const error = new CallchartError('SPEECH_ENGINE_UNAVAILABLE', `pocketsphinx recogniser could not start: ${bootFailure ?? `exited (${signal ?? code})`}`);
          reject(error);
          if (this.restarts > 0 || this.crashes > 0) this.onDeath(index, worker, signal ?? String(code));
          return;
        }
        this.onDeath(index, worker, signal ?? String(code));
      });
    });
  }

  private settle(worker: Worker, message: Extract<FromRecognizer, { type: 'decoded' | 'failed' }>): void {
    const job = worker.job;
    if (!job || job.id !== message.id) return;
    worker.job = null;
    if (worker.timer) clearTimeout(worker.timer);
    worker.timer = null;
    if (message.type === 'decoded') {
      this.deathsInRow = 0;
      job.resolve({ words: message.words, candidates: message.candidates, decodeMs: message.decodeMs });
    } else {
      job.reject(new CallchartError('SPEECH_ENGINE_CRASHED', 'the recogniser could not decode this utterance', { worker: worker.index }));
    }
    this.dispatch();
  }

  private onTimeout(worker: Worker): void {
    worker.timer = null;
    this.options.logger.warn({ worker: worker.index, code: 'SPEECH_ENGINE_CRASHED', timeoutMs: this.timeoutMs }, 'recogniser hung on an utterance; restarting it');
    worker.child.kill('SIGKILL');
  }

  private onDeath(index: number, worker: Worker, how: string): void {
    if (worker.timer) clearTimeout(worker.timer);
    worker.timer = null;
    worker.ready = false;
    if (this.workers[index] === worker) this.workers[index] = null;
    if (this.closed) return;
    this.crashes += 1;
    this.deathsInRow += 1;
    const job = worker.job;
    worker.job = null;
    // The one utterance this process held is lost, and says so; nothing else is.
    job?.reject(new CallchartError('SPEECH_ENGINE_CRASHED', 'the recogniser process died on this utterance', { worker: worker.index, exit: how }));
    const delay = Math.min(this.restartMaxMs, this.restartBaseMs * 2 ** Math.max(0, this.deathsInRow - 1));
    this.options.logger.warn({ worker: index, exit: how, deathsInRow: this.deathsInRow, restartInMs: delay, code: 'SPEECH_ENGINE_CRASHED' }, 'recogniser process died; restarting it');
    if (this.circuitOpen()) {
      for (const queued of [...this.finals.splice(0), ...this.partials.splice(0), ...this.spots.splice(0)]) {
        queued.reject(new CallchartError('SPEECH_ENGINE_UNAVAILABLE', 'recognisers keep crashing; waiting before trying again'));
      }
    }
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.closed) return;
      this.restarts += 1;
      this.spawn(index).catch(() => undefined);
    }, delay);
    this.restartTimers.add(timer);
    this.dispatch();
  }
}
