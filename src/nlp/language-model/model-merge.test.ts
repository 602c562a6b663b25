import { describe, expect, it } from 'vitest';
import { analyzeCall, type CallAnalysis } from '../analyze-call.ts';
import { defaultRequestWorkflows } from '../workflows.ts';
import type { ModelAnswer } from './model-answer.schema.ts';
import { mergeModelAnswer, rulesUnderstanding } from './model-merge.ts';
import { transcriptForModel } from './model-transcript.ts';

// Synthetic calls written for these tests.
const now = new Date('2026-12-07T10:00:00Z');
const refillCall = 'Caller: Hi, this is Gwendolyn Abernathy. I need my metformin refilled, and could someone call me back about it?\nAgent: Sure, we will send it over.';
const chestCall = "Caller: I've had crushing chest pain for the last twenty minutes and I can't catch my breath.\nAgent: Please hang up and dial 911.";
const swellingCall = 'Caller: I took the new antibiotic an hour ago and now my lips are swelling and my throat feels tight. Can I get an appointment today?';

const answer = (overrides: Partial<ModelAnswer> = {}): ModelAnswer => ({
  primary: { code: 'prescription_refill', probability: 0.9 },
  secondary: [{ code: 'callback_request', probability: 0.8 }],
  redFlags: [],
  summary: { details: 'Caller asks for a metformin refill.', actionRequested: 'Send the refill; call back.' },
  ...overrides,
});

function merge(text: string, analysis: CallAnalysis, modelAnswer: ModelAnswer, form: 'redacted' | 'raw' = 'redacted') {
  return mergeModelAnswer(analysis, modelAnswer, {
    text, transcript: transcriptForModel(text, analysis.phi, form), model: 'test-model', workflows: defaultRequestWorkflows, now, secondaryThreshold: 0.5,
  });
}

/** The rules' analysis of a call, as if they had found no red flag in it (the model must be able to add one). */
function withoutRulesFlags(analysis: CallAnalysis): CallAnalysis {
  return { ...analysis, redFlags: [], urgent: false, requestTypes: analysis.requestTypes.filter((score) => score.type !== 'urgent_emergency'), summary: { ...analysis.summary, urgency: 'routine', evidence: {} } };
}

