import { describe, expect, it } from 'vitest';
import type { Entity, PhiSpan, RedFlag, RequestTypeScore, Sentiment } from './analysis.types.ts';
import { detailPassages, redactedSlice, summarizeCall } from './call-summary.ts';
import { defaultRequestWorkflows } from './workflows.ts';

// Synthetic transcript; offsets computed from the text so the test reads like the call.
const text = 'Hi this is Maria Lopez. I ran out of my lisinopril and need a refill sent to the pharmacy. Please call me back at 555 212 3344 after 3 pm. Thanks.';
const at = (needle: string) => ({ start: text.indexOf(needle), end: text.indexOf(needle) + needle.length });
const phi: PhiSpan[] = [
  { ...at('Maria Lopez'), type: 'NAME', confidence: 0.95, source: 'context' },
  { ...at('555 212 3344'), type: 'PHONE', confidence: 0.99, source: 'pattern' },
];
const calm: Sentiment = { score: 0, distress: 'none', cues: [] };
const refill: RequestTypeScore[] = [
  { type: 'prescription_refill', confidence: 0.95, evidence: [{ ...at('refill'), cue: 'refill' }] },
  { type: 'callback_request', confidence: 0.8, evidence: [{ ...at('call me back'), cue: 'call-me-back' }] },
];
const entities: Entity[] = [
  { type: 'medication', ...at('lisinopril'), normalized: 'lisinopril', confidence: 0.99 },
  { type: 'callback_number', ...at('555 212 3344'), normalized: '+15552123344', confidence: 0.9 },
  { type: 'preferred_time', ...at('after 3 pm'), normalized: 'after 3 pm', confidence: 0.8 },
];
const now = new Date('2026-11-23T09:00:00Z');

describe('summarizeCall', () => {
  const summary = summarizeCall({ text, phi, requestTypes: refill, redFlags: [], entities, sentiment: calm, workflows: defaultRequestWorkflows, now });

  it('names the reason, the medication and the callback, routes it per the workflow, and marks it as unreviewed AI output', () => {
    expect(summary.reasonForCall).toBe('prescription_refill');
    expect(summary.actionRequested).toContain('Refill: lisinopril');
    expect(summary.actionRequested).toContain('call back requested');
    expect(summary.actionRequested).toContain('after 3 pm');
    expect(summary.owner).toBe('refills (nurse)');
    expect(summary.followUpDue).toBe('2026-11-25T09:00:00.000Z');
    expect(summary.urgency).toBe('routine');
    expect(summary.generatedBy).toBe('callchart-rules');
    expect(summary.reviewed).toBe(false);
  });

  it('keeps identifiers out of the details and the action, and links fields to their transcript spans', () => {
    expect(summary.details).toContain('refill');
    for (const field of [summary.details, summary.actionRequested, summary.nextStep]) {
      expect(field).not.toContain('Lopez');
      expect(field).not.toContain('212');
    }
    const reason = summary.evidence.reasonForCall![0]!;
    expect(text.slice(reason.start, reason.end)).toBe('refill');
    expect(summary.evidence.actionRequested!.map((span) => text.slice(span.start, span.end))).toContain('lisinopril');
  });

  it('makes an affirmed red flag an emergency, with the flag as evidence', () => {
    const flag: RedFlag = { code: 'chest_pain', ...at('pharmacy'), confidence: 0.9, status: 'affirmed', subject: 'patient', cue: 'test' };
    const urgent = summarizeCall({ text, phi, requestTypes: refill, redFlags: [flag], entities, sentiment: calm, workflows: defaultRequestWorkflows, now });
    expect(urgent.urgency).toBe('emergency');
    expect(urgent.reasonForCall).toBe('urgent_emergency');
    expect(urgent.actionRequested).toContain('red flags: chest pain');
    expect(urgent.owner).toBe('nurse-triage (nurse)');
    expect(urgent.evidence.urgency).toEqual([{ start: flag.start, end: flag.end, cue: 'red-flag:chest_pain' }]);
  });

  it('keeps an uncertain red flag in the note for the reviewer without turning a routine refill into an emergency (issue 15)', () => {
    const flag: RedFlag = { code: 'chest_pain', ...at('pharmacy'), confidence: 0.5, status: 'uncertain', subject: 'other', cue: 'test' };
    const summary = summarizeCall({ text, phi, requestTypes: refill, redFlags: [flag], entities, sentiment: calm, workflows: defaultRequestWorkflows, now });
    expect(summary.urgency).not.toBe('emergency');
    expect(summary.reasonForCall).toBe('prescription_refill');
    expect(summary.actionRequested).toContain('possible red flags, check with the caller: chest pain');
    expect(summary.evidence.urgency).toEqual([{ start: flag.start, end: flag.end, cue: 'red-flag:chest_pain' }]);
  });

  it('says plainly when nothing was recognised', () => {
    const none = summarizeCall({ text: 'Hello?', phi: [], requestTypes: [], redFlags: [], entities: [], sentiment: calm, workflows: defaultRequestWorkflows, now });
    expect(none.reasonForCall).toBe('unclassified');
    expect(none.actionRequested).toMatch(/not recognised/);
  });
});

describe('detail passages', () => {
  it('takes the sentence around the evidence, or a window of words when there is no punctuation', () => {
    const [passage] = detailPassages(text, [{ ...at('refill'), cue: 'x' }]);
    expect(text.slice(passage!.start, passage!.end)).toBe('I ran out of my lisinopril and need a refill sent to the pharmacy.');
    const asr = `${'um '.repeat(40)}i need a refill of my meds ${'uh '.repeat(40)}`;
    const [window] = detailPassages(asr, [{ start: asr.indexOf('refill'), end: asr.indexOf('refill') + 6, cue: 'x' }]);
    expect(window!.end - window!.start).toBeLessThan(120);
  });

  it('redacts a PHI span cut by the passage edge in full', () => {
    expect(redactedSlice(text, phi, at('Lopez').start, at('Lopez').end + 1)).toBe('[NAME].');
  });
});
