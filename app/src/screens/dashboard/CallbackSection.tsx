import { SimpleGrid, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, read } from '../../api/client';
import { Problem } from '../../shell/states';
import { StatCard } from './StatCard';

/** The callback figures (issue 16, AN-1) as /api/callbacks/metrics gives them; null: hidden (de-identified) or not known yet. */
interface Duration { count: number | null; medianMinutes: number | null; p90Minutes: number | null }
export interface CallbackFigures {
  opened: number | null; completed: number | null; closedUnreachable: number | null; cancelled: number | null; stillOpen: number | null;
  completionRate: number | null; attemptsPerCompleted: number | null; callToFirstAttempt: Duration; callToClosure: Duration;
  overdueNow: number | null; urgentOverdueNow: number | null; calls: number | null; afterHoursCalls: number | null; afterHoursShare: number | null;
  onCallResponse: Duration | null; deidentified: boolean;
}

const count = (value: number | null) => (value === null ? 'fewer than 5' : String(value));
const minutes = (value: number | null) => (value === null ? '—' : value < 60 ? `${Math.round(value)} min` : `${Math.round((value / 60) * 10) / 10} h`);
const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);

/**
 * Callbacks on the dashboard: how many calls the clinic owed a return call, how many it completed
 * and how fast, what is overdue now, and how many calls came after hours. The on-call provider's
 * response time has its place here, filled when that part reports it.
 */
export function CallbackSection({ days }: { days: number }) {
  const figures = useQuery({
    queryKey: ['callbacks', 'metrics', days],
    queryFn: () => read<CallbackFigures>(api.GET('/api/callbacks/metrics', { params: { query: { days } } })),
  });
  return (
    <section aria-labelledby="dashboard-callbacks">
      <Title order={2} size="h4" id="dashboard-callbacks" mb="sm">
        Callbacks (last {days} {days === 1 ? 'day' : 'days'})
      </Title>
      {figures.isError ? <Problem error={figures.error} retry={() => void figures.refetch()} /> : null}
      {figures.data ? (
        <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} spacing="md">
          <StatCard testId="stat-callback-completion" title="Callbacks completed" value={percent(figures.data.completionRate)}
            detail={`${count(figures.data.completed)} of ${count(figures.data.opened)} callbacks owed (${count(figures.data.cancelled)} cancelled, ${count(figures.data.stillOpen)} still open)`} />
          <StatCard testId="stat-callback-attempts" title="Attempts per completed callback" value={figures.data.attemptsPerCompleted === null ? '—' : String(figures.data.attemptsPerCompleted)}
            detail="How many tries it took to reach the caller, on average" />
          <StatCard testId="stat-callback-first-attempt" title="Call to first attempt (median)" value={minutes(figures.data.callToFirstAttempt.medianMinutes)}
            detail={`From the call to the clinic's first try; 90% within ${minutes(figures.data.callToFirstAttempt.p90Minutes)}`} />
          <StatCard testId="stat-callback-closure" title="Call to completed callback (median)" value={minutes(figures.data.callToClosure.medianMinutes)}
            detail={`From the call to the callback done; 90% within ${minutes(figures.data.callToClosure.p90Minutes)}`} />
          <StatCard testId="stat-callback-overdue" title="Overdue callbacks now" value={count(figures.data.overdueNow)}
            detail={`${count(figures.data.urgentOverdueNow)} of them urgent (see Callbacks)`} />
          <StatCard testId="stat-after-hours" title="Calls after hours" value={percent(figures.data.afterHoursShare)}
            detail={`${count(figures.data.afterHoursCalls)} of ${count(figures.data.calls)} calls came outside opening hours`} />
          <StatCard testId="stat-on-call-response" title="On-call response time (median)" value={figures.data.onCallResponse ? minutes(figures.data.onCallResponse.medianMinutes) : '—'}
            detail={figures.data.onCallResponse ? `90% within ${minutes(figures.data.onCallResponse.p90Minutes)}` : 'Not measured yet'} />
        </SimpleGrid>
      ) : null}
    </section>
  );
}
