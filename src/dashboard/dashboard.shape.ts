/**
 * The dashboard's numbers as people read them (issue 14, item 7): a date range in the clinic's
 * days, the repository's raw aggregates shaped into one answer, and — for the analyst — the same
 * answer de-identified. Pure: no store, no clock (today is passed in).
 */

/** The longest range one request may ask for: a quarter (92 days). Longer asks are refused in words. */
export const maxRangeDays = 92;
/** The default range: the last 7 clinic days, today included. */
export const defaultRangeDays = 7;

/**
 * Small-cell rule for de-identified aggregates (the analyst role): a count of 1 to 4 is shown as
 * "fewer than 5", never as the number, because so few calls could point at a person (a caller
 * known to have phoned at 7 pm on a Sunday). Zero is shown: it describes nobody. When a breakdown
 * (by hour, by request type, by consent) would have exactly one hidden cell, the smallest other
 * non-zero cell is hidden too, so the total minus the shown cells does not give the hidden one
 * back. A rate or a duration built on 1 to 4 calls is not shown either (it would reveal them).
 * Totals over the whole range are shown as they are (or hidden when they are themselves 1 to 4).
 */
export const smallCellThreshold = 5;

/** A count, or the words for a hidden small count. */
export type Cell = number | { fewerThan: typeof smallCellThreshold };
export interface Rate { numerator: Cell; denominator: Cell; percent: number | null }
export interface Durations { basis: Cell; medianSeconds: number | null; p90Seconds: number | null }

export interface DashboardRange { from: string; to: string; days: number }

export type RangeProblem = { code: 'DASHBOARD_RANGE_INVALID' | 'DASHBOARD_RANGE_TOO_LONG'; message: string };

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** Days since the epoch of a YYYY-MM-DD calendar date, or null when it is not a real date. */
function dayNumber(value: string): number | null {
  if (!isoDay.test(value)) return null;
  const at = Date.parse(`${value}T00:00:00Z`);
  if (!Number.isFinite(at) || new Date(at).toISOString().slice(0, 10) !== value) return null;
  return Math.round(at / 86_400_000);
}

function dayString(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The range asked for, both ends included, in the clinic's calendar days. `today` is the clinic's
 * date now (YYYY-MM-DD). Missing ends default to the last 7 days.
 */
export function dashboardRange(query: { from?: string | undefined; to?: string | undefined }, today: string): DashboardRange | RangeProblem {
  const todayNumber = dayNumber(today);
  if (todayNumber === null) throw new Error('today must be a YYYY-MM-DD date');
  const toNumber = query.to ? dayNumber(query.to) : todayNumber;
  const fromNumber = query.from ? dayNumber(query.from) : (toNumber ?? todayNumber) - (defaultRangeDays - 1);
  if (toNumber === null || fromNumber === null) return { code: 'DASHBOARD_RANGE_INVALID', message: 'from and to must be calendar dates written YYYY-MM-DD' };
  if (fromNumber > toNumber) return { code: 'DASHBOARD_RANGE_INVALID', message: 'the range starts after it ends: from must be on or before to' };
  if (fromNumber < (dayNumber('2000-01-01') ?? 0)) return { code: 'DASHBOARD_RANGE_INVALID', message: 'the range must start in 2000 or later' };
  const days = toNumber - fromNumber + 1;
  if (days > maxRangeDays) return { code: 'DASHBOARD_RANGE_TOO_LONG', message: `the range is ${days} days; choose ${maxRangeDays} days or fewer` };
  return { from: dayString(fromNumber), to: dayString(toNumber), days };
}

/** What the repository reads (counts and seconds; no ids). */
export interface DashboardAggregates {
  calls: { total: number; finished: number; answered: number; missed: number; transferred: number; urgent: number; redFlagged: number; allConsentsCaptured: number };
  speedToAnswer: { basis: number; medianSeconds: number | null; p90Seconds: number | null };
  byHour: { hour: number; calls: number }[];
  byDay: { day: string; calls: number }[];
  byRequestType: { requestType: string; calls: number }[];
  acknowledgement: { basis: number; medianSeconds: number | null; p90Seconds: number | null };
  review: { pending: number; decided: { basis: number; medianSeconds: number | null; p90Seconds: number | null }; aiApproved: number; aiApprovedWithoutEdits: number };
  writeBack: { items: number; failed: number; delivered: number };
  consent: { scope: string; captured: number; granted: number }[];
}

export interface DashboardAnswer {
  range: DashboardRange & { timeZone: string };
  /** Whose calls: every queue, or the queues the person works. */
  scope: { allQueues: boolean; queues: string[] };
  /** True for the analyst: small cells hidden (see `smallCellThreshold`). */
  deidentified: boolean;
  smallCellThreshold: number | null;
  calls: { total: Cell; answered: Cell; missed: Cell; transferred: Cell; finished: Cell };
  byHour: { hour: number; calls: Cell }[];
  /** Every clinic day of the range, in order (days without calls as 0). */
  byDay: { day: string; calls: Cell }[];
  byRequestType: { requestType: string; calls: Cell }[];
  speedToAnswer: Durations;
  abandonRate: Rate;
  transferRate: Rate;
  urgent: { calls: Cell; redFlagged: Cell; acknowledged: Cell; unacknowledged: Cell; timeToAcknowledge: Durations };
  review: { pending: Cell; turnaround: Durations };
  drafts: { approvedWithoutEdits: Rate };
  writeBack: { items: Cell; failed: Cell; delivered: Cell; waiting: Cell };
  consent: { captureRate: Rate; byScope: { scope: string; captured: Cell; granted: Cell }[] };
}

/** The consent scopes in the order the clinic asks them (CO-1). */
const consentScopes = ['record', 'transcribe', 'ai', 'ehr'] as const;

function percent(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator / denominator) * 1000) / 10 : null;
}

