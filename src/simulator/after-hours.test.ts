import { describe, expect, it } from 'vitest';
import { lastThreeAm } from './simulate.client.ts';

describe('simulate --after-hours', () => {
  it("places calls at the last 3 a.m. in the clinic's time zone, never in the future", () => {
    const now = new Date('2026-12-07T19:20:00Z');
    expect(lastThreeAm('America/New_York', now).toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(lastThreeAm('Asia/Tokyo', now).toISOString()).toBe('2026-12-07T18:00:00.000Z');
    expect(lastThreeAm('UTC', new Date('2026-12-07T02:59:00Z')).toISOString()).toBe('2026-12-06T03:00:00.000Z');
  });
});
