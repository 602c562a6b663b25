import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { defaultLivenessTimings } from '../src/pipeline/worker-liveness.service.ts';
import { createScratchDatabase } from './helpers/backends.ts';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { issueStaffToken } from '../src/auth/staff-token.ts';
import { connectLiveClient, eventually, syntheticEvent } from './helpers/engine-harness.ts';
import { engineIdentity, spawnEngine, tasksByCall, type EngineIdentity, type EngineProcess } from './helpers/engine-process.ts';

/**
 * Issue 18: many engine processes on one PostgreSQL. Real `callchart serve --role …` children on
 * one scratch database and one sandbox EHR (synthetic patients only). A call accepted by one
 * process and started there is finished by another after the first is SIGKILLed, and a SIGTERM
 * mid-work (a rolling restart) drains: the chart gets each Task exactly once either way, and the
 * single-writer duties (the audit chain first) move to the process that is left.
 */
const phones = sandboxPhoneScenarios(generateSyntheticClinic()).uniquePatient.slice(6, 10).map((scenario) => scenario.phone);
const bin = path.resolve('bin/callchart.js');
/** Holds the first after-call EHR request past the lost-worker threshold (as in orphan-jobs.test.ts). */
const holdMs = defaultLivenessTimings.staleAfterMs + 3 * defaultLivenessTimings.sweepMs + 4_000;

