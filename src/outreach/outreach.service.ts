import { randomUUID } from 'node:crypto';
import type { Appointment, Encounter, Patient } from '@medplum/fhirtypes';
import type { Db, Queryable } from '../store/db.ts';
import type { FhirClient } from '../ehr/fhir.client.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { Logger } from '../lib/logger.ts';
import { CallchartError, isCallchartError } from '../lib/errors.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import { loadCallAnalysis } from '../calls/calls.repository.ts';
import { detectBarriers, mergeBarriers, type BarrierCode } from '../nlp/understand/barriers.ts';
import { candidateOf, listSearch, listWindow, type OutreachCandidate } from './ehr-lists.ts';
import { parseOutreachCsv, OutreachCsvUnreadable, type OutreachCsvRow, type OutreachRowProblem } from './outreach-csv.ts';
import { suggestedScript } from './outreach-script.ts';
import { outreachKinds, type OutreachKind, type OutreachSettings } from './outreach-settings.ts';
import {
  countOutreachEntries, earlierCallsOf, existingSourceRefs, findOutreachEntry, insertOutreachEntry, lastOutreachRun, linkCallbackTask, listOutreachEntries,
  recordOutreachImport, saveOutreachRun, type OutreachEntry, type OutreachRun,
} from './outreach.repository.ts';

/** What the outreach lists need of callback tasks (src/callbacks/): open one per entry, and read its progress. */
export interface OutreachTaskPort {
  open(tx: Queryable, input: {
    origin: OutreachKind; patientId: string; requestType: OutreachKind; queue: string; dueAt: Date;
    /** Codes only: the barriers heard in the patient's earlier calls. */
    barriers: readonly BarrierCode[]; now: Date; actor: string;
  }): Promise<{ id: string; merged: boolean }>;
  progress(db: Queryable, taskIds: readonly string[]): Promise<Map<string, OutreachTaskProgress>>;
}

/** Where a call-back stands: the callback task's own fields (attempts, escalation, deadline). */
export interface OutreachTaskProgress {
  status: string;
  attempts: number;
  escalationLevel: number;
  dueAt: string;
  overdue: boolean;
}

export interface OutreachEntryView extends OutreachEntry {
  script: string[];
  task: OutreachTaskProgress | null;
}

export interface OutreachImportReport {
  importId: string;
  /** Data rows in the file. */
  total: number;
  imported: number;
  /** Good rows whose entry was already there (an earlier upload of the same row). */
  alreadyImported: number;
  rejected: number;
  /** Every bad row, by row number (the header is row 1), with the reason. */
  problems: OutreachRowProblem[];
}

export interface OutreachRunSummary {
  kind: OutreachKind;
  read: number;
  imported: number;
  already: number;
  capped: boolean;
  errorCode: string | null;
}

export interface OutreachServiceOptions {
  db: Db;
  cipher: ContentKeyring;
  /** The background FHIR client: its governor priority puts list searches behind calls and after-call work. */
  fhir: FhirClient;
  tasks: OutreachTaskPort;
  settings: OutreachSettings;
  clinicName: string;
  now?: () => Date;
  logger?: Logger;
}

/**
 * Outreach lists (FU-2): post-discharge and no-show entries found in the EHR on a schedule or
 * uploaded as CSV, each with the barriers heard in the patient's earlier calls, a suggested script,
 * and a callback task (attempts and escalation are the task's). Idempotent everywhere: one entry
 * per list and source record, created in the same transaction as its task and its audit event.
 */
export class OutreachService {
  private readonly running = new Map<OutreachKind, Promise<OutreachRunSummary>>();

  constructor(private readonly options: OutreachServiceOptions) {}

