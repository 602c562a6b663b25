import path from 'node:path';
import { LRUCache } from 'lru-cache';
import type { Patient } from '@medplum/fhirtypes';
import type { Db } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import type { CallIngestService, LiveIdentification } from '../calls/call-ingest.service.ts';
import { liveSummary } from '../calls/call-ingest.service.ts';
import type { CallerNumber } from '../calls/caller-number.ts';
import { findCall, saveRouting, type CallRecord } from '../calls/calls.repository.ts';
import { GroupCommit, type GroupCommitOptions } from '../store/group-commit.ts';
import type { CallerLookup } from '../ehr/caller-identity.service.ts';
import type { PatientChartSlice } from '../ehr/screen-pop.mapper.ts';
import type { LivePublisher } from '../api/live-calls.hub.ts';
import type { CallReason } from '../ivr/ivr-settings.schema.ts';
import { decideRoute, type RoutingContext, type RoutingDecision } from './route-call.ts';
import { RoutingRulesInvalidError } from './routing-rules.loader.ts';
import { routingRulesVersion, type RoutingRules } from './routing-rules.schema.ts';

/** How much of the EHR's answer a decision could use. */
export type EhrContext = 'chart' | 'match' | 'none';

/** The routing decision as stored on the call and answered to retries. */
type StoredRouting = RoutingDecision & { destinationLabel: string; rulesVersion: string; ehrContext: EhrContext; decidedInMs: number };

const practitionerId = (reference: string | undefined) => (reference?.startsWith('Practitioner/') ? reference.slice('Practitioner/'.length) : null);

/**
 * The facts routing takes from the EHR (ids only). With the chart slice: PCP, care team, last
 * visit, pending results. With only the caller match (the chart came too late): the PCP from the
 * matched patient; last visit and pending results stay "not looked up", so rules on them do not
 * apply rather than guess.
 */
function ehrFacts(lookup: CallerLookup | null, slice: PatientChartSlice | null): Pick<RoutingContext['caller'], 'pcpPractitionerId' | 'careTeamPractitionerIds' | 'lastVisit' | 'pendingResults'> {
  if (!slice) {
    const unique = lookup?.match.outcome === 'unique' ? lookup.match.candidates[0] : undefined;
    const patient: Patient | undefined = unique ? lookup?.candidatePatients.find((candidate) => candidate.id === unique.patientId) : undefined;
    return patient ? { pcpPractitionerId: practitionerId(patient.generalPractitioner?.[0]?.reference) } : {};
  }
  const lastEncounter = [...slice.encounters]
    .filter((encounter) => encounter.period?.start)
    .sort((a, b) => Date.parse(b.period!.start!) - Date.parse(a.period!.start!))[0];
  return {
    pcpPractitionerId: practitionerId(slice.patient.generalPractitioner?.[0]?.reference),
    careTeamPractitionerIds: slice.careTeams
      .flatMap((team) => team.participant ?? [])
      .map((participant) => practitionerId(participant.member?.reference))
      .filter((id): id is string => Boolean(id)),
    lastVisit: lastEncounter
      ? { date: lastEncounter.period!.start!, practitionerId: practitionerId(lastEncounter.participant?.find((p) => p.individual?.reference?.startsWith('Practitioner/'))?.individual?.reference) }
      : null,
    pendingResults: slice.serviceRequests.some((order) => order.status === 'active'),
  };
}

/** What the EHR had said about the caller by the time routing had to decide. */
interface EhrAnswerSoFar {
  ehr: RoutingContext['ehr'];
  lookup: CallerLookup | null;
  slice: PatientChartSlice | null;
  context: EhrContext;
}

const sleepUntil = (at: number): { done: Promise<void>; cancel(): void } => {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, at - Date.now()));
  });
  return { done, cancel: () => clearTimeout(timer) };
};

export interface RoutingServiceOptions {
  db: Db;
  ingest: CallIngestService;
  hub: LivePublisher;
  logger: Logger;
  rules: RoutingRules;
  /** The routing answer goes out at most this long after the request arrived (RT-2). */
  budgetMs: number;
  now?: () => Date;
  /**
   * Before the deadline: when to stop waiting for the EHR and decide (default min(300, budget/4)),
   * and when to stop waiting for the decision's commit and answer anyway (default min(100, budget/10)).
   */
  decideMarginMs?: number;
  answerMarginMs?: number;
  /**
   * How long the answer waits for the decision's commit once decided (default 100 ms): normally the
   * commit is done well within it; in a burst the caller should not wait on the store.
   */
  storeGraceMs?: number;
  groupCommit?: Partial<GroupCommitOptions>;
  /** Told after every decision (metrics): seconds since the webhook came in, whether it fell back, the EHR context used. */
  onDecided?: (decision: { seconds: number; fallback: boolean; ehrContext: string }) => void;
}

