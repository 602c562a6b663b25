import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { barrierCodes, detectBarriers, mergeBarriers, type BarrierCode } from './barriers.ts';

/**
 * The barrier detector (issue 16, FU-2). Two sets, both synthetic: `tuning` below is what the cue
 * patterns were written against (every example must pass); `fixtures/barriers.held-out.json` was
 * written before the detector and never tuned on: its numbers are measured and printed, and the
 * test holds the floor they reached so a change that loses ground there fails.
 */
const tuning: { text: string; barriers: BarrierCode[] }[] = [
  { text: "Caller: I don't have a car and my neighbour couldn't drive me.", barriers: ['transport'] },
  { text: 'Caller: my car broke down on the highway so I never made it.', barriers: ['transport'] },
  { text: "Caller: I need a ride, is there a van or something the clinic has?", barriers: ['transport'] },
  { text: "Caller: the shuttle never came and I waited an hour.", barriers: ['transport'] },
  { text: "Caller: the doctor said I can't drive for two weeks after the surgery.", barriers: ['transport'] },
  { text: 'Caller: I got lost in the parking garage and by then it was too late.', barriers: ['location-confusion'] },
  { text: "Caller: which building is the cardiology clinic in? I couldn't find the office last time.", barriers: ['location-confusion'] },
  { text: 'Caller: I went to the wrong address, the letter had the other clinic on it.', barriers: ['location-confusion'] },
  { text: 'Caller: can I get an interpreter for the call? Mi mamá no habla inglés.', barriers: ['language'] },
  { text: "Caller: she doesn't speak English, only speaks Portuguese.", barriers: ['language'] },
  { text: "Caller: English isn't my first language, please speak slowly.", barriers: ['language'] },
  { text: "Caller: I can't afford the medication, it's two hundred dollars.", barriers: ['cost'] },
  { text: 'Caller: I lost my insurance when I changed jobs.', barriers: ['cost'] },
  { text: 'Caller: the copay is too high for me right now.', barriers: ['cost'] },
  { text: 'Caller: my daycare was closed and I had no babysitter.', barriers: ['childcare'] },
  { text: "Caller: I'm the full-time caregiver for my father, it's hard to get away.", barriers: ['childcare'] },
  { text: 'Caller: there was no one to watch my little one.', barriers: ['childcare'] },
  { text: "Caller: I couldn't get time off, we're short staffed.", barriers: ['work-schedule'] },
  { text: 'Caller: I was on the night shift and slept through it.', barriers: ['work-schedule'] },
  { text: "Caller: my manager won't let me take a long lunch.", barriers: ['work-schedule'] },
  { text: "Caller: the zoom link didn't work, it just kept spinning.", barriers: ['technology'] },
  { text: "Caller: I don't have internet at home, just my flip phone.", barriers: ['technology'] },
  { text: "Caller: I couldn't log in to see the message.", barriers: ['technology'] },
  { text: "Caller: I can't afford a taxi and the bus doesn't go there.", barriers: ['transport', 'cost'] },
  // Nothing: a denial, the agent's own question, a plain request.
  { text: "Agent: do you need a ride or an interpreter? Caller: no, I'm fine, I don't need a ride.", barriers: [] },
  { text: 'Caller: getting there is no problem, my husband drives me.', barriers: [] },
  { text: 'Caller: I need to reschedule my physical, can we do next week?', barriers: [] },
  { text: 'Caller: I had chest pain last night, it is gone now. Agent: any shortness of breath?', barriers: [] },
  { text: 'Agent: are you having trouble with the portal? Caller: no, it works.', barriers: [] },
];

interface Scores { examples: number; exact: number; precision: number; recall: number }

function score(set: { text: string; barriers: string[] }[]): Scores {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  let exact = 0;
  for (const example of set) {
    const found = detectBarriers(example.text);
    const expected = new Set(example.barriers);
    truePositives += found.filter((code) => expected.has(code)).length;
    falsePositives += found.filter((code) => !expected.has(code)).length;
    falseNegatives += example.barriers.filter((code) => !found.includes(code as BarrierCode)).length;
    if (found.length === expected.size && found.every((code) => expected.has(code))) exact += 1;
  }
  return {
    examples: set.length,
    exact,
    precision: truePositives / Math.max(1, truePositives + falsePositives),
    recall: truePositives / Math.max(1, truePositives + falseNegatives),
  };
}

describe('detectBarriers', () => {
  it.each(tuning)('tuning set: $text → $barriers', ({ text, barriers }) => {
    expect(detectBarriers(text)).toEqual(barriers);
  });

  it('covers every barrier code in the tuning set', () => {
    const seen = new Set(tuning.flatMap((example) => example.barriers));
    expect([...seen].sort()).toEqual([...barrierCodes].sort());
  });

  it('returns codes only, each once, in a fixed order, whatever the transcript repeats', () => {
    const codes = detectBarriers("Caller: I need a ride. I can't afford it. I need a ride, really, no car.");
    expect(codes).toEqual(['transport', 'cost']);
  });

  it('merges the barriers of several calls in the fixed order', () => {
    expect(mergeBarriers([['technology'], ['transport', 'technology'], ['language', 'not-a-code']])).toEqual(['transport', 'language', 'technology']);
  });

  it('keeps the floor it reached on the held-out set it was never tuned on', () => {
    const heldOut = JSON.parse(readFileSync(new URL('./fixtures/barriers.held-out.json', import.meta.url), 'utf8')) as { examples: { text: string; barriers: string[] }[] };
    const tuned = score(tuning);
    const measured = score(heldOut.examples);
    console.warn(`barriers tuning: ${JSON.stringify(tuned)}; held-out: ${JSON.stringify(measured)}`);
    expect(tuned.exact).toBe(tuning.length);
    expect(measured.precision).toBeGreaterThanOrEqual(HELD_OUT_FLOOR.precision);
    expect(measured.recall).toBeGreaterThanOrEqual(HELD_OUT_FLOOR.recall);
  });
});

/** What the held-out set measured when first run (rounded down): a floor, not a target to tune for. */
const HELD_OUT_FLOOR = { precision: 0.95, recall: 0.95 };
