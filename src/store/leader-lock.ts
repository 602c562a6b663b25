import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import type { Db } from './db.ts';

/**
 * Single-writer duties across engine processes (issue 18): the audit chainer and its checkpoints,
 * the retention purge, the scheduled sweeps. Each duty is a PostgreSQL session advisory lock held
 * on a connection of its own (not the pool's: a pooled connection goes back to the pool and its
 * session locks with it). The process holding a duty's lock leads it; every other process that
 * can run it is a standby, trying again every `retryMs`. When the holder dies (SIGKILL, a lost
 * host), its socket closes, PostgreSQL ends the session and frees the lock, and a standby takes
 * the duty within about `retryMs`.
 *
 * A leader that loses its connection (a network cut, `pg_terminate_backend`) stops its duties at
 * once: its lock is gone, so a standby may already lead. The duties themselves stay safe to
 * overlap for a moment (the chainer links under a transaction lock, sweeps use `skip locked` and
 * once-only marks): the lock is about doing the work once, not about correctness alone.
 *
 * The embedded store (PGlite) is one process by construction (its data directory is locked): it
 * always leads every duty.
 */

/** One duty that must run in one process at a time. */
export interface Duty {
  /** Stable name (also the lock key): `audit-chain`, `retention-purge`, … */
  readonly name: string;
  /** This process now leads the duty: start its timers. */
  lead(): void | Promise<void>;
  /** This process no longer leads (stop, or the lock was lost): stop, and wait for work in flight. */
  follow(): Promise<void>;
}

export interface LeaderLocksOptions {
  db: Db;
  logger?: Logger;
  /** How often a standby tries to take a duty, and a leader checks its connection (default 1 s). */
  retryMs?: number;
  /** Told whenever this process starts or stops leading a duty (audit, metrics, tests). */
  onChange?: (change: { duty: string; leading: boolean; reason: 'acquired' | 'stopped' | 'connection-lost' }) => void;
  /** Connects the lock's session (tests); default: a new client with the pool's settings. */
  connect?: () => pg.Client;
}

/** All Callchart duty locks share this first key, so they never collide with other advisory locks. */
export const dutyLockNamespace = 727_274;

/** The second key of a duty's lock: a stable 31-bit number from its name. */
export function dutyLockKey(name: string): number {
  return createHash('sha256').update(`callchart duty ${name}`).digest().readInt32BE(0) & 0x7fff_ffff;
}

interface DutyState {
  duty: Duty;
  leading: boolean;
  /** Released for good: never taken again. */
  retired: boolean;
  /** lead() or follow() in progress: the next change waits for it. */
  changing: Promise<void>;
}

/**
 * The duty locks of one process: add duties, `start`, read `leading()`, `stop` at shutdown
 * (duties stop before their locks are released, so two leaders never overlap on a clean stop).
 */
export class LeaderLocks {
  private readonly duties = new Map<string, DutyState>();
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client | null> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  private started = false;
  private connectFailing = false;
  private readonly retryMs: number;

  constructor(private readonly options: LeaderLocksOptions) {
    this.retryMs = options.retryMs ?? 1_000;
  }

  /** Registers a duty (before or after start: then it is tried at once). */
  add(duty: Duty): this {
    if (this.duties.has(duty.name)) throw new Error(`duty ${duty.name} is already registered`);
    this.duties.set(duty.name, { duty, leading: false, retired: false, changing: Promise.resolve() });
    if (this.started && !this.stopped) void this.tick();
    return this;
  }

  /** Every registered duty's name. */
  names(): string[] {
    return [...this.duties.keys()];
  }

  /**
   * These duties stop here for good (a shutdown in steps): each stops its work if it leads, then
   * its lock is freed for a standby. The others keep running until `stop`.
   */
  async release(names: readonly string[]): Promise<void> {
    const states = names.map((name) => this.duties.get(name)).filter((state): state is DutyState => state !== undefined);
    for (const state of states) state.retired = true;
    await this.ticking;
    await Promise.all(states.map((state) => this.setLeading(state, false, 'stopped')));
    const client = this.client;
    if (client) {
      for (const state of states) await client.query('select pg_advisory_unlock($1, $2)', [dutyLockNamespace, dutyLockKey(state.duty.name)]).catch(() => undefined);
    }
  }

  /** The duties this process leads now. */
  leading(): string[] {
    return [...this.duties.values()].filter((state) => state.leading).map((state) => state.duty.name);
  }

