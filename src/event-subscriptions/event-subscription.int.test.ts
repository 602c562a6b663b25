import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backendKinds, chainAuditFor, openTestDb } from '../../test/helpers/backends.ts';
import { eventually } from '../../test/helpers/engine-harness.ts';
import { listAuditEvents, recordAuditEvent } from '../audit/audit.repository.ts';
import { createContentCipher } from '../store/content-cipher.ts';
import type { Db } from '../store/db.ts';
import { completeEvent, eventsFromAudit } from './event-webhook.ts';
import {
  activeSubscriptions, claimDueDeliveries, createSubscription, disableSubscription, listTroubledDeliveries, markDead, markRetry, queueDeliveries, redeliver, skipToHead,
} from './event-subscription.repository.ts';

// The subscription store and the delivery outbox on both backends: secrets sealed, each
// (subscriber, event) queued once however often it is queued, leases, dead and redelivered.
describe.each(backendKinds)('event webhook store on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let stopChainer: () => Promise<void>;
  const cipher = createContentCipher(randomBytes(32));
  const secret = `whsec_${randomBytes(32).toString('hex')}`;
  const at = new Date('2026-12-07T18:00:00.000Z');
  const event = completeEvent(eventsFromAudit({
    seq: 1, at: at.toISOString(), action: 'call.event.accepted', objectType: 'call', objectId: '3f0b7f9e-1c2d-4e5f-8a9b-0c1d2e3f4a5b', outcome: 'success', detail: { callStatus: 'missed' },
  })[1]!, { queue: 'front-desk', requestType: null, urgent: false }, 'front-desk');

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    stopChainer = await chainAuditFor(db);
  });
  afterAll(async () => {
    await stopChainer();
    await dispose();
  });
  beforeEach(async () => {
    await db.query('delete from event_delivery');
    await db.query('delete from event_subscription');
  });

  const subscribe = () => db.transaction((tx) => createSubscription(tx, cipher, {
    name: 'crm', url: 'https://crm.example.org/hook', eventTypes: ['call.missed'], queues: ['front-desk'], secret, actor: 'staff:admin-1', now: at,
  }));

  it('keeps the secret sealed: the row holds no clear secret, the worker opens it', async () => {
    const subscription = await subscribe();
    const { rows } = await db.query<{ row: string }>('select row_to_json(s)::text as row from event_subscription s where id = $1', [subscription.id]);
    expect(rows[0]!.row).not.toContain(secret);
    expect(rows[0]!.row).not.toContain(secret.slice(6, 40));
    expect((await activeSubscriptions(db, cipher))[0]!.secret).toBe(secret);
  });

  it('queues each (subscriber, event) once, moves the cursor, and leases what it hands out', async () => {
    const subscription = await subscribe();
    expect(await db.transaction((tx) => queueDeliveries(tx, [{ subscriptionId: subscription.id, event }], 10, at))).toBe(1);
    expect(await db.transaction((tx) => queueDeliveries(tx, [{ subscriptionId: subscription.id, event }], 12, at))).toBe(0);
    const { rows } = await db.query<{ last_seq: string }>(`select last_seq from alert_cursor where name = 'event-webhooks'`);
    expect(Number(rows[0]!.last_seq)).toBe(12);
    const claimed = await claimDueDeliveries(db, { limit: 10, leaseMs: 10_000, now: at });
    expect(claimed.map((delivery) => delivery.payload)).toEqual([event]);
    // Leased: a second worker gets nothing until the lease ends.
    expect(await claimDueDeliveries(db, { limit: 10, leaseMs: 10_000, now: new Date(at.getTime() + 5_000) })).toEqual([]);
    expect(await claimDueDeliveries(db, { limit: 10, leaseMs: 10_000, now: new Date(at.getTime() + 10_001) })).toHaveLength(1);
  });

  it('a failing delivery waits its backoff and is listed as troubled; a dead one is audited; redelivery starts it again', async () => {
    const subscription = await subscribe();
    await db.transaction((tx) => queueDeliveries(tx, [{ subscriptionId: subscription.id, event }], 20, at));
    const [delivery] = await claimDueDeliveries(db, { limit: 10, leaseMs: 1_000, now: at });
    await markRetry(db, delivery!.id, { attempts: 1, error: 'HTTP_503', retryInMs: 60_000, now: at });
    expect(await claimDueDeliveries(db, { limit: 10, leaseMs: 1_000, now: new Date(at.getTime() + 59_000) })).toEqual([]);
    expect((await listTroubledDeliveries(db, { limit: 10 })).map((row) => [row.status, row.attempts, row.lastError])).toEqual([['pending', 1, 'HTTP_503']]);
    const [again] = await claimDueDeliveries(db, { limit: 10, leaseMs: 1_000, now: new Date(at.getTime() + 60_000) });
    await db.transaction((tx) => markDead(tx, again!, { attempts: 2, error: 'HTTP_410', now: at }));
    expect((await listTroubledDeliveries(db, { limit: 10 })).map((row) => [row.status, row.attempts, row.lastError])).toEqual([['dead', 2, 'HTTP_410']]);
    expect(await claimDueDeliveries(db, { limit: 10, leaseMs: 1_000, now: new Date(at.getTime() + 120_000) })).toEqual([]);
    const requeued = await db.transaction((tx) => redeliver(tx, delivery!.id, 'staff:admin-1', at));
    expect(requeued.outcome).toBe('queued');
    expect((await claimDueDeliveries(db, { limit: 10, leaseMs: 1_000, now: at })).map((row) => row.eventId)).toEqual([event.id]);
    const audit = await eventually(async () => {
      const events = (await listAuditEvents(db, { limit: 10_000 })).filter((row) => row.objectId === delivery!.id);
      return events.length >= 2 ? events : null;
    }, 10_000, 'audit chained');
    expect(audit.map((row) => row.action)).toEqual(['event-webhook.delivery.dead', 'event-webhook.redelivered']);
  });

  it('with nobody listening the cursor goes to the newest chained event, never backwards', async () => {
    await recordAuditEvent(db, { actor: 'system', action: 'test.head', objectType: 'test', outcome: 'success' });
    const head = await eventually(async () => (await listAuditEvents(db, { limit: 10_000 })).find((row) => row.action === 'test.head')?.seq, 10_000, 'chained');
    await db.transaction((tx) => queueDeliveries(tx, [], head + 1_000, at));
    await db.transaction((tx) => skipToHead(tx));
    const read = async () => Number((await db.query<{ last_seq: string }>(`select last_seq from alert_cursor where name = 'event-webhooks'`)).rows[0]!.last_seq);
    expect(await read()).toBe(head + 1_000);
    await db.query(`update alert_cursor set last_seq = 0 where name = 'event-webhooks'`);
    await db.transaction((tx) => skipToHead(tx));
    expect(await read()).toBeGreaterThanOrEqual(head);
  });

  it('a disabled subscriber\'s waiting deliveries are not handed out', async () => {
    const subscription = await subscribe();
    await db.transaction((tx) => queueDeliveries(tx, [{ subscriptionId: subscription.id, event }], 30, at));
    await db.transaction((tx) => disableSubscription(tx, subscription.id, 'staff:admin-1', at));
    expect(await claimDueDeliveries(db, { limit: 10, leaseMs: 1_000, now: at })).toEqual([]);
    expect(await activeSubscriptions(db, cipher)).toEqual([]);
  });
});
