import type { Patient } from '@medplum/fhirtypes';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import { eventually, LogCapture, syntheticEvent } from '../../test/helpers/engine-harness.ts';
import { deriveAuditKey } from '../audit/audit-key.ts';
import { chainPendingAuditEvents, listAuditEvents } from '../audit/audit.repository.ts';
import type { LiveCallSummary } from '../api/live-calls.hub.ts';
import type { CallerIdentityService, CallerLookup } from '../ehr/caller-identity.service.ts';
import { failedCallerMatch, type CallerMatch } from '../ehr/patient-match.ts';
import type { PatientChartSlice, ScreenPop } from '../ehr/screen-pop.mapper.ts';
import { CallchartError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { createFixedKeyring } from '../keys/keyring.service.ts';
import type { Db } from '../store/db.ts';
import { normalizeCallerNumber } from './caller-number.ts';
import { findCall, recordCallEvent, saveCallerMatch } from './calls.repository.ts';
import { patientOnlySlice, ScreenPopService, type ScreenPopDisplay } from './screen-pop.service.ts';

// Synthetic caller: an invented patient on a fictional number.
const patient: Patient = { resourceType: 'Patient', id: 'pat-syn-9', name: [{ given: ['Robin'], family: 'Synthetic' }], birthDate: '1980-01-02', telecom: [{ system: 'phone', value: '+16175550199' }] };
const matched: CallerMatch = { outcome: 'unique', confidence: 'ani-only', candidates: [{ patientId: 'pat-syn-9', matchedOn: 'primary-phone' }] };
const chart: PatientChartSlice = {
  ...patientOnlySlice(patient),
  allergies: [{ resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/pat-syn-9' }, code: { text: 'Synthetic penicillin' }, criticality: 'high' }],
};
const cipher = createFixedKeyring(randomBytes(32));

/** A display that keeps what it was sent, in order. */
function recordingDisplay(): ScreenPopDisplay & { sent: { kind: string; card?: ScreenPop; call?: LiveCallSummary }[] } {
  const cards = new Map<string, ScreenPop>();
  const sent: { kind: string; card?: ScreenPop; call?: LiveCallSummary }[] = [];
  return {
    sent,
    publishScreenPop: (card) => (cards.set(card.callId, card), sent.push({ kind: 'screen-pop', card })),
    updateScreenPop: (card) => (cards.set(card.callId, card), sent.push({ kind: 'screen-pop.updated', card })),
    shownScreenPop: (callId) => cards.get(callId),
    publishCall: (call) => sent.push({ kind: 'call.updated', call }),
  };
}

/** The EHR as the service sees it: answers given in turn (an Error is thrown). */
function scriptedIdentity(script: { lookups: (CallerLookup | Error)[]; charts: (PatientChartSlice | Error)[] }): CallerIdentityService {
  const next = <T>(list: (T | Error)[]): T => {
    const answer = list.length > 1 ? list.shift()! : list[0]!;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { identify: async () => next(script.lookups), chartSlice: async () => next(script.charts) } as unknown as CallerIdentityService;
}

const outage = () => new CallchartError('EHR_UNAVAILABLE', 'synthetic outage');

describe.each(backendKinds)('a screen pop the live path left short, on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());

  /** A ringing call with a card already shown for it (as the live path leaves it), and the stored match. */
  async function ringingCall(providerCallId: string, stored: CallerMatch, display: ReturnType<typeof recordingDisplay>, shown: ScreenPop): Promise<string> {
    const event = syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani: '+16175550199' });
    const { callId } = await db.transaction((tx) => recordCallEvent(tx, event, normalizeCallerNumber(event.call.ani), cipher));
    await db.transaction((tx) => saveCallerMatch(tx, callId, stored));
    display.publishScreenPop({ ...shown, callId });
    return callId;
  }

  const service = (identity: CallerIdentityService, display: ScreenPopDisplay, logs: LogCapture) =>
    new ScreenPopService({ db, identity, display, logger: createLogger({ level: 'info', destination: logs }), retryDelaysMs: [0, 0, 0] });

  const loadingCard = (callId: string): ScreenPop => ({
    callId, outcome: 'unique', confidence: 'ani-only', callerRole: 'patient', relationship: null, patient: null, candidates: [], complete: false, moreCandidates: 0, restricted: false, generatedAt: new Date().toISOString(),
  });

  it('fills in the card when the chart comes on a later try, and warns about nothing', async () => {
    const display = recordingDisplay();
    const logs = new LogCapture();
    const screenPops = service(scriptedIdentity({ lookups: [{ match: matched, candidatePatients: [patient] }], charts: [outage(), outage(), chart] }), display, logs);
    const callId = await ringingCall(`late-chart-${kind}`, matched, display, loadingCard(''));
    screenPops.reconcile(callId);
    const last = await eventually(async () => (display.shownScreenPop(callId)?.complete ? display.shownScreenPop(callId) : null), 10_000, 'the chart on the card');
    expect(last?.patient).toMatchObject({ id: 'pat-syn-9', allergies: [{ substance: 'Synthetic penicillin', highRisk: true }] });
    expect(display.sent.at(-1)?.kind).toBe('screen-pop.updated');
    await screenPops.stop();
    expect(logs.text).not.toContain('chart-slice-failed');
  });

  it('says the chart did not load once the tries are spent, and warns once without PHI', async () => {
    const display = recordingDisplay();
    const logs = new LogCapture();
    const screenPops = service(scriptedIdentity({ lookups: [{ match: matched, candidatePatients: [patient] }], charts: [outage()] }), display, logs);
    const callId = await ringingCall(`no-chart-${kind}`, matched, display, loadingCard(''));
    screenPops.reconcile(callId);
    const last = await eventually(async () => display.shownScreenPop(callId)?.chartUnavailable ? display.shownScreenPop(callId) : null, 10_000, 'the card saying the chart is unavailable');
    // Who is calling stays on the card; the chart is not claimed either way.
    expect(last).toMatchObject({ complete: false, chartUnavailable: true, patient: { id: 'pat-syn-9', allergies: [] } });
    await screenPops.stop();
    const warnings = logs.lines.filter((line) => line.includes('chart-slice-failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(callId);
    expect(warnings[0]).not.toMatch(/Robin|Synthetic|\+1617/);
  });

  it('identifies a caller the live lookup missed: stores and audits the match, and the card changes before the calls table', async () => {
    const display = recordingDisplay();
    const logs = new LogCapture();
    const failed = failedCallerMatch('EHR_UNAVAILABLE');
    // The lookup still fails on the first try (the service never throws for it: it says lookup-failed).
    const screenPops = service(scriptedIdentity({ lookups: [{ match: failed, candidatePatients: [] }, { match: matched, candidatePatients: [patient] }], charts: [chart] }), display, logs);
    const callId = await ringingCall(`late-lookup-${kind}`, failed, display, { ...loadingCard(''), outcome: 'lookup-failed', confidence: 'none', complete: true });
    screenPops.reconcile(callId);
    await eventually(async () => (display.shownScreenPop(callId)?.complete && display.shownScreenPop(callId)?.outcome === 'unique' ? true : null), 10_000, 'the identified caller on the card');
    await screenPops.stop();
    expect((await findCall(db, callId))?.callerMatch).toMatchObject({ outcome: 'unique', confidence: 'ani-only' });
    const kinds = display.sent.map((message) => message.kind);
    expect(kinds.indexOf('screen-pop.updated')).toBeLessThan(kinds.indexOf('call.updated'));
    expect(display.sent.find((message) => message.kind === 'call.updated')?.call?.callerOutcome).toBe('unique');
    await chainPendingAuditEvents(db, deriveAuditKey(randomBytes(32)));
    const audit = (await listAuditEvents(db, { limit: 1000 })).filter((event) => event.objectId === callId && event.action === 'call.caller.identified');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'system:identify', outcome: 'success', detail: { outcome: 'unique', late: true } });
  });
});
