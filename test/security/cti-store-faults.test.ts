import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../helpers/backends.ts';
import { syntheticEvent } from '../helpers/engine-harness.ts';
import type { CallIngestService } from '../../src/calls/call-ingest.service.ts';
import type { Db } from '../../src/store/db.ts';
import { ctiRoutes } from '../../src/pbx/cti.routes.ts';
import { signCtiRequest } from '../../src/pbx/cti-signature.ts';

/**
 * Finding 8 (CTI): the route's error handler answered 503 STORE_UNAVAILABLE to every failure, so a
 * value the store refuses (permanent) was retried forever, and a fault of ours was blamed on the
 * store. And when the audit write of a rejection failed, the rejection itself became a 503. Here
 * the ingest service is replaced by one that fails the way each store fails, over a real store.
 */
const secret = 'whsec_synthetic_store_faults';
const storeError = (code: string, message = 'synthetic store error') => Object.assign(new Error(message), { code });

describe.each(backendKinds)('CTI webhook: what each kind of store fault answers (%s)', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let app: FastifyInstance;
  let failWith: unknown = null;
  let auditStoreDown = false;

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    // The audit store can be taken down on its own, to see that a refusal stays a refusal.
    const flakyDb = new Proxy(db, {
      get(target, property, receiver) {
        if (property === 'query' && auditStoreDown) return async () => Promise.reject(storeError('ECONNREFUSED', 'connect ECONNREFUSED'));
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const ingest = {
      accept: async () => {
        if (failWith) throw failWith;
        return { status: 'accepted', callId: '0b6f6c1e-4f3a-4c55-9a3e-2f1d2c3b4a59', callStatus: 'ringing' };
      },
    } as unknown as CallIngestService;
    app = Fastify({ logger: false });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(async (scope) => ctiRoutes(scope, { db: flakyDb, ingest, secrets: () => [secret], replayWindowSeconds: 300, maxBodyBytes: 256 * 1024 }));
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await dispose();
  });

  const post = async (signed = true) => {
    const body = JSON.stringify(syntheticEvent({ type: 'call.ringing', callId: 'store-fault-1' }));
    const response = await app.inject({
      method: 'POST', url: '/webhooks/cti', payload: body,
      headers: { 'content-type': 'application/json', ...(signed ? { 'callchart-signature': signCtiRequest(secret, body, Math.floor(Date.now() / 1000)) } : {}) },
    });
    return { status: response.statusCode, body: response.json() as { error?: { code: string; message: string } }, raw: response.body };
  };

  it.each([
    ['22021 (invalid byte sequence)', '22021'],
    ['22008 (timestamp out of range)', '22008'],
    ['22P05 (unsupported unicode escape in jsonb)', '22P05'],
    ['54001 (jsonb nested too deep)', '54001'],
  ])('a value the store refuses, %s, is a 400 PAYLOAD_INVALID: permanent, not retried', async (_name, code) => {
    failWith = storeError(code);
    const answer = await post();
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('PAYLOAD_INVALID');
  });

  it.each([
    ['a refused connection', storeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['an admin shutdown (57P01)', storeError('57P01')],
    ['too many connections (53300)', storeError('53300')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ])('the store being unavailable, %s, is a 503 STORE_UNAVAILABLE: retry', async (_name, error) => {
    failWith = error;
    const answer = await post();
    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe('STORE_UNAVAILABLE');
  });

  it('a fault of ours is a 503 INGEST_FAILED (redelivery is safe), never a 500, and shows no stack or internal message', async () => {
    failWith = new TypeError('synthetic: cannot read properties of undefined (reading "x")');
    const answer = await post();
    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe('INGEST_FAILED');
    expect(answer.raw).not.toMatch(/synthetic: cannot read|at .*\.ts:\d+/);
  });

  it('a refused request stays refused (401) while the audit store is down', async () => {
    failWith = null;
    auditStoreDown = true;
    try {
      const answer = await post(false);
      expect(answer.status).toBe(401);
      expect(answer.body.error?.code).toBe('SIGNATURE_MISSING');
    } finally {
      auditStoreDown = false;
    }
  });
});
