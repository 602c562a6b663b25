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
 * The sandbox EHR runs in its own process; the engine and the load generator share this one.
 */
import { randomBytes } from 'node:crypto';
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
import { signCtiRequest } from '../src/pbx/cti-signature.ts';
import { issueStaffToken } from '../src/auth/staff-token.ts';
import { createScratchDatabase, type BackendKind } from '../test/helpers/backends.ts';
import { connectLiveClient } from '../test/helpers/engine-harness.ts';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { SmartBackendTokenProvider } from '../src/ehr/smart-auth.client.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    latency: { type: 'string', default: '50' },
    backend: { type: 'string', default: 'postgres' },
  },
});
const callCount = Number(values.calls);
const latencyMs = Number(values.latency);
const backend = values.backend as BackendKind;

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
    ehr: { ...defaultConfig.ehr, maxRequestsPerSecond: 20_000, maxConcurrent: 512, cacheSeconds: 0 },
  };
  const engine = await startEngine({
    config, databaseUrl: scratch?.url, dataDir: backend === 'pglite' ? dataDir : undefined, fhirBaseUrl: ehr.baseUrl, ehrAuth: ehr.client ?? false,
    webhookSecret: secret, staffTokenSecret, dataKey: randomBytes(32), port: 0, logger: createLogger({ level: 'silent' }),
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
  const bareUnderLoad: number[] = [];
  await Promise.all(
    callers(callCount).map(async (phone) => {
      const started = performance.now();
      await Promise.all(['Patient', 'RelatedPerson'].map(async (type) => (await fetch(`${ehr.baseUrl}/${type}?phone=${encodeURIComponent(phone)}&_count=20`, { headers: bareAuth })).arrayBuffer()));
      bareUnderLoad.push(performance.now() - started);
    }),
  );

  const firstCard = new Map<string, number>();
  const fullCard = new Map<string, number>();
  display.socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as LiveMessage;
    if (message.type !== 'screen-pop') return;
    const at = performance.now();
    if (!firstCard.has(message.screenPop.callId)) firstCard.set(message.screenPop.callId, at);
    if (message.screenPop.complete && !fullCard.has(message.screenPop.callId)) fullCard.set(message.screenPop.callId, at);
  });

  async function wave(label: string, numbers: string[]) {
    const run = `${label}-${randomBytes(3).toString('hex')}`;
    const sentAt = new Map<string, number>();
    const routed: number[] = [];
    const fallbacks = { count: 0 };
    const failures: number[] = [];
    await Promise.all(
      numbers.map(async (ani, index) => {
        const body = JSON.stringify({ id: `${run}-${index}`, provider: 'bench', type: 'call.ringing', occurredAt: new Date().toISOString(), call: { id: `${run}-${index}`, ani, dnis: '+16175550100', direction: 'inbound' }, data: {} });
        const started = performance.now();
        const response = await fetch(`${engine.url}/webhooks/cti?route=sync`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'callchart-signature': signCtiRequest(secret, body, Math.floor(Date.now() / 1000)) },
          body,
        });
        const json = (await response.json()) as { callId?: string; routing?: { fallback: boolean } };
        if (response.status !== 202 || !json.callId) {
          failures.push(response.status);
          return;
        }
        routed.push(performance.now() - started);
        if (json.routing?.fallback) fallbacks.count++;
        sentAt.set(json.callId, started);
      }),
    );
    // Cards arrive after the acknowledgement; wait for the stragglers (bounded).
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline && [...sentAt.keys()].some((id) => !fullCard.has(id))) await new Promise((resolve) => setTimeout(resolve, 50));
    const first = [...sentAt].filter(([id]) => firstCard.has(id)).map(([id, t]) => firstCard.get(id)! - t);
    const full = [...sentAt].filter(([id]) => fullCard.has(id)).map(([id, t]) => fullCard.get(id)! - t);
    return { calls: numbers.length, failures: failures.length, routingAnswerMs: stats(routed), firstCardMs: stats(first), completeCardMs: stats(full), routedToFallback: fallbacks.count };
  }

  const numbers = callers(callCount);
  const ehrUp = await wave('up', numbers);
  await fetch(ehr.baseUrl.replace(/\/fhir\/R4$/, '/_sandbox/faults'), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'http-500' }) });
  const ehrDown = await wave('down', numbers);

  display.close();
  await engine.close();
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
    ehrLatencyMs: latencyMs,
    bareFhirSearchMs: bareSearch,
    bareFhirSearchesAllAtOnceMs: bareSearchUnderLoad,
    ehrUp,
    ehrDown,
    overhead: {
      firstCardP99OverBareSearchP99: Math.round((ehrUp.firstCardMs.p99 / bareSearch.p99) * 100) / 100,
      completeCardP99OverBareSearchP99: Math.round((ehrUp.completeCardMs.p99 / bareSearch.p99) * 100) / 100,
      firstCardP99OverSameLoadSearchP99: Math.round((ehrUp.firstCardMs.p99 / bareSearchUnderLoad.p99) * 100) / 100,
    },
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
  'EHR up: first card (who)': result.ehrUp.firstCardMs,
  'EHR up: complete card': result.ehrUp.completeCardMs,
  'EHR down: routing answer': result.ehrDown.routingAnswerMs,
  'EHR down: card': result.ehrDown.firstCardMs,
});
console.log(`fallback routes: EHR up ${result.ehrUp.routedToFallback}/${result.concurrentCalls}, EHR down ${result.ehrDown.routedToFallback}/${result.concurrentCalls}; failures ${result.ehrUp.failures + result.ehrDown.failures}`);
console.log(`overhead: first card p99 = ${result.overhead.firstCardP99OverBareSearchP99} × bare search p99 (one at a time), ${result.overhead.firstCardP99OverSameLoadSearchP99} × the same searches all at once; complete card p99 = ${result.overhead.completeCardP99OverBareSearchP99} ×`);
console.log(`wrote ${file}`);
process.exit(0);
