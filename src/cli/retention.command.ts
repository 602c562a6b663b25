import { AuditChainer } from '../audit/audit.repository.ts';
import { FileCheckpointSink } from '../audit/audit-checkpoint.repository.ts';
import { queuePolicySchema, type QueuePolicy } from '../consent/queue-policy.schema.ts';
import { destroyDataKeys } from '../keys/keyring.service.ts';
import { RetentionPurge } from '../retention/retention-purge.service.ts';
import { buildRetentionReport, provePurge, type PurgeProof, type RetentionReport } from '../retention/retention-report.service.ts';
import type { Db } from '../store/db.ts';
import { auditKeyOrExit, defaultCheckpointFile, openAuditStoreOrExit } from './audit-verify.command.ts';

/**
 * `callchart retention report | proof <call-id> | purge` (RE-1): on DATABASE_URL when set, else the
 * embedded store in the data directory (stop the engine first: PGlite has one owner at a time).
 */

/** The queue policy active in the store: retention days are read from what the engine runs with. */
async function activePolicyOrExit(db: Db): Promise<{ policy: QueuePolicy; version: string }> {
  const { rows } = await db.query<{ version: string; policy: QueuePolicy | string }>(
    'select v.version, v.policy from queue_policy_activation a join queue_policy_version v using (version) order by a.id desc limit 1',
  );
  const row = rows[0];
  if (!row) {
    console.error('No queue policy was ever activated in this store: start the engine once, then ask again.');
    await db.close();
    process.exit(2);
  }
  return { version: row.version, policy: queuePolicySchema.parse(typeof row.policy === 'string' ? JSON.parse(row.policy) : row.policy) };
}

export function formatRetentionReport(report: RetentionReport): string[] {
  const lines = [
    report.ok ? `Retention OK at ${report.asOf}: nothing past policy (policy ${report.policyVersion.slice(0, 12)}…)` : `Retention PAST POLICY at ${report.asOf}: ${report.pastPolicy.total} artifacts, ${report.keysOverdue.length} keys overdue`,
  ];
  for (const kind of report.inventory) lines.push(`  stored: ${kind.artifactClass} ${kind.live} (${kind.rule})`);
  for (const artifact of report.pastPolicy.artifacts) lines.push(`  past policy: ${artifact.artifactClass} ${artifact.objectId} of call ${artifact.callId} (class ${artifact.retentionClass}, due ${artifact.dueAt})`);
  for (const keyId of report.keysOverdue) lines.push(`  key overdue for destruction: ${keyId}`);
  lines.push(`  legal holds in force: ${report.holdsInForce.length}${report.held.length ? `; ${report.held.length} calls with something due are held` : ''}`);
  for (const hold of report.holdsInForce) lines.push(`    hold ${hold.id}: ${hold.scope} ${hold.callId ?? hold.patientId}, set by ${hold.setBy} at ${hold.setAt}`);
  if (report.waiting.length) lines.push(`  waiting for review or write-back: ${report.waiting.length} calls (oldest due ${report.waiting.map((entry) => entry.oldestDueAt).sort()[0]})`);
  lines.push(`  deleted outside policy: ${report.deletedOutsidePolicy.total} artifacts in all${report.deletedOutsidePolicy.foundNow ? `, ${report.deletedOutsidePolicy.foundNow} FOUND NOW (audited)` : ''}`);
  for (const entry of report.deletedOutsidePolicy.recent.slice(0, 10)) lines.push(`    ${entry.artifactClass} ${entry.objectId} of call ${entry.callId}, found ${entry.recordedAt}`);
  lines.push(`  data keys destroyed: ${report.keysDestroyed.total}`);
  const last = report.lastRun;
  lines.push(`  last purge: ${last ? `${last.status} at ${last.startedAt} (clock ${last.asOf}): ${last.artifactsPurged} artifacts, ${last.callsRemoved} calls removed, ${last.keysDestroyed.length} keys destroyed` : 'never'}`);
  lines.push(`  next purge: ${report.nextPurgeAt ?? 'not scheduled (no engine doing pipeline work has started)'}`);
  lines.push(`  audit log: kept ${report.audit.keptYears} years, never purged by this job; oldest event ${report.audit.oldestEventAt ?? 'none'}`);
  return lines;
}

