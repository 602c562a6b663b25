import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRoutingRulesYaml, routingRulesSchema, routingRulesVersion } from './routing-rules.schema.ts';
import type { RoutingRules } from './routing-rules.schema.ts';

// Every rule set here is synthetic: fictional clinics, 555-01xx numbers, prac-NN ids.
const exampleYaml = readFileSync(join(import.meta.dirname, 'routing-rules.example.yaml'), 'utf8');
const fixtureRoot = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'routing');

function fixtures(kind: 'good' | 'bad'): [string, string][] {
  const dir = join(fixtureRoot, kind);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => [file, readFileSync(join(dir, file), 'utf8')]);
}

function parsedExample(): RoutingRules {
  const result = parseRoutingRulesYaml(exampleYaml);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.rules;
}

function problemPaths(text: string): string[] {
  const result = parseRoutingRulesYaml(text);
  return result.ok ? [] : result.problems.map((problem) => problem.path).sort();
}

/** Where each bad fixture must be rejected: the IT lead needs to know where to look. */
const expectedBadPaths: Record<string, string[]> = {
  'synthetic-calendar-mistakes.yaml': [
    'hours.holidays.0.date', 'hours.holidays.2.date', 'hours.weekly.tue.0.close', 'hours.weekly.wed.1', 'onCall.0.to', 'onCall.1.from',
  ],
  'synthetic-location-mistakes.yaml': [
    'destinations.answering-service.target', 'locations.1.dialledNumbers.0', 'locations.1.dialledNumbers.1', 'locations.1.id',
  ],
  'synthetic-rule-mistakes.yaml': ['rules.0.when', 'rules.1.when', 'rules.2.id', 'rules.3.id', 'rules.4.when.callerOutcome.0'],
  'synthetic-three-problems.yaml': ['hours.weekly.mon.0.close', 'rules.0.to', 'timeZone'],
  'synthetic-unknown-references.yaml': [
    'defaultDestination', 'locations.0.defaultDestination', 'onCall.0.destination', 'practitionerTeams.prac-01', 'rules.0.when.location.0',
  ],
  'synthetic-yaml-syntax.yaml': ['(yaml)'],
};

describe('the example rule set', () => {
  it('parses, for Synthetic Family Practice in New York', () => {
    const rules = parsedExample();
    expect(rules.clinic).toBe('Synthetic Family Practice');
    expect(rules.timeZone).toBe('America/New_York');
    expect(rules.hours.holidays.map((holiday) => holiday.date)).toEqual(['2026-12-25', '2027-01-01']);
    expect(rules.locations.map((location) => location.id)).toEqual(['downtown', 'north']);
    expect(rules.onCall).toHaveLength(5);
  });

  it('maps prac-01..prac-12 onto three team queues', () => {
    const rules = parsedExample();
    const ids = Array.from({ length: 12 }, (_, index) => `prac-${String(index + 1).padStart(2, '0')}`);
    expect(Object.keys(rules.practitionerTeams).sort()).toEqual(ids);
    expect(new Set(Object.values(rules.practitionerTeams))).toEqual(new Set(['team-red', 'team-blue', 'team-green']));
  });

  it('uses only numbers from the fictional 555-01xx block', () => {
    for (const digits of exampleYaml.match(/\+?\d{10,}/g) ?? []) expect(digits).toMatch(/55501\d\d$/);
  });
});

