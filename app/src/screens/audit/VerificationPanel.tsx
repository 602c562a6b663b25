import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { useSession } from '../../shell/session';
import { Problem } from '../../shell/states';
import { useVerification } from './audit-api';
import { auditTime } from './audit-time';

/**
 * Is the trail whole? The engine walks the hash chain with the audit key and checks it against the
 * signed checkpoints kept outside the database (as `callchart audit verify` does), and this says
 * the verdict in words: intact, or broken and where.
 */
export function VerificationPanel() {
  const { info } = useSession();
  const verification = useVerification();
  const zone = info.clinic.timeZone;
  const again = (
    <Button size="xs" variant="default" onClick={() => void verification.refetch()} loading={verification.isFetching}>
      Check again
    </Button>
  );
  if (verification.isPending) {
    return (
      <Alert color="gray" title="Checking the audit trail…" role="status" data-testid="audit-verification">
        <Text size="sm">Callchart is re-checking every event against the audit key and the signed checkpoints.</Text>
      </Alert>
    );
  }
  if (verification.isError) return <Problem error={verification.error} retry={() => void verification.refetch()} title="The audit trail could not be checked" />;
  const report = verification.data;
  const checkpoint = report.newestCheckpoint
    ? `The newest signed checkpoint was taken ${auditTime(report.newestCheckpoint.at, zone)} and covers events up to #${report.newestCheckpoint.seq}.`
    : 'There is no signed checkpoint yet, so a deleted tail of the trail could not be seen.';
  if (report.ok) {
    return (
      <Alert color="green" title="The audit trail is intact" data-testid="audit-verification" variant="light" styles={{ title: { color: 'var(--mantine-color-text)' } }}>
        <Stack gap={6}>
          <Text size="sm">
            All {report.events.toLocaleString('en-US')} events verify under the audit key, in order, with none missing. {checkpoint}{' '}
            {report.checkpoints > 0 ? 'The checkpoint signatures verify.' : ''}
          </Text>
          {report.uncovered > 0 ? (
            <Text size="sm">{report.uncovered} newer events are not under a checkpoint yet (the next one is written within seconds).</Text>
          ) : null}
          <Group gap="sm" justify="space-between">
            <Text size="xs" c="dimmed">
              Checked {auditTime(report.checkedAt, zone)}
            </Text>
            {again}
          </Group>
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert color="red" title="The audit trail is broken" data-testid="audit-verification" variant="light" role="alert" styles={{ title: { color: 'var(--mantine-color-text)' } }}>
      <Stack gap={6}>
        <Text size="sm">
          Some events do not verify: the trail was changed outside Callchart. Keep this screen's export and tell your privacy officer. What was found:
        </Text>
        <List size="sm" spacing={2}>
          {report.problems.slice(0, 10).map((problem, index) => (
            <List.Item key={`${problem.kind}-${problem.firstSeq ?? index}`}>{problem.words[0]!.toUpperCase() + problem.words.slice(1)}.</List.Item>
          ))}
        </List>
        {report.problems.length > 10 ? <Text size="sm">…and {report.problems.length - 10} more.</Text> : null}
        <Text size="sm">{checkpoint}</Text>
        <Group gap="sm" justify="space-between">
          <Text size="xs" c="dimmed">
            Checked {auditTime(report.checkedAt, zone)} · {report.events.toLocaleString('en-US')} events
          </Text>
          {again}
        </Group>
      </Stack>
    </Alert>
  );
}
