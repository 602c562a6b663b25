import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callEventTypes } from './call-event.schema.ts';
import { compareCallEvents, deriveCallState, terminalStatuses, type CallLifecycleEvent } from './call-state.ts';

// Synthetic call: ids, queues and agents are invented.
const at = (second: number) => new Date(Date.UTC(2026, 0, 5, 14, 0, second)).toISOString();

function event(providerEventId: string, type: CallLifecycleEvent['type'], second: number, extra: Partial<CallLifecycleEvent> = {}): CallLifecycleEvent {
  return { providerEventId, type, occurredAt: at(second), ...extra };
}

describe('deriveCallState scenarios', () => {
  it('ringing → answered → ended is ended with all three times', () => {
    const state = deriveCallState([
      event('e1', 'call.ringing', 0, { queue: 'front-desk' }),
      event('e2', 'call.answered', 12, { agent: 'ext-101' }),
      event('e3', 'call.ended', 95),
    ]);
    expect(state).toMatchObject({
      status: 'ended',
      startedAt: at(0),
      answeredAt: at(12),
      endedAt: at(95),
      queue: 'front-desk',
      agent: 'ext-101',
      hasVoicemail: false,
      anomalies: [],
    });
  });

  it('the same events arriving out of order give the same state', () => {
    const events = [event('e1', 'call.ringing', 0), event('e2', 'call.answered', 12), event('e3', 'call.ended', 95)];
    expect(deriveCallState([events[2]!, events[0]!, events[1]!])).toEqual(deriveCallState(events));
  });

  it('ringing → ended without an answer is missed (abandoned) with no answeredAt', () => {
    const state = deriveCallState([event('e1', 'call.ringing', 0), event('e2', 'call.ended', 30)]);
    expect(state).toMatchObject({ status: 'missed', startedAt: at(0), answeredAt: null, endedAt: at(30), anomalies: [] });
  });

  it('missed followed by voicemail stays missed and has a voicemail', () => {
    const state = deriveCallState([
      event('e1', 'call.ringing', 0),
      event('e2', 'call.missed', 25),
      event('e3', 'voicemail', 60, { hasTranscript: true }),
    ]);
    expect(state).toMatchObject({ status: 'missed', endedAt: at(25), hasVoicemail: true, hasTranscript: true, answeredAt: null, anomalies: [] });
  });

  it('a voicemail alone (no missed event) still marks the call missed', () => {
    const state = deriveCallState([event('e1', 'call.ringing', 0), event('e2', 'voicemail', 40)]);
    expect(state).toMatchObject({ status: 'missed', endedAt: at(40), hasVoicemail: true });
  });

  it('a transfer moves the call to the target queue and agent', () => {
    const state = deriveCallState([
      event('e1', 'call.ringing', 0, { queue: 'front-desk' }),
      event('e2', 'call.answered', 5, { agent: 'ext-101' }),
      event('e3', 'call.transferred', 40, { toQueue: 'nurse-line', toAgent: 'ext-202' }),
    ]);
    expect(state).toMatchObject({ status: 'in-progress', queue: 'nurse-line', agent: 'ext-202' });
  });

  it('answered after ended is an anomaly and does not reopen the call', () => {
    const state = deriveCallState([
      event('e1', 'call.ringing', 0),
      event('e2', 'call.answered', 5),
      event('e3', 'call.ended', 60),
      event('e4', 'call.answered', 61),
    ]);
    expect(state.status).toBe('ended');
    expect(state.answeredAt).toBe(at(5));
    expect(state.endedAt).toBe(at(60));
    expect(state.anomalies).toEqual([{ providerEventId: 'e4', type: 'call.answered' }]);
  });

  it('answered after a missed call is an anomaly and leaves it missed and unanswered', () => {
    const state = deriveCallState([event('e1', 'call.ringing', 0), event('e2', 'call.ended', 30), event('e3', 'call.answered', 31)]);
    expect(state).toMatchObject({ status: 'missed', answeredAt: null, anomalies: [{ providerEventId: 'e3', type: 'call.answered' }] });
  });

  it('missed after answered is an anomaly: the call stays in progress', () => {
    const state = deriveCallState([event('e1', 'call.ringing', 0), event('e2', 'call.answered', 5), event('e3', 'call.missed', 6)]);
    expect(state).toMatchObject({ status: 'in-progress', endedAt: null, anomalies: [{ providerEventId: 'e3', type: 'call.missed' }] });
  });

  it('a redelivered event (same providerEventId) counts once', () => {
    const answered = event('e2', 'call.answered', 5);
    const once = deriveCallState([event('e1', 'call.ringing', 0), answered, event('e3', 'call.ended', 60), answered]);
    expect(once.anomalies).toEqual([]);
    expect(once.status).toBe('ended');
  });

  it('no events is a ringing call with nothing known', () => {
    expect(deriveCallState([])).toMatchObject({ status: 'ringing', startedAt: null, answeredAt: null, endedAt: null });
  });
});

