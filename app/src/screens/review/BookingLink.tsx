import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, read } from '../../api/client';
import type { paths } from '../../api/openapi';
import { clinicTime } from '../../shell/format';
import { useSession } from '../../shell/session';
import { Problem } from '../../shell/states';
import type { OpenedItem } from './types';

type LinkAnswer = paths['/api/calls/{id}/booking-link']['get']['responses'][200]['content']['application/json'];
type SentAnswer = paths['/api/calls/{id}/booking-link']['post']['responses'][201]['content']['application/json'];
type LinkStatus = NonNullable<LinkAnswer['link']>;

const statusWords: Record<LinkStatus['status'], string> = {
  sent: 'Sent',
  'send-failed': 'Not sent',
  opened: 'Opened by the patient',
  verified: 'Patient confirmed their date of birth',
  booked: 'Booked',
  locked: 'Locked (dates of birth did not match)',
  superseded: 'Replaced by a newer link',
};

/**
 * Self-scheduling (SC-1) on an appointment request: text the caller a booking link (to the chart's
 * mobile number, which staff never type and see masked), and where it stands: sent, opened, booked
 * with the Appointment id.
 */
export function BookingLink({ opened }: { opened: OpenedItem }) {
  const { info } = useSession();
  const queryClient = useQueryClient();
  const callId = opened.item.callId;
  const [sentTo, setSentTo] = useState<string | null>(null);
  const status = useQuery({
    queryKey: ['booking-link', callId],
    queryFn: () => read<LinkAnswer>(api.GET('/api/calls/{id}/booking-link', { params: { path: { id: callId } } })),
  });
  const send = useMutation({
    mutationFn: () => read<SentAnswer>(api.POST('/api/calls/{id}/booking-link', { params: { path: { id: callId } } })),
    onSuccess: (answer) => {
      setSentTo(answer.sentTo);
      return queryClient.invalidateQueries({ queryKey: ['booking-link', callId] });
    },
  });
  const link = status.data?.link ?? null;
  if (!link && !status.data?.appointmentRequest) return null;
  const expired = link ? Date.parse(link.expiresAt) <= Date.now() && link.status !== 'booked' : false;
  return (
    <Card withBorder component="section" aria-label="Booking link" data-testid="booking-link">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>Let the patient book online</Text>
          {link ? (
            <Badge color={link.status === 'booked' ? 'green' : link.status === 'locked' || link.status === 'send-failed' || expired ? 'red' : 'blue'} data-testid="booking-link-status" style={{ whiteSpace: 'normal', height: 'auto' }}>
              {expired ? 'Expired' : statusWords[link.status]}
            </Badge>
          ) : null}
        </Group>
        {link ? (
          <Text size="sm">
            Sent {clinicTime(link.createdAt, info.clinic.timeZone, true)}
            {sentTo ? ` to ${sentTo}` : ''}; works until {clinicTime(link.expiresAt, info.clinic.timeZone, true)}.
            {link.openedAt ? ` Opened ${clinicTime(link.openedAt, info.clinic.timeZone, true)}.` : ''}
            {link.appointmentId ? ` Appointment ${link.appointmentId} booked ${link.bookedAt ? clinicTime(link.bookedAt, info.clinic.timeZone, true) : ''}.` : ''}
          </Text>
        ) : (
          <Text size="sm">
            Texts a link to the mobile number in the patient&apos;s chart. The patient confirms their date of birth, then picks a free time.
            {status.data?.patientIdentified ? '' : " Link the call to the patient's chart first."}
          </Text>
        )}
        {link?.status !== 'booked' ? (
          <Group>
            <Button size="xs" onClick={() => send.mutate()} loading={send.isPending} data-testid="send-booking-link">
              {link ? 'Send a new link' : 'Text a booking link'}
            </Button>
          </Group>
        ) : null}
        {send.error ? <Problem error={send.error} title="The booking link was not sent" /> : null}
        {status.error ? <Problem error={status.error} title="Could not read the booking link" retry={() => void status.refetch()} /> : null}
      </Stack>
    </Card>
  );
}