  get settings(): OutreachSettings {
    return this.options.settings;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Both EHR lists, one after the other (the load governor paces each request anyway). */
  async runLists(trigger: 'schedule' | 'manual', actor = 'system:outreach'): Promise<OutreachRunSummary[]> {
    const summaries: OutreachRunSummary[] = [];
    for (const kind of outreachKinds) summaries.push(await this.runList(kind, trigger, actor));
    return summaries;
  }

  /** One EHR list; a run already under way for the list is joined, not doubled. */
  runList(kind: OutreachKind, trigger: 'schedule' | 'manual', actor = 'system:outreach'): Promise<OutreachRunSummary> {
    const current = this.running.get(kind);
    if (current) return current;
    const run = this.searchList(kind, trigger, actor).finally(() => this.running.delete(kind));
    this.running.set(kind, run);
    return run;
  }

  private async searchList(kind: OutreachKind, trigger: 'schedule' | 'manual', actor: string): Promise<OutreachRunSummary> {
    const { db, fhir, settings } = this.options;
    const startedAt = this.now();
    const last = await lastOutreachRun(db, kind);
    // A run the cap stopped is carried on from the EHR's own next link, in its window (entries are idempotent, so an overlap costs nothing).
    const resuming = last?.capped && last.resumeLink ? last : null;
    const window = resuming ? { from: new Date(resuming.windowFrom), to: startedAt } : listWindow(kind, startedAt, settings);
    // A page never holds more than the cap, so every run moves the list on.
    const pageSize = Math.min(settings.pageSize, settings.maxPerRun);
    const search = listSearch(kind, window, pageSize);
    let page: { params: Record<string, string | string[]> } | { next: string } = resuming ? { next: resuming.resumeLink! } : { params: search.params };
    let read = 0;
    let imported = 0;
    let already = 0;
    let next: string | null = null;
    let errorCode: string | null = null;
    const barrierCache = new Map<string, BarrierCode[]>();
    try {
      for (;;) {
        let result: { matches: (Encounter | Appointment)[]; next: string | null };
        try {
          result = await fhir.searchPage<Encounter | Appointment>(search.resourceType, page);
        } catch (error) {
          // An expired paging link: start the list afresh (idempotent) rather than give up.
          if ('next' in page && isCallchartError(error) && error.code === 'EHR_REJECTED' && read === 0) {
            page = { params: listSearch(kind, listWindow(kind, startedAt, settings), pageSize).params };
            continue;
          }
          throw error;
        }
        read += result.matches.length;
        const candidates = result.matches.map((match) => candidateOf(kind, match, window)).filter((candidate): candidate is OutreachCandidate => candidate !== null);
        const known = await existingSourceRefs(db, kind, candidates.map((candidate) => candidate.sourceRef));
        for (const candidate of candidates) {
          if (known.has(candidate.sourceRef)) {
            already += 1;
            continue;
          }
          const barriers = await this.barriersFor(candidate.patientId, barrierCache);
          const added = await this.addEntry({ ...candidate, source: 'ehr', importId: null, barriers, actor });
          if (added) imported += 1;
          else already += 1;
        }
        next = result.next;
        // Whole pages only: the next page is read only if it fits under the cap.
        if (!next || read + pageSize > settings.maxPerRun) break;
        page = { next };
      }
    } catch (error) {
      errorCode = isCallchartError(error) ? error.code : 'INTERNAL';
      this.options.logger?.warn({ list: kind, errCode: errorCode }, 'outreach list run failed');
    }
    const capped = errorCode === null && next !== null;
    const finishedAt = this.now();
    await saveOutreachRun(db, {
      id: randomUUID(), kind, trigger, startedAt, finishedAt, windowFrom: window.from, read, imported, already, capped, resumeLink: capped ? next : null, errorCode,
    });
    await recordAuditEvent(db, {
      actor, action: 'outreach.list.searched', objectType: 'outreach-list', objectId: kind, outcome: errorCode ? 'failure' : 'success', reason: errorCode,
      detail: { trigger, read, imported, already, capped },
    });
    return { kind, read, imported, already, capped, errorCode };
  }

  /**
   * A CSV upload: every good row becomes an entry (or is found already there), every bad row is
   * reported by its number with a reason. Audited with counts only.
   */
  async importCsv(text: string, actor: string): Promise<OutreachImportReport> {
    const { db, settings } = this.options;
    const now = this.now();
    let parsed;
    try {
      parsed = parseOutreachCsv(text, { maxRows: settings.maxUploadRows, today: now.toISOString().slice(0, 10) });
    } catch (error) {
      if (error instanceof OutreachCsvUnreadable) {
        await recordAuditEvent(db, { actor, action: 'outreach.import.rejected', objectType: 'outreach-import', outcome: 'rejected', reason: 'CSV_UNREADABLE' });
        throw new CallchartError('PAYLOAD_INVALID', error.message);
      }
      throw error;
    }
    const importId = randomUUID();
    const problems = [...parsed.problems];
    let imported = 0;
    let already = 0;
    const barrierCache = new Map<string, BarrierCode[]>();
    const resolved = new Map<string, Promise<string | OutreachRowProblem['code']>>();
    for (const row of parsed.rows) {
      const patient = await this.resolvePatient(row, resolved);
      if (patient === 'UNKNOWN_PATIENT' || patient === 'AMBIGUOUS_PATIENT' || patient === 'EHR_UNAVAILABLE') {
        problems.push({ row: row.row, code: patient, reason: patientProblem[patient]('mrn' in row.patient ? 'mrn' : 'patient_id') });
        continue;
      }
      const sourceRef = `csv:${patient}|${row.date}`;
      if ((await existingSourceRefs(db, row.kind, [sourceRef])).size > 0) {
        already += 1;
        continue;
      }
      const barriers = await this.barriersFor(patient, barrierCache);
      const added = await this.addEntry({
        kind: row.kind, sourceRef, patientId: patient, eventAt: new Date(`${row.date}T00:00:00Z`), reasonCode: row.reasonCode, source: 'csv', importId, barriers, actor,
      });
      if (added) imported += 1;
      else already += 1;
    }
    problems.sort((a, b) => a.row - b.row);
    await db.transaction(async (tx) => {
      await recordOutreachImport(tx, { id: importId, importedBy: actor, total: parsed.total, imported, already, rejected: problems.length, now });
      await appendAuditEvent(tx, {
        actor, action: 'outreach.imported', objectType: 'outreach-import', objectId: importId, outcome: 'success',
        // Counts and reason codes only: no patient, no row contents.
        detail: { rows: parsed.total, imported, alreadyImported: already, rejected: problems.length, reasons: [...new Set(problems.map((problem) => problem.code))] },
      }, now);
    });
    return { importId, total: parsed.total, imported, alreadyImported: already, rejected: problems.length, problems };
  }

  /** The lists in the caller's queues: entries per list, and the last EHR run of each. */
  async lists(queues: readonly string[]): Promise<{ kind: OutreachKind; entries: number; lastRun: OutreachRun | null }[]> {
    const counts = await countOutreachEntries(this.options.db, queues);
    return Promise.all(outreachKinds.map(async (kind) => ({ kind, entries: counts[kind], lastRun: await lastOutreachRun(this.options.db, kind) })));
  }

  async entries(filter: { queues: readonly string[]; kind?: OutreachKind; limit: number }): Promise<OutreachEntryView[]> {
    const entries = await listOutreachEntries(this.options.db, filter);
    return this.views(entries);
  }

  async entry(id: string): Promise<OutreachEntryView | null> {
    const entry = await findOutreachEntry(this.options.db, id);
    return entry ? (await this.views([entry]))[0]! : null;
  }

  private async views(entries: OutreachEntry[]): Promise<OutreachEntryView[]> {
    const taskIds = entries.map((entry) => entry.callbackTaskId).filter((id): id is string => id !== null);
    const progress = taskIds.length ? await this.options.tasks.progress(this.options.db, taskIds) : new Map<string, OutreachTaskProgress>();
    return entries.map((entry) => ({
      ...entry,
      script: suggestedScript(entry.kind, entry.barriers as BarrierCode[], this.options.settings.scripts, this.options.clinicName),
      task: entry.callbackTaskId ? (progress.get(entry.callbackTaskId) ?? null) : null,
    }));
  }

  /** One entry, its callback task and its audit event, together or not at all. */
  private async addEntry(input: OutreachCandidate & { source: 'ehr' | 'csv'; importId: string | null; barriers: BarrierCode[]; actor: string }): Promise<boolean> {
    const { db, settings, tasks } = this.options;
    const now = this.now();
    const id = randomUUID();
    return db.transaction(async (tx) => {
      const inserted = await insertOutreachEntry(tx, {
        id, kind: input.kind, source: input.source, sourceRef: input.sourceRef, patientId: input.patientId, queue: settings.queue, eventAt: input.eventAt,
        reasonCode: input.reasonCode, barriers: input.barriers, importId: input.importId, createdBy: input.actor, now,
      });
      if (!inserted) return false;
      const task = await tasks.open(tx, {
        origin: input.kind, patientId: input.patientId, requestType: input.kind, queue: settings.queue,
        dueAt: new Date(now.getTime() + settings.dueHours[input.kind] * 3_600_000), barriers: input.barriers, now, actor: input.actor,
      });
      await linkCallbackTask(tx, id, task.id);
      await appendAuditEvent(tx, {
        actor: input.actor, action: 'outreach.entry.added', objectType: 'outreach-entry', objectId: id, outcome: 'success',
        detail: { kind: input.kind, source: input.source, callbackTaskId: task.id, merged: task.merged, barriers: input.barriers },
      }, now);
      return true;
    });
  }

  /**
   * Barrier codes heard in the patient's earlier calls: their stored analyses (redacted
   * transcripts) read again by the detector. Only codes leave here; a call whose analysis cannot be
   * opened (its key shredded by retention) adds nothing.
   */
  private async barriersFor(patientId: string, cache: Map<string, BarrierCode[]>): Promise<BarrierCode[]> {
    const cached = cache.get(patientId);
    if (cached) return cached;
    const { db, cipher, settings } = this.options;
    const since = new Date(this.now().getTime() - settings.barrierLookbackDays * 86_400_000);
    const lists: BarrierCode[][] = [];
    for (const callId of await earlierCallsOf(db, patientId, since, settings.barrierCalls)) {
      try {
        const stored = await loadCallAnalysis<{ redacted?: unknown }>(db, callId, cipher);
        if (typeof stored?.analysis.redacted === 'string') lists.push(detectBarriers(stored.analysis.redacted));
      } catch {
        // Shredded or unreadable: nothing heard, nothing carried.
      }
    }
    const barriers = mergeBarriers(lists);
    cache.set(patientId, barriers);
    return barriers;
  }

  /** The EHR Patient id of a row: read by id, or searched by MRN; a problem code otherwise. */
  private resolvePatient(row: OutreachCsvRow, cache: Map<string, Promise<string | OutreachRowProblem['code']>>): Promise<string | OutreachRowProblem['code']> {
    const key = 'id' in row.patient ? `id:${row.patient.id}` : `mrn:${row.patient.mrn}`;
    let found = cache.get(key);
    if (!found) {
      found = this.lookUpPatient(row.patient);
      cache.set(key, found);
    }
    return found;
  }

  private async lookUpPatient(patient: { id: string } | { mrn: string }): Promise<string | OutreachRowProblem['code']> {
    const { fhir } = this.options;
    try {
      if ('id' in patient) {
        const read = await fhir.read<Patient>('Patient', patient.id);
        return read.id ?? 'UNKNOWN_PATIENT';
      }
      const matches = await fhir.search<Patient>('Patient', { identifier: patient.mrn, _count: '2' });
      if (matches.length === 0) return 'UNKNOWN_PATIENT';
      if (matches.length > 1) return 'AMBIGUOUS_PATIENT';
      return matches[0]!.id ?? 'UNKNOWN_PATIENT';
    } catch (error) {
      if (isCallchartError(error) && error.code === 'EHR_REJECTED' && (error.detail?.status === 404 || error.detail?.status === 410)) return 'UNKNOWN_PATIENT';
      return 'EHR_UNAVAILABLE';
    }
  }
}

const patientProblem: Record<'UNKNOWN_PATIENT' | 'AMBIGUOUS_PATIENT' | 'EHR_UNAVAILABLE', (column: string) => string> = {
  UNKNOWN_PATIENT: (column) => `unknown patient: no chart in the EHR has this ${column}`,
  AMBIGUOUS_PATIENT: () => 'more than one chart in the EHR has this mrn: use patient_id',
  EHR_UNAVAILABLE: () => 'the EHR did not answer for this patient: upload the file again later (rows already imported are skipped)',
};
