import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { createLogger } from '../lib/logger.ts';
import { CallchartError } from '../lib/errors.ts';
import {
  cancelWriteBack, claimDueItems, enqueueWriteBack, findWriteBackItem, listWorklistItems, markDelivered, requeueFailed, waitingForEhr, type CancelOutcome,
} from './outbox.repository.ts';
import { failureInWords } from './failure-words.ts';
import { WriteBackDispatcher, type WriteBackSender } from './write-back.worker.ts';

// Cancel with a reason (issue 14, item 4): a cancelled chart write is never sent, even when the
// cancel and the worker's claim race. Synthetic rows only: the outbox holds ids and codes.
describe.each(backendKinds)('chart worklist: cancel and the EHR\'s reason on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());
  beforeEach(async () => {
    await db.query('delete from write_back_item');
  });

  const enqueue = async (index: number) => {
    const callId = randomUUID();
    await db.query(`insert into call (id, provider, provider_call_id, status) values ($1, 'synthetic-pbx', $2, 'ended')`, [callId, `worklist-${callId}`]);
    return (await enqueueWriteBack(db, { callId, target: 'fhir', kind: 'chart-record', businessId: `worklist-${index}` })).id;
  };
  const by = { actor: 'staff:synthetic-supervisor', reason: 'duplicate' as const };
  /** A sender that records what it sends; `during` runs while an item is "on the wire". */
  const recordingSender = (sent: string[], during?: (item: { id: string }) => Promise<void>): WriteBackSender => ({
    target: 'fhir',
    available: () => true,
    async deliver(item) {
      await during?.(item);
      sent.push(item.id);
      return { reconciled: false, result: {} };
    },
  });
  const worker = (sender: WriteBackSender, batchSize = 16) => new WriteBackDispatcher({ db, logger: createLogger({ level: 'silent' }), senders: [sender], batchSize });

  it('a cancelled item is never claimed or sent, stays listed with who and why, and a second cancel answers with the first', async () => {
    const [first, second, third] = [await enqueue(0), await enqueue(1), await enqueue(2)];
    expect(await cancelWriteBack(db, second, by)).toMatchObject({ outcome: 'cancelled', item: { status: 'cancelled', cancelReason: 'duplicate', cancelledBy: 'staff:synthetic-supervisor' } });
    const again = await cancelWriteBack(db, second, { actor: 'staff:someone-else', reason: 'other' });
    expect(again).toMatchObject({ outcome: 'already-cancelled', item: { cancelReason: 'duplicate', cancelledBy: 'staff:synthetic-supervisor' } });
    const sent: string[] = [];
    const sender = recordingSender(sent);
    await worker(sender).drainOnce(sender);
    // The cancelled item does not hold back the line either.
    expect(sent).toEqual([first, third]);
    const listed = await listWorklistItems(db, { status: ['cancelled'], limit: 10 });
    expect(listed.items.map((item) => item.id)).toEqual([second]);
    expect(listed.items[0]).toMatchObject({ status: 'cancelled', cancelReason: 'duplicate', attempts: 0 });
    // A person's retry cannot bring it back.
    expect(await requeueFailed(db, second)).toBe(false);
    expect(await cancelWriteBack(db, randomUUID(), by)).toEqual({ outcome: 'not-found' });
  });

  it('an item claimed by a worker cannot be cancelled (it may be reaching the EHR); once sent, it is "already sent"', async () => {
    const id = await enqueue(0);
    const [claimed] = await claimDueItems(db, 'fhir', 1, 60_000);
    expect(claimed!.id).toBe(id);
    expect((await cancelWriteBack(db, id, by)).outcome).toBe('in-flight');
    await markDelivered(db, id, {});
    expect((await cancelWriteBack(db, id, by)).outcome).toBe('delivered');
    expect((await findWriteBackItem(db, id))!.status).toBe('delivered');
  });

  it('items claimed in the same batch and cancelled while an earlier one is on the wire are still theirs to send, never half-cancelled', async () => {
    const ids = [await enqueue(0), await enqueue(1), await enqueue(2)];
    const sent: string[] = [];
    const answers = new Map<string, CancelOutcome['outcome']>();
    // While the first is being sent, a supervisor cancels the two claimed behind it, and the first.
    const sender = recordingSender(sent, async (item) => {
      if (item.id !== ids[0]) return;
      for (const id of ids) answers.set(id, (await cancelWriteBack(db, id, by)).outcome);
    });
    await worker(sender).drainOnce(sender);
    expect([...answers.values()]).toEqual(['in-flight', 'in-flight', 'in-flight']);
    expect(sent).toEqual(ids);
    const rows = await listWorklistItems(db, { limit: 10 });
    expect(rows.items.map((item) => item.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('while the EHR fails, only the head of the line is claimed, so what waits behind it can still be cancelled', async () => {
    const [head, behind] = [await enqueue(0), await enqueue(1)];
    let attempts = 0;
    let answer: CancelOutcome['outcome'] | undefined;
    const sender: WriteBackSender = {
      target: 'fhir',
      available: () => true,
      async deliver(item) {
        if (item.id !== head) throw new Error('only the head may be tried while the EHR fails');
        attempts++;
        // The second attempt is the probe: meanwhile a supervisor cancels the item behind it.
        if (attempts === 2) answer = (await cancelWriteBack(db, behind, by)).outcome;
        throw new CallchartError('EHR_UNAVAILABLE', 'synthetic 503');
      },
    };
    const dispatcher = new WriteBackDispatcher({ db, logger: createLogger({ level: 'silent' }), senders: [sender], backoffBaseMs: 1, backoffCapMs: 1 });
    for (let round = 0; round < 200 && attempts < 2; round++) {
      await dispatcher.drainOnce(sender);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(attempts).toBe(2);
    expect(answer).toBe('cancelled');
    expect((await findWriteBackItem(db, behind))!).toMatchObject({ status: 'cancelled', attempts: 0 });
  });

  it('racing cancels against a draining worker: every item ends sent or cancelled, never both', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 30; index++) ids.push(await enqueue(index));
    const sent: string[] = [];
    const sender = recordingSender(sent, () => new Promise((resolve) => setImmediate(resolve)));
    const dispatcher = worker(sender, 4);
    const answers = new Map<string, CancelOutcome['outcome']>();
    const draining = (async () => {
      for (let round = 0; round < 40; round++) if ((await dispatcher.drainOnce(sender)) === 0) break;
    })();
    // Every other item, in reverse order so the cancels meet the worker in the middle of the line.
    await Promise.all([...ids].reverse().filter((_id, index) => index % 2 === 0).map(async (id) => answers.set(id, (await cancelWriteBack(db, id, by)).outcome)));
    await draining;
    for (let round = 0; round < 40; round++) if ((await dispatcher.drainOnce(sender)) === 0) break;
    const final = new Map((await listWorklistItems(db, { limit: 100 })).items.map((item) => [item.id, item.status]));
    for (const id of ids) {
      const wasSent = sent.includes(id);
      expect(final.get(id), id).toBe(wasSent ? 'delivered' : 'cancelled');
      if (answers.get(id) === 'cancelled') expect(wasSent, `${id} was cancelled and sent`).toBe(false);
      if (wasSent && answers.has(id)) expect(['in-flight', 'delivered']).toContain(answers.get(id));
    }
    expect(new Set(sent).size).toBe(sent.length);
    // Some cancels won and the rest of the line went out.
    expect([...final.values()]).toContain('cancelled');
    expect([...final.values()]).toContain('delivered');
  });

  it('keeps the EHR\'s reason as codes (said in words), and counts what waits for the EHR since its first failure', async () => {
    const [refused, waiting] = [await enqueue(0), await enqueue(1)];
    const sender: WriteBackSender = {
      target: 'fhir',
      available: () => true,
      async deliver(item) {
        if (item.id === refused) throw new CallchartError('EHR_REJECTED', 'synthetic 422', { status: 422, issues: ['error:required'], paths: ['DocumentReference.subject'] });
        throw new CallchartError('EHR_UNAVAILABLE', 'synthetic 503', { status: 503 });
      },
    };
    const dispatcher = worker(sender);
    await dispatcher.drainOnce(sender);
    await dispatcher.drainOnce(sender);
    const failed = (await findWriteBackItem(db, refused))!;
    expect(failed).toMatchObject({ status: 'failed', lastErrorCode: 'EHR_REJECTED', lastErrorDetail: { status: 422, issues: ['error:required'], paths: ['DocumentReference.subject'] } });
    expect(failureInWords(failed.lastErrorCode, failed.lastErrorDetail)).toMatchObject({
      code: 'EHR_REJECTED',
      words: expect.stringMatching(/EHR refused/),
      ehrReasons: [{ code: 'HTTP 422', words: 'Not processable' }, { code: 'error:required', words: 'A required element is missing' }, { code: 'DocumentReference.subject', words: 'Where in the record' }],
    });
    const pending = (await findWriteBackItem(db, waiting))!;
    expect(pending).toMatchObject({ status: 'pending', lastErrorCode: 'EHR_UNAVAILABLE' });
    expect(pending.waitingSince).not.toBeNull();
    expect((await waitingForEhr(db)).get('fhir')).toMatchObject({ waiting: 1, queued: 1, since: pending.waitingSince });
    // Cancelling the waiting one takes it out of the line.
    expect((await cancelWriteBack(db, waiting, by)).outcome).toBe('cancelled');
    expect((await waitingForEhr(db)).get('fhir')).toBeUndefined();
  });

  it('pages newest first with filters on status, kind and date', async () => {
    for (let index = 0; index < 5; index++) await enqueue(index);
    const first = await listWorklistItems(db, { limit: 2 });
    expect(first.items.map((item) => item.businessId)).toEqual(['worklist-4', 'worklist-3']);
    const second = await listWorklistItems(db, { limit: 2, beforeSeq: first.nextBefore! });
    expect(second.items.map((item) => item.businessId)).toEqual(['worklist-2', 'worklist-1']);
    const last = await listWorklistItems(db, { limit: 2, beforeSeq: second.nextBefore! });
    expect(last).toMatchObject({ items: [{ businessId: 'worklist-0' }], nextBefore: null });
    expect((await listWorklistItems(db, { kind: 'event-task', limit: 10 })).items).toEqual([]);
    expect((await listWorklistItems(db, { from: new Date(Date.now() + 3_600_000).toISOString(), limit: 10 })).items).toEqual([]);
    expect((await listWorklistItems(db, { to: new Date(Date.now() + 3_600_000).toISOString(), limit: 10 })).items).toHaveLength(5);
  });
});
