import { Alert, Button, CloseButton, Group, Select, SimpleGrid, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError, read } from '../../api/client';
import { clinicTime } from '../../shell/format';
import { useSession } from '../../shell/session';
import { Empty, Loading, Problem } from '../../shell/states';
import { CancelDialog } from './CancelDialog';
import { EventDeliveries } from './EventDeliveries';
import { clinicDayStart, nextDay } from './clinic-day';
import { itemHeadingId, WorklistItemCard } from './WorklistItemCard';
import { kindWords, shortId, statusWords, targetWords } from './worklist.words';
import type { CancelReason, EhrLine, WorklistItem, WorklistPage, WriteBackKind, WriteBackStatus, WriteBackSummary } from './worklist.types';

const statuses: WriteBackStatus[] = ['pending', 'sending', 'failed', 'delivered', 'cancelled'];
const kinds = Object.keys(kindWords) as WriteBackKind[];
const refreshMs = 10_000;
const busyRefreshMs = 3_000;
/** Alert titles in the text colour: the light variant's orange and green titles miss 4.5:1 contrast. */
const readableTitle = { title: { color: 'var(--mantine-color-text)' } };

/**
 * The chart worklist (issue 14, item 4; supervisors and administrators): every chart write with
 * its status in words, the EHR's reason for a failure, the EHR's downtime (since when, how many
 * wait), retry and cancel with a reason, filters in the address (status, kind, dates) and paging.
 * It refreshes in place every few seconds without moving keyboard focus.
 */
