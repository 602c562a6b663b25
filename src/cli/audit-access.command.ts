import { readFileSync } from 'node:fs';
import os from 'node:os';
import { queryAccessLog, type AccessRecord } from '../audit/access-log.repository.ts';
import { phiViewedEvent } from '../audit/access-log.ts';
import { verifySignedAuditExport } from '../audit/audit-export.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { auditKeyOrExit, openAuditStoreOrExit } from './audit-verify.command.ts';

/** Who is running a command on the host, for the access log (a login name, never a patient's). */
export function operatorActor(): string {
  let name = 'unknown';
  try {
    name = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the actor stays "unknown".
  }
  return `operator:${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64)}`;
}

export interface AuditAccessOptions {
  dataDir: string;
  patient?: string;
  user?: string;
  /** A UTC day (YYYY-MM-DD) to narrow to. */
  day?: string;
  json: boolean;
}

/**
 * `callchart audit access --patient ID | --user ID [--day YYYY-MM-DD]`: the access log (AU-3), who
 * saw a patient's calls or what a person saw, from the chained audit log. Ids, times and purposes.
 */
export async function runAuditAccess(options: AuditAccessOptions): Promise<void> {
  if ((options.patient === undefined) === (options.user === undefined)) {
    console.error('Ask by --patient <EHR patient id> or by --user <staff id> (one of them).');
    process.exit(2);
  }
  if (options.day !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(options.day) || Number.isNaN(Date.parse(options.day)))) {
    console.error('--day must be a date, e.g. 2026-12-07 (a UTC day).');
    process.exit(2);
  }
  const range = options.day ? { from: new Date(`${options.day}T00:00:00Z`), to: new Date(Date.parse(`${options.day}T00:00:00Z`) + 86_400_000) } : {};
  const user = options.user === undefined ? undefined : options.user.includes(':') ? options.user : `staff:${options.user}`;
  const db = await openAuditStoreOrExit(options.dataDir);
  try {
    const records: AccessRecord[] = [];
    let afterSeq = 0;
    for (;;) {
      const page = await queryAccessLog(db, user ? { actor: user, ...range } : { patientId: options.patient!, ...range }, { afterSeq, limit: 1000 });
      records.push(...page.records);
      if (page.nextAfterSeq === null) break;
      afterSeq = page.nextAfterSeq;
    }
    if (options.json) {
      for (const record of records) console.log(JSON.stringify(record));
    } else {
      const subject = user ? `What ${user} saw` : `Who saw patient ${options.patient}`;
      console.log(`${subject}${options.day ? ` on ${options.day} (UTC)` : ''}: ${records.length} view${records.length === 1 ? '' : 's'}.`);
      for (const record of records) {
        console.log(`  #${record.seq}  ${record.at}  ${user ? `patient ${record.patientId ?? '-'}` : record.actor}  ${record.purpose}  ${record.objectType} ${record.objectId ?? '-'}`);
      }
    }
  } finally {
    await db.close();
  }
}

/** `callchart audit verify-export FILE`: checks a signed export (or an incident's evidence) with the audit key. */
export function runAuditVerifyExport(file: string, options: { dataDir: string }): void {
  const key = auditKeyOrExit(options.dataDir, 'verify a signed export');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    process.exit(2);
  }
  const check = verifySignedAuditExport(key, text);
  if (!check.ok) {
    console.log(`Export NOT verified: ${check.reason}`);
    process.exit(1);
  }
  console.log(`Export verified: ${check.count} events${check.firstSeq !== null ? `, #${check.firstSeq}..#${check.lastSeq}` : ''}${check.unverifiedLinks ? `; ${check.unverifiedLinks} links made with another key were not checked` : ''}.`);
}

/** An export taken on the command line is a copy of the log leaving Callchart: it goes in the access log. */
export async function recordCliExport(db: Parameters<typeof recordAuditEvent>[0], detail: { count: number; format: string }): Promise<void> {
  await recordAuditEvent(db, phiViewedEvent({ actor: operatorActor(), purpose: 'export', objectType: 'audit-export', objectId: null, extra: detail }));
}
