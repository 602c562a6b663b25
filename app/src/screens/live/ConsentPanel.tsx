import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId } from 'react';
import { api, ApiError, read } from '../../api/client';
import { Tag, type Tone } from './Tag';
import type { ConsentRow } from './types';
import { consentScope, consentSource, consentStatus } from './words';

const statusTone: Record<string, Tone> = { granted: 'green', declined: 'red' };

/**
 * Consent per scope, in words, and changing it while the caller is on the line (the caller
 * changes their mind: "stop recording"). The engine records the agent as the source and audits it.
 */
export function ConsentPanel({ callId, active, callUpdatedAt }: { callId: string; active: boolean; callUpdatedAt: string | undefined }) {
  const queryClient = useQueryClient();
  const key = ['live-consents', callId];
  const consents = useQuery({
    queryKey: key,
    queryFn: () => read<{ consents: ConsentRow[] }>(api.GET('/api/calls/{id}/consents', { params: { path: { id: callId } } })),
  });
  // The phone menu may capture consent during the call: read again when the call changes.
  const { refetch } = consents;
  useEffect(() => {
    if (callUpdatedAt) void refetch();
  }, [callUpdatedAt, refetch]);
  const change = useMutation({
    mutationFn: (input: { scope: string; status: 'granted' | 'declined' }) =>
      read(api.POST('/api/calls/{id}/consents', { params: { path: { id: callId } }, body: { scope: input.scope as 'record', status: input.status } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  if (consents.isError) {
    return (
      <Text size="sm" c="dimmed" data-field="consents">
        Consent could not be read now{consents.error instanceof ApiError ? `: ${consents.error.words}` : '.'}
      </Text>
    );
  }
  return (
    <Stack gap={6} data-field="consents">
      <Text size="sm" fw={700}>
        Consent
      </Text>
      {consents.data ? (
        consents.data.consents.map((row) => (
          <ConsentLine key={row.scope} row={row} active={active} busy={change.isPending && change.variables?.scope === row.scope} onChange={(status) => change.mutate({ scope: row.scope, status })} />
        ))
      ) : (
        <Text size="sm" c="dimmed" role="status">
          Reading consent…
        </Text>
      )}
      {change.isError ? (
        <Alert color="red" variant="light" role="alert" p="xs">
          {change.error instanceof ApiError ? change.error.words : 'The change did not go through. Try again.'}
        </Alert>
      ) : null}
    </Stack>
  );
}

function ConsentLine({ row, active, busy, onChange }: { row: ConsentRow; active: boolean; busy: boolean; onChange: (status: 'granted' | 'declined') => void }) {
  const labelId = useId();
  return (
    <Group gap="xs" justify="space-between" wrap="wrap" data-consent={row.scope} data-status={row.status}>
      <Group gap={6} wrap="wrap" style={{ minWidth: 0 }}>
        <Text size="sm" id={labelId}>
          {consentScope(row.scope)}
        </Text>
        <Tag tone={statusTone[row.status] ?? 'gray'} icon={row.status === 'granted' ? '✓' : row.status === 'declined' ? '✕' : undefined}>
          {consentStatus(row.status)}
        </Tag>
        {row.source ? (
          <Text size="xs" c="dimmed">
            {consentSource(row.source)}
          </Text>
        ) : null}
      </Group>
      {active ? (
        <Group gap={4} role="group" aria-labelledby={labelId} wrap="nowrap">
          <Button size="compact-xs" variant={row.status === 'granted' ? 'filled' : 'default'} aria-pressed={row.status === 'granted'} onClick={() => !busy && onChange('granted')}>
            Agrees
          </Button>
          <Button size="compact-xs" variant={row.status === 'declined' ? 'filled' : 'default'} color={row.status === 'declined' ? 'red' : undefined} aria-pressed={row.status === 'declined'} onClick={() => !busy && onChange('declined')}>
            Declines
          </Button>
        </Group>
      ) : null}
    </Group>
  );
}
