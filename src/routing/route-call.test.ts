import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callReasons } from '../ivr/ivr-settings.schema.ts';
import { decideRoute, locationFor } from './route-call.ts';
import type { RoutingContext } from './route-call.ts';
import { destinationTemplates, parseRoutingRulesYaml, routingRulesSchema } from './routing-rules.schema.ts';
import type { RoutingRule, RoutingRules } from './routing-rules.schema.ts';

// Synthetic Family Practice (routing-rules.example.yaml): fictional numbers, prac-NN ids, made-up providers.
const parsed = parseRoutingRulesYaml(readFileSync(join(import.meta.dirname, 'routing-rules.example.yaml'), 'utf8'));
if (!parsed.ok) throw new Error(`example rules do not parse: ${JSON.stringify(parsed.problems)}`);
const example = parsed.rules;

const downtownNumber = '+16175550100';
const northNumber = '+16175550110';

// Instants in New York (December: UTC-5).
const mondayMorning = new Date('2026-12-21T15:00:00Z'); // Mon 10:00, open
const mondayEvening = new Date('2026-12-22T01:00:00Z'); // Mon 20:00, Avery on call
const mondayAt1630 = new Date('2026-12-21T21:30:00Z'); // Mon 16:30: downtown open, North closed, nobody on call yet
const christmasMorning = new Date('2026-12-25T15:00:00Z'); // Fri 10:00, holiday, Avery on call
const newYearMorning = new Date('2027-01-01T15:00:00Z'); // Fri 10:00, holiday, nobody on the schedule
const christmasEveMorning = new Date('2026-12-24T15:00:00Z'); // Thu 10:00, North's own holiday

function call(overrides: Partial<Omit<RoutingContext, 'caller'>> & { caller?: Partial<RoutingContext['caller']> } = {}): RoutingContext {
  const { caller, ...rest } = overrides;
  return {
    now: mondayMorning,
    dialledNumber: downtownNumber,
    ivrReason: 'clinical',
    urgent: false,
    ehr: 'ok',
    ...rest,
    caller: { outcome: 'unique', pcpPractitionerId: 'prac-06', careTeamPractitionerIds: [], lastVisit: null, pendingResults: false, ...caller },
  };
}

const daysBefore = (instant: Date, days: number) => new Date(instant.getTime() - days * 86_400_000).toISOString();

describe('decideRoute: patients the EHR knows', () => {
  it('known patient goes to the PCP team queue', () => {
    const decision = decideRoute(example, call());
    expect(decision).toMatchObject({ destinationId: 'team-blue', ruleId: 'known-patient', fallback: false, afterHours: false, locationId: 'downtown' });
    expect(decision.destination).toEqual(example.destinations['team-blue']);
    expect(decision.reason).toBe('Known patient goes to their primary care team; sent to Care team Blue.');
  });

  it('without a PCP team on file, the first care-team member with a team', () => {
    const decision = decideRoute(example, call({ caller: { pcpPractitionerId: 'prac-99', careTeamPractitionerIds: ['prac-98', 'prac-10', 'prac-01'] } }));
    expect(decision).toMatchObject({ destinationId: 'team-green', ruleId: 'known-patient' });
    expect(decision.reason).toContain('care team; no PCP team on file');
  });

  it('with no team at all, the PCP rule falls through to the next rule, then the default', () => {
    const noTeam = { pcpPractitionerId: null, careTeamPractitionerIds: ['prac-99'] };
    expect(decideRoute(example, call({ caller: noTeam }))).toMatchObject({ destinationId: 'front-desk', ruleId: 'default', fallback: false });
    expect(decideRoute(example, call({ ivrReason: 'appointment', caller: noTeam }))).toMatchObject({ destinationId: 'scheduling', ruleId: 'appointment' });
  });

  it('a recent visit goes to the team of the provider seen, not the PCP', () => {
    const decision = decideRoute(example, call({ caller: { pcpPractitionerId: 'prac-01', lastVisit: { date: daysBefore(mondayMorning, 5), practitionerId: 'prac-10' } } }));
    expect(decision).toMatchObject({ destinationId: 'team-green', ruleId: 'recent-visit' });
  });

  it('recent means within recentVisitDays calendar days in the clinic, today included', () => {
    const seen = (date: string) => decideRoute(example, call({ caller: { pcpPractitionerId: 'prac-01', lastVisit: { date, practitionerId: 'prac-10' } } })).ruleId;
    expect(seen('2026-12-21')).toBe('recent-visit'); // today
    expect(seen('2026-12-07')).toBe('recent-visit'); // 14 days
    expect(seen('2026-12-06')).toBe('known-patient'); // 15 days: back to the PCP
    expect(seen('2026-12-28')).toBe('known-patient'); // a future visit is not a recent one
    expect(seen('not a date')).toBe('known-patient');
    // 2026-12-07 23:30 New York is 2026-12-08 04:30 UTC: still 14 days by the clinic's calendar.
    expect(seen('2026-12-08T04:30:00Z')).toBe('recent-visit');
  });

  it('honours a configured number of days', () => {
    const strict: RoutingRules = { ...example, recentVisitDays: 3 };
    const decision = decideRoute(strict, call({ caller: { pcpPractitionerId: 'prac-01', lastVisit: { date: '2026-12-17', practitionerId: 'prac-10' } } }));
    expect(decision.ruleId).toBe('known-patient');
  });

  it('a recent visit with a provider who has no team falls through to the PCP team', () => {
    const decision = decideRoute(example, call({ caller: { pcpPractitionerId: 'prac-01', lastVisit: { date: '2026-12-18', practitionerId: null } } }));
    expect(decision).toMatchObject({ destinationId: 'team-red', ruleId: 'known-patient' });
  });

  it('pending results go to the nurse line, ahead of a recent visit', () => {
    const decision = decideRoute(example, call({ caller: { pendingResults: true, lastVisit: { date: '2026-12-18', practitionerId: 'prac-10' } } }));
    expect(decision).toMatchObject({ destinationId: 'nurse-line', ruleId: 'pending-results' });
  });

  it('pending results not looked up do not count either way', () => {
    const rules: RoutingRules = {
      ...example,
      rules: [{ id: 'no-results', description: 'No results pending goes to the PCP team', when: { pendingResults: false }, to: '{pcpTeam}' }],
    };
    expect(decideRoute(rules, call({ caller: { pendingResults: false } })).ruleId).toBe('no-results');
    expect(decideRoute(rules, call({ caller: { pendingResults: undefined } })).ruleId).toBe('default');
  });
});

