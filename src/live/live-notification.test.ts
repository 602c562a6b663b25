import { describe, expect, it } from 'vitest';
import { parseLiveNotification, reconnectDelayMs, resolveLiveFanOut } from './live-notification.ts';

describe('live fan-out notifications', () => {
  it('reads ids and kinds only, and refuses anything else (extra fields, unknown kinds, not JSON)', () => {
    expect(parseLiveNotification('{"kind":"screen-pop","callId":"c-1","origin":"p-1","version":3}')).toEqual({ kind: 'screen-pop', callId: 'c-1', origin: 'p-1', version: 3 });
    expect(parseLiveNotification('{"kind":"call","callId":"c-1","origin":"p-1"}')).toEqual({ kind: 'call', callId: 'c-1', origin: 'p-1' });
    expect(parseLiveNotification('{"kind":"screen-pop","callId":"c-1","origin":"p-1","patient":{"name":"x"}}')).toBeNull();
    expect(parseLiveNotification('{"kind":"everything","callId":"c-1","origin":"p-1"}')).toBeNull();
    expect(parseLiveNotification('not json')).toBeNull();
    expect(parseLiveNotification(undefined)).toBeNull();
  });

  it('reconnects after a quarter second at first, backing off to the ceiling', () => {
    const backoff = { baseMs: 250, maxMs: 10_000 };
    expect(reconnectDelayMs(0, backoff, 0)).toBe(125);
    expect(reconnectDelayMs(0, backoff, 1)).toBe(250);
    expect(reconnectDelayMs(3, backoff, 1)).toBe(2_000);
    expect(reconnectDelayMs(50, backoff, 1)).toBe(10_000);
    expect(reconnectDelayMs(50, backoff, 0)).toBe(5_000);
  });

  it('relays through PostgreSQL by default on PostgreSQL, stays in the process on the embedded store', () => {
    expect(resolveLiveFanOut('auto', 'postgres')).toBe('postgres');
    expect(resolveLiveFanOut('auto', 'pglite')).toBe('none');
    expect(resolveLiveFanOut('none', 'postgres')).toBe('none');
    expect(resolveLiveFanOut('postgres', 'pglite')).toBeNull();
  });
});
