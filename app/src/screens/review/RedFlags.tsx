import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, read } from '../../api/client';
import { useSession } from '../../shell/session';
import { clinicTime, duration } from '../../shell/format';
import { Problem } from '../../shell/states';
import type { OpenedItem, RedFlagAcknowledgements } from './types';
import { certaintyWords, personInWords, redFlagInWords, withMe } from './words';

/**
 * The call's red flags, loud, inside the item: what was heard, how certain, about whom, and who
 * acknowledged it when (the first acknowledgement stands, timed and audited by the engine).
 */
export function RedFlags({ opened }: { opened: OpenedItem }) {
  const { me, info } = useSession();
  const queryClient = useQueryClient();
  const callId = opened.item.callId;
  const codes = [...new Set([...opened.item.redFlags, ...opened.redFlags.map((flag) => flag.code)])];
  const acks = useQuery({
    queryKey: ['red-flags', callId],
    queryFn: () => read<RedFlagAcknowledgements>(api.GET('/api/calls/{id}/red-flags', { params: { path: { id: callId } } })),
    enabled: codes.length > 0,
  });
  const acknowledge = useMutation({
    mutationFn: (code: string) => read(api.POST('/api/calls/{id}/red-flags/acknowledge', { params: { path: { id: callId } }, body: { code, screen: 'review' } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['red-flags', callId] }),
  });
  if (codes.length === 0) return null;
  return (
    <Stack gap="xs" component="section" aria-label="Red flags" data-testid="red-flags">
      {codes.map((code) => {
        const found = opened.redFlags.filter((flag) => flag.code === code);
        const status = found.some((flag) => flag.status === 'affirmed') ? 'affirmed' : found.some((flag) => flag.status === 'uncertain') ? 'uncertain' : null;
        const aboutOther = found.length > 0 && found.every((flag) => flag.subject === 'other');
        const ack = acks.data?.redFlags.find((entry) => entry.code === code)?.acknowledgement ?? null;
        return (
          <Alert key={code} color="red" variant="filled" title={`Red flag: ${redFlagInWords(code)}`} data-red-flag-code={code} role="region" aria-label={`Red flag: ${redFlagInWords(code)}`}>
            <Stack gap={6}>
              <Group gap="xs" wrap="wrap">
                {status ? (
                  <Badge color={status === 'affirmed' ? 'dark' : 'yellow'} c={status === 'affirmed' ? 'white' : 'dark'} variant="filled" data-testid="certainty" style={{ whiteSpace: 'normal', height: 'auto' }}>
                    {certaintyWords[status]}
                  </Badge>
                ) : null}
                {aboutOther ? (
                  <Badge color="gray" variant="white" c="dark">
                    About someone else the caller is with
                  </Badge>
                ) : null}
              </Group>
              {ack ? (
                <Text size="sm" data-testid="acknowledged">
                  Acknowledged by {personInWords(ack.acknowledgedBy, withMe(opened.people, me.user), me.user.id)} at {clinicTime(ack.acknowledgedAt, info.clinic.timeZone, true)} ({duration(ack.secondsToAcknowledge)} after it was raised).
                </Text>
              ) : (
                <Group gap="xs" wrap="wrap">
                  <Text size="sm">Not acknowledged yet. Acknowledge it once you have acted on it (it stays on the call).</Text>
                  <Button size="xs" color="dark" onClick={() => acknowledge.mutate(code)} loading={acknowledge.isPending && acknowledge.variables === code}>
                    Acknowledge
                  </Button>
                </Group>
              )}
            </Stack>
          </Alert>
        );
      })}
      {acknowledge.error ? <Problem error={acknowledge.error} title="The acknowledgement was not saved" /> : null}
      {acks.error ? <Problem error={acks.error} title="Could not read who acknowledged the red flags" retry={() => void acks.refetch()} /> : null}
    </Stack>
  );
}
