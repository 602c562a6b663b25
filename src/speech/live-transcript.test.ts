import { describe, expect, it } from 'vitest';
import { scriptedSegment } from '../../test/helpers/scripted-speech.ts';
import { LiveTranscriptState, maskNumbers, maxLiveTranscriptChars, worseQuality } from './live-transcript.ts';

// Synthetic speech only.
const call = { callId: 'call-1', queue: 'q', agent: null, source: 'scripted', now: new Date('2026-12-07T12:00:00Z') };
const shown = (state: LiveTranscriptState) => {
  const view = state.view(call);
  return `${view.pieces.map((piece) => piece.text).join('')} ${view.pending}`;
};

describe('the live transcript a nurse sees', () => {
  it('shows a partial as pending text, then the final replaces it', () => {
    const state = new LiveTranscriptState({ lowConfidence: 0.6 });
    state.accept(scriptedSegment({ atFrame: 0, text: 'I need a refill' }, 0, false));
    expect(state.view(call)).toMatchObject({ pieces: [], pending: 'I need a refill' });
    state.accept(scriptedSegment({ atFrame: 0, text: 'I need a refill of my inhaler' }, 0, true));
    expect(state.view(call).pending).toBe('I need a refill of my inhaler');
  });

  it('settles the held tail when the stream ends: no words left "still being heard", identifiers still hidden', () => {
    const state = new LiveTranscriptState({ lowConfidence: 0.6, patient: { name: 'Quinta Marlowe' } });
    state.accept(scriptedSegment({ atFrame: 0, text: 'this is Quinta Marlowe calling about my knee' }, 0, true));
    state.accept(scriptedSegment({ atFrame: 0, text: 'it still hurts' }, 5, false));
    expect(state.view(call).pending).not.toBe('');
    state.finish();
    const view = state.view(call);
    expect(view.pending).toBe('');
    const text = view.pieces.map((piece) => piece.text).join('');
    expect(text).toContain('calling about my knee');
    expect(text).not.toContain('Marlowe');
    // A partial that never got its final is not shown as settled text.
    expect(text).not.toContain('still hurts');
  });

  it('never shows a spoken phone number or the identified patient\'s name, settled or pending', () => {
    const state = new LiveTranscriptState({ lowConfidence: 0.6, patient: { name: 'Quinta Marlowe' } });
    state.accept(scriptedSegment({ atFrame: 0, text: 'this is Quinta Marlowe calling about my knee' }, 0, true));
    state.accept(scriptedSegment({ atFrame: 0, text: 'my number is five five five two one nine eight three four seven' }, 5, false));
    const early = shown(state);
    expect(early).not.toContain('Marlowe');
    expect(early).not.toMatch(/five|nine|seven/);
    state.accept(scriptedSegment({ atFrame: 0, text: 'my number is five five five two one nine eight three four seven' }, 5, true));
    state.accept(scriptedSegment({ atFrame: 0, text: 'and the pain has been getting worse every single day since I slipped on the ice last week at the shops' }, 10, true));
    const view = state.view(call);
    expect(view.pieces.some((piece) => piece.kind === 'redacted')).toBe(true);
    expect(shown(state)).not.toContain('Marlowe');
    expect(shown(state)).not.toMatch(/five five|two one nine/);
  });

  it('marks low-confidence words, counts them, and keeps the worst verdict with its reasons', () => {
    const state = new LiveTranscriptState({ lowConfidence: 0.6 });
    state.accept(scriptedSegment({ atFrame: 0, text: 'my metformin ran out yesterday', unsure: ['metformin'] }, 0, true));
    state.accept(scriptedSegment({ atFrame: 0, text: 'static noise here', quality: 'unusable', qualityReasons: ['engine-failed'] }, 3, true));
    for (let index = 0; index < 5; index += 1) state.accept(scriptedSegment({ atFrame: 0, text: 'and then some more words follow so the first ones settle' }, 5 + index * 4, true));
    const view = state.view(call);
    expect(view.pieces).toContainEqual({ text: 'metformin', kind: 'low-confidence' });
    expect(view).toMatchObject({ quality: 'unusable', qualityReasons: ['engine-failed'], lowConfidenceWords: 1 });
    expect(view.segments[1]).toMatchObject({ quality: 'unusable', words: 3 });
  });

  it('stops growing at its bound instead of holding a long call in memory', () => {
    const state = new LiveTranscriptState({ lowConfidence: 0.6 });
    const line = 'the quick synthetic caller keeps talking about nothing in particular for a long while';
    let accepted = true;
    for (let index = 0; index < 1_000 && accepted; index += 1) accepted = state.accept(scriptedSegment({ atFrame: 0, text: line }, index, true));
    const view = state.view(call);
    expect(accepted).toBe(false);
    expect(view.truncated).toBe(true);
    expect(shown(state).length).toBeLessThanOrEqual(maxLiveTranscriptChars + 10);
  });
});

describe('helpers', () => {
  it('masks digits and number words', () => {
    expect(maskNumbers('call 555 at two thirty')).toBe('call … at … …');
  });
  it('orders verdicts', () => {
    expect(worseQuality('ok', 'low')).toBe('low');
    expect(worseQuality('unusable', 'low')).toBe('unusable');
  });
});
