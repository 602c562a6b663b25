/**
 * Recovery after SIGKILL (issue 11, finding 7): an engine process is killed while an after-call
 * stage is in its hands (held on a slow EHR), and the clock runs from the kill to
 *   - the stage job put back in the queue (PostgreSQL: read from pgboss.job; PGlite cannot be read
 *     from outside the process that has it open),
 *   - the call's Task in the EHR (the whole pipeline run again after the lost stage).
 * Scenarios: PostgreSQL with a live peer process that takes over; PostgreSQL with the process
 * restarted at once (the only process); PGlite restarted at once (its only possible deployment).
 * Before the fix the Task came 6 min 13 s after the kill (pg-boss's 300 s expiry, then maintenance).
 *
 *   npm run bench:recovery              # every scenario, 3 runs each
 *   npm run bench:recovery -- 5         # 5 runs each
 *   npm run bench:recovery -- pglite 1  # one backend
 *
 * Real `callchart serve` processes, the sandbox EHR in this process. Prints a table and writes
 * bench/results/recovery.json. Synthetic data only.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { defaultLivenessTimings } from '../src/pipeline/worker-liveness.service.ts';
import { backendKinds, createScratchDatabase, type BackendKind } from '../test/helpers/backends.ts';
import { eventually, syntheticEvent } from '../test/helpers/engine-harness.ts';
import { engineIdentity, spawnEngine, tasksByCall, type EngineIdentity, type EngineProcess } from '../test/helpers/engine-process.ts';

type Scenario = { backend: BackendKind; takeover: 'peer' | 'restart' };
interface RunResult {
  killToPutBackMs: number | null;
  killToTaskMs: number;
  /** Restart scenarios: how long the new process took to listen (part of killToTaskMs). */
  restartMs: number | null;
}

const phone = sandboxPhoneScenarios(generateSyntheticClinic()).uniquePatient[7]!.phone;
const holdMs = 30_000;