describe('decideRoute: callers the EHR does not single out', () => {
  it('new patient (no chart for the number) goes to scheduling', () => {
    const decision = decideRoute(example, call({ caller: { outcome: 'none', pcpPractitionerId: undefined } }));
    expect(decision).toMatchObject({ destinationId: 'scheduling', ruleId: 'new-patient', fallback: false });
  });

  it('several charts: patient-specific templates do not apply; the IVR reason or the default does', () => {
    const several = { outcome: 'several' as const, pcpPractitionerId: 'prac-06', pendingResults: true };
    expect(decideRoute(example, call({ caller: several }))).toMatchObject({ destinationId: 'front-desk', ruleId: 'default' });
    expect(decideRoute(example, call({ ivrReason: 'appointment', caller: several }))).toMatchObject({ destinationId: 'scheduling', ruleId: 'appointment' });
  });

  it('a blocked number is neither a new nor a known patient', () => {
    const decision = decideRoute(example, call({ caller: { outcome: 'blocked', pcpPractitionerId: undefined } }));
    expect(decision).toMatchObject({ destinationId: 'front-desk', ruleId: 'default' });
  });

  it('billing goes to billing even for a known patient', () => {
    expect(decideRoute(example, call({ ivrReason: 'billing' }))).toMatchObject({ destinationId: 'billing', ruleId: 'billing' });
  });
});

describe('decideRoute: urgent', () => {
  it('in hours, the urgent option goes to nurse triage, ahead of every patient rule', () => {
    const decision = decideRoute(example, call({ urgent: true, caller: { pendingResults: true } }));
    expect(decision).toMatchObject({ destinationId: 'nurse-triage', ruleId: 'urgent', afterHours: false });
  });

  it('after hours, the urgent option goes to the on-call provider (triage is unstaffed)', () => {
    const decision = decideRoute(example, call({ urgent: true, now: mondayEvening }));
    expect(decision).toMatchObject({ destinationId: 'on-call-avery', ruleId: 'urgent-after-hours', afterHours: true, onCallProvider: 'Dr. Synthetic Avery' });
  });

  it('after hours without an urgent rule, the built-in route still reaches the on-call provider', () => {
    const rules: RoutingRules = { ...example, rules: example.rules.filter((rule) => rule.id !== 'urgent-after-hours') };
    expect(decideRoute(rules, call({ urgent: true, now: mondayEvening }))).toMatchObject({ destinationId: 'on-call-avery', ruleId: 'after-hours' });
  });
});

