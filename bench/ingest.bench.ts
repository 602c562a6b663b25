/**
 * Ingest and screen-pop benchmark over real sockets, on PGlite and PostgreSQL.
 *
 *   npm run bench                 # both backends
 *   npm run bench -- pglite       # one backend
 *
 * Prints a table and writes bench/results/ingest-<backend>.json. The sandbox EHR runs in its own
 * process, as an EHR would. Synthetic data only.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../src/config/config.schema.ts';
import { startEngine } from '../src/engine/engine.ts';
import { createLogger } from '../src/lib/logger.ts';
import { spawnSandboxEhr } from '../src/cli/sandbox-process.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { runSimulation, sendSignedEvent } from '../src/simulator/simulate.client.ts';
import { backendKinds, createScratchDatabase, type BackendKind } from '../test/helpers/backends.ts';
import { connectLiveClient } from '../test/helpers/engine-harness.ts';
import { issueStaffToken } from '../src/auth/staff-token.ts';
import type { CallEvent } from '../src/calls/call-event.schema.ts';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const round = (value: number) => Math.round(value * 10) / 10;

async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function benchBackend(kind: BackendKind) {
  const clinic = generateSyntheticClinic();
  const scenarios = sandboxPhoneScenarios(clinic);
  const ehr = await spawnSandboxEhr({ port: 0, patients: 240 });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-bench-'));
  const scratch = kind === 'postgres' ? await createScratchDatabase() : null;
  const secret = randomBytes(16).toString('hex');
  const staffTokenSecret = randomBytes(32);
  const engine = await startEngine({
    config: defaultConfig, databaseUrl: scratch?.url, dataDir: kind === 'pglite' ? dataDir : undefined,
    fhirBaseUrl: ehr.baseUrl, ehrAuth: ehr.client ?? false, webhookSecret: secret, staffTokenSecret, dataKey: randomBytes(32), port: 0, logger: createLogger({ level: 'silent' }),
  });
  const display = await connectLiveClient(engine.url, await issueStaffToken(staffTokenSecret, { sub: 'bench', role: 'nurse', queues: ['*'], extensions: [] }));
  const run = randomBytes(3).toString('hex');
  const event = (type: CallEvent['type'], callId: string, ani: string): CallEvent =>
    ({ id: `${callId}-${type}`, provider: 'bench', type, occurredAt: new Date().toISOString(), call: { id: callId, ani, direction: 'inbound' }, data: {} }) as CallEvent;

  // 1. Screen pop: ringing → pop on the WebSocket, distinct callers (no cache hits), 4 in flight.
  const callers = [...scenarios.uniquePatient.map((u) => u.phone), ...scenarios.unknown].slice(0, 150);
  const popLatencies: number[] = [];
  const ackLatencies: number[] = [];
  await runPool(callers.map((ani, index) => ({ ani, index })), 4, async ({ ani, index }) => {
    const started = performance.now();
    const response = await sendSignedEvent(engine.url, secret, event('call.ringing', `${run}-pop-${index}`, ani));
    ackLatencies.push(performance.now() - started);
    const callId = (response.body as { callId?: string }).callId!;
    await display.waitFor((m): m is Extract<typeof m, { type: 'screen-pop' }> => m.type === 'screen-pop' && m.screenPop.callId === callId, 10_000);
    popLatencies.push(performance.now() - started);
  });

  // 2. Ingest throughput: signed, validated, committed and audited events (no EHR work), 16 in flight.
  const ingestEvents = Array.from({ length: 1500 }, (_, index) => event('call.answered', `${run}-ingest-${index}`, '+16175550142'));
  const ingestStarted = performance.now();
  await runPool(ingestEvents, 16, async (e) => {
    const result = await sendSignedEvent(engine.url, secret, e);
    if (result.status !== 202) throw new Error(`ingest answered ${result.status}`);
  });
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;

  // 3. Whole calls: 100 calls, every event twice, shuffled, until every Task is in the EHR.
  const callsStarted = performance.now();
  const report = await runSimulation({ target: engine.url, secret, calls: 100, duplicate: true, shuffle: true, seed: 7, provider: `bench-${run}`, concurrency: 16 });
  const callsSeconds = (performance.now() - callsStarted) / 1000;

  display.close();
  await engine.close();
  await ehr.close();
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });

  return {
    backend: kind,
    machine: { cpus: cpus().length, node: process.version },
    at: new Date().toISOString(),
    screenPop: { calls: popLatencies.length, concurrency: 4, p50Ms: round(percentile(popLatencies, 50)), p95Ms: round(percentile(popLatencies, 95)), p99Ms: round(percentile(popLatencies, 99)), maxMs: round(Math.max(...popLatencies)) },
    webhookAck: { p50Ms: round(percentile(ackLatencies, 50)), p99Ms: round(percentile(ackLatencies, 99)) },
    ingest: { events: ingestEvents.length, concurrency: 16, seconds: round(ingestSeconds), eventsPerSecond: Math.round(ingestEvents.length / ingestSeconds) },
    wholeCalls: { calls: report.calls, eventsSent: report.eventsSent, seconds: round(callsSeconds), tasksFound: report.tasksFound, correctlyLinked: report.correctlyLinked, problems: report.problems.length },
  };
}

const wanted = process.argv.slice(2).filter((arg): arg is BackendKind => (backendKinds as readonly string[]).includes(arg));
mkdirSync('bench/results', { recursive: true });
for (const kind of wanted.length ? wanted : backendKinds) {
  const result = await benchBackend(kind);
  writeFileSync(`bench/results/ingest-${kind}.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${kind}`);
  console.table({
    'screen pop (ringing → WebSocket), ms': { p50: result.screenPop.p50Ms, p95: result.screenPop.p95Ms, p99: result.screenPop.p99Ms, max: result.screenPop.maxMs },
    'webhook ack, ms': { p50: result.webhookAck.p50Ms, p99: result.webhookAck.p99Ms },
  });
  console.log(`ingest: ${result.ingest.eventsPerSecond} events/s (${result.ingest.events} signed events, ${result.ingest.concurrency} in flight)`);
  console.log(`whole calls: ${result.wholeCalls.calls} calls / ${result.wholeCalls.eventsSent} deliveries → ${result.wholeCalls.tasksFound} Tasks (${result.wholeCalls.correctlyLinked} correctly linked) in ${result.wholeCalls.seconds} s`);
}
process.exit(0);
