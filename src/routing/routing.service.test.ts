import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { LiveCallsHub } from '../api/live-calls.hub.ts';
import type { CallIngestService, LiveIdentification } from '../calls/call-ingest.service.ts';
import type { CallRecord } from '../calls/calls.repository.ts';
import type { CallerLookup } from '../ehr/caller-identity.service.ts';
import type { PatientChartSlice } from '../ehr/screen-pop.mapper.ts';
import { createLogger } from '../lib/logger.ts';
import type { Db, Transaction } from '../store/db.ts';
import { exampleRulesFile, loadRoutingRules } from './routing-rules.loader.ts';
import { RoutingService } from './routing.service.ts';

/** A store that keeps what committed, and whose COMMIT the test can hold back. */
class FakeDb {
  readonly kind = 'pglite' as const;
  readonly committed: { sql: string; params: unknown[] }[] = [];
  gate: () => Promise<void> = async () => undefined;
  async query<Row>(): Promise<{ rows: Row[]; rowCount: number }> {
    return { rows: [], rowCount: 0 };
  }
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const staged: { sql: string; params: unknown[] }[] = [];
    const value = await work({
      async query<Row>(sql: string, params: unknown[] = []) {
        staged.push({ sql, params });
        return { rows: [] as Row[], rowCount: 1 };
      },
      async exec() {},
    });
    await this.gate();
    this.committed.push(...staged);
    return value;
  }
  get audited(): string[] {
    return this.committed.filter((q) => q.sql.includes('audit_pending')).map((q) => String(q.params[2]));
  }
  get routings(): Record<string, unknown>[] {
    return this.committed.filter((q) => q.sql.startsWith('update call set routing')).map((q) => JSON.parse(String(q.params[1])) as Record<string, unknown>);
  }
}

/** A live identification the test settles by hand: first who is calling, then the chart. */
function liveIdentification() {
  let settleLookup!: (lookup: CallerLookup) => void;
  let settleFull!: (full: LiveIdentification) => void;
  const lookup = new Promise<CallerLookup>((resolve) => (settleLookup = resolve));
  const full = new Promise<LiveIdentification>((resolve) => (settleFull = resolve));
  return { entry: { lookup, full }, settleLookup, settleFull };
}

