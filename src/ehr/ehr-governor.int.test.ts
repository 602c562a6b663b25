import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import { openDb, type Db } from '../store/db.ts';
import { EhrGovernor, SharedRequestBudget, createEhrGovernor } from './ehr-governor.service.ts';

/**
 * The EHR's request budget is per EHR, not per engine process (issue 18): two governors on one
 * database (two processes of one deployment) together stay inside it. Counted in requests sent,
 * never timed: a bucket that refills once in 100 s holds exactly its burst for the whole test.
 */
describe.each(backendKinds)('EHR request budget shared through the database (%s)', (kind) => {
  let db: Db;
  let peer: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openTestDb(kind);
    db = opened.db;
    dispose = opened.dispose;
    // PostgreSQL: a second pool, as a second process has; PGlite is one process, one handle.
    peer = opened.databaseUrl ? await openDb({ databaseUrl: opened.databaseUrl }) : db;
  });
  afterAll(async () => {
    if (peer !== db) await peer.close();
    await dispose();
  });

  const sendAll = async (governors: EhrGovernor[], perGovernor: number) => {
    let sent = 0;
    let refused = 0;
    await Promise.all(governors.flatMap((governor) =>
      Array.from({ length: perGovernor }, () =>
        governor.schedule({ priority: 5, waitMs: 800, expiration: 10_000 }, async () => {
          sent++;
        }).catch((error: { code?: string; detail?: { stage?: string } }) => {
          if (error.code === 'EHR_UNAVAILABLE' && error.detail?.stage === 'governor') refused++;
          else throw error;
        }),
      ),
    ));
    return { sent, refused };
  };

  it('two governors on one EHR send its budget between them, not twice it', async () => {
    const ehr = `https://ehr.example.invalid/${kind}/fhir/R4`;
    const budget = () => new SharedRequestBudget(kind === 'postgres' ? peer : db, { ehr, perSecond: 0.01, burst: 20 });
    const governors = [new EhrGovernor({ maxRequestsPerSecond: 20, maxConcurrent: 8 }, new SharedRequestBudget(db, { ehr, perSecond: 0.01, burst: 20 })), new EhrGovernor({ maxRequestsPerSecond: 20, maxConcurrent: 8 }, budget())];
    const { sent, refused } = await sendAll(governors, 30);
    // 60 asked, 20 in the bucket: 20 sent, the rest gave up after waiting (a governor wait, not an EHR failure).
    expect(sent).toBe(20);
    expect(refused).toBe(40);
    await Promise.all(governors.map((governor) => governor.stop({ dropWaitingJobs: true })));
  });

  it('governors that each keep their budget in memory would have sent twice it (what the shared bucket fixes)', async () => {
    const governors = [new EhrGovernor({ maxRequestsPerSecond: 20, maxConcurrent: 8 }), new EhrGovernor({ maxRequestsPerSecond: 20, maxConcurrent: 8 })];
    const { sent } = await sendAll(governors, 30);
    expect(sent).toBeGreaterThanOrEqual(40);
    await Promise.all(governors.map((governor) => governor.stop({ dropWaitingJobs: true })));
  });

  it.runIf(kind === 'postgres')('at 100 requests a second, 300 requests from two governors all go, never more than the bucket allows at any point', async () => {
    const ehr = `https://ehr.example.invalid/${kind}/refill/fhir/R4`;
    const governors = [
      createEhrGovernor({ maxRequestsPerSecond: 100, maxConcurrent: 32, shared: { db, ehr } }),
      createEhrGovernor({ maxRequestsPerSecond: 100, maxConcurrent: 32, shared: { db: peer, ehr } }),
    ];
    expect(governors.every((governor) => governor.sharedAcrossProcesses)).toBe(true);
    const started = Date.now();
    const sentAt: number[] = [];
    await Promise.all(governors.flatMap((governor) =>
      Array.from({ length: 150 }, () => governor.schedule({ priority: 5, waitMs: 30_000, expiration: 30_000 }, async () => {
        sentAt.push(Date.now());
      })),
    ));
    expect(sentAt).toHaveLength(300);
    // The k-th request sent (1-based) at t seconds after the start: k ≤ burst + rate × t (+1 for the
    // token being counted whole at the instant it fills).
    sentAt.sort((a, b) => a - b);
    const overBudget = sentAt.filter((at, index) => index + 1 > 100 + 100 * ((at - started) / 1000) + 1);
    expect(overBudget).toEqual([]);
    await Promise.all(governors.map((governor) => governor.stop({ dropWaitingJobs: true })));
  });
});
