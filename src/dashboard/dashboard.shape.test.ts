import { describe, expect, it } from 'vitest';
import { dashboardRange, shapeDashboard, type DashboardAggregates } from './dashboard.shape.ts';

const raw: DashboardAggregates = {
  calls: { total: 12, finished: 12, answered: 9, missed: 3, transferred: 2, urgent: 6, redFlagged: 6, allConsentsCaptured: 10 },
  speedToAnswer: { basis: 9, medianSeconds: 12.4, p90Seconds: 30.2 },
  byHour: [{ hour: 9, calls: 8 }, { hour: 10, calls: 3 }, { hour: 14, calls: 1 }],
  byDay: [{ day: '2026-12-02', calls: 12 }],
  byRequestType: [{ requestType: 'prescription_refill', calls: 7 }, { requestType: 'appointment', calls: 5 }],
  acknowledgement: { basis: 4, medianSeconds: 40, p90Seconds: 80 },
  review: { pending: 2, decided: { basis: 10, medianSeconds: 600, p90Seconds: 1200 }, aiApproved: 8, aiApprovedWithoutEdits: 6 },
  writeBack: { items: 8, failed: 1, delivered: 7 },
  consent: [{ scope: 'record', captured: 12, granted: 11 }, { scope: 'transcribe', captured: 12, granted: 12 }, { scope: 'ai', captured: 12, granted: 12 }, { scope: 'ehr', captured: 10, granted: 10 }],
};
const range = { from: '2026-12-01', to: '2026-12-07', days: 7 };

describe('dashboardRange', () => {
  it('defaults to the last 7 clinic days, today included', () => {
    expect(dashboardRange({}, '2026-12-07')).toEqual({ from: '2026-12-01', to: '2026-12-07', days: 7 });
  });
  it('refuses ranges that are not dates, run backwards, or are longer than 92 days, in words', () => {
    expect(dashboardRange({ from: '2026-02-30' }, '2026-12-07')).toMatchObject({ code: 'DASHBOARD_RANGE_INVALID' });
    expect(dashboardRange({ from: '2026-12-08', to: '2026-12-07' }, '2026-12-07')).toMatchObject({ code: 'DASHBOARD_RANGE_INVALID' });
    expect(dashboardRange({ from: '2026-01-01', to: '2026-12-07' }, '2026-12-07')).toMatchObject({ code: 'DASHBOARD_RANGE_TOO_LONG', message: expect.stringContaining('92 days or fewer') });
    expect(dashboardRange({ from: '2026-09-07', to: '2026-12-07' }, '2026-12-07')).toMatchObject({ days: 92 });
  });
});

describe('shapeDashboard', () => {
  it('gives a supervisor the numbers as they are', () => {
    const answer = shapeDashboard(raw, { range, timeZone: 'America/New_York', queues: ['triage'], deidentified: false });
    expect(answer.calls.total).toBe(12);
    expect(answer.calls.missed).toBe(3);
    expect(answer.byHour).toHaveLength(24);
    expect(answer.byHour[10]!.calls).toBe(3);
    expect(answer.byDay.map((entry) => entry.calls)).toEqual([0, 12, 0, 0, 0, 0, 0]);
    expect(answer.byDay[0]!.day).toBe('2026-12-01');
    expect(answer.abandonRate.percent).toBe(25);
    expect(answer.urgent).toMatchObject({ calls: 6, acknowledged: 4, unacknowledged: 2 });
    expect(answer.drafts.approvedWithoutEdits.percent).toBe(75);
    expect(answer.writeBack.failed).toBe(1);
    expect(answer.scope).toEqual({ allQueues: false, queues: ['triage'] });
  });

  it('hides counts of 1 to 4 from the analyst, with the rates and durations built on them, and never leaves one hidden cell alone', () => {
    const answer = shapeDashboard(raw, { range, timeZone: 'UTC', queues: ['*'], deidentified: true });
    const few = { fewerThan: 5 };
    expect(answer.calls.total).toBe(12);
    // Missed is 3: hidden, and answered with it (12 - 3 would give it back).
    expect(answer.calls.missed).toEqual(few);
    expect(answer.calls.answered).toEqual(few);
    expect(answer.abandonRate.percent).toBeNull();
    // The answered calls behind the speed to answer are hidden with them; the median of 9 stays.
    expect(answer.speedToAnswer).toEqual({ basis: few, medianSeconds: 12, p90Seconds: 30 });
    expect(answer.byHour[10]!.calls).toEqual(few);
    expect(answer.byHour[14]!.calls).toEqual(few);
    expect(answer.byHour[9]!.calls).toBe(8);
    expect(answer.byHour[0]!.calls).toBe(0);
    // One type is small? No: 7 and 5 are shown.
    expect(answer.byRequestType.map((entry) => entry.calls)).toEqual([7, 5]);
    expect(answer.urgent.timeToAcknowledge).toEqual({ basis: few, medianSeconds: null, p90Seconds: null });
    // Consent: only ehr would differ; no scope is small, so nothing is hidden.
    expect(answer.consent.byScope.map((entry) => entry.captured)).toEqual([12, 12, 12, 10]);
    // One hidden consent count (granted below 5) is never alone in a breakdown of captured.
    const lone = shapeDashboard({ ...raw, consent: [{ scope: 'record', captured: 2, granted: 2 }, { scope: 'ai', captured: 9, granted: 9 }, { scope: 'ehr', captured: 11, granted: 11 }] }, { range, timeZone: 'UTC', queues: ['*'], deidentified: true });
    expect(lone.consent.byScope.map((entry) => entry.captured)).toEqual([few, 0, few, 11]);
    expect(JSON.stringify(answer)).not.toMatch(/"(id|callId|reviewId|name|phone)"/);
  });
});
