import { describe, expect, it } from 'vitest';
import { findNumberRuns } from './spoken-numbers.ts';
import { tokenize } from './tokens.ts';

// Synthetic number phrases, read the way callers say identifiers.
function runs(text: string): [string, string][] {
  return findNumberRuns(tokenize(text)).map((run) => [text.slice(run.start, run.end), run.digits]);
}

describe('findNumberRuns', () => {
  it.each<[string, string, string]>([
    ['five five five, two one two, thirty three forty four', 'five five five, two one two, thirty three forty four', '5552123344'],
    ['double five triple seven', 'double five triple seven', '55777'],
    ['one oh two degrees', 'one oh two', '102'],
    ['a hundred and two fever', 'a hundred and two', '102'],
    ['nineteen oh five', 'nineteen oh five', '1905'],
    ['two thousand and five', 'two thousand and five', '2005'],
    ['(617) 555-0123 today', '(617) 555-0123', '6175550123'],
    ['five five five uh two one two', 'five five five uh two one two', '555212'],
  ])('%j → %j = %s', (text, phrase, digits) => {
    expect(runs(text)).toEqual([[phrase, digits]]);
  });

  it('does not read letters or interjections as zeros', () => {
    expect(runs('l o p e z')).toEqual([]);
    expect(runs('oh my goodness')).toEqual([]);
  });
});
