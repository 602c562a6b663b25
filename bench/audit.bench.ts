/**
 * The keyed audit chain (ADR 11): what keying and checkpoints cost.
 *   - link hashing: HMAC-SHA256 (keyed) against SHA-256 (the old unkeyed links), per event, pure;
 *   - chaining: pending events linked into the chain per second, on each backend;
 *   - `audit verify`: events verified per second against the checkpoint file, on each backend;
 *   - one checkpoint append to the file sink (O_APPEND + fdatasync), p50/p95.
 *
 *   npx tsx bench/audit.bench.ts                 # both backends, 20,000 events each
 *   npx tsx bench/audit.bench.ts postgres 50000  # one backend, N events
 *
 * Prints a table and writes bench/results/audit-<backend>.json. Synthetic ids only.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chainAuditEvent, hashAuditEvent, hashAuditEventUnkeyed } from '../src/audit/audit-chain.ts';
import { buildCheckpoint } from '../src/audit/audit-checkpoint.ts';
import { FileCheckpointSink } from '../src/audit/audit-checkpoint.repository.ts';
import { deriveAuditKey } from '../src/audit/audit-key.ts';
import { chainPendingAuditEvents, verifyAuditLog } from '../src/audit/audit.repository.ts';
import { backendKinds, openTestDb, type BackendKind } from '../test/helpers/backends.ts';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

function hashing(n: number) {
  const key = deriveAuditKey(randomBytes(32));
  const event = chainAuditEvent({ actor: 'pbx:bench', action: 'call.event.accepted', objectType: 'call', objectId: 'call-bench-1', outcome: 'success', detail: { eventType: 'call.ringing' } }, null, new Date(), key);
  let started = performance.now();
  for (let i = 0; i < n; i++) hashAuditEvent({ ...event, seq: i + 1 }, key);
  const keyedUs = ((performance.now() - started) * 1000) / n;
  started = performance.now();
  for (let i = 0; i < n; i++) hashAuditEventUnkeyed({ ...event, seq: i + 1 });
  const unkeyedUs = ((performance.now() - started) * 1000) / n;
  return { keyedMicrosPerLink: Number(keyedUs.toFixed(2)), unkeyedMicrosPerLink: Number(unkeyedUs.toFixed(2)) };
}

async function benchBackend(kind: BackendKind, events: number) {
  const { db, dispose } = await openTestDb(kind);
  const dir = mkdtempSync(path.join(tmpdir(), 'callchart-audit-bench-'));
  const key = deriveAuditKey(randomBytes(32));
  const sink = new FileCheckpointSink(path.join(dir, 'audit-checkpoints.jsonl'));
  try {
    // Pending rows in bulk (what webhook transactions write), then the chainer's work on them.
    for (let done = 0; done < events; done += 1000) {
      const batch = Math.min(1000, events - done);
      await db.query(
        `insert into audit_pending (at, actor, action, object_type, object_id, outcome, detail)
         select now(), 'pbx:bench', 'call.event.accepted', 'call', 'call-bench-' || g, 'success', '{"eventType":"call.ringing"}'::jsonb
         from generate_series($1::int, $2::int) as g`,
        [done + 1, done + batch],
      );
    }
    let started = performance.now();
    await chainPendingAuditEvents(db, key);
    const chainMs = performance.now() - started;

    const { rows } = await db.query<{ seq: string; hash: string }>('select seq, hash from audit_event order by seq desc limit 1');
    const head = { seq: Number(rows[0]!.seq), hash: rows[0]!.hash };
    const appendMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const checkpoint = buildCheckpoint(key, head, new Date());
      started = performance.now();
      await sink.append(checkpoint);
      appendMs.push(performance.now() - started);
    }

    started = performance.now();
    const report = await verifyAuditLog(db, { key, checkpoints: sink });
    const verifyMs = performance.now() - started;
    if (!report.ok) throw new Error(`bench log did not verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
    return {
      backend: kind,
      events,
      chainEventsPerSecond: Math.round(events / (chainMs / 1000)),
      verifyEventsPerSecond: Math.round(events / (verifyMs / 1000)),
      verifySeconds: Number((verifyMs / 1000).toFixed(2)),
      checkpointAppendMs: { p50: Number(percentile(appendMs, 50).toFixed(2)), p95: Number(percentile(appendMs, 95).toFixed(2)) },
    };
  } finally {
    await sink.close();
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [only, count] = process.argv.slice(2);
const kinds = only ? [only as BackendKind] : [...backendKinds];
const events = Number(count ?? 20_000);
const machine = { cpus: cpus().length, node: process.version };
const links = hashing(100_000);
console.log(`link hashing: HMAC-SHA256 ${links.keyedMicrosPerLink} µs, SHA-256 ${links.unkeyedMicrosPerLink} µs per link`);
mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
for (const kind of kinds) {
  const result = { ...(await benchBackend(kind, events)), links, machine, at: new Date().toISOString() };
  console.log(
    `${kind.padEnd(8)} ${events} events: chain ${result.chainEventsPerSecond}/s, verify ${result.verifyEventsPerSecond}/s (${result.verifySeconds} s), ` +
      `checkpoint append p50 ${result.checkpointAppendMs.p50} ms p95 ${result.checkpointAppendMs.p95} ms`,
  );
  writeFileSync(path.join(import.meta.dirname, 'results', `audit-${kind}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
