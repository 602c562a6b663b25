import { describe, expect, it } from 'vitest';
import { defaultRequestWorkflows } from '../nlp/workflows.ts';
import {
  applyAttempt, callbackContextSchema, callbackDueAt, callbackMergeKey, callbackSettingsSchema, defaultCallbackSettings, isOverdue, withinMergeWindow, type LadderState,
} from './callback-policy.ts';
import { callerKeyOf } from './caller-key.ts';

const at = new Date('2026-12-07T15:00:00.000Z');
const hours = (date: Date) => (date.getTime() - at.getTime()) / 3_600_000;

describe('callback deadline', () => {
  it("follows the request type's workflow, and urgent follows urgent_emergency's", () => {
    expect(hours(callbackDueAt({ requestType: 'prescription_refill', urgent: false, from: at }, defaultCallbackSettings, defaultRequestWorkflows))).toBe(48);
    expect(hours(callbackDueAt({ requestType: 'prescription_refill', urgent: true, from: at }, defaultCallbackSettings, defaultRequestWorkflows))).toBe(0.25);
    expect(hours(callbackDueAt({ requestType: null, urgent: false, from: at }, defaultCallbackSettings, defaultRequestWorkflows))).toBe(24);
  });

  it('a clinic setting per request type overrides the workflow', () => {
    const settings = callbackSettingsSchema.parse({ dueHours: { appointment: 2 }, urgentDueHours: 1 });
    expect(hours(callbackDueAt({ requestType: 'appointment', urgent: false, from: at }, settings, defaultRequestWorkflows))).toBe(2);
    expect(hours(callbackDueAt({ requestType: 'appointment', urgent: true, from: at }, settings, defaultRequestWorkflows))).toBe(1);
  });

  it('refuses an unknown setting rather than ignore it', () => {
    expect(callbackSettingsSchema.safeParse({ failedAttempts: 3 }).success).toBe(false);
    expect(callbackSettingsSchema.safeParse({ failedAttemptsBeforeEscalation: 0 }).success).toBe(false);
  });
});

describe('escalation ladder', () => {
  const start: LadderState = { status: 'open', escalationLevel: 0, failedAttempts: 0, queue: 'front-desk' };
  const run = (outcomes: Parameters<typeof applyAttempt>[1][], from = start) =>
    outcomes.reduce<{ state: LadderState; escalations: number }>((acc, outcome) => {
      const next = applyAttempt(acc.state, outcome, defaultCallbackSettings);
      return { state: next, escalations: acc.escalations + (next.escalated ? 1 : 0) };
    }, { state: from, escalations: 0 });

  it('three no-answers climb to the alternate contact; three more to the case-manager queue', () => {
    const two = run(['no-answer', 'no-answer']);
    expect(two.state).toMatchObject({ status: 'open', escalationLevel: 0, failedAttempts: 2 });
    const three = run(['no-answer', 'no-answer', 'no-answer']);
    expect(three.state).toMatchObject({ status: 'escalated', escalationLevel: 1, failedAttempts: 0, queue: 'front-desk' });
    const six = run(['no-answer', 'voicemail-left', 'declined', 'no-answer', 'no-answer', 'no-answer']);
    expect(six.state).toMatchObject({ status: 'escalated', escalationLevel: 2, queue: 'case-management' });
    expect(six.escalations).toBe(2);
  });

  it('the top of the ladder stays the top', () => {
    const nine = run(Array(9).fill('no-answer'));
    expect(nine.state.escalationLevel).toBe(2);
    expect(nine.escalations).toBe(2);
  });

  it('a wrong number goes to the alternate contact at once', () => {
    expect(run(['wrong-number']).state).toMatchObject({ status: 'escalated', escalationLevel: 1 });
  });

  it('an answer ends the run of failures and puts the task in progress', () => {
    const answered = run(['no-answer', 'no-answer', 'answered', 'no-answer', 'no-answer']);
    expect(answered.state).toMatchObject({ status: 'in-progress', escalationLevel: 0, failedAttempts: 2 });
    expect(answered.escalations).toBe(0);
  });
});

describe('merging repeat calls', () => {
  it('keys on the patient and request type; an unidentified caller on the keyed number', () => {
    expect(callbackMergeKey({ patientId: 'p1', requestType: 'appointment' })).toBe('patient:p1|appointment');
    expect(callbackMergeKey({ patientId: 'p1', requestType: 'appointment' })).not.toBe(callbackMergeKey({ patientId: 'p1', requestType: 'prescription_refill' }));
    expect(callbackMergeKey({ patientId: 'p1', requestType: 'appointment' })).not.toBe(callbackMergeKey({ patientId: 'p2', requestType: 'appointment' }));
    expect(callbackMergeKey({ patientId: null, callerKey: 'k', requestType: null })).toBe('caller:k|unclassified');
    expect(callbackMergeKey({ patientId: null, callerKey: null, requestType: 'appointment' })).toBeNull();
  });

  it('the merge window is the configured hours since the last call', () => {
    expect(withinMergeWindow(at, new Date(at.getTime() + 71 * 3_600_000), defaultCallbackSettings)).toBe(true);
    expect(withinMergeWindow(at, new Date(at.getTime() + 73 * 3_600_000), defaultCallbackSettings)).toBe(false);
  });

  it('the caller key is keyed: the same number under another key is another key, and the number is not in it', () => {
    const key = Buffer.alloc(32, 7);
    const synthetic = '+16175550142';
    expect(callerKeyOf(synthetic, key)).toBe(callerKeyOf(synthetic, key));
    expect(callerKeyOf(synthetic, key)).not.toBe(callerKeyOf(synthetic, Buffer.alloc(32, 8)));
    expect(callerKeyOf(synthetic, key)).not.toContain('5550142');
  });
});

describe('context and overdue', () => {
  it('context holds codes only: free text is refused', () => {
    expect(callbackContextSchema.safeParse({ ivrReason: 'refill', requestTypes: ['prescription_refill'], redFlags: ['chest_pain'] }).success).toBe(true);
    expect(callbackContextSchema.safeParse({ ivrReason: 'my chest hurts, call Jane' }).success).toBe(false);
    expect(callbackContextSchema.safeParse({ note: 'anything' }).success).toBe(false);
  });

  it('a task is overdue past its deadline while open, never once closed', () => {
    const due = new Date(at.getTime() - 1);
    expect(isOverdue({ status: 'open', dueAt: due }, at)).toBe(true);
    expect(isOverdue({ status: 'escalated', dueAt: due }, at)).toBe(true);
    expect(isOverdue({ status: 'completed', dueAt: due }, at)).toBe(false);
    expect(isOverdue({ status: 'open', dueAt: new Date(at.getTime() + 1) }, at)).toBe(false);
  });
});
