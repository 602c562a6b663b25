/** The dashboard's range in the URL (?from=&to=): clinic calendar days, both ends included. */
export const maxRangeDays = 92;

/** The clinic's date (YYYY-MM-DD) at `at` in its time zone. */
export function clinicDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** `day` moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  const at = Date.parse(`${day}T00:00:00Z`);
  return new Date(at + days * 86_400_000).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included (NaN when either is not a date). */
export function daysIn(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** What is wrong with a range, in words (null: nothing). The engine checks the same. */
export function rangeProblem(from: string, to: string): string | null {
  const days = daysIn(from, to);
  if (!from || !to || Number.isNaN(days)) return 'Choose a first and a last day.';
  if (days < 1) return 'The first day must be on or before the last day.';
  if (days > maxRangeDays) return `That is ${days} days. Choose ${maxRangeDays} days or fewer.`;
  return null;
}

/** A clinic day as people write it: "Dec 1, 2026". */
export function dayWords(day: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(`${day}T00:00:00Z`));
}

/** A clinic day in a chart's axis: "Tue, Dec 1". */
export function shortDay(day: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric' }).format(new Date(`${day}T00:00:00Z`));
}