describe('routing rules fixtures', () => {
  it('every fixture is labelled synthetic', () => {
    for (const [file, text] of [...fixtures('good'), ...fixtures('bad')]) {
      expect(file).toMatch(/^synthetic-/);
      expect(text).toMatch(/^# SYNTHETIC/);
    }
  });

  it.each(fixtures('good'))('good fixture %s parses', (_file, text) => {
    const result = parseRoutingRulesYaml(text);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('every bad fixture has its expected paths listed here', () => {
    expect(fixtures('bad').map(([file]) => file)).toEqual(Object.keys(expectedBadPaths).sort());
  });

  it.each(fixtures('bad'))('bad fixture %s reports every problem at its path, with a line', (file, text) => {
    const result = parseRoutingRulesYaml(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.path).sort()).toEqual(expectedBadPaths[file]);
    for (const problem of result.problems) {
      expect(problem.message).not.toBe('');
      expect(problem.line).toBeGreaterThan(0);
    }
  });
});

describe('parseRoutingRulesYaml', () => {
  it('reports a missing destination, a bad time and a bad time zone together, in file order', () => {
    const text = fixtures('bad').find(([file]) => file === 'synthetic-three-problems.yaml')![1];
    const result = parseRoutingRulesYaml(text);
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: 'timeZone', message: 'IANA time zone such as America/New_York', line: 4 },
        { path: 'hours.weekly.mon.0.close', message: expect.stringMatching(/HH:MM/), line: 12 },
        { path: 'rules.0.to', message: expect.stringContaining('unknown destination "nurse-triag"'), line: 17 },
      ],
    });
  });

  it('names a missing required field and an unknown top-level key', () => {
    const text = exampleYaml.replace(/^defaultDestination: .*$/m, '').replace(/^recentVisitDays: 14$/m, 'recentVisitDay: 14');
    const result = parseRoutingRulesYaml(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.path).sort()).toEqual(['(root)', 'defaultDestination']);
    expect(result.problems.find((problem) => problem.path === '(root)')?.message).toContain('recentVisitDay');
  });

  it('rejects a key written twice instead of silently taking the last', () => {
    const text = exampleYaml.replace(/^recentVisitDays: 14$/m, 'recentVisitDays: 14\nrecentVisitDays: 30');
    expect(problemPaths(text)).toEqual(['(yaml)']);
  });

  it('rejects an empty document and a list at the top', () => {
    expect(problemPaths('')).toEqual(['(root)']);
    expect(problemPaths('- a\n- b\n')).toEqual(['(root)']);
  });

  it('applies defaults: 14 recent-visit days, no on-call, no locations, no rules', () => {
    const text = fixtures('good').find(([file]) => file === 'synthetic-minimal.yaml')![1];
    const result = parseRoutingRulesYaml(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rules.recentVisitDays).toBe(14);
    expect(result.rules.onCall).toEqual([]);
    expect(result.rules.locations).toEqual([]);
    expect(result.rules.rules).toEqual([]);
    expect(result.rules.hours.weekly.tue).toEqual([]);
  });

  it('accepts every template destination and rejects a made-up one', () => {
    const rules = parsedExample();
    const withTo = (to: string) => ({ ...rules, rules: [{ id: 'r', description: 'Synthetic', when: { urgent: true }, to }] });
    for (const to of ['{pcpTeam}', '{recentVisitTeam}', '{onCall}']) expect(routingRulesSchema.safeParse(withTo(to)).success).toBe(true);
    expect(routingRulesSchema.safeParse(withTo('{nurse}')).success).toBe(false);
  });
});

describe('routingRulesVersion', () => {
  it('is a sha256 hex digest and the same for the same rules', () => {
    const version = routingRulesVersion(parsedExample());
    expect(version).toMatch(/^[0-9a-f]{64}$/);
    expect(routingRulesVersion(parsedExample())).toBe(version);
  });

  it('does not change when only key order or comments change', () => {
    const reordered = exampleYaml
      .replace(/^# .*\n/gm, '')
      .replace('version: 2026-12-rev1\nclinic: Synthetic Family Practice\ntimeZone: America/New_York\n', 'timeZone: America/New_York\nclinic: Synthetic Family Practice\nversion: 2026-12-rev1\n')
      .replace("{ kind: queue,     target: synthetic-queue-scheduling,  label: Scheduling }", '{ label: Scheduling, target: synthetic-queue-scheduling, kind: queue }');
    expect(reordered).not.toBe(exampleYaml);
    const result = parseRoutingRulesYaml(reordered);
    expect(result.ok).toBe(true);
    if (result.ok) expect(routingRulesVersion(result.rules)).toBe(routingRulesVersion(parsedExample()));
  });

  it('changes when any rule, team, shift or hour changes', () => {
    const base = routingRulesVersion(parsedExample());
    const edits: ((rules: RoutingRules) => void)[] = [
      (rules) => { rules.rules[0]!.to = 'answering-service'; },
      (rules) => { rules.rules[2]!.when.urgent = false; },
      (rules) => { rules.rules.reverse(); },
      (rules) => { rules.practitionerTeams['prac-01'] = 'team-blue'; },
      (rules) => { rules.onCall[0]!.provider = 'Dr. Synthetic Other'; },
      (rules) => { rules.hours.weekly.mon[0]!.close = '17:30'; },
      (rules) => { rules.recentVisitDays = 15; },
    ];
    const versions = edits.map((edit) => {
      const rules = parsedExample();
      edit(rules);
      return routingRulesVersion(rules);
    });
    for (const version of versions) expect(version).not.toBe(base);
    expect(new Set(versions).size).toBe(edits.length);
  });
});
