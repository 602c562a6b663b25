import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callSetDir, parseCallSource, readCallSet } from '../bench/eval/calls/build.ts';
import { analyzeLine } from '../src/cli/analyze.command.ts';

// The hand-written whole-call sets (bench/eval/calls/<set>/source.txt, built into
// bench/eval/data/calls-<set>/calls.jsonl): the built file is what the source says, every label
// follows the conventions the builder checks, and every call goes through `callchart analyze`.
const sourceRoot = join(import.meta.dirname, '..', 'bench', 'eval', 'calls');
const sets = readdirSync(sourceRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(sourceRoot, entry.name, 'source.txt')))
  .map((entry) => entry.name);

describe('hand-written call sets', () => {
  it('has at least the tuning set and two sets nobody tunes on', () => {
    expect(sets).toEqual(expect.arrayContaining(['tune', 'a', 'b']));
  });

  describe.each(sets)('calls-%s', (set) => {
    const built = readCallSet(set);

    it('is exactly the build of its source (rebuild with `npx tsx bench/eval/calls/build.ts <set>`)', () => {
      expect(built).toEqual(parseCallSource(readFileSync(join(sourceRoot, set, 'source.txt'), 'utf8')));
      expect(existsSync(join(callSetDir(set), 'calls.jsonl'))).toBe(true);
    });

    it('has PHI spans inside the text, trimmed, and never overlapping', () => {
      for (const call of built) {
        const spans = [...call.labels.phi].sort((a, b) => a.start - b.start);
        spans.forEach((span, i) => {
          expect(span.end, call.id).toBeLessThanOrEqual(call.text.length);
          expect(call.text.slice(span.start, span.end).trim(), call.id).toBe(call.text.slice(span.start, span.end));
          if (i > 0) expect(span.start, call.id).toBeGreaterThanOrEqual(spans[i - 1]!.end);
        });
      }
    });

    it('goes through `callchart analyze` without a rejected line (null patient fields included)', () => {
      const rejected = built
        .map((call, i) => analyzeLine(JSON.stringify({ id: call.id, text: call.text, ...(call.patient ? { patient: call.patient } : {}) }), i + 1, { now: new Date('2026-12-07T12:00:00Z') }))
        .filter((line) => 'error' in line);
      expect(rejected).toEqual([]);
    });
  });
});
