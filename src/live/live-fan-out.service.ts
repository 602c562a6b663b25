import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { CallUnderstanding, LiveCallSummary, LiveCallsHub, LivePublisher } from '../api/live-calls.hub.ts';
import type { ScreenPop } from '../ehr/screen-pop.mapper.ts';
import type { ArtifactClass } from '../keys/artifact-class.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { Logger } from '../lib/logger.ts';
import type { LiveTranscript } from '../speech/live-transcript.ts';
import type { Db } from '../store/db.ts';
import { liveSummary } from '../calls/call-ingest.service.ts';
import { findCall } from '../calls/calls.repository.ts';
import { liveChannel, parseLiveNotification, type LiveNotification, type StoredLiveKind } from './live-notification.ts';
import {
  callIdsChangedSince, deleteLiveView, findLiveView, listLiveViewsSince, notifyLive, saveLiveView, storedTranscriptCallIds, sweepLiveViews, type StoredLiveView,
} from './live-view.repository.ts';
import { PgListenClient } from './pg-listen.client.ts';

/** Which class seals each kind of live view (their retention and crypto-shredding follow the class). */
const sealedAs: Record<StoredLiveKind, ArtifactClass> = { 'screen-pop': 'call-metadata', understanding: 'summary', transcript: 'redacted-transcript' };

/** What a process catches up on when it starts: the display is for calls of the last hours. */
const startWindowMs = 12 * 3_600_000;
/** How far before a lost connection's moment the catch-up starts (clocks of process and server differ a little). */
const catchUpMarginMs = 60_000;
/** Live views are deleted a day after their last write (RE-1: content kept no longer than it serves). */
const liveViewHours = 24;

type Write = { op: 'put'; kind: StoredLiveKind; body: unknown } | { op: 'delete'; kind: StoredLiveKind; withdrawn: boolean };

export interface LiveFanOutOptions {
  db: Db;
  /** Seals what is shared (the same keyring as all call content) and opens what others shared. */
  cipher: ContentKeyring;
  /** This process's displays: everything is delivered here first, at once. */
  hub: LiveCallsHub;
  logger: Logger;
  /** Reconnect backoff of the LISTEN connection (tests shorten it). */
  backoff?: { baseMs: number; maxMs: number };
  /** How often stale live views are swept (default 10 minutes). */
  sweepEveryMs?: number;
}

/**
 * The live display across engine processes over PostgreSQL LISTEN/NOTIFY (issue 18, ADR 0026).
 * Publishing delivers to this process's hub at once, then shares: a call change as a notification
 * only (the row is in the store), a screen pop, understanding or live transcript as a sealed
 * `live_view` row plus a notification, written latest-wins per call and kind. Every other process
 * loads what a notification names, opens it and hands it to its own hub, which role-filters it
 * per viewer as it does for its own. A dropped LISTEN connection reconnects with backoff and the
 * process reloads what changed during the gap; one that starts loads the last hours, so the hello
 * snapshot of a newly connected viewer holds calls and cards from every process.
 */
export class PostgresLiveFanOut implements LivePublisher {
  /** This process, in every notification it sends: it ignores its own. */
  readonly origin = randomUUID();
  private readonly listener: PgListenClient;
  /** The `live_view` version this process holds per `kind\ncallId` (older notifications are skipped). */
  private readonly applied = new Map<string, number>();
  /** Latest-wins writers and loaders per key: at most one in flight, the newest value next. */
  private readonly writes = new Coalescer<Write>((error) => this.failed('share', error));
  private readonly loads = new Coalescer<LiveNotification>((error) => this.failed('load', error));
  private readonly notifies = new Coalescer<true>((error) => this.failed('notify', error));
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Notifications from other processes handed to the hub (tests, metrics). */
  received = 0;

  constructor(private readonly options: LiveFanOutOptions) {
    const pool = options.db.raw as pg.Pool;
    this.listener = new PgListenClient({
      connection: pool.options as pg.ClientConfig,
      channel: liveChannel,
      logger: options.logger,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      onNotification: (payload) => this.onNotification(payload),
      onListening: ({ reconnected, lostAt }) =>
        this.catchUp(reconnected && lostAt ? new Date(lostAt.getTime() - catchUpMarginMs) : new Date(Date.now() - startWindowMs)),
    });
  }

  /** Listens, and loads what other processes show now (before the first viewer connects). */
  async start(): Promise<void> {
    await sweepLiveViews(this.options.db, liveViewHours).catch(() => undefined);
    await this.listener.start();
    this.sweepTimer = setInterval(() => void sweepLiveViews(this.options.db, liveViewHours).catch(() => undefined), this.options.sweepEveryMs ?? 600_000);
    this.sweepTimer.unref();
  }

