import { Anchor, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../shell/session';
import { Empty, Loading, Problem } from '../../shell/states';
import { useTrail } from './audit-api';
import { auditTime } from './audit-time';
import type { People, TrailEvent, TrailSearch } from './audit-types';
import { actionOptions, eventTitle, actorWords, callOf, detailWords, objectWords, outcomeColor, outcomeWords, reasonWords } from './audit-words';
import { ExportButton } from './ExportButton';

const fields = ['callId', 'patientRef', 'actor', 'action', 'fromDate', 'toDate'] as const;

/** The search as the URL keeps it. */
export function searchFromParams(params: URLSearchParams): TrailSearch {
  const search: TrailSearch = {};
  for (const field of fields) {
    const value = params.get(field)?.trim();
    if (value) search[field] = value;
  }
  return search;
}

/** The form: call, patient reference, person, action, clinic days. Submitting puts the search in the URL. */
function SearchForm({ search, onSearch }: { search: TrailSearch; onSearch(next: TrailSearch): void }) {
  const [action, setAction] = useState<string | null>(search.action ?? null);
  return (
    <form
      aria-label="Search the audit trail"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const next: TrailSearch = {};
        for (const field of fields) {
          const value = field === 'action' ? action : String(form.get(field) ?? '').trim();
          if (value) next[field] = value;
        }
        onSearch(next);
      }}
    >
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" verticalSpacing="xs">
          <TextInput label="Call id" name="callId" defaultValue={search.callId ?? ''} description="Callchart's call id or the phone system's" autoComplete="off" />
          <TextInput label="Patient reference" name="patientRef" defaultValue={search.patientRef ?? ''} description="The chart id in the EHR" autoComplete="off" />
          <TextInput label="Person" name="actor" defaultValue={search.actor ?? ''} description="A staff user name, or an actor such as system" autoComplete="off" />
          <Select label="What happened" placeholder="Any action" data={actionOptions} value={action} onChange={setAction} clearable searchable nothingFoundMessage="No action by that name" description="An action in the trail" comboboxProps={{ withinPortal: true }} />
          <TextInput label="From (clinic date)" name="fromDate" type="date" defaultValue={search.fromDate ?? ''} description="From the start of this day" />
          <TextInput label="To (clinic date)" name="toDate" type="date" defaultValue={search.toDate ?? ''} description="To the end of this day" />
        </SimpleGrid>
        <Group gap="sm">
          <Button type="submit">Search</Button>
          <Button
            variant="default"
            onClick={() => {
              setAction(null);
              onSearch({});
            }}
          >
            Clear
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ObjectCell({ event, linkCall }: { event: TrailEvent; linkCall: boolean }) {
  const callId = linkCall ? callOf(event) : null;
  const id = event.objectId ? <span style={{ overflowWrap: 'anywhere' }}>{event.objectId}</span> : null;
  return (
    <Stack gap={2}>
      <Text size="sm">
        {objectWords(event.objectType)} {id}
      </Text>
      {callId ? (
        <Anchor component={Link} to={`/audit/calls/${callId}`} size="sm">
          Chain of custody of this call
        </Anchor>
      ) : null}
    </Stack>
  );
}

function WhatCell({ event }: { event: TrailEvent }) {
  const facts = detailWords(event);
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {eventTitle(event)}
      </Text>
      {facts.length ? (
        <Text size="xs" c="dimmed">
          {facts.join(' · ')}
        </Text>
      ) : null}
    </Stack>
  );
}

function Outcome({ event }: { event: TrailEvent }) {
  const reason = reasonWords(event.reason);
  return (
    <Stack gap={2} align="flex-start">
      <Badge color={outcomeColor(event.outcome)} variant="outline">
        {outcomeWords(event.outcome)}
      </Badge>
      {reason ? <Text size="sm">Reason: {reason}</Text> : null}
    </Stack>
  );
}

