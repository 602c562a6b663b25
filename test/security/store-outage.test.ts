import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/calls/call-event.schema.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { adminDatabaseUrl, createScratchDatabase } from '../helpers/backends.ts';
import { eventually, syntheticEvent } from '../helpers/engine-harness.ts';
import { consentEvents } from '../helpers/consent-events.ts';
import { keypadDob } from '../../src/simulator/call-scenarios.ts';
import { engineIdentity, spawnEngine, tasksByCall, type EngineProcess } from '../helpers/engine-process.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

/**
 * Finding 6 (issue 11): the engine died on a PostgreSQL connection reset ("Unhandled 'error'
 * event": a client checked out for a transaction had no error listener), and nothing restarted
 * it. Here PostgreSQL sits behind a TCP proxy the test cuts (every connection reset, new ones
 * refused) while calls arrive, then restores. The engine runs as `callchart serve` in a child
 * process, so a crash is a dead process, exactly as in production.
 *
 * PostgreSQL only: the embedded PGlite store has no connection to reset.
 */
const clinic = generateSyntheticClinic();
/** Adult callers with one chart each: with a keyed date of birth, their summary-only calls need no person. */
const callers = sandboxPhoneScenarios(clinic)
  .uniquePatient.map((scenario) => ({ phone: scenario.phone, birthDate: clinic.patients.find((patient) => patient.id === scenario.patientId)?.birthDate }))
  .filter((caller): caller is { phone: string; birthDate: string } => caller.birthDate !== undefined && caller.birthDate < '1990-01-01');
const outboxQueue = 'demo-summary-only';
const callIds = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => `outage-call-${from + index}`);

