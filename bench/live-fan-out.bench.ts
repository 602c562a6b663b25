/**
 * Live screens across engine processes (issue 18): N calls ringing at once, spread over two
 * `callchart serve` processes on one PostgreSQL, and a nurse on each process watching every queue.
 * Each card is timed from its webhook's send to its arrival at the nurse on the *other* process
 * (it crossed through PostgreSQL LISTEN/NOTIFY) and at the nurse on the same process; routing
 * answers as the PBX saw them. In the same run, the same N calls through one process with
 * `live.fanOut: none` (the single-process numbers of bench/live.bench.ts, measured the same way).
 *
 *   npm run bench:live-fan-out                          # 200 calls, 50 ms EHR latency
 *   npm run bench:live-fan-out -- --calls 400 --latency 50
 *
 * Engines and the sandbox EHR are child processes, the PBX a worker thread (bench/live-load.worker.ts):
 * on this 2-core machine they all share the cores, as processes behind a load balancer on one host
 * would. Writes bench/results/live-fan-out.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { issueStaffToken } from '../src/auth/staff-token.ts';
import { defaultConfig } from '../src/config/config.schema.ts';
import { spawnSandboxEhr, type SpawnedSandboxEhr } from '../src/cli/sandbox-process.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { createScratchDatabase } from '../test/helpers/backends.ts';
import { connectLiveClient } from '../test/helpers/engine-harness.ts';
import type { LoadJob, RingResult } from './live-load.worker.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    latency: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '20' },
  },
});
const callCount = Number(values.calls);
const latencyMs = Number(values.latency);
const warmupCalls = Number(values.warmup);
const budgetMs = defaultConfig.routing.budgetMs;
const bin = path.resolve('bin/callchart.js');
const now = () => performance.timeOrigin + performance.now();

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN) * 10) / 10;
  return { n: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: at(100) };
};

/** Distinct callers as bench/live.bench.ts rings them: two of the clinic's numbers for every stranger. */
function callers(count: number): string[] {
  const scenarios = sandboxPhoneScenarios(generateSyntheticClinic());
  const known = [...scenarios.uniquePatient.map((u) => u.phone), ...scenarios.sharedFamily.map((s) => s.phone), ...scenarios.caregiver.map((c) => c.phone)];
  const strangers: string[] = [];
  for (const area of ['907', '808', '406', '307', '701', '802', '605', '302', '401', '603', '207', '304']) {
    for (let line = 100; line <= 199; line++) strangers.push(`+1${area}555${String(line).padStart(4, '0')}`);
  }
  const mixed: string[] = [];
  let k = 0;
  let s = 0;
  while (mixed.length < count) mixed.push(mixed.length % 3 === 2 || k >= known.length ? strangers[s++]! : known[k++]!);
  return mixed;
}

function onLoadThread<T>(job: LoadJob): Promise<T> {
  return new Promise((resolve, reject) => {
    const entry = new URL('./live-load.worker.ts', import.meta.url).href;
    const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: job });
    worker.once('message', (result: T) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** One deployment's secrets: every process of it gets the same ones from the environment. */
function deploymentEnv(ehr: SpawnedSandboxEhr, databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    CALLCHART_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64url')}`,
    CALLCHART_DATA_KEY: randomBytes(32).toString('base64'),
    CALLCHART_STAFF_TOKEN_SECRET: randomBytes(32).toString('base64'),
    CALLCHART_AUDIT_KEY: randomBytes(32).toString('base64'),
    CALLCHART_KEK_FILE: path.join(tmpdir(), `callchart-bench-kek-${randomBytes(6).toString('hex')}.json`),
    EHR_CLIENT_ID: ehr.client!.clientId,
    EHR_CLIENT_PRIVATE_JWK: JSON.stringify(ehr.client!.privateKey),
    EHR_TOKEN_URL: ehr.tokenUrl,
    LOG_LEVEL: 'error',
  };
}

interface ServeProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `callchart serve` as an operator runs it, with this run's config (the sandbox's EHR budget, `live.fanOut`). */
async function serve(ehr: SpawnedSandboxEhr, env: Record<string, string>, fanOut: 'auto' | 'none'): Promise<ServeProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-bench-fanout-'));
  const configFile = path.join(dataDir, 'callchart.yaml');
  writeFileSync(configFile, [
    'ehr:', `  fhirBaseUrl: ${ehr.baseUrl}`, '  maxRequestsPerSecond: 10000', '  maxConcurrent: 512', '  cacheSeconds: 0',
    'live:', `  fanOut: ${fanOut}`, '',
  ].join('\n'));
  const child = spawn(process.execPath, [bin, 'serve', '--config', configFile, '--data-dir', path.join(dataDir, 'data'), '--port', '0'], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine did not start:\n${output}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`engine exited (${code}):\n${output}`)));
  });
  return {
    url, child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A nurse's display: when each call's first card (who is calling) and complete card arrived. */
async function nurseOn(engineUrl: string, staffTokenSecret: string) {
  const token = await issueStaffToken(Buffer.from(staffTokenSecret, 'base64'), { sub: `bench-nurse-${randomBytes(2).toString('hex')}`, role: 'nurse', queues: ['*'], extensions: [] });
  const display = await connectLiveClient(engineUrl, token);
  const firstCard = new Map<string, number>();
  const fullCard = new Map<string, number>();
  display.socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as LiveMessage;
    if (message.type !== 'screen-pop' && message.type !== 'screen-pop.updated') return;
    const at = now();
    if (!firstCard.has(message.screenPop.callId)) firstCard.set(message.screenPop.callId, at);
    if (message.screenPop.complete && !fullCard.has(message.screenPop.callId)) fullCard.set(message.screenPop.callId, at);
  });
  return { firstCard, fullCard, close: () => display.close() };
}

