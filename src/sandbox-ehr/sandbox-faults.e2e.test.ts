import type { Patient, Task } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FhirClient } from '../ehr/fhir.client.ts';
import { generateEhrClient } from '../ehr/smart-auth.ts';
import { SmartBackendTokenProvider } from '../ehr/smart-auth.client.ts';
import { CallchartError } from '../lib/errors.ts';
import { startSandboxEhr, type SandboxEhr } from './sandbox-ehr.server.ts';
import { INJECTED_FAULT_KINDS } from './sandbox-faults.ts';

async function rejection(promise: Promise<unknown>): Promise<CallchartError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CallchartError);
  return error as CallchartError;
}

const syntheticTask = (value: string): Task => ({
  resourceType: 'Task', status: 'requested', intent: 'order', identifier: [{ system: 'https://callchart.dev/fhir/test', value }], for: { reference: 'Patient/pat-0001' },
});
const ifNoneExist = (value: string) => `identifier=${encodeURIComponent(`https://callchart.dev/fhir/test|${value}`)}`;

describe('sandbox EHR fault injection, and how the FHIR client classifies each fault', () => {
  let ehr: SandboxEhr;
  let tokens: SmartBackendTokenProvider;
  let client: Awaited<ReturnType<typeof generateEhrClient>>;

  beforeAll(async () => {
    client = await generateEhrClient({ clientId: 'chaos' });
    ehr = await startSandboxEhr({ port: 0, patientCount: 20, clients: [{ clientId: 'chaos', jwks: client.jwks }], faultHoldMs: 2_000, faultSeed: 42 });
    tokens = new SmartBackendTokenProvider({ ...client.credentials, tokenUrl: ehr.tokenUrl, scopes: ['system/*.cruds'] });
  });
  afterEach(() => ehr.setFaults({ mode: 'none', failRate: 0, tokenFailRate: 0, latencyMs: 0, resourceTypes: [] }));
  afterAll(async () => ehr?.close());

  // A new client per case: its own circuit breaker, so one case's faults cannot open it for the next.
  const fhirClient = (timeoutMs = 5_000) => new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs, tokenProvider: tokens, breakerThreshold: 1_000 });
  const countTasks = async (value: string) => (await fhirClient().search<Task>('Task', { identifier: `https://callchart.dev/fhir/test|${value}` })).length;

  it('with failRate 1 every FHIR request fails, each of the four kinds turns up, and stats count them', async () => {
    const token = await tokens.getAccessToken();
    const before = ehr.stats().faults;
    ehr.setFaults({ failRate: 1 });
    const statuses: string[] = [];
    await Promise.all(Array.from({ length: 40 }, async () => {
      try {
        const response = await fetch(`${ehr.baseUrl}/Patient/pat-0001`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(1_000) });
        statuses.push(`${response.status}${response.headers.get('retry-after') ? ` retry-after ${response.headers.get('retry-after')}` : ''}`);
      } catch (error) {
        statuses.push((error as Error).name === 'TimeoutError' ? 'timeout' : 'connection error');
      }
    }));
    expect(statuses).not.toContain('200');
    expect(new Set(statuses)).toEqual(new Set(['500', '429 retry-after 1', 'timeout', 'connection error']));
    const after = ehr.stats().faults;
    const injected = INJECTED_FAULT_KINDS.map((kind) => after[kind] - before[kind]);
    expect(injected.every((n) => n > 0)).toBe(true);
    expect(injected.reduce((a, b) => a + b, 0)).toBe(40);
    // Neither the CapabilityStatement nor the token endpoint is subject to failRate.
    expect((await fetch(`${ehr.baseUrl}/metadata`)).status).toBe(200);
    expect(await new SmartBackendTokenProvider({ ...client.credentials, tokenUrl: ehr.tokenUrl, scopes: ['system/Patient.rs'] }).getAccessToken()).toBeTruthy();
  });

  it('a reset before the write is applied: ambiguous for the client (it cannot know), and nothing is in the chart', async () => {
    const value = `reset-${randomUUID()}`;
    ehr.setFaults({ mode: 'reset-before-apply' });
    const error = await rejection(fhirClient().conditionalCreate(syntheticTask(value), ifNoneExist(value)));
    expect(error).toMatchObject({ code: 'EHR_CONNECTION_LOST', retry: 'ambiguous' });
    // A read that loses its connection is simply retried.
    expect(await rejection(fhirClient().read('Patient', 'pat-0001'))).toMatchObject({ code: 'EHR_UNAVAILABLE', retry: 'transient' });
    ehr.setFaults({ mode: 'none' });
    expect(await countTasks(value)).toBe(0);
  });

  it('a timeout after the write was applied: EHR_TIMEOUT (ambiguous), the Task is there, and the conditional replay finds it', async () => {
    const value = `timeout-${randomUUID()}`;
    ehr.setFaults({ mode: 'timeout-after-apply' });
    const error = await rejection(fhirClient(500).conditionalCreate(syntheticTask(value), ifNoneExist(value)));
    expect(error).toMatchObject({ code: 'EHR_TIMEOUT', retry: 'ambiguous' });
    ehr.setFaults({ mode: 'none' });
    expect(await countTasks(value)).toBe(1);
    const replay = await fhirClient().conditionalCreate(syntheticTask(value), ifNoneExist(value));
    expect(replay.created).toBe(false);
    expect(await countTasks(value)).toBe(1);
  });

  it('429 carries Retry-After to the caller as retryAfterSeconds; 500 is transient', async () => {
    ehr.setFaults({ mode: 'http-429' });
    expect(await rejection(fhirClient().read('Patient', 'pat-0001'))).toMatchObject({ code: 'EHR_UNAVAILABLE', retry: 'transient', detail: { status: 429, retryAfterSeconds: 1 } });
    ehr.setFaults({ mode: 'http-500' });
    const serverError = await rejection(fhirClient().conditionalCreate(syntheticTask('x'), ifNoneExist('x')));
    expect(serverError).toMatchObject({ code: 'EHR_UNAVAILABLE', retry: 'transient', detail: { status: 500 } });
    expect(serverError.detail).not.toHaveProperty('retryAfterSeconds');
  });

  it('says when its circuit is open, so the outbox can wait instead of burning attempts', async () => {
    const fragile = new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs: 5_000, tokenProvider: tokens, breakerThreshold: 2 });
    expect(fragile.isCircuitOpen()).toBe(false);
    ehr.setFaults({ mode: 'http-500' });
    for (let i = 0; i < 2; i++) await rejection(fragile.read('Patient', 'pat-0001'));
    expect(fragile.isCircuitOpen()).toBe(true);
    expect(await rejection(fragile.read('Patient', 'pat-0001'))).toMatchObject({ code: 'EHR_UNAVAILABLE', message: expect.stringMatching(/circuit open/) });
  });

  it('stops saying "open" once the open period is over, so a caller that checks first makes the trial request', async () => {
    const fragile = new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs: 5_000, tokenProvider: tokens, breakerThreshold: 2, breakerHalfOpenMs: 200 });
    ehr.setFaults({ mode: 'http-500' });
    for (let i = 0; i < 2; i++) await rejection(fragile.read('Patient', 'pat-0001'));
    expect(fragile.isCircuitOpen()).toBe(true);
    ehr.setFaults({ mode: 'none' });
    // Without this the outbox would wait forever: the breaker half-opens only when something is tried.
    await vi.waitFor(() => expect(fragile.isCircuitOpen()).toBe(false), { timeout: 10_000, interval: 10 });
    await fragile.read('Patient', 'pat-0001');
    expect(fragile.isCircuitOpen()).toBe(false);
  });

  it('connection refused is transient even for a write: nothing was sent', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const nowhere = new FhirClient({ baseUrl: `http://127.0.0.1:${port}/fhir/R4`, timeoutMs: 2_000 });
    expect(await rejection(nowhere.conditionalCreate(syntheticTask('y'), ifNoneExist('y')))).toMatchObject({ code: 'EHR_UNAVAILABLE', retry: 'transient', detail: { network: 'ECONNREFUSED' } });
  });

  it('PUT /_sandbox/faults sets failRate, latency and mode at runtime, and refuses nonsense', async () => {
    const url = ehr.baseUrl.replace(/\/fhir\/R4$/, '/_sandbox/faults');
    const put = (body: unknown) => fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const set = await put({ failRate: 0.25, latencyMs: 5, mode: 'none' });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ failRate: 0.25, latencyMs: 5, mode: 'none', tokenFailRate: 0 });
    expect((await put({ failRate: 2 })).status).toBe(400);
    expect((await put({ mode: 'explode' })).status).toBe(400);
    expect(() => ehr.setFaults({ failRate: -1 })).toThrow(/failRate/);
    expect((await put({ resourceTypes: ['not a type'] })).status).toBe(400);
  });

  it('aims faults at some resource types only: the chart fails while the caller lookup answers', async () => {
    const url = ehr.baseUrl.replace(/\/fhir\/R4$/, '/_sandbox/faults');
    const set = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'http-500', resourceTypes: ['Condition', 'AllergyIntolerance'] }) });
    expect(await set.json()).toMatchObject({ mode: 'http-500', resourceTypes: ['Condition', 'AllergyIntolerance'] });
    const fhir = fhirClient();
    expect((await fhir.read<Patient>('Patient', 'pat-0001')).id).toBe('pat-0001');
    expect(await rejection(fhir.search('Condition', { patient: 'Patient/pat-0001' }))).toMatchObject({ code: 'EHR_UNAVAILABLE', detail: { status: 500 } });
    expect(await rejection(fhir.search('AllergyIntolerance', { patient: 'Patient/pat-0001' }))).toMatchObject({ code: 'EHR_UNAVAILABLE', detail: { status: 500 } });
  });

  it('close() does not wait out a held response', async () => {
    const held = await startSandboxEhr({ port: 0, patientCount: 10, auth: false });
    held.setFaults({ mode: 'timeout-after-apply' });
    const pending = fetch(`${held.baseUrl}/Patient/pat-0001`).catch(() => 'dropped');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = await Promise.race([held.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000))]);
    expect(closed).toBe('closed');
    expect(await pending).toBe('dropped');
  });

  it('close() does not wait for a client to let go of a connection after a response it gave up on', async () => {
    // What an engine does on a timeout-after-apply: gives up on the answer, then asks again. Before,
    // the server still counted a connection busy afterwards and close() waited for the client's
    // keep-alive to lapse (4 s for fetch; 68 s for an engine's client in races-and-config).
    const held = await startSandboxEhr({ port: 0, patientCount: 10, auth: false });
    held.setFaults({ mode: 'timeout-after-apply' });
    const abandoned = await fetch(`${held.baseUrl}/Patient/pat-0001`, { signal: AbortSignal.timeout(300) }).then(() => 'answered', (error: Error) => error.name);
    expect(abandoned).toBe('TimeoutError');
    held.setFaults({ mode: 'none' });
    expect((await fetch(`${held.baseUrl}/Patient/pat-0001`)).status).toBe(200);
    const closed = await Promise.race([held.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2_000))]);
    expect(closed).toBe('closed');
  });
});
