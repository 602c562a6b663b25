import type { Bundle, CapabilityStatement, OperationOutcome } from '@medplum/fhirtypes';
import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEhrClient } from '../ehr/smart-auth.ts';
import { startSandboxEhr, type SandboxEhr } from './sandbox-ehr.server.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('sandbox EHR: SMART Backend Services', () => {
  let ehr: SandboxEhr;
  let client: Awaited<ReturnType<typeof generateEhrClient>>;
  let rsaClient: Awaited<ReturnType<typeof generateEhrClient>>;

  beforeAll(async () => {
    client = await generateEhrClient({ clientId: 'writer' });
    rsaClient = await generateEhrClient({ clientId: 'rsa-reader', algorithm: 'RS384' });
    ehr = await startSandboxEhr({
      port: 0,
      patientCount: 20,
      clients: [
        // Registered for exactly what write-back needs, nothing more.
        { clientId: 'writer', jwks: client.jwks, scopes: ['system/Task.cru', 'system/Communication.c', 'system/Patient.rs'] },
        { clientId: 'rsa-reader', jwks: rsaClient.jwks, scopes: ['system/*.rs'] },
      ],
    });
  });
  afterAll(async () => ehr?.close());

  /** A client assertion with any claim overridden, signed with the given client's key. */
  async function assertion(overrides: { iss?: string; sub?: string; aud?: string; exp?: number; jti?: string; alg?: string } = {}, who = client): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const alg = overrides.alg ?? who.credentials.algorithm;
    const key = await importJWK(who.credentials.privateKey, alg);
    return new SignJWT({})
      .setProtectedHeader({ alg, kid: who.credentials.keyId, typ: 'JWT' })
      .setIssuer(overrides.iss ?? who.credentials.clientId)
      .setSubject(overrides.sub ?? who.credentials.clientId)
      .setAudience(overrides.aud ?? ehr.tokenUrl)
      .setJti(overrides.jti ?? randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(overrides.exp ?? now + 300)
      .sign(key);
  }

  async function requestToken(clientAssertion: string, scope: string, extra: Record<string, string> = {}) {
    const response = await fetch(ehr.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion, scope, ...extra }).toString(),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  const fhir = (path: string, init: { token?: string; method?: string; body?: unknown } = {}) =>
    fetch(`${ehr.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/fhir+json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body ? { 'content-type': 'application/fhir+json' } : {}),
      },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });

  it('advertises the token endpoint in an open CapabilityStatement and SMART configuration', async () => {
    const metadata = await fhir('/metadata');
    expect(metadata.status).toBe(200);
    const statement = (await metadata.json()) as CapabilityStatement;
    const oauth = statement.rest?.[0]?.security?.extension?.[0]?.extension?.find((e) => e.url === 'token');
    expect(oauth?.valueUri).toBe(ehr.tokenUrl);
    const smart = (await (await fetch(`${ehr.baseUrl}/.well-known/smart-configuration`)).json()) as Record<string, unknown>;
    expect(smart.token_endpoint).toBe(ehr.tokenUrl);
    expect(smart.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS384', 'ES384']);
  });

  it('issues a 5-minute bearer token for a valid ES384 assertion, with scopes narrowed to the registration', async () => {
    const { status, headers, body } = await requestToken(await assertion(), 'system/Task.cruds system/Patient.rs system/Condition.rs');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'system/Task.cru system/Patient.rs' });
    expect(typeof body.access_token).toBe('string');
    expect((await fhir('/Patient/pat-0001', { token: body.access_token as string })).status).toBe(200);
  });

  it('accepts RS384 and v1 scope syntax', async () => {
    const { status, body } = await requestToken(await assertion({}, rsaClient), 'system/Patient.read system/Task.write');
    expect(status).toBe(200);
    // The reader may read; write was never registered for it.
    expect(body.scope).toBe('system/Patient.rs');
  });

  it('refuses a replayed assertion (same jti), even one that worked the first time', async () => {
    const once = await assertion({ jti: `replay-${randomUUID()}` });
    expect((await requestToken(once, 'system/Task.cru')).status).toBe(200);
    const replay = await requestToken(once, 'system/Task.cru');
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_client', error_description: expect.stringMatching(/jti/) });
  });

  it.each([
    ['an audience other than the token endpoint', { aud: 'https://other.example/token' }, /aud/],
    ['iss and sub that differ', { sub: 'someone-else' }, /sub/],
    ['an expiry more than 5 minutes ahead', { exp: Math.floor(Date.now() / 1000) + 3600 }, /5 minutes/],
    ['an expired assertion', { exp: Math.floor(Date.now() / 1000) - 120 }, /expired/],
    ['an unknown client', { iss: 'stranger', sub: 'stranger' }, /unknown client/],
  ])('refuses %s as invalid_client', async (_name, overrides, reason) => {
    const { status, body } = await requestToken(await assertion(overrides), 'system/Task.cru');
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(reason);
  });

  it('refuses an assertion signed with a key that is not registered, or with HS256', async () => {
    const { privateKey } = await generateKeyPair('ES384');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'ES384', kid: client.credentials.keyId })
      .setIssuer('writer').setSubject('writer').setAudience(ehr.tokenUrl).setJti(randomUUID()).setExpirationTime(now + 120).sign(privateKey);
    expect((await requestToken(forged, 'system/Task.cru')).body).toMatchObject({ error: 'invalid_client', error_description: expect.stringMatching(/signature/) });
    const symmetric = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' })
      .setIssuer('writer').setSubject('writer').setAudience(ehr.tokenUrl).setJti(randomUUID()).setExpirationTime(now + 120).sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await requestToken(symmetric, 'system/Task.cru')).body.error).toBe('invalid_client');
  });

  it('refuses a wrong grant type, a missing assertion and scopes it cannot grant', async () => {
    expect((await requestToken(await assertion(), 'system/Task.cru', { grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
    expect((await requestToken('', 'system/Task.cru')).body.error).toBe('invalid_request');
    expect((await requestToken(await assertion(), 'system/Observation.rs patient/*.read')).body.error).toBe('invalid_scope');
  });

  it('answers 401 with WWW-Authenticate without a token, with an unknown one, and after revocation', async () => {
    const missing = await fhir('/Patient/pat-0001');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    expect(((await missing.json()) as OperationOutcome).issue[0]?.code).toBe('login');
    const unknown = await fhir('/Patient/pat-0001', { token: 'not-a-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);

    const { body } = await requestToken(await assertion(), 'system/Patient.rs');
    expect((await fhir('/Patient/pat-0001', { token: body.access_token as string })).status).toBe(200);
    ehr.revokeAccessTokens();
    expect((await fhir('/Patient/pat-0001', { token: body.access_token as string })).status).toBe(401);
  });

  it('answers 403 OperationOutcome when the scopes do not cover the type and interaction', async () => {
    const { body } = await requestToken(await assertion(), 'system/Task.cru system/Communication.c');
    const token = body.access_token as string;
    const task = { resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: 'Patient/pat-0001' } };
    const created = await fhir('/Task', { token, method: 'POST', body: task });
    expect(created.status).toBe(201);
    // Task.cru has no search (s) and no delete (d); nothing at all on Patient.
    for (const [method, path] of [['GET', '/Task?patient=Patient/pat-0001'], ['DELETE', `/Task/${((await created.json()) as { id: string }).id}`], ['GET', '/Patient/pat-0001'], ['GET', '/Communication?status=completed']] as const) {
      const refused = await fhir(path, { token, method });
      expect(refused.status, `${method} ${path}`).toBe(403);
      const outcome = (await refused.json()) as OperationOutcome;
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0]?.code).toBe('forbidden');
    }
    expect(ehr.stats().forbidden).toBeGreaterThanOrEqual(4);
  });

  it('returns included resources only of types the token may read', async () => {
    const { body } = await requestToken(await assertion(), 'system/Patient.rs');
    const search = await fhir('/Patient?_id=pat-0001&_include=Patient:general-practitioner', { token: body.access_token as string });
    const bundle = (await search.json()) as Bundle;
    expect(bundle.entry?.map((e) => e.resource?.resourceType)).toEqual(['Patient']);
  });

  it('refuses a whole transaction when one entry is outside the scopes, and applies none of it', async () => {
    const { body } = await requestToken(await assertion(), 'system/Task.cru');
    const identifier = { system: 'https://callchart.dev/fhir/test', value: `scope-${randomUUID()}` };
    const transaction = {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { resource: { resourceType: 'Task', status: 'requested', intent: 'order', identifier: [identifier] }, request: { method: 'POST', url: 'Task' } },
        { request: { method: 'DELETE', url: 'Patient/pat-0002' } },
      ],
    };
    const refused = await fhir('', { token: body.access_token as string, method: 'POST', body: transaction });
    expect(refused.status).toBe(403);
    const check = await fhir(`/Task?identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}`, { token: ehr.issueTestToken('system/Task.s') });
    expect(((await check.json()) as Bundle).total).toBe(0);
  });

  it('serves without tokens when auth is off', async () => {
    const open = await startSandboxEhr({ port: 0, patientCount: 10, auth: false });
    try {
      expect((await fetch(`${open.baseUrl}/Patient/pat-0001`)).status).toBe(200);
      const statement = (await (await fetch(`${open.baseUrl}/metadata`)).json()) as CapabilityStatement;
      expect(statement.rest?.[0]?.security).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});
