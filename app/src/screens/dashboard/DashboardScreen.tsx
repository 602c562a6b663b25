import { Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, read } from '../../api/client';
import { duration, queuesInWords } from '../../shell/format';
import { useSession } from '../../shell/session';
import { Empty, Loading, Problem } from '../../shell/states';
import { ChartSection } from './ChartSection';
import { addDays, clinicDay, dayWords, shortDay } from './date-range';
import { cellText, consentScopeWords, hourWords, percentText, requestTypeWords, type DashboardAnswer } from './dashboard.types';
import { RangeForm } from './RangeForm';
import { StatCard } from './StatCard';
import { CallbackSection } from './CallbackSection';

/**
 * The dashboard (issue 14, item 7): how the phones went for a range of clinic days — calls by
 * hour and request type, speed to answer, missed and transferred calls, urgent calls and how fast
 * a person acknowledged them, review turnaround, AI drafts approved as written, chart writes that
 * failed, and consent capture. Supervisors and admins see their queues' numbers; the analyst sees
 * the same aggregates de-identified (counts of 1 to 4 hidden).
 */
export default function DashboardScreen() {
  const { me, info } = useSession();
  const timeZone = info.clinic.timeZone;
  const today = clinicDay(new Date(), timeZone);
  const [search, setSearch] = useSearchParams();
  const to = search.get('to') ?? today;
  const from = search.get('from') ?? addDays(to, -6);

  const dashboard = useQuery({
    queryKey: ['dashboard', from, to],
    queryFn: () => read<DashboardAnswer>(api.GET('/api/dashboard', { params: { query: { from, to } } })),
    // The figures of the last range stay on screen (and focus where it is) while the next loads.
    placeholderData: keepPreviousData,
  });

  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Title order={1} size="h2">
          Dashboard
        </Title>
        <Text c="dimmed">
          Calls that started from {dayWords(from)} to {dayWords(to)}, in {me.user.queues.includes('*') ? 'all queues' : `your queues (${queuesInWords(me.user.queues)})`}. Days and hours are the clinic’s ({timeZone}).
        </Text>
      </Stack>
      <RangeForm from={from} to={to} today={today} onChange={(range) => setSearch(range)} />
      <div role="status" aria-live="polite">
        {dashboard.isFetching && dashboard.data ? (
          <Text size="sm" c="dimmed">
            Updating the figures…
          </Text>
        ) : null}
      </div>
      {dashboard.isPending ? (
        <Loading what="the dashboard" />
      ) : dashboard.isError ? (
        <Problem error={dashboard.error} retry={() => void dashboard.refetch()} title="The dashboard could not be loaded" />
      ) : (
        <Figures answer={dashboard.data} />
      )}
    </Stack>
  );
}

