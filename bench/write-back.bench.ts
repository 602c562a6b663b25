/**
 * Write-back latency (WB-1, IP-1): from the moment the PBX's call.ended event is acknowledged to
 *   - the work item Task in the EHR (every call, whatever the pattern), and
 *   - the chart record (Communication, with the note on the review pattern) for auto-approved
 *     summary-only calls, and for reviewed calls from the approval.
 * Real engine and sockets; the sandbox EHR in its own process with 50 ms added to every response
 * (a remote EHR) and SMART auth on. The pipeline's settle time (default 5 s, which waits for late
 * webhooks such as the transcript) is part of what a clinic sees, so it is included and reported.
 *
 *   npm run bench:write-back                    # both backends, 100 calls each
 *   npm run bench:write-back -- postgres 200    # one backend, N calls
 *
 * Prints a table and writes bench/results/write-back-<backend>.json. Synthetic data only.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Bundle } from '@medplum/fhirtypes';
import { defaultConfig } from '../src/config/config.schema.ts';
import { startEngine } from '../src/engine/engine.ts';
import { createLogger } from '../src/lib/logger.ts';
import { spawnSandboxEhr } from '../src/cli/sandbox-process.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { sendSignedEvent } from '../src/simulator/simulate.client.ts';
import { backendKinds, createScratchDatabase, type BackendKind } from '../test/helpers/backends.ts';
import { issueStaffToken } from '../src/auth/staff-token.ts';
import { SmartBackendTokenProvider } from '../src/ehr/smart-auth.client.ts';
import { callTaskIdentifierSystem } from '../src/ehr/fhir-task.mapper.ts';
import { callIdentifierSystem } from '../src/write-back/chart-record.mapper.ts';
import type { CallEvent } from '../src/calls/call-event.schema.ts';
import { interpreterNeeded } from '../src/ehr/interpreter-need.mapper.ts';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const stats = (values: number[]) => ({ n: values.length, p50: Math.round(percentile(values, 50)), p95: Math.round(percentile(values, 95)), p99: Math.round(percentile(values, 99)), max: Math.round(Math.max(...values)) });

async function benchBackend(kind: BackendKind, calls: number) {
  const clinic = generateSyntheticClinic();
  const scenarios = sandboxPhoneScenarios(clinic);
  const ehr = await spawnSandboxEhr({ port: 0, patients: 240, latencyMs: 50 });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-bench-'));
  const scratch = kind === 'postgres' ? await createScratchDatabase() : null;
  const secret = randomBytes(16).toString('hex');
  const staffTokenSecret = randomBytes(32);
  const engine = await startEngine({
    config: defaultConfig, databaseUrl: scratch?.url, dataDir: kind === 'pglite' ? dataDir : undefined,
    fhirBaseUrl: ehr.baseUrl, ehrAuth: ehr.client ?? false, webhookSecret: secret, staffTokenSecret, dataKey: randomBytes(32), port: 0, logger: createLogger({ level: 'silent' }),
  });
  const reader = ehr.client ? new SmartBackendTokenProvider(ehr.client) : null;
  const nurse = await issueStaffToken(staffTokenSecret, { sub: 'bench-nurse', role: 'nurse', queues: ['*'], extensions: [] });
  const run = randomBytes(3).toString('hex');
  const findInEhr = async (resourceType: string, system: string, value: string) => {
    const response = await fetch(`${ehr.baseUrl}/${resourceType}?identifier=${encodeURIComponent(`${system}|${value}`)}`, {
      headers: reader ? { authorization: `Bearer ${await reader.getAccessToken()}` } : {},
    });
    return (((await response.json()) as Bundle).entry ?? []).length > 0;
  };
  const waitFor = async (probe: () => Promise<boolean>, from: number, timeoutMs = 120_000): Promise<number> => {
    for (;;) {
      if (await probe()) return performance.now() - from;
      if (performance.now() - from > timeoutMs) return Number.NaN;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  // Adults who need no interpreter: a minor's chart or an interpreter need always goes to review, never auto-approved.
  const adults = scenarios.uniquePatient.filter((caller) => {
    const patient = clinic.patients.find((p) => p.id === caller.patientId);
    return (patient?.birthDate ?? '2020') < '2000-01-01' && !interpreterNeeded(patient!, 'en-US');
  });

  const taskMs: number[] = [];
  const summaryOnlyChartMs: number[] = [];
  const approvalToChartMs: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: calls }, async (_, index) => {
    const caller = adults[index % adults.length]!;
    const patient = clinic.patients.find((p) => p.id === caller.patientId)!;
    const pattern = index % 2 === 0 ? 'summary-only' : 'review';
    const callId = `wb-${run}-${index}`;
    const call = { id: callId, ani: caller.phone, dnis: '+16175550100', queue: `demo-${pattern}`, direction: 'inbound' as const };
    const send = (type: CallEvent['type'], data: Record<string, unknown> = {}, suffix: string = type) =>
      sendSignedEvent(engine.url, secret, { id: `${callId}-${suffix}`, provider: 'bench', type, occurredAt: new Date().toISOString(), call, data } as CallEvent);
    await new Promise((resolve) => setTimeout(resolve, index * 20)); // a call every 20 ms, not all at once
    await send('call.ringing');
    for (const scope of ['record', 'transcribe', 'ai', 'ehr']) await send('consent.captured', { scope, granted: true, method: 'ivr' }, `consent-${scope}`);
    const dob = patient.birthDate!;
    await send('ivr.input', { kind: 'dtmf', menu: 'dob', value: `${dob.slice(5, 7)}${dob.slice(8, 10)}${dob.slice(0, 4)}` }, 'dob');
    await send('call.answered');
    await send('transcript.available', { transcript: { text: pattern === 'review' ? 'Synthetic: I need a refill of my lisinopril please.' : 'Synthetic: a question about my bill and my copay.' } });
    const ended = performance.now();
    await send('call.ended');
    taskMs.push(await waitFor(() => findInEhr('Task', callTaskIdentifierSystem, `bench/${callId}`), ended));
    if (pattern === 'summary-only') {
      summaryOnlyChartMs.push(await waitFor(() => findInEhr('Communication', callIdentifierSystem, `bench/${callId}`), ended));
      return;
    }
    // The reviewer approves as soon as the item is in the queue; measured from the approval.
    let reviewId: string | null = null;
    while (!reviewId) {
      const listed = (await (await fetch(`${engine.url}/api/review?limit=500`, { headers: { authorization: `Bearer ${nurse}` } })).json()) as { items: { id: string; callId: string }[] };
      for (const item of listed.items) {
        const opened = (await (await fetch(`${engine.url}/api/review/${item.id}`, { headers: { authorization: `Bearer ${nurse}` } })).json()) as { item: { callId: string } };
        const { rows } = await engine.db.query<{ provider_call_id: string }>('select provider_call_id from call where id = $1', [opened.item.callId]);
        if (rows[0]?.provider_call_id === callId) reviewId = item.id;
      }
      if (!reviewId) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const approved = performance.now();
    const response = await fetch(`${engine.url}/api/review/${reviewId}/approve`, {
      method: 'POST', headers: { authorization: `Bearer ${nurse}`, 'content-type': 'application/json' },
      body: JSON.stringify({ baseVersion: 1, checklist: { patientIdentifiedCorrectly: true, actionAppropriate: true, noUnnecessaryPhi: true, neutralFactualTone: true } }),
    });
    if (!response.ok) throw new Error(`approve answered ${response.status}`);
    approvalToChartMs.push(await waitFor(() => findInEhr('Communication', callIdentifierSystem, `bench/${callId}`), approved));
  }));
  const wallMs = performance.now() - started;
  // What became of the calls that never reached the chart: the outbox and the review queue by state.
  const outbox = (await engine.db.query<{ kind: string; status: string; code: string | null; n: string }>(
    'select kind, status, last_error_code as code, count(*)::text as n from write_back_item group by 1, 2, 3 order by 1, 2, 3')).rows;
  const reviews = (await engine.db.query<{ status: string; reasons: string; n: string }>(
    "select status, array_to_string(reasons, ',') as reasons, count(*)::text as n from review_item group by 1, 2 order by 1, 2")).rows;
  console.log('outbox', JSON.stringify(outbox));
  console.log('review items', JSON.stringify(reviews));

  const result = {
    backend: kind, calls, cpus: cpus().length, ehrLatencyMs: 50, settleSeconds: defaultConfig.pipeline.settleSeconds,
    callEndedToTaskMs: stats(taskMs.filter(Number.isFinite)),
    callEndedToChartRecordSummaryOnlyMs: stats(summaryOnlyChartMs.filter(Number.isFinite)),
    approvalToChartRecordMs: stats(approvalToChartMs.filter(Number.isFinite)),
    timedOut: [...taskMs, ...summaryOnlyChartMs, ...approvalToChartMs].filter((value) => !Number.isFinite(value)).length,
    wallSeconds: Math.round(wallMs / 100) / 10,
  };
  await engine.close();
  await ehr.close();
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });
  return result;
}

const args = process.argv.slice(2);
const kinds = args.filter((arg): arg is BackendKind => (backendKinds as readonly string[]).includes(arg));
const calls = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 100);
mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
for (const kind of kinds.length ? kinds : backendKinds) {
  const result = await benchBackend(kind, calls);
  console.log(`\nWrite-back latency, ${kind}, ${calls} calls (a call every 20 ms), EHR +50 ms, settle ${result.settleSeconds} s, ${result.cpus} cores`);
  console.table({
    'call ended → Task in EHR': result.callEndedToTaskMs,
    'call ended → chart record (summary-only, auto-approved)': result.callEndedToChartRecordSummaryOnlyMs,
    'approval → chart record (reviewed note)': result.approvalToChartRecordMs,
  });
  console.log(`timed out: ${result.timedOut}; wall ${result.wallSeconds} s`);
  writeFileSync(path.join(import.meta.dirname, 'results', `write-back-${kind}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
process.exit(0);
