/**
 * The live path under load: N calls ringing at once against the sandbox EHR with injected latency.
 *
 *   npm run bench:live                                  # 200 calls, 50 ms EHR latency, PostgreSQL
 *   npm run bench:live -- --calls 1000 --latency 50 --backend pglite
 *
 * For each call: webhook in → routing answer (the ?route=sync response) and webhook in → first
 * card on the staff WebSocket (who is calling) and → complete card (chart summary). Then the same
 * with the EHR down (every request answers 500). Also the bare FHIR search latency, measured in
 * the same run, so Callchart's overhead is a ratio. Writes bench/results/live-<backend>-<calls>.json.
 * The sandbox EHR runs in its own process; the load generator (the PBX) on its own thread
 * (bench/live-load.worker.ts), so its work does not queue behind the engine's.
 *
 * Routing answers are reported against the budget (2 s from arrival, a hard deadline): how many
 * came later than the budget and than budget + 100 ms (as the load generator saw them, so its own
 * queueing counts against Callchart), how many fell back and why (deadline, EHR unavailable), and
 * how much of the EHR's answer the others used (chart, or the caller match alone).
 *
 * Last, commit throughput: --events webhook events (call.answered, no EHR work), --in-flight at a
 * time, through group commit (the default) and through one commit per event (a second engine
 * with `groupCommit: { maxBatch: 1 }`), in the same run, on the same backend, in alternating rounds.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Worker } from 'node:worker_threads';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../src/config/config.schema.ts';
import { startEngine } from '../src/engine/engine.ts';
import { createLogger } from '../src/lib/logger.ts';
import { spawnSandboxEhr } from '../src/cli/sandbox-process.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { issueStaffToken } from '../src/auth/staff-token.ts';
import { createScratchDatabase, type BackendKind } from '../test/helpers/backends.ts';
import { connectLiveClient } from '../test/helpers/engine-harness.ts';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { SmartBackendTokenProvider } from '../src/ehr/smart-auth.client.ts';
import type { EventsResult, LoadJob, RingResult } from './live-load.worker.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    latency: { type: 'string', default: '50' },
    backend: { type: 'string', default: 'postgres' },
    events: { type: 'string', default: '3000' },
    'in-flight': { type: 'string', default: '200' },
    /** The EHR budget's requests in flight (ehr.maxConcurrent); the sandbox's default budget for the benchmark is 512. */
    'max-concurrent': { type: 'string', default: '512' },
    /** Group-commit tuning for the main engine, `<maxBatch>x<maxConcurrentBatches>` (default: the engine's). */
    'group-commit': { type: 'string' },
  },
});
const callCount = Number(values.calls);
const latencyMs = Number(values.latency);
const backend = values.backend as BackendKind;
const throughputEvents = Number(values.events);
const inFlight = Number(values['in-flight']);
const budgetMs = defaultConfig.routing.budgetMs;
const [tunedBatch, tunedConcurrency] = (values['group-commit'] ?? '').split('x').map(Number);
const groupCommitTuning = tunedBatch && tunedConcurrency ? { maxBatch: tunedBatch, maxConcurrentBatches: tunedConcurrency } : undefined;

/** Why a routing decision fell back, from its audit entry (`ehr-timeout`: the deadline came first). */
const fallbackCause: Record<string, string> = { 'ehr-timeout': 'deadline', 'ehr-unavailable': 'EHR unavailable (error, breaker, governor)' };

/** Absolute milliseconds, comparable across threads (the load generator runs on its own). */
const now = () => performance.timeOrigin + performance.now();

/** Runs one job on the load generator's thread (bench/live-load.worker.ts). */
function onLoadThread<T>(job: LoadJob): Promise<T> {
  return new Promise((resolve, reject) => {
    // tsx's loader is per thread: the worker registers it, then loads the TypeScript file.
    const entry = new URL('./live-load.worker.ts', import.meta.url).href;
    const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: job });
    worker.once('message', (result: T) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN) * 10) / 10;
  return { n: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: at(100) };
};

