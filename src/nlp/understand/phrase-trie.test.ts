import { describe, expect, it } from 'vitest';
import { PhraseTrie } from './phrase-trie.ts';
import { contentTokens, tokenize } from './tokens.ts';

// Every utterance here is synthetic, written for these tests.

describe('PhraseTrie: soft fillers inside a phrase', () => {
  const trie = new PhraseTrie<string>().add('chest ~ tight', 'tight').add('feels like a brick', 'brick');

  it('skips "like" and "so" inside a phrase, but still matches them when the phrase has them', () => {
    const spans = (text: string) => trie.matchAll(tokenize(text)).map((m) => m.value);
    expect(spans('my chest so tight')).toContain('tight');
    expect(spans('my chest is like so tight')).toContain('tight');
    expect(spans('it feels like a brick')).toContain('brick');
  });

  it('never starts or ends a match on a filler', () => {
    const tokens = tokenize('so chest tight like');
    const [match] = trie.matchAll(tokens);
    expect(tokens[match!.first]!.text).toBe('chest');
    expect(tokens[match!.last]!.text).toBe('tight');
  });
});

describe('contentTokens', () => {
  it('drops hesitation fillers and a filler "you know", keeping offsets into the text', () => {
    const text = 'i um can you know barely uh breathe';
    const tokens = contentTokens(text);
    expect(tokens.map((t) => t.text)).toEqual(['i', 'can', 'barely', 'breathe']);
    expect(text.slice(tokens[3]!.start, tokens[3]!.end)).toBe('breathe');
  });

  it('keeps "you know" in a question', () => {
    expect(contentTokens('do you know the dose').map((t) => t.text)).toEqual(['do', 'you', 'know', 'the', 'dose']);
  });
});