/** Results as a table on a wide screen, as cards on a phone (no sideways scroll). */
function TrailRows({ events, people, zone, linkCalls }: { events: TrailEvent[]; people: People; zone: string; linkCalls: boolean }) {
  const narrow = useMediaQuery('(max-width: 62em)');
  if (narrow) {
    return (
      <Stack gap="xs" data-testid="audit-results">
        {events.map((event) => (
          <Paper key={event.seq} withBorder p="sm" data-testid="audit-row" data-seq={event.seq}>
            <Stack gap={6}>
              <Group justify="space-between" gap="xs" wrap="wrap">
                <Text size="sm">{auditTime(event.at, zone)}</Text>
                <Text size="xs" c="dimmed">
                  #{event.seq}
                </Text>
              </Group>
              <WhatCell event={event} />
              <Text size="sm">Who: {actorWords(event.actor, people)}</Text>
              <ObjectCell event={event} linkCall={linkCalls} />
              <Outcome event={event} />
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <Table striped verticalSpacing="xs" data-testid="audit-results">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Who</Table.Th>
          <Table.Th>What</Table.Th>
          <Table.Th>About</Table.Th>
          <Table.Th>Outcome and reason</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {events.map((event) => (
          <Table.Tr key={event.seq} data-testid="audit-row" data-seq={event.seq}>
            <Table.Td>
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {auditTime(event.at, zone)}
              </Text>
              <Text size="xs" c="dimmed">
                #{event.seq}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{actorWords(event.actor, people)}</Text>
            </Table.Td>
            <Table.Td>
              <WhatCell event={event} />
            </Table.Td>
            <Table.Td maw={280}>
              <ObjectCell event={event} linkCall={linkCalls} />
            </Table.Td>
            <Table.Td>
              <Outcome event={event} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Search the trail, newest first; export what was found as a signed file. */
export function TrailSearchPanel({ search, onSearch }: { search: TrailSearch; onSearch(next: TrailSearch): void }) {
  const { info } = useSession();
  const zone = info.clinic.timeZone;
  const trail = useTrail(search, zone);
  const events = trail.data?.pages.flatMap((page) => page.events) ?? [];
  const people: People = Object.assign({}, ...(trail.data?.pages.map((page) => page.people) ?? []));
  const searching = Object.keys(search).length > 0;
  return (
    <Stack gap="md">
      {/* Re-mounted only when the search in the URL changes, so the fields show what was searched. */}
      <SearchForm key={JSON.stringify(search)} search={search} onSearch={onSearch} />
      <Group justify="space-between" align="flex-end" gap="sm">
        <Title order={2} size="h4">
          {searching ? 'Events found' : 'Latest events'}
        </Title>
        <ExportButton search={search} label={searching ? 'Export these events (signed)' : 'Export the trail (signed)'} fileName="callchart-audit-export.jsonl" />
      </Group>
      {search.callId ? (
        <Anchor component={Link} to={`/audit/calls/${encodeURIComponent(search.callId)}`}>
          Open this call's chain of custody (oldest first)
        </Anchor>
      ) : null}
      {trail.isPending ? (
        <Loading what="the audit trail" />
      ) : trail.isError ? (
        <Problem error={trail.error} retry={() => void trail.refetch()} title="The audit trail could not be loaded" />
      ) : events.length === 0 ? (
        <Empty title={searching ? 'No events match this search' : 'The audit trail is empty'}>
          {searching ? 'Check the call id, person or dates, or clear some fields. A person is found by their user name.' : 'Events appear here as calls arrive and staff work.'}
        </Empty>
      ) : (
        <Stack gap="sm">
          <TrailRows events={events} people={people} zone={zone} linkCalls={!search.callId} />
          <Group justify="center">
            {trail.hasNextPage ? (
              <Button variant="default" onClick={() => void trail.fetchNextPage()} loading={trail.isFetchingNextPage}>
                Show older events
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                {events.length === 1 ? 'One event' : `${events.length} events`}; nothing older matches.
              </Text>
            )}
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