/** Distinct callers: the clinic's own numbers (known, shared, caregivers) then fictional strangers. */
function callers(count: number): string[] {
  const scenarios = sandboxPhoneScenarios(generateSyntheticClinic());
  const known = [...scenarios.uniquePatient.map((u) => u.phone), ...scenarios.sharedFamily.map((s) => s.phone), ...scenarios.caregiver.map((c) => c.phone)];
  const strangers: string[] = [];
  for (const area of ['907', '808', '406', '307', '701', '802', '605', '302', '401', '603', '207', '304']) {
    for (let line = 100; line <= 199; line++) strangers.push(`+1${area}555${String(line).padStart(4, '0')}`);
  }
  // Two known callers for every stranger, as a clinic's phones see it.
  const mixed: string[] = [];
  let k = 0;
  let s = 0;
  while (mixed.length < count) mixed.push(mixed.length % 3 === 2 || k >= known.length ? strangers[s++]! : known[k++]!);
  return mixed;
}

async function run() {
  const ehr = await spawnSandboxEhr({ port: 0, patients: 240, latencyMs });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-bench-live-'));
  const scratch = backend === 'postgres' ? await createScratchDatabase() : null;
  const secret = randomBytes(16).toString('hex');
  const staffTokenSecret = randomBytes(32);
  const config = {
    ...defaultConfig,
    // The sandbox's budget for the benchmark; a clinic sets its EHR's published one.
    ehr: { ...defaultConfig.ehr, maxRequestsPerSecond: 20_000, maxConcurrent: Number(values['max-concurrent']), cacheSeconds: 0 },
  };
  const engine = await startEngine({
    config, databaseUrl: scratch?.url, dataDir: backend === 'pglite' ? dataDir : undefined, fhirBaseUrl: ehr.baseUrl, ehrAuth: ehr.client ?? false,
    webhookSecret: secret, staffTokenSecret, dataKey: randomBytes(32), port: 0, logger: createLogger({ level: 'silent' }), groupCommit: groupCommitTuning,
  });
  const display = await connectLiveClient(engine.url, await issueStaffToken(staffTokenSecret, { sub: 'bench', role: 'nurse', queues: ['*'], extensions: [] }));

  // Bare FHIR search latency, same machine, same moment: the floor Callchart's numbers sit on.
  // Authenticated as the engine is (one token, fetched before timing starts).
  const bareAuth = { authorization: `Bearer ${await new SmartBackendTokenProvider(ehr.client!).getAccessToken()}` };
  const bare: number[] = [];
  for (const phone of callers(60)) {
    const started = performance.now();
    await (await fetch(`${ehr.baseUrl}/Patient?phone=${encodeURIComponent(phone)}&_count=20`, { headers: bareAuth })).arrayBuffer();
    bare.push(performance.now() - started);
  }

  // The same searches Callchart's caller lookup makes for N calls, all at once, straight to the EHR:
  // the EHR's own latency under this load, the fair floor for the card's latency.
  // A busy machine may refuse some of 2 × N connections at once: counted, not fatal.
  const bareUnderLoad: number[] = [];
  let bareUnderLoadFailures = 0;
  await Promise.all(
    callers(callCount).map(async (phone) => {
      const started = performance.now();
      try {
        await Promise.all(['Patient', 'RelatedPerson'].map(async (type) => (await fetch(`${ehr.baseUrl}/${type}?phone=${encodeURIComponent(phone)}&_count=20`, { headers: bareAuth })).arrayBuffer()));
        bareUnderLoad.push(performance.now() - started);
      } catch {
        bareUnderLoadFailures++;
      }
    }),
  );

  const firstCard = new Map<string, number>();
  const fullCard = new Map<string, number>();
  display.socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as LiveMessage;
    // A chart that came after the live path reaches the card as an update: it counts as the full card.
    if (message.type !== 'screen-pop' && message.type !== 'screen-pop.updated') return;
    const at = now();
    if (!firstCard.has(message.screenPop.callId)) firstCard.set(message.screenPop.callId, at);
    if (message.screenPop.complete && !fullCard.has(message.screenPop.callId)) fullCard.set(message.screenPop.callId, at);
  });

  // The server's own view of each routing answer: from the request's arrival (Node's 'request'
  // event, headers read) to the response written. The budget is a deadline from arrival; what the
  // load generator sees on top is its own and the TCP queue's wait on this shared, busy process.
  let serverSide: number[] = [];
  engine.app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!request.url?.includes('route=sync')) return;
    const arrived = now();
    response.once('finish', () => serverSide.push(now() - arrived));
  });

  async function wave(label: string, numbers: string[]) {
    const run = `${label}-${randomBytes(3).toString('hex')}`;
    const sentAt = new Map<string, number>();
    const routed: number[] = [];
    serverSide = [];
    const fallbacks = { count: 0 };
    const failures: number[] = [];
    const answers = await onLoadThread<RingResult[]>({ kind: 'ring', engineUrl: engine.url, secret, run, numbers });
    let routedBeforeCommit = 0;
    const sentByProviderId = new Map<string, number>();
    for (const answer of answers) {
      // 503 with a route: routed by the deadline, the event not yet committed (the PBX delivers it
      // again; here its first commit simply completes). Anything else without a route is a failure.
      const beforeCommit = answer.status === 503 && answer.routed;
      if (answer.status !== 202 && !beforeCommit) {
        failures.push(answer.status);
        continue;
      }
      if (beforeCommit) routedBeforeCommit++;
      routed.push(answer.answeredAt - answer.sentAt);
      if (answer.fallback) fallbacks.count++;
      sentByProviderId.set(answer.providerCallId, answer.sentAt);
    }
    // Cards name Callchart's call id: find each call's id once its event has committed.
    for (const [id, sent] of await callIds(sentByProviderId)) sentAt.set(id, sent);
    // Cards arrive after the acknowledgement; wait for the stragglers (bounded).
    const deadline = now() + 30_000;
    while (now() < deadline && [...sentAt.keys()].some((id) => !fullCard.has(id))) await new Promise((resolve) => setTimeout(resolve, 50));
    const first = [...sentAt].filter(([id]) => firstCard.has(id)).map(([id, t]) => firstCard.get(id)! - t);
    const full = [...sentAt].filter(([id]) => fullCard.has(id)).map(([id, t]) => fullCard.get(id)! - t);
    // What the stored decisions say: how much EHR context they used, and when (server side) they were made.
    const ids = [...sentAt.keys()];
    const storedRows = await eventuallyRows(ids);
    const ehrContext: Record<string, number> = {};
    for (const row of storedRows) ehrContext[row.ehr_context ?? 'unknown'] = (ehrContext[row.ehr_context ?? 'unknown'] ?? 0) + 1;
    // Why the fallbacks fell back, as audited (the reason text of an after-hours route does not say).
    const audited = await engine.db.query<{ reason: string; n: number }>(
      `select reason, count(*)::int as n from (select reason, object_id, action from audit_event union all select reason, object_id, action from audit_pending) a
       where action = 'call.routed' and reason is not null and object_id = any($1::text[]) group by reason`,
      [ids],
    );
    const fallbackWhy = Object.fromEntries(audited.rows.map((row) => [fallbackCause[row.reason] ?? row.reason, row.n]));
    return {
      calls: numbers.length, failures: failures.length, routedBeforeCommit, routingAnswerMs: stats(routed), routingAnswerServerSideMs: stats(serverSide),
      serverAnswersLaterThanBudget: serverSide.filter((ms) => ms > budgetMs).length,
      serverAnswersLaterThanBudgetPlus100: serverSide.filter((ms) => ms > budgetMs + 100).length,
      answersLaterThanBudget: routed.filter((ms) => ms > budgetMs).length,
      answersLaterThanBudgetPlus100: routed.filter((ms) => ms > budgetMs + 100).length,
      decidedAfterArrivalMs: stats(storedRows.map((row) => Number(row.decided_in_ms)).filter(Number.isFinite)),
      decisionsStored: storedRows.length,
      ehrContext,
      firstCardMs: stats(first), completeCardMs: stats(full), routedToFallback: fallbacks.count, fallbackWhy,
    };
  }

  /** Callchart's call ids for the PBX's call ids, once their events have committed (bounded wait). */
  async function callIds(sentByProviderId: Map<string, number>): Promise<Map<string, number>> {
    const deadline = now() + 60_000;
    for (;;) {
      const { rows } = await engine.db.query<{ id: string; provider_call_id: string }>(
        `select id, provider_call_id from call where provider = 'bench' and provider_call_id = any($1::text[])`,
        [[...sentByProviderId.keys()]],
      );
      if (rows.length === sentByProviderId.size || now() > deadline) return new Map(rows.map((row) => [row.id, sentByProviderId.get(row.provider_call_id)!]));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The stored routing decisions of these calls (they may be committed just after the answer). */
  async function eventuallyRows(ids: string[]) {
    const deadline = performance.now() + 30_000;
    for (;;) {
      const { rows } = await engine.db.query<{ ehr_context: string | null; decided_in_ms: string | null }>(
        `select routing->>'ehrContext' as ehr_context, routing->>'decidedInMs' as decided_in_ms from call where id = any($1::uuid[]) and routing is not null`,
        [ids],
      );
      if (rows.length === ids.length || performance.now() > deadline) return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const numbers = callers(callCount);
  const ehrUp = await wave('up', numbers);
  await fetch(ehr.baseUrl.replace(/\/fhir\/R4$/, '/_sandbox/faults'), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'http-500' }) });
  const ehrDown = await wave('down', numbers);
  await fetch(ehr.baseUrl.replace(/\/fhir\/R4$/, '/_sandbox/faults'), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'none' }) });

  display.close();
  // The same events through one commit per event: a second engine on its own store, same EHR.
  // Rounds alternate between the two, so a noisy neighbour on the machine hits both alike.
  const scratch2 = backend === 'postgres' ? await createScratchDatabase() : null;
  const dataDir2 = mkdtempSync(path.join(tmpdir(), 'callchart-bench-live-'));
  const perEventEngine = await startEngine({
    config, databaseUrl: scratch2?.url, dataDir: backend === 'pglite' ? dataDir2 : undefined, fhirBaseUrl: ehr.baseUrl, ehrAuth: ehr.client ?? false,
    webhookSecret: secret, staffTokenSecret, dataKey: randomBytes(32), port: 0, logger: createLogger({ level: 'silent' }), groupCommit: { maxBatch: 1 },
  });
  const rounds = { groupCommit: [] as Round[], onePerEvent: [] as Round[] };
  for (let round = 0; round < 4; round++) {
    rounds.groupCommit.push(await commitThroughput(engine.url, secret, Math.ceil(throughputEvents / 4)));
    rounds.onePerEvent.push(await commitThroughput(perEventEngine.url, secret, Math.ceil(throughputEvents / 4)));
  }
  const groupCommit = summarize(rounds.groupCommit);
  const onePerEvent = summarize(rounds.onePerEvent);
  await engine.close();
  await perEventEngine.close();
  await scratch2?.drop();
  rmSync(dataDir2, { recursive: true, force: true });

  await ehr.close();
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });

  const bareSearch = stats(bare);
  const bareSearchUnderLoad = stats(bareUnderLoad);
  return {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    backend,
    concurrentCalls: callCount,
    groupCommit: groupCommitTuning ?? 'engine default',
    ehrLatencyMs: latencyMs,
    ehrMaxConcurrent: config.ehr.maxConcurrent,
    bareFhirSearchMs: bareSearch,
    bareFhirSearchesAllAtOnceMs: bareSearchUnderLoad,
    bareFhirSearchesAllAtOnceFailures: bareUnderLoadFailures,
    ehrUp,
    ehrDown,
    commitThroughput: {
      events: throughputEvents,
      inFlight,
      groupCommit,
      onePerEvent,
      speedup: Math.round((groupCommit.eventsPerSecond / onePerEvent.eventsPerSecond) * 100) / 100,
    },
    overhead: {
      firstCardP99OverBareSearchP99: Math.round((ehrUp.firstCardMs.p99 / bareSearch.p99) * 100) / 100,
      completeCardP99OverBareSearchP99: Math.round((ehrUp.completeCardMs.p99 / bareSearch.p99) * 100) / 100,
      firstCardP99OverSameLoadSearchP99: Math.round((ehrUp.firstCardMs.p99 / bareSearchUnderLoad.p99) * 100) / 100,
    },
  };
}

