/**
 * The alert worker's cost (issue 13, AU-4): how fast it reads the chained audit log and asks every
 * rule, on each backend, for a day-shaped mix of events — mostly screen pops and review opens by
 * 40 staff over 200 patients (each needs the baseline rule's two queries), the rest ordinary
 * pipeline events — and how far behind the log it falls. Also the access report's answer time for
 * one patient and one person over that log.
 *
 *   npx tsx bench/alerts.bench.ts            # 20,000 events per backend
 *   npx tsx bench/alerts.bench.ts 5000
 *
 * Prints a table and writes bench/results/alerts.json. Synthetic ids only.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { backendKinds, openTestDb, type BackendKind } from '../test/helpers/backends.ts';
import { AuditChainer, appendAuditEvent } from '../src/audit/audit.repository.ts';
import { MemoryCheckpointSink } from '../src/audit/audit-checkpoint.ts';
import { deriveAuditKey } from '../src/audit/audit-key.ts';
import { phiViewedEvent } from '../src/audit/access-log.ts';
import { queryAccessLog } from '../src/audit/access-log.repository.ts';
import { AlertWorker } from '../src/alerts/alert.worker.ts';
import { defaultAlertThresholds } from '../src/alerts/alert-rules.ts';
import { createLogger } from '../src/lib/logger.ts';

const total = Number(process.argv[2] ?? 20_000);

async function run(kind: BackendKind) {
  const { db, dispose } = await openTestDb(kind);
  try {
    const chainer = new AuditChainer(db, { key: deriveAuditKey(randomBytes(32)), checkpoints: new MemoryCheckpointSink(), intervalMs: 60_000 });
    const start = Date.now() - 8 * 3_600_000;
    let phiViews = 0;
    for (let offset = 0; offset < total; offset += 1000) {
      await db.transaction(async (tx) => {
        for (let index = offset; index < Math.min(total, offset + 1000); index++) {
          const at = new Date(start + Math.floor((index / total) * 8 * 3_600_000));
          if (index % 3 === 2) {
            await appendAuditEvent(tx, { actor: 'pbx:synthetic', action: 'call.event.accepted', objectType: 'call', objectId: `c-${index}`, outcome: 'success' }, at);
          } else {
            phiViews += 1;
            await appendAuditEvent(tx, phiViewedEvent({ actor: `staff:s-${index % 40}`, purpose: index % 2 ? 'screen-pop' : 'review-opened', objectType: 'call', objectId: `c-${index}`, patientId: `p-${index % 200}` }), at);
          }
        }
      });
    }
    await chainer.flush();
    const worker = new AlertWorker({ db, logger: createLogger({ level: 'silent' }), thresholds: defaultAlertThresholds, webhook: null, intervalMs: 60_000, verifyIntervalMs: 0 });
    const began = performance.now();
    const raised = await worker.evaluateNewEvents();
    const evaluateMs = performance.now() - began;
    const reportBegan = performance.now();
    const byPatient = await queryAccessLog(db, { patientId: 'p-7' }, { limit: 1000 });
    const byPatientMs = performance.now() - reportBegan;
    const personBegan = performance.now();
    const byPerson = await queryAccessLog(db, { actor: 'staff:s-3', from: new Date(start), to: new Date() }, { limit: 1000 });
    const byPersonMs = performance.now() - personBegan;
    return {
      backend: kind, events: total, phiViews, alerts: raised.length,
      evaluateMs: Math.round(evaluateMs), eventsPerSecond: Math.round(total / (evaluateMs / 1000)),
      accessByPatient: { records: byPatient.records.length, ms: Math.round(byPatientMs * 10) / 10 },
      accessByPerson: { records: byPerson.records.length, ms: Math.round(byPersonMs * 10) / 10 },
    };
  } finally {
    await dispose();
  }
}

const results = [];
for (const kind of backendKinds) {
  const result = await run(kind);
  results.push(result);
  console.log(`${kind.padEnd(9)} ${result.events} events (${result.phiViews} views): evaluated in ${result.evaluateMs} ms = ${result.eventsPerSecond}/s, ${result.alerts} alerts; ` +
    `access by patient ${result.accessByPatient.records} rows in ${result.accessByPatient.ms} ms, by person ${result.accessByPerson.records} rows in ${result.accessByPerson.ms} ms`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/alerts.json', `${JSON.stringify({ at: new Date().toISOString(), cpus: cpus().length, node: process.version, results }, null, 2)}\n`);