describe('decideRoute: after hours', () => {
  it('outside hours, a known patient goes to the on-call provider, not the closed team queue', () => {
    const decision = decideRoute(example, call({ now: mondayEvening }));
    expect(decision).toMatchObject({ destinationId: 'on-call-avery', ruleId: 'after-hours', afterHours: true, onCallProvider: 'Dr. Synthetic Avery', fallback: false });
    expect(decision.reason).toBe('Outside clinic hours; sent to On-call phone (Dr. Synthetic Avery) (on call now).');
  });

  it('on a holiday during the day, the on-call provider, and the card names the holiday', () => {
    const decision = decideRoute(example, call({ now: christmasMorning }));
    expect(decision).toMatchObject({ destinationId: 'on-call-avery', ruleId: 'after-hours', afterHours: true, onCallProvider: 'Dr. Synthetic Avery' });
    expect(decision.reason).toContain('Clinic closed for Christmas Day');
  });

  it('on Sunday the weekend shift is on call', () => {
    const sunday = new Date('2026-12-27T15:00:00Z');
    expect(decideRoute(example, call({ now: sunday }))).toMatchObject({ destinationId: 'on-call-brooks', onCallProvider: 'Dr. Synthetic Brooks' });
    expect(decideRoute(example, call({ now: sunday })).reason).toMatch(/^Clinic closed today/);
  });

  it('nobody on call: the after-hours destination, and no provider named', () => {
    const decision = decideRoute(example, call({ now: newYearMorning }));
    expect(decision).toMatchObject({ destinationId: 'answering-service', ruleId: 'after-hours', afterHours: true });
    expect(decision.onCallProvider).toBeUndefined();
    expect(decision.reason).toBe("Clinic closed for New Year's Day; sent to Answering service (nobody on call).");
  });

  it('after-hours rules apply only after hours: billing in the evening goes to voicemail', () => {
    expect(decideRoute(example, call({ now: mondayEvening, ivrReason: 'billing' }))).toMatchObject({ destinationId: 'after-hours-voicemail', ruleId: 'admin-after-hours' });
    expect(decideRoute(example, call({ ivrReason: 'billing' })).ruleId).toBe('billing');
  });

  it('an {onCall} rule with nobody on call resolves to the after-hours destination', () => {
    expect(decideRoute(example, call({ now: newYearMorning, urgent: true }))).toMatchObject({ destinationId: 'answering-service', ruleId: 'urgent-after-hours' });
  });
});

describe('decideRoute: location by the dialled number', () => {
  it('finds the location by number, or none', () => {
    expect(locationFor(example, northNumber)?.id).toBe('north');
    expect(locationFor(example, '+16175550101')?.id).toBe('downtown');
    expect(locationFor(example, '+16175550177')).toBeNull();
    expect(locationFor(example, null)).toBeNull();
    expect(decideRoute(example, call({ dialledNumber: '+16175550177' })).locationId).toBeNull();
    expect(decideRoute(example, call({ dialledNumber: null })).locationId).toBeNull();
  });

  it("uses the location's default when no rule matches", () => {
    const decision = decideRoute(example, call({ dialledNumber: northNumber, caller: { outcome: 'blocked' } }));
    expect(decision).toMatchObject({ destinationId: 'north-front-desk', ruleId: 'default', locationId: 'north' });
  });

  it("uses the location's hours: at 16:30 downtown is open and North is closed", () => {
    expect(decideRoute(example, call({ now: mondayAt1630 }))).toMatchObject({ afterHours: false, ruleId: 'known-patient' });
    // Nobody's shift starts until 17:00, so North's early closing goes to the answering service.
    expect(decideRoute(example, call({ now: mondayAt1630, dialledNumber: northNumber }))).toMatchObject({
      afterHours: true, ruleId: 'after-hours', destinationId: 'answering-service', locationId: 'north',
    });
  });

  it("adds the location's holidays to the clinic's", () => {
    expect(decideRoute(example, call({ now: christmasEveMorning })).afterHours).toBe(false);
    const north = decideRoute(example, call({ now: christmasEveMorning, dialledNumber: northNumber }));
    expect(north.afterHours).toBe(true);
    expect(north.reason).toContain('Christmas Eve (North office)');
    expect(decideRoute(example, call({ now: christmasMorning, dialledNumber: northNumber })).reason).toContain('Christmas Day');
  });

  it('a rule can select a location', () => {
    const rules = routingRulesSchema.parse({
      ...example,
      rules: [{ id: 'north-billing', description: 'North billing goes to the North desk', when: { location: ['north'], ivrReason: ['billing'] }, to: 'north-front-desk' }, ...example.rules],
    });
    expect(decideRoute(rules, call({ dialledNumber: northNumber, ivrReason: 'billing' })).ruleId).toBe('north-billing');
    expect(decideRoute(rules, call({ ivrReason: 'billing' })).ruleId).toBe('billing');
  });
});

