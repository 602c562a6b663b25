import type { Queryable } from '../store/db.ts';

/** Median and 90th percentile of a duration, in minutes, and how many it was taken over. */
export interface DurationSummary {
  count: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

/**
 * The callback metrics (AN-1) for the dashboard and its API: counts and durations only.
 * `onCallResponse` is the on-call provider's (issue 16, AH-1): null until that part reports it.
 */
export interface CallbackMetrics {
  from: string;
  to: string;
  /** Callback tasks opened in the period, by how they ended so far. */
  opened: number;
  completed: number;
  closedUnreachable: number;
  cancelled: number;
  stillOpen: number;
  /** Completed over opened-and-not-cancelled; null with nothing opened. */
  completionRate: number | null;
  /** Mean attempts per completed callback (tasks opened in the period and completed). */
  attemptsPerCompleted: number | null;
  callToFirstAttempt: DurationSummary;
  callToClosure: DurationSummary;
  /** Open tasks past their deadline now (whenever they were opened). */
  overdueNow: number;
  urgentOverdueNow: number;
  /** Calls in the period that came outside opening hours (the routing decision), and their share. */
  calls: number;
  afterHoursCalls: number;
  afterHoursShare: number | null;
  /** Callback tasks opened in the period from after-hours calls. */
  afterHoursCallbacks: number;
  onCallResponse: DurationSummary | null;
}

const round = (value: number | string | null, places = 1): number | null => (value === null ? null : Math.round(Number(value) * 10 ** places) / 10 ** places);

/** The callback metrics over the queues given ('*': all) for tasks opened and calls started in [from, to). */
export async function callbackMetrics(db: Queryable, scope: { queues: readonly string[] | '*'; from: Date; to: Date; now: Date }): Promise<CallbackMetrics> {
  const all = scope.queues === '*';
  const params = [scope.from.toISOString(), scope.to.toISOString(), all ? [] : scope.queues, all, scope.now.toISOString()];
  const inQueues = '($4 or queue = any($3))';
  const { rows: [tasks] } = await db.query<Record<string, string | number | null>>(
    `select count(*)::int as opened,
       count(*) filter (where status = 'completed')::int as completed,
       count(*) filter (where status = 'closed-unreachable')::int as closed_unreachable,
       count(*) filter (where status = 'cancelled')::int as cancelled,
       count(*) filter (where status in ('open', 'in-progress', 'escalated'))::int as still_open,
       count(*) filter (where after_hours)::int as after_hours,
       avg(attempts) filter (where status = 'completed')::float8 as attempts_per_completed,
       count(first_attempt_at)::int as first_attempt_count,
       percentile_cont(0.5) within group (order by extract(epoch from first_attempt_at - first_call_at) / 60) filter (where first_attempt_at is not null) as first_attempt_median,
       percentile_cont(0.9) within group (order by extract(epoch from first_attempt_at - first_call_at) / 60) filter (where first_attempt_at is not null) as first_attempt_p90,
       count(*) filter (where status = 'completed')::int as closure_count,
       percentile_cont(0.5) within group (order by extract(epoch from closed_at - first_call_at) / 60) filter (where status = 'completed') as closure_median,
       percentile_cont(0.9) within group (order by extract(epoch from closed_at - first_call_at) / 60) filter (where status = 'completed') as closure_p90
     from callback_task where first_call_at >= $1 and first_call_at < $2 and ${inQueues} and $5::text is not null`,
    params,
  );
  const { rows: [overdue] } = await db.query<{ overdue: number; urgent: number }>(
    `select count(*)::int as overdue, count(*) filter (where urgent)::int as urgent from callback_task
     where status in ('open', 'in-progress', 'escalated') and due_at < $5 and ${inQueues} and $1::text is not null and $2::text is not null`,
    params,
  );
  const { rows: [calls] } = await db.query<{ calls: number; after_hours: number }>(
    `select count(*)::int as calls, count(*) filter (where (routing->>'afterHours') = 'true')::int as after_hours from call
     where started_at >= $1 and started_at < $2 and ($4 or queue = any($3)) and $5::text is not null`,
    params,
  );
  const opened = Number(tasks!.opened);
  const completed = Number(tasks!.completed);
  const cancelled = Number(tasks!.cancelled);
  return {
    from: scope.from.toISOString(), to: scope.to.toISOString(),
    opened, completed, closedUnreachable: Number(tasks!.closed_unreachable), cancelled, stillOpen: Number(tasks!.still_open),
    completionRate: opened - cancelled > 0 ? round(completed / (opened - cancelled), 3) : null,
    attemptsPerCompleted: round(tasks!.attempts_per_completed ?? null, 2),
    callToFirstAttempt: { count: Number(tasks!.first_attempt_count), medianMinutes: round(tasks!.first_attempt_median ?? null), p90Minutes: round(tasks!.first_attempt_p90 ?? null) },
    callToClosure: { count: Number(tasks!.closure_count), medianMinutes: round(tasks!.closure_median ?? null), p90Minutes: round(tasks!.closure_p90 ?? null) },
    overdueNow: Number(overdue!.overdue), urgentOverdueNow: Number(overdue!.urgent),
    calls: Number(calls!.calls), afterHoursCalls: Number(calls!.after_hours), afterHoursShare: Number(calls!.calls) > 0 ? round(Number(calls!.after_hours) / Number(calls!.calls), 3) : null,
    afterHoursCallbacks: Number(tasks!.after_hours),
    onCallResponse: null,
  };
}