export default function WorklistScreen() {
  const { me, info } = useSession();
  const timeZone = info.clinic.timeZone;
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const status = statuses.find((value) => value === params.get('status')) ?? null;
  const kind = kinds.find((value) => value === params.get('kind')) ?? null;
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const setFilter = useCallback((name: string, value: string | null) => {
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    }, { replace: true });
  }, [setParams]);

  const query = useMemo(() => {
    const fromInstant = from ? clinicDayStart(from, timeZone) : null;
    const toInstant = to ? clinicDayStart(nextDay(to), timeZone) : null;
    return {
      ...(status ? { status } : {}),
      ...(kind ? { kind } : {}),
      ...(fromInstant ? { from: fromInstant } : {}),
      ...(toInstant ? { to: toInstant } : {}),
      limit: 25,
    };
  }, [status, kind, from, to, timeZone]);

  const summary = useQuery({
    queryKey: ['write-back', 'summary'],
    queryFn: () => read<WriteBackSummary>(api.GET('/api/write-back/summary')),
    refetchInterval: refreshMs,
  });
  const list = useInfiniteQuery({
    queryKey: ['write-back', 'worklist', query],
    queryFn: ({ pageParam }) => read<WorklistPage>(api.GET('/api/write-back/worklist', { params: { query: { ...query, ...(pageParam ? { before: pageParam } : {}) } } })),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    // Sooner while something on the list is on its way (a retry just put back in line), so its new status shows.
    refetchInterval: (current) => (current.state.data?.pages.some((page) => page.items.some((item) => item.status === 'pending' || item.status === 'sending')) ? busyRefreshMs : refreshMs),
    placeholderData: keepPreviousData,
  });

  const refresh = useCallback(() => queryClient.invalidateQueries({ queryKey: ['write-back'] }), [queryClient]);
  /** The button pressed may be gone after the refresh: keyboard focus goes to the item's heading, not to the page. */
  const focusItem = useCallback((id: string) => requestAnimationFrame(() => document.getElementById(itemHeadingId(id))?.focus()), []);
  // What the last action did, said on the screen (a live region), not in a passing toast.
  const [message, setMessage] = useState<{ ok: boolean; title: string; words: string } | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const onRetry = useCallback(async (item: WorklistItem) => {
    setRetrying(item.id);
    try {
      await read(api.POST('/api/write-back/{id}/retry', { params: { path: { id: item.id } } }));
      setMessage({ ok: true, title: 'Back in line', words: `Item ${shortId(item.id)} will be sent to the EHR again now.` });
    } catch (error) {
      const words = error instanceof ApiError && error.code === 'REVIEW_NOT_PENDING' ? 'Only a failed chart write can be retried, and this one has moved on. The list was refreshed.' : error instanceof ApiError ? error.words : 'That did not work. Try again.';
      setMessage({ ok: false, title: 'Not retried', words });
    } finally {
      setRetrying(null);
      await refresh();
      focusItem(item.id);
    }
  }, [refresh, focusItem]);
  const [cancelling, setCancelling] = useState<WorklistItem | null>(null);
  const onCancel = useCallback(async (item: WorklistItem, reason: CancelReason) => {
    try {
      await read(api.POST('/api/write-back/{id}/cancel', { params: { path: { id: item.id } }, body: { reason } }));
      setMessage({ ok: true, title: 'Cancelled', words: `Item ${shortId(item.id)} will not be sent to the EHR.` });
    } finally {
      await refresh();
    }
  }, [refresh]);
  const closeCancel = useCallback(() => {
    const id = cancelling?.id;
    setCancelling(null);
    if (id) focusItem(id);
  }, [cancelling, focusItem]);
  const openCancel = useCallback((item: WorklistItem) => setCancelling(item), []);
  const retry = useCallback((item: WorklistItem) => void onRetry(item), [onRetry]);

  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const ehr = useMemo(() => list.data?.pages[0]?.ehr ?? [], [list.data]);
  const downTargets = useMemo(() => new Set(ehr.filter((line) => line.down).map((line) => line.target)), [ehr]);
  const filtered = Boolean(status || kind || from || to);

  return (
    <Stack component="section" aria-labelledby="worklist-title" gap="md">
      <Stack gap={2}>
        <Title order={1} size="h3" id="worklist-title">
          Chart worklist
        </Title>
        <Text size="sm" c="dimmed">
          Every write from Callchart to the EHR chart, newest first. Times in {timeZone}; the list refreshes by itself.
        </Text>
      </Stack>

      <div role="status" aria-live="polite">
        {message ? (
          <Alert color={message.ok ? 'green' : 'red'} variant="light" title={message.title} data-testid="worklist-message" styles={readableTitle}>
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Text size="sm">{message.words}</Text>
              <CloseButton aria-label="Dismiss this message" onClick={() => setMessage(null)} />
            </Group>
          </Alert>
        ) : null}
      </div>

      <Downtime lines={ehr} timeZone={timeZone} />

      <EventDeliveries timeZone={timeZone} mayRedeliver={me.user.role === 'admin'} />

      <StatusCounts summary={summary.data} error={summary.error} selected={status} onSelect={(value) => setFilter('status', value === status ? null : value)} />

      <Stack gap="xs" component="form" role="search" aria-label="Filter the chart writes" onSubmit={(event) => event.preventDefault()}>
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
          <Select
            label="Status"
            placeholder="Any status"
            data={statuses.map((value) => ({ value, label: statusWords[value] }))}
            value={status}
            onChange={(value) => setFilter('status', value)}
            clearable
            allowDeselect
          />
          <Select
            label="Kind of write"
            placeholder="Any kind"
            data={kinds.map((value) => ({ value, label: kindWords[value] }))}
            value={kind}
            onChange={(value) => setFilter('kind', value)}
            clearable
          />
          <TextInput type="date" label="Queued from" value={from} max={to || undefined} onChange={(event) => setFilter('from', event.currentTarget.value || null)} />
          <TextInput type="date" label="Queued until" value={to} min={from || undefined} onChange={(event) => setFilter('to', event.currentTarget.value || null)} />
        </SimpleGrid>
        {filtered ? (
          <Group>
            <Button variant="subtle" size="xs" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
              Clear the filters
            </Button>
          </Group>
        ) : null}
      </Stack>

      {list.isPending ? (
        <Loading what="the chart writes" />
      ) : list.isError && !list.data ? (
        <Problem error={list.error} retry={() => void list.refetch()} title="The chart writes could not be loaded" />
      ) : items.length === 0 ? (
        <Empty title={filtered ? 'No chart writes match these filters' : 'No chart writes yet'}>
          {filtered ? 'Change or clear the filters to see more.' : 'When a call is approved in Review, or an event asks for a task, its write to the EHR chart appears here.'}
        </Empty>
      ) : (
        <Stack gap="sm">
          {list.isError ? <Problem error={list.error} retry={() => void list.refetch()} title="The list could not be refreshed; it shows what was last loaded" /> : null}
          <Text size="sm" aria-live="polite">
            Showing {items.length} chart {items.length === 1 ? 'write' : 'writes'}
            {list.hasNextPage ? ' (older ones below)' : ''}.
          </Text>
          <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Chart writes">
            {items.map((item) => (
              <WorklistItemCard key={item.id} item={item} ehrDown={downTargets.has(item.target)} timeZone={timeZone} linkToReview={me.user.role === 'supervisor'} onRetry={retry} onCancel={openCancel} retrying={retrying === item.id} />
            ))}
          </Stack>
          {list.hasNextPage ? (
            <Group justify="center">
              <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                Show older chart writes
              </Button>
            </Group>
          ) : null}
        </Stack>
      )}

      <CancelDialog item={cancelling} onClose={closeCancel} onCancel={onCancel} />
    </Stack>
  );
}

