/**
 * Recogniser processes leased to live Media Streams, one per call for the length of the call, so
 * each sample of a live call is decoded ONCE as it arrives (ps_process_raw per chunk, ps_get_hyp
 * for partials) instead of the utterance-so-far being re-decoded for every partial.
 *
 * - Warm spares (model loaded) wait for the next call, so a call does not wait for a model load.
 * - At most `maxLiveStreams` leases: past that, `lease()` says no at once (never blocks); the
 *   engine then tells staff that this call is not transcribed.
 * - A leased process that dies loses the utterance in flight (SPEECH_ENGINE_CRASHED) and nothing
 *   else: the lease gets another process (a spare, or a new one after a backoff) for the rest of
 *   the call. A decode past the timeout is a hung process and is killed.
 */
import type { ChildProcess } from 'node:child_process';
import { CallchartError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { DecodedWord } from './libpocketsphinx.ts';
import { forkRecognizer, type DecodeResult } from './recognizer-pool.client.ts';
import type { FromRecognizer, RecognizerOptions, ToRecognizer } from './recognizer.protocol.ts';

export interface LiveRecognizersOptions {
  maxLiveStreams: number;
  /** Processes kept loaded for the next calls. */
  spares: number;
  recognizer: RecognizerOptions;
  utteranceTimeoutMs?: number;
  restartBaseMs?: number;
  restartMaxMs?: number;
  logger: Logger;
}

export interface LiveRecognizerStats {
  maxLiveStreams: number;
  liveLeases: number;
  liveSpares: number;
  liveCrashes: number;
  liveRefused: number;
  /** Partials live recognisers have not answered yet. */
  livePartialsWaiting: number;
}

type Waiter = { kind: 'partial'; resolve: (words: DecodedWord[]) => void; timer: NodeJS.Timeout } | { kind: 'final'; resolve: (result: DecodeResult) => void; reject: (error: CallchartError) => void; timer: NodeJS.Timeout };

let nextMessageId = 1;

/** One recogniser process; messages sent before its model is loaded wait in order. */
class LiveProcess {
  child: ChildProcess | null = null;
  ready = false;
  dead = false;
  private readonly backlog: ToRecognizer[] = [];
  readonly waiting = new Map<number, Waiter>();
  onDeath: (() => void) | null = null;
  private startTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly recognizer: RecognizerOptions,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    delayMs: number,
  ) {
    if (delayMs > 0) this.startTimer = setTimeout(() => this.spawn(), delayMs);
    else this.spawn();
  }

  send(message: ToRecognizer): void {
    if (this.dead) return;
    if (!this.ready || !this.child) {
      this.backlog.push(message);
      return;
    }
    this.child.send(message, (error) => {
      if (error) this.logger.warn({ code: 'SPEECH_IPC_FAILED' }, 'could not reach a live recogniser process');
    });
  }

  partial(): Promise<DecodedWord[]> {
    if (this.dead) return Promise.resolve([]);
    const id = nextMessageId++;
    return new Promise((resolve) => {
      this.waiting.set(id, { kind: 'partial', resolve, timer: setTimeout(() => this.hung(), this.timeoutMs) });
      this.send({ type: 'live-partial', id });
    });
  }

  end(): Promise<DecodeResult> {
    if (this.dead) return Promise.reject(crashed());
    const id = nextMessageId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { kind: 'final', resolve, reject, timer: setTimeout(() => this.hung(), this.timeoutMs) });
      this.send({ type: 'live-end', id });
    });
  }

  get busy(): boolean {
    return this.waiting.size > 0;
  }

  get partialsWaiting(): number {
    return [...this.waiting.values()].filter((waiter) => waiter.kind === 'partial').length;
  }

  kill(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    if (!this.child) this.die();
    else if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  exited(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }

  private spawn(): void {
    this.startTimer = null;
    if (this.dead) return;
    const child = forkRecognizer(this.recognizer);
    this.child = child;
    child.on('message', (message: FromRecognizer) => {
      switch (message.type) {
        case 'ready':
          this.ready = true;
          for (const queued of this.backlog.splice(0)) this.send(queued);
          return;
        case 'partial': {
          const waiter = this.take(message.id);
          if (waiter?.kind === 'partial') waiter.resolve(message.words);
          return;
        }
        case 'decoded': {
          const waiter = this.take(message.id);
          if (waiter?.kind === 'final') waiter.resolve({ words: message.words, candidates: message.candidates, decodeMs: message.decodeMs });
          return;
        }
        case 'failed': {
          const waiter = this.take(message.id);
          if (waiter?.kind === 'final') waiter.reject(new CallchartError('SPEECH_ENGINE_CRASHED', 'the recogniser could not decode this utterance'));
          return;
        }
        default:
          return;
      }
    });
    child.on('error', () => undefined);
    child.once('exit', () => this.die());
  }

  private take(id: number): Waiter | undefined {
    const waiter = this.waiting.get(id);
    if (waiter) {
      clearTimeout(waiter.timer);
      this.waiting.delete(id);
    }
    return waiter;
  }

  private hung(): void {
    this.logger.warn({ code: 'SPEECH_ENGINE_CRASHED', timeoutMs: this.timeoutMs }, 'live recogniser hung; restarting it');
    this.kill();
  }

  private die(): void {
    if (this.dead) return;
    this.dead = true;
    this.ready = false;
    this.backlog.length = 0;
    for (const [id, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      this.waiting.delete(id);
      if (waiter.kind === 'partial') waiter.resolve([]);
      else waiter.reject(crashed());
    }
    this.onDeath?.();
  }
}

function crashed(): CallchartError {
  return new CallchartError('SPEECH_ENGINE_CRASHED', 'the recogniser process died on this utterance');
}

/** An utterance the process has not finished with: its audio is kept until its final is back. */
interface OpenUtterance {
  samples: Int16Array[];
  /** Its process died while decoding it: nothing of it can be heard any more. */
  lost: boolean;
  end: { resolve: (result: DecodeResult) => void; reject: (error: CallchartError) => void } | null;
}

/**
 * A live call's own recogniser for the length of the call. Methods never throw at the caller.
 * If the process dies, the utterance it was decoding is lost (the oldest one not yet finished) and
 * the utterances after it, whose audio it had been sent, are sent again to the next process.
 */
export class LiveLease {
  private process: LiveProcess;
  private released = false;
  private deathsInRow = 0;
  /** Bumped per process: answers of a dead process are ignored. */
  private generation = 0;
  private readonly open: OpenUtterance[] = [];

  /** @internal */
  constructor(
    private readonly owner: LiveRecognizers,
    first: LiveProcess,
  ) {
    this.process = this.attach(first);
  }

  startUtterance(): void {
    this.open.push({ samples: [], lost: false, end: null });
    this.process.send({ type: 'live-start' });
  }

  /** 16 kHz samples of the utterance in flight, in order. */
  audio(samples: Int16Array): void {
    const utterance = this.open.at(-1);
    if (!utterance || utterance.lost || utterance.end || samples.length === 0) return;
    utterance.samples.push(samples);
    this.process.send({ type: 'live-audio', samples });
  }

  /** The best path so far (no posteriors yet); [] when none or lost. */
  partial(): Promise<DecodedWord[]> {
    const utterance = this.open.at(-1);
    if (!utterance || utterance.lost || utterance.end) return Promise.resolve([]);
    return this.process.partial();
  }

  /**
   * Ends the utterance: its words with posteriors (candidates are spotted by the shared pool
   * afterwards, never here). SPEECH_ENGINE_CRASHED if lost.
   */
  endUtterance(): Promise<DecodeResult> {
    const utterance = this.open.at(-1);
    if (!utterance || utterance.end) return Promise.reject(crashed());
    if (utterance.lost) {
      this.forget(utterance);
      return Promise.reject(crashed());
    }
    return new Promise<DecodeResult>((resolve, reject) => {
      utterance.end = { resolve, reject };
      this.sendEnd(utterance);
    });
  }

  /** Tests only (needs `crashHook`): the process segfaults at the end of its next utterance. */
  crashNext(): void {
    this.process.send({ type: 'crash-next' });
  }

  /** Outstanding partials and finals. */
  get busy(): boolean {
    return this.process.busy;
  }

  pid(): number | undefined {
    return this.process.child?.pid;
  }

  /** Partials asked for and not yet answered. */
  get partialsWaiting(): number {
    return this.process.partialsWaiting;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.process.onDeath = null;
    for (const utterance of this.open.splice(0)) utterance.end?.reject(new CallchartError('SPEECH_ENGINE_UNAVAILABLE', 'the live call ended'));
    this.owner.returned(this, this.process);
  }

  private sendEnd(utterance: OpenUtterance): void {
    const end = utterance.end!;
    const generation = this.generation;
    this.process.end().then(
      (result) => {
        if (generation !== this.generation) return;
        this.forget(utterance);
        this.deathsInRow = 0;
        end.resolve(result);
      },
      (error: CallchartError) => {
        if (generation !== this.generation) return;
        this.forget(utterance);
        end.reject(error);
      },
    );
  }

  private forget(utterance: OpenUtterance): void {
    const index = this.open.indexOf(utterance);
    if (index >= 0) this.open.splice(index, 1);
  }

  private attach(process: LiveProcess): LiveProcess {
    process.onDeath = () => {
      if (this.released) return;
      this.generation += 1;
      this.deathsInRow += 1;
      this.owner.crashed();
      this.process = this.attach(this.owner.replacement(this.deathsInRow));
      // The utterance the process was decoding is lost; the ones after it go to the next process.
      const lost = this.open[0];
      if (lost) {
        lost.lost = true;
        lost.samples = [];
        if (lost.end) {
          this.open.shift();
          lost.end.reject(crashed());
        }
      }
      for (const utterance of this.open) {
        if (utterance.lost) continue;
        this.process.send({ type: 'live-start' });
        for (const samples of utterance.samples) this.process.send({ type: 'live-audio', samples });
        if (utterance.end) this.sendEnd(utterance);
      }
    };
    return process;
  }
}

export class LiveRecognizers {
  private readonly spares: LiveProcess[] = [];
  private readonly leases = new Set<LiveLease>();
  private closed = false;
  private crashes = 0;
  private refused = 0;
  private readonly timeoutMs: number;
  private readonly restartBaseMs: number;
  private readonly restartMaxMs: number;

  constructor(private readonly options: LiveRecognizersOptions) {
    this.timeoutMs = options.utteranceTimeoutMs ?? 60_000;
    this.restartBaseMs = options.restartBaseMs ?? 250;
    this.restartMaxMs = options.restartMaxMs ?? 30_000;
    this.topUp();
  }

  /** A recogniser for one live call, or null when `maxLiveStreams` calls already have one. */
  lease(): LiveLease | null {
    if (this.closed || this.leases.size >= this.options.maxLiveStreams) {
      this.refused += 1;
      return null;
    }
    const index = this.spares.findIndex((spare) => spare.ready);
    const process = index >= 0 ? this.spares.splice(index, 1)[0]! : (this.spares.shift() ?? this.newProcess(0));
    const lease = new LiveLease(this, process);
    this.leases.add(lease);
    this.topUp();
    return lease;
  }

  /** Any lease in use (for the test crash hook). */
  anyLease(): LiveLease | undefined {
    return this.leases.values().next().value;
  }

  stats(): LiveRecognizerStats {
    return { maxLiveStreams: this.options.maxLiveStreams, liveLeases: this.leases.size, liveSpares: this.spares.filter((spare) => spare.ready).length, liveCrashes: this.crashes, liveRefused: this.refused, livePartialsWaiting: [...this.leases].reduce((sum, lease) => sum + lease.partialsWaiting, 0) };
  }

  pids(): number[] {
    return [...this.spares.flatMap((spare) => (spare.child?.pid ? [spare.child.pid] : [])), ...[...this.leases].flatMap((lease) => lease.pid() ?? [])];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [...this.spares.splice(0)];
    for (const lease of this.leases) lease.release();
    all.push(...this.released.splice(0));
    for (const process of all) process.kill();
    await Promise.all(all.map((process) => process.exited()));
  }

  /** Processes given back while closing, to be killed. */
  private readonly released: LiveProcess[] = [];

  /** @internal A lease ends: its process becomes a spare if it is clean, else it goes. */
  returned(lease: LiveLease, process: LiveProcess): void {
    this.leases.delete(lease);
    if (this.closed) {
      this.released.push(process);
      return;
    }
    if (!process.dead && !process.busy && this.spares.length < this.options.spares) {
      process.onDeath = () => this.forget(process);
      this.spares.push(process);
    } else {
      process.kill();
    }
    this.topUp();
  }

  /** @internal */
  crashed(): void {
    this.crashes += 1;
  }

  /** @internal A process for a lease whose process died: a ready spare, else a new one after a backoff. */
  replacement(deathsInRow: number): LiveProcess {
    const index = this.spares.findIndex((spare) => spare.ready);
    if (index >= 0 && deathsInRow <= 1) {
      const spare = this.spares.splice(index, 1)[0]!;
      this.topUp();
      return spare;
    }
    const delay = Math.min(this.restartMaxMs, this.restartBaseMs * 2 ** Math.max(0, deathsInRow - 1));
    this.options.logger.warn({ code: 'SPEECH_ENGINE_CRASHED', deathsInRow, restartInMs: delay }, 'live recogniser died; the call goes on with another');
    return this.newProcess(delay);
  }

  private topUp(): void {
    if (this.closed) return;
    while (this.spares.length < Math.min(this.options.spares, this.options.maxLiveStreams - this.leases.size)) {
      const process = this.newProcess(0);
      process.onDeath = () => this.forget(process);
      this.spares.push(process);
    }
  }

  private forget(process: LiveProcess): void {
    const index = this.spares.indexOf(process);
    if (index >= 0) this.spares.splice(index, 1);
    if (!this.closed) {
      this.crashes += 1;
      // A spare that cannot even start must not be respawned in a tight loop.
      const timer = setTimeout(() => this.topUp(), this.restartBaseMs);
      timer.unref();
    }
  }

  private newProcess(delayMs: number): LiveProcess {
    if (this.closed) {
      const process = new LiveProcess(this.options.recognizer, this.timeoutMs, this.options.logger, 1);
      process.kill();
      return process;
    }
    return new LiveProcess(this.options.recognizer, this.timeoutMs, this.options.logger, delayMs);
  }
}