/**
 * Decides where a call goes (RT-1, RT-2) by a hard deadline: `receivedAt + budgetMs`, from when the
 * request arrived, covering the event's commit, the EHR lookup and storing the decision.
 *
 * - It waits for the caller's live identification until shortly before the deadline, then decides
 *   with the best it has: the chart slice, else the caller match alone, else no EHR context
 *   (`fallback`, with the reason) — invariant 6.
 * - The decision and its audit entry commit through group commit (many calls, one transaction).
 *   The answer waits for that commit briefly (`storeGraceMs`, never past the deadline); then it goes
 *   out and the commit completes after (retried until stored), while retries of the same webhook get
 *   the same answer from memory.
 */
export class RoutingService {
  private rules: RoutingRules;
  private version: string;
  private readonly commits: GroupCommit;
  /** Decisions answered whose commit is still under way, by call id. */
  private readonly unstored = new Map<string, StoredRouting>();
  /**
   * Decisions answered before the ringing event itself was committed, by provider call key. Kept
   * after they are stored: a redelivery whose commit is slow again must get the same answer, not a
   * new decision.
   */
  private readonly beforeCommit = new LRUCache<string, StoredRouting>({ max: 20_000, ttl: 15 * 60_000 });
  private readonly storing = new Set<Promise<void>>();
  private readonly decideMarginMs: number;
  private readonly answerMarginMs: number;
  private readonly storeGraceMs: number;

  constructor(private readonly deps: RoutingServiceOptions) {
    this.rules = deps.rules;
    this.version = routingRulesVersion(deps.rules);
    this.commits = new GroupCommit(deps.db, { ...(deps.db.kind === 'pglite' ? { maxConcurrentBatches: 1 } : { maxConcurrentBatches: 2 }), ...deps.groupCommit });
    this.decideMarginMs = deps.decideMarginMs ?? Math.min(300, Math.floor(deps.budgetMs / 4));
    this.answerMarginMs = Math.min(deps.answerMarginMs ?? Math.min(100, Math.floor(deps.budgetMs / 10)), this.decideMarginMs);
    this.storeGraceMs = deps.storeGraceMs ?? 100;
  }

  /** Records the active rules version; a new version is audited as a change. */
  async activate(): Promise<{ version: string; changed: boolean }> {
    const { db } = this.deps;
    const changed = await db.transaction(async (tx) => {
      const inserted = await tx.query(
        'insert into routing_rules_version (version, label, rules) values ($1, $2, $3) on conflict (version) do nothing',
        [this.version, this.rules.version, JSON.stringify(this.rules)],
      );
      if (inserted.rowCount > 0) {
        await appendAuditEvent(tx, {
          actor: 'system', action: 'routing.rules.activated', objectType: 'routing-rules', objectId: this.version, outcome: 'success',
          detail: { label: this.rules.version, rules: this.rules.rules.length },
        });
      }
      return inserted.rowCount > 0;
    });
    return { version: this.version, changed };
  }

  get rulesVersion(): string {
    return this.version;
  }

  /** The rules in force: every call that rings from now on is decided by them. */
  get currentRules(): RoutingRules {
    return this.rules;
  }

  /**
   * Puts a new rule set in force for the next call (a change saved from Settings, issue 14). Who
   * changed it and why are audited by the caller; here the version is recorded as ever.
   */
  async useRules(rules: RoutingRules): Promise<{ version: string; changed: boolean }> {
    this.rules = rules;
    this.version = routingRulesVersion(rules);
    return this.activate();
  }

  async route(options: { call: CallRecord; callerNumber: CallerNumber; receivedAt: number }): Promise<RoutingDecision> {
    const { logger, budgetMs } = this.deps;
    const { call, receivedAt } = options;
    if (call.routing && typeof call.routing.destinationId === 'string') {
      // Already routed (a retried webhook): give the same answer.
      return call.routing as unknown as RoutingDecision;
    }
    const answered = this.unstored.get(call.id);
    if (answered) return answered;

    const early = this.beforeCommit.get(`${call.provider}/${call.providerCallId}`);
    if (early) return early;

    const deadline = receivedAt + budgetMs;
    const { decision, stored, ehr, ehrContext } = await this.decide(call, options.callerNumber, receivedAt);

    // Answer once stored, or after a short grace, never past the deadline; the commit carries on regardless.
    this.unstored.set(call.id, stored);
    const storing = this.storeDurably(call, stored, ehr);
    const answerBy = sleepUntil(Math.min(deadline - this.answerMarginMs, Date.now() + this.storeGraceMs));
    const inTime = await Promise.race([storing.then(() => true), answerBy.done.then(() => false)]);
    answerBy.cancel();
    logger.info({ ruleId: decision.ruleId, fallback: decision.fallback, ehrContext, storedBeforeAnswer: inTime }, 'call routed');
    return decision;
  }