const rounded = (seconds: number | null) => (seconds === null ? null : Math.round(seconds));

/**
 * Shapes the aggregates into the answer. `deidentified`: the analyst's answer, with small cells
 * hidden by the rule above; anyone else gets the numbers as they are.
 */
export function shapeDashboard(raw: DashboardAggregates, context: { range: DashboardRange; timeZone: string; queues: readonly string[]; deidentified: boolean }): DashboardAnswer {
  const hide = context.deidentified;
  const cell = (value: number): Cell => (hide && value > 0 && value < smallCellThreshold ? { fewerThan: smallCellThreshold } : value);
  const hidden = (value: number) => typeof cell(value) !== 'number';
  const rate = (numerator: number, denominator: number): Rate => ({
    numerator: cell(numerator), denominator: cell(denominator),
    percent: hidden(numerator) || hidden(denominator) ? null : percent(numerator, denominator),
  });
  const durations = (source: { basis: number; medianSeconds: number | null; p90Seconds: number | null }): Durations => (hidden(source.basis)
    ? { basis: cell(source.basis), medianSeconds: null, p90Seconds: null }
    : { basis: source.basis, medianSeconds: rounded(source.medianSeconds), p90Seconds: rounded(source.p90Seconds) });

  /** A breakdown with the complementary rule: never exactly one hidden cell. */
  const breakdown = (counts: readonly number[]): Cell[] => {
    const cells = counts.map(cell);
    const hiddenCount = cells.filter((entry) => typeof entry !== 'number').length;
    if (hide && hiddenCount === 1) {
      let smallest = -1;
      counts.forEach((count, index) => {
        if (typeof cells[index] === 'number' && count > 0 && (smallest < 0 || count < counts[smallest]!)) smallest = index;
      });
      if (smallest >= 0) cells[smallest] = { fewerThan: smallCellThreshold };
    }
    return cells;
  };

  const hours = Array.from({ length: 24 }, (_, hour) => raw.byHour.find((entry) => entry.hour === hour)?.calls ?? 0);
  const hourCells = breakdown(hours);
  const firstDay = dayNumber(context.range.from)!;
  const days = Array.from({ length: context.range.days }, (_, index) => dayString(firstDay + index));
  const dayCounts = days.map((day) => raw.byDay.find((entry) => entry.day === day)?.calls ?? 0);
  const dayCells = breakdown(dayCounts);
  const types = [...raw.byRequestType].sort((a, b) => b.calls - a.calls || a.requestType.localeCompare(b.requestType));
  const typeCells = breakdown(types.map((entry) => entry.calls));
  const scopes = consentScopes.map((scope) => raw.consent.find((entry) => entry.scope === scope) ?? { scope, captured: 0, granted: 0 });
  const capturedCells = breakdown(scopes.map((entry) => entry.captured));
  // Answered and missed split the finished calls: hide both or neither (one gives the other back).
  const [answered, missed] = breakdown([raw.calls.answered, raw.calls.missed]);
  const acknowledged = raw.acknowledgement.basis;
  const [acknowledgedCell, unacknowledgedCell] = breakdown([acknowledged, Math.max(0, raw.calls.redFlagged - acknowledged)]);
  const waiting = Math.max(0, raw.writeBack.items - raw.writeBack.failed - raw.writeBack.delivered);
  const [failedCell, deliveredCell, waitingCell] = breakdown([raw.writeBack.failed, raw.writeBack.delivered, waiting]);
  const allQueues = context.queues.includes('*');

  return {
    range: { ...context.range, timeZone: context.timeZone },
    scope: { allQueues, queues: allQueues ? [] : [...context.queues].sort() },
    deidentified: hide,
    smallCellThreshold: hide ? smallCellThreshold : null,
    calls: { total: cell(raw.calls.total), answered: answered!, missed: missed!, transferred: cell(raw.calls.transferred), finished: cell(raw.calls.finished) },
    byHour: hours.map((_, hour) => ({ hour, calls: hourCells[hour]! })),
    byDay: days.map((day, index) => ({ day, calls: dayCells[index]! })),
    byRequestType: types.map((entry, index) => ({ requestType: entry.requestType, calls: typeCells[index]! })),
    // Its basis is the answered calls: hidden with them (it would give the hidden count back).
    speedToAnswer: { ...durations(raw.speedToAnswer), ...(typeof answered === 'number' ? {} : { basis: answered! }) },
    abandonRate: { ...rate(raw.calls.missed, raw.calls.finished), numerator: missed!, ...(typeof missed === 'number' ? {} : { percent: null }) },
    transferRate: rate(raw.calls.transferred, raw.calls.total),
    urgent: {
      calls: cell(raw.calls.urgent), redFlagged: cell(raw.calls.redFlagged), acknowledged: acknowledgedCell!, unacknowledged: unacknowledgedCell!,
      timeToAcknowledge: durations(raw.acknowledgement),
    },
    review: { pending: cell(raw.review.pending), turnaround: durations(raw.review.decided) },
    drafts: { approvedWithoutEdits: rate(raw.review.aiApprovedWithoutEdits, raw.review.aiApproved) },
    writeBack: { items: cell(raw.writeBack.items), failed: failedCell!, delivered: deliveredCell!, waiting: waitingCell! },
    consent: {
      captureRate: rate(raw.calls.allConsentsCaptured, raw.calls.total),
      byScope: scopes.map((entry, index) => ({ scope: entry.scope, captured: capturedCells[index]!, granted: cell(entry.granted) })),
    },
  };
}
