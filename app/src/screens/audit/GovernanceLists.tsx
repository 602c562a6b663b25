import { Anchor, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, read } from '../../api/client';
import { useSession } from '../../shell/session';
import { Empty, Loading, Problem } from '../../shell/states';
import { auditTime } from './audit-time';
import { actorWords, objectWords } from './audit-words';

/** The alerts and legal holds an auditor keeps an eye on, read-only here (ids, codes and times). */

interface AlertRow {
  id: string;
  rule: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  raisedAt: string;
  eventSeq: number;
  eventAt: string;
  actor: string | null;
  objectType: string | null;
  objectId: string | null;
  status: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

interface HoldRow {
  id: string;
  scope: 'call' | 'patient';
  callId: string | null;
  patientId: string | null;
  reason: string;
  setBy: string;
  setAt: string;
}

const ruleWords: Record<string, string> = {
  'consent-check-failed': 'A consent check refused call content',
  'access-above-baseline': 'Someone viewed more patients than usual in an hour',
  export: 'Audit records or call data were exported',
  'raw-content-viewed': 'Unredacted call content was revealed',
  'repeated-review-edits': 'One person edited one review item many times',
  'deleted-outside-policy': 'Content was deleted outside its retention policy',
  'policy-changed': 'The queue policy was changed (or a change refused)',
  'key-changed': 'An encryption key was changed',
  'privileged-sign-in': 'An administrator or auditor signed in',
  'audit-verification-failed': 'The audit trail did not verify',
  'checkpoint-sink-unreachable': 'Audit checkpoints could not be written',
};

const quiet = 'light-dark(var(--mantine-color-dark-6), var(--mantine-color-gray-4))';
const loud = 'light-dark(var(--mantine-color-red-9), var(--mantine-color-red-3))';
const severityColor: Record<AlertRow['severity'], string> = { low: quiet, medium: quiet, high: loud, critical: loud };
const severityWords: Record<AlertRow['severity'], string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };
const statusWords: Record<string, string> = { open: 'Open', acknowledged: 'Acknowledged' };

export function AlertsList() {
  const { info } = useSession();
  const zone = info.clinic.timeZone;
  const alerts = useQuery({ queryKey: ['audit', 'alerts'], queryFn: () => read<{ alerts: AlertRow[] }>(api.GET('/api/alerts', { params: { query: { limit: 100 } } })) });
  if (alerts.isPending) return <Loading what="alerts" />;
  if (alerts.isError) return <Problem error={alerts.error} retry={() => void alerts.refetch()} title="Alerts could not be loaded" />;
  if (alerts.data.alerts.length === 0) return <Empty title="No alerts">Alerts appear here when an access or a change needs a second look.</Empty>;
  return (
    <Stack gap="xs" data-testid="audit-alerts">
      {alerts.data.alerts.map((alert) => (
        <Paper key={alert.id} withBorder p="sm">
          <Stack gap={4}>
            <Group justify="space-between" gap="xs">
              <Text size="sm" fw={600}>
                {ruleWords[alert.rule] ?? alert.rule.replace(/-/g, ' ')}
              </Text>
              <Badge variant="outline" color={severityColor[alert.severity]}>
                {severityWords[alert.severity]}
              </Badge>
            </Group>
            <Text size="sm">
              Raised {auditTime(alert.raisedAt, zone)} · {statusWords[alert.status] ?? alert.status}
              {alert.acknowledgedAt ? ` ${auditTime(alert.acknowledgedAt, zone)}` : ''}
            </Text>
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              Event #{alert.eventSeq}
              {alert.actor ? ` · by ${actorWords(alert.actor, {})}` : ''}
              {alert.objectType ? ` · ${objectWords(alert.objectType)} ${alert.objectId ?? ''}` : ''}
            </Text>
            {alert.objectType === 'call' && alert.objectId ? (
              <Anchor component={Link} to={`/audit/calls/${alert.objectId}`} size="sm">
                Chain of custody of this call
              </Anchor>
            ) : null}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

export function HoldsList() {
  const { info } = useSession();
  const zone = info.clinic.timeZone;
  const holds = useQuery({ queryKey: ['audit', 'holds'], queryFn: () => read<{ holds: HoldRow[] }>(api.GET('/api/retention/holds', { params: { query: { status: 'in-force' } } })) });
  if (holds.isPending) return <Loading what="legal holds" />;
  if (holds.isError) return <Problem error={holds.error} retry={() => void holds.refetch()} title="Legal holds could not be loaded" />;
  if (holds.data.holds.length === 0) return <Empty title="No legal holds in force">A hold keeps a call or a patient's calls from being deleted on schedule.</Empty>;
  return (
    <Stack gap="xs" data-testid="audit-holds">
      {holds.data.holds.map((hold) => (
        <Paper key={hold.id} withBorder p="sm">
          <Stack gap={4}>
            <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
              {hold.scope === 'call' ? `Call ${hold.callId ?? ''}` : `Every call of chart ${hold.patientId ?? ''}`}
            </Text>
            <Text size="sm">
              Set {auditTime(hold.setAt, zone)} by {actorWords(hold.setBy, {})}
            </Text>
            <Text size="sm">Reason: {hold.reason}</Text>
            {hold.scope === 'call' && hold.callId ? (
              <Anchor component={Link} to={`/audit/calls/${hold.callId}`} size="sm">
                Chain of custody of this call
              </Anchor>
            ) : null}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
