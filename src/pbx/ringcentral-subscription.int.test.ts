import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findCallByProvider } from '../calls/calls.repository.ts';
import { createLogger } from '../lib/logger.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { startRingcentralCloud, type RingcentralCloud } from '../simulator/ringcentral-cloud.server.ts';
import { ringcentralNotification } from '../simulator/ringcentral-notification.ts';
import { startHarness, type Harness } from '../../test/helpers/engine-harness.ts';
import { RingcentralRestClient } from './ringcentral-rest.client.ts';
import { RingcentralSubscriptionKeeper } from './ringcentral-subscription.worker.ts';
import { ringcentralWebhookPath } from './ringcentral.routes.ts';

const credentials = { clientId: 'synthetic-client', clientSecret: randomBytes(16).toString('hex'), jwt: `synthetic.${randomBytes(24).toString('hex')}.jwt` };
const verificationToken = randomBytes(32).toString('hex');
const day = 86_400_000;

describe('the RingCentral subscription is created, validated, renewed before expiry and retried on failure', () => {
  let ehr: SandboxEhr;
  let harness: Harness;
  let cloud: RingcentralCloud;
  let clock = Date.now();
  const keepers: RingcentralSubscriptionKeeper[] = [];
  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0 });
    harness = await startHarness('pglite', { ehr, config: { ringcentral: { enabled: true } }, engine: { ringcentral: { verificationTokens: [verificationToken], credentials: null } } });
    cloud = await startRingcentralCloud({ ...credentials, now: () => clock });
  });
  afterAll(async () => {
    for (const keeper of keepers) await keeper.stop();
    await cloud.close();
    await harness.close();
    await ehr.close();
  });

  const newKeeper = () => {
    const attempts: { ok: boolean; action: string; nextInMs: number }[] = [];
    const keeper = new RingcentralSubscriptionKeeper({
      db: harness.engine.db, logger: createLogger({ level: 'silent' }), now: () => clock, firstRetryMs: 20,
      client: new RingcentralRestClient({ serverUrl: cloud.url, credentials, now: () => clock }),
      verificationToken: () => verificationToken,
      settings: { address: `${harness.engine.url}${ringcentralWebhookPath}`, expiresInSeconds: 7 * 86_400, renewBeforeSeconds: 86_400 },
      onAttempt: (attempt) => attempts.push(attempt),
    });
    keepers.push(keeper);
    return { keeper, attempts };
  };
  const audited = async (action: string) => (await listAuditEvents(harness.engine.db, { limit: 10_000 })).filter((event) => event.action === action);

  it('creates the subscription after the engine echoed the validation token, and the notifications it delivers are accepted', async () => {
    const { keeper, attempts } = newKeeper();
    await keeper.runNow();
    expect(attempts.at(-1)).toMatchObject({ ok: true, action: 'created' });
    expect(cloud.subscriptions.size).toBe(1);
    const [subscription] = [...cloud.subscriptions.values()];
    expect(subscription!.verificationToken).toBe(verificationToken);
    expect(subscription!.eventFilters).toEqual(['/restapi/v1.0/account/~/telephony/sessions']);
    // The next renewal is planned a day before the 7-day expiry.
    expect(attempts.at(-1)!.nextInMs).toBe(6 * day);
    const [created] = await audited('pbx.subscription.created');
    expect(created).toMatchObject({ objectId: subscription!.id, outcome: 'success' });
    expect(JSON.stringify(created)).not.toContain(verificationToken);
    expect((await audited('pbx.subscription.validated')).length).toBe(1);

    const delivered = await cloud.deliver(subscription!.id, ringcentralNotification({ sessionId: 's-delivered', code: 'Proceeding', at: new Date() }));
    expect(delivered.status).toBe(202);
    expect(await findCallByProvider(harness.engine.db, 'ringcentral', 's-delivered')).toBeTruthy();
    await keeper.stop();
  });

  it('finds its subscription again after a restart instead of creating a second one, and renews it inside the margin', async () => {
    const { keeper, attempts } = newKeeper();
    await keeper.runNow();
    expect(attempts.at(-1)).toMatchObject({ ok: true, action: 'kept' });
    expect(cloud.subscriptions.size).toBe(1);
    const [subscription] = [...cloud.subscriptions.values()];
    const expiresBefore = subscription!.expiresAt;
    clock += 6 * day + 60_000;
    await keeper.runNow();
    expect(attempts.at(-1)).toMatchObject({ ok: true, action: 'renewed' });
    expect(subscription!.expiresAt).toBeGreaterThan(expiresBefore);
    expect((await audited('pbx.subscription.renewed')).at(-1)?.objectId).toBe(subscription!.id);
    await keeper.stop();
  });

  it('retries a failed renewal with back-off, audits each failure with its reason, and raises an alert', async () => {
    const { keeper, attempts } = newKeeper();
    await keeper.runNow();
    clock += 6 * day + 60_000;
    cloud.failNext(2, 503);
    keeper.start();
    // The keeper's own retries (20 ms, then 40 ms) end in a renewal.
    const deadline = Date.now() + 10_000;
    while (!attempts.some((attempt) => attempt.ok && attempt.action === 'renewed') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(attempts.filter((attempt) => !attempt.ok).map((attempt) => attempt.nextInMs)).toEqual([20, 40]);
    expect(attempts.at(-1)).toMatchObject({ ok: true, action: 'renewed' });
    const failures = await audited('pbx.subscription.failed');
    expect(failures.map((event) => [event.reason, event.detail.attempt])).toEqual([['RINGCENTRAL_UNAVAILABLE', 1], ['RINGCENTRAL_UNAVAILABLE', 2]]);
    await keeper.stop();
  });

  it('creates a new subscription when RingCentral no longer knows the old one', async () => {
    cloud.subscriptions.clear();
    const { keeper, attempts } = newKeeper();
    await keeper.runNow();
    expect(attempts.at(-1)).toMatchObject({ ok: true, action: 'created' });
    const id = [...cloud.subscriptions.keys()][0]!;
    cloud.subscriptions.clear();
    clock += 6 * day + 60_000;
    await keeper.runNow();
    expect(attempts.at(-1)).toMatchObject({ ok: true, action: 'created' });
    expect([...cloud.subscriptions.keys()][0]).not.toBe(id);
    await keeper.stop();
  });

  it('audits a refused credential as such', async () => {
    const keeper = new RingcentralSubscriptionKeeper({
      db: harness.engine.db, logger: createLogger({ level: 'silent' }), now: () => clock,
      client: new RingcentralRestClient({ serverUrl: cloud.url, credentials: { ...credentials, jwt: 'not-the-jwt' } }),
      verificationToken: () => verificationToken,
      settings: { address: `${harness.engine.url}${ringcentralWebhookPath}`, expiresInSeconds: 7 * 86_400, renewBeforeSeconds: 86_400 },
    });
    keepers.push(keeper);
    await keeper.runNow();
    await keeper.stop();
    expect((await audited('pbx.subscription.failed')).at(-1)?.reason).toBe('RINGCENTRAL_REJECTED');
  });
});
