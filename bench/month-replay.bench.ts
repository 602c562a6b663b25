/**
 * Month replay (issue 18): a month of a 900-provider group's calls (34,000, CallMyDoc's Cerner
 * figure) through the whole after-call text pipeline (identify → understand → callback → Task →
 * plan → write back) into the sandbox EHR (+50 ms per response, SMART auth on), on PostgreSQL, with
 * 1 and with 2 worker processes (`callchart serve`), counting every Task in the EHR by business
 * identifier: 0 lost, 0 duplicated. `--kill` adds a run where one of 2 workers is SIGKILLed
 * mid-replay: time until the runs it held are done by the survivor, and the same count.
 *
 *   npm run bench:month-replay                          # 34,000 calls, 1 then 2 workers
 *   npm run bench:month-replay -- --calls 2000          # a quick run
 *   npm run bench:month-replay -- --calls 2000 --kill   # plus the kill run
 *   npm run bench:month-replay -- --workers 2           # only the 2-worker run
 *
 * The month's calls arrive first (not timed as part of the replay, reported apart): their webhook
 * events (from the consent answers on: the ringing call's live work is the live benches' business)
 * go through the real ingest (signed, validated, committed, audited) of an engine whose workers are
 * off, into a template database; its EHR is unreachable, so the live lookup fails and
 * every caller is identified by the pipeline, as a backlog would be. Each run then starts from a
 * copy of that database (CREATE DATABASE … TEMPLATE) and its worker processes drain it. Mix: the
 * simulator's callers (known, shared number, caregiver, unknown, withheld) and requests, 10% urgent
 * (chest pain, infant fever), 15% missed (voicemail), 40% after hours, 70% front desk and 30% nurse
 * triage. Synthetic data only. Prints a table and writes bench/results/month-replay.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import pg from 'pg';
import { defaultConfig, type CallchartConfig } from '../src/config/config.schema.ts';
import { startEngine } from '../src/engine/engine.ts';
import { createLogger } from '../src/lib/logger.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { buildCallerPool, pickCallers, scriptCall, seededRandom, syntheticRequests, type ScriptedCall } from '../src/simulator/call-scenarios.ts';
import { generateSyntheticClinic } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../src/ehr/fhir-task.mapper.ts';
import { ctiSignatureHeader, signCtiRequest } from '../src/pbx/cti-signature.ts';
import { adminDatabaseUrl, createScratchDatabase } from '../test/helpers/backends.ts';
import { engineIdentity, spawnEngine, type EngineIdentity, type EngineProcess } from '../test/helpers/engine-process.ts';

const { values: flags } = parseArgs({
  options: {
    calls: { type: 'string', default: '34000' },
    workers: { type: 'string', default: '1,2' },
    kill: { type: 'boolean', default: false },
    /** Stage jobs run side by side per stage, per process. */
    concurrency: { type: 'string', default: '16' },
    /** The EHR's published budget (requests per second), shared by the workers. */
    'ehr-rps': { type: 'string', default: '1000' },
    'ehr-latency-ms': { type: 'string', default: '50' },
    patients: { type: 'string', default: '240' },
    /** The workers' `live.fanOut` (default auto: LISTEN/NOTIFY on PostgreSQL, as deployed). */
    'fan-out': { type: 'string', default: 'auto' },
    /** Where the JSON goes (default bench/results/month-replay.json). */
    out: { type: 'string' },
  },
});
const calls = Number(flags.calls);
const workerCounts = flags.workers.split(',').map(Number).filter((count) => count >= 1);
const concurrency = Number(flags.concurrency);
const ehrRps = Number(flags['ehr-rps']);
const ehrLatencyMs = Number(flags['ehr-latency-ms']);
const provider = 'month-replay';
const clinicTimeZone = defaultConfig.clinic.timeZone;

