import { describe, expect, it } from 'vitest';
import { defaultRequestWorkflows } from '../nlp/workflows.ts';
import { callTaskFor, emergencyCall, type CallForTask } from './call-task.ts';

const call: CallForTask = {
  provider: 'twilio', providerCallId: 'CA-synthetic-1', status: 'completed', callerMatch: null,
  requestType: 'prescription_refill', requestTypes: ['prescription_refill'], redFlags: ['chest_pain'], urgency: 'routine',
  startedAt: '2026-12-07T10:00:00Z',
};
const now = new Date('2026-12-07T10:05:00Z');
const dueInHours = (task: ReturnType<typeof callTaskFor>) => (new Date(task.restriction!.period!.end!).getTime() - now.getTime()) / 3_600_000;

describe('the call Task and emergencies', () => {
  it('takes the emergency due time only when understanding said emergency (an affirmed red flag)', () => {
    expect(emergencyCall({ redFlags: ['chest_pain'], urgency: 'emergency' })).toBe(true);
    // An uncertain flag alone: the flag is on the Task for the nurse, the refill keeps its own due time.
    expect(emergencyCall({ redFlags: ['chest_pain'], urgency: 'routine' })).toBe(false);
    const routine = callTaskFor(call, defaultRequestWorkflows, now);
    expect(dueInHours(routine)).toBe(defaultRequestWorkflows.prescription_refill.dueHours);
    const emergency = callTaskFor({ ...call, urgency: 'emergency' }, defaultRequestWorkflows, now);
    expect(dueInHours(emergency)).toBe(defaultRequestWorkflows.urgent_emergency.dueHours);
  });

  it('treats a row understood before urgency was recorded, with any red flag, as an emergency (the safe side)', () => {
    expect(emergencyCall({ redFlags: ['seizure'], urgency: null })).toBe(true);
    expect(emergencyCall({ redFlags: [], urgency: null })).toBe(false);
  });
});
