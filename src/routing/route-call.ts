import type { CallerOutcome } from '../ehr/patient-match.ts';
import type { CallReason } from '../ivr/ivr-settings.schema.ts';
import { clinicClock, isOpen, onCallAt } from './clinic-calendar.ts';
import type { OpenStatus } from './clinic-calendar.ts';
import { isDestinationTemplate } from './routing-rules.schema.ts';
import type { Destination, Location, OpeningHours, RoutingRule, RoutingRules } from './routing-rules.schema.ts';

/**
 * Where a call goes (RT-1, RT-2), decided from the rules, the clock and what the EHR said about
 * the caller. Pure and total: it never throws and always names a destination of the rule set, so
 * no call is dropped because of the integration. The caller enforces the 2 s budget and passes
 * `ehr: 'timeout'` when the EHR did not answer in time.
 *
 * Order of decision:
 * 1. The location is found by the number dialled; its hours (if any) replace the clinic's weekly
 *    hours, clinic holidays apply everywhere.
 * 2. Rules are tried in order. While open, rules without `afterHours: true`; while closed, only
 *    rules with it. Without the EHR (timeout, unavailable, lookup failed) rules that need patient
 *    context are skipped; rules on call data alone (urgent option, IVR reason, location, hours)
 *    still apply. A rule whose destination cannot be resolved is skipped.
 * 3. Nothing matched: after hours, the on-call provider (else the after-hours destination); in
 *    hours, the default destination, as `ehr-fallback` when the EHR could not be asked.
 *
 * Urgent after hours goes to the on-call provider, not nurse triage: the triage queue is unstaffed
 * when the clinic is closed. The built-in after-hours route already does that; a rule with
 * `urgent: true, afterHours: true` makes it explicit.
 */

export interface RoutingContext {
  now: Date;
  /** E.164, as dialled by the caller (the clinic's number), or null when the PBX did not say. */
  dialledNumber: string | null;
  ivrReason: CallReason | null;
  /** The caller chose the urgent option in the IVR. */
  urgent: boolean;
  caller: {
    outcome: CallerOutcome;
    pcpPractitionerId?: string | null;
    careTeamPractitionerIds?: string[];
    /** null: no visit on record; undefined: not looked up. */
    lastVisit?: { date: string /* ISO date or date-time */; practitionerId: string | null } | null;
    /** undefined: not looked up. */
    pendingResults?: boolean;
  };
  ehr: 'ok' | 'timeout' | 'unavailable';
}

export interface RoutingDecision {
  destinationId: string;
  destination: Destination;
  /** The rule that decided, or a built-in route: `default`, `ehr-fallback`, `after-hours`. */
  ruleId: string;
  /** For the agent's card, in clinic language. Never PHI: no patient names, numbers or dates. */
  reason: string;
  /** True when the EHR could not inform the decision (timeout, unavailable, lookup failed). */
  fallback: boolean;
  afterHours: boolean;
  locationId: string | null;
  /** The on-call provider's display name, when the call goes to the on-call provider. */
  onCallProvider?: string;
}

interface Resolved {
  destinationId: string;
  /** Appended to the reason, e.g. which team a template chose. */
  note?: string;
  onCallProvider?: string;
}

/** What decideRoute knows about the call, computed once. `null` means unknown. */
interface CallFacts {
  now: Date;
  location: Location | null;
  hours: OpenStatus;
  ehrMissing: boolean;
  knownPatient: boolean;
  recentVisit: boolean | null;
  pendingResults: boolean | null;
}

const ehrMissingReason = {
  timeout: 'EHR did not answer within the routing budget',
  unavailable: 'EHR was unavailable',
  'lookup-failed': 'Patient lookup in the EHR failed',
} as const;