  /** Whether the LISTEN connection is up; and how often it came back after a drop. */
  get listening(): boolean {
    return this.listener.listening;
  }

  get reconnects(): number {
    return this.listener.reconnects;
  }

  get listenBackendPid(): number | null {
    return this.listener.backendPid;
  }

  /** Resolves once everything published so far is written and notified. */
  async flushed(): Promise<void> {
    await this.writes.idle();
    await this.notifies.idle();
  }

  /** Stops listening and waits for shares in flight (before the store closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    await this.listener.stop();
    await this.writes.idle();
    await this.notifies.idle();
    await this.loads.idle();
  }

  publishCall(call: LiveCallSummary): void {
    this.options.hub.publishCall(call);
    if (this.stopped) return;
    // The row is in the store: the others load it. Changes in a burst cost one notification in flight per call.
    void this.notifies.run(call.callId, true, () => notifyLive(this.options.db, 'call', call.callId, this.origin));
  }

  publishScreenPop(screenPop: ScreenPop): void {
    this.options.hub.publishScreenPop(screenPop);
    this.share('screen-pop', screenPop.callId, { op: 'put', kind: 'screen-pop', body: stripPlace(screenPop) });
  }

  updateScreenPop(screenPop: ScreenPop): void {
    this.options.hub.updateScreenPop(screenPop);
    this.share('screen-pop', screenPop.callId, { op: 'put', kind: 'screen-pop', body: stripPlace(screenPop) });
  }

  shownScreenPop(callId: string): ScreenPop | undefined {
    return this.options.hub.shownScreenPop(callId);
  }

  publishUnderstanding(understanding: CallUnderstanding): void {
    this.options.hub.publishUnderstanding(understanding);
    this.share('understanding', understanding.callId, { op: 'put', kind: 'understanding', body: understanding });
  }

  publishTranscript(transcript: LiveTranscript): void {
    this.options.hub.publishTranscript(transcript);
    this.share('transcript', transcript.callId, { op: 'put', kind: 'transcript', body: transcript });
  }

  endTranscript(callId: string, options: { withdrawn?: boolean } = {}): void {
    this.options.hub.endTranscript(callId, options);
    this.share('transcript', callId, { op: 'delete', kind: 'transcript', withdrawn: options.withdrawn ?? false });
  }

  private share(kind: StoredLiveKind, callId: string, write: Write): void {
    if (this.stopped) return;
    void this.writes.run(`${kind}\n${callId}`, write, async (latest) => {
      const { db, cipher } = this.options;
      if (latest.op === 'delete') {
        await deleteLiveView(db, callId, kind, latest.withdrawn ? 'transcript-removed' : 'transcript-ended', this.origin);
        this.applied.delete(`${kind}\n${callId}`);
        return;
      }
      const { sealed, keyId } = await cipher.sealFor(sealedAs[kind], new Date(), JSON.stringify(latest.body));
      const version = await saveLiveView(db, { callId, kind, ciphertext: sealed, keyId }, this.origin);
      this.remember(kind, callId, version);
    });
  }

  private onNotification(payload: string | undefined): void {
    const notification = parseLiveNotification(payload);
    if (!notification) {
      this.options.logger.warn({ errCode: 'LIVE_NOTIFICATION_INVALID' }, 'live fan-out ignored a notification it does not understand');
      return;
    }
    if (notification.origin === this.origin || this.stopped) return;
    // The end of a transcript queues behind a load of it in flight, never overtaking it.
    const family = notification.kind === 'transcript-ended' || notification.kind === 'transcript-removed' ? 'transcript' : notification.kind;
    void this.loads.run(`${family}\n${notification.callId}`, notification, (latest) => this.apply(latest));
  }

  /** Hands what a notification names to this process's hub. */
  private async apply(notification: LiveNotification): Promise<void> {
    const { hub, db } = this.options;
    const { kind, callId } = notification;
    if (kind === 'call') {
      const call = await findCall(db, callId);
      if (call && !this.stopped) hub.publishCall(liveSummary(call));
      this.received += 1;
      return;
    }
    if (kind === 'transcript-ended' || kind === 'transcript-removed') {
      this.applied.delete(`transcript\n${callId}`);
      hub.endTranscript(callId, { withdrawn: kind === 'transcript-removed' });
      this.received += 1;
      return;
    }
    if (notification.version !== undefined && notification.version <= (this.applied.get(`${kind}\n${callId}`) ?? 0)) return;
    const view = await findLiveView(db, callId, kind);
    if (view) await this.show(view);
  }