/** The EHR is down or Callchart's breaker is open: since when, and how many chart writes wait. */
function Downtime({ lines, timeZone }: { lines: EhrLine[]; timeZone: string }) {
  const down = lines.filter((line) => line.down);
  if (down.length === 0) return null;
  return (
    <Stack gap="xs">
      {down.map((line) => (
        <Alert key={line.target} color="orange" variant="light" title={`Waiting for the ${targetWords[line.target]}`} data-testid="ehr-downtime" styles={readableTitle}>
          <Text size="sm">
            {line.queued === 0
              ? 'No chart write waits now; new ones wait until the EHR answers. '
              : `${line.waitingSince ? `Since ${clinicTime(line.waitingSince, timeZone, true)}, ` : ''}${line.queued === 1 ? '1 chart write waits' : `${line.queued} chart writes wait`} for the EHR. `}
            {line.available
              ? 'The EHR is not answering; Callchart keeps trying and sends them oldest first when it answers.'
              : 'The EHR failed repeatedly, so Callchart is pausing before it tries again. They are sent oldest first when it answers; nothing is lost.'}
          </Text>
        </Alert>
      ))}
    </Stack>
  );
}

/** Counts per status (all EHR targets together); a count is also a filter. */
function StatusCounts({ summary, error, selected, onSelect }: { summary: WriteBackSummary | undefined; error: unknown; selected: WriteBackStatus | null; onSelect: (status: WriteBackStatus) => void }) {
  if (error) return <Problem error={error} title="The counts could not be loaded" />;
  const total = (value: WriteBackStatus) => (summary ? Object.values(summary.counts).reduce((sum, counts) => sum + (counts[value] ?? 0), 0) : null);
  return (
    <SimpleGrid cols={{ base: 2, xs: 3, md: 5 }} spacing="xs" role="group" aria-label="Chart writes by status (select one to filter)">
      {statuses.map((value) => {
        const count = total(value);
        const active = selected === value;
        return (
          <UnstyledButton
            key={value}
            onClick={() => onSelect(value)}
            aria-pressed={active}
            data-testid={`count-${value}`}
            p="xs"
            style={{
              border: `1px solid ${active ? 'var(--mantine-primary-color-filled)' : 'var(--mantine-color-default-border)'}`,
              borderRadius: 'var(--mantine-radius-sm)',
              background: active ? 'var(--mantine-primary-color-light)' : undefined,
            }}
          >
            <Text size="xl" fw={700} lh={1.1}>
              {count ?? '…'}
            </Text>
            <Text size="sm">{statusWords[value]}</Text>
          </UnstyledButton>
        );
      })}
    </SimpleGrid>
  );
}
