import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callEventSchema, callEventTypes, describeIssues, transcriptOf, withoutTranscript } from '../src/calls/call-event.schema.ts';

// Every CTI fixture is synthetic: provider `synthetic-pbx`, ids `synthetic-…`, fictional 555-01xx numbers.
const root = join(import.meta.dirname, 'fixtures', 'cti');

function fixtures(kind: 'good' | 'bad'): [string, unknown][] {
  const dir = join(root, kind);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file, JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown]);
}

const good = fixtures('good');
const bad = fixtures('bad');

/** The path each bad fixture must be rejected at: the integrator needs to know where to look. */
const expectedBadPaths: Record<string, string[]> = {
  'synthetic-missing-type.json': ['type'],
  'synthetic-unknown-type.json': ['type'],
  'synthetic-missing-call-id.json': ['call.id'],
  'synthetic-bad-occurred-at.json': ['occurredAt'],
  'synthetic-consent-wrong-data-shape.json': ['data.scope', 'data.granted'],
  'synthetic-ani-as-number.json': ['call.ani'],
  'synthetic-ringing-unexpected-data.json': ['data'],
  'synthetic-provider-not-a-slug.json': ['provider'],
};

describe('CTI fixtures', () => {
  it('every fixture is labelled synthetic', () => {
    for (const [file, body] of [...good, ...bad]) {
      expect(file).toMatch(/^synthetic-/);
      const json = JSON.stringify(body);
      expect(json).toContain('"synthetic-evt-');
      // Phone numbers only from the fictional NANP 555-0100…0199 block.
      for (const digits of json.match(/\d{10,}/g) ?? []) expect(digits).toMatch(/55501\d\d$/);
    }
  });

  it('the good fixtures cover every event type exactly once', () => {
    const types = good.map(([, body]) => (body as { type: string }).type).sort();
    expect(types).toEqual([...callEventTypes].sort());
  });

  it.each(good)('good fixture %s parses', (_file, body) => {
    const result = callEventSchema.safeParse(body);
    expect(result.error ? describeIssues(result.error) : []).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('every bad fixture has an expected rejection path listed here', () => {
    expect(bad.map(([file]) => file)).toEqual(Object.keys(expectedBadPaths).sort());
  });

  it.each(bad)('bad fixture %s is rejected with the path of the problem', (file, body) => {
    const result = callEventSchema.safeParse(body);
    expect(result.success).toBe(false);
    if (result.success) return;
    const issues = describeIssues(result.error);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue.path).not.toBe('');
      expect(issue.message).not.toBe('');
    }
    expect(issues.map((issue) => issue.path).sort()).toEqual([...(expectedBadPaths[file] ?? ['(missing expectation)'])].sort());
  });

  it('issue messages do not echo the rejected values', () => {
    for (const [, body] of bad) {
      const result = callEventSchema.safeParse(body);
      const text = JSON.stringify(result.error ? describeIssues(result.error) : []);
      expect(text).not.toContain('5550142');
      expect(text).not.toContain('05/01/2026');
      expect(text).not.toContain('Synthetic Person');
    }
  });

  it('a transcript over 100,000 characters is rejected at data.transcript.text', () => {
    const [, ended] = good.find(([file]) => file === 'synthetic-call-ended.json')!;
    const body = structuredClone(ended) as { data: { transcript: { text: string } } };
    body.data.transcript.text = 'synthetic '.repeat(10_001);
    const result = callEventSchema.safeParse(body);
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues(result.error).map((issue) => issue.path)).toEqual(['data.transcript.text']);
    body.data.transcript.text = 'x'.repeat(100_000);
    expect(callEventSchema.safeParse(body).success).toBe(true);
  });

  it('an empty body or a non-object is rejected with a path', () => {
    for (const body of [{}, null, 'call.ringing', []]) {
      const result = callEventSchema.safeParse(body);
      expect(result.success).toBe(false);
      if (!result.success) expect(describeIssues(result.error).length).toBeGreaterThan(0);
    }
  });
});

describe('transcriptOf / withoutTranscript', () => {
  const parsed = good.map(([file, body]) => [file, callEventSchema.parse(body)] as const);
  const withText = parsed.filter(([, event]) => transcriptOf(event));

  it('finds the transcript on call.ended, voicemail and transcript.available fixtures', () => {
    expect(withText.map(([, event]) => event.type).sort()).toEqual(['call.ended', 'transcript.available', 'voicemail']);
    for (const [, event] of withText) expect(transcriptOf(event)?.text).toMatch(/^Synthetic/);
  });

  it.each(parsed)('withoutTranscript(%s) keeps no transcript text and leaves the original intact', (_file, event) => {
    const text = transcriptOf(event)?.text;
    const before = JSON.stringify(event);
    const stripped = withoutTranscript(event);
    expect(transcriptOf(stripped)).toBeUndefined();
    if (text) expect(JSON.stringify(stripped)).not.toContain(text);
    expect(JSON.stringify(event)).toBe(before);
    // Everything else survives.
    expect(stripped.id).toBe(event.id);
    expect(stripped.type).toBe(event.type);
    expect(stripped.call).toEqual(event.call);
  });

  it('keeps the rest of the data, e.g. voicemail duration', () => {
    const [, voicemail] = parsed.find(([, event]) => event.type === 'voicemail')!;
    expect(withoutTranscript(voicemail).data).toEqual({ durationSeconds: 41 });
  });
});
