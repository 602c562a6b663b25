import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useParams, useSearchParams } from 'react-router';
import type { TrailSearch } from './audit-types';
import { CallTimeline } from './CallTimeline';
import { AlertsList, HoldsList } from './GovernanceLists';
import { searchFromParams, TrailSearchPanel } from './TrailSearchPanel';
import { VerificationPanel } from './VerificationPanel';

const tabs = ['trail', 'alerts', 'holds'] as const;
type Tab = (typeof tabs)[number];

/**
 * The auditor's screen (issue 14, item 5): whether the trail is intact, a search of it, alerts and
 * legal holds as tabs (`?tab=`), and a call's chain of custody (`/audit/calls/:id`). Ids, codes in
 * words, times in the clinic's zone; never call content. Exports are signed and need a fresh
 * confirmation.
 */
export default function AuditScreen() {
  const { id } = useParams();
  const [params, setParams] = useSearchParams();
  if (id) {
    return (
      <Stack gap="md">
        <CallTimeline callId={id} />
      </Stack>
    );
  }
  const search = searchFromParams(params);
  const tab: Tab = tabs.find((known) => known === params.get('tab')) ?? 'trail';
  const onSearch = (next: TrailSearch) => setParams(new URLSearchParams(Object.entries(next).filter(([, value]) => Boolean(value)) as [string, string][]));
  const onTab = (next: string | null) => {
    const copy = new URLSearchParams(params);
    if (!next || next === 'trail') copy.delete('tab');
    else copy.set('tab', next);
    setParams(copy);
  };
  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Title order={1} size="h3">
          Audit
        </Title>
        <Text size="sm" c="dimmed">
          Who did what to which call, and when. The trail holds ids and codes, never what was said.
        </Text>
      </Stack>
      <VerificationPanel />
      <Tabs value={tab} onChange={onTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="trail">Audit trail</Tabs.Tab>
          <Tabs.Tab value="alerts">Alerts</Tabs.Tab>
          <Tabs.Tab value="holds">Legal holds</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="trail" pt="md">
          <TrailSearchPanel search={search} onSearch={onSearch} />
        </Tabs.Panel>
        <Tabs.Panel value="alerts" pt="md">
          <AlertsList />
        </Tabs.Panel>
        <Tabs.Panel value="holds" pt="md">
          <HoldsList />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
