import { describe, expect, it } from 'vitest';
import { RetryClass } from '../lib/errors.ts';
import { firstStage, nextStage, pipelineStages, retryPolicy, stageByName, stageJobSchema, type StageName } from './stages.ts';

describe('pipeline stage table', () => {
  it('has unique stage names', () => {
    const names = pipelineStages.map((stage) => stage.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('nextStage walks the whole table in order from the first stage and ends with null', () => {
    const walked: StageName[] = [];
    for (let stage: StageName | null = firstStage; stage !== null; stage = nextStage(stage)) {
      walked.push(stage);
      expect(walked.length).toBeLessThanOrEqual(pipelineStages.length);
    }
    expect(walked).toEqual(pipelineStages.map((stage) => stage.name));
    expect(nextStage(pipelineStages.at(-1)!.name)).toBeNull();
  });

  it('runs identify-caller, then understand-call, then write-task, then plan-write-back', () => {
    expect(pipelineStages.map((stage) => stage.name)).toEqual(['identify-caller', 'understand-call', 'write-task', 'plan-write-back']);
  });

  it('stageByName finds each row', () => {
    for (const stage of pipelineStages) expect(stageByName(stage.name)).toBe(stage);
  });

  it('every retry class has a policy, and every stage uses one', () => {
    for (const retryClass of Object.values(RetryClass)) {
      expect(retryPolicy[retryClass]).toBeDefined();
    }
    for (const stage of pipelineStages) expect(Object.values(RetryClass)).toContain(stage.retry);
  });

  it('permanent failures are never retried; transient and ambiguous ones are', () => {
    expect(retryPolicy.permanent.retryLimit).toBe(0);
    expect(retryPolicy.transient.retryLimit).toBeGreaterThan(0);
    expect(retryPolicy.ambiguous.retryLimit).toBeGreaterThan(0);
  });

  it('the EHR write is ambiguous: a timed-out create may have happened', () => {
    expect(stageByName('write-task').retry).toBe('ambiguous');
  });
});

describe('stageJobSchema', () => {
  const callId = '0b6f6c1e-4f3a-4c55-9a3e-2f1d2c3b4a59';

  it('accepts a call id and trace id', () => {
    expect(stageJobSchema.parse({ callId, traceId: 'trace-synthetic-1' })).toEqual({ callId, traceId: 'trace-synthetic-1' });
  });

  it('strips any extra fields, so PHI cannot ride along in a job payload', () => {
    const parsed = stageJobSchema.parse({
      callId,
      traceId: 'trace-synthetic-1',
      ani: '+16175550142',
      patientName: 'Avery Synthetic',
      transcript: 'synthetic transcript: I need a refill',
    });
    expect(Object.keys(parsed).sort()).toEqual(['callId', 'traceId']);
    expect(JSON.stringify(parsed)).not.toContain('5550142');
  });

  it.each([
    ['a non-uuid call id', { callId: 'call-syn-1' }],
    ['a missing call id', { traceId: 'trace-synthetic-1' }],
    ['an oversized trace id', { callId, traceId: 'x'.repeat(65) }],
  ])('rejects %s', (_label, payload) => {
    expect(stageJobSchema.safeParse(payload).success).toBe(false);
  });
});
