import { describe, expect, it } from 'vitest';
import { clinicClock, isOpen, onCallAt } from './clinic-calendar.ts';
import { openingHoursSchema } from './routing-rules.schema.ts';
import type { OnCallShift } from './routing-rules.schema.ts';

const newYork = 'America/New_York';

// Synthetic Family Practice's hours: Mon–Fri 08:00–17:00, Sat 09:00–12:00.
const weekday = [{ open: '08:00', close: '17:00' }];
const clinicHours = openingHoursSchema.parse({
  weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [{ open: '09:00', close: '12:00' }] },
  holidays: [{ date: '2026-12-25', name: 'Christmas Day' }, { date: '2027-01-01', name: "New Year's Day" }],
});

const at = (iso: string) => new Date(iso);

describe('isOpen in the clinic time zone', () => {
  it('opens at 08:00 New York time, not 08:00 UTC (Monday in winter, UTC-5)', () => {
    expect(isOpen(clinicHours, newYork, at('2026-12-21T12:59:00Z'))).toEqual({ open: false, reason: 'closed-hours' });
    expect(isOpen(clinicHours, newYork, at('2026-12-21T13:00:00Z'))).toEqual({ open: true, reason: 'open' });
    // 08:00 UTC is 03:00 in New York.
    expect(isOpen(clinicHours, newYork, at('2026-12-21T08:00:00Z')).open).toBe(false);
  });

  it('closes at 17:00 sharp: 16:59 is open, 17:00 is not', () => {
    expect(isOpen(clinicHours, newYork, at('2026-12-21T21:59:00Z')).open).toBe(true);
    expect(isOpen(clinicHours, newYork, at('2026-12-21T22:00:00Z'))).toEqual({ open: false, reason: 'closed-hours' });
  });

  it('reads the day in New York: Monday 23:30 there is already Tuesday in UTC', () => {
    expect(clinicClock(at('2026-12-22T04:30:00Z'), newYork)).toEqual({ date: '2026-12-21', weekday: 'mon', minutes: 23 * 60 + 30 });
  });

  it('Saturday has short hours and Sunday none', () => {
    expect(isOpen(clinicHours, newYork, at('2026-12-19T14:30:00Z'))).toEqual({ open: true, reason: 'open' }); // Sat 09:30
    expect(isOpen(clinicHours, newYork, at('2026-12-19T17:00:00Z'))).toEqual({ open: false, reason: 'closed-hours' }); // Sat 12:00
    expect(isOpen(clinicHours, newYork, at('2026-12-20T15:00:00Z'))).toEqual({ open: false, reason: 'weekend' }); // Sun 10:00
  });

  it('a holiday closes a working day and names the holiday', () => {
    // Friday 2026-12-25, 10:00 New York.
    expect(isOpen(clinicHours, newYork, at('2026-12-25T15:00:00Z'))).toEqual({ open: false, reason: 'holiday', holiday: 'Christmas Day' });
    // The holiday follows the New York date: 2026-12-25 00:30 UTC is still the 24th there, a working Thursday evening.
    expect(isOpen(clinicHours, newYork, at('2026-12-25T00:30:00Z')).reason).toBe('closed-hours');
  });

  it('after spring-forward, 08:00 New York is 12:00 UTC, an hour earlier than the week before', () => {
    // Monday 2026-03-02 (EST, UTC-5): 12:30 UTC is 07:30, closed.
    expect(isOpen(clinicHours, newYork, at('2026-03-02T12:30:00Z')).open).toBe(false);
    // Monday 2026-03-09 (EDT, UTC-4): 11:59 UTC is 07:59, 12:00 UTC is 08:00.
    expect(isOpen(clinicHours, newYork, at('2026-03-09T11:59:00Z')).open).toBe(false);
    expect(isOpen(clinicHours, newYork, at('2026-03-09T12:00:00Z')).open).toBe(true);
  });

  it('on the spring-forward day itself, a window across the missing hour is read by the wall clock', () => {
    // Sunday 2026-03-08: 02:00 EST jumps to 03:00 EDT. A synthetic Sunday window 01:00–04:00.
    const sundayNight = openingHoursSchema.parse({ weekly: { sun: [{ open: '01:00', close: '04:00' }] } });
    expect(clinicClock(at('2026-03-08T06:59:00Z'), newYork).minutes).toBe(1 * 60 + 59);
    expect(clinicClock(at('2026-03-08T07:00:00Z'), newYork).minutes).toBe(3 * 60);
    expect(isOpen(sundayNight, newYork, at('2026-03-08T05:59:00Z')).open).toBe(false); // 00:59 EST
    expect(isOpen(sundayNight, newYork, at('2026-03-08T07:30:00Z')).open).toBe(true); // 03:30 EDT
    expect(isOpen(sundayNight, newYork, at('2026-03-08T08:00:00Z')).open).toBe(false); // 04:00 EDT
  });

  it('on the fall-back day, 01:30 happens twice and is open both times; 02:00 EST closes', () => {
    // Sunday 2026-11-01: 02:00 EDT falls back to 01:00 EST.
    const sundayNight = openingHoursSchema.parse({ weekly: { sun: [{ open: '01:00', close: '02:00' }] } });
    expect(isOpen(sundayNight, newYork, at('2026-11-01T05:30:00Z')).open).toBe(true); // 01:30 EDT
    expect(isOpen(sundayNight, newYork, at('2026-11-01T06:30:00Z')).open).toBe(true); // 01:30 EST
    expect(isOpen(sundayNight, newYork, at('2026-11-01T07:00:00Z')).open).toBe(false); // 02:00 EST
  });

  it('midnight is minute 0 (never hour 24) and a window may close at 24:00', () => {
    const lateFriday = openingHoursSchema.parse({ weekly: { fri: [{ open: '18:00', close: '24:00' }] } });
    expect(clinicClock(at('2026-12-19T05:00:00Z'), newYork)).toEqual({ date: '2026-12-19', weekday: 'sat', minutes: 0 });
    expect(isOpen(lateFriday, newYork, at('2026-12-19T04:59:00Z')).open).toBe(true); // Fri 23:59
    expect(isOpen(lateFriday, newYork, at('2026-12-19T05:00:00Z')).reason).toBe('weekend'); // Sat 00:00
  });

  it('a lunch closure splits the day', () => {
    const splitDay = openingHoursSchema.parse({ weekly: { mon: [{ open: '08:00', close: '12:00' }, { open: '13:00', close: '17:00' }] } });
    expect(isOpen(splitDay, newYork, at('2026-12-21T17:30:00Z')).reason).toBe('closed-hours'); // 12:30
    expect(isOpen(splitDay, newYork, at('2026-12-21T18:00:00Z')).open).toBe(true); // 13:00
  });

  it('the same instant is open in one clinic and closed in another', () => {
    const instant = at('2026-12-21T14:00:00Z'); // 09:00 New York, 06:00 Los Angeles
    expect(isOpen(clinicHours, newYork, instant).open).toBe(true);
    expect(isOpen(clinicHours, 'America/Los_Angeles', instant).open).toBe(false);
  });
});

