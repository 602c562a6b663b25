import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import { syntheticEvent } from '../../test/helpers/engine-harness.ts';
import type { Db } from '../store/db.ts';
import { createFixedKeyring } from '../keys/keyring.service.ts';
import type { CallEvent } from './call-event.schema.ts';
import { normalizeCallerNumber } from './caller-number.ts';
import { findCall, latestTranscript, loadCallAnalysis, recordCallEvent, saveCallAnalysis } from './calls.repository.ts';

const cipher = createFixedKeyring(randomBytes(32));

function callScript(callId: string): CallEvent[] {
  const at = (seconds: number) => new Date(Date.UTC(2026, 10, 2, 15, 0, seconds)).toISOString();
  return [
    syntheticEvent({ type: 'call.ringing', callId, occurredAt: at(0) }),
    syntheticEvent({ type: 'call.answered', callId, occurredAt: at(6), call: { id: callId, ani: '+16175550142', queue: 'front-desk', agent: 'ext-101', direction: 'inbound' } }),
    syntheticEvent({ type: 'call.transferred', callId, occurredAt: at(20), data: { toQueue: 'nurse-line', toAgent: 'ext-204' } }),
    syntheticEvent({ type: 'call.ended', callId, occurredAt: at(50), data: { durationSeconds: 44 } }),
    syntheticEvent({ type: 'transcript.available', callId, occurredAt: at(51), data: { transcript: { text: 'Synthetic caller asks about lab results.' } } }),
  ];
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

describe.each(backendKinds)('call ledger on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());

  const record = (event: CallEvent) => db.transaction((tx) => recordCallEvent(tx, event, normalizeCallerNumber(event.call.ani), cipher));

  it('reaches the same call state for every arrival order of the same events', async () => {
    const orders = permutations([0, 1, 2, 3, 4]);
    const states = new Set<string>();
    for (const [index, order] of orders.entries()) {
      const events = callScript(`perm-${index}`);
      let callId = '';
      for (const position of order) callId = (await record(events[position]!)).callId;
      const call = (await findCall(db, callId))!;
      states.add(JSON.stringify([call.status, call.startedAt, call.answeredAt, call.endedAt, call.queue, call.agent]));
    }
    expect(orders).toHaveLength(120);
    expect([...states]).toEqual([
      JSON.stringify(['ended', '2026-11-02T15:00:00.000Z', '2026-11-02T15:00:06.000Z', '2026-11-02T15:00:50.000Z', 'nurse-line', 'ext-204']),
    ]);
  });

  it('stores each event once however often it is delivered, concurrently or not', async () => {
    const events = callScript('dup-1');
    const results = await Promise.all([...events, ...events, ...events].map(record));
    expect(results.filter((result) => !result.duplicate)).toHaveLength(events.length);
    const { rows } = await db.query<{ n: string }>(`select count(*)::text as n from call_event e join call c on c.id = e.call_id where c.provider_call_id = 'dup-1'`);
    expect(Number(rows[0]!.n)).toBe(events.length);
    const call = (await findCall(db, results[0]!.callId))!;
    expect(call.status).toBe('ended');
  });

  it('keeps transcripts encrypted at rest and out of the event log', async () => {
    const events = callScript('enc-1');
    let callId = '';
    for (const event of events) callId = (await record(event)).callId;
    const raw = await db.query<{ ciphertext: Uint8Array }>('select ciphertext from transcript where call_id = $1', [callId]);
    expect(Buffer.from(raw.rows[0]!.ciphertext).toString('utf8')).not.toContain('lab results');
    const envelopes = await db.query<{ envelope: unknown }>('select envelope from call_event where call_id = $1', [callId]);
    expect(JSON.stringify(envelopes.rows)).not.toContain('lab results');
    expect(JSON.stringify(envelopes.rows)).not.toContain('5550142');
    expect(await latestTranscript(db, callId, cipher)).toBe('Synthetic caller asks about lab results.');
  });

  it('never drops a red flag when a call is analysed again, and keeps the analysis encrypted', async () => {
    const [ringing] = callScript(`red-flag-${kind}`);
    const { callId } = await record(ringing!);
    const save = (redFlags: string[], urgency: 'routine' | 'emergency', marker: string) =>
      db.transaction((tx) => saveCallAnalysis(tx, callId, {
        requestType: redFlags.length ? 'urgent_emergency' : 'appointment', requestTypes: ['appointment'], redFlags, urgency,
        method: 'transcript', transcriptEventId: null, sealed: cipher.encrypt(JSON.stringify({ marker })), keyId: cipher.keyId,
      }));
    await save(['chest_pain'], 'emergency', 'first');
    await save([], 'routine', 'second');
    const call = await findCall(db, callId);
    expect(call?.redFlags).toEqual(['chest_pain']);
    expect(call?.urgency).toBe('emergency');
    expect((await loadCallAnalysis<{ marker: string }>(db, callId, cipher))?.analysis.marker).toBe('second');
    const { rows } = await db.query<{ ciphertext: Uint8Array }>('select ciphertext from call_analysis where call_id = $1', [callId]);
    expect(Buffer.from(rows[0]!.ciphertext).toString('latin1')).not.toContain('second');
  });
});
