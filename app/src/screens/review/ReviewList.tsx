import { Badge, Button, Card, Group, NativeSelect, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, read } from '../../api/client';
import { age, birthDate } from '../../shell/format';
import { useSession } from '../../shell/session';
import { Empty, Problem } from '../../shell/states';
import type { ListedItem, Priority } from './types';
import { personInWords, priorityColor, priorityWords, reasonCodes, reasonInWords, requestTypeInWords, requestTypes, statusWords } from './words';

export interface ListFilters {
  view: 'waiting' | 'decided';
  queue: string;
  priority: string;
  requestType: string;
  reason: string;
  mine: boolean;
}

interface ReviewListProps {
  items: ListedItem[];
  people: Record<string, string> | undefined;
  filters: ListFilters;
  setFilter: (name: keyof ListFilters, value: string) => void;
  selectedId: string | undefined;
  queues: string[];
  now: number;
  linkSearch: string;
}

/**
 * The review queue: what waits, for how long, why a person reviews it, whose it is. Updated in
 * place (stable keys, no loading swap): keyboard focus stays where the person left it.
 */
export function ReviewList({ items, people, filters, setFilter, selectedId, queues, now, linkSearch }: ReviewListProps) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const claim = useMutation({
    mutationFn: (id: string) => read(api.POST('/api/review/{id}/assign', { params: { path: { id } }, body: { assignee: me.user.id } })),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['review-list'] }), queryClient.invalidateQueries({ queryKey: ['review-item'] })]),
  });
  return (
    <Stack gap="sm" component="section" aria-labelledby="list-heading">
      <Title order={2} size="h4" id="list-heading">
        {filters.view === 'waiting' ? 'Waiting for review' : 'Decided'}
      </Title>
      <Card withBorder padding="xs" component="form" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        <SimpleGrid cols={2} spacing="xs">
          <NativeSelect size="xs" label="Show" value={filters.view} onChange={(event) => setFilter('view', event.currentTarget.value)} data={[{ value: 'waiting', label: 'Waiting for review' }, { value: 'decided', label: 'Decided' }]} />
          <NativeSelect size="xs" label="Queue" value={filters.queue} onChange={(event) => setFilter('queue', event.currentTarget.value)} data={[{ value: '', label: 'All my queues' }, ...queues.map((queue) => ({ value: queue, label: queue }))]} />
          <NativeSelect size="xs" label="Urgency" value={filters.priority} onChange={(event) => setFilter('priority', event.currentTarget.value)} data={[{ value: '', label: 'Any urgency' }, ...(Object.keys(priorityWords) as Priority[]).map((value) => ({ value, label: priorityWords[value] }))]} />
          <NativeSelect size="xs" label="Request type" value={filters.requestType} onChange={(event) => setFilter('requestType', event.currentTarget.value)} data={[{ value: '', label: 'Any request' }, ...requestTypes.map((value) => ({ value, label: requestTypeInWords(value) }))]} />
          <NativeSelect size="xs" label="Why reviewed" value={filters.reason} onChange={(event) => setFilter('reason', event.currentTarget.value)} data={[{ value: '', label: 'Any reason' }, ...reasonCodes.map((value) => ({ value, label: reasonInWords(value) }))]} />
          <NativeSelect size="xs" label="Assigned" value={filters.mine ? 'me' : ''} onChange={(event) => setFilter('mine', event.currentTarget.value)} data={[{ value: '', label: 'Anyone or nobody' }, { value: 'me', label: 'Assigned to me' }]} />
        </SimpleGrid>
      </Card>
      <Text size="sm" c="dimmed" aria-live="polite" data-testid="list-count">
        {items.length === 1 ? '1 item' : `${items.length} items`}
      </Text>
      {items.length === 0 ? (
        <Empty title={filters.view === 'waiting' ? 'Nothing waits for review' : 'Nothing decided yet'}>
          {filters.view === 'waiting' ? 'New calls that need a person appear here by themselves. Change the filters to see more.' : 'Approved and rejected items appear here.'}
        </Empty>
      ) : (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="review-list">
          {items.map((item) => {
            const selected = item.id === selectedId;
            const who = item.patient?.name ?? (item.patient ? 'Chart details not available now' : 'No chart linked');
            return (
              <li key={item.id} data-review-item={item.id}>
                <Card withBorder padding="xs" style={{ borderColor: selected ? 'var(--mantine-primary-color-filled)' : undefined, borderWidth: selected ? 2 : undefined }}>
                  <Stack gap={4}>
                    <UnstyledButton component={Link} to={`/review/${item.id}${linkSearch}`} aria-current={selected ? 'true' : undefined} data-testid="open-item" style={{ display: 'block' }}>
                      <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
                        <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }} data-field="patient">
                          {who}
                        </Text>
                        <Badge color={priorityColor[item.priority]} variant={item.priority === 'stat' ? 'filled' : 'light'} style={{ flexShrink: 0 }}>
                          {priorityWords[item.priority]}
                        </Badge>
                      </Group>
                      {item.patient?.birthDate ? (
                        <Text size="xs" c="dimmed">
                          Born {birthDate(item.patient.birthDate)}
                          {item.patient.mrn ? ` · ${/^mrn/i.test(item.patient.mrn) ? '' : 'MRN '}${item.patient.mrn}` : ''}
                        </Text>
                      ) : null}
                      <Text size="sm">{requestTypeInWords(item.requestType)}</Text>
                      <Text size="xs" c="dimmed" data-testid="aging">
                        {item.status === 'pending' ? `Waiting ${age(item.createdAt, now)}` : statusWords[item.status]}
                        {item.queue ? ` · ${item.queue}` : ''}
                      </Text>
                      {item.redFlags.length ? (
                        <Text size="xs" c="var(--callchart-danger-text)" fw={700}>
                          Red flag on this call
                        </Text>
                      ) : null}
                      <Text size="xs" data-testid="reasons-in-words">
                        {item.reasons.map(reasonInWords).join('; ')}
                      </Text>
                    </UnstyledButton>
                    <Group justify="space-between" gap="xs" wrap="wrap">
                      <Text size="xs" c="dimmed">
                        {item.assignedTo ? `Assigned to ${personInWords(item.assignedTo, people, me.user.id)}` : 'Not assigned'}
                      </Text>
                      {item.status === 'pending' && item.assignedTo !== me.user.id ? (
                        <Button size="compact-xs" variant="light" onClick={() => claim.mutate(item.id)} data-testid="claim" aria-label={`Assign to me: ${who}, ${requestTypeInWords(item.requestType)}`}>
                          Assign to me
                        </Button>
                      ) : null}
                    </Group>
                  </Stack>
                </Card>
              </li>
            );
          })}
        </Stack>
      )}
      {claim.error ? <Problem error={claim.error} title="Could not assign it to you" /> : null}
    </Stack>
  );
}
