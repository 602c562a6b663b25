import { describe, expect, it } from 'vitest';
import { planCallPurge, retentionRules } from '../retention/retention-schedule.ts';
import { audioDurationMs, audioKeepDecision } from './call-audio.ts';

const now = new Date('2026-04-06T15:00:00Z');
const day = 86_400_000;

describe('whether a call\'s audio is kept (TR-3)', () => {
  it('keeps it only with keep on and record consent granted, until retentionDays', () => {
    expect(audioKeepDecision({ keep: true, retentionDays: 14 }, { record: { status: 'granted' } }, 8_000, now)).toEqual({ keep: true, expiresAt: new Date(now.getTime() + 14 * day) });
    expect(audioKeepDecision({ keep: false, retentionDays: 14 }, { record: { status: 'granted' } }, 8_000, now)).toEqual({ keep: false, reason: 'AUDIO_NOT_KEPT' });
    expect(audioKeepDecision({ keep: true, retentionDays: 14 }, { record: { status: 'declined' } }, 8_000, now)).toEqual({ keep: false, reason: 'NO_RECORD_CONSENT' });
    expect(audioKeepDecision({ keep: true, retentionDays: 14 }, { transcribe: { status: 'granted' } }, 8_000, now)).toEqual({ keep: false, reason: 'NO_RECORD_CONSENT' });
    expect(audioKeepDecision({ keep: true, retentionDays: 14 }, { record: { status: 'granted' } }, 0, now)).toEqual({ keep: false, reason: 'NO_AUDIO' });
  });

  it('measures the audio kept', () => {
    expect(audioDurationMs({ encoding: 'mulaw', sampleRate: 8_000, channels: 1 }, 16_000)).toBe(2_000);
    expect(audioDurationMs({ encoding: 'pcm_s16le', sampleRate: 16_000, channels: 1 }, 32_000)).toBe(1_000);
  });
});

describe('kept audio in the retention plan', () => {
  const retention = { contentDays: 60, audioDays: 30, metadataDays: 90 };
  const endedAt = new Date('2026-04-06T15:00:00Z');
  const facts = (expiresAt?: Date) => ({
    retentionClass: 'standard', retention, endedAt, reviewDecidedAt: null, unfinished: null, holdIds: [],
    artifacts: [{ artifactClass: 'audio' as const, objectId: 'a1', keyId: 'k1', ...(expiresAt ? { expiresAt } : {}) }],
  });

  it('is due at the earlier of its own expiry and the class\'s audioDays', () => {
    const atDay = (days: number) => new Date(endedAt.getTime() + days * day + 1);
    expect(planCallPurge(facts(new Date(endedAt.getTime() + 3 * day)), atDay(2))).toEqual({ action: 'keep', reason: 'not-due' });
    expect(planCallPurge(facts(new Date(endedAt.getTime() + 3 * day)), atDay(3))).toMatchObject({ action: 'purge', artifacts: [{ objectId: 'a1' }] });
    // An expiry later than the class allows changes nothing: the class's 30 days count.
    expect(planCallPurge(facts(new Date(endedAt.getTime() + 300 * day)), atDay(30))).toMatchObject({ action: 'purge' });
    expect(planCallPurge({ ...facts(new Date(endedAt.getTime() + 3 * day)), holdIds: ['h1'] }, atDay(5))).toMatchObject({ action: 'hold' });
  });

  it('is listed with its rule', () => {
    const rules = retentionRules({ retention: { standard: retention } } as never);
    expect(rules.audio).toContain('standard 30 d');
    expect(rules.audio).toContain('speech.audio.retentionDays');
  });
});
