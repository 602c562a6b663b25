import { z } from 'zod';
import { documentVersion, parseYamlWithSchema, type YamlProblem } from '../lib/yaml-document.ts';
import { callReasons } from '../ivr/ivr-settings.schema.ts';
import type { CallerOutcome } from '../ehr/patient-match.ts';

/**
 * Routing rules as data (RT-1): one YAML file per clinic, written by the clinic's IT lead,
 * validated here, hashed into a version so every change is detectable and every decision can name
 * the rule set that made it. The rules are evaluated by `decideRoute` (route-call.ts).
 *
 * Reading guide for the YAML (routing-rules.example.yaml is a complete example):
 * - `destinations` are the places a call can go; everything else refers to them by id.
 * - `rules` are tried top to bottom; the first rule whose every condition holds and whose
 *   destination can be resolved wins. A rule applies while the clinic is open unless it says
 *   `afterHours: true`, in which case it applies only while the clinic is closed.
 * - Nothing matched: after hours the call goes to whoever is on call (else
 *   `afterHoursDestination`); in hours to `defaultDestination` (a location's own default first).
 */

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export const destinationKinds = ['queue', 'agent', 'phone', 'voicemail'] as const;
export type DestinationKind = (typeof destinationKinds)[number];

/**
 * Destinations a rule may name instead of a fixed id, resolved per call. One that cannot be
 * resolved (no PCP team on file, no recent visit) makes the rule not apply, never an error.
 */
export const destinationTemplates = ['{pcpTeam}', '{recentVisitTeam}', '{onCall}'] as const;
export type DestinationTemplate = (typeof destinationTemplates)[number];

/** Rule ids the decision uses for its own routes; a configured rule may not take them. */
export const builtInRouteIds = ['default', 'ehr-fallback', 'after-hours'] as const;

/** Caller outcomes a rule may test; `lookup-failed` is the EHR fallback's business, not a rule's. */
export const ruleCallerOutcomes = ['unique', 'several', 'none', 'blocked'] as const satisfies readonly CallerOutcome[];

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase id with hyphens, e.g. front-desk');
/** FHIR id syntax: practitioner ids come from the EHR. */
const practitionerId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'EHR practitioner id (letters, digits, - and .)');
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 number such as +16175550100');
/** 24-hour clock; 24:00 allowed as a closing time so a window can run to midnight. */
const clockTime = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'time as HH:MM on a 24-hour clock, e.g. 08:00 or 17:30');
const calendarDate = z.string().refine(isCalendarDate, 'date as YYYY-MM-DD that exists on the calendar');
const instant = z.iso.datetime({ offset: true, message: 'date and time with an offset, e.g. 2026-12-21T17:00:00-05:00' });

export const destinationSchema = z
  .object({
    kind: z.enum(destinationKinds),
    /** What the PBX adapter dials or enqueues: a queue or agent id, an E.164 number, a mailbox. */
    target: z.string().min(1).max(200),
    /** Shown on the agent's card; name the place, never a patient. */
    label: z.string().min(1).max(80),
  })
  .strict();
export type Destination = z.infer<typeof destinationSchema>;

const openingWindowSchema = z.object({ open: clockTime, close: clockTime }).strict();
export type OpeningWindow = z.infer<typeof openingWindowSchema>;

const dayHours = z.array(openingWindowSchema).default([]);

export const openingHoursSchema = z
  .object({
    /** A day left out or empty is a closed day. Windows close at the minute given (17:00 is closed). */
    weekly: z
      .object({ mon: dayHours, tue: dayHours, wed: dayHours, thu: dayHours, fri: dayHours, sat: dayHours, sun: dayHours })
      .strict(),
    holidays: z.array(z.object({ date: calendarDate, name: z.string().min(1).max(80) }).strict()).default([]),
  })
  .strict();
export type OpeningHours = z.infer<typeof openingHoursSchema>;

export const onCallShiftSchema = z
  .object({
    /** Start, inclusive. */
    from: instant,
    /** End, exclusive: a shift to 08:00 hands over at 08:00 sharp. */
    to: instant,
    /** Display name for the agent's card. Staff, never a patient; synthetic in fixtures. */
    provider: z.string().min(1).max(80),
    destination: slug,
  })
  .strict();
export type OnCallShift = z.infer<typeof onCallShiftSchema>;

export const locationSchema = z
  .object({
    id: slug,
    name: z.string().min(1).max(80),
    /** The numbers callers dial to reach this location; each number belongs to one location. */
    dialledNumbers: z.array(e164).min(1),
    /** Replaces the rule set's default (and EHR fallback) for calls to this location. */
    defaultDestination: slug.optional(),
    /** Replaces the rule set's after-hours destination when nobody is on call. */
    afterHoursDestination: slug.optional(),
    /** Replaces the clinic's weekly hours; clinic holidays still apply and these add to them. */
    hours: openingHoursSchema.optional(),
  })
  .strict();
