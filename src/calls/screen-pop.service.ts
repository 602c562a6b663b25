import type { Patient } from '@medplum/fhirtypes';
import type { Db } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { runWithContext } from '../lib/context.ts';
import { isCallchartError } from '../lib/errors.ts';
import { wakeableSleep } from '../lib/wakeable-sleep.worker.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { LiveCallSummary } from '../api/live-calls.hub.ts';
import type { CallerIdentityService, CallerLookup } from '../ehr/caller-identity.service.ts';
import type { CallerMatch } from '../ehr/patient-match.ts';
import { buildScreenPop, type PatientChartSlice, type ScreenPop } from '../ehr/screen-pop.mapper.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import { callerNumberOf } from './caller-number.repository.ts';
import { liveSummary } from './call-ingest.service.ts';
import { findCall, saveCallerMatch } from './calls.repository.ts';

/** Where cards are shown. The staff WebSocket hub (api/live-calls.hub.ts) is the one display. */
export interface ScreenPopDisplay {
  publishScreenPop(screenPop: ScreenPop): void;
  updateScreenPop(screenPop: ScreenPop): void;
  shownScreenPop(callId: string): ScreenPop | undefined;
  publishCall(call: LiveCallSummary): void;
}

/**
 * How long a card short of its caller or chart keeps being retried: about 30 s in all. A burst
 * drains through the EHR load governor within seconds and a tripped breaker half-opens after 10 s;
 * past that the EHR is down, and the after-call identification (with its own retries) updates the
 * card when the caller is known. Each try costs at most one lookup and one chart slice.
 */
export const screenPopRetryDelaysMs: readonly number[] = [1_000, 2_000, 4_000, 8_000, 15_000];

/** A slice holding only the patient: the card before the chart summary arrives. */
export function patientOnlySlice(patient: Patient): PatientChartSlice {
  return { patient, conditions: [], medications: [], allergies: [], encounters: [], serviceRequests: [], tasks: [], careTeams: [], practitioners: [] };
}

type Refreshed =
  | { settled: true }
  | { settled: false; missing: 'caller' | 'chart'; errCode: string | null; card: ScreenPop | null };

/**
 * The staff card of a call (ID-4). The live path pops it while the phone rings; when the live path
 * leaves it short — the chart came too late for the EHR budget, the caller lookup failed, or the
 * call's stored match changed after the card went out — `reconcile` brings the card in line with
 * the call's stored match (what the calls table shows) and fills in the chart, retrying in the
 * background, and sends each change as a `screen-pop.updated` for the same call id.
 */
export class ScreenPopService {
  /** Calls whose card is being brought up to date, with a way to make the next try happen now. */
  private readonly recovering = new Map<string, { again: boolean; wakers: Set<() => void>; done: Promise<void> }>();
  private stopped = false;

  constructor(
    private readonly deps: {
      db: Db;
      /** Opens the caller's sealed number. */
      cipher: ContentKeyring;
      identity: CallerIdentityService;
      display: ScreenPopDisplay;
      logger: Logger;
      /** The clinic's IANA time zone, for ages on the card. */
      timeZone?: string;
      now?: () => Date;
      retryDelaysMs?: readonly number[];
    },
  ) {}

  /**
   * A card from the live path (`screen-pop`). Without the chart, a matched caller's card shows who
   * is calling from the lookup's Patient and says the chart is loading (`complete: false`).
   */
  showLive(callId: string, lookup: CallerLookup, slice: PatientChartSlice | null): void {
    this.deps.display.publishScreenPop(this.card(callId, lookup.match, lookup.candidatePatients, slice));
  }

  /**
   * Makes the call's card agree with its stored match and carry the chart, now and, while it
   * cannot, on the retry schedule. Only a call that has a card is touched. Never throws; a call
   * already being reconciled is looked at again at once instead of twice in parallel.
   */
  reconcile(callId: string): void {
    if (this.stopped) return;
    const running = this.recovering.get(callId);
    if (running) {
      running.again = true;
      for (const wake of [...running.wakers]) wake();
      return;
    }
    const state = { again: false, wakers: new Set<() => void>(), done: Promise.resolve() };
    this.recovering.set(callId, state);
    state.done = runWithContext({ callId }, () => this.recover(callId, state))
      .catch((error: unknown) => this.deps.logger.error({ err: { message: (error as Error).message } }, 'screen pop update failed'))
      .finally(() => this.recovering.delete(callId));
  }