  /**
   * For a PBX waiting on `?route=sync`: waits for the ringing event's commit only until the
   * decision is due. Committed in time (or failed): null, and the caller routes the stored call as
   * usual. Still committing: decides now from the event and the live lookup, stores that decision
   * once the event has committed (a redelivery then gets the same answer), and returns it — the
   * caller must answer without acknowledging the event (it is not durable yet), so the PBX both
   * routes the call and delivers the event again.
   */
  async routeIfCommitLate(options: {
    accepting: Promise<{ callId: string }>;
    call: { provider: string; providerCallId: string; dnis: string | null };
    callerNumber: CallerNumber;
    receivedAt: number;
  }): Promise<RoutingDecision | null> {
    const { call: ringing, receivedAt } = options;
    const deadline = receivedAt + this.deps.budgetMs;
    const due = sleepUntil(deadline - this.decideMarginMs);
    const committed = await Promise.race([options.accepting.then(() => true, () => true), due.done.then(() => false)]);
    due.cancel();
    if (committed) return null;

    const key = `${ringing.provider}/${ringing.providerCallId}`;
    const answered = this.beforeCommit.get(key);
    if (answered) return answered;
    // What routing knows of a call before its ledger row exists: the event, and the live lookup.
    const call = { id: '', provider: ringing.provider, providerCallId: ringing.providerCallId, dnis: ringing.dnis, ivrReason: null, urgent: false, callerMatch: null, routing: null } as unknown as CallRecord;
    const { decision, stored, ehr } = await this.decide(call, options.callerNumber, receivedAt);
    this.beforeCommit.set(key, stored);
    this.deps.logger.warn({ ruleId: decision.ruleId, fallback: decision.fallback }, 'routing answered before the ringing event was committed');
    const storing = options.accepting
      .then(({ callId }) => this.storeDurably({ ...call, id: callId }, stored, ehr))
      .catch(() => undefined) // not committed: the PBX delivers the event again, and gets this answer again
      .finally(() => this.storing.delete(storing));
    this.storing.add(storing);
    return decision;
  }

  /** Waits for stored decisions still being committed (for shutdown). */
  async drain(): Promise<void> {
    while (this.storing.size > 0) await Promise.allSettled([...this.storing]);
    await this.commits.drain();
  }

  /** The best decision by the time it is due: waits for the EHR until shortly before the deadline. */
  private async decide(call: CallRecord, callerNumber: CallerNumber, receivedAt: number): Promise<{ decision: RoutingDecision; stored: StoredRouting; ehr: RoutingContext['ehr']; ehrContext: EhrContext }> {
    const soFar = await this.ehrAnswerBy(call, callerNumber, receivedAt + this.deps.budgetMs - this.decideMarginMs);
    const context: RoutingContext = {
      now: this.deps.now?.() ?? new Date(),
      dialledNumber: call.dnis,
      ivrReason: (call.ivrReason as CallReason | null) ?? null,
      urgent: call.urgent,
      caller: {
        // A verified step-up on the call beats the live lookup's first answer.
        outcome: soFar.ehr === 'ok' ? (call.callerMatch ?? soFar.lookup?.match)?.outcome ?? 'lookup-failed' : 'lookup-failed',
        ...(soFar.ehr === 'ok' ? ehrFacts(soFar.lookup, soFar.slice) : {}),
      },
      ehr: soFar.ehr,
    };
    const decided = decideRoute(this.rules, context);
    const ehrContext: EhrContext = decided.fallback ? 'none' : soFar.context;
    const decision: RoutingDecision =
      ehrContext === 'match' && context.caller.outcome === 'unique'
        ? { ...decided, reason: `${decided.reason} The chart summary came too late, so rules on results and recent visits were skipped.` }
        : decided;
    const stored: StoredRouting = {
      ...decision, destinationLabel: decision.destination.label, rulesVersion: this.version, ehrContext, decidedInMs: Date.now() - receivedAt,
    };
    this.deps.onDecided?.({ seconds: stored.decidedInMs / 1000, fallback: decision.fallback, ehrContext });
    return { decision, stored, ehr: soFar.ehr, ehrContext };
  }