export type Location = z.infer<typeof locationSchema>;

export const ruleConditionsSchema = z
  .object({
    /** The caller chose the urgent option in the IVR. */
    urgent: z.boolean().optional(),
    ivrReason: z.array(z.enum(callReasons)).min(1).optional(),
    callerOutcome: z.array(z.enum(ruleCallerOutcomes)).min(1).optional(),
    /** true: no chart matched the caller's number; false: at least one did. Blocked numbers are neither. */
    newPatient: z.boolean().optional(),
    /** Known patient (unique match) with results not yet released. */
    pendingResults: z.boolean().optional(),
    /** Known patient seen within `recentVisitDays`. */
    recentVisit: z.boolean().optional(),
    /** true: only while the clinic is closed; absent or false: only while it is open. */
    afterHours: z.boolean().optional(),
    /** Location ids, by the number the caller dialled. */
    location: z.array(slug).min(1).optional(),
  })
  .strict()
  .check((payload) => {
    // A misspelt key is already reported and stripped: do not also call the rule empty.
    if (Object.keys(payload.value).length === 0 && payload.issues.length === 0) {
      payload.issues.push({
        code: 'custom',
        input: payload.value,
        message: 'a rule needs at least one condition; use defaultDestination for calls no rule matches',
      });
    }
  });
export type RuleConditions = z.infer<typeof ruleConditionsSchema>;

export const routingRuleSchema = z
  .object({
    id: slug,
    /** Clinic language; becomes the start of the reason on the agent's card. No PHI. */
    description: z.string().min(1).max(200),
    when: ruleConditionsSchema,
    /** A destination id, or one of {pcpTeam}, {recentVisitTeam}, {onCall}. */
    to: z.string().min(1),
  })
  .strict();
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const routingRulesSchema = z
  .object({
    /** Free label for people (e.g. 2026-12-rev3); the audited version is the hash, see routingRulesVersion. */
    version: z.string().min(1).max(64),
    clinic: z.string().min(1).max(120),
    timeZone: z.string().refine(isIanaTimeZone, 'IANA time zone such as America/New_York'),
    destinations: z.record(slug, destinationSchema).refine((record) => Object.keys(record).length > 0, 'at least one destination'),
    defaultDestination: slug,
    afterHoursDestination: slug,
    /** PCP and care-team queues: practitioner id -> destination id. */
    practitionerTeams: z.record(practitionerId, slug).default({}),
    recentVisitDays: z.number().int().min(1).max(365).default(14),
    hours: openingHoursSchema,
    onCall: z.array(onCallShiftSchema).default([]),
    locations: z.array(locationSchema).default([]),
    rules: z.array(routingRuleSchema).default([]),
  })
  .strict()
  // `when` makes the cross-field checks run even when a field failed its own check, so the IT lead
  // sees every problem in one pass instead of fixing them one at a time.
  .superRefine((value, ctx) => crossCheck(value, ctx), { when: () => true });

export type RoutingRules = z.infer<typeof routingRulesSchema>;

export type RoutingRulesProblem = YamlProblem;

export type ParseRoutingRulesResult = { ok: true; rules: RoutingRules } | { ok: false; problems: RoutingRulesProblem[] };

/**
 * Parses and validates a routing rules YAML document. Reports every problem found, each with a
 * dotted path (and line where possible), never just the first.
 */
export function parseRoutingRulesYaml(text: string): ParseRoutingRulesResult {
  const result = parseYamlWithSchema(text, routingRulesSchema);
  return result.ok ? { ok: true, rules: result.value } : result;
}

/** The audited version of a rule set (see `documentVersion`). */
export function routingRulesVersion(rules: RoutingRules): string {
  return documentVersion(rules);
}

export function isDestinationTemplate(to: string): to is DestinationTemplate {
  return (destinationTemplates as readonly string[]).includes(to);
}

function isIanaTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function minutesOf(time: unknown): number | null {
  if (typeof time !== 'string' || !clockTime.safeParse(time).success) return null;
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

// The cross-field checks run even when parts of the file failed their own checks (see `when`
// above), so they see a value that may hold raw or missing pieces and read it defensively:
// anything malformed has already been reported at its own path.
type Loose = Record<string, unknown>;
const asRecord = (value: unknown): Loose => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

interface IssueSink {
  addIssue(issue: { code: 'custom'; message: string; path: (string | number)[] }): void;
}

function crossCheck(input: unknown, ctx: IssueSink): void {
  const report = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', message, path });
  const root = asRecord(input);
  const destinationIds = new Set(Object.keys(asRecord(root.destinations)));

  const mustExist = (value: unknown, path: (string | number)[]) => {
    if (typeof value === 'string' && !destinationIds.has(value)) {
      report(path, `unknown destination "${value}": add it under destinations or use an existing id`);
    }
  };

  mustExist(root.defaultDestination, ['defaultDestination']);
  mustExist(root.afterHoursDestination, ['afterHoursDestination']);
  for (const [practitioner, team] of Object.entries(asRecord(root.practitionerTeams))) mustExist(team, ['practitionerTeams', practitioner]);

  for (const [id, destination] of Object.entries(asRecord(root.destinations))) {
    const { kind, target } = asRecord(destination);
    if (kind === 'phone' && typeof target === 'string' && !e164.safeParse(target).success) {
      report(['destinations', id, 'target'], 'a phone destination needs an E.164 number such as +16175550100');
    }
  }

  checkHours(root.hours, ['hours'], report);

  asArray(root.onCall).forEach((entry, index) => {
    const shift = asRecord(entry);
    mustExist(shift.destination, ['onCall', index, 'destination']);
    const from = typeof shift.from === 'string' ? Date.parse(shift.from) : NaN;
    const to = typeof shift.to === 'string' ? Date.parse(shift.to) : NaN;
    if (Number.isFinite(from) && Number.isFinite(to) && from >= to) report(['onCall', index, 'to'], 'a shift must end after it starts');
  });

  const locationIds = new Set<string>();
  const numberOwners = new Map<string, string>();
  asArray(root.locations).forEach((entry, index) => {
    const location = asRecord(entry);
    if (typeof location.id === 'string') {
      if (locationIds.has(location.id)) report(['locations', index, 'id'], `location id "${location.id}" is used twice`);
      locationIds.add(location.id);
    }
    mustExist(location.defaultDestination, ['locations', index, 'defaultDestination']);
    mustExist(location.afterHoursDestination, ['locations', index, 'afterHoursDestination']);
    asArray(location.dialledNumbers).forEach((number, numberIndex) => {
      if (typeof number !== 'string') return;
      const owner = numberOwners.get(number);
      if (owner !== undefined) report(['locations', index, 'dialledNumbers', numberIndex], `number already belongs to location "${owner}"`);
      else numberOwners.set(number, String(location.id));
    });
    if (location.hours !== undefined) checkHours(location.hours, ['locations', index, 'hours'], report);
  });

  const ruleIds = new Set<string>();
  asArray(root.rules).forEach((entry, index) => {
    const rule = asRecord(entry);
    if (typeof rule.id === 'string') {
      if ((builtInRouteIds as readonly string[]).includes(rule.id)) {
        report(['rules', index, 'id'], `"${rule.id}" is reserved for the built-in routes (${builtInRouteIds.join(', ')})`);
      } else if (ruleIds.has(rule.id)) {
        report(['rules', index, 'id'], `rule id "${rule.id}" is used twice`);
      }
      ruleIds.add(rule.id);
    }
    if (typeof rule.to === 'string' && !isDestinationTemplate(rule.to) && !destinationIds.has(rule.to)) {
      report(['rules', index, 'to'], `unknown destination "${rule.to}": use a destination id or one of ${destinationTemplates.join(', ')}`);
    }
    asArray(asRecord(rule.when).location).forEach((locationId, locationIndex) => {
      if (typeof locationId === 'string' && !locationIds.has(locationId)) {
        report(['rules', index, 'when', 'location', locationIndex], `unknown location "${locationId}"`);
      }
    });
  });
}

function checkHours(hours: unknown, at: (string | number)[], report: (path: (string | number)[], message: string) => void): void {
  const { weekly, holidays } = asRecord(hours);
  for (const day of weekdays) {
    const windows = asArray(asRecord(weekly)[day])
      .map((entry, index) => ({ index, open: minutesOf(asRecord(entry).open), close: minutesOf(asRecord(entry).close) }))
      .filter((window): window is { index: number; open: number; close: number } => window.open !== null && window.close !== null);
    for (const window of windows) {
      if (window.open >= window.close) report([...at, 'weekly', day, window.index, 'close'], 'closing time must be after opening time (overnight hours: split at 24:00)');
    }
    const sorted = windows.filter((window) => window.open < window.close).sort((a, b) => a.open - b.open);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!;
      const current = sorted[i]!;
      if (current.open < previous.close) report([...at, 'weekly', day, current.index], 'opening windows on the same day overlap');
    }
  }
  const seen = new Set<string>();
  asArray(holidays).forEach((entry, index) => {
    const { date } = asRecord(entry);
    if (typeof date !== 'string') return;
    if (seen.has(date)) report([...at, 'holidays', index, 'date'], `holiday ${date} is listed twice`);
    seen.add(date);
  });
}