describe('decideRoute: the EHR could not answer (RT-2)', () => {
  it('timeout: the default destination, fallback, and a reason for the card, whatever the caller data says', () => {
    const decision = decideRoute(example, call({ ehr: 'timeout', caller: { pendingResults: true } }));
    expect(decision).toMatchObject({ destinationId: 'front-desk', ruleId: 'ehr-fallback', fallback: true, afterHours: false });
    expect(decision.reason).toBe('EHR did not answer within the routing budget; sent to Front desk.');
  });

  it('unavailable: the same, saying so', () => {
    const decision = decideRoute(example, call({ ehr: 'unavailable' }));
    expect(decision).toMatchObject({ destinationId: 'front-desk', ruleId: 'ehr-fallback', fallback: true });
    expect(decision.reason).toBe('EHR was unavailable; sent to Front desk.');
  });

  it('a failed patient lookup counts as the EHR not answering', () => {
    expect(decideRoute(example, call({ caller: { outcome: 'lookup-failed' } }))).toMatchObject({ ruleId: 'ehr-fallback', fallback: true });
  });

  it("goes to the location's default at a location", () => {
    expect(decideRoute(example, call({ ehr: 'timeout', dialledNumber: northNumber }))).toMatchObject({ destinationId: 'north-front-desk', ruleId: 'ehr-fallback' });
  });

  it('the urgent option still goes to nurse triage: it needs no EHR', () => {
    const decision = decideRoute(example, call({ ehr: 'timeout', urgent: true }));
    expect(decision).toMatchObject({ destinationId: 'nurse-triage', ruleId: 'urgent', fallback: true });
    expect(decision.reason).toContain('EHR did not answer within the routing budget, so patient-specific rules were skipped');
  });

  it('an IVR-reason rule still applies: it needs no EHR', () => {
    expect(decideRoute(example, call({ ehr: 'timeout', ivrReason: 'appointment' }))).toMatchObject({ destinationId: 'scheduling', ruleId: 'appointment', fallback: true });
  });

  it('after hours still goes to the on-call provider', () => {
    expect(decideRoute(example, call({ ehr: 'unavailable', now: christmasMorning }))).toMatchObject({
      destinationId: 'on-call-avery', ruleId: 'after-hours', afterHours: true, fallback: true, onCallProvider: 'Dr. Synthetic Avery',
    });
  });
});

describe('decideRoute: never stuck', () => {
  it('an invalid clock goes to the default destination instead of throwing', () => {
    const decision = decideRoute(example, call({ now: new Date(Number.NaN) }));
    expect(decision).toMatchObject({ destinationId: 'front-desk', ruleId: 'default', afterHours: false });
    expect(decision.reason).toContain('Clinic clock unavailable');
  });

  it('a practitioner id such as "constructor" does not reach Object.prototype', () => {
    const decision = decideRoute(example, call({ caller: { pcpPractitionerId: 'constructor', careTeamPractitionerIds: ['__proto__'] } }));
    expect(decision).toMatchObject({ destinationId: 'front-desk', ruleId: 'default' });
  });

  it('a rule set built in code with a dangling id still routes to a real destination', () => {
    const broken = { ...example, defaultDestination: 'gone' } as RoutingRules;
    const decision = decideRoute(broken, call({ caller: { outcome: 'blocked' } }));
    expect(Object.keys(example.destinations)).toContain(decision.destinationId);
  });
});

// ---- Property: any call, any rule list: a destination of the rule set, and no exception. ----

