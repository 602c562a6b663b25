import { describe, expect, it } from 'vitest';
import { parseQueuePolicyYaml, queuePolicySchema } from '../consent/queue-policy.schema.ts';
import { artifactDueAt, planCallPurge, retentionChanges, retentionDays, shortestRetentionDays, type CallRetentionFacts, type StoredArtifact } from './retention-schedule.ts';

const day = 86_400_000;
const ended = new Date('2026-01-10T15:00:00Z');
const at = (days: number) => new Date(ended.getTime() + days * day);
const artifacts: StoredArtifact[] = [
  { artifactClass: 'transcript', objectId: '11', keyId: 'k-t' },
  { artifactClass: 'redacted-transcript', objectId: 'c1', keyId: 'k-s' },
  { artifactClass: 'summary', objectId: 'c1', keyId: 'k-s' },
  { artifactClass: 'draft-version', objectId: 'r1:1', keyId: 'k-d' },
  { artifactClass: 'call-metadata', objectId: 'c1', keyId: null },
];
const facts = (overrides: Partial<CallRetentionFacts> = {}): CallRetentionFacts => ({
  retentionClass: 'standard',
  retention: { contentDays: 30, audioDays: 0, metadataDays: 365, transcriptDays: 7, summaryDays: 60 },
  endedAt: ended, reviewDecidedAt: at(2), unfinished: null, holdIds: [], artifacts, ...overrides,
});

describe('retention days per artifact class', () => {
  it('keeps the meaning of the original keys and defaults every new class to contentDays', () => {
    expect(retentionDays({ contentDays: 90, audioDays: 30, metadataDays: 2555 })).toEqual({
      audio: 30, transcript: 90, 'redacted-transcript': 90, summary: 90, 'draft-version': 90, 'identity-evidence': 1, 'call-metadata': 2555,
    });
    expect(retentionDays({ contentDays: 0, audioDays: 0, metadataDays: 10 })['identity-evidence']).toBe(0);
  });

  it('accepts the example policy unchanged and refuses content that outlives its call', () => {
    const old = parseQueuePolicyYaml('version: v\ndefaults: { transcription: true, ai: true, pattern: review, retention: s, review: when-needed }\nretention:\n  s: { contentDays: 90, audioDays: 30, metadataDays: 100 }\n');
    expect(old.ok).toBe(true);
    // No default is written into the parsed policy: an old file keeps its version hash.
    if (old.ok) expect(Object.keys(old.value.retention.s!).sort()).toEqual(['audioDays', 'contentDays', 'metadataDays']);
    const bad = parseQueuePolicyYaml('version: v\ndefaults: { transcription: true, ai: true, pattern: review, retention: s, review: when-needed }\nretention:\n  s: { contentDays: 9, summaryDays: 200, audioDays: 0, metadataDays: 100 }\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]!.path).toBe('retention.s.summaryDays');
    expect(() => queuePolicySchema.parse({ ...JSON.parse(JSON.stringify(old.ok ? old.value : {})), auditYears: 5 })).toThrow();
  });

  it('counts draft versions from the review decision and everything else from the call end', () => {
    expect(artifactDueAt(facts(), 'transcript')).toEqual(at(7));
    expect(artifactDueAt(facts(), 'draft-version')).toEqual(at(32));
    expect(artifactDueAt(facts({ reviewDecidedAt: null }), 'draft-version')).toEqual(at(30));
  });

  it('finds the shortest days of each artifact class over every retention class', () => {
    const policy = queuePolicySchema.parse({
      version: 'v', defaults: { transcription: true, ai: true, pattern: 'review', retention: 'a', review: 'when-needed' },
      retention: { a: { contentDays: 30, audioDays: 0, metadataDays: 400, draftDays: 3 }, b: { contentDays: 10, audioDays: 5, metadataDays: 200 } },
    });
    expect(shortestRetentionDays(policy)).toEqual({
      audio: 0, transcript: 10, 'redacted-transcript': 10, summary: 10, 'draft-version': 3, 'identity-evidence': 1, 'call-metadata': 200,
    });
  });
});

describe('planCallPurge', () => {
  it('keeps a call with nothing due', () => {
    expect(planCallPurge(facts(), at(6))).toEqual({ action: 'keep', reason: 'not-due' });
  });

  it('purges the transcript first, then the analysis row whole when the earlier of its two classes is due', () => {
    const week = planCallPurge(facts(), at(8));
    expect(week.action === 'purge' && week.artifacts.map((artifact) => artifact.artifactClass)).toEqual(['transcript']);
    // redacted transcript due at 30 days, the summary at 60: both go at 30 (one sealed row).
    const month = planCallPurge(facts({ artifacts: artifacts.slice(1) }), at(30));
    expect(month.action === 'purge' && month.artifacts.map((artifact) => artifact.artifactClass)).toEqual(['redacted-transcript', 'summary']);
    expect(month.action === 'purge' && month.removeCall).toBe(false);
  });

  it('removes the call only when its metadata period is over and nothing else is left undue', () => {
    const year = planCallPurge(facts(), at(366));
    expect(year).toMatchObject({ action: 'purge', removeCall: true });
    expect(year.action === 'purge' && year.artifacts).toHaveLength(artifacts.length);
  });

  it('holds everything under a legal hold, and waits for unfinished review or write-back', () => {
    expect(planCallPurge(facts({ holdIds: ['h1'] }), at(400))).toMatchObject({ action: 'hold', holdIds: ['h1'] });
    expect(planCallPurge(facts({ unfinished: 'review-pending' }), at(400))).toMatchObject({ action: 'wait', reason: 'review-pending' });
  });
});

describe('retentionChanges', () => {
  it('names the classes whose days changed, and auditYears', () => {
    const before = { retention: { a: { contentDays: 30, audioDays: 0, metadataDays: 400 }, b: { contentDays: 10, audioDays: 0, metadataDays: 400 } } };
    expect(retentionChanges(before, { retention: { ...before.retention } })).toEqual([]);
    // Spelling out a default is no change.
    expect(retentionChanges(before, { retention: { ...before.retention, a: { contentDays: 30, audioDays: 0, metadataDays: 400, transcriptDays: 30 } } })).toEqual([]);
    expect(retentionChanges(before, { retention: { a: { contentDays: 7, audioDays: 0, metadataDays: 400 }, c: { contentDays: 1, audioDays: 0, metadataDays: 9 } }, auditYears: 7 })).toEqual(['a', 'b', 'c', 'auditYears']);
  });
});