  /** Opens a stored view and hands it to the hub, unless this process holds that version already. */
  private async show(view: StoredLiveView): Promise<void> {
    const { hub, db, cipher } = this.options;
    const key = `${view.kind}\n${view.callId}`;
    if (view.version <= (this.applied.get(key) ?? 0) || this.stopped) return;
    const body = JSON.parse(await cipher.open(view.ciphertext, view.keyId)) as unknown;
    // A card goes to the viewers of the call's queue: the hub must know the call first (the call's
    // own notification may not have been handled yet).
    if (view.kind === 'screen-pop' && !hub.callSummary(view.callId)) {
      const call = await findCall(db, view.callId).catch(() => null);
      if (call) hub.publishCall(liveSummary(call));
    }
    if (view.version <= (this.applied.get(key) ?? 0) || this.stopped) return;
    this.remember(view.kind, view.callId, view.version);
    this.received += 1;
    if (view.kind === 'screen-pop') {
      const card = body as ScreenPop;
      if (hub.shownScreenPop(card.callId)) hub.updateScreenPop(card);
      else hub.publishScreenPop(card);
    } else if (view.kind === 'understanding') {
      hub.publishUnderstanding(body as CallUnderstanding);
    } else {
      hub.publishTranscript(body as LiveTranscript);
    }
  }

  /**
   * Reloads what changed since `since`: on start (the last hours, so a new viewer's hello has every
   * process's calls and cards) and after a dropped connection (what its notifications would have said).
   */
  private async catchUp(since: Date): Promise<void> {
    const { db, hub } = this.options;
    for (const callId of await callIdsChangedSince(db, since, 200)) {
      const call = await findCall(db, callId);
      if (call && !this.stopped) hub.publishCall(liveSummary(call));
    }
    for (const view of await listLiveViewsSince(db, since, 300)) {
      try {
        await this.show(view);
      } catch (error) {
        this.failed('load', error);
      }
    }
    // A transcript that ended during the gap: its row is gone. Removed from screens, since whether
    // consent was withdrawn cannot be known any more (the safe side of CO-4).
    const held = hub.transcriptCallIds();
    const stored = await storedTranscriptCallIds(db, held);
    for (const callId of held) {
      if (!stored.has(callId)) {
        this.applied.delete(`transcript\n${callId}`);
        hub.endTranscript(callId, { withdrawn: true });
      }
    }
  }

  private remember(kind: StoredLiveKind, callId: string, version: number): void {
    const key = `${kind}\n${callId}`;
    if (version <= (this.applied.get(key) ?? 0)) return;
    this.applied.delete(key);
    this.applied.set(key, version);
    while (this.applied.size > 2_000) this.applied.delete(this.applied.keys().next().value!);
  }

  private failed(step: 'notify' | 'share' | 'load', error: unknown): void {
    if (this.stopped) return;
    // Codes only: the error of a failed load or seal never carries the content.
    this.options.logger.warn({ step, errCode: (error as { code?: string }).code ?? 'INTERNAL' }, 'live fan-out step failed');
  }
}

/** A card without where the call is: each process places it from the call's current queue and agent. */
function stripPlace(screenPop: ScreenPop): ScreenPop {
  const { queue: _queue, agent: _agent, ...card } = screenPop;
  return card;
}

/**
 * Per key, one task in flight; a value submitted meanwhile replaces any waiting one and runs after
 * it (latest wins). Bursts of transcript partials or repeated notifications cost one write or load
 * per key at a time, never a queue of stale ones.
 */
class Coalescer<T> {
  private readonly slots = new Map<string, { next: T | null; done: Promise<void> }>();

  constructor(private readonly onError: (error: unknown) => void) {}

  run(key: string, value: T, task: (value: T) => Promise<void>): Promise<void> {
    const slot = this.slots.get(key);
    if (slot) {
      slot.next = value;
      return slot.done;
    }
    const fresh: { next: T | null; done: Promise<void> } = { next: value, done: Promise.resolve() };
    this.slots.set(key, fresh);
    fresh.done = (async () => {
      try {
        while (fresh.next !== null) {
          const current = fresh.next;
          fresh.next = null;
          await task(current).catch(this.onError);
        }
      } finally {
        this.slots.delete(key);
      }
    })();
    return fresh.done;
  }

  async idle(): Promise<void> {
    while (this.slots.size > 0) await Promise.allSettled([...this.slots.values()].map((slot) => slot.done));
  }
}
