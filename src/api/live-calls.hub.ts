import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { StaffClaims } from '../auth/staff-token.ts';
import type { ScreenPop } from '../ehr/screen-pop.mapper.ts';
import { mayViewCallContent, viewScreenPop } from '../ehr/screen-pop.policy.ts';
import type { CardShown } from '../audit/access-log.ts';
import type { LiveTranscript } from '../speech/live-transcript.ts';

/**
 * Messages on the staff WebSocket. Call summaries carry no PHI; screen pops do (filtered by role).
 * `screen-pop` is a card from the live path (ringing, the IVR's date of birth, a transfer);
 * `screen-pop.updated` replaces the card of the same call id after the live path left it short: the
 * chart came late, or the caller was identified after the lookup failed. A display applies both to
 * the card keyed by `screenPop.callId`, in place.
 */
export type LiveMessage =
  | { type: 'call.updated'; call: LiveCallSummary }
  | { type: 'screen-pop'; screenPop: ScreenPop }
  | { type: 'screen-pop.updated'; screenPop: ScreenPop }
  | { type: 'call.understood'; understanding: CallUnderstanding }
  | { type: 'transcript.live'; transcript: LiveTranscript }
  | { type: 'transcript.live.removed'; callId: string }
  | {
    type: 'hello'; user: string; role: string; queues: string[]; calls: LiveCallSummary[]; screenPops: ScreenPop[]; understandings: CallUnderstanding[];
    /** The live transcripts of calls in progress this viewer may see (clinical roles only; issue 17). */
    transcripts: LiveTranscript[];
  };

/**
 * What Callchart understood from a call, for the people who act on it: the redacted summary
 * (no identifiers: PHI is replaced by [TYPE] placeholders), red flags and request types. AI
 * output until a person approves it. Sent to clinical roles only (see screen-pop.policy.ts).
 */
export interface CallUnderstanding {
  callId: string;
  queue: string | null;
  agent: string | null;
  /** `source`: who proposed it, when a clinic's language model took part (absent: the rules). */
  requestTypes: { type: string; confidence: number; source?: 'callchart-rules' | 'callchart-language-model' }[];
  redFlags: { code: string; status: 'affirmed' | 'uncertain' }[];
  urgency: 'routine' | 'urgent' | 'emergency';
  summary: {
    reasonForCall: string;
    details: string;
    actionRequested: string;
    nextStep: string;
    owner: string;
    followUpDue: string;
  } | null;
  /** Who wrote the summary and request types: the rules, or the clinic's language model over them. */
  generatedBy: 'callchart-rules' | 'callchart-language-model';
  reviewed: false;
}

/** The routing decision of a call as the live display shows it: no PHI, rule words only. */
export interface LiveRouting {
  destination: string;
  /** Why, as the rule says it ("Outside clinic hours; sent to Answering service (nobody on call)."). */
  reason: string;
  ruleId: string;
  /** True when routing could not use the EHR (down or late) and followed the fallback. */
  fallback: boolean;
  afterHours: boolean;
}

export interface LiveCallSummary {
  callId: string;
  provider: string;
  status: string;
  queue: string | null;
  agent: string | null;
  callerOutcome: string | null;
  identityConfidence: string | null;
  ivrReason: string | null;
  urgent: boolean;
  routedTo: string | null;
  /**
   * Where the call was sent and why, in the routing rules' own words (issue 14: "Routed to" was
   * empty and never said why). Null until routing decided; absent from older publishers.
   */
  routing?: LiveRouting | null;
  requestType: string | null;
  /** Codes only: every request type found, and whether red flags were (what they are goes to clinical roles). */
  requestTypes: string[];
  redFlagCount: number;
  urgency: 'routine' | 'urgent' | 'emergency' | null;
  writeBackStatus: string;
  updatedAt: string;
}

/** What a staff client may send: which queues and extensions it works (within its token's). */
export const subscribeMessageSchema = z.object({
  type: z.literal('subscribe'),
  queues: z.array(z.string().min(1).max(128)).max(50).optional(),
  extensions: z.array(z.string().min(1).max(128)).max(20).optional(),
});

interface Viewer {
  socket: WebSocket;
  claims: StaffClaims;
  queues: Set<string>;
  extensions: Set<string>;
}

/**
 * Cards a display gets on connect (a reload): the 50 most recently popped it may see, newest first.
 * The live display is for calls ringing or just answered; 50 is more than a clinic's lines ring at
 * once (a 20-call burst fits with room to spare), keeps the hello message small (a card is at most
 * a few KB) and the page quick to draw; older calls are in the calls table and the review queue.
 */
export const replayedScreenPops = 50;

export interface HubOptions {
  /** The queue a call in no queue belongs to: only that queue's staff see it (never everyone). */
  fallbackQueue?: string;
  /** A client whose unsent messages exceed this is dropped, not waited for. */
  maxBufferedBytes?: number;
  onDropped?: (viewer: { user: string; reason: 'slow-consumer' }) => void;
  /**
   * A card showing a patient's details was sent to this person (the access log, AU-3): the chart
   * on it and the candidates listed. Not called for cards that show nothing (restricted, unknown caller).
   */
  onCardShown?: (shown: CardShown) => void;
}


