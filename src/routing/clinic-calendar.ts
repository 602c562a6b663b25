import type { OnCallShift, OpeningHours, Weekday } from './routing-rules.schema.ts';

/**
 * The clinic's calendar, read in the clinic's own time zone. The instant comes in as a `Date`
 * (time is an input, never read here); Intl turns it into the clinic's wall clock, which is what
 * opening hours, holidays and "Monday 08:00" mean, including on the days the clocks change.
 */

export interface ClinicClock {
  /** Wall-clock date in the clinic, YYYY-MM-DD. */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
}

export type OpenReason = 'open' | 'closed-hours' | 'holiday' | 'weekend';

export interface OpenStatus {
  open: boolean;
  /**
   * `closed-hours`: a working day, outside its windows; `weekend`: a day of the week with no
   * opening hours at all (Sunday, or any day the clinic never opens); `holiday`: listed as one.
   */
  reason: OpenReason;
  /** The holiday's name, when reason is `holiday`. */
  holiday?: string;
}

const weekdayByShortName: Record<string, Weekday> = {
  Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun',
};

// Formatters are costly to build and immutable: one per time zone for the life of the process.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short',
      hour: '2-digit', minute: '2-digit',
      // h23, not hour12: false, which some ICU versions render midnight as "24".
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The clinic's wall clock at `now`. Throws RangeError for an invalid date or time zone. */
export function clinicClock(now: Date, timeZone: string): ClinicClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(now)) parts[part.type] = part.value;
  const weekday = weekdayByShortName[parts.weekday ?? ''];
  if (!weekday) throw new RangeError(`unexpected weekday "${parts.weekday}" from Intl`);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * Whether the clinic is open at `now`, in `timeZone`. Holidays win over weekly hours. A window is
 * open from its opening minute up to, not including, its closing minute.
 */
export function isOpen(hours: OpeningHours, timeZone: string, now: Date): OpenStatus {
  const clock = clinicClock(now, timeZone);
  const holiday = hours.holidays.find((entry) => entry.date === clock.date);
  if (holiday) return { open: false, reason: 'holiday', holiday: holiday.name };
  const windows = hours.weekly[clock.weekday];
  if (windows.length === 0) return { open: false, reason: 'weekend' };
  const inWindow = windows.some((window) => clock.minutes >= minutesOf(window.open) && clock.minutes < minutesOf(window.close));
  return inWindow ? { open: true, reason: 'open' } : { open: false, reason: 'closed-hours' };
}

/**
 * The on-call shift covering `now` (from inclusive, to exclusive), or null when nobody is on call.
 * Where shifts overlap, the one listed first wins, so a backup listed below the primary stays backup.
 */
export function onCallAt(schedule: readonly OnCallShift[], now: Date): OnCallShift | null {
  const at = now.getTime();
  if (!Number.isFinite(at)) return null;
  return schedule.find((shift) => Date.parse(shift.from) <= at && at < Date.parse(shift.to)) ?? null;
}
