import { describe, expect, it } from 'vitest';
import { breachAssessmentSchema, mergeAssessment, notificationDeadlines, statusChangeProblem } from './incident.ts';

describe('incident deadlines and assessment', () => {
  const discovered = new Date('2026-03-10T09:00:00.000Z');

  it('counts 60 days from discovery for individuals; HHS with them at 500 or more, else 60 days after the year ends', () => {
    expect(notificationDeadlines(discovered, 60, 12)).toEqual({ individuals: '2026-05-09T09:00:00.000Z', hhs: '2027-03-02T00:00:00.000Z', media: null });
    expect(notificationDeadlines(discovered, 60, 800)).toEqual({ individuals: '2026-05-09T09:00:00.000Z', hhs: '2026-05-09T09:00:00.000Z', media: '2026-05-09T09:00:00.000Z' });
    // Not yet known how many: the earlier HHS date holds until it is.
    expect(notificationDeadlines(discovered, 30, undefined)).toMatchObject({ individuals: '2026-04-09T09:00:00.000Z', hhs: '2026-04-09T09:00:00.000Z', media: null });
  });

  it('records who reached the conclusion and when, and only when it changes', () => {
    const first = mergeAssessment({}, { acquiredOrViewed: 'viewed' }, 'staff:po-1', discovered);
    expect(first).toEqual({ acquiredOrViewed: 'viewed' });
    const concluded = mergeAssessment(first, { conclusion: 'low-probability-of-compromise' }, 'staff:po-1', discovered);
    expect(concluded).toMatchObject({ acquiredOrViewed: 'viewed', conclusion: 'low-probability-of-compromise', decidedBy: 'staff:po-1', decidedAt: discovered.toISOString() });
    expect(mergeAssessment(concluded, { conclusion: 'low-probability-of-compromise' }, 'staff:other', new Date())).toMatchObject({ decidedBy: 'staff:po-1' });
  });

  it('closes only with a conclusion, notifies only after a breach', () => {
    expect(statusChangeProblem({}, 'closed')).toMatch(/conclusion/);
    expect(statusChangeProblem({ conclusion: 'not-phi' }, 'closed')).toBeNull();
    expect(statusChangeProblem({ conclusion: 'not-phi' }, 'notifying')).toMatch(/breach/);
    expect(statusChangeProblem({ conclusion: 'breach' }, 'notifying')).toBeNull();
  });

  it('takes codes, counts and ids, never free text', () => {
    expect(breachAssessmentSchema.safeParse({ recipient: { kind: 'external', recipientId: 'Jane Doe, 12 Main St', obligatedToProtect: false } }).success).toBe(false);
    expect(breachAssessmentSchema.safeParse({ notes: 'anything' }).success).toBe(false);
    expect(breachAssessmentSchema.safeParse({ natureAndExtent: { categories: ['clinical'], individualsAffected: 3, reidentificationLikelihood: 'high' } }).success).toBe(true);
  });
});
