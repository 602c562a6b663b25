import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { createLogger } from '../lib/logger.ts';
import { CallchartError } from '../lib/errors.ts';
import { claimDueItems, enqueueWriteBack, findWriteBackItem, listWriteBackItems, markRetry, releaseClaims } from './outbox.repository.ts';
import { WriteBackDispatcher, type WriteBackSender } from './write-back.worker.ts';

// Synthetic rows only: the outbox holds ids and codes, nothing else.
describe.each(backendKinds)('write-back outbox on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());
  beforeEach(async () => {
    await db.query('delete from write_back_item');
  });

  const callRow = async () => {
    const id = randomUUID();
    await db.query(`insert into call (id, provider, provider_call_id, status) values ($1, 'synthetic-pbx', $2, 'ended')`, [id, `outbox-${id}`]);
    return id;
  };
  const enqueue = async (index: number) => enqueueWriteBack(db, { callId: await callRow(), target: 'fhir', kind: 'chart-record', businessId: `item-${index}` });

  it('a replayed enqueue is the same item, not a second one', async () => {
    const callId = await callRow();
    const first = await enqueueWriteBack(db, { callId, target: 'fhir', kind: 'chart-record', businessId: 'same' });
    const again = await enqueueWriteBack(db, { callId, target: 'fhir', kind: 'chart-record', businessId: 'same' });
    expect(again).toEqual({ id: first.id, created: false });
    expect(await listWriteBackItems(db, { limit: 10 })).toHaveLength(1);
  });

  it('claims oldest first, and an item waiting out its backoff holds back the later ones', async () => {
    for (let index = 0; index < 3; index++) await enqueue(index);
    const [head, second] = await claimDueItems(db, 'fhir', 2, 60_000);
    expect([head!.businessId, second!.businessId]).toEqual(['item-0', 'item-1']);
    await markRetry(db, head!.id, { code: 'EHR_UNAVAILABLE', retry: 'transient', delayMs: 60_000 });
    await releaseClaims(db, [second!.id]);
    // item-0 is not due for a minute: nothing after it may go first.
    expect(await claimDueItems(db, 'fhir', 10, 60_000)).toEqual([]);
    expect((await findWriteBackItem(db, second!.id))!.attempts).toBe(0);
  });

  it('an item whose worker died mid-send is taken over after its lease, and read back first', async () => {
    await enqueue(0);
    const [claimed] = await claimDueItems(db, 'fhir', 1, 50);
    expect(claimed!.readBackFirst).toBe(false);
    expect(await claimDueItems(db, 'fhir', 1, 50)).toEqual([]);
    // Taken over once the 50 ms lease has run out, not before (asked until then: nothing is claimed).
    const retaken = await vi.waitFor(async () => {
      const [item] = await claimDueItems(db, 'fhir', 1, 60_000);
      expect(item).toBeDefined();
      return item!;
    }, { timeout: 10_000, interval: 10 });
    expect(retaken).toMatchObject({ id: claimed!.id, readBackFirst: true, attempts: 2 });
  });

  it('the worker delivers in order, retries transient failures, and makes a permanent one a visible failure without blocking the rest', async () => {
    for (let index = 0; index < 5; index++) await enqueue(index);
    const sent: string[] = [];
    let flaky = 2;
    const sender: WriteBackSender = {
      target: 'fhir',
      available: () => true,
      async deliver(item) {
        if (item.businessId === 'item-1' && flaky-- > 0) throw new CallchartError('EHR_UNAVAILABLE', 'synthetic 503');
        if (item.businessId === 'item-3') throw new CallchartError('EHR_REJECTED', 'synthetic 422', { status: 422, issues: ['error:invalid'] });
        sent.push(item.businessId);
        return { reconciled: false, result: {} };
      },
    };
    const worker = new WriteBackDispatcher({ db, logger: createLogger({ level: 'silent' }), senders: [sender], backoffBaseMs: 10, backoffCapMs: 20 });
    for (let round = 0; round < 50 && sent.length < 4; round++) {
      await worker.drainOnce(sender);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(sent).toEqual(['item-0', 'item-1', 'item-2', 'item-4']);
    const failed = await listWriteBackItems(db, { status: ['failed'], limit: 10 });
    expect(failed).toMatchObject([{ businessId: 'item-3', lastErrorCode: 'EHR_REJECTED', lastRetryClass: 'permanent' }]);
    const { rows } = await db.query<{ action: string; reason: string | null }>(`select action, reason from audit_pending where action like 'ehr.write-back.%' union all select action, reason from audit_event where action like 'ehr.write-back.%'`);
    expect(rows).toEqual(expect.arrayContaining([{ action: 'ehr.write-back.failed', reason: 'EHR_REJECTED' }, { action: 'ehr.write-back.retrying', reason: 'EHR_UNAVAILABLE' }]));
  });

  it('nothing is claimed while the target is unavailable (its breaker is open)', async () => {
    await enqueue(0);
    const worker = new WriteBackDispatcher({ db, logger: createLogger({ level: 'silent' }), senders: [] });
    const closed: WriteBackSender = { target: 'fhir', available: () => false, deliver: async () => ({ reconciled: false, result: {} }) };
    expect(await worker.drainOnce(closed)).toBe(0);
    expect((await listWriteBackItems(db, { limit: 10 }))[0]).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
