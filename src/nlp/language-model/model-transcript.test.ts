import { describe, expect, it } from 'vitest';
import type { PhiSpan } from '../analysis.types.ts';
import { redactText } from '../phi/redact.ts';
import { findQuote, transcriptForModel } from './model-transcript.ts';

// Synthetic sentences written for these tests.
const text = 'Caller: this is Rosalind Okonkwo, call me at 212 555 0147, my chest hurts since noon.';
const span = (fragment: string, type: PhiSpan['type']): PhiSpan => {
  const start = text.indexOf(fragment);
  return { start, end: start + fragment.length, type, confidence: 0.9, source: 'pattern' };
};
const phi = [span('Rosalind Okonkwo', 'NAME'), span('212 555 0147', 'PHONE')];

describe('the transcript the model sees', () => {
  it('is redacted exactly as the analysis redacts it, unless raw text is allowed', () => {
    const redacted = transcriptForModel(text, phi, 'redacted');
    expect(redacted.text).toBe(redactText(text, phi));
    expect(redacted.text).not.toContain('Okonkwo');
    expect(redacted.text).not.toContain('0147');
    expect(transcriptForModel(text, phi, 'raw').text).toBe(text);
  });

  it('maps a quote of the redacted text back to the words the caller said', () => {
    const redacted = transcriptForModel(text, phi, 'redacted');
    const quote = findQuote(redacted.text, 'my chest hurts since noon')!;
    const back = redacted.toOriginal(quote.start, quote.end);
    expect(text.slice(back.start, back.end)).toBe('my chest hurts since noon');
  });

  it('widens a quote that covers a placeholder to the whole identifier', () => {
    const redacted = transcriptForModel(text, phi, 'redacted');
    const quote = findQuote(redacted.text, 'this is [NAME]')!;
    const back = redacted.toOriginal(quote.start, quote.end);
    expect(text.slice(back.start, back.end)).toBe('this is Rosalind Okonkwo');
  });

  it('shifts offsets after two placeholders of different lengths', () => {
    const redacted = transcriptForModel(text, phi, 'redacted');
    const quote = findQuote(redacted.text, 'noon')!;
    const back = redacted.toOriginal(quote.start, quote.end);
    expect(text.slice(back.start, back.end)).toBe('noon');
  });
});

describe('finding a quote', () => {
  it('ignores case, punctuation and spacing, but wants whole words in order', () => {
    const said = 'Well... I FEEL dizzy,   and my left arm is numb!';
    const found = findQuote(said, 'i feel dizzy and my left arm is numb')!;
    expect(said.slice(found.start, found.end)).toBe('I FEEL dizzy,   and my left arm is numb');
    expect(findQuote(said, 'right arm is numb')).toBeNull();
    expect(findQuote('my painting class', 'pain')).toBeNull();
    expect(findQuote(said, '..')).toBeNull();
  });
});
