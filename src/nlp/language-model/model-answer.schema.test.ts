import { describe, expect, it } from 'vitest';
import { modelAnswerJsonSchema, readModelAnswer } from './model-answer.schema.ts';

const good = {
  primary: { code: 'prescription_refill', probability: 0.92 },
  secondary: [{ code: 'callback_request', probability: 0.7 }],
  redFlags: [],
  summary: { details: 'Caller needs a refill of metformin.', actionRequested: 'Send the refill and call back.' },
};

describe('the model answer at the boundary', () => {
  it('accepts an answer in the schema, also inside a code fence', () => {
    expect(readModelAnswer(JSON.stringify(good))).toMatchObject({ ok: true, answer: { primary: { code: 'prescription_refill' } } });
    expect(readModelAnswer(`\`\`\`json\n${JSON.stringify(good)}\n\`\`\``).ok).toBe(true);
  });

  it('refuses what is not JSON, unknown codes, out-of-range numbers and extra fields, naming only the field', () => {
    expect(readModelAnswer('Sure! The caller wants a refill.')).toEqual({ ok: false, problem: 'not-json' });
    expect(readModelAnswer(JSON.stringify({ ...good, primary: { code: 'refill', probability: 0.9 } }))).toEqual({ ok: false, problem: 'schema-mismatch', path: 'primary.code' });
    expect(readModelAnswer(JSON.stringify({ ...good, primary: { code: 'appointment', probability: 1.4 } }))).toEqual({ ok: false, problem: 'schema-mismatch', path: 'primary.probability' });
    expect(readModelAnswer(JSON.stringify({ ...good, redFlags: [{ code: 'heart_attack', evidence: 'x', certainty: 'affirmed' }] }))).toMatchObject({ ok: false, path: 'redFlags.0.code' });
    expect(readModelAnswer(JSON.stringify({ ...good, diagnosis: 'flu' })).ok).toBe(false);
    expect(readModelAnswer(JSON.stringify({ ...good, summary: undefined })).ok).toBe(false);
  });

  it('gives the server a strict JSON schema: every field required, no others allowed', () => {
    expect(modelAnswerJsonSchema).toMatchObject({ type: 'object', additionalProperties: false, required: ['primary', 'secondary', 'redFlags', 'summary'] });
    expect(modelAnswerJsonSchema).not.toHaveProperty('$schema');
    expect(JSON.stringify(modelAnswerJsonSchema)).toContain('"prior_authorization"');
  });
});