/**
 * What the domain publishes to the staff live display (the port the services hold). The hub is
 * the in-process display; `live/live-fan-out.service.ts` wraps it to reach the displays of every
 * engine process on the same PostgreSQL (issue 18, ADR 0026). `shownScreenPop` answers from this
 * process's memory, which holds cards shown by other processes too once they reached it.
 */
export interface LivePublisher {
  publishCall(call: LiveCallSummary): void;
  publishScreenPop(screenPop: ScreenPop): void;
  updateScreenPop(screenPop: ScreenPop): void;
  shownScreenPop(callId: string): ScreenPop | undefined;
  publishUnderstanding(understanding: CallUnderstanding): void;
  publishTranscript(transcript: LiveTranscript): void;
  endTranscript(callId: string, options?: { withdrawn?: boolean }): void;
}

/**
 * Fan-out of live call events to staff displays in this process. Each viewer gets the calls of
 * the queues and extensions they work, and each card cut down to their role. The card follows the
 * call: a transfer re-sends it to the new queue's viewers. A client that stops reading is dropped
 * so it cannot hold the server's memory. Across processes, live/live-fan-out.service.ts relays
 * through PostgreSQL LISTEN/NOTIFY and hands what other processes published to this hub.
 */
export class LiveCallsHub implements LivePublisher {
  private readonly viewers = new Set<Viewer>();
  private readonly recentPops = new Map<string, ScreenPop>();
  private readonly recentCalls = new Map<string, LiveCallSummary>();
  private readonly recentUnderstandings = new Map<string, CallUnderstanding>();
  private readonly liveTranscripts = new Map<string, LiveTranscript>();
  private readonly maxBufferedBytes: number;
  dropped = 0;

