import type { Db } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import type { CallIngestService, LiveIdentification } from '../calls/call-ingest.service.ts';
import { liveSummary } from '../calls/call-ingest.service.ts';
import type { CallerNumber } from '../calls/caller-number.ts';
import { findCall, saveRouting, type CallRecord } from '../calls/calls.repository.ts';
import type { LiveCallsHub } from '../api/live-calls.hub.ts';
import type { CallReason } from '../ivr/ivr-settings.schema.ts';
import { decideRoute, type RoutingContext, type RoutingDecision } from './route-call.ts';
import { routingRulesVersion, type RoutingRules } from './routing-rules.schema.ts';

/** The facts routing takes from the chart slice (ids only). */
function chartFacts(identification: LiveIdentification | null): Pick<RoutingContext['caller'], 'pcpPractitionerId' | 'careTeamPractitionerIds' | 'lastVisit' | 'pendingResults'> {
  const slice = identification?.slice;
  if (!slice) return {};
  const practitionerId = (reference: string | undefined) => (reference?.startsWith('Practitioner/') ? reference.slice('Practitioner/'.length) : null);
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

/**
 * Decides where a call goes (RT-1, RT-2), always within the budget: the decision waits for the
 * live identification only until the budget measured from when the call was received runs out,
 * then routes without the EHR and says why (invariant 6).
 */
export class RoutingService {
  private rules: RoutingRules;
  private version: string;

  constructor(
    private readonly deps: { db: Db; ingest: CallIngestService; hub: LiveCallsHub; logger: Logger; rules: RoutingRules; budgetMs: number; now?: () => Date },
  ) {
    this.rules = deps.rules;
    this.version = routingRulesVersion(deps.rules);
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

  async route(options: { call: CallRecord; callerNumber: CallerNumber; receivedAt: number }): Promise<RoutingDecision> {
    const { ingest, db, hub, logger, budgetMs } = this.deps;
    const { call } = options;
    if (call.routing && typeof call.routing.destinationId === 'string') {
      // Already routed (a retried webhook): give the same answer.
      return call.routing as unknown as RoutingDecision;
    }
    // Stop waiting for the EHR early enough to store the decision and answer within the budget,
    // even when the database is busy: the caller must hear a ring, not silence.
    const reserveMs = Math.min(400, Math.floor(budgetMs / 4));
    const remaining = Math.max(0, budgetMs - reserveMs - (Date.now() - options.receivedAt));
    let ehr: RoutingContext['ehr'] = 'ok';
    let identification: LiveIdentification | null = null;
    let timer: NodeJS.Timeout | undefined;
    try {
      identification = await Promise.race([
        ingest.identification(`${call.provider}/${call.providerCallId}`, options.callerNumber),
        new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), remaining);
        }),
      ]);
      if (!identification) ehr = 'timeout';
      else if (identification.lookup.match.outcome === 'lookup-failed') ehr = 'unavailable';
    } catch {
      ehr = 'unavailable';
    } finally {
      clearTimeout(timer);
    }
    // A verified step-up on the call beats the live lookup's first answer.
    const match = call.callerMatch ?? identification?.lookup.match ?? null;
    const outcome = ehr === 'ok' && match ? match.outcome : 'lookup-failed';
    const context: RoutingContext = {
      now: this.deps.now?.() ?? new Date(),
      dialledNumber: call.dnis,
      ivrReason: (call.ivrReason as CallReason | null) ?? null,
      urgent: call.urgent,
      caller: { outcome: outcome === 'lookup-failed' ? 'lookup-failed' : outcome, ...(ehr === 'ok' ? chartFacts(identification) : {}) },
      ehr,
    };
    const decision = decideRoute(this.rules, context);
    const stored = { ...decision, destinationLabel: decision.destination.label, rulesVersion: this.version };
    await db.transaction(async (tx) => {
      if (await saveRouting(tx, call.id, stored)) {
        await appendAuditEvent(tx, {
          actor: 'system:routing', action: 'call.routed', objectType: 'call', objectId: call.id, outcome: 'success',
          reason: decision.fallback ? `ehr-${ehr}` : null,
          detail: { destinationId: decision.destinationId, ruleId: decision.ruleId, fallback: decision.fallback, afterHours: decision.afterHours, rulesVersion: this.version },
        });
      }
    });
    logger.info({ ruleId: decision.ruleId, fallback: decision.fallback }, 'call routed');
    // The display update is not on the PBX's path: answer first.
    void findCall(db, call.id)
      .then((updated) => updated && hub.publishCall(liveSummary(updated)))
      .catch((error: unknown) => logger.warn({ err: { message: (error as Error).message } }, 'routed call not published'));
    return decision;
  }
}

/** Records an audit event for rules that failed to load (the engine then refuses to start). */
export async function auditRulesRejected(db: Db, problems: number): Promise<void> {
  await recordAuditEvent(db, { actor: 'system', action: 'routing.rules.rejected', objectType: 'routing-rules', outcome: 'rejected', detail: { problems } });
}