// ---- properties ----------------------------------------------------------------------------

const base = Date.UTC(2026, 0, 5, 14, 0, 0);

/** The same instant is sometimes written with a -05:00 offset: order must follow the instant, not the string. */
const timestampArb = fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()).map(([second, offset]) => {
  const instant = new Date(base + second * 1_000);
  if (!offset) return instant.toISOString();
  const local = new Date(instant.getTime() - 5 * 3_600_000).toISOString().slice(0, 19);
  return `${local}-05:00`;
});

const lifecycleEventArb: fc.Arbitrary<CallLifecycleEvent> = fc.record(
  {
    providerEventId: fc.string({ minLength: 1, maxLength: 6 }),
    type: fc.constantFrom(...callEventTypes),
    occurredAt: timestampArb,
    queue: fc.constantFrom('front-desk', 'nurse-line'),
    agent: fc.constantFrom('ext-101', 'ext-202'),
    toQueue: fc.constantFrom('billing', 'nurse-line'),
    toAgent: fc.constantFrom('ext-303', 'ext-404'),
    hasTranscript: fc.boolean(),
  },
  { requiredKeys: ['providerEventId', 'type', 'occurredAt'] },
);

const callEventsArb = fc.uniqueArray(lifecycleEventArb, { selector: (e) => e.providerEventId, minLength: 1, maxLength: 12 });

describe('deriveCallState properties', () => {
  it('every arrival order, with any redeliveries, yields the same state', () => {
    fc.assert(
      fc.property(
        callEventsArb.chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
            fc.array(fc.tuple(fc.nat(events.length - 1), fc.nat(1_000)), { maxLength: 10 }),
          ),
        ),
        ([events, shuffled, duplications]) => {
          const expected = deriveCallState(events);
          expect(deriveCallState(shuffled)).toEqual(expected);
          const redelivered = [...shuffled];
          for (const [index, position] of duplications) {
            redelivered.splice(position % (redelivered.length + 1), 0, { ...events[index]! });
          }
          expect(deriveCallState(redelivered)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('once the sorted events reach a terminal status, later events never change it', () => {
    fc.assert(
      fc.property(callEventsArb, (events) => {
        const sorted = [...events].sort(compareCallEvents);
        const final = deriveCallState(events).status;
        for (let length = 1; length <= sorted.length; length += 1) {
          const status = deriveCallState(sorted.slice(0, length)).status;
          if (terminalStatuses.has(status)) expect(final).toBe(status);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a later ringing or answered never reopens a terminal call', () => {
    fc.assert(
      fc.property(callEventsArb, fc.constantFrom('call.ringing' as const, 'call.answered' as const), fc.integer({ min: 1, max: 3_600 }), (events, type, delay) => {
        const before = deriveCallState(events);
        fc.pre(terminalStatuses.has(before.status));
        const latest = Math.max(...events.map((e) => Date.parse(e.occurredAt)));
        const late: CallLifecycleEvent = {
          providerEventId: 'late-synthetic-event',
          type,
          occurredAt: new Date(latest + delay * 1_000).toISOString(),
          agent: 'ext-909',
        };
        const after = deriveCallState([...events, late]);
        expect(after.status).toBe(before.status);
        expect(after.answeredAt).toBe(before.answeredAt);
        expect(after.endedAt).toBe(before.endedAt);
        expect(after.startedAt).toBe(before.startedAt);
        if (type === 'call.answered') expect(after.anomalies.at(-1)).toEqual({ providerEventId: 'late-synthetic-event', type });
      }),
      { numRuns: 500 },
    );
  });
});
