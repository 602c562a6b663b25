import { describe, expect, it } from 'vitest';
import { ErrorCodes, RetryClass } from '../lib/errors.ts';
import { afterCallHandlers } from './after-call.service.ts';
import { firstStage, nextStage, pipelineStages, retryPolicy, stageByName, stageJobSchema, type StageName } from './stages.ts';

/** The order the runner actually runs the stages in: from the first, following nextStage. */
function runOrder(): StageName[] {
  const walked: StageName[] = [];
  for (let stage: StageName | null = firstStage; stage !== null; stage = nextStage(stage)) {
    walked.push(stage);
    if (walked.length > pipelineStages.length) throw new Error('nextStage loops');
  }
  return walked;
}

describe('pipeline stage table, as the runner uses it', () => {
  it('every stage in the table has a handler, and every handler has a stage', () => {
    // Building the handlers touches no dependency; only their names matter here.
    const handlers = afterCallHandlers({} as Parameters<typeof afterCallHandlers>[0]);
    expect(Object.keys(handlers).sort()).toEqual(pipelineStages.map((stage) => stage.name).sort());
    for (const handler of Object.values(handlers)) expect(typeof handler).toBe('function');
  });

  it('the runner reaches every stage exactly once from the first stage, then stops', () => {
    const order = runOrder();
    expect(new Set(order).size).toBe(order.length);
    expect([...order].sort()).toEqual(pipelineStages.map((stage) => stage.name).sort());
    expect(nextStage(order.at(-1)!)).toBeNull();
  });

  it('each stage runs after the stages whose output it reads', () => {
    const position = (name: StageName) => runOrder().indexOf(name);
    // understand-call redacts with the identified patient's details.
    expect(position('identify-caller')).toBeLessThan(position('understand-call'));
    // The Task carries the request types and red flags; the review item needs the stored analysis.
    expect(position('understand-call')).toBeLessThan(position('write-task'));
    expect(position('understand-call')).toBeLessThan(position('plan-write-back'));
    // A callback task needs the request types and red flags, and must not wait on the EHR.
    expect(position('understand-call')).toBeLessThan(position('open-callback'));
    expect(position('open-callback')).toBeLessThan(position('write-task'));
  });

  it('every retry class an error can carry has a pg-boss policy: permanent is one attempt, the others retry with backoff', () => {
    const classesInUse = new Set([...Object.values(ErrorCodes).map((entry) => entry.retry), ...pipelineStages.map((stage) => stage.retry)]);
    for (const retryClass of classesInUse) expect(retryPolicy[retryClass]).toBeDefined();
    expect(retryPolicy[RetryClass.permanent].retryLimit).toBe(0);
    for (const retryClass of [RetryClass.transient, RetryClass.ambiguous]) {
      expect(retryPolicy[retryClass].retryLimit).toBeGreaterThan(0);
      expect(retryPolicy[retryClass].retryDelay).toBeGreaterThan(0);
      expect(retryPolicy[retryClass].retryBackoff).toBe(true);
    }
  });

  it('a stage that writes to the EHR is never retried blindly as permanent or transient: it is ambiguous (checked before retry)', () => {
    // The one stage with an external write: a timed-out conditional create may have happened.
    expect(stageByName('write-task').retry).toBe(RetryClass.ambiguous);
  });
});

describe('stageJobSchema: job payloads carry ids, never PHI', () => {
  const callId = '0b6f6c1e-4f3a-4c55-9a3e-2f1d2c3b4a59';

  it('accepts a call id and trace id', () => {
    expect(stageJobSchema.parse({ callId, traceId: 'trace-synthetic-1' })).toEqual({ callId, traceId: 'trace-synthetic-1' });
  });

  it('strips PHI-like extra fields, so they cannot ride along in a job payload', () => {
    const parsed = stageJobSchema.parse({
      callId,
      traceId: 'trace-synthetic-1',
      ani: '+16175550142',
      patientName: 'Avery Synthetic',
      birthDate: '1952-03-03',
      transcript: 'synthetic transcript: I need a refill',
    });
    expect(Object.keys(parsed).sort()).toEqual(['callId', 'traceId']);
    expect(JSON.stringify(parsed)).not.toMatch(/5550142|Avery|1952|refill/);
  });

  it.each([
    ['a non-uuid call id (a PBX id or a phone number)', { callId: '+16175550142' }],
    ['a missing call id', { traceId: 'trace-synthetic-1' }],
    ['an oversized trace id (room for a transcript)', { callId, traceId: 'x'.repeat(65) }],
  ])('rejects %s', (_label, payload) => {
    expect(stageJobSchema.safeParse(payload).success).toBe(false);
  });
});
