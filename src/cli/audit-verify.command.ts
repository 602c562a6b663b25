import { existsSync } from 'node:fs';
import path from 'node:path';
import { describeAuditProblem, firstProblemSeq } from '../audit/audit-chain.ts';
import { FileCheckpointSink } from '../audit/audit-checkpoint.repository.ts';
import { deriveAuditKey, type AuditKey } from '../audit/audit-key.ts';
import { verifyAuditLog, type AuditLogReport } from '../audit/audit.repository.ts';
import { auditKeySpec, readAuditKey } from '../engine/secrets.ts';
import { openDb, type Db } from '../store/db.ts';

export const defaultCheckpointFile = (dataDir: string): string => path.join(dataDir, 'audit-checkpoints.jsonl');

/** What `audit verify` prints for a report: the verdict line first, then one line per problem or note. */
export function formatAuditReport(report: AuditLogReport): string[] {
  const headSeq = report.head?.seq ?? 0;
  const lines: string[] = [];
  if (report.ok) {
    lines.push(`Audit chain intact: ${report.events} events, head ${report.head ? `#${headSeq} ${report.head.hash.slice(0, 16)}…` : 'none (empty log)'}`);
  } else {
    const first = report.problems.map(firstProblemSeq).find((seq) => seq !== null);
    const count = `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`;
    lines.push(`Audit chain BROKEN${first !== undefined && first !== null ? ` at event #${first}` : ''} (${count}); ${report.events} events in the log, head ${headSeq ? `#${headSeq}` : 'none'}`);
    for (const problem of report.problems) lines.push(`  - ${describeAuditProblem(problem, { headSeq })}`);
  }
  const newest = report.newestCheckpoint;
  if (newest) {
    lines.push(`  checkpoints: ${report.checkpoints} valid in ${report.checkpointSource}; newest ${newest.at} at #${newest.seq}`);
    if (report.uncovered > 0) lines.push(`  ${report.uncovered} events after the last checkpoint: a deletion among them shows only once the next checkpoint is written`);
  } else if (report.checkpointSource) {
    lines.push(`  checkpoints: none in ${report.checkpointSource}`);
  }
  if (report.unkeyedEvents > 0) lines.push(`  ${report.unkeyedEvents} events from before the audit key (unkeyed v1 links: they prove order, not origin; checkpoints pin them)`);
  if (report.pending > 0) lines.push(`  ${report.pending} events written but not yet chained (the engine chains them when it runs)`);
  return lines;
}

/** The audit key from CALLCHART_AUDIT_KEY or the trial data directory; exits 2 when there is none. */
export function auditKeyOrExit(dataDir: string, purpose: string): AuditKey {
  let secret: Buffer | null;
  try {
    secret = readAuditKey(dataDir);
  } catch (error) {
    console.error(`${(error as Error).message}`);
    process.exit(2);
  }
  if (!secret) {
    console.error(`Cannot ${purpose} without the audit key: set ${auditKeySpec.envVar} (base64, 32 bytes or more), or run where the trial key is (${path.join(dataDir, 'secrets', auditKeySpec.file)}).`);
    process.exit(2);
  }
  return deriveAuditKey(secret);
}

/** The store `audit` commands read: DATABASE_URL when set, else the embedded store in the data directory. */
export async function openAuditStoreOrExit(dataDir: string): Promise<Db> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl && !existsSync(path.join(dataDir, 'pgdata'))) {
    console.error(`No embedded store in ${dataDir} and DATABASE_URL is not set.`);
    process.exit(2);
  }
  return openDb({ databaseUrl, dataDir });
}

export async function runAuditVerify(options: { dataDir: string; checkpoints?: string }): Promise<void> {
  // Refuse before touching the store: without the key, "intact" would be a claim nobody checked.
  const key = auditKeyOrExit(options.dataDir, 'verify the audit log');
  const sink = new FileCheckpointSink(options.checkpoints ?? defaultCheckpointFile(options.dataDir));
  const db = await openAuditStoreOrExit(options.dataDir);
  try {
    console.error(`Verifying the audit log in ${db.label} with audit key ${key.id}, against the checkpoints in ${sink.label}…`);
    const report = await verifyAuditLog(db, { key, checkpoints: sink, onProgress: (seq) => process.stderr.write(`  checked up to #${seq}\n`) });
    for (const line of formatAuditReport(report)) console.log(line);
    if (!report.ok) process.exitCode = 1;
  } finally {
    await db.close();
  }
}
