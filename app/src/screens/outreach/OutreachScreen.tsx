import { Alert, Badge, Button, Card, FileInput, Group, List, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, read } from '../../api/client';
import { clinicDate, clinicTime, queuesInWords } from '../../shell/format';
import { useSession } from '../../shell/session';
import { Empty, Loading, Problem } from '../../shell/states';
import { barrierWords, kindWords, taskStatusWords, type ImportReport, type OutreachAnswer, type OutreachEntry, type OutreachKind } from './outreach.types';

/**
 * Outreach lists (issue 16, FU-2): patients to call after a hospital stay or a missed visit, found
 * in the EHR on a schedule or uploaded as CSV. Each entry shows the barriers heard in the patient's
 * earlier calls, a suggested script, and where its callback stands (attempts and escalation are the
 * callback task's). Supervisors and admins upload lists and can search the EHR now.
 */
export default function OutreachScreen() {
  const { me, info } = useSession();
  const timeZone = info.clinic.timeZone;
  const [kind, setKind] = useState<'all' | OutreachKind>('all');
  const manages = me.user.role === 'supervisor' || me.user.role === 'admin';
  const outreach = useQuery({
    queryKey: ['outreach', kind],
    queryFn: () => read<OutreachAnswer>(api.GET('/api/outreach', { params: { query: kind === 'all' ? {} : { kind } } })),
  });

  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Title order={1} size="h2">
          Outreach
        </Title>
        <Text c="dimmed">
          Patients to call after a hospital stay or a missed visit, in {me.user.queues.includes('*') ? 'all queues' : `your queues (${queuesInWords(me.user.queues)})`}.
        </Text>
      </Stack>
      {outreach.data ? <ListSummary answer={outreach.data} timeZone={timeZone} /> : null}
      {manages ? <ManageLists /> : null}
      <SegmentedControl
        aria-label="Which list"
        value={kind}
        onChange={(value) => setKind(value as 'all' | OutreachKind)}
        data={[{ value: 'all', label: 'Both lists' }, { value: 'post-discharge', label: kindWords['post-discharge'] }, { value: 'no-show', label: kindWords['no-show'] }]}
      />
      {outreach.isPending ? (
        <Loading what="the outreach lists" />
      ) : outreach.isError ? (
        <Problem error={outreach.error} retry={() => void outreach.refetch()} title="The outreach lists could not be loaded" />
      ) : outreach.data.entries.length === 0 ? (
        <Empty title="Nobody to call">No one is on these lists in your queues.</Empty>
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Outreach entries">
          {outreach.data.entries.map((entry) => (
            <li key={entry.id}>
              <EntryCard entry={entry} timeZone={timeZone} />
            </li>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function ListSummary({ answer, timeZone }: { answer: OutreachAnswer; timeZone: string }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      {answer.lists.map((list) => (
        <Card key={list.kind} withBorder padding="sm">
          <Text fw={600}>{kindWords[list.kind]}</Text>
          <Text size="sm">{list.entries === 1 ? '1 patient' : `${list.entries} patients`}</Text>
          <Text size="sm" c="dimmed">
            {list.lastRun
              ? list.lastRun.errorCode
                ? `The last EHR search did not finish (${list.lastRun.errorCode}); it is tried again on schedule.`
                : `Last EHR search ${clinicTime(list.lastRun.finishedAt, timeZone, true)}: ${list.lastRun.imported} added${list.lastRun.capped ? ', more on the next search' : ''}.`
              : 'Not searched in the EHR yet.'}
          </Text>
        </Card>
      ))}
    </SimpleGrid>
  );
}

function EntryCard({ entry, timeZone }: { entry: OutreachEntry; timeZone: string }) {
  return (
    <Card withBorder padding="sm" aria-label={`${kindWords[entry.kind]}, patient ${entry.patientId}`}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <Badge variant="light">{kindWords[entry.kind]}</Badge>
            <Text size="sm">
              {entry.kind === 'post-discharge' ? 'Discharged' : 'Missed'} {clinicDate(entry.eventAt, timeZone)}
            </Text>
          </Group>
          <Text size="sm" c={entry.task?.overdue ? 'red' : 'dimmed'}>
            {entry.task ? `${taskStatusWords[entry.task.status] ?? entry.task.status} · ${entry.task.attempts === 1 ? '1 attempt' : `${entry.task.attempts} attempts`}${entry.task.overdue ? ' · overdue' : ''}` : 'No callback task'}
          </Text>
        </Group>
        <Text size="sm">
          Patient {entry.patientId}
          {entry.reasonCode ? ` · reason ${entry.reasonCode}` : ''} · {entry.source === 'ehr' ? 'from the EHR' : 'uploaded'}
        </Text>
        {entry.barriers.length ? (
          <Group gap={6} aria-label="Barriers heard in earlier calls">
            <Text size="sm">Heard before:</Text>
            {entry.barriers.map((barrier) => (
              <Badge key={barrier} variant="outline">
                {barrierWords[barrier] ?? barrier}
              </Badge>
            ))}
          </Group>
        ) : null}
        <Text size="sm" fw={600}>
          Suggested script
        </Text>
        <List size="sm" spacing={2} type="ordered">
          {entry.script.map((line, index) => (
            <List.Item key={index}>{line}</List.Item>
          ))}
        </List>
      </Stack>
    </Card>
  );
}

/** Upload a CSV list (its per-row report stays on screen) and search the EHR now. */
function ManageLists() {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      const text = await chosen.text();
      return read<{ import: ImportReport }>(
        api.POST('/api/outreach/imports', { body: text, bodySerializer: (body: string) => body, headers: { 'content-type': 'text/csv' } }),
      );
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['outreach'] }),
  });
  const search = useMutation({
    mutationFn: () => read<{ runs: { kind: OutreachKind; imported: number; errorCode: string | null }[] }>(api.POST('/api/outreach/runs', {})),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['outreach'] }),
  });
  const report = upload.data?.import;
  return (
    <Card withBorder padding="sm">
      <Stack gap="sm">
        <Text fw={600}>Add patients</Text>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (file) upload.mutate(file);
          }}
        >
          <Stack gap="xs">
            <FileInput label="Upload a list (CSV)" description="Columns: kind, patient_id or mrn, date (YYYY-MM-DD), reason_code" accept=".csv,text/csv" value={file} onChange={setFile} />
            <Group gap="xs" wrap="wrap">
              <Button type="submit" disabled={!file} loading={upload.isPending}>
                Upload list
              </Button>
              <Button variant="default" onClick={() => search.mutate()} loading={search.isPending}>
                Search the EHR now
              </Button>
            </Group>
          </Stack>
        </form>
        <div role="status" aria-live="polite">
          {upload.isError ? <Problem error={upload.error} title="The list was not imported" /> : null}
          {search.isError ? <Problem error={search.error} title="The EHR search did not run" /> : null}
          {search.data ? <Text size="sm">EHR searched: {search.data.runs.map((run) => `${kindWords[run.kind]} ${run.errorCode ? `not finished (${run.errorCode})` : `${run.imported} added`}`).join('; ')}.</Text> : null}
          {report ? <ImportResult report={report} /> : null}
        </div>
      </Stack>
    </Card>
  );
}

function ImportResult({ report }: { report: ImportReport }) {
  return (
    <Stack gap="xs" aria-label="Import report">
      <Alert title={`${report.imported} added, ${report.alreadyImported} already on a list, ${report.rejected} not imported`}>
        {report.total === 1 ? '1 row read.' : `${report.total} rows read.`} {report.rejected ? 'Fix the rows below and upload the file again: rows already imported are skipped.' : ''}
      </Alert>
      {report.problems.length ? (
        <Table.ScrollContainer minWidth={280}>
          <Table striped aria-label="Rows not imported">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Row</Table.Th>
                <Table.Th>Why not</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.problems.map((problem) => (
                <Table.Tr key={`${problem.row}-${problem.code}`}>
                  <Table.Td>{problem.row}</Table.Td>
                  <Table.Td>{problem.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Stack>
  );
}
