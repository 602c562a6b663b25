import { describe, expect, it } from 'vitest';
import { requestTypeCodes } from './analysis.types.ts';
import { defaultRequestWorkflows, requestWorkflowsSchema, resolveRequestWorkflows } from './workflows.ts';

describe('request type workflows', () => {
  it('has a workflow for every request type, and an emergency is stat', () => {
    for (const code of requestTypeCodes) expect(defaultRequestWorkflows[code].queue).toBeTruthy();
    expect(defaultRequestWorkflows.urgent_emergency.priority).toBe('stat');
  });

  it('lets the clinic override parts of a workflow and rejects unknown request types', () => {
    const parsed = requestWorkflowsSchema.parse({ prescription_refill: { queue: 'pharmacy-desk', dueHours: 24 } });
    const workflows = resolveRequestWorkflows(parsed);
    expect(workflows.prescription_refill).toMatchObject({ queue: 'pharmacy-desk', dueHours: 24, ownerRole: 'nurse' });
    expect(requestWorkflowsSchema.safeParse({ refills: { queue: 'x' } }).success).toBe(false);
    expect(requestWorkflowsSchema.safeParse({ appointment: { priority: 'whenever' } }).success).toBe(false);
  });
});
