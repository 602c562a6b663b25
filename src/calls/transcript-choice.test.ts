import { describe, expect, it } from 'vitest';
import { chooseBestTranscript, sourceKindOf, type StoredTranscriptFacts } from './transcript-choice.ts';

const facts = (eventId: string, source: string, quality: StoredTranscriptFacts['quality'], storedAt: string): StoredTranscriptFacts =>
  ({ eventId, source, quality, qualityReasons: [], storedAt });

describe('the best transcript of a call', () => {
  it('prefers ok over not judged over low over unusable, whatever the age', () => {
    const all = [
      facts('1', 'pocketsphinx', 'unusable', '2026-12-07T10:00:05Z'),
      facts('2', 'twilio', null, '2026-12-07T10:00:01Z'),
      facts('3', 'http', 'low', '2026-12-07T10:00:09Z'),
    ];
    expect(chooseBestTranscript(all)?.eventId).toBe('2');
    expect(chooseBestTranscript([...all, facts('4', 'http', 'ok', '2026-12-07T09:00:00Z')])?.eventId).toBe('4');
    expect(chooseBestTranscript([all[0]!, all[2]!])?.eventId).toBe('3');
  });

  it('at equal quality follows the configured fallback, then the newest', () => {
    const all = [facts('1', 'twilio-realtime', 'low', '2026-12-07T10:00:00Z'), facts('2', 'http', 'low', '2026-12-07T10:00:00Z'), facts('3', 'pocketsphinx', 'low', '2026-12-07T10:00:02Z')];
    expect(chooseBestTranscript(all, 'pbx')?.eventId).toBe('1');
    expect(chooseBestTranscript(all, 'http')?.eventId).toBe('2');
    expect(chooseBestTranscript(all, 'none')?.eventId).toBe('3');
    expect(chooseBestTranscript([facts('5', 'twilio', 'ok', '2026-12-07T10:00:00Z'), facts('6', 'twilio-realtime', 'ok', '2026-12-07T10:00:03Z')])?.eventId).toBe('6');
  });

  it('has no answer for a call without transcripts', () => {
    expect(chooseBestTranscript([])).toBeNull();
  });

  it('knows PBX sources from our engines', () => {
    expect(['twilio', 'twilio-realtime', 'zoom-phone', 'pocketsphinx', 'http'].map(sourceKindOf)).toEqual(['pbx', 'pbx', 'pbx', 'local', 'http']);
  });
});
