import { Anchor, Box, Card, Grid, Kbd, Stack, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, read } from '../../api/client';
import { useSession } from '../../shell/session';
import { Empty, Loading, Problem } from '../../shell/states';
import { ReviewItemView } from './ReviewItemView';
import { ReviewList, type ListFilters } from './ReviewList';
import { withMe } from './words';
import type { OpenedItem, ReviewItem, ReviewList as ReviewListAnswer } from './types';

/** How often the queue is read again (updated in place; focus stays). */
const refreshMs = 5_000;

function Shortcuts() {
  return (
    <Card withBorder padding="xs" component="aside" aria-label="Keyboard shortcuts" visibleFrom="sm">
      <Text size="xs">
        Keyboard (not while typing in a field): <Kbd>a</Kbd> approve · <Kbd>r</Kbd> choose a reason to reject · <Kbd>e</Kbd> edit the details · <Kbd>j</Kbd> next item · <Kbd>k</Kbd> previous item
      </Text>
    </Card>
  );
}

/**
 * Review (issue 14, item 3): the queue beside the opened item (`/review/:id`); on a phone, one or
 * the other. Filters live in the query string, so a link keeps them.
 */
export default function ReviewScreen() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { me } = useSession();
  const [search, setSearch] = useSearchParams();
  const filters: ListFilters = {
    view: search.get('view') === 'decided' ? 'decided' : 'waiting',
    queue: search.get('queue') ?? '',
    priority: search.get('priority') ?? '',
    requestType: search.get('type') ?? '',
    reason: search.get('reason') ?? '',
    mine: search.get('assigned') === 'me',
  };
  const setFilter = (name: keyof ListFilters, value: string) => {
    const key = { view: 'view', queue: 'queue', priority: 'priority', requestType: 'type', reason: 'reason', mine: 'assigned' }[name];
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: true });
  };
  const linkSearch = search.toString() ? `?${search.toString()}` : '';

  const list = useQuery({
    queryKey: ['review-list', filters.view, filters.priority, filters.requestType, filters.mine],
    queryFn: () =>
      read<ReviewListAnswer>(
        api.GET('/api/review', {
          params: {
            query: {
              status: filters.view === 'waiting' ? 'pending' : 'approved,rejected,auto-approved',
              ...(filters.priority ? { priority: filters.priority as 'routine' } : {}),
              ...(filters.requestType ? { requestType: filters.requestType } : {}),
              ...(filters.mine ? { assignedTo: 'me' } : {}),
              limit: 200,
            },
          },
        }),
      ),
    refetchInterval: refreshMs,
    placeholderData: keepPreviousData,
  });
  const opened = useQuery({
    queryKey: ['review-item', id],
    queryFn: () => read<OpenedItem>(api.GET('/api/review/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
  });

  const allItems = useMemo(() => list.data?.items ?? [], [list.data]);
  const queues = useMemo(() => [...new Set(allItems.map((item) => item.queue ?? '').filter(Boolean))].sort(), [allItems]);
  const items = useMemo(() => allItems.filter((item) => (!filters.queue || item.queue === filters.queue) && (!filters.reason || item.reasons.includes(filters.reason))), [allItems, filters.queue, filters.reason]);
  const now = list.dataUpdatedAt || Date.now();

  // The order the person last saw: after a decision the next item opens from it.
  const order = useRef<string[]>([]);
  useEffect(() => {
    if (items.length) order.current = items.map((item) => item.id);
  }, [items]);

  const open = useCallback((next: string | undefined) => navigate(next ? `/review/${next}${linkSearch}` : `/review${linkSearch}`), [navigate, linkSearch]);
  const step = (delta: 1 | -1) => {
    const ids = items.map((item) => item.id);
    if (!ids.length) return;
    const at = id ? ids.indexOf(id) : -1;
    const target = at === -1 ? ids[0] : ids[Math.min(ids.length - 1, Math.max(0, at + delta))];
    if (target && target !== id) void open(target);
  };
  const onDecided = (decided: ReviewItem) => {
    const seen = order.current;
    const at = seen.indexOf(decided.id);
    const waiting = new Set(items.map((item) => item.id));
    const after = [...seen.slice(at + 1), ...seen.slice(0, Math.max(0, at))].find((candidate) => candidate !== decided.id && waiting.has(candidate));
    const fallback = items.find((item) => item.id !== decided.id)?.id;
    void open(after ?? fallback);
  };

  const listPanel = list.data ? (
    <ReviewList items={items} people={withMe(list.data.people, me.user)} filters={filters} setFilter={setFilter} selectedId={id} queues={queues} now={now} linkSearch={linkSearch} />
  ) : list.error ? (
    <Problem error={list.error} title="Could not load the review queue" retry={() => void list.refetch()} />
  ) : (
    <Loading what="the review queue" />
  );

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Review
      </Title>
      <Text size="sm" c="dimmed">
        Calls that need a person before anything goes to the chart. The list updates by itself.
      </Text>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4 }} display={id ? { base: 'none', md: 'block' } : undefined}>
          {listPanel}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {id ? (
            <Stack gap="sm">
              <Box hiddenFrom="md">
                <Anchor component={Link} to={`/review${linkSearch}`} size="sm">
                  ← Back to the list
                </Anchor>
              </Box>
              <Shortcuts />
              {opened.data && opened.data.item.id === id ? (
                <ReviewItemView opened={opened.data} onDecided={onDecided} onNext={() => step(1)} onPrevious={() => step(-1)} reload={() => opened.refetch()} />
              ) : opened.error ? (
                <Problem error={opened.error} title="Could not open this item" retry={() => void opened.refetch()} />
              ) : (
                <Loading what="the item" />
              )}
            </Stack>
          ) : (
            <Box visibleFrom="md">
              <Empty title="Open an item from the list">Or press j to open the first one. Its patient, red flags, transcript and note appear here.</Empty>
              <Shortcuts />
            </Box>
          )}
        </Grid.Col>
      </Grid>
      {!id ? <KeyToFirst onNext={() => step(1)} /> : null}
    </Stack>
  );
}

/** With no item open, `j` opens the first one (never while typing). */
function KeyToFirst({ onNext }: { onNext: () => void }) {
  const next = useRef(onNext);
  next.current = onNext;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.altKey || event.ctrlKey || event.metaKey || (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)))) return;
      if (event.key === 'j') next.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return null;
}
