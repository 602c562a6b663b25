import { describe, expect, it } from 'vitest';
import { assessSentiment } from './sentiment.ts';

// Every utterance here is synthetic, written for these tests.

describe('assessSentiment', () => {
  it('a thankful caller scores positive with no distress', () => {
    const sentiment = assessSentiment("Thank you so much, you've been very helpful");
    expect(sentiment.score).toBeGreaterThan(0.5);
    expect(sentiment.distress).toBe('none');
  });

  it('a frustrated caller scores negative without being distressed', () => {
    const sentiment = assessSentiment("This is ridiculous, I've been waiting for weeks and nobody calls back");
    expect(sentiment.score).toBeLessThan(0);
    expect(sentiment.distress).toBe('none');
  });

  it('a panicking caller is high distress, with the cues that decided it', () => {
    const text = "I'm so scared, please hurry, I don't know what to do, please, please, please";
    const sentiment = assessSentiment(text);
    expect(sentiment.distress).toBe('high');
    expect(sentiment.cues.map((cue) => cue.cue)).toEqual(expect.arrayContaining(['scared', 'hurry', 'helpless', 'repeated-pleas']));
    const scared = sentiment.cues.find((cue) => cue.cue === 'scared')!;
    expect(text.slice(scared.start, scared.end)).toBe('scared');
  });

  it('one worried word is low distress; crying and pleading is moderate or more', () => {
    expect(assessSentiment("I'm a bit worried about my results").distress).toBe('low');
    expect(['moderate', 'high']).toContain(assessSentiment("She's crying and I need help now").distress);
  });

  it('negation flips valence and cancels distress cues', () => {
    expect(assessSentiment("I'm not happy with this").score).toBeLessThan(0);
    expect(assessSentiment("It's not bad at all").score).toBeGreaterThan(0);
    expect(assessSentiment("I'm not scared, it's just a question").distress).toBe('none');
  });

  it('intensifiers strengthen valence', () => {
    expect(assessSentiment('this is very bad').score).toBeLessThan(assessSentiment('this is bad').score);
  });

  it('neutral or empty text scores zero', () => {
    expect(assessSentiment('')).toEqual({ score: 0, distress: 'none', cues: [] });
    expect(assessSentiment('I need to reschedule for Thursday').score).toBe(0);
  });
});