describe('onCallAt', () => {
  const schedule: OnCallShift[] = [
    { from: '2026-12-21T17:00:00-05:00', to: '2026-12-22T08:00:00-05:00', provider: 'Dr. Synthetic Avery', destination: 'on-call-avery' },
    { from: '2026-12-22T17:00:00-05:00', to: '2026-12-23T08:00:00-05:00', provider: 'Dr. Synthetic Brooks', destination: 'on-call-brooks' },
    // A backup overlapping Brooks: listed second, so Brooks stays first call.
    { from: '2026-12-22T20:00:00-05:00', to: '2026-12-23T08:00:00-05:00', provider: 'Dr. Synthetic Cruz', destination: 'on-call-cruz' },
  ];

  it('finds the shift covering the instant, start inclusive and end exclusive', () => {
    expect(onCallAt(schedule, at('2026-12-21T22:00:00Z'))?.provider).toBe('Dr. Synthetic Avery');
    expect(onCallAt(schedule, at('2026-12-22T12:59:59Z'))?.provider).toBe('Dr. Synthetic Avery');
    expect(onCallAt(schedule, at('2026-12-22T13:00:00Z'))).toBeNull();
  });

  it('prefers the shift listed first where shifts overlap', () => {
    expect(onCallAt(schedule, at('2026-12-23T03:00:00Z'))?.provider).toBe('Dr. Synthetic Brooks');
  });

  it('compares instants, whatever offset a shift was written in', () => {
    const utcWritten: OnCallShift[] = [{ from: '2026-12-21T22:00:00Z', to: '2026-12-22T13:00:00Z', provider: 'Dr. Synthetic Avery', destination: 'on-call-avery' }];
    expect(onCallAt(utcWritten, at('2026-12-21T17:00:00-05:00'))?.provider).toBe('Dr. Synthetic Avery');
  });

  it('nobody on call outside every shift, and for an invalid date', () => {
    expect(onCallAt(schedule, at('2027-01-01T15:00:00Z'))).toBeNull();
    expect(onCallAt(schedule, new Date(Number.NaN))).toBeNull();
    expect(onCallAt([], at('2026-12-21T22:00:00Z'))).toBeNull();
  });
});
