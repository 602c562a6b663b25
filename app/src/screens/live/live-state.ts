import type { CallUnderstanding, LiveCallSummary, LiveMessage, LiveTranscript, ScreenPop, ScreenPopCandidate } from './types';

/**
 * One call as the screen knows it: its row (the summary), its card (the screen pop), what was
 * understood from it (clinical roles), keyed by call id. Every message replaces the one entry it
 * is about and leaves the others as they were (same objects), so React updates that card in
 * place and keyboard focus stays where the person left it.
 */
export interface LiveEntry {
  callId: string;
  /** When the screen first heard of the call (a counter): the order of the list, newest first. */
  seen: number;
  call?: LiveCallSummary;
  pop?: ScreenPop;
  understanding?: CallUnderstanding;
  /** The live transcript while the call goes on (clinical roles; redacted by the engine). */
  transcript?: LiveTranscript;
  /**
   * The charts a shared number matched, kept after the agent picked one (the card then lists only
   * that chart), so a wrong pick can be corrected on the same card.
   */
  sharedNumberCandidates?: ScreenPopCandidate[];
}

export interface LiveState {
  entries: ReadonlyMap<string, LiveEntry>;
  counter: number;
}

export const emptyLive: LiveState = { entries: new Map(), counter: 0 };

/** The most calls the screen keeps (the engine replays 50 cards on connect; ended calls drop off). */
export const maxEntries = 120;

export type LiveAction = LiveMessage | { type: 'calls.loaded'; calls: LiveCallSummary[] };

function upsert(state: LiveState, callId: string, change: (entry: LiveEntry) => LiveEntry): LiveState {
  const entries = new Map(state.entries);
  const existing = entries.get(callId);
  const counter = existing ? state.counter : state.counter + 1;
  entries.set(callId, change(existing ?? { callId, seen: counter }));
  if (entries.size > maxEntries) {
    const oldest = [...entries.values()].sort((a, b) => a.seen - b.seen).slice(0, entries.size - maxEntries);
    for (const entry of oldest) entries.delete(entry.callId);
  }
  return { entries, counter };
}

function withPop(entry: LiveEntry, pop: ScreenPop): LiveEntry {
  const shared = pop.outcome === 'several' && pop.candidates.length > 1 ? pop.candidates : entry.sharedNumberCandidates;
  return { ...entry, pop, ...(shared ? { sharedNumberCandidates: shared } : {}) };
}

/** Applies one live message (or the calls list read over HTTP) to the screen's state. */
export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'hello': {
      // Newest first from the engine: add oldest first so the newest gets the highest counter.
      let next = state;
      for (const call of [...action.calls].reverse()) next = upsert(next, call.callId, (entry) => ({ ...entry, call }));
      for (const pop of [...action.screenPops].reverse()) next = upsert(next, pop.callId, (entry) => withPop(entry, pop));
      for (const understanding of [...(action.understandings ?? [])].reverse()) next = upsert(next, understanding.callId, (entry) => ({ ...entry, understanding }));
      for (const transcript of [...(action.transcripts ?? [])].reverse()) next = upsert(next, transcript.callId, (entry) => ({ ...entry, transcript }));
      return next;
    }
    case 'calls.loaded': {
      // The stored calls (HTTP): fills in what the live feed has not sent; never overrides it.
      // Calls the screen had not seen go below the ones it has (they are older news), newest first.
      const entries = new Map(state.entries);
      let lowest = Math.min(0, ...[...entries.values()].map((entry) => entry.seen));
      for (const call of action.calls) {
        const known = entries.get(call.callId);
        if (known?.call && known.call.updatedAt >= call.updatedAt) continue;
        entries.set(call.callId, known ? { ...known, call } : { callId: call.callId, seen: --lowest, call });
      }
      return { entries, counter: state.counter };
    }
    case 'call.updated': {
      const known = state.entries.get(action.call.callId)?.call;
      // A summary older than the one shown (two publishers racing) does not turn the row back.
      if (known && known.updatedAt > action.call.updatedAt) return state;
      return upsert(state, action.call.callId, (entry) => ({ ...entry, call: action.call }));
    }
    case 'screen-pop':
    case 'screen-pop.updated':
      return upsert(state, action.screenPop.callId, (entry) => withPop(entry, action.screenPop));
    case 'call.understood':
      return upsert(state, action.understanding.callId, (entry) => ({ ...entry, understanding: action.understanding }));
    case 'transcript.live': {
      const known = state.entries.get(action.transcript.callId)?.transcript;
      if (known && known.updatedAt > action.transcript.updatedAt) return state;
      return upsert(state, action.transcript.callId, (entry) => ({ ...entry, transcript: action.transcript }));
    }
    case 'transcript.live.removed': {
      // Consent withdrawn: the transcript goes from the screen at once.
      const entry = state.entries.get(action.callId);
      if (!entry?.transcript) return state;
      const entries = new Map(state.entries);
      const { transcript: _removed, ...rest } = entry;
      entries.set(action.callId, rest);
      return { entries, counter: state.counter };
    }
    default:
      return state;
  }
}

const isEnded = (entry: LiveEntry) => Boolean(entry.call && entry.call.status !== 'ringing' && entry.call.status !== 'in-progress');

/**
 * The cards on screen, newest first, in the order the calls first arrived (never re-sorted: a
 * card that moves loses the keyboard focus inside it). Every call ringing or on the line (at most
 * `activeLimit`), and the few that ended last (the nurse still acknowledges their red flags);
 * older ended calls drop off (they are in Review).
 */
export function visibleEntries(state: LiveState, activeLimit = 50, endedLimit = 10): LiveEntry[] {
  let active = 0;
  let ended = 0;
  return [...state.entries.values()]
    .sort((a, b) => b.seen - a.seen)
    .filter((entry) => (isEnded(entry) ? ended++ < endedLimit : active++ < activeLimit));
}