describe('PostgreSQL goes away under traffic and comes back (finding 6)', () => {
  let ehr: SandboxEhr;
  let proxy: TcpProxy;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let engine: EngineProcess;
  let dataDir: string;

  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0 });
    scratch = await createScratchDatabase();
    const target = new URL(adminDatabaseUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(scratch.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-outage-'));
    engine = await spawnEngine({ identity: await engineIdentity(ehr), fhirBaseUrl: ehr.baseUrl, dataDir, databaseUrl: viaProxy.toString() });
  });

  afterAll(async () => {
    await engine?.stop();
    await proxy?.close();
    await ehr?.close();
    await scratch?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Throws with the engine's last words when it is gone: a crash must fail loudly, not time out. */
  const assertAlive = () => {
    if (!engine.alive()) throw new Error(`the engine process died:\n${engine.output().slice(-3_000)}`);
  };

  const health = async () => {
    assertAlive();
    const response = await engine.request('/healthz');
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** A PBX: redelivers an event until it is acknowledged (2xx); a 503 means "try again later". */
  const deliver = async (event: CallEvent, seen: number[]): Promise<void> => {
    for (;;) {
      assertAlive();
      const { status } = await engine.post(event);
      seen.push(status);
      if (status === 200 || status === 202) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  /**
   * Even calls: ringing and ended (a Task from the pipeline). Odd calls also go through the
   * write-back outbox: a summary-only queue, every consent, the date of birth keyed, a transcript,
   * so the chart record is approved by policy and waits in the outbox for the EHR.
   */
  const callEvents = (callId: string, index: number): CallEvent[] => {
    const caller = callers[index % callers.length]!;
    const ani = caller.phone;
    if (index % 2 === 0) return [syntheticEvent({ type: 'call.ringing', callId, ani }), syntheticEvent({ type: 'call.ended', callId, ani })];
    const inQueue = (event: CallEvent): CallEvent => ({ ...event, call: { ...event.call, queue: outboxQueue } });
    return [
      syntheticEvent({ type: 'call.ringing', callId, ani }),
      ...consentEvents(callId, ani),
      syntheticEvent({ type: 'ivr.input', callId, ani, data: { kind: 'dtmf', menu: 'dob', value: keypadDob(caller.birthDate) } }),
      syntheticEvent({ type: 'call.ended', callId, ani, data: { transcript: { text: 'Synthetic call. Caller: I would like to book an appointment for next week.' } } }),
    ].map(inQueue);
  };
  const deliverCall = async (callId: string, index: number, seen: number[]) => {
    for (const event of callEvents(callId, index)) await deliver(event, seen);
  };

  it('stays up, says it is degraded, answers webhooks 503 with Retry-After, then resumes and loses no acknowledged call', async () => {
    expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });

    // Acknowledged before the outage: these must reach the chart whatever happens next.
    const before = callIds(0, 6);
    const statuses: number[] = [];
    for (const [index, callId] of before.entries()) await deliverCall(callId, index, statuses);

    // Traffic in flight while the store goes away (four PBX lines, each redelivering until acknowledged).
    const during = callIds(6, 26);
    let next = 0;
    const line = async () => {
      while (next < during.length) {
        const index = next++;
        await deliverCall(during[index]!, 6 + index, statuses);
      }
    };
    const traffic = Promise.all([line(), line(), line(), line()]);
    traffic.catch(() => undefined); // awaited below; a failure meanwhile must not go unhandled
    await eventually(async () => (next >= 4 ? true : null), 30_000, 'traffic to be under way');

    await proxy.cut();
    const refusalsBefore = statuses.filter((status) => status === 503).length;

    // The process lives on and says what is wrong; health does not hang.
    const degraded = await eventually(async () => {
      const answer = await health();
      return answer.status === 503 ? answer : null;
    }, 30_000, '/healthz to report the store down');
    expect(degraded.body).toEqual({ status: 'degraded', storage: 'unavailable' });

    // A webhook is refused in a way a PBX retries: 503 STORE_UNAVAILABLE with Retry-After, never 500.
    const refused = await engine.post(syntheticEvent({ type: 'call.ringing', callId: 'outage-probe', ani: callers[0]!.phone }));
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The outage lasts until the engine has felt it everywhere: PBX redeliveries refused, and the
    // pipeline's heartbeat failed (its pollers and the outbox loop fail alike meanwhile).
    await eventually(async () => (statuses.filter((status) => status === 503).length >= refusalsBefore + 8 ? true : null), 60_000, 'the PBX lines to be refused');
    await eventually(async () => (engine.output().includes('worker heartbeat failed') ? true : null), 60_000, 'a failed heartbeat');
    expect((await health()).status).toBe(503);

    await proxy.restore();
    await eventually(async () => ((await health()).status === 200 ? true : null), 60_000, '/healthz to report the store back');
    expect((await health()).body).toMatchObject({ status: 'ok' });

    // The PBX lines get through once the store is back; new calls are accepted as before.
    await traffic;
    const after = callIds(26, 32);
    for (const [index, callId] of after.entries()) await deliverCall(callId, 26 + index, statuses);
    expect(statuses).not.toContain(500);

    // Nothing acknowledged is lost: every call, before, during and after, becomes exactly one Task.
    const everyCall = [...before, ...during, ...after];
    const tasks = await eventually(async () => {
      assertAlive();
      const byCall = await tasksByCall(ehr);
      return everyCall.every((callId) => byCall.has(`synthetic-pbx/${callId}`)) ? byCall : null;
    }, 120_000, 'a Task for every acknowledged call');
    for (const callId of everyCall) expect(tasks.get(`synthetic-pbx/${callId}`), callId).toHaveLength(1);

    // The write-back outbox resumed too: every chart record approved by policy was delivered (a
    // call the policy sends to a person waits in review, as it should, outage or not).
    const outboxCalls = everyCall.filter((_, index) => index % 2 === 1);
    const sql = new pg.Client({ connectionString: scratch.url });
    await sql.connect();
    try {
      const outcome = await eventually(async () => {
        const { rows } = await sql.query<{ provider_call_id: string; review: string; write_back: string | null }>(
          `select c.provider_call_id, r.status as review, w.status as write_back
             from call c join review_item r on r.call_id = c.id
             left join write_back_item w on w.call_id = c.id and w.kind = 'chart-record'
            where c.provider_call_id = any($1)`,
          [outboxCalls],
        );
        const settled = rows.length === outboxCalls.length && rows.every((row) => row.review === 'pending' || row.write_back === 'delivered');
        return settled ? rows : null;
      }, 120_000, 'every approved chart record delivered through the outbox');
      const delivered = outcome.filter((row) => row.write_back === 'delivered');
      expect(delivered.length).toBeGreaterThanOrEqual(outboxCalls.length / 2); // the outbox really carried most of them
      expect(delivered.every((row) => row.review === 'auto-approved')).toBe(true);
    } finally {
      await sql.end();
    }
    assertAlive();
  }, 300_000);
});