describe('merging the model over the rules', () => {
  it('uses the model request types, marked as its own, primary first, secondaries above the threshold', () => {
    const analysis = analyzeCall(refillCall, { now });
    const merged = merge(refillCall, analysis, answer({ secondary: [{ code: 'callback_request', probability: 0.8 }, { code: 'administrative', probability: 0.2 }] }));
    expect(merged.requestTypes).toEqual([
      { type: 'prescription_refill', rank: 'primary', confidence: 0.9, source: 'callchart-language-model' },
      { type: 'callback_request', rank: 'secondary', confidence: 0.8, source: 'callchart-language-model' },
    ]);
    expect(merged.languageModel).toMatchObject({ used: true, sent: 'redacted', setAside: [{ what: 'request-type', code: 'administrative', reason: 'below-threshold' }] });
    expect(merged.summary).toMatchObject({ reasonForCall: 'prescription_refill', generatedBy: 'callchart-language-model', reviewed: false, nextStep: defaultRequestWorkflows.prescription_refill.nextStep });
    expect(merged.urgent).toBe(false);
  });

  it('adds a red flag the model quotes from the call: the call becomes urgent, primary urgent_emergency', () => {
    const analysis = withoutRulesFlags(analyzeCall(swellingCall, { now }));
    const merged = merge(swellingCall, analysis, answer({
      primary: { code: 'appointment', probability: 0.7 },
      secondary: [],
      redFlags: [{ code: 'anaphylaxis', evidence: 'my lips are swelling and my throat feels tight', certainty: 'affirmed' }],
    }));
    const flag = merged.redFlags.find((candidate) => candidate.code === 'anaphylaxis')!;
    expect(flag).toMatchObject({ status: 'affirmed', subject: 'patient', source: 'callchart-language-model' });
    expect(swellingCall.slice(flag.start, flag.end)).toBe('my lips are swelling and my throat feels tight');
    expect(merged.urgent).toBe(true);
    expect(merged.summary.urgency).toBe('emergency');
    expect(merged.requestTypes.map((score) => [score.type, score.rank])).toEqual([['urgent_emergency', 'primary'], ['appointment', 'secondary']]);
  });

  it('keeps a model red flag whose quote is not in the call visible but uncertain, and the call routine', () => {
    const analysis = withoutRulesFlags(analyzeCall(refillCall, { now }));
    const merged = merge(refillCall, analysis, answer({ redFlags: [{ code: 'chest_pain', evidence: 'my chest is killing me', certainty: 'affirmed' }] }));
    expect(merged.redFlags).toEqual([expect.objectContaining({ code: 'chest_pain', status: 'uncertain', cue: 'language-model:quote-not-found' })]);
    expect(merged.urgent).toBe(false);
    expect(merged.requestTypes[0]!.type).toBe('prescription_refill');
  });

  it('never drops a rules red flag the model left out, and keeps the call an emergency', () => {
    const analysis = analyzeCall(chestCall, { now });
    expect(analysis.redFlags.length).toBeGreaterThan(0);
    const merged = merge(chestCall, analysis, answer({ primary: { code: 'symptom_report', probability: 0.6 }, secondary: [], redFlags: [] }));
    for (const flag of analysis.redFlags) expect(merged.redFlags).toContainEqual({ ...flag, source: 'callchart-rules' });
    expect(merged.urgent).toBe(analysis.urgent);
    expect(merged.summary.urgency).toBe(analysis.summary.urgency);
    if (analysis.redFlags.some((flag) => flag.status === 'affirmed')) {
      expect(merged.requestTypes[0]).toMatchObject({ type: 'urgent_emergency', rank: 'primary', source: 'callchart-rules' });
    }
  });

  it('does not add a second flag for one the rules already affirmed', () => {
    const analysis = analyzeCall(chestCall, { now });
    const affirmed = analysis.redFlags.find((flag) => flag.status === 'affirmed')!;
    const merged = merge(chestCall, analysis, answer({ redFlags: [{ code: affirmed.code, evidence: 'crushing chest pain', certainty: 'affirmed' }] }));
    expect(merged.redFlags.filter((flag) => flag.code === affirmed.code && flag.source === 'callchart-language-model')).toEqual([]);
    expect(merged.languageModel).toMatchObject({ redFlagsAdded: 0, setAside: [{ what: 'red-flag', code: affirmed.code, reason: 'already-found' }] });
  });

  it('redacts the model summary again: identifiers it repeats from a raw transcript do not reach the summary', () => {
    const analysis = analyzeCall(refillCall, { now });
    expect(analysis.phi.some((span) => refillCall.slice(span.start, span.end).includes('Abernathy'))).toBe(true);
    const merged = merge(refillCall, analysis, answer({ summary: { details: 'Gwendolyn Abernathy needs metformin.', actionRequested: 'Refill for Abernathy.' } }), 'raw');
    expect(merged.languageModel).toMatchObject({ sent: 'raw' });
    expect(merged.summary.details).not.toContain('Abernathy');
    expect(merged.summary.actionRequested).not.toContain('Abernathy');
    expect(merged.summary.details).toContain('metformin');
  });
});

describe('the rules alone', () => {
  it('are the understanding when the model did not answer, marked as the rules and with the reason', () => {
    const analysis = analyzeCall(chestCall, { now });
    const alone = rulesUnderstanding(analysis, { used: false, reason: 'timeout', sent: 'redacted' });
    expect(alone.requestTypes.map((score) => score.type)).toEqual(analysis.requestTypes.map((score) => score.type));
    expect(alone.requestTypes.every((score) => score.source === 'callchart-rules')).toBe(true);
    expect(alone.redFlags.map((flag) => flag.code)).toEqual(analysis.redFlags.map((flag) => flag.code));
    expect(alone.urgent).toBe(analysis.urgent);
    expect(alone.summary.generatedBy).toBe('callchart-rules');
    expect(alone.languageModel).toEqual({ used: false, reason: 'timeout', sent: 'redacted' });
  });
});