export async function runRetentionReport(options: { dataDir: string; json?: boolean }): Promise<void> {
  const db = await openAuditStoreOrExit(options.dataDir);
  try {
    const current = await activePolicyOrExit(db);
    const report = await buildRetentionReport(db, current, new Date(), { recordMissing: true });
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else for (const line of formatRetentionReport(report)) console.log(line);
    // Red when anything is past policy, or content vanished outside policy since the last look.
    if (!report.ok || report.deletedOutsidePolicy.foundNow > 0) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

export function formatPurgeProof(proof: PurgeProof): string[] {
  const verdict = proof.verdict === 'proven' ? 'PROVEN' : proof.verdict === 'incomplete' ? 'INCOMPLETE' : 'NOT PURGED';
  const lines = [`Purge of call ${proof.callId}: ${verdict}${proof.callRemoved ? ' (the call itself is removed)' : ''}`];
  for (const artifact of proof.artifacts) {
    lines.push(`  ${artifact.artifactClass} ${artifact.objectId}: ${artifact.deletedBy ? `deleted by ${artifact.deletedBy} at ${artifact.deletedAt}` : 'still stored'}${artifact.rowGone ? ', row gone' : ''}${artifact.auditSeq !== null ? `, audit #${artifact.auditSeq}` : ''}${artifact.keyId ? `, key ${artifact.keyId}` : ''}`);
  }
  for (const key of proof.keys) lines.push(`  key ${key.keyId}: ${key.state}${key.state === 'destroyed' ? ` at ${key.destroyedAt}, wrapped key ${key.wrappedKeyGone ? 'erased' : 'STILL PRESENT'}` : ''}${key.bucket ? ` (${key.artifactClass}, ${key.bucket})` : ''}`);
  lines.push(`  rows of the call still stored: ${Object.entries(proof.rowsLeft).filter(([, count]) => count > 0).map(([table, count]) => `${table} ${count}`).join(', ') || 'none'}`);
  lines.push(`  audit chain: ${proof.auditChain.ok ? 'verifies' : 'BROKEN'} (${proof.auditChain.events} events${proof.auditChain.pending ? `, ${proof.auditChain.pending} pending` : ''})`);
  for (const gap of proof.gaps) lines.push(`  gap: ${gap}`);
  return lines;
}

export async function runRetentionProof(callId: string, options: { dataDir: string; checkpoints?: string; json?: boolean }): Promise<void> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(callId)) {
    console.error('The call id is the Callchart call id (a UUID), as in the audit log.');
    process.exit(2);
  }
  // Without the audit key "the chain verifies" would be a claim nobody checked.
  const key = auditKeyOrExit(options.dataDir, 'verify the purge proof');
  const sink = new FileCheckpointSink(options.checkpoints ?? defaultCheckpointFile(options.dataDir));
  const db = await openAuditStoreOrExit(options.dataDir);
  try {
    const proof = await provePurge(db, callId.toLowerCase(), { key, checkpoints: sink });
    if (options.json) console.log(JSON.stringify(proof, null, 2));
    else for (const line of formatPurgeProof(proof)) console.log(line);
    if (proof.verdict !== 'proven') process.exitCode = 1;
  } finally {
    await db.close();
  }
}

export async function runRetentionPurge(options: { dataDir: string; checkpoints?: string }): Promise<void> {
  const key = auditKeyOrExit(options.dataDir, 'purge (every purged artifact is audited in the keyed chain)');
  const db = await openAuditStoreOrExit(options.dataDir);
  // Chained and checkpointed before exit, so `retention proof` verifies at once with no engine running.
  const chainer = new AuditChainer(db, { key, checkpoints: new FileCheckpointSink(options.checkpoints ?? defaultCheckpointFile(options.dataDir)) });
  // A tool on the embedded store is a lone process: it leads the chaining (stop() then chains and checkpoints).
  chainer.start();
  try {
    const current = await activePolicyOrExit(db);
    const purge = new RetentionPurge({ db, policies: { current }, destroyDataKeys: (store, keyIds, reason) => destroyDataKeys(store, keyIds, reason, 'system:retention') });
    const outcome = await purge.run(new Date());
    if (outcome.skipped) {
      console.log('Another purge is running; nothing done.');
      return;
    }
    console.log(`Purge ${outcome.runId}: ${outcome.artifactsPurged} artifacts purged, ${outcome.callsRemoved} calls removed, ${outcome.keysDestroyed.length} keys destroyed; ${outcome.callsHeld} calls held, ${outcome.callsWaiting} waiting, ${outcome.deletedOutsidePolicy} deletions outside policy found${outcome.callsFailed ? `, ${outcome.callsFailed} calls FAILED` : ''}`);
    if (outcome.callsFailed > 0) process.exitCode = 1;
  } finally {
    await chainer.stop();
    await db.close();
  }
}
