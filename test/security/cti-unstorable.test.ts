import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds } from '../helpers/backends.ts';
import { startHarness, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';

/**
 * Finding 8 (CTI) and 11 (part): a signed event the store cannot hold (a NUL or a lone surrogate
 * in an id or text, a timestamp PostgreSQL cannot represent) was answered 503 "retry": a PBX
 * retries that forever. Such an event is permanently wrong, so it is a 400 PAYLOAD_INVALID naming
 * the field. An event dated, or signed, more than 60 s in the future is refused too.
 */
describe.each(backendKinds)('CTI webhook: signed but unstorable events are refused as 4xx (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind);
  });
  afterAll(async () => {
    await harness?.close();
  });

  const callId = () => `unstorable-${randomBytes(4).toString('hex')}`;
  const ringing = (overrides: Record<string, unknown> = {}) => ({ ...syntheticEvent({ type: 'call.ringing', callId: callId() }), ...overrides });

  const cases: { name: string; body: () => unknown; path: string }[] = [
    { name: 'a NUL in the event id', body: () => ringing({ id: `evt-${randomBytes(3).toString('hex')}\u0000x` }), path: 'id' },
    { name: 'a NUL in the call id', body: () => ({ ...ringing(), call: { id: `c\u0000${randomBytes(3).toString('hex')}`, ani: '+16175550142' } }), path: 'call.id' },
    { name: 'a NUL in the queue', body: () => ({ ...ringing(), call: { id: callId(), ani: '+16175550142', queue: 'front\u0000desk' } }), path: 'call.queue' },
    { name: 'a lone high surrogate in the event id', body: () => ringing({ id: `evt-${randomBytes(3).toString('hex')}\ud800` }), path: 'id' },
    { name: 'a lone low surrogate in the call id', body: () => ({ ...ringing(), call: { id: `c\udc00${randomBytes(3).toString('hex')}`, ani: '+16175550142' } }), path: 'call.id' },
    {
      name: 'a NUL in a keyed IVR value',
      body: () => ({ ...syntheticEvent({ type: 'ivr.input', callId: callId() }), data: { kind: 'dtmf', menu: 'reason\u0000', value: '1' } }),
      path: 'data.menu',
    },
    {
      name: 'a NUL in a transfer target',
      body: () => ({ ...syntheticEvent({ type: 'call.transferred', callId: callId() }), data: { toQueue: 'nurse\u0000' } }),
      path: 'data.toQueue',
    },
    { name: 'year 0', body: () => ringing({ occurredAt: '0000-01-01T00:00:00Z' }), path: 'occurredAt' },
    { name: 'the 31st of February', body: () => ringing({ occurredAt: '2026-02-31T10:00:00Z' }), path: 'occurredAt' },
    { name: 'hour 24', body: () => ringing({ occurredAt: '2026-03-01T24:00:00Z' }), path: 'occurredAt' },
    { name: 'a date ten years ahead', body: () => ringing({ occurredAt: new Date(Date.now() + 10 * 365 * 86_400_000).toISOString() }), path: 'occurredAt' },
    { name: 'a date two minutes ahead', body: () => ringing({ occurredAt: new Date(Date.now() + 120_000).toISOString() }), path: 'occurredAt' },
  ];

  it.each(cases)('$name → 400 PAYLOAD_INVALID naming $path, and the engine still takes the next call', async ({ body, path }) => {
    const answer = await harness.post(JSON.stringify(body()));
    expect(answer.status).toBe(400);
    const error = answer.body.error as { code: string; issues?: { path: string; message: string }[] };
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(error.issues?.map((issue) => issue.path)).toContain(path);

    const next = await harness.post(syntheticEvent({ type: 'call.ringing', callId: callId() }));
    expect(next.status).toBe(202);
  });

  it('an event from a year before the epoch PostgreSQL still holds is accepted (bounds are sane, not tight)', async () => {
    // A PBX replaying last year's backlog is legitimate; only the absurd is refused.
    const answer = await harness.post(ringing({ occurredAt: new Date(Date.now() - 365 * 86_400_000).toISOString() }));
    expect(answer.status).toBe(202);
  });

  it('a signature dated more than 60 s ahead is refused (401), one 30 s ahead (clock skew) is accepted', async () => {
    const ahead = await harness.post(ringing(), { timestamp: Math.floor(Date.now() / 1000) + 120 });
    expect(ahead.status).toBe(401);
    expect((ahead.body.error as { code: string }).code).toBe('SIGNATURE_FUTURE');

    const skewed = await harness.post(ringing(), { timestamp: Math.floor(Date.now() / 1000) + 30 });
    expect(skewed.status).toBe(202);
  });

  it('an event within 60 s ahead of our clock (PBX clock skew) is accepted', async () => {
    const answer = await harness.post(ringing({ occurredAt: new Date(Date.now() + 30_000).toISOString() }));
    expect(answer.status).toBe(202);
  });
});