/** Decides where a call goes. Never throws; the destination always exists in `rules`. */
export function decideRoute(rules: RoutingRules, context: RoutingContext): RoutingDecision {
  const location = locationFor(rules, context.dialledNumber);
  const ehrProblem = context.ehr !== 'ok' ? context.ehr : context.caller.outcome === 'lookup-failed' ? 'lookup-failed' : null;

  const hours = safeOpenStatus(effectiveHours(rules.hours, location), rules.timeZone, context.now);
  if (!hours) {
    // Cannot tell the time: no hours-based decision is safe, so the default, which is staffed.
    return decision(rules, defaultDestinationId(rules, location), {
      ruleId: 'default',
      reason: `Clinic clock unavailable; sent to ${label(rules, defaultDestinationId(rules, location))}.`,
      fallback: ehrProblem !== null,
      afterHours: false,
      location,
    });
  }

  const facts: CallFacts = {
    now: context.now,
    location,
    hours,
    ehrMissing: ehrProblem !== null,
    knownPatient: ehrProblem === null && context.caller.outcome === 'unique',
    recentVisit: null,
    pendingResults: null,
  };
  if (facts.knownPatient) {
    facts.recentVisit = recentVisit(context.caller.lastVisit, rules, context.now);
    facts.pendingResults = context.caller.pendingResults ?? null;
  }
  const afterHours = !hours.open;
  const ehrNote = ehrProblem ? ` ${ehrMissingReason[ehrProblem]}, so patient-specific rules were skipped.` : '';

  for (const rule of rules.rules) {
    if ((rule.when.afterHours ?? false) !== afterHours) continue;
    if (facts.ehrMissing && needsEhr(rule)) continue;
    if (!conditionsHold(rule, context, facts)) continue;
    const resolved = resolveDestination(rule.to, rules, context, facts);
    if (!resolved || !destinationOf(rules, resolved.destinationId)) continue;
    return decision(rules, resolved.destinationId, {
      ruleId: rule.id,
      reason: `${rule.description}; sent to ${label(rules, resolved.destinationId)}${resolved.note ?? ''}.${ehrNote}`,
      fallback: facts.ehrMissing,
      afterHours,
      location,
      onCallProvider: resolved.onCallProvider,
    });
  }

  if (afterHours) {
    const onCall = resolveOnCall(rules, facts);
    return decision(rules, onCall.destinationId, {
      ruleId: 'after-hours',
      reason: `${closedBecause(hours)}; sent to ${label(rules, onCall.destinationId)}${onCall.note ?? ''}.`,
      fallback: facts.ehrMissing,
      afterHours,
      location,
      onCallProvider: onCall.onCallProvider,
    });
  }

  const fallbackId = defaultDestinationId(rules, location);
  return decision(rules, fallbackId, {
    ruleId: ehrProblem ? 'ehr-fallback' : 'default',
    reason: ehrProblem
      ? `${ehrMissingReason[ehrProblem]}; sent to ${label(rules, fallbackId)}.`
      : `No routing rule matched; sent to ${label(rules, fallbackId)}.`,
    fallback: facts.ehrMissing,
    afterHours,
    location,
  });
}

/** The location whose dialled numbers include `dialledNumber`, or null. */
export function locationFor(rules: RoutingRules, dialledNumber: string | null): Location | null {
  if (!dialledNumber) return null;
  return rules.locations.find((location) => location.dialledNumbers.includes(dialledNumber)) ?? null;
}

function effectiveHours(clinicHours: OpeningHours, location: Location | null): OpeningHours {
  if (!location?.hours) return clinicHours;
  return { weekly: location.hours.weekly, holidays: [...clinicHours.holidays, ...location.hours.holidays] };
}

function safeOpenStatus(hours: OpeningHours, timeZone: string, now: Date): OpenStatus | null {
  if (!(now instanceof Date) || !Number.isFinite(now.getTime())) return null;
  try {
    return isOpen(hours, timeZone, now);
  } catch {
    return null;
  }
}

/** Conditions and templates that only the EHR can answer. */
function needsEhr(rule: RoutingRule): boolean {
  const { callerOutcome, newPatient, pendingResults, recentVisit } = rule.when;
  return (
    callerOutcome !== undefined || newPatient !== undefined || pendingResults !== undefined || recentVisit !== undefined ||
    rule.to === '{pcpTeam}' || rule.to === '{recentVisitTeam}'
  );
}

function conditionsHold(rule: RoutingRule, context: RoutingContext, facts: CallFacts): boolean {
  const when = rule.when;
  const outcome = context.caller.outcome;
  if (when.urgent !== undefined && when.urgent !== context.urgent) return false;
  if (when.ivrReason && (context.ivrReason === null || !when.ivrReason.includes(context.ivrReason))) return false;
  if (when.location && (facts.location === null || !when.location.includes(facts.location.id))) return false;
  if (when.callerOutcome && (outcome === 'lookup-failed' || !when.callerOutcome.includes(outcome))) return false;
  if (when.newPatient !== undefined) {
    // Blocked and failed lookups are unknown, neither new nor known.
    const isNew = outcome === 'none' ? true : outcome === 'unique' || outcome === 'several' ? false : null;
    if (isNew !== when.newPatient) return false;
  }
  if (when.pendingResults !== undefined && facts.pendingResults !== when.pendingResults) return false;
  if (when.recentVisit !== undefined && facts.recentVisit !== when.recentVisit) return false;
  return true;
}