  isLeading(name: string): boolean {
    return this.duties.get(name)?.leading ?? false;
  }

  /** Tries every duty once now (so a lone process leads before it serves), then on a timer. */
  async start(): Promise<void> {
    this.stopped = false;
    this.started = true;
    await this.tick();
    if (this.options.db.kind === 'postgres') {
      // A slow round (a slow store) is not queued behind by the timer: it skips while one runs.
      this.timer = setInterval(() => {
        if (!this.ticking) void this.tick();
      }, this.retryMs);
      this.timer.unref();
    }
  }

  /** One round now, after any in progress: take what is free, check what is held (the timer's work; tests call it). */
  tick(): Promise<void> {
    const round = (this.ticking ?? Promise.resolve()).then(() => this.round());
    const settled = round.finally(() => {
      if (this.ticking === settled) this.ticking = null;
    });
    this.ticking = settled;
    return settled;
  }

  /** Stops leading every duty (each waits for its work in flight), then frees the locks. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    await Promise.all([...this.duties.values()].map((state) => this.setLeading(state, false, 'stopped')));
    const client = this.client;
    this.client = null;
    if (client) {
      await client.query('select pg_advisory_unlock_all()').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    if (this.options.db.kind !== 'postgres') {
      // One process per embedded store: it leads everything.
      for (const state of this.duties.values()) if (!state.leading && !state.retired) await this.setLeading(state, true, 'acquired');
      return;
    }
    // No duty to run here (a web process, or all released): no session is opened.
    if (![...this.duties.values()].some((state) => !state.retired)) return;
    const client = await this.session();
    if (!client || this.stopped) return;
    try {
      const held = [...this.duties.values()].filter((state) => state.leading);
      // A leader's check that its session (and so its locks) is still there.
      if (held.length > 0) await client.query('select 1');
      for (const state of this.duties.values()) {
        if (state.leading || state.retired || this.stopped) continue;
        const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [dutyLockNamespace, dutyLockKey(state.duty.name)]);
        if (!rows[0]?.locked) continue;
        if (this.stopped || state.retired) {
          await client.query('select pg_advisory_unlock($1, $2)', [dutyLockNamespace, dutyLockKey(state.duty.name)]).catch(() => undefined);
          continue;
        }
        await this.setLeading(state, true, 'acquired');
      }
    } catch {
      // The session is gone (its 'error' or 'end' handler has already stopped the duties).
      this.dropSession(client);
    }
  }

  /** The lock session, connected on demand; null while the store cannot be reached. */
  private async session(): Promise<pg.Client | null> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = this.options.connect?.() ?? new pg.Client({ ...(this.options.db.raw as pg.Pool).options, application_name: 'callchart-duty-locks' });
      // Whatever ends the session ends every lock it held: stop leading at once.
      const lost = () => this.dropSession(client);
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
        if (this.connectFailing) this.options.logger?.info('duty lock session restored');
        this.connectFailing = false;
        this.client = client;
        return client;
      } catch (error) {
        if (!this.connectFailing) this.options.logger?.warn({ code: (error as { code?: string }).code }, 'duty lock session cannot connect; this process stays standby');
        this.connectFailing = true;
        client.removeListener('end', lost);
        await client.end().catch(() => undefined);
        return null;
      }
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private dropSession(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    for (const state of this.duties.values()) {
      if (state.leading) {
        this.options.logger?.warn({ duty: state.duty.name }, 'duty lock lost with its session; this process stops leading it');
        void this.setLeading(state, false, 'connection-lost');
      }
    }
  }

  private setLeading(state: DutyState, leading: boolean, reason: 'acquired' | 'stopped' | 'connection-lost'): Promise<void> {
    if (state.leading === leading) return state.changing;
    state.leading = leading;
    state.changing = state.changing.then(async () => {
      try {
        if (leading) await state.duty.lead();
        else await state.duty.follow();
      } catch (error) {
        this.options.logger?.error({ duty: state.duty.name, err: { code: (error as { code?: string }).code, message: (error as Error).message } }, leading ? 'duty failed to start' : 'duty failed to stop');
      }
      this.options.onChange?.({ duty: state.duty.name, leading, reason });
    });
    return state.changing;
  }
}

/** A duty from a pair of functions (the engine's timers: start them, stop them). */
export function duty(name: string, lead: () => void | Promise<void>, follow: () => Promise<void>): Duty {
  return { name, lead, follow };
}