function Figures({ answer }: { answer: DashboardAnswer }) {
  const noCalls = answer.calls.total === 0;
  const hidden = answer.deidentified;
  return (
    <Stack gap="lg">
      {noCalls ? (
        <Empty title="No calls in this range">No call started on these days in the queues you see. Choose other days above.</Empty>
      ) : (
        <>
          <section aria-labelledby="dashboard-glance">
            <Title order={2} size="h4" id="dashboard-glance" mb="sm">
              At a glance
            </Title>
            <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }} spacing="md">
              <StatCard testId="stat-calls" title="Calls" value={cellText(answer.calls.total)} detail={`${cellText(answer.calls.answered)} answered, ${cellText(answer.calls.missed)} missed`} />
              <StatCard testId="stat-speed" title="Speed to answer (median)" value={duration(answer.speedToAnswer.medianSeconds)} detail={`From the first ring to a person; 90% within ${duration(answer.speedToAnswer.p90Seconds)} (${cellText(answer.speedToAnswer.basis)} answered calls)`} />
              <StatCard testId="stat-missed" title="Missed or abandoned" value={percentText(answer.abandonRate)} detail={`${cellText(answer.abandonRate.numerator)} of ${cellText(answer.abandonRate.denominator)} finished calls ended before anyone answered (voicemail included)`} />
              <StatCard testId="stat-transferred" title="Transferred" value={percentText(answer.transferRate)} detail={`${cellText(answer.transferRate.numerator)} of ${cellText(answer.transferRate.denominator)} calls were passed to another queue or person`} />
              <StatCard testId="stat-urgent" title="Urgent calls" value={cellText(answer.urgent.calls)} detail={`${cellText(answer.urgent.redFlagged)} with a red flag: ${cellText(answer.urgent.acknowledged)} acknowledged, ${cellText(answer.urgent.unacknowledged)} not yet`} />
              <StatCard testId="stat-acknowledge" title="Time to acknowledge a red flag (median)" value={duration(answer.urgent.timeToAcknowledge.medianSeconds)} detail={`From Callchart raising the flag to a person acknowledging it; 90% within ${duration(answer.urgent.timeToAcknowledge.p90Seconds)}`} />
              <StatCard testId="stat-review" title="Review turnaround (median)" value={duration(answer.review.turnaround.medianSeconds)} detail={`From the item reaching review to a person's decision (${cellText(answer.review.turnaround.basis)} decided, ${cellText(answer.review.pending)} waiting)`} />
              <StatCard testId="stat-drafts" title="AI drafts approved without edits" value={percentText(answer.drafts.approvedWithoutEdits)} detail={`${cellText(answer.drafts.approvedWithoutEdits.numerator)} of ${cellText(answer.drafts.approvedWithoutEdits.denominator)} approved AI drafts went to the chart as written`} />
              <StatCard testId="stat-write-back" title="Chart writes that failed" value={cellText(answer.writeBack.failed)} detail={`Of ${cellText(answer.writeBack.items)} chart writes: ${cellText(answer.writeBack.delivered)} delivered, ${cellText(answer.writeBack.waiting)} waiting (see the Chart worklist)`} />
              <StatCard testId="stat-consent" title="Consent captured" value={percentText(answer.consent.captureRate)} detail={`${cellText(answer.consent.captureRate.numerator)} of ${cellText(answer.consent.captureRate.denominator)} calls had all four consents asked and answered`} />
            </SimpleGrid>
          </section>
          <CallbackSection days={answer.range.days} />
          <ChartSection
            testId="chart-by-day"
            title="Calls by day"
            explanation={`How many calls started on each of the ${answer.range.days} days, by the clinic's calendar.`}
            labelName="Day"
            valueName="Calls"
            rows={answer.byDay.map((entry) => ({ label: shortDay(entry.day), value: entry.calls }))}
            empty={noCalls}
            deidentified={hidden}
          />
          <ChartSection
            testId="chart-by-hour"
            title="Calls by hour of the day"
            explanation={`When calls started, by the hour on the clinic's clock (${answer.range.timeZone}), over the whole range.`}
            labelName="Hour"
            valueName="Calls"
            rows={answer.byHour.map((entry) => ({ label: hourWords(entry.hour), value: entry.calls }))}
            empty={noCalls}
            deidentified={hidden}
          />
          <ChartSection
            testId="chart-by-type"
            title="Calls by request type"
            explanation="What callers asked for, by the main request Callchart understood (or the phone menu choice)."
            labelName="Request type"
            valueName="Calls"
            horizontal
            rows={answer.byRequestType.map((entry) => ({ label: requestTypeWords[entry.requestType] ?? 'Other', value: entry.calls }))}
            empty={answer.byRequestType.length === 0}
            deidentified={hidden}
          />
          <ChartSection
            testId="chart-consent"
            title="Consent captured, by kind"
            explanation="Calls where the caller was asked and answered (yes or no), for each of the four consents."
            labelName="Consent"
            valueName="Calls"
            horizontal
            rows={answer.consent.byScope.map((entry) => ({ label: consentScopeWords[entry.scope] ?? entry.scope, value: entry.captured }))}
            empty={answer.consent.byScope.every((entry) => entry.captured === 0)}
            emptyText="No consent was captured in this range"
            deidentified={hidden}
          />
        </>
      )}
      <Group>
        <Text size="xs" c="dimmed" data-testid="dashboard-footnote" maw={820}>
          Every figure is about the calls that started in this range{answer.scope.allQueues ? ' in every queue' : ` in ${answer.scope.queues.join(', ')}`}; medians and 90th percentiles are of those calls.
          {hidden
            ? ' De-identified: counts and durations only. A count of 1 to 4 is shown as “fewer than 5”, and so is one more count beside it when it alone would give the hidden one back; a rate or a time built on fewer than 5 calls is not shown.'
            : ''}
        </Text>
      </Group>
    </Stack>
  );
}