function resolveDestination(to: string, rules: RoutingRules, context: RoutingContext, facts: CallFacts): Resolved | null {
  if (!isDestinationTemplate(to)) return { destinationId: to };
  switch (to) {
    case '{pcpTeam}': {
      if (!facts.knownPatient) return null;
      const pcp = context.caller.pcpPractitionerId;
      const pcpTeam = pcp ? teamOf(rules, pcp) : undefined;
      if (pcpTeam) return { destinationId: pcpTeam };
      const careTeam = (context.caller.careTeamPractitionerIds ?? []).map((id) => teamOf(rules, id)).find((team) => team !== undefined);
      return careTeam ? { destinationId: careTeam, note: " (care team; no PCP team on file)" } : null;
    }
    case '{recentVisitTeam}': {
      if (facts.recentVisit !== true) return null;
      const practitioner = context.caller.lastVisit?.practitionerId;
      const team = practitioner ? teamOf(rules, practitioner) : undefined;
      return team ? { destinationId: team } : null;
    }
    case '{onCall}':
      return resolveOnCall(rules, facts);
  }
}

function teamOf(rules: RoutingRules, practitionerId: string): string | undefined {
  // Own-property lookup: a practitioner id such as "constructor" must not reach Object.prototype.
  return Object.hasOwn(rules.practitionerTeams, practitionerId) ? rules.practitionerTeams[practitionerId] : undefined;
}

function resolveOnCall(rules: RoutingRules, facts: CallFacts): Resolved {
  const shift = onCallAt(rules.onCall, facts.now);
  if (shift && destinationOf(rules, shift.destination)) {
    return { destinationId: shift.destination, note: ' (on call now)', onCallProvider: shift.provider };
  }
  return { destinationId: facts.location?.afterHoursDestination ?? rules.afterHoursDestination, note: ' (nobody on call)' };
}

/**
 * Seen within `recentVisitDays` whole calendar days in the clinic's time zone, today included.
 * A visit dated in the future or unreadable is not recent. null: not known.
 */
function recentVisit(lastVisit: RoutingContext['caller']['lastVisit'], rules: RoutingRules, now: Date): boolean | null {
  if (lastVisit === undefined) return null;
  if (lastVisit === null) return false;
  const visitDate = /^\d{4}-\d{2}-\d{2}$/.test(lastVisit.date) ? lastVisit.date : localDateOf(lastVisit.date, rules.timeZone);
  if (!visitDate) return false;
  const days = (Date.parse(clinicClock(now, rules.timeZone).date) - Date.parse(visitDate)) / 86_400_000;
  return Number.isFinite(days) && days >= 0 && days <= rules.recentVisitDays;
}

function localDateOf(isoDateTime: string, timeZone: string): string | null {
  const instant = new Date(isoDateTime);
  return Number.isFinite(instant.getTime()) ? clinicClock(instant, timeZone).date : null;
}

function closedBecause(status: OpenStatus): string {
  switch (status.reason) {
    case 'holiday':
      return `Clinic closed for ${status.holiday ?? 'a holiday'}`;
    case 'weekend':
      return 'Clinic closed today';
    default:
      return 'Outside clinic hours';
  }
}

function defaultDestinationId(rules: RoutingRules, location: Location | null): string {
  return location?.defaultDestination ?? rules.defaultDestination;
}

/** Own-property lookup, so an id such as "constructor" never reaches Object.prototype. */
function destinationOf(rules: RoutingRules, destinationId: string): Destination | undefined {
  return Object.hasOwn(rules.destinations, destinationId) ? rules.destinations[destinationId] : undefined;
}

function label(rules: RoutingRules, destinationId: string): string {
  return destinationOf(rules, destinationId)?.label ?? destinationId;
}

function decision(
  rules: RoutingRules,
  destinationId: string,
  fields: { ruleId: string; reason: string; fallback: boolean; afterHours: boolean; location: Location | null; onCallProvider?: string | undefined },
): RoutingDecision {
  // The schema guarantees every referenced id exists. A rule set built in code without the schema
  // still gets its first destination rather than an exception: a dropped call is the worse failure.
  const chosen = destinationOf(rules, destinationId) ? destinationId : (Object.keys(rules.destinations)[0] ?? destinationId);
  return {
    destinationId: chosen,
    destination: destinationOf(rules, chosen) ?? { kind: 'queue', target: chosen, label: chosen },
    ruleId: fields.ruleId,
    reason: fields.reason,
    fallback: fields.fallback,
    afterHours: fields.afterHours,
    locationId: fields.location?.id ?? null,
    ...(fields.onCallProvider ? { onCallProvider: fields.onCallProvider } : {}),
  };
}
