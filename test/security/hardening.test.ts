import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { issueStaffToken } from '../../src/auth/staff-token.ts';
import { defaultConfig } from '../../src/config/config.schema.ts';
import { backendKinds } from '../helpers/backends.ts';
import { startHarness, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';

/**
 * Finding 11 (issue 11), hardening: 10,000 bad requests wrote 8,300 audit rows and nothing slowed
 * the sender down; staff tokens could live for days. Refusals are now rate limited per source and
 * audited once per source, reason and minute with a count.
 */
describe.each(backendKinds)('refused requests are rate limited and audited in aggregate (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { config: { access: { ...defaultConfig.access, maxRefusalsPerMinute: 50 } } });
  });
  afterAll(async () => harness?.close());

  it('answers a flood of forged webhooks with 429 after the limit, and writes a handful of audit rows, not one per request', async () => {
    const before = (await listAuditEvents(harness.engine.db, { limit: 100_000 })).length;
    const statuses: number[] = [];
    for (let index = 0; index < 300; index++) {
      const answer = await harness.post(syntheticEvent({ type: 'call.ringing', callId: `forged-${index}` }), { secret: 'whsec_forged_by_an_attacker_0000000000000000' });
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, 50).every((status) => status === 401)).toBe(true);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(200);
    // A signed, valid event from the same source is also held back while the source is limited.
    expect((await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'honest-1' }))).status).toBe(429);
    await harness.engine.app.rejections.flush(true);
    const audit = (await listAuditEvents(harness.engine.db, { limit: 100_000 })).slice(before);
    const refusals = audit.filter((event) => event.outcome === 'rejected');
    expect(refusals.length).toBeLessThanOrEqual(6);
    const counted = refusals.reduce((sum, event) => sum + (typeof event.detail.count === 'number' ? event.detail.count : 1), 0);
    expect(counted).toBe(301);
    // The source is a keyed hash, never the address.
    expect(JSON.stringify(refusals)).not.toContain('127.0.0.1');
  });
});

describe('staff tokens last a shift at most', () => {
  const secret = new Uint8Array(32).fill(7);
  it('refuses to issue a token longer than 12 h', async () => {
    await expect(issueStaffToken(secret, { sub: 'nurse-1', role: 'nurse', queues: ['*'], extensions: [] }, 13 * 3600)).rejects.toThrow(/12 h/);
  });

  it('refuses a token that lives longer than 12 h or never expires, even when correctly signed', async () => {
    const { verifyStaffToken } = await import('../../src/auth/staff-token.ts');
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: { exp?: number }) => {
      const jwt = new SignJWT({ role: 'nurse', queues: ['*'], extensions: [] }).setProtectedHeader({ alg: 'HS256' }).setSubject('nurse-1').setIssuer('callchart').setAudience('callchart-staff').setIssuedAt(now);
      return (claims.exp ? jwt.setExpirationTime(claims.exp) : jwt).sign(secret);
    };
    expect(await verifyStaffToken(secret, await sign({ exp: now + 30 * 24 * 3600 }))).toBeNull();
    expect(await verifyStaffToken(secret, await sign({}))).toBeNull();
    expect(await verifyStaffToken(secret, await sign({ exp: now + 3600 }))).not.toBeNull();
  });
});
