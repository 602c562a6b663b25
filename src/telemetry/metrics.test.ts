import { describe, expect, it } from 'vitest';
import { CallchartMetrics, codeLabel } from './metrics.ts';

const metricsWithoutProcess = (outboxStats?: ConstructorParameters<typeof CallchartMetrics>[0]['outboxStats']) =>
  new CallchartMetrics({ fallbackQueue: 'front-desk', defaultMetrics: false, ...(outboxStats ? { outboxStats } : {}) });

describe('metric labels: codes and queue names only', () => {
  it('keeps codes and turns free text into other', () => {
    expect(codeLabel('EHR_TIMEOUT')).toBe('EHR_TIMEOUT');
    expect(codeLabel('identify-caller')).toBe('identify-caller');
    expect(codeLabel('Maria Lopez')).toBe('other');
    expect(codeLabel('')).toBe('other');
    expect(codeLabel(null)).toBe('other');
  });

  it('labels a queue only when it looks like a queue id: never a number, a date or a name with spaces', () => {
    const metrics = metricsWithoutProcess();
    expect(metrics.queueLabel('nurse-triage')).toBe('nurse-triage');
    expect(metrics.queueLabel(null)).toBe('front-desk');
    for (const value of ['+16175550142', '6175550142', '1952-03-03', 'Maria Lopez', 'NURSE', '']) expect(metrics.queueLabel(value), value).toBe('other');
  });

  it('keeps at most 50 queue labels, then counts the rest as other', () => {
    const metrics = metricsWithoutProcess();
    for (let index = 0; index < 50; index++) expect(metrics.queueLabel(`queue-${index}`)).toBe(`queue-${index}`);
    expect(metrics.queueLabel('queue-50')).toBe('other');
    expect(metrics.queueLabel('queue-7')).toBe('queue-7');
  });
});

describe('exposition', () => {
  it('counts an ended call with its consents and speed to answer', async () => {
    const metrics = metricsWithoutProcess();
    metrics.callEnded({ direction: 'inbound', outcome: 'answered', queue: 'nurse-triage', speedToAnswerSeconds: 12, consents: { ai: 'granted', ehr: 'declined', record: 'not-captured' } });
    const { text } = await metrics.exposition();
    expect(text).toContain('callchart_calls_total{direction="inbound",outcome="answered",queue="nurse-triage"} 1');
    expect(text).toContain('callchart_speed_to_answer_seconds_sum{queue="nurse-triage"} 12');
    expect(text).toContain('callchart_call_consents_total{scope="ehr",status="declined"} 1');
    expect(text).toContain('callchart_call_consents_total{scope="record",status="not-captured"} 1');
  });

  it('reads the outbox once per scrape for both gauges, and still answers when the store does not', async () => {
    let reads = 0;
    const metrics = metricsWithoutProcess(async () => {
      reads++;
      return [{ target: 'fhir', status: 'pending', count: 3, oldestAgeSeconds: 42.5 }];
    });
    const { text } = await metrics.exposition();
    expect(reads).toBe(1);
    expect(text).toContain('callchart_outbox_items{target="fhir",status="pending"} 3');
    expect(text).toContain('callchart_outbox_oldest_age_seconds{target="fhir",status="pending"} 42.5');
    const down = metricsWithoutProcess(async () => {
      throw new Error('store unavailable');
    });
    const answered = await down.exposition();
    expect(answered.text).toContain('# TYPE callchart_outbox_items gauge');
    expect(answered.text).not.toContain('callchart_outbox_items{');
  });
});

describe('callback metrics (issue 16, AN-1)', () => {
  it('shows the callback figures read at scrape time, one read per scrape, with no label but quantile or urgency', async () => {
    let reads = 0;
    const metrics = new CallchartMetrics({
      fallbackQueue: 'front-desk', defaultMetrics: false,
      callbackStats: async () => {
        reads++;
        return {
          overdueNow: 3, urgentOverdueNow: 1, completionRate: 0.75, attemptsPerCompleted: 1.5,
          callToFirstAttempt: { medianMinutes: 42, p90Minutes: 180 }, callToClosure: { medianMinutes: 90, p90Minutes: null }, afterHoursShare: 0.4,
        };
      },
    });
    const { text } = await metrics.exposition();
    expect(reads).toBe(1);
    expect(text).toContain('callchart_callback_overdue_tasks{urgent="true"} 1');
    expect(text).toContain('callchart_callback_overdue_tasks{urgent="false"} 2');
    expect(text).toContain('callchart_callback_completion_ratio 0.75');
    expect(text).toContain('callchart_callback_attempts_per_completed 1.5');
    expect(text).toContain('callchart_callback_call_to_first_attempt_minutes{quantile="0.9"} 180');
    expect(text).toContain('callchart_callback_call_to_closure_minutes{quantile="0.5"} 90');
    // Not known yet: NaN, rather than a zero that reads as "none".
    expect(text).toMatch(/callchart_callback_call_to_closure_minutes\{quantile="0.9"\} nan/i);
    expect(text).toContain('callchart_callback_after_hours_call_share 0.4');
  });

  it('a store that does not answer leaves the callback gauges empty and the scrape still answers', async () => {
    const metrics = new CallchartMetrics({ fallbackQueue: 'front-desk', defaultMetrics: false, callbackStats: async () => Promise.reject(new Error('store away')) });
    const { text } = await metrics.exposition();
    expect(text).toMatch(/callchart_callback_completion_ratio nan/i);
  });
});