async function run(ehr: SandboxEhr, identity: EngineIdentity, scenario: Scenario, index: number): Promise<RunResult> {
  const scratch = scenario.backend === 'postgres' ? await createScratchDatabase() : null;
  const dataDirs = [mkdtempSync(path.join(tmpdir(), 'callchart-recovery-')), mkdtempSync(path.join(tmpdir(), 'callchart-recovery-'))];
  const engines: EngineProcess[] = [];
  const sql = scratch ? new pg.Client({ connectionString: scratch.url }) : null;
  const spawn = async (dataDir: string) => {
    const tokensBefore = ehr.stats().tokensIssued;
    const engine = await spawnEngine({ identity, fhirBaseUrl: ehr.baseUrl, dataDir, backgroundTimeoutMs: 60_000, ...(scratch ? { databaseUrl: scratch.url } : {}) });
    engines.push(engine);
    await eventually(async () => (ehr.stats().tokensIssued > tokensBefore ? true : null), 30_000, 'the first EHR token');
    return engine;
  };
  try {
    const doomed = await spawn(dataDirs[0]!);
    await sql?.connect();
    const providerCallId = `recovery-${scenario.backend}-${scenario.takeover}-${index}-${Date.now()}`;
    // Hold the first stage on the EHR, then kill the process that holds it.
    ehr.setFaults({ latencyMs: holdMs });
    const requestsBefore = ehr.stats().requests;
    const ended = await doomed.post(syntheticEvent({ type: 'call.ended', callId: providerCallId, ani: phone }));
    if (ended.status !== 202) throw new Error(`call.ended answered ${ended.status}`);
    await eventually(async () => (ehr.stats().requests > requestsBefore ? true : null), 30_000, 'the stage to reach the EHR');
    ehr.setFaults({ latencyMs: 0 });
    const callId = String(ended.body.callId);
    const heldRun = sql ? (await sql.query<{ started_on: Date }>(`select started_on from pgboss.job where state = 'active' and data->>'callId' = $1`, [callId])).rows[0] : undefined;
    if (sql && !heldRun) throw new Error('the stage job is not active in the killed process');
    if (scenario.takeover === 'peer') await spawn(dataDirs[1]!);

    doomed.child.kill('SIGKILL');
    const killedAt = performance.now();
    await doomed.exited;
    let restartMs: number | null = null;
    const restart =
      scenario.takeover === 'restart'
        ? spawn(scenario.backend === 'pglite' ? dataDirs[0]! : dataDirs[1]!).then(() => {
            restartMs = performance.now() - killedAt;
          })
        : Promise.resolve();

    let killToPutBackMs: number | null = null;
    const putBack = sql
      ? eventually(async () => {
          const { rows } = await sql.query<{ state: string; started_on: Date | null }>(`select state, started_on from pgboss.job where name = 'identify-caller' and data->>'callId' = $1`, [callId]);
          const row = rows[0];
          return row && !(row.state === 'active' && row.started_on?.getTime() === heldRun!.started_on.getTime()) ? true : null;
        }, 600_000, 'the stage job put back').then(() => {
          killToPutBackMs = performance.now() - killedAt;
        })
      : Promise.resolve();
    await eventually(async () => ((await tasksByCall(ehr)).has(`synthetic-pbx/${providerCallId}`) ? true : null), 600_000, 'the Task');
    const killToTaskMs = performance.now() - killedAt;
    await Promise.all([restart, putBack]);
    return { killToPutBackMs, killToTaskMs, restartMs };
  } finally {
    ehr.setFaults({ latencyMs: 0 });
    for (const engine of engines) await engine.stop();
    await sql?.end().catch(() => undefined);
    await scratch?.drop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

const summary = (values: (number | null)[]) => {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (known.length === 0) return null;
  return { n: known.length, min: Math.round(known[0]!), median: Math.round(known[Math.floor((known.length - 1) / 2)]!), max: Math.round(known.at(-1)!) };
};

const args = process.argv.slice(2);
const kinds = args.filter((arg): arg is BackendKind => (backendKinds as readonly string[]).includes(arg));
const runs = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 3);
const allScenarios: Scenario[] = [
  { backend: 'postgres', takeover: 'peer' },
  { backend: 'postgres', takeover: 'restart' },
  { backend: 'pglite', takeover: 'restart' },
];
const scenarios = allScenarios.filter((scenario) => kinds.length === 0 || kinds.includes(scenario.backend));

const ehr = await startSandboxEhr({ port: 0 });
const identity = await engineIdentity(ehr);
const results = [];
for (const scenario of scenarios) {
  const samples: RunResult[] = [];
  for (let index = 0; index < runs; index++) {
    const sample = await run(ehr, identity, scenario, index);
    console.log(`${scenario.backend}/${scenario.takeover} run ${index + 1}: Task ${Math.round(sample.killToTaskMs)} ms after SIGKILL`);
    samples.push(sample);
  }
  results.push({
    ...scenario,
    runs,
    killToPutBackMs: summary(samples.map((sample) => sample.killToPutBackMs)),
    killToTaskMs: summary(samples.map((sample) => sample.killToTaskMs)),
    restartMs: summary(samples.map((sample) => sample.restartMs)),
    samples,
  });
}
await ehr.close();

const result = { cpus: cpus().length, timings: defaultLivenessTimings, ehrHoldMs: holdMs, before: { killToTaskMs: 373_000, source: 'issue 11 hostile test (6 min 13 s)' }, scenarios: results };
console.log(`\nRecovery after SIGKILL during after-call work (${runs} runs each; heartbeat ${defaultLivenessTimings.heartbeatMs} ms, stale after ${defaultLivenessTimings.staleAfterMs} ms, sweep every ${defaultLivenessTimings.sweepMs} ms; ${cpus().length} cores)`);
console.table(
  Object.fromEntries(
    results.flatMap((entry) =>
      [
        [`${entry.backend}/${entry.takeover}: SIGKILL → job put back`, entry.killToPutBackMs],
        [`${entry.backend}/${entry.takeover}: SIGKILL → Task in EHR`, entry.killToTaskMs],
        [`${entry.backend}/${entry.takeover}: SIGKILL → new process listening`, entry.restartMs],
      ].filter(([, value]) => value !== null),
    ),
  ),
);
mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(path.join(import.meta.dirname, 'results', 'recovery.json'), `${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