/** Webhook events per second through one engine: `throughputEvents` events, `inFlight` at a time. */
interface Round {
  events: number;
  seconds: number;
  failures: number;
  latencies: number[];
}

/** One round of webhook events through one engine: `events` events, `inFlight` at a time. */
async function commitThroughput(engineUrl: string, secret: string, events: number): Promise<Round> {
  const result = await onLoadThread<EventsResult>({ kind: 'events', engineUrl, secret, run: `tp-${randomBytes(3).toString('hex')}`, events, inFlight });
  return { events, ...result };
}

function summarize(rounds: Round[]) {
  const events = rounds.reduce((sum, round) => sum + round.events, 0);
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  return {
    eventsPerSecond: Math.round(events / seconds),
    roundsEventsPerSecond: rounds.map((round) => Math.round(round.events / round.seconds)),
    failures: rounds.reduce((sum, round) => sum + round.failures, 0),
    ackMs: stats(rounds.flatMap((round) => round.latencies)),
  };
}

const result = await run();
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/live-${result.backend}-${result.concurrentCalls}.json`;
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nlive path: ${result.concurrentCalls} calls ringing at once, EHR latency ${result.ehrLatencyMs} ms, ${result.backend}, ${result.machine.cpus} cores`);
console.table({
  'bare FHIR search': result.bareFhirSearchMs,
  [`bare searches, ${result.concurrentCalls} at once`]: result.bareFhirSearchesAllAtOnceMs,
  'EHR up: routing answer': result.ehrUp.routingAnswerMs,
  'EHR up: routing answer, server side': result.ehrUp.routingAnswerServerSideMs,
  'EHR up: first card (who)': result.ehrUp.firstCardMs,
  'EHR up: complete card': result.ehrUp.completeCardMs,
  'EHR down: routing answer': result.ehrDown.routingAnswerMs,
  'EHR down: routing answer, server side': result.ehrDown.routingAnswerServerSideMs,
  'EHR down: card': result.ehrDown.firstCardMs,
});
console.log(`fallback routes: EHR up ${result.ehrUp.routedToFallback}/${result.concurrentCalls} ${JSON.stringify(result.ehrUp.fallbackWhy)}, EHR down ${result.ehrDown.routedToFallback}/${result.concurrentCalls}; failures ${result.ehrUp.failures + result.ehrDown.failures}; routed before the event committed (503 + route): EHR up ${result.ehrUp.routedBeforeCommit}, EHR down ${result.ehrDown.routedBeforeCommit}`);
console.log(`EHR up: EHR context used ${JSON.stringify(result.ehrUp.ehrContext)}; answers later than ${budgetMs} ms: ${result.ehrUp.answersLaterThanBudget}, later than ${budgetMs + 100} ms: ${result.ehrUp.answersLaterThanBudgetPlus100} (server side: ${result.ehrUp.serverAnswersLaterThanBudget}, ${result.ehrUp.serverAnswersLaterThanBudgetPlus100}; EHR down: ${result.ehrDown.answersLaterThanBudget}, ${result.ehrDown.answersLaterThanBudgetPlus100}, server side ${result.ehrDown.serverAnswersLaterThanBudget}, ${result.ehrDown.serverAnswersLaterThanBudgetPlus100}); decided after arrival (server) p99 ${result.ehrUp.decidedAfterArrivalMs.p99} ms`);
console.log(`commit throughput (${result.commitThroughput.events} events in 4 alternating rounds, ${result.commitThroughput.inFlight} in flight): group commit ${result.commitThroughput.groupCommit.eventsPerSecond}/s ${JSON.stringify(result.commitThroughput.groupCommit.roundsEventsPerSecond)} (ack p99 ${result.commitThroughput.groupCommit.ackMs.p99} ms), one commit per event ${result.commitThroughput.onePerEvent.eventsPerSecond}/s ${JSON.stringify(result.commitThroughput.onePerEvent.roundsEventsPerSecond)} (ack p99 ${result.commitThroughput.onePerEvent.ackMs.p99} ms): ${result.commitThroughput.speedup} ×; failures ${result.commitThroughput.groupCommit.failures + result.commitThroughput.onePerEvent.failures}`);
console.log(`overhead: first card p99 = ${result.overhead.firstCardP99OverBareSearchP99} × bare search p99 (one at a time), ${result.overhead.firstCardP99OverSameLoadSearchP99} × the same searches all at once; complete card p99 = ${result.overhead.completeCardP99OverBareSearchP99} ×`);
console.log(`wrote ${file}`);
process.exit(0);
