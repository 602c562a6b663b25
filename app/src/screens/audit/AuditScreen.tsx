import { Stack, Text, Title } from '@mantine/core';
import { useParams, useSearchParams } from 'react-router';
import type { TrailSearch } from './audit-types';
import { CallTimeline } from './CallTimeline';
import { searchFromParams, TrailSearchPanel } from './TrailSearchPanel';
import { VerificationPanel } from './VerificationPanel';

/**
 * The auditor's screen (issue 14, item 5): whether the trail is intact, a search of it, and a
 * call's chain of custody (`/audit/calls/:id`). Ids, codes in words, times in the clinic's zone;
 * never call content. Exports are signed and need a fresh confirmation.
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
  const onSearch = (next: TrailSearch) => setParams(new URLSearchParams(Object.entries(next).filter(([, value]) => Boolean(value)) as [string, string][]));
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
      <TrailSearchPanel search={search} onSearch={onSearch} />
    </Stack>
  );
}
