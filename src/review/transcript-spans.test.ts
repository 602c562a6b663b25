import { describe, expect, it } from 'vitest';
import type { PhiSpan } from '../nlp/analysis.types.ts';
import { redactText } from '../nlp/phi/redact.ts';
import { spansInRedacted } from './transcript-spans.ts';

const phi = (start: number, end: number, type: PhiSpan['type']): PhiSpan => ({ start, end, type, confidence: 1, source: 'pattern' });

describe('spansInRedacted', () => {
  // Synthetic text only.
  const text = 'This is Ada Lovelace, I need a refill of lisinopril, call 617-555-0101 please';
  const spans = [phi(8, 20, 'NAME'), phi(text.indexOf('617'), text.indexOf('617') + 12, 'PHONE')];
  const redacted = redactText(text, spans);

  it('keeps the words a span covers when no PHI comes before them', () => {
    const [moved] = spansInRedacted(text.length, spans, [{ start: 0, end: 7 }]);
    expect(redacted.slice(moved!.start, moved!.end)).toBe('This is');
  });

  it('moves a span after a redacted name to the same words in the redacted text', () => {
    const start = text.indexOf('refill');
    const [moved] = spansInRedacted(text.length, spans, [{ start, end: start + 'refill of lisinopril'.length }]);
    expect(redacted.slice(moved!.start, moved!.end)).toBe('refill of lisinopril');
  });

  it('covers the whole [TYPE] when a span touches PHI, and never leaks the PHI', () => {
    const [moved] = spansInRedacted(text.length, spans, [{ start: text.indexOf('call'), end: text.length }]);
    expect(redacted.slice(moved!.start, moved!.end)).toBe('call [PHONE] please');
    const [inside] = spansInRedacted(text.length, spans, [{ start: 10, end: 14 }]);
    expect(redacted.slice(inside!.start, inside!.end)).toBe('[NAME]');
  });

  it('keeps other properties and drops empty spans', () => {
    expect(spansInRedacted(text.length, spans, [{ start: 3, end: 3, cue: 'x' }])).toEqual([]);
    expect(spansInRedacted(text.length, [], [{ start: 1, end: 4, cue: 'refill-verb' }])).toEqual([{ start: 1, end: 4, cue: 'refill-verb' }]);
  });
});
