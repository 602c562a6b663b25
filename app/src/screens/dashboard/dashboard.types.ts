/**
 * The answer of GET /api/dashboard (src/dashboard/dashboard.shape.ts), as the screen reads it.
 * Counts and durations only: no ids, names, numbers or free text for any role.
 */
export type Cell = number | { fewerThan: number };
export interface Rate { numerator: Cell; denominator: Cell; percent: number | null }
export interface Durations { basis: Cell; medianSeconds: number | null; p90Seconds: number | null }

export interface DashboardAnswer {
  range: { from: string; to: string; days: number; timeZone: string };
  scope: { allQueues: boolean; queues: string[] };
  deidentified: boolean;
  smallCellThreshold: number | null;
  calls: { total: Cell; answered: Cell; missed: Cell; transferred: Cell; finished: Cell };
  byHour: { hour: number; calls: Cell }[];
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

/** A count in words: the number, or "fewer than 5" for a hidden small count. */
export function cellText(cell: Cell): string {
  return typeof cell === 'number' ? cell.toLocaleString('en-US') : `fewer than ${cell.fewerThan}`;
}

/** What a chart draws for a cell: a hidden count is drawn empty (the table says "fewer than 5"). */
export function cellValue(cell: Cell): number {
  return typeof cell === 'number' ? cell : 0;
}

export function isHidden(cell: Cell): boolean {
  return typeof cell !== 'number';
}

/** "25%" or "—" when there is nothing to divide (or the analyst's numbers hide it). */
export function percentText(rate: Rate): string {
  return rate.percent === null ? '—' : `${rate.percent.toLocaleString('en-US')}%`;
}

/** The clinic's names for the request types (the engine's list, src/nlp/understand/request-types.ts). */
export const requestTypeWords: Record<string, string> = {
  prescription_refill: 'Prescription refill',
  appointment: 'Appointment scheduling or change',
  symptom_report: 'Symptom report or clinical concern',
  test_results: 'Lab or test results',
  referral: 'Referral',
  billing_insurance: 'Billing and insurance',
  prior_authorization: 'Prior authorization',
  medical_records: 'Medical records',
  callback_request: 'Callback request',
  urgent_emergency: 'Urgent or emergency',
  administrative: 'Administrative',
  provider_to_provider: 'Provider to provider',
  unclassified: 'Not recognised (a person writes the note)',
  'not-known': 'Not known yet',
};

export const consentScopeWords: Record<string, string> = {
  record: 'Recording',
  transcribe: 'Transcription',
  ai: 'AI summary',
  ehr: 'Chart (EHR)',
};

/** An hour of the clinic's day as people say it: "9 am", "12 pm". */
export function hourWords(hour: number): string {
  const suffix = hour < 12 ? 'am' : 'pm';
  const twelve = hour % 12 === 0 ? 12 : hour % 12;
  return `${twelve} ${suffix}`;
}