  /**
   * The live identification as far as it got by `decideBy`: the full answer (match and chart
   * slice) if it came, else the match alone, else nothing (`timeout`). Never waits past `decideBy`.
   */
  private async ehrAnswerBy(call: CallRecord, callerNumber: CallerNumber, decideBy: number): Promise<EhrAnswerSoFar> {
    let live: ReturnType<CallIngestService['liveIdentification']>;
    try {
      live = this.deps.ingest.liveIdentification(`${call.provider}/${call.providerCallId}`, callerNumber);
    } catch {
      return { ehr: 'unavailable', lookup: null, slice: null, context: 'none' };
    }
    let lookup: CallerLookup | null = null;
    live.lookup.then((value) => (lookup = value), () => undefined);
    const wait = sleepUntil(decideBy);
    try {
      const full = await Promise.race([
        live.full.then((value): { identification: LiveIdentification } | { failed: true } => ({ identification: value }), () => ({ failed: true as const })),
        wait.done.then(() => null),
      ]);
      if (full && 'identification' in full) {
        const { identification } = full;
        if (identification.lookup.match.outcome === 'lookup-failed') return { ehr: 'unavailable', lookup: identification.lookup, slice: null, context: 'none' };
        return { ehr: 'ok', lookup: identification.lookup, slice: identification.slice, context: identification.slice ? 'chart' : 'match' };
      }
      if (full) return { ehr: 'unavailable', lookup: null, slice: null, context: 'none' };
    } finally {
      wait.cancel();
    }
    // The deadline came first: who is calling may be known even if the chart is not.
    const match = (lookup as CallerLookup | null)?.match;
    if (!match) return { ehr: 'timeout', lookup: null, slice: null, context: 'none' };
    if (match.outcome === 'lookup-failed') return { ehr: 'unavailable', lookup, slice: null, context: 'none' };
    return { ehr: 'ok', lookup, slice: null, context: 'match' };
  }

  /**
   * Commits the decision and its audit entry, retrying until it is stored: the PBX may already
   * have the answer, so the record of it must follow. The first decision stored for a call wins.
   */
  private storeDurably(call: CallRecord, stored: StoredRouting, ehr: RoutingContext['ehr']): Promise<void> {
    const { db, hub, logger } = this.deps;
    const callId = call.id;
    // Ordered like every other batch that locks call rows (ingest's, by provider call key): no deadlocks between them.
    const commit = () =>
      this.commits.submit(async (tx) => {
        if (!(await saveRouting(tx, callId, { ...stored }))) return false;
        await appendAuditEvent(tx, {
          actor: 'system:routing', action: 'call.routed', objectType: 'call', objectId: callId, outcome: 'success',
          reason: stored.fallback ? `ehr-${ehr}` : null,
          detail: {
            destinationId: stored.destinationId, ruleId: stored.ruleId, fallback: stored.fallback, afterHours: stored.afterHours, rulesVersion: this.version,
            ehrContext: stored.ehrContext, decidedInMs: stored.decidedInMs,
          },
        });
        return true;
      }, { orderKey: `${call.provider}/${call.providerCallId}` });
    const attempt = async (): Promise<void> => {
      for (let tries = 1; ; tries++) {
        try {
          await commit();
          return;
        } catch (error) {
          if (tries >= 8) throw error;
          logger.warn({ err: { message: (error as Error).message }, tries }, 'routing decision not stored yet; retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** tries)));
        }
      }
    };
    const storing: Promise<void> = attempt()
      .then(() => {
        // The display update is not on the PBX's path.
        void findCall(db, callId)
          .then((updated) => updated && hub.publishCall(liveSummary(updated)))
          .catch((error: unknown) => logger.warn({ err: { message: (error as Error).message } }, 'routed call not published'));
      })
      .catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'routing decision answered but could not be stored'))
      .finally(() => {
        this.unstored.delete(callId);
        this.storing.delete(storing);
      });
    this.storing.add(storing);
    return storing;
  }
}

/**
 * Records that a routing rules file was refused (the engine then refuses to start): how many
 * problems, or that it could not be read. The file's base name only; the problems are in the log.
 */
export async function auditRulesRejected(db: Db, error: unknown, file?: string): Promise<void> {
  const invalid = error instanceof RoutingRulesInvalidError;
  await recordAuditEvent(db, {
    actor: 'system', action: 'routing.rules.rejected', objectType: 'routing-rules', objectId: null, outcome: 'rejected',
    reason: invalid ? 'RULES_INVALID' : 'RULES_UNREADABLE',
    detail: { problems: invalid ? error.problems.length : 0, file: path.basename(invalid ? error.file : (file ?? 'routing-rules')) },
  });
}
