import type { CallEventType } from './call-event.schema.ts';

/**
 * The call state machine (ING-4). Webhooks arrive late, twice, or out of order, so the state is
 * not updated event by event: it is recomputed from the whole set of events the ledger holds,
 * in the order they happened at the PBX. Any arrival order of the same events gives the same state.
 */

export const CallStatus = {
  ringing: 'ringing',
  inProgress: 'in-progress',
  ended: 'ended',
  missed: 'missed',
} as const;
export type CallStatus = (typeof CallStatus)[keyof typeof CallStatus];

export const terminalStatuses: ReadonlySet<CallStatus> = new Set([CallStatus.ended, CallStatus.missed]);

/** What the state machine needs from a ledger event (no PHI). */
export interface CallLifecycleEvent {
  providerEventId: string;
  type: CallEventType;
  occurredAt: string;
  queue?: string | undefined;
  agent?: string | undefined;
  toQueue?: string | undefined;
  toAgent?: string | undefined;
  hasTranscript?: boolean;
}

export interface CallState {
  status: CallStatus;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  queue: string | null;
  agent: string | null;
  hasVoicemail: boolean;
  hasTranscript: boolean;
  /** Events that contradicted the lifecycle (kept, not applied), e.g. answered after ended. */
  anomalies: { providerEventId: string; type: CallEventType }[];
}

// Ties on the timestamp are broken by lifecycle position, then id, so the order is total.
const lifecycleRank: Record<CallEventType, number> = {
  'call.ringing': 0,
  'consent.captured': 1,
  'ivr.input': 2,
  'call.answered': 3,
  'call.transferred': 4,
  'call.missed': 5,
  voicemail: 6,
  'call.ended': 7,
  'transcript.available': 8,
};

export function compareCallEvents(a: CallLifecycleEvent, b: CallLifecycleEvent): number {
  const time = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  if (time !== 0) return time;
  const rank = lifecycleRank[a.type] - lifecycleRank[b.type];
  if (rank !== 0) return rank;
  return a.providerEventId < b.providerEventId ? -1 : a.providerEventId > b.providerEventId ? 1 : 0;
}

export const initialCallState: CallState = {
  status: CallStatus.ringing,
  startedAt: null,
  answeredAt: null,
  endedAt: null,
  queue: null,
  agent: null,
  hasVoicemail: false,
  hasTranscript: false,
  anomalies: [],
};

function applyEvent(state: CallState, event: CallLifecycleEvent): CallState {
  const next: CallState = { ...state, hasTranscript: state.hasTranscript || Boolean(event.hasTranscript) };
  if (event.queue && !next.queue) next.queue = event.queue;
  if (event.agent && !next.agent) next.agent = event.agent;
  const terminal = terminalStatuses.has(state.status);
  // A contradicting event is kept for the record but applies nothing, not even its agent or queue.
  const anomaly = (): CallState => ({
    ...state,
    anomalies: [...state.anomalies, { providerEventId: event.providerEventId, type: event.type }],
  });

  switch (event.type) {
    case 'call.ringing':
      next.startedAt ??= event.occurredAt;
      return next;
    case 'call.answered':
      if (terminal) return anomaly();
      next.status = CallStatus.inProgress;
      next.answeredAt ??= event.occurredAt;
      next.startedAt ??= event.occurredAt;
      if (event.agent) next.agent = event.agent;
      return next;
    case 'call.transferred':
      if (terminal) return anomaly();
      next.startedAt ??= event.occurredAt;
      // The call follows its transfer target (ID-4: the screen pop follows the call).
      if (event.toQueue) next.queue = event.toQueue;
      if (event.toAgent) next.agent = event.toAgent;
      return next;
    case 'call.missed':
      if (terminal) return next;
      if (state.answeredAt) return anomaly();
      next.status = CallStatus.missed;
      next.endedAt = event.occurredAt;
      next.startedAt ??= event.occurredAt;
      return next;
    case 'voicemail':
      next.hasVoicemail = true;
      if (state.answeredAt) return next;
      next.status = CallStatus.missed;
      next.endedAt ??= event.occurredAt;
      next.startedAt ??= event.occurredAt;
      return next;
    case 'call.ended':
      if (terminal) {
        next.endedAt ??= event.occurredAt;
        return next;
      }
      // Hung up before anyone answered: the clinic missed it (abandoned).
      next.status = state.answeredAt ? CallStatus.ended : CallStatus.missed;
      next.endedAt = event.occurredAt;
      next.startedAt ??= event.occurredAt;
      return next;
    case 'transcript.available':
    case 'ivr.input':
    case 'consent.captured':
      return next;
  }
}

/** The call's state from every event the ledger holds for it, in any arrival order. */
export function deriveCallState(events: readonly CallLifecycleEvent[]): CallState {
  const unique = new Map(events.map((event) => [event.providerEventId, event]));
  return [...unique.values()].sort(compareCallEvents).reduce(applyEvent, initialCallState);
}
