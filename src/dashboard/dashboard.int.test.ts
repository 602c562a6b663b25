import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { readDashboardAggregates } from './dashboard.repository.ts';

/**
 * The dashboard's SQL on both stores: clinic days and hours in the clinic's time zone (a call at
 * 03:30 UTC on Dec 2 is Dec 1, 10:30 pm in New York), queue narrowing with the fallback queue,
 * transfers, red-flag acknowledgement times and speed to answer. Synthetic rows only.
 */
describe.each(backendKinds)('dashboard aggregates on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    const call = async (values: { started: string; answeredAfter?: number; status: string; queue: string | null; redFlags?: string[]; requestType?: string }) => {
      const id = randomUUID();
      const started = new Date(values.started);
      const answered = values.answeredAfter === undefined ? null : new Date(started.getTime() + values.answeredAfter * 1000);
      await db.query(
        `insert into call (id, provider, provider_call_id, status, started_at, answered_at, ended_at, queue, red_flags, request_type)
         values ($1, 'synthetic-pbx', $8, $2, $3, $4, $3, $5, $6, $7)`,
        [id, values.status, started, answered, values.queue, values.redFlags ?? [], values.requestType ?? null, `dash-${id}`],
      );
      return id;
    };
    // Dec 1 10:30 pm in New York (Dec 2 in UTC): in the Dec 1 range, at 10 pm.
    await call({ started: '2026-12-02T03:30:00Z', answeredAfter: 10, status: 'ended', queue: 'triage', requestType: 'appointment' });
    // Nov 30 11:30 pm in New York: outside the range though Dec 1 in UTC.
    await call({ started: '2026-12-01T04:30:00Z', answeredAfter: 5, status: 'ended', queue: 'triage' });
    // A missed call in no queue: the fallback queue's.
    await call({ started: '2026-12-01T15:00:00Z', status: 'missed', queue: null });
    const urgent = await call({ started: '2026-12-01T16:00:00Z', answeredAfter: 30, status: 'ended', queue: 'other', redFlags: ['chest_pain'], requestType: 'urgent_emergency' });
    await db.query(`insert into call_event (call_id, provider, provider_event_id, type, occurred_at, envelope) values ($1, 'synthetic-pbx', $2, 'call.transferred', now(), '{}'::jsonb)`, [urgent, randomUUID()]);
    await db.query(
      `insert into red_flag_acknowledgement (call_id, flag_code, raised_at, acknowledged_at, acknowledged_by, screen)
       values ($1, 'chest_pain', '2026-12-01T16:05:00Z', '2026-12-01T16:05:45Z', 'staff:test', 'review')`,
      [urgent],
    );
    for (const scope of ['record', 'transcribe', 'ai', 'ehr']) {
      await db.query(`insert into call_consent (call_id, scope, status, source, captured_at, provider_event_id) values ($1, $2, 'granted', 'ivr', now(), $3)`, [urgent, scope, randomUUID()]);
    }
  });
  afterAll(async () => dispose());

  const read = (queues: string[]) => readDashboardAggregates(db, { from: '2026-12-01', to: '2026-12-01', timeZone: 'America/New_York', queues, fallbackQueue: 'front-desk' });

  it("counts the calls of the clinic's day, by the clinic's hours", async () => {
    const all = await read(['*']);
    expect(all.calls).toMatchObject({ total: 3, finished: 3, answered: 2, missed: 1, transferred: 1, urgent: 1, redFlagged: 1, allConsentsCaptured: 1 });
    expect(all.byDay).toEqual([{ day: '2026-12-01', calls: 3 }]);
    expect(all.byHour.sort((a, b) => a.hour - b.hour)).toEqual([{ hour: 10, calls: 1 }, { hour: 11, calls: 1 }, { hour: 22, calls: 1 }]);
    expect(all.byRequestType.sort((a, b) => a.requestType.localeCompare(b.requestType))).toEqual([
      { requestType: 'appointment', calls: 1 }, { requestType: 'not-known', calls: 1 }, { requestType: 'urgent_emergency', calls: 1 },
    ]);
    expect(all.speedToAnswer).toEqual({ basis: 2, medianSeconds: 20, p90Seconds: 28 });
    expect(all.acknowledgement).toEqual({ basis: 1, medianSeconds: 45, p90Seconds: 45 });
    expect(all.consent.find((entry) => entry.scope === 'ehr')).toEqual({ scope: 'ehr', captured: 1, granted: 1 });
  });

  it("narrows to the person's queues, an unqueued call counting in the fallback queue", async () => {
    const mine = await read(['triage', 'front-desk']);
    expect(mine.calls).toMatchObject({ total: 2, missed: 1, redFlagged: 0 });
    expect((await read(['nowhere'])).calls.total).toBe(0);
  });
});
