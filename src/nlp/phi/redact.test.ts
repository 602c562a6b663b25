import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PhiSpan } from '../analysis.types.ts';
import { detectPhi } from './detect-phi.ts';
import { createStreamingRedactor, redactText, STREAMING_HOLD_TOKENS } from './redact.ts';

// Synthetic call fragments: safe filler, and PHI whose every character must disappear.
const filler = [
  'i need a refill on my lisinopril ten milligrams', 'can you call me back', 'around ten in the morning', 'i have had a fever for three days',
  'the pharmacy said to call', 'back in twenty nineteen i had surgery', 'my son will pick it up', 'thank you so much', 'at three thirty',
  'is that okay', 'a ninety day supply', 'i take two pills a day', 'um yeah so', 'the nurse said it was fine',
];
const digitWord = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const spokenDigits = (digits: readonly number[]): string => digits.map((d) => digitWord[d]).join(' ');

const phiItem = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 }).map((d) => ({ lead: 'my number is', phi: spokenDigits(d) })),
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 }).map((d) => ({ lead: 'call me at', phi: `${d.slice(0, 3).join('')}-${d.slice(3, 6).join('')}-${d.slice(6).join('')}` })),
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }).map((d) => ({ lead: 'my social is', phi: spokenDigits(d) })),
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 7 }).map((d) => ({ lead: 'm r n', phi: spokenDigits(d) })),
  fc.constantFrom('lopez', 'smith', 'nguyen', 'okafor', 'patel').map((name) => ({ lead: "that's", phi: name.split('').join(' ') })),
  fc.constantFrom('maria lopez', 'john smith', 'aisha rahman').map((name) => ({ lead: 'my name is', phi: name })),
  fc.tuple(fc.constantFrom('march', 'april', 'june', 'october'), fc.constantFrom('third', 'first', 'twenty second'), fc.constantFrom('nineteen fifty two', 'nineteen eighty', 'two thousand five'))
    .map(([month, day, year]) => ({ lead: 'my date of birth is', phi: `${month} ${day} ${year}` })),
  fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'x', '1', '2'), minLength: 3, maxLength: 8 }).map((user) => ({ lead: 'email', phi: `${user}@example.com` })),
);

const transcript = fc.array(fc.oneof(fc.constantFrom(...filler).map((text) => ({ text, phi: undefined as string | undefined })), phiItem.map(({ lead, phi }) => ({ text: `${lead} ${phi}`, phi }))), { minLength: 1, maxLength: 12 })
  .map((parts) => ({ text: parts.map((part) => part.text).join(', '), phi: parts.flatMap((part) => (part.phi ? [part.phi] : [])) }));

describe('redactText', () => {
  it('replaces each span with its type', () => {
    const text = 'this is maria, call 555-212-3344';
    const spans: PhiSpan[] = [
      { start: 8, end: 13, type: 'NAME', confidence: 0.9, source: 'context' },
      { start: 20, end: 32, type: 'PHONE', confidence: 0.9, source: 'pattern' },
    ];
    expect(redactText(text, spans)).toBe('this is [NAME], call [PHONE]');
  });

  it('leaves text without spans unchanged and tolerates unsorted, overlapping spans', () => {
    expect(redactText('no phi here', [])).toBe('no phi here');
    const spans: PhiSpan[] = [
      { start: 6, end: 10, type: 'NAME', confidence: 0.5, source: 'lexicon' },
      { start: 0, end: 8, type: 'DATE', confidence: 0.9, source: 'spoken' },
    ];
    expect(redactText('0123456789xyz', spans)).toBe('[DATE]xyz');
  });

  it('property: no inserted PHI survives redaction', () => {
    fc.assert(fc.property(transcript, ({ text, phi }) => {
      const redacted = redactText(text, detectPhi(text));
      for (const item of phi) expect(redacted).not.toContain(item);
      // No run of three written digits survives either.
      expect(redacted).not.toMatch(/\d{3}/);
    }), { numRuns: 300 });
  });
});

function covered(spans: readonly PhiSpan[], start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!spans.some((span) => span.start <= i && i < span.end)) return false;
  return true;
}

describe('createStreamingRedactor', () => {
  it('holds back an unfinished phone number, then shows it redacted', () => {
    const redactor = createStreamingRedactor();
    const first = redactor.push('hi this is a test call and my number is five five five two one two ');
    expect(first.redacted).not.toContain('five');
    const second = redactor.push('three three four four and then i need a refill on my lisinopril ten milligrams every day please thank you very much for all of the help today okay bye now ');
    expect(second.redacted).toContain('[PHONE]');
    expect(second.redacted).not.toContain('five');
    expect(redactor.end().redacted).toBe('hi this is a test call and my number is [PHONE] and then i need a refill on my lisinopril ten milligrams every day please thank you very much for all of the help today okay bye now ');
  });

  it(`shows everything but the last ${STREAMING_HOLD_TOKENS} words of a long clean transcript`, () => {
    const redactor = createStreamingRedactor();
    const words = Array.from({ length: 60 }, () => 'refill').join(' ');
    const result = redactor.push(words);
    expect(result.stableLength).toBe((60 - STREAMING_HOLD_TOKENS) * 'refill '.length);
    expect(result.redacted).toBe(words.slice(0, result.stableLength));
  });

  it('property: random chunkings never un-redact, never show final PHI in clear, and end like the batch redaction', () => {
    const chunked = transcript.chain(({ text, phi }) => fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: 20 })
      .map((cuts) => ({ text, phi, cuts: [...cuts].sort((a, b) => a - b) })));
    fc.assert(fc.property(chunked, ({ text, cuts }) => {
      const redactor = createStreamingRedactor();
      const pushes: { stableLength: number; spans: PhiSpan[]; redacted: string }[] = [];
      let previous = 0;
      for (const cut of [...cuts, text.length]) {
        if (cut <= previous) continue;
        pushes.push(redactor.push(text.slice(previous, cut)));
        previous = cut;
      }
      const final = redactor.end();
      const batch = detectPhi(text);
      expect(final.redacted).toBe(redactText(text, batch));
      let stable = 0;
      for (const [k, push] of pushes.entries()) {
        expect(push.stableLength).toBeGreaterThanOrEqual(stable);
        stable = push.stableLength;
        expect(push.redacted).toBe(redactText(text.slice(0, push.stableLength), push.spans));
        // Nothing the final redaction hides was shown in clear.
        for (const span of batch) {
          const end = Math.min(span.end, push.stableLength);
          if (span.start < end) expect(covered(push.spans, span.start, end)).toBe(true);
        }
        // Whatever was shown redacted stays redacted, now and at the end.
        for (const earlier of pushes.slice(0, k)) {
          for (const span of earlier.spans) {
            expect(covered(push.spans, span.start, span.end)).toBe(true);
            expect(covered(batch, span.start, span.end)).toBe(true);
          }
        }
      }
    }), { numRuns: 200 });
  });
});