const destinationIds = Object.keys(example.destinations);
const practitionerIdArb = fc.oneof(
  fc.integer({ min: 1, max: 14 }).map((n) => `prac-${String(n).padStart(2, '0')}`),
  fc.constantFrom('constructor', '__proto__', 'toString', ''),
);
const isoDateArb = fc.oneof(
  fc.date({ min: new Date('2026-10-01T00:00:00Z'), max: new Date('2027-02-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.date({ min: new Date('2026-10-01T00:00:00Z'), max: new Date('2027-02-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
  fc.string(),
);
const contextArb: fc.Arbitrary<RoutingContext> = fc.record({
  now: fc.oneof(
    // Weighted to the weeks the example's shifts and holidays cover, plus any date at all (invalid included).
    fc.date({ min: new Date('2026-12-14T00:00:00Z'), max: new Date('2027-01-05T00:00:00Z'), noInvalidDate: true }),
    fc.date(),
  ),
  dialledNumber: fc.oneof(fc.constantFrom(downtownNumber, '+16175550101', northNumber, '+16175550177', null), fc.string()),
  ivrReason: fc.constantFrom(...callReasons, null),
  urgent: fc.boolean(),
  caller: fc.record(
    {
      outcome: fc.constantFrom('unique', 'several', 'none', 'blocked', 'lookup-failed'),
      pcpPractitionerId: fc.option(practitionerIdArb, { nil: null }),
      careTeamPractitionerIds: fc.array(practitionerIdArb, { maxLength: 4 }),
      lastVisit: fc.option(fc.record({ date: isoDateArb, practitionerId: fc.option(practitionerIdArb, { nil: null }) }), { nil: null }),
      pendingResults: fc.boolean(),
    },
    { requiredKeys: ['outcome'] },
  ),
  ehr: fc.constantFrom('ok', 'timeout', 'unavailable'),
});

const ruleArb: fc.Arbitrary<RoutingRule> = fc.record({
  id: fc.integer({ min: 0, max: 1_000_000 }).map((n) => `rule-${n}`),
  description: fc.constantFrom('Synthetic rule', 'Another synthetic rule'),
  when: fc.record(
    {
      urgent: fc.boolean(),
      ivrReason: fc.uniqueArray(fc.constantFrom(...callReasons), { minLength: 1 }),
      callerOutcome: fc.uniqueArray(fc.constantFrom('unique', 'several', 'none', 'blocked' as const), { minLength: 1 }),
      newPatient: fc.boolean(),
      pendingResults: fc.boolean(),
      recentVisit: fc.boolean(),
      afterHours: fc.boolean(),
      location: fc.uniqueArray(fc.constantFrom('downtown', 'north'), { minLength: 1 }),
    },
    { requiredKeys: [] },
  ),
  to: fc.constantFrom(...destinationIds, ...destinationTemplates),
});

const rulesArb: fc.Arbitrary<RoutingRules> = fc
  .record({ rules: fc.array(ruleArb, { maxLength: 8 }), useExampleRules: fc.boolean(), keepOnCall: fc.boolean(), recentVisitDays: fc.integer({ min: 1, max: 60 }) })
  .map(({ rules, useExampleRules, keepOnCall, recentVisitDays }) => ({
    ...example,
    recentVisitDays,
    onCall: keepOnCall ? example.onCall : [],
    rules: useExampleRules ? [...rules, ...example.rules] : rules,
  }));

describe('decideRoute: for any call', () => {
  it('returns a destination that exists in the rule set, with a reason and no PHI, and never throws', () => {
    fc.assert(
      fc.property(rulesArb, contextArb, (rules, context) => {
        const decision = decideRoute(rules, context);
        expect(Object.keys(rules.destinations)).toContain(decision.destinationId);
        expect(decision.destination).toEqual(rules.destinations[decision.destinationId]);
        expect(decision.reason.length).toBeGreaterThan(0);
        expect(decision.reason).not.toMatch(/prac-|\+1617|\d{4}-\d{2}-\d{2}/);
        expect(decision.fallback).toBe(context.ehr !== 'ok' || context.caller.outcome === 'lookup-failed');
        if (decision.ruleId === 'after-hours') expect(decision.afterHours).toBe(true);
        if (decision.onCallProvider !== undefined) expect(decision.onCallProvider).toMatch(/^Dr\. Synthetic /);
        const rule = rules.rules.find((candidate) => candidate.id === decision.ruleId);
        if (rule) expect(rule.when.afterHours ?? false).toBe(decision.afterHours);
        if (rule && decision.fallback) {
          // Without the EHR, only rules on call data and time may decide.
          expect(rule.when.callerOutcome ?? rule.when.newPatient ?? rule.when.pendingResults ?? rule.when.recentVisit).toBeUndefined();
          expect(['{pcpTeam}', '{recentVisitTeam}']).not.toContain(rule.to);
        }
        if (!rule) expect(['default', 'ehr-fallback', 'after-hours']).toContain(decision.ruleId);
      }),
      { numRuns: 2000 },
    );
  });

  it('the example rule set gives the same decision for the same call (no hidden state)', () => {
    fc.assert(
      fc.property(contextArb, (context) => {
        expect(decideRoute(example, context)).toEqual(decideRoute(example, structuredClone(context)));
      }),
      { numRuns: 300 },
    );
  });
});