  /** Ends the retries (engine shutdown) and waits for a try in progress, so nothing touches a closed store. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const state of this.recovering.values()) for (const wake of [...state.wakers]) wake();
    await Promise.all([...this.recovering.values()].map((state) => state.done));
  }

  private async recover(callId: string, state: { again: boolean; wakers: Set<() => void> }): Promise<void> {
    const delays = this.deps.retryDelaysMs ?? screenPopRetryDelaysMs;
    for (let attempt = 0; !this.stopped; attempt++) {
      state.again = false;
      const result = await this.refresh(callId);
      if (state.again) continue;
      if (result.settled) return;
      if (attempt >= delays.length) return this.giveUp(result);
      await wakeableSleep(delays[attempt]!, state.wakers);
    }
  }

  /** One try: the stored match (identifying the caller first if the live lookup failed), then the chart. */
  private async refresh(callId: string): Promise<Refreshed> {
    const { db, identity, display } = this.deps;
    const shown = display.shownScreenPop(callId);
    let call = shown ? await findCall(db, callId) : null;
    if (!shown || !call) return { settled: true };
    const number = await callerNumberOf(db, call, this.deps.cipher);
    const lookup = await identity.identify(number);
    if (!call.callerMatch || call.callerMatch.outcome === 'lookup-failed') {
      if (lookup.match.outcome === 'lookup-failed') return { settled: false, missing: 'caller', errCode: lookup.match.errorCode ?? null, card: null };
      if (await this.saveLateMatch(callId, lookup.match)) {
        call = (await findCall(db, callId)) ?? call;
        // The card first, then the table row: the two never tell the user different things.
        display.updateScreenPop(this.card(callId, call.callerMatch ?? lookup.match, lookup.candidatePatients, null));
        display.publishCall(liveSummary(call));
      } else {
        call = (await findCall(db, callId)) ?? call;
      }
    }
    const match = call.callerMatch;
    if (!match) return { settled: true };
    const patientId = match.outcome === 'unique' ? match.candidates[0]?.patientId : undefined;
    let slice: PatientChartSlice | null = null;
    let errCode: string | null = null;
    if (patientId) {
      try {
        slice = await identity.chartSlice(lookup.candidatePatients.find((patient) => patient.id === patientId) ?? patientId);
      } catch (error) {
        errCode = isCallchartError(error) ? error.code : 'INTERNAL';
      }
    }
    const card = this.card(callId, match, lookup.candidatePatients, slice);
    if (differs(display.shownScreenPop(callId), card)) display.updateScreenPop(card);
    return patientId && !slice ? { settled: false, missing: 'chart', errCode, card } : { settled: true };
  }

  private giveUp(result: Extract<Refreshed, { settled: false }>): void {
    const { display, logger } = this.deps;
    if (result.missing === 'caller') {
      logger.warn({ outcome: 'caller-lookup-failed', errCode: result.errCode }, 'screen pop left without the caller; the after-call identification will update it');
      return;
    }
    logger.warn({ outcome: 'chart-slice-failed', errCode: result.errCode }, 'screen pop left without chart details');
    // Say so on the card instead of "loading" for ever.
    if (result.card) display.updateScreenPop({ ...result.card, chartUnavailable: true });
  }

  /** A match found after the live lookup failed: stored (first answer wins) and audited like the live one. */
  private saveLateMatch(callId: string, match: CallerMatch): Promise<boolean> {
    return this.deps.db.transaction(async (tx) => {
      const changed = await saveCallerMatch(tx, callId, match);
      if (changed) {
        await appendAuditEvent(tx, {
          actor: 'system:identify', action: 'call.caller.identified', objectType: 'call', objectId: callId, outcome: 'success',
          detail: { outcome: match.outcome, confidence: match.confidence, candidates: match.candidates.length, late: true },
        });
      }
      return changed;
    });
  }

  private card(callId: string, match: CallerMatch, candidates: Patient[], slice: PatientChartSlice | null): ScreenPop {
    const patientId = match.outcome === 'unique' ? match.candidates[0]?.patientId : undefined;
    const patient = patientId && !slice ? candidates.find((candidate) => candidate.id === patientId) : undefined;
    return buildScreenPop({
      callId, match, candidates, now: this.deps.now?.() ?? new Date(),
      slice: slice ?? (patient ? patientOnlySlice(patient) : null),
      // A matched caller's card is complete only with the chart; other outcomes have none to wait for.
      complete: !patientId || slice !== null,
      ...(this.deps.timeZone ? { timeZone: this.deps.timeZone } : {}),
    });
  }
}

/** Whether a new card tells the agent something the shown one does not. */
function differs(shown: ScreenPop | undefined, next: ScreenPop): boolean {
  if (!shown) return true;
  const gist = (card: ScreenPop) => JSON.stringify([
    card.outcome, card.confidence, card.complete, Boolean(card.chartUnavailable), card.restricted, card.patient?.id ?? null,
    card.candidates.map((candidate) => candidate.patientId), card.moreCandidates,
  ]);
  return gist(shown) !== gist(next);
}
