import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveCallsHub, type CallUnderstanding } from '../api/live-calls.hub.ts';
import type { ScreenPop } from '../ehr/screen-pop.mapper.ts';
import { EnvelopeKeyring } from '../keys/keyring.service.ts';
import { createMemoryKekProvider } from '../keys/memory-kek.client.ts';
import { createLogger } from '../lib/logger.ts';
import type { LiveTranscript } from '../speech/live-transcript.ts';
import type { Db } from '../store/db.ts';
import { openDb } from '../store/db.ts';
import { eventually } from '../../test/helpers/engine-harness.ts';
import { openTestDb } from '../../test/helpers/backends.ts';
import { PostgresLiveFanOut } from './live-fan-out.service.ts';

/**
 * Two engine processes' live fan-outs on one real PostgreSQL database, each with its own hub, its
 * own connection pool and keyring (one KEK, as a deployment shares it). What one publishes, the
 * other's hub holds; a dropped LISTEN connection comes back and reloads what it missed.
 */
const logger = createLogger({ level: process.env.FANOUT_LOG ?? 'silent' });
const syntheticName = 'Synthetic Quillfeather Test-Patient';

function card(callId: string, overrides: Partial<ScreenPop> = {}): ScreenPop {
  return {
    callId, outcome: 'unique', confidence: 'ani-only', callerRole: 'patient', relationship: null, candidates: [], complete: true, moreCandidates: 0, restricted: false,
    generatedAt: new Date().toISOString(),
    patient: {
      id: 'pat-synthetic-1', name: syntheticName, age: 61, sex: 'female', mrn: 'MRN-SYN-0042', allergies: [{ substance: 'Penicillin', criticality: 'high', highRisk: true }],
      noKnownAllergies: false, primaryProblem: null, problems: [], activeMedications: ['lisinopril 10 mg'], lastVisit: null, pendingOrders: [], openTasks: [], pcp: null, careTeam: [],
    },
    ...overrides,
  };
}

let store: { db: Db; databaseUrl: string | undefined; dispose(): Promise<void> };
const kek = createMemoryKekProvider();
const processes: Array<{ db: Db; cipher: EnvelopeKeyring; hub: LiveCallsHub; fanOut: PostgresLiveFanOut }> = [];

async function startProcess(backoff = { baseMs: 100, maxMs: 1_000 }) {
  const db = await openDb({ databaseUrl: store.databaseUrl });
  const cipher = new EnvelopeKeyring({ db, kek });
  await cipher.start();
  const hub = new LiveCallsHub({ fallbackQueue: 'front-desk' });
  const fanOut = new PostgresLiveFanOut({ db, cipher, hub, logger, backoff });
  await fanOut.start();
  const started = { db, cipher, hub, fanOut };
  processes.push(started);
  return started;
}

beforeAll(async () => {
  store = await openTestDb('postgres');
});
afterAll(async () => {
  for (const { fanOut, cipher, db } of processes) {
    await fanOut.stop();
    cipher.close();
    await db.close();
  }
  await store.dispose();
});

describe('live fan-out over PostgreSQL LISTEN/NOTIFY', () => {
  it('hands a card, an understanding and a live transcript published in one process to the other, sealed at rest', async () => {
    const a = await startProcess();
    const b = await startProcess();
    const callId = randomUUID();
    a.fanOut.publishScreenPop(card(callId));
    const shown = await eventually(async () => b.hub.shownScreenPop(callId), 10_000, 'the card in process B');
    expect(shown.patient?.name).toBe(syntheticName);
    expect(shown.patient?.allergies[0]?.substance).toBe('Penicillin');
    // An update replaces it in B as well.
    a.fanOut.updateScreenPop(card(callId, { chartUnavailable: true }));
    await eventually(async () => (b.hub.shownScreenPop(callId)?.chartUnavailable ? true : null), 10_000, 'the updated card in process B');

    const understanding: CallUnderstanding = {
      callId, queue: 'nurse-line', agent: null, requestTypes: [{ type: 'prescription_refill', confidence: 0.9 }], redFlags: [], urgency: 'routine',
      summary: null, generatedBy: 'callchart-rules', reviewed: false,
    };
    a.fanOut.publishUnderstanding(understanding);
    const transcript: LiveTranscript = {
      callId, queue: 'nurse-line', agent: null, source: 'pocketsphinx', pieces: [{ text: 'I need my refill', kind: 'text' }], pending: '', quality: 'ok',
      qualityReasons: [], segments: [], lowConfidenceWords: 0, truncated: false, updatedAt: new Date().toISOString(),
    };
    a.fanOut.publishTranscript(transcript);
    await eventually(async () => (b.hub.transcriptCallIds().includes(callId) ? true : null), 10_000, 'the live transcript in process B');
    // Consent withdrawn in A: B's screens remove the transcript too.
    a.fanOut.endTranscript(callId, { withdrawn: true });
    await eventually(async () => (b.hub.transcriptCallIds().includes(callId) ? null : true), 10_000, 'the transcript gone from process B');

    // At rest, sealed: no patient detail in the row.
    await a.fanOut.flushed();
    const { rows } = await store.db.query<{ kind: string; ciphertext: Buffer }>('select kind, ciphertext from live_view where call_id = $1', [callId]);
    expect(rows.map((row) => row.kind).sort()).toEqual(['screen-pop', 'understanding']);
    for (const row of rows) expect(Buffer.from(row.ciphertext).toString('latin1')).not.toMatch(/Quillfeather|Penicillin|MRN-SYN|refill/);
    // A process never handles its own notifications (it delivered at once).
    expect(a.fanOut.received).toBe(0);
    expect(b.fanOut.received).toBeGreaterThan(0);
  });

  it('comes back after its LISTEN connection is terminated and reloads what was published meanwhile', async () => {
    const a = processes[0]!;
    // Slow to reconnect on purpose, so the publishing below happens while nobody listens in C.
    const c = await startProcess({ baseMs: 4_000, maxMs: 8_000 });
    const pid = c.fanOut.listenBackendPid!;
    expect(pid).toBeGreaterThan(0);
    const admin = new pg.Client({ connectionString: store.databaseUrl });
    await admin.connect();
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await admin.end();
    await eventually(async () => (c.fanOut.listening ? null : true), 10_000, 'the dropped connection noticed');

    const missedId = randomUUID();
    a.fanOut.publishScreenPop(card(missedId));
    await a.fanOut.flushed();
    // Written and notified while C had no listening session: that notification is lost to C.
    expect(c.fanOut.listening).toBe(false);
    expect(c.hub.shownScreenPop(missedId)).toBeUndefined();

    await eventually(async () => (c.fanOut.listening && c.fanOut.reconnects === 1 ? true : null), 20_000, 'listening again');
    const recovered = await eventually(async () => c.hub.shownScreenPop(missedId), 10_000, 'the missed card reloaded');
    expect(recovered.patient?.name).toBe(syntheticName);

    // And what comes after crosses as usual.
    const laterId = randomUUID();
    a.fanOut.publishScreenPop(card(laterId));
    await eventually(async () => c.hub.shownScreenPop(laterId), 10_000, 'a later card in process C');
  });
});