const patient: Patient = { resourceType: 'Patient', id: 'synthetic-p1', generalPractitioner: [{ reference: 'Practitioner/prac-05' }] };
const knownCaller: CallerLookup = {
  match: { outcome: 'unique', confidence: 'ani-only', candidates: [{ patientId: 'synthetic-p1', matchedOn: 'primary-phone' }] },
  candidatePatients: [patient],
};
const failedLookup: CallerLookup = { match: { outcome: 'lookup-failed', confidence: 'none', candidates: [], errorCode: 'EHR_UNAVAILABLE' }, candidatePatients: [] };
const sliceWithPendingResults: PatientChartSlice = {
  patient, conditions: [], medications: [], allergies: [], encounters: [], tasks: [], careTeams: [], practitioners: [],
  serviceRequests: [{ resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/synthetic-p1' } }],
};

function call(id: string): CallRecord {
  return { id, provider: 'synthetic-pbx', providerCallId: id, dnis: '+16175550100', ivrReason: null, urgent: false, callerMatch: null, routing: null } as unknown as CallRecord;
}

/** A Tuesday, 10:00 in the clinic (America/New_York): open. */
const tuesdayMorning = new Date('2026-12-15T15:00:00Z');

function setup(options: { budgetMs?: number } = {}) {
  const db = new FakeDb();
  const entries = new Map<string, ReturnType<typeof liveIdentification>['entry']>();
  const ingest = { liveIdentification: (key: string) => entries.get(key)! } as unknown as CallIngestService;
  const hub = { publishCall: () => undefined } as unknown as LiveCallsHub;
  const routing = new RoutingService({
    db: db as unknown as Db, ingest, hub, logger: createLogger({ level: 'silent' }), rules: loadRoutingRules(exampleRulesFile),
    budgetMs: options.budgetMs ?? 300, now: () => tuesdayMorning, decideMarginMs: 60, answerMarginMs: 20,
  });
  const ringing = (id: string) => {
    const live = liveIdentification();
    entries.set(`synthetic-pbx/${id}`, live.entry);
    return live;
  };
  return { db, routing, ringing };
}

const callerNumber = { presentation: 'number', e164: '+16175550142' } as const;

describe('routing service: a hard deadline from arrival', () => {
  it('uses the chart when it comes in time, and stores and audits the decision before answering', async () => {
    const { db, routing, ringing } = setup();
    const live = ringing('c1');
    live.settleLookup(knownCaller);
    live.settleFull({ lookup: knownCaller, slice: sliceWithPendingResults });
    const decision = await routing.route({ call: call('c1'), callerNumber, receivedAt: Date.now() });
    expect(decision).toMatchObject({ ruleId: 'pending-results', destinationId: 'nurse-line', fallback: false });
    expect(db.routings).toEqual([expect.objectContaining({ ruleId: 'pending-results', ehrContext: 'chart' })]);
    expect(db.audited).toEqual(['call.routed']);
  });

  it('decides on who is calling when the chart is late: the PCP team, not a fallback, and says the chart was late', async () => {
    const { db, routing, ringing } = setup();
    const live = ringing('c2');
    live.settleLookup(knownCaller);
    const decision = await routing.route({ call: call('c2'), callerNumber, receivedAt: Date.now() });
    expect(decision).toMatchObject({ ruleId: 'known-patient', destinationId: 'team-blue', fallback: false });
    expect(decision.reason).toMatch(/chart summary came too late/);
    await routing.drain();
    expect(db.routings).toEqual([expect.objectContaining({ ruleId: 'known-patient', ehrContext: 'match' })]);
  });

  it('falls back at the deadline when the EHR has said nothing, and says why', async () => {
    const { db, routing, ringing } = setup();
    ringing('c3');
    const decision = await routing.route({ call: call('c3'), callerNumber, receivedAt: Date.now() });
    expect(decision).toMatchObject({ ruleId: 'ehr-fallback', destinationId: 'front-desk', fallback: true });
    expect(decision.reason).toMatch(/did not answer within the routing budget/);
    await routing.drain();
    expect(db.routings).toEqual([expect.objectContaining({ ehrContext: 'none', fallback: true })]);
  });

  it('a failed lookup is a fallback with "unavailable"', async () => {
    const { routing, ringing } = setup();
    const live = ringing('c4');
    live.settleLookup(failedLookup);
    live.settleFull({ lookup: failedLookup, slice: null });
    const decision = await routing.route({ call: call('c4'), callerNumber, receivedAt: Date.now() });
    expect(decision).toMatchObject({ fallback: true });
    expect(decision.reason).toMatch(/EHR was unavailable/);
  });

  it('past the deadline on arrival (a slow commit), decides at once with what is already known', async () => {
    const { routing, ringing } = setup();
    const live = ringing('c5');
    live.settleLookup(knownCaller);
    const decision = await routing.route({ call: call('c5'), callerNumber, receivedAt: Date.now() - 10_000 });
    expect(decision).toMatchObject({ ruleId: 'known-patient', fallback: false });
  });

  it('answers at the deadline while the commit is held up, stores it after, and answers a retry the same', async () => {
    const { db, routing, ringing } = setup();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    db.gate = () => held;
    const live = ringing('c6');
    live.settleLookup(knownCaller);
    live.settleFull({ lookup: knownCaller, slice: sliceWithPendingResults });
    // Resolves although the commit cannot finish: the answer does not wait past the deadline.
    const decision = await routing.route({ call: call('c6'), callerNumber, receivedAt: Date.now() });
    expect(decision.ruleId).toBe('pending-results');
    expect(db.routings).toEqual([]);
    // A retried webhook while the commit is under way gets the same answer.
    expect(await routing.route({ call: call('c6'), callerNumber, receivedAt: Date.now() })).toMatchObject(decision);
    release();
    await routing.drain();
    expect(db.routings).toEqual([expect.objectContaining({ ruleId: 'pending-results', destinationId: 'nurse-line' })]);
    expect(db.audited).toEqual(['call.routed']);
  });

  it('a call already routed gets its stored decision again', async () => {
    const { db, routing } = setup();
    const stored = { destinationId: 'billing', ruleId: 'billing', fallback: false };
    const decision = await routing.route({ call: { ...call('c7'), routing: stored }, callerNumber, receivedAt: Date.now() });
    expect(decision).toEqual(stored);
    expect(db.committed).toEqual([]);
  });

  it('a commit still running when the decision is due: decides from the event, stores it once committed, and a redelivery gets the same answer', async () => {
    const { db, routing, ringing } = setup();
    const live = ringing('c8');
    live.settleLookup(knownCaller);
    let commit!: (value: { callId: string }) => void;
    const accepting = new Promise<{ callId: string }>((resolve) => (commit = resolve));
    const early = await routing.routeIfCommitLate({
      accepting, call: { provider: 'synthetic-pbx', providerCallId: 'c8', dnis: '+16175550100' }, callerNumber, receivedAt: Date.now(),
    });
    expect(early).toMatchObject({ ruleId: 'known-patient', destinationId: 'team-blue', fallback: false });
    expect(db.routings).toEqual([]);
    // The redelivered event finds the call committed meanwhile: routing answers as it did.
    expect(await routing.route({ call: call('c8'), callerNumber, receivedAt: Date.now() })).toMatchObject({ ruleId: 'known-patient' });
    commit({ callId: 'c8' });
    await routing.drain();
    expect(db.routings).toEqual([expect.objectContaining({ ruleId: 'known-patient', destinationId: 'team-blue' })]);
    expect(db.committed.find((q) => q.sql.startsWith('update call set routing'))!.params[0]).toBe('c8');
    expect(db.audited).toEqual(['call.routed']);
    // Redelivered while its (duplicate) commit is slow again: the same answer, not a new decision.
    live.settleFull({ lookup: knownCaller, slice: sliceWithPendingResults });
    const again = await routing.routeIfCommitLate({
      accepting: new Promise(() => undefined), call: { provider: 'synthetic-pbx', providerCallId: 'c8', dnis: '+16175550100' }, callerNumber, receivedAt: Date.now(),
    });
    expect(again).toMatchObject({ ruleId: 'known-patient', destinationId: 'team-blue' });
  });

  it('a commit done before the decision is due (or failed) leaves routing to the stored call', async () => {
    const { routing } = setup();
    const base = { call: { provider: 'synthetic-pbx', providerCallId: 'c9', dnis: null }, callerNumber, receivedAt: Date.now() };
    expect(await routing.routeIfCommitLate({ ...base, accepting: Promise.resolve({ callId: 'c9' }) })).toBeNull();
    expect(await routing.routeIfCommitLate({ ...base, accepting: Promise.reject(new Error('store down')) })).toBeNull();
  });
});