  constructor(private readonly options: HubOptions = {}) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  }

  add(socket: WebSocket, claims: StaffClaims): void {
    const viewer: Viewer = { socket, claims, queues: new Set(claims.queues), extensions: new Set(claims.extensions) };
    this.viewers.add(viewer);
    socket.on('close', () => this.viewers.delete(viewer));
    socket.on('error', () => this.viewers.delete(viewer));
    socket.on('message', (data) => {
      const parsed = subscribeMessageSchema.safeParse(safeJson(String(data)));
      if (!parsed.success) return;
      // A client may narrow what it watches, never widen it beyond its token.
      const allowedQueues = new Set(claims.queues);
      if (parsed.data.queues) viewer.queues = new Set(parsed.data.queues.filter((queue) => allowedQueues.has('*') || allowedQueues.has(queue)));
      if (parsed.data.extensions) viewer.extensions = new Set(parsed.data.extensions.filter((ext) => claims.extensions.includes(ext)));
      this.sendHello(viewer);
    });
    this.sendHello(viewer);
  }

  get connections(): number {
    return this.viewers.size;
  }

  publishCall(call: LiveCallSummary): void {
    const previous = this.recentCalls.get(call.callId);
    remember(this.recentCalls, call.callId, call, 200);
    for (const viewer of this.viewers) if (this.sees(viewer, call.queue, call.agent)) this.send(viewer, { type: 'call.updated', call });
    // Transferred: the card follows the call to the new queue or agent.
    const pop = this.recentPops.get(call.callId);
    if (pop && previous && (previous.queue !== call.queue || previous.agent !== call.agent)) {
      this.publishScreenPop({ ...pop, queue: call.queue, agent: call.agent });
    }
  }

  /** A card from the live path, to the viewers of its queue or agent, cut down to each one's role. */
  publishScreenPop(screenPop: ScreenPop): void {
    this.fanOutScreenPop(screenPop, 'screen-pop');
  }

  /**
   * A card that replaces the one sent for the same call (a late chart, a late identification):
   * the same viewers and role limits as the first pop, as a `screen-pop.updated` message.
   */
  updateScreenPop(screenPop: ScreenPop): void {
    this.fanOutScreenPop(screenPop, 'screen-pop.updated');
  }

  /** The call as this hub last sent it, if it did (the fan-out loads a call it has not seen). */
  callSummary(callId: string): LiveCallSummary | undefined {
    return this.recentCalls.get(callId);
  }

  /** Calls whose live transcript this hub holds (the fan-out forgets those that ended elsewhere). */
  transcriptCallIds(): string[] {
    return [...this.liveTranscripts.keys()];
  }

  /** The card last sent for a call (the full one, before any role cut), if one was. */
  shownScreenPop(callId: string): ScreenPop | undefined {
    return this.recentPops.get(callId);
  }

  private fanOutScreenPop(screenPop: ScreenPop, type: 'screen-pop' | 'screen-pop.updated'): void {
    const call = this.recentCalls.get(screenPop.callId);
    const pop = { ...screenPop, queue: screenPop.queue ?? call?.queue ?? null, agent: screenPop.agent ?? call?.agent ?? null };
    // In place: a card shown again keeps its turn (cards are ordered by when the call first popped).
    rememberInPlace(this.recentPops, pop.callId, pop, 100);
    for (const viewer of this.viewers) {
      if (!this.sees(viewer, pop.queue ?? null, pop.agent ?? null)) continue;
      const view = viewScreenPop(pop, viewer.claims.role);
      if (view && this.send(viewer, { type, screenPop: view })) this.shown(viewer, view);
    }
  }

  publishUnderstanding(understanding: CallUnderstanding): void {
    remember(this.recentUnderstandings, understanding.callId, understanding, 200);
    for (const viewer of this.viewers) {
      if (this.sees(viewer, understanding.queue, understanding.agent) && mayViewCallContent(viewer.claims.role)) {
        this.send(viewer, { type: 'call.understood', understanding });
      }
    }
  }

  /**
   * A call's live transcript (redacted) as it grows, to the viewers of its queue or agent who may
   * see call content (never analysts): the same rule as the understanding.
   */
  publishTranscript(transcript: LiveTranscript): void {
    remember(this.liveTranscripts, transcript.callId, transcript, 50);
    for (const viewer of this.viewers) {
      if (this.sees(viewer, transcript.queue, transcript.agent) && mayViewCallContent(viewer.claims.role)) this.send(viewer, { type: 'transcript.live', transcript });
    }
  }

  /** The call's live transcript is over; `withdrawn`: consent was withdrawn, screens remove what they show. */
  endTranscript(callId: string, options: { withdrawn?: boolean } = {}): void {
    const transcript = this.liveTranscripts.get(callId);
    this.liveTranscripts.delete(callId);
    if (!transcript || !options.withdrawn) return;
    for (const viewer of this.viewers) {
      if (this.sees(viewer, transcript.queue, transcript.agent) && mayViewCallContent(viewer.claims.role)) this.send(viewer, { type: 'transcript.live.removed', callId });
    }
  }

  close(): void {
    for (const viewer of this.viewers) viewer.socket.close(1001, 'server shutting down');
    this.viewers.clear();
  }

  private sees(viewer: Viewer, queue: string | null, agent: string | null): boolean {
    if (viewer.queues.has('*')) return true;
    if (agent && viewer.extensions.has(agent)) return true;
    // A call not yet in any queue belongs to the fallback queue, not to everyone on duty.
    const effective = queue ?? this.options.fallbackQueue ?? null;
    return effective !== null && viewer.queues.has(effective);
  }

  private sendHello(viewer: Viewer): void {
    const calls = [...this.recentCalls.values()].filter((call) => this.sees(viewer, call.queue, call.agent)).reverse();
    // Newest first, the most recent this viewer may see (not the most recent overall, then filtered).
    const screenPops = [...this.recentPops.values()]
      .reverse()
      .filter((pop) => this.sees(viewer, pop.queue ?? null, pop.agent ?? null))
      .map((pop) => viewScreenPop(pop, viewer.claims.role))
      .filter((pop): pop is ScreenPop => pop !== null)
      .slice(0, replayedScreenPops);
    const understandings = mayViewCallContent(viewer.claims.role)
      ? [...this.recentUnderstandings.values()].filter((item) => this.sees(viewer, item.queue, item.agent)).reverse()
      : [];
    const transcripts = mayViewCallContent(viewer.claims.role)
      ? [...this.liveTranscripts.values()].filter((item) => this.sees(viewer, item.queue, item.agent)).reverse()
      : [];
    if (this.send(viewer, { type: 'hello', user: viewer.claims.sub, role: viewer.claims.role, queues: [...viewer.queues], calls, screenPops, understandings, transcripts })) {
      for (const pop of screenPops) this.shown(viewer, pop);
    }
  }

  private shown(viewer: Viewer, view: ScreenPop): void {
    const patientId = view.patient?.id ?? null;
    const otherPatientIds = view.candidates.map((candidate) => candidate.patientId).filter((id) => id !== patientId);
    if (patientId === null && otherPatientIds.length === 0) return;
    this.options.onCardShown?.({ user: viewer.claims.sub, callId: view.callId, patientId, otherPatientIds });
  }

  /** Sends one message; false when it was not sent (closed, or the client was dropped). */
  private send(viewer: Viewer, message: LiveMessage): boolean {
    const { socket } = viewer;
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      // Backpressure: drop the slow client, not the server.
      this.viewers.delete(viewer);
      this.dropped += 1;
      socket.terminate();
      this.options.onDropped?.({ user: viewer.claims.sub, reason: 'slow-consumer' });
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Like `remember`, but a key already present keeps its place: the order is first-seen. */
function rememberInPlace<T>(map: Map<string, T>, key: string, value: T, max: number): void {
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}

function remember<T>(map: Map<string, T>, key: string, value: T, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}