/** The month's calls, as the PBX would have sent them. */
function monthOfCalls(count: number): ScriptedCall[] {
  const clinic = generateSyntheticClinic({ patientCount: Number(flags.patients) });
  const pool = buildCallerPool(clinic.patients, clinic.relatedPersons);
  const random = seededRandom(18);
  const urgentTexts = syntheticRequests.filter((text) => /chest|fever of/.test(text));
  const routineTexts = syntheticRequests.filter((text) => !urgentTexts.includes(text));
  const hourIn = new Intl.DateTimeFormat('en-US', { timeZone: clinicTimeZone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
  const afterHours = (at: Date) => {
    const parts = Object.fromEntries(hourIn.formatToParts(at).map((part) => [part.type, part.value]));
    return ['Sat', 'Sun'].includes(parts.weekday!) || Number(parts.hour) < 8 || Number(parts.hour) >= 18;
  };
  const monthStart = Date.now() - 31 * 86_400_000;
  const startFor = (wantAfterHours: boolean) => {
    for (;;) {
      const at = new Date(monthStart + Math.floor(random() * 30 * 86_400_000));
      if (afterHours(at) === wantAfterHours) return at;
    }
  };
  const runId = `m${Date.now().toString(36)}`;
  return pickCallers(pool, count, random).map((caller, index) => scriptCall({
    provider, runId, index, caller, random,
    startAt: startFor(random() < 0.4),
    queue: random() < 0.7 ? 'front-desk' : 'nurse-triage',
    text: random() < 0.1 ? urgentTexts[Math.floor(random() * urgentTexts.length)]! : routineTexts[Math.floor(random() * routineTexts.length)]!,
    missed: random() < 0.15,
  }));
}

/** Every call's events through the real ingest of an engine with its workers off. */
async function seedTemplate(identity: EngineIdentity, kekFile: string, month: ScriptedCall[]) {
  const template = await createScratchDatabase();
  process.env.CALLCHART_KEK_FILE = kekFile;
  // No one watches the arrival: no live fan-out to other processes.
  const config: CallchartConfig = { ...defaultConfig, ehr: { ...defaultConfig.ehr, timeoutMs: 100 }, live: { ...defaultConfig.live, fanOut: 'none' } };
  const engine = await startEngine({
    config, databaseUrl: template.url, work: false, kekMode: 'serve',
    // Nothing answers here: the live lookup fails at once and the pipeline identifies every caller.
    fhirBaseUrl: 'http://127.0.0.1:9/fhir/R4', ehrAuth: false,
    webhookSecret: identity.webhookSecret, staffTokenSecret: Buffer.from(identity.staffTokenSecret, 'base64'), dataKey: Buffer.from(identity.dataKey, 'base64'),
    auditKey: Buffer.from(identity.auditKey, 'base64'), port: 0, logger: createLogger({ level: 'silent' }),
  });
  const started = performance.now();
  let events = 0;
  let next = 0;
  let arrived = 0;
  const post = async (body: string) => {
    for (let attempt = 0; ; attempt++) {
      const response = await engine.app.inject({
        method: 'POST', url: '/webhooks/cti', payload: body,
        headers: { 'content-type': 'application/json', [ctiSignatureHeader]: signCtiRequest(identity.webhookSecret, body, Math.floor(Date.now() / 1000)) },
      });
      if (response.statusCode < 300) return;
      if (response.statusCode < 500 || attempt > 20) throw new Error(`ingest answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  };
  await Promise.all(Array.from({ length: 48 }, async () => {
    while (next < month.length) {
      const call = month[next++]!;
      // The ringing event's work (the live lookup, the card) is the live benches' business; a
      // backlog's calls arrive from their consent answers on.
      for (const event of call.events.filter((each) => each.type !== 'call.ringing')) {
        await post(JSON.stringify(event));
        events++;
      }
      arrived++;
      if (arrived % 2000 === 0) process.stdout.write(`  arrived ${arrived} of ${month.length} calls\n`);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await engine.close();
  return { template, arrival: { calls: month.length, events, seconds: round(seconds), eventsPerSecond: Math.round(events / seconds) } };
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The Tasks in the EHR by the calls' business identifiers, 50 a search (latency off while counting). */
async function countTasks(ehr: SandboxEhr, month: ScriptedCall[]): Promise<{ found: number; lost: number; duplicated: number }> {
  ehr.setFaults({ latencyMs: 0 });
  const counts = new Map<string, number>();
  const values = month.map((call) => callTaskIdentifierValue(provider, call.providerCallId));
  const token = ehr.issueTestToken('system/Task.rs');
  const slices = Array.from({ length: Math.ceil(values.length / 50) }, (_, index) => values.slice(index * 50, index * 50 + 50));
  let nextSlice = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (nextSlice < slices.length) {
      const slice = slices[nextSlice++]!;
      const query = slice.map((value) => `${callTaskIdentifierSystem}|${value}`).join(',');
      const response = await fetch(`${ehr.baseUrl}/Task?identifier=${encodeURIComponent(query)}&_count=1000`, { headers: { authorization: `Bearer ${token}` } });
      const bundle = (await response.json()) as Bundle<Resource & { identifier?: { system?: string; value?: string }[] }>;
      for (const entry of bundle.entry ?? []) {
        const value = entry.resource?.identifier?.find((identifier) => identifier.system === callTaskIdentifierSystem)?.value;
        if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
  }));
  ehr.setFaults({ latencyMs: ehrLatencyMs });
  return { found: counts.size, lost: values.filter((value) => !counts.has(value)).length, duplicated: [...counts.values()].filter((count) => count > 1).length };
}

interface Progress {
  /** Calls whose write-task stage completed. */
  tasksWritten: number;
  /** Stage jobs not yet done (created, retry, active). */
  openJobs: number;
  /** Write-back items not yet settled (pending, sending). */
  openWriteBacks: number;
}

async function progress(client: pg.Client): Promise<Progress> {
  const { rows } = await client.query<{ tasks: string; open_jobs: string; open_write_backs: string }>(
    `select (select count(*) from call where fhir_task_id is not null)::text as tasks,
            (select count(*) from pgboss.job where state in ('created', 'retry', 'active'))::text as open_jobs,
            (select count(*) from write_back_item where status in ('pending', 'sending'))::text as open_write_backs`,
  );
  return { tasksWritten: Number(rows[0]!.tasks), openJobs: Number(rows[0]!.open_jobs), openWriteBacks: Number(rows[0]!.open_write_backs) };
}

async function replay(options: { ehr: SandboxEhr; identity: EngineIdentity; kekFile: string; templateName: string; month: ScriptedCall[]; workers: number; kill: boolean }) {
  const { ehr, identity, month } = options;
  const database = `callchart_replay_${process.pid}_${randomBytes(3).toString('hex')}`;
  await sql(adminDatabaseUrl, `create database ${database} template ${options.templateName}`);
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const dataDirs: string[] = [];
  const engines: EngineProcess[] = [];
  const requestsBefore = ehr.stats().requests;
  const watcher = new pg.Client({ connectionString: databaseUrl });
  await watcher.connect();
  const timeline: { seconds: number; tasksWritten: number }[] = [];
  let kill: Record<string, unknown> | null = null;
  try {
    const started = performance.now();
    const spawnWorker = async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-replay-'));
      dataDirs.push(dataDir);
      const engine = await spawnEngine({
        identity, fhirBaseUrl: ehr.baseUrl, dataDir, databaseUrl, settleSeconds: 5, role: 'worker',
        env: { CALLCHART_KEK_FILE: options.kekFile, LOG_LEVEL: 'error', DATABASE_POOL_MAX: '20' },
        // Profiling a run: each worker writes a CPU profile there when it stops.
        ...(process.env.REPLAY_PROFILE_DIR ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.REPLAY_PROFILE_DIR}`, ...(process.env.REPLAY_NODE_IMPORT ? ['--import', process.env.REPLAY_NODE_IMPORT] : [])] } : {}),
        config: {
          ehr: { maxRequestsPerSecond: ehrRps, maxConcurrent: 64 },
          pipeline: { concurrency },
          live: { fanOut: flags['fan-out'] },
        },
      });
      engines.push(engine);
      return engine;
    };
    await Promise.all(Array.from({ length: options.workers }, () => spawnWorker()));
    const listeningSeconds = (performance.now() - started) / 1000;
    let last = await progress(watcher);
    const tasksWhenListening = last.tasksWritten;
    for (;;) {
      const seconds = (performance.now() - started) / 1000;
      last = await progress(watcher);
      timeline.push({ seconds: round(seconds), tasksWritten: last.tasksWritten });
      if (last.openJobs === 0 && last.openWriteBacks === 0) break;
      if (seconds > 3_600) throw new Error(`replay did not finish within an hour: ${JSON.stringify(last)}`);
      if (options.kill && !kill && last.tasksWritten >= month.length * 0.4) {
        kill = await killOne(watcher, engines[0]!, started);
        continue;
      }
      if (kill && kill.pending) await settleKill(watcher, kill, started);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const wallSeconds = (performance.now() - started) / 1000;
    if (kill?.pending) await settleKill(watcher, kill, started);
    const jobs = (await watcher.query<{ name: string; state: string; n: string }>(`select name, state, count(*)::text as n from pgboss.job group by 1, 2 order by 1, 2`)).rows
      .filter((row) => row.state !== 'completed');
    const writeBacks = (await watcher.query<{ kind: string; status: string; n: string }>(`select kind, status, count(*)::text as n from write_back_item group by 1, 2 order by 1, 2`)).rows;
    const reviews = (await watcher.query<{ status: string; n: string }>(`select status, count(*)::text as n from review_item group by 1 order by 1`)).rows;
    const tasks = await countTasks(ehr, month);
    const ehrRequests = ehr.stats().requests - requestsBefore;
    return {
      workers: options.workers, kill: Boolean(kill), wallSeconds: round(wallSeconds), workersListeningSeconds: round(listeningSeconds),
      callsPerSecond: round(month.length / wallSeconds),
      // Once every worker listens (start-up left out): what the workers drain together.
      drainSeconds: round(wallSeconds - listeningSeconds),
      callsPerSecondOnceListening: round((month.length - tasksWhenListening) / (wallSeconds - listeningSeconds)),
      tasks, ehrRequests, ehrRequestsPerCall: round(ehrRequests / month.length),
      unfinishedJobs: jobs.map((row) => `${row.name}:${row.state}:${row.n}`),
      writeBacks: Object.fromEntries(writeBacks.map((row) => [`${row.kind}:${row.status}`, Number(row.n)])),
      reviewItems: Object.fromEntries(reviews.map((row) => [row.status, Number(row.n)])),
      ...(kill ? { killTest: { ...kill, tasksPerSecondAroundKill: throughputAroundKill(timeline, kill.killedAtSeconds as number) } } : {}),
      timeline: thin(timeline),
    };
  } finally {
    await watcher.end().catch(() => undefined);
    for (const engine of engines) await engine.stop().catch(() => undefined);
    await sql(adminDatabaseUrl, `drop database if exists ${database} with (force)`);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * SIGKILL one worker mid-replay. What it held at that moment: stage runs (its claims) and
 * write-back items leased to it. Recovery ends when every one of them has been done by the survivor.
 */
async function killOne(watcher: pg.Client, doomed: EngineProcess, started: number): Promise<Record<string, unknown>> {
  const pid = doomed.child.pid!;
  const beforeKill = await progress(watcher);
  // Everything active now; the survivor's runs finish in a moment, the killed one's wait for the sweep.
  const held = (await watcher.query<{ id: string }>(`select id from pgboss.job where state = 'active'`)).rows.map((row) => row.id);
  const leased = (await watcher.query<{ id: string }>(`select id from write_back_item where status = 'sending'`)).rows.map((row) => row.id);
  doomed.child.kill('SIGKILL');
  const killedAt = performance.now();
  await doomed.exited;
  console.log(`  SIGKILL worker pid ${pid} at ${round((killedAt - started) / 1000)} s with ${beforeKill.tasksWritten} Tasks written; ${held.length} stage runs active, ${leased.length} write-backs leased`);
  return { pending: true, killedAtSeconds: round((killedAt - started) / 1000), killedAt, tasksWrittenAtKill: beforeKill.tasksWritten, heldStageRuns: held, leasedWriteBacks: leased, heldCount: held.length, leasedCount: leased.length };
}

async function settleKill(watcher: pg.Client, kill: Record<string, unknown>, started: number): Promise<void> {
  const now = performance.now();
  const killedAt = kill.killedAt as number;
  const held = kill.heldStageRuns as string[];
  const leased = kill.leasedWriteBacks as string[];
  if (kill.stageRunsRecoveredMs === undefined) {
    const { rows } = await watcher.query<{ n: string }>(`select count(*)::text as n from pgboss.job where id = any($1::uuid[]) and state <> 'completed'`, [held]);
    if (Number(rows[0]!.n) === 0) kill.stageRunsRecoveredMs = Math.round(now - killedAt);
  }
  if (kill.writeBacksRecoveredMs === undefined) {
    const { rows } = await watcher.query<{ n: string }>(`select count(*)::text as n from write_back_item where id = any($1::uuid[]) and status in ('pending', 'sending')`, [leased]);
    if (Number(rows[0]!.n) === 0) kill.writeBacksRecoveredMs = Math.round(now - killedAt);
  }
  if (kill.stageRunsRecoveredMs !== undefined && kill.writeBacksRecoveredMs !== undefined) {
    kill.pending = false;
    delete kill.heldStageRuns;
    delete kill.leasedWriteBacks;
    delete kill.killedAt;
  }
  void started;
}

/** Tasks written per second in the 10 s before the kill and in each 10 s after it (from the timeline). */
function throughputAroundKill(timeline: { seconds: number; tasksWritten: number }[], killedAtSeconds: number) {
  const at = (seconds: number) => {
    const point = timeline.find((entry) => entry.seconds >= seconds) ?? timeline.at(-1)!;
    return point.tasksWritten;
  };
  const rate = (from: number, to: number) => round((at(to) - at(from)) / (to - from));
  return {
    before: rate(killedAtSeconds - 10, killedAtSeconds),
    after: [0, 10, 20, 30].map((offset) => rate(killedAtSeconds + offset, killedAtSeconds + offset + 10)),
  };
}

function thin<T>(points: T[]): T[] {
  const step = Math.max(1, Math.ceil(points.length / 60));
  return points.filter((_, index) => index % step === 0 || index === points.length - 1);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const ehr = await startSandboxEhr({ port: 0, latencyMs: ehrLatencyMs, patientCount: Number(flags.patients) });
const identity = await engineIdentity(ehr);
const kekDir = mkdtempSync(path.join(tmpdir(), 'callchart-replay-kek-'));
const kekFile = path.join(kekDir, 'kek.json');
const month = monthOfCalls(calls);
console.log(`Month replay: ${calls} calls, EHR +${ehrLatencyMs} ms (budget ${ehrRps} requests/s shared), ${concurrency} runs per stage per worker, ${cpus().length} cores`);
console.log('The month arrives (ingest, workers off)…');
const { template, arrival } = await seedTemplate(identity, kekFile, month);
console.log(`  ${arrival.calls} calls, ${arrival.events} events in ${arrival.seconds} s (${arrival.eventsPerSecond} events/s)`);
const templateName = new URL(template.url).pathname.slice(1);
const runs: Awaited<ReturnType<typeof replay>>[] = [];
const outFile = flags.out ?? path.join(import.meta.dirname, 'results', 'month-replay.json');
mkdirSync(path.dirname(outFile), { recursive: true });
/** Written after every run, so a long run that is stopped still leaves what it measured. */
const report = () => {
  const one = runs.find((run) => run.workers === 1 && !run.kill);
  const two = runs.find((run) => run.workers === 2 && !run.kill);
  const result = {
    at: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg().map(round) },
    calls, mix: { urgent: 0.1, missed: 0.15, afterHours: 0.4, queues: { 'front-desk': 0.7, 'nurse-triage': 0.3 } },
    settings: { ehrLatencyMs, ehrRequestsPerSecond: ehrRps, stageConcurrencyPerWorker: concurrency, workerFanOut: flags['fan-out'], patients: Number(flags.patients), settleSeconds: 5 },
    arrival,
    runs,
    speedupTwoOverOne: one && two ? round(two.callsPerSecond / one.callsPerSecond * 10) / 10 : null,
    goals: { wallSecondsAtMost: 300, speedupAtLeast: 1.5, lost: 0, duplicated: 0 },
  };
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  return result;
};
try {
  for (const workers of workerCounts) {
    console.log(`Replay with ${workers} worker process${workers > 1 ? 'es' : ''}…`);
    const run = await replay({ ehr, identity, kekFile, templateName, month, workers, kill: false });
    console.log(`  ${run.wallSeconds} s, ${run.callsPerSecond} calls/s; Tasks ${JSON.stringify(run.tasks)}`);
    runs.push(run);
    report();
  }
  if (flags.kill) {
    console.log('Replay with 2 worker processes, one SIGKILLed at 40%…');
    const run = await replay({ ehr, identity, kekFile, templateName, month, workers: 2, kill: true });
    console.log(`  ${run.wallSeconds} s, ${run.callsPerSecond} calls/s; Tasks ${JSON.stringify(run.tasks)}; ${JSON.stringify(run.killTest)}`);
    runs.push(run);
    report();
  }
} finally {
  await template.drop();
  await ehr.close();
  rmSync(kekDir, { recursive: true, force: true });
}

const result = report();
console.table(Object.fromEntries(runs.map((run) => [
  `${run.workers} worker${run.workers > 1 ? 's' : ''}${run.kill ? ' (one SIGKILLed)' : ''}`,
  { seconds: run.wallSeconds, 'calls/s': run.callsPerSecond, 'start s': run.workersListeningSeconds, 'calls/s once up': run.callsPerSecondOnceListening, 'Tasks': run.tasks.found, lost: run.tasks.lost, duplicated: run.tasks.duplicated, 'EHR req/call': run.ehrRequestsPerCall },
])));
if (result.speedupTwoOverOne !== null) console.log(`2 workers / 1 worker: ${result.speedupTwoOverOne}×`);
process.exit(0);
