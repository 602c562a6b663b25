import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { outreachKinds, type OutreachKind } from './outreach-settings.ts';

/**
 * Outreach list uploads (FU-2): a CSV with a header row. Columns (any order, case-insensitive):
 * `kind` (post-discharge | no-show), `patient_id` (the EHR Patient id) or `mrn`, `date` (the
 * discharge or the missed visit, YYYY-MM-DD), `reason_code` (optional: a code, never words).
 * Every row is checked on its own: a bad row is reported by its row number (the header is row 1)
 * with a reason, and the good rows go on. Pure: resolving patients in the EHR is the service's.
 */
export const outreachCsvColumns = ['kind', 'patient_id', 'mrn', 'date', 'reason_code'] as const;

const code = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const outreachCsvRowSchema = z
  .object({
    kind: z.enum(outreachKinds, { error: `unknown kind: use ${outreachKinds.join(' or ')}` }),
    patient_id: z.string().regex(code, 'patient_id: letters, digits, dots and hyphens only').optional(),
    mrn: z.string().regex(code, 'mrn: letters, digits, dots and hyphens only').optional(),
    date: z.iso.date({ error: 'bad date: use YYYY-MM-DD' }),
    reason_code: z.string().regex(code, 'reason_code: a code (letters, digits, dots and hyphens), not words').optional(),
  })
  .refine((row) => Boolean(row.patient_id) !== Boolean(row.mrn), { error: 'give either patient_id or mrn (one of them)' });

export interface OutreachCsvRow {
  /** Row number in the file, the header being row 1. */
  row: number;
  kind: OutreachKind;
  patient: { id: string } | { mrn: string };
  date: string;
  reasonCode: string | null;
}

export interface OutreachRowProblem {
  row: number;
  /** A code for the reason, and the reason in words (never the cell's value: it may be PHI). */
  code: 'UNKNOWN_KIND' | 'BAD_DATE' | 'NO_PATIENT' | 'BAD_VALUE' | 'DUPLICATE_ROW' | 'UNKNOWN_PATIENT' | 'AMBIGUOUS_PATIENT' | 'EHR_UNAVAILABLE' | 'DATE_IN_FUTURE' | 'TOO_MANY_ROWS';
  reason: string;
}

export interface ParsedOutreachCsv {
  rows: OutreachCsvRow[];
  problems: OutreachRowProblem[];
  /** Data rows in the file (the header not counted). */
  total: number;
}

/** A file that cannot be read as a list at all (no header, no known columns, broken quoting). */
export class OutreachCsvUnreadable extends Error {}

export function parseOutreachCsv(text: string, options: { maxRows: number; today: string }): ParsedOutreachCsv {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw new OutreachCsvUnreadable(`not readable as CSV (${(error as { code?: string }).code ?? 'CSV_INVALID'})`);
  }
  const header = records[0]?.map((name) => name.toLowerCase().replace(/[\s-]+/g, '_'));
  if (!header || !header.includes('kind') || !header.includes('date') || !(header.includes('patient_id') || header.includes('mrn'))) {
    throw new OutreachCsvUnreadable('the first row must name the columns: kind, patient_id or mrn, date (reason_code optional)');
  }
  const unknown = header.filter((name) => !(outreachCsvColumns as readonly string[]).includes(name));
  if (unknown.length) throw new OutreachCsvUnreadable(`unknown column(s): ${unknown.map((name) => name.slice(0, 32)).join(', ')}; known: ${outreachCsvColumns.join(', ')}`);

  const rows: OutreachCsvRow[] = [];
  const problems: OutreachRowProblem[] = [];
  const seen = new Map<string, number>();
  const data = records.slice(1);
  data.forEach((cells, index) => {
    const row = index + 2;
    if (index >= options.maxRows) {
      if (index === options.maxRows) problems.push({ row, code: 'TOO_MANY_ROWS', reason: `at most ${options.maxRows} rows per upload: this row and the rest were not read` });
      return;
    }
    const record = Object.fromEntries(header.map((name, column) => [name, cells[column] ?? '']).filter(([, value]) => value !== ''));
    const parsed = outreachCsvRowSchema.safeParse(record);
    if (!parsed.success) {
      problems.push({ row, ...problemOf(parsed.error) });
      return;
    }
    const value = parsed.data;
    if (value.date > options.today) {
      problems.push({ row, code: 'DATE_IN_FUTURE', reason: 'date is in the future: a discharge or a missed visit has already happened' });
      return;
    }
    const key = `${value.kind}|${value.patient_id ? `id:${value.patient_id}` : `mrn:${value.mrn}`}|${value.date}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ row, code: 'DUPLICATE_ROW', reason: `duplicate of row ${first} (same kind, patient and date)` });
      return;
    }
    seen.set(key, row);
    rows.push({ row, kind: value.kind, patient: value.patient_id ? { id: value.patient_id } : { mrn: value.mrn! }, date: value.date, reasonCode: value.reason_code ?? null });
  });
  return { rows, problems, total: data.length };
}

function problemOf(error: z.ZodError): Pick<OutreachRowProblem, 'code' | 'reason'> {
  const issue = error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  if (field === 'kind') return { code: 'UNKNOWN_KIND', reason: issue.message.startsWith('unknown kind') ? issue.message : `unknown kind: use ${outreachKinds.join(' or ')}` };
  if (field === 'date') return { code: 'BAD_DATE', reason: 'bad date: use YYYY-MM-DD' };
  if (field === '' ) return { code: 'NO_PATIENT', reason: issue.message };
  return { code: 'BAD_VALUE', reason: issue.message };
}