/** `callchart <args>` to its end: exit code and output. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('roles: refused where they cannot work', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-roles-'));
  const configFile = path.join(dataDir, 'serve.yaml');
  writeFileSync(configFile, 'ehr:\n  fhirBaseUrl: http://127.0.0.1:9/fhir/R4\n');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('--role web on the embedded store is refused with the reason (one process per embedded store)', async () => {
    const run = await cli(['serve', '--config', configFile, '--data-dir', dataDir, '--port', '0', '--role', 'web'], { DATABASE_URL: '' });
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/--role web needs PostgreSQL: set DATABASE_URL/);
  });

  it('--role worker (CALLCHART_ROLE) without the shared secrets is refused, naming each variable, before anything starts', async () => {
    const scratch = await createScratchDatabase();
    try {
      const run = await cli(['serve', '--config', configFile, '--data-dir', dataDir, '--port', '0'], {
        CALLCHART_ROLE: 'worker', DATABASE_URL: scratch.url,
        CALLCHART_WEBHOOK_SECRET: '', CALLCHART_STAFF_TOKEN_SECRET: '', CALLCHART_AUDIT_KEY: '', CALLCHART_KEK_FILE: '', CALLCHART_KEK_PROVIDER: '',
      });
      expect(run.code).toBe(2);
      expect(run.output).toMatch(/--role worker .*CALLCHART_WEBHOOK_SECRET, CALLCHART_STAFF_TOKEN_SECRET, CALLCHART_AUDIT_KEY, CALLCHART_KEK_FILE/);
      // Nothing was generated into this machine's data directory for it.
      expect(run.output).not.toMatch(/listening on/);
    } finally {
      await scratch.drop();
    }
  });
});

describe('several engine processes on one PostgreSQL', () => {
  let ehr: SandboxEhr;
  let identity: EngineIdentity;
  const engines: EngineProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0 });
    identity = await engineIdentity(ehr);
  });
  afterEach(async () => {
    ehr.setFaults({ latencyMs: 0 });
    for (const engine of engines.splice(0)) await engine.stop();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await ehr?.close();
  });

  const deployment = async () => {
    const scratch = await createScratchDatabase();
    const root = mkdtempSync(path.join(tmpdir(), 'callchart-scale-'));
    const sql = new pg.Client({ connectionString: scratch.url });
    await sql.connect();
    cleanups.push(async () => {
      await sql.end();
      await scratch.drop();
      rmSync(root, { recursive: true, force: true });
    });
    // The audit checkpoints on storage every worker reaches (production: WORM storage).
    const checkpoints = path.join(root, 'audit-checkpoints.jsonl');
    let count = 0;
    const start = async (role: 'web' | 'worker' | 'all') => {
      const tokensBefore = ehr.stats().tokensIssued;
      const engine = await spawnEngine({
        identity, fhirBaseUrl: ehr.baseUrl, backgroundTimeoutMs: 60_000, databaseUrl: scratch.url, role, drainSeconds: 0.2,
        dataDir: path.join(root, `process-${++count}`), env: { CALLCHART_AUDIT_CHECKPOINT_FILE: checkpoints },
      });
      engines.push(engine);
      // The first SMART token is fetched at start; wait for it so the next EHR request is a stage's.
      await eventually(async () => (ehr.stats().tokensIssued > tokensBefore ? true : null), 30_000, 'the first EHR token');
      return engine;
    };
    return { scratch, sql, start, checkpoints };
  };

  const ready = async (engine: EngineProcess) => (await (await engine.request('/health/ready')).json()) as { status: string; role: string; leading: string[] };

  /** Ends calls at `web` while the EHR holds the first after-call request(s): the stage is mid-work. */
  const endCallsWithStageHeld = async (web: EngineProcess, providerCallIds: readonly string[]): Promise<string[]> => {
    ehr.setFaults({ latencyMs: holdMs });
    const requestsBefore = ehr.stats().requests;
    const callIds: string[] = [];
    for (const [index, providerCallId] of providerCallIds.entries()) {
      const ended = await web.post(syntheticEvent({ type: 'call.ended', callId: providerCallId, ani: phones[index % phones.length]! }));
      expect(ended.status).toBe(202);
      callIds.push(String(ended.body.callId));
    }
    await eventually(async () => (ehr.stats().requests > requestsBefore ? true : null), 30_000, 'an after-call stage to reach the EHR');
    ehr.setFaults({ latencyMs: 0 });
    return callIds;
  };

  const taskFor = (providerCallId: string) =>
    eventually(async () => (await tasksByCall(ehr)).get(`synthetic-pbx/${providerCallId}`) ?? null, 110_000, `the Task for ${providerCallId}`);

  it('a call accepted and started by process A is finished by worker B after A is SIGKILLed: one Task, the audit chain goes on in B', async () => {
    const { sql, start, checkpoints, scratch } = await deployment();
    const a = await start('all');
    expect((await ready(a)).leading).toContain('audit-chain');
    const [callId] = await endCallsWithStageHeld(a, ['scale-kill-1']);
    // B joins while A holds the stage (started earlier, B could have taken the job itself).
    const b = await start('worker');
    // A started first: it leads the single-writer duties; B stands by. B serves health only.
    expect(await ready(b)).toMatchObject({ status: 'ready', role: 'worker', leading: [] });
    expect((await b.request('/api/info')).status).toBe(404);
    // The stage is in A's hands: active in the queue, not finished.
    const { rows } = await sql.query<{ count: number }>(`select count(*)::int as count from pgboss.job where state = 'active' and data->>'callId' = $1`, [callId]);
    expect(rows[0]!.count).toBe(1);

    a.child.kill('SIGKILL');
    await a.exited;

    // B takes the duties over (A's lock session died with it) and the stage run (A's beat stopped).
    await eventually(async () => ((await ready(b)).leading.includes('audit-chain') ? true : null), 20_000, 'B to lead the audit chain');
    expect((await ready(b)).leading).toEqual(expect.arrayContaining(['audit-chain', 'retention-purge', 'callback-sweep', 'alerts', 'event-webhooks', 'on-call-notices']));
    const tasks = await taskFor('scale-kill-1');
    expect(tasks).toHaveLength(1);
    // The takeover is on the record (chained by B shortly after its sweep wrote it).
    const recovered = await eventually(async () => {
      const audit = await sql.query<{ actor: string }>(`select actor from audit_event where object_id = $1 and action = 'pipeline.identify-caller.recovered' and reason = 'WORKER_LOST'`, [callId]);
      return audit.rows[0] ?? null;
    }, 20_000, 'the recovery in the audit log');
    expect(recovered.actor).toBe('system:pipeline-sweep');
    // Each process said what it was, on the record.
    const started = await sql.query<{ role: string }>(`select detail->>'role' as role from audit_event where action = 'engine.started' order by seq`);
    expect(started.rows.map((row) => row.role)).toEqual(['all', 'worker']);

    // One chain, linked by A then B with the deployment's one key: it verifies against the checkpoints.
    await eventually(async () => ((await sql.query<{ n: number }>('select count(*)::int as n from audit_pending')).rows[0]!.n === 0 ? true : null), 20_000, 'B to chain what is pending');
    await b.stop();
    const verify = await cli(['audit', 'verify', '--data-dir', path.dirname(checkpoints), '--checkpoints', checkpoints], { DATABASE_URL: scratch.url, CALLCHART_AUDIT_KEY: identity.auditKey });
    expect(verify.output).toMatch(/intact|verified|ok/i);
    expect(verify.code).toBe(0);
  }, 300_000);

  it('rolling restart behind two web processes: a nurse on one sees the pop of a call that reached the other; a worker SIGTERMed mid-work drains and exits 0; its replacement finishes; a web process does no pipeline work; nothing lost or duplicated', async () => {
    const { start, sql } = await deployment();
    const web = await start('web');
    const first = await start('worker');
    expect(await ready(web)).toMatchObject({ status: 'ready', role: 'web', leading: [] });
    expect((await ready(first)).leading).toContain('audit-chain');

    // A second web process, as behind a load balancer: a nurse connected to it sees the screen pop
    // of a call whose webhooks reach the first (LISTEN/NOTIFY across processes, ADR 0026).
    const otherWeb = await start('web');
    const nurse = await connectLiveClient(otherWeb.url, await issueStaffToken(Buffer.from(identity.staffTokenSecret, 'base64'), { sub: 'scale-nurse', role: 'nurse', queues: ['*'], extensions: [] }));
    const providerCallIds = ['scale-roll-1', 'scale-roll-2', 'scale-roll-3'];
    const ringing = await web.post(syntheticEvent({ type: 'call.ringing', callId: providerCallIds[0]!, ani: phones[0]! }));
    expect(ringing.status).toBe(202);
    const pop = await nurse.waitFor((m): m is Extract<LiveMessage, { type: 'screen-pop' | 'screen-pop.updated' }> => (m.type === 'screen-pop' || m.type === 'screen-pop.updated') && m.screenPop.callId === String(ringing.body.callId) && m.screenPop.complete, 30_000);
    expect(pop.screenPop.patient?.id).toBeTruthy();
    nurse.close();
    const callIds = await endCallsWithStageHeld(web, providerCallIds);
    // The replacement comes up, then the old worker is told to stop while its stage is held.
    const second = await start('worker');
    first.child.kill('SIGTERM');
    // Drained within its bound (exit 0; 1 would mean server.shutdownTimeoutSeconds ran out).
    expect(await first.exited).toEqual({ code: 0, signal: null });

    await eventually(async () => ((await ready(second)).leading.includes('audit-chain') ? true : null), 20_000, 'the replacement to lead the audit chain');
    for (const providerCallId of providerCallIds) expect(await taskFor(providerCallId)).toHaveLength(1);
    // The run it held was handed back at its stop (its lease released), not left for the lost-worker sweep.
    const handedBack = await sql.query<{ actor: string; reason: string }>(
      `select actor, reason from audit_event where object_id = any($1::text[]) and action like 'pipeline.%.recovered'`, [callIds],
    );
    expect(handedBack.rows.length).toBeGreaterThan(0);
    expect(handedBack.rows.every((row) => row.actor === 'system:pipeline-stop' && row.reason === 'WORKER_STOPPED')).toBe(true);
    // The web process was never a worker: it is still serving, with no duty.
    expect(await ready(web)).toMatchObject({ status: 'ready', leading: [] });
    // Every call's Task once, and no Task for a call that was not made.
    const all = await tasksByCall(ehr);
    expect([...all.keys()].filter((key) => key.startsWith('synthetic-pbx/scale-roll-')).sort()).toEqual(providerCallIds.map((id) => `synthetic-pbx/${id}`));
  }, 300_000);
});
