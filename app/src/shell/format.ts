/**
 * Times as the clinic reads them: in the clinic's time zone (config `clinic.timeZone`, from
 * /api/info), whatever the browser's own zone is.
 */
export function clinicTime(iso: string | null | undefined, timeZone: string, withDate = false): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
    ...(withDate ? { month: 'short', day: 'numeric' } : {}),
  }).format(date);
}

export function clinicDate(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'short', day: 'numeric' }).format(date);
}

/** A birth date (YYYY-MM-DD, no time zone) as people write it. */
export function birthDate(value: string | null | undefined): string {
  if (!value) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(date);
}

/** "4 min", "2 h 5 min", "3 days": how long something has waited. */
export function age(fromIso: string, now: number = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} days`;
}

/** Seconds as "42 s" or "3 min 5 s". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  return `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
}

/** Role names as the clinic says them. */
export const roleWords: Record<string, string> = {
  intake: 'Front desk',
  nurse: 'Nurse',
  clinician: 'Clinician',
  supervisor: 'Supervisor',
  analyst: 'Analyst',
  admin: 'Administrator',
  auditor: 'Auditor',
};

/** A queue list in words ("All queues" for the wildcard). */
export function queuesInWords(queues: string[]): string {
  if (queues.includes('*')) return 'All queues';
  return queues.length ? queues.join(', ') : 'No queues';
}
