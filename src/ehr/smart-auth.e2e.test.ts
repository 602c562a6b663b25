import type { Patient, Task } from '@medplum/fhirtypes';
import { decodeJwt, decodeProtectedHeader, exportPKCS8, generateKeyPair, exportJWK } from 'jose';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallchartError } from '../lib/errors.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { FhirClient } from './fhir.client.ts';
import { generateEhrClient, parseRetryAfter } from './smart-auth.ts';
import { SmartBackendTokenProvider } from './smart-auth.client.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<CallchartError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CallchartError);
  return error as CallchartError;
}

describe('SMART Backend Services token provider against the sandbox EHR', () => {
  let ehr: SandboxEhr;
  let client: Awaited<ReturnType<typeof generateEhrClient>>;
  const scopes = ['system/Patient.rs', 'system/Task.cru'];

  beforeAll(async () => {
    client = await generateEhrClient({ clientId: 'callchart-e2e' });
    ehr = await startSandboxEhr({ port: 0, patientCount: 20, clients: [{ clientId: 'callchart-e2e', jwks: client.jwks }] });
  });
  afterAll(async () => ehr?.close());

  const provider = (overrides: Partial<ConstructorParameters<typeof SmartBackendTokenProvider>[0]> = {}) =>
    new SmartBackendTokenProvider({ ...client.credentials, tokenUrl: ehr.tokenUrl, scopes, ...overrides });

  it('signs an assertion with iss = sub = client id, aud = token URL, a unique jti and a 5-minute expiry', async () => {
    const tokens = provider();
    const first = await tokens.createClientAssertion();
    const second = await tokens.createClientAssertion();
    const claims = decodeJwt(first);
    expect(decodeProtectedHeader(first)).toMatchObject({ alg: 'ES384', kid: client.credentials.keyId, typ: 'JWT' });
    expect(claims).toMatchObject({ iss: 'callchart-e2e', sub: 'callchart-e2e', aud: ehr.tokenUrl });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.jti).toBeTruthy();
    expect(decodeJwt(second).jti).not.toBe(claims.jti);
  });

  it('caches the token: many requests, one token request', async () => {
    const tokens = provider();
    const fhir = new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs: 5_000, tokenProvider: tokens });
    for (let i = 0; i < 5; i++) expect((await fhir.read<Patient>('Patient', 'pat-0001')).id).toBe('pat-0001');
    expect(tokens.stats()).toEqual({ tokenRequests: 1, cachedScope: 'system/Patient.rs system/Task.cru' });
  });

  it('single flight: 20 concurrent callers share one token request', async () => {
    const tokens = provider();
    const results = await Promise.all(Array.from({ length: 20 }, () => tokens.getAccessToken()));
    expect(new Set(results).size).toBe(1);
    expect(tokens.stats().tokenRequests).toBe(1);
  });

  it('refreshes in the background within 60 s of expiry, and waits only once the token has expired', async () => {
    let now = Date.now();
    const tokens = provider({ clock: () => now });
    const first = await tokens.getAccessToken();
    now += 250_000; // 50 s left: still answered at once, a refresh starts behind it
    expect(await tokens.getAccessToken()).toBe(first);
    // The refresh behind it lands: a later caller gets the new token at once, from that one refresh.
    const second = await vi.waitFor(async () => {
      const token = await tokens.getAccessToken();
      expect(token).not.toBe(first);
      return token;
    }, { timeout: 10_000, interval: 10 });
    expect(tokens.stats().tokenRequests).toBe(2);
    now += 400_000; // past expiry of the second: the caller waits for a third
    const third = await tokens.getAccessToken();
    expect(third).not.toBe(second);
    expect(tokens.stats().tokenRequests).toBe(3);
  });

  it('on a 401 from FHIR gets a fresh token and retries once', async () => {
    const tokens = provider();
    const fhir = new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs: 5_000, tokenProvider: tokens });
    await fhir.read('Patient', 'pat-0001');
    const before = ehr.stats().unauthorized;
    ehr.revokeAccessTokens(); // the EHR dropped every token (key rotation, restart)
    const task = await fhir.conditionalCreate<Task>({ resourceType: 'Task', status: 'requested', intent: 'order', identifier: [{ system: 'urn:test', value: 'retry-401' }] }, 'identifier=urn:test|retry-401');
    expect(task.created).toBe(true);
    expect(ehr.stats().unauthorized).toBe(before + 1);
    expect(tokens.stats().tokenRequests).toBe(2);
  });

  it('classifies a refused client as permanent EHR_AUTH_REJECTED, and does not hammer the token endpoint', async () => {
    const stranger = await generateEhrClient({ clientId: 'not-registered' });
    const tokens = new SmartBackendTokenProvider({ ...stranger.credentials, tokenUrl: ehr.tokenUrl, scopes });
    const error = await rejection(tokens.getAccessToken());
    expect(error).toMatchObject({ code: 'EHR_AUTH_REJECTED', retry: 'permanent', detail: { stage: 'token', status: 400, error: 'invalid_client' } });
    await rejection(tokens.getAccessToken());
    expect(tokens.stats().tokenRequests).toBe(1);
    const fhir = new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs: 5_000, tokenProvider: tokens });
    expect(await rejection(fhir.read('Patient', 'pat-0001'))).toMatchObject({ code: 'EHR_AUTH_REJECTED' });
  });

  it('classifies an unreachable or failing token endpoint as transient EHR_UNAVAILABLE', async () => {
    const down = provider({ tokenUrl: `http://127.0.0.1:${await closedPort()}/oauth2/token` });
    expect(await rejection(down.getAccessToken())).toMatchObject({ code: 'EHR_UNAVAILABLE', retry: 'transient' });
    ehr.setFaults({ tokenFailRate: 1 });
    try {
      for (let i = 0; i < 4; i++) expect(await rejection(provider().getAccessToken())).toMatchObject({ code: 'EHR_UNAVAILABLE', retry: 'transient' });
    } finally {
      ehr.setFaults({ tokenFailRate: 0 });
    }
    expect(await provider().getAccessToken()).toBeTruthy();
  });

  it('answers 403 for a scope it was not granted as EHR_AUTH_REJECTED, without echoing the token', async () => {
    const tokens = provider({ scopes: ['system/Task.cru'] });
    const fhir = new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs: 5_000, tokenProvider: tokens });
    const error = await rejection(fhir.read('Patient', 'pat-0001'));
    expect(error).toMatchObject({ code: 'EHR_AUTH_REJECTED', retry: 'permanent', detail: { status: 403, issues: ['error:forbidden'] } });
    const token = await tokens.getAccessToken();
    expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain(token);
  });

  it('signs with an RSA key given as PKCS#8 PEM (RS384)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS384', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rsa-pem', alg: 'RS384' };
    ehr.registerClient({ clientId: 'pem-client', jwks: { keys: [jwk] }, scopes: ['system/Patient.rs'] });
    const tokens = new SmartBackendTokenProvider({ clientId: 'pem-client', privateKey: await exportPKCS8(privateKey), keyId: 'rsa-pem', algorithm: 'RS384', tokenUrl: ehr.tokenUrl, scopes: ['system/Patient.rs'] });
    const fhir = new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs: 5_000, tokenProvider: tokens });
    expect((await fhir.read<Patient>('Patient', 'pat-0002')).id).toBe('pat-0002');
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('1')).toBe(1);
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