/** Rings `numbers` at each engine at once (one PBX thread per engine); answers by engine. */
async function ring(targets: Array<{ url: string; numbers: string[] }>, secret: string, label: string) {
  return Promise.all(targets.map((target, index) =>
    onLoadThread<RingResult[]>({ kind: 'ring', engineUrl: target.url, secret, run: `${label}-${index}-${randomBytes(3).toString('hex')}`, numbers: target.numbers })));
}

/** Callchart's call ids of the PBX's calls, once committed, with when each webhook was sent. */
async function sentByCallId(db: pg.Pool, answers: RingResult[]): Promise<Map<string, number>> {
  const byProvider = new Map(answers.map((answer) => [answer.providerCallId, answer.sentAt]));
  const deadline = now() + 60_000;
  for (;;) {
    const { rows } = await db.query<{ id: string; provider_call_id: string }>(
      "select id, provider_call_id from call where provider = 'bench' and provider_call_id = any($1::text[])", [[...byProvider.keys()]],
    );
    if (rows.length === byProvider.size || now() > deadline) return new Map(rows.map((row) => [row.id, byProvider.get(row.provider_call_id)!]));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits (bounded) until the display has every call's complete card, then the latencies. */
async function cardsSeen(display: Display, sent: Map<string, number>) {
  const deadline = now() + 30_000;
  while (now() < deadline && [...sent.keys()].some((id) => !display.fullCard.has(id))) await new Promise((resolve) => setTimeout(resolve, 50));
  return cardsOf([[display, sent]]);
}

type Display = Awaited<ReturnType<typeof nurseOn>>;

/** Card latencies over several (display, calls) pairs, pooled. */
function cardsOf(pairs: Array<[Display, Map<string, number>]>) {
  const since = (seen: Map<string, number>, sent: Map<string, number>) => [...sent].filter(([id]) => seen.has(id)).map(([id, t]) => seen.get(id)! - t);
  const first = pairs.flatMap(([display, sent]) => since(display.firstCard, sent));
  const full = pairs.flatMap(([display, sent]) => since(display.fullCard, sent));
  const expected = pairs.reduce((sum, [, sent]) => sum + sent.size, 0);
  return { firstCardMs: stats(first), completeCardMs: stats(full), missing: expected - first.length };
}

function routing(answers: RingResult[]) {
  const routed = answers.filter((answer) => answer.routed).map((answer) => answer.answeredAt - answer.sentAt);
  return {
    routingAnswerMs: stats(routed), failures: answers.filter((answer) => !answer.routed).length,
    fallbacks: answers.filter((answer) => answer.fallback).length, laterThanBudget: routed.filter((ms) => ms > budgetMs).length,
  };
}

async function onePhase(ehr: SpawnedSandboxEhr, numbers: string[]) {
  const scratch = await createScratchDatabase();
  const env = deploymentEnv(ehr, scratch.url);
  const engine = await serve(ehr, env, 'none');
  const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
  const nurse = await nurseOn(engine.url, env.CALLCHART_STAFF_TOKEN_SECRET!);
  await ring([{ url: engine.url, numbers: numbers.slice(0, warmupCalls) }], env.CALLCHART_WEBHOOK_SECRET!, 'warmup');
  const [answers] = await ring([{ url: engine.url, numbers }], env.CALLCHART_WEBHOOK_SECRET!, 'one');
  const sent = await sentByCallId(pool, answers!);
  const cards = await cardsSeen(nurse, sent);
  nurse.close();
  await pool.end();
  await engine.stop();
  await scratch.drop();
  rmSync(env.CALLCHART_KEK_FILE!, { force: true });
  return { processes: 1, fanOut: 'none', calls: numbers.length, ...routing(answers!), cards };
}

async function twoPhase(ehr: SpawnedSandboxEhr, numbers: string[]) {
  const scratch = await createScratchDatabase();
  const env = deploymentEnv(ehr, scratch.url);
  // One after the other: the first creates the deployment's KEK file, the second reads it.
  const a = await serve(ehr, env, 'auto');
  const b = await serve(ehr, env, 'auto');
  const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
  const nurseA = await nurseOn(a.url, env.CALLCHART_STAFF_TOKEN_SECRET!);
  const nurseB = await nurseOn(b.url, env.CALLCHART_STAFF_TOKEN_SECRET!);
  const warm = numbers.slice(0, warmupCalls);
  await ring([{ url: a.url, numbers: warm }, { url: b.url, numbers: warm }], env.CALLCHART_WEBHOOK_SECRET!, 'warmup');
  // Spread: every other call to each process, all at once.
  const toA = numbers.filter((_, index) => index % 2 === 0);
  const toB = numbers.filter((_, index) => index % 2 === 1);
  const [answersA, answersB] = await ring([{ url: a.url, numbers: toA }, { url: b.url, numbers: toB }], env.CALLCHART_WEBHOOK_SECRET!, 'two');
  const sentA = await sentByCallId(pool, answersA!);
  const sentB = await sentByCallId(pool, answersB!);
  // Crossed: A's calls on B's nurse, B's calls on A's nurse. Local: each on its own process's nurse.
  await cardsSeen(nurseB, sentA);
  await cardsSeen(nurseA, sentB);
  const crossed = cardsOf([[nurseB, sentA], [nurseA, sentB]]);
  const local = cardsOf([[nurseA, sentA], [nurseB, sentB]]);
  const notifications = await pool.query<{ n: string }>("select count(*)::text as n from live_view where kind = 'screen-pop'");
  nurseA.close();
  nurseB.close();
  await pool.end();
  await a.stop();
  await b.stop();
  await scratch.drop();
  rmSync(env.CALLCHART_KEK_FILE!, { force: true });
  return { processes: 2, fanOut: 'postgres', calls: numbers.length, ...routing([...answersA!, ...answersB!]), crossedCards: crossed, localCards: local, cardsStored: Number(notifications.rows[0]!.n) };
}

async function run() {
  const ehr = await spawnSandboxEhr({ port: 0, patients: 240, latencyMs });
  const numbers = callers(callCount);
  const single = await onePhase(ehr, numbers);
  const two = await twoPhase(ehr, numbers);
  await ehr.close();
  return {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    concurrentCalls: callCount,
    ehrLatencyMs: latencyMs,
    routingBudgetMs: budgetMs,
    oneProcess: single,
    twoProcesses: two,
    crossedOverOneProcess: {
      firstCardP99: Math.round((two.crossedCards.firstCardMs.p99 / single.cards.firstCardMs.p99) * 100) / 100,
      completeCardP99: Math.round((two.crossedCards.completeCardMs.p99 / single.cards.completeCardMs.p99) * 100) / 100,
      routingP99: Math.round((two.routingAnswerMs.p99 / single.routingAnswerMs.p99) * 100) / 100,
    },
  };
}

const result = await run();
mkdirSync('bench/results', { recursive: true });
const file = 'bench/results/live-fan-out.json';
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nlive screens across processes: ${result.concurrentCalls} calls ringing at once, EHR latency ${result.ehrLatencyMs} ms, PostgreSQL, ${result.machine.cpus} cores`);
console.table({
  'one process: routing answer': result.oneProcess.routingAnswerMs,
  'one process: first card': result.oneProcess.cards.firstCardMs,
  'one process: complete card': result.oneProcess.cards.completeCardMs,
  'two processes: routing answer': result.twoProcesses.routingAnswerMs,
  'two, crossed: first card': result.twoProcesses.crossedCards.firstCardMs,
  'two, crossed: complete card': result.twoProcesses.crossedCards.completeCardMs,
  'two, same process: first card': result.twoProcesses.localCards.firstCardMs,
  'two, same process: complete card': result.twoProcesses.localCards.completeCardMs,
});
console.log(`missing cards: one process ${result.oneProcess.cards.missing}, crossed ${result.twoProcesses.crossedCards.missing}, same process ${result.twoProcesses.localCards.missing}; routing failures ${result.oneProcess.failures} / ${result.twoProcesses.failures}, later than ${budgetMs} ms: ${result.oneProcess.laterThanBudget} / ${result.twoProcesses.laterThanBudget}`);
console.log(`crossed p99 over one process p99: first card ${result.crossedOverOneProcess.firstCardP99} ×, complete card ${result.crossedOverOneProcess.completeCardP99} ×, routing ${result.crossedOverOneProcess.routingP99} ×`);
console.log(`wrote ${file}`);
process.exit(0);
