/**
 * On-call one-tap refill approval to chart (issue 16, AH-1): from the clinician's tap (the POST
 * leaving the phone) to the new MedicationRequest readable in the EHR by its identifier, with the
 * sandbox EHR adding 50 ms to every response (a remote EHR). Real engine on real sockets, the
 * outbox worker, the sandbox EHR over HTTP, the local Twilio stand-in for the notices. Calls are
 * placed and understood first (not timed); then each item is approved in one tap, one at a time.
 *
 *   npx tsx bench/on-call.bench.ts          # 40 approvals
 *   npx tsx bench/on-call.bench.ts 100      # N approvals
 *
 * Prints the numbers and writes bench/results/on-call.json. Synthetic data only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { MedicationRequest } from '@medplum/fhirtypes';
import { startSandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { startTwilioCloud } from '../src/simulator/twilio-cloud.server.ts';
import { refillOrderIdentifierSystem } from '../src/write-back/refill-order.mapper.ts';
import { startHarness } from '../test/helpers/engine-harness.ts';
import { reviewCalls } from '../test/helpers/review-calls.ts';
import { clinicNumber, lisinoprilCallers, onCallPhone, rulesFileWithHours } from '../test/helpers/on-call.ts';

const approvals = Number(process.argv[2] ?? 40);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const stats = (values: number[]) => ({ n: values.length, p50: Math.round(percentile(values, 50)), p95: Math.round(percentile(values, 95)), p99: Math.round(percentile(values, 99)), max: Math.round(Math.max(...values)) });

const ehr = await startSandboxEhr({ port: 0, latencyMs: 50 });
const cloud = await startTwilioCloud();
const harness = await startHarness('pglite', {
  ehr,
  config: {
    routing: { rulesFile: rulesFileWithHours('always-closed'), budgetMs: 2_000 },
    twilio: { accountSid: cloud.accountSid, apiBaseUrl: cloud.url, clinicNumber },
    onCall: { roster: [{ user: 'dr.bench', notify: { sms: onCallPhone }, covers: 'after-hours' }], requestTypes: ['prescription_refill'], nurseTriageQueue: 'nurse-triage' },
  },
  engine: { twilioAuthToken: cloud.authToken },
});
try {
  const calls = reviewCalls(() => harness, () => ehr);
  const token = await harness.token('clinician', ['bench-none'], [], 'dr.bench');
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${harness.engine.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const run = Date.now().toString(36);
  const placed: { itemId: string; noticeId: string }[] = [];
  for (let index = 0; index < approvals; index++) {
    const { item } = await calls.placeCall({ id: `bench-on-call-${run}-${index}`, queue: 'demo-review', dob: true, caller: lisinoprilCallers[index % lisinoprilCallers.length]!, text: 'Synthetic: I need a refill of my lisinopril, I have two days left.' });
    const { rows } = await harness.engine.db.query<{ id: string }>('select id from on_call_notice where review_id = $1', [item.id]);
    if (rows[0]) placed.push({ itemId: item.id, noticeId: rows[0].id });
  }
  const tapToAnswer: number[] = [];
  const tapToChart: number[] = [];
  for (const { itemId, noticeId } of placed) {
    const view = (await api('GET', `/api/on-call/${noticeId}`)).body;
    if (!view.refill) continue;
    const started = performance.now();
    const answer = await api('POST', `/api/on-call/${noticeId}/approve-refill`, { baseVersion: view.item.currentVersion, medicationRequestId: view.refill.medicationRequestId });
    tapToAnswer.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`approve-refill answered ${answer.status}`);
    for (;;) {
      const found = await calls.searchEhr<MedicationRequest>('MedicationRequest', refillOrderIdentifierSystem, `${itemId}/${view.refill.medicationRequestId}`);
      if (found.length) break;
      if (performance.now() - started > 60_000) throw new Error('the refill order never reached the EHR');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    tapToChart.push(performance.now() - started);
  }
  const result = {
    bench: 'on-call', at: new Date().toISOString(), backend: 'pglite', ehrLatencyMs: 50, cpus: cpus().length, notices: placed.length, smsSent: cloud.messages.length,
    // Each search of the poll also waits 50 ms at the EHR: up to ~55 ms of the chart time is the probe's own granularity.
    tapToAnswerMs: stats(tapToAnswer), tapToChartMs: stats(tapToChart),
  };
  console.log(`on-call one-tap refill approval, EHR +50 ms, ${result.notices} notices, ${result.smsSent} SMS`);
  console.table({ 'tap → answer on the phone (ms)': result.tapToAnswerMs, 'tap → MedicationRequest in the EHR (ms)': result.tapToChartMs });
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/on-call.json', `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await harness.close();
  await cloud.close();
  await ehr.close();
}
