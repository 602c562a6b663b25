import { Alert, Badge, Button, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, read } from '../../api/client';
import { Loading, Problem } from '../../shell/states';
import { DiffPreview } from './DiffPreview';
import { HistoryList } from './HistoryList';
import { ProblemList } from './ProblemList';
import { shortVersion, type SettingsPreview, type SettingsProblem, type SettingsSaved, type SettingsSectionId, type SettingsSectionView } from './settings-types';

/**
 * One settings section: the document as YAML (as in its file), checked by the engine against the
 * file's schema, the change previewed field by field, saved only with a reason and over the
 * version this admin opened (someone else's save first is said in words, not overwritten).
 */
export function SectionEditor({ section }: { section: SettingsSectionId }) {
  const queryClient = useQueryClient();
  const view = useQuery({
    queryKey: ['settings', section],
    queryFn: () => read<SettingsSectionView>(api.GET('/api/admin/settings/{section}', { params: { path: { section } } })),
  });
  const [text, setText] = useState<string | null>(null);
  const [baseVersion, setBaseVersion] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [preview, setPreview] = useState<SettingsPreview | null>(null);
  const [saved, setSaved] = useState<SettingsSaved | null>(null);
  const [saveProblems, setSaveProblems] = useState<SettingsProblem[] | null>(null);

  // The editor starts from the version on the engine, once; a refresh of the history does not
  // overwrite what the admin is typing.
  useEffect(() => {
    if (view.data && text === null) {
      setText(view.data.yaml);
      setBaseVersion(view.data.version);
    }
  }, [view.data, text]);

  const check = useMutation({
    mutationFn: (document: string) => read<SettingsPreview>(api.POST('/api/admin/settings/{section}/preview', { params: { path: { section } }, body: { document } })),
    onSuccess: (answer) => {
      setPreview(answer);
      setSaveProblems(null);
    },
  });
  const save = useMutation({
    mutationFn: (body: { document: string; reason: string; baseVersion: string }) =>
      read<SettingsSaved>(api.PUT('/api/admin/settings/{section}', { params: { path: { section } }, body })),
    onSuccess: async (answer) => {
      setSaved(answer);
      setPreview(null);
      setReason('');
      setBaseVersion(answer.version);
      await queryClient.invalidateQueries({ queryKey: ['settings', section] });
    },
    onError: (error) => {
      if (error instanceof ApiError && Array.isArray(error.detail.problems)) setSaveProblems(error.detail.problems as SettingsProblem[]);
    },
  });

  if (view.isPending) return <Loading what="these settings" />;
  if (view.isError) return <Problem error={view.error} retry={() => void view.refetch()} title="These settings could not be loaded" />;
  const data = view.data;
  const current = text ?? data.yaml;
  const edited = current !== data.yaml || baseVersion !== data.version;

  const onSave = () => {
    if (reason.trim().length < 3) {
      setReasonError('Say why you are making this change before saving (a few words, e.g. "new evening queue"). Every settings change keeps its reason.');
      return;
    }
    setReasonError(null);
    save.mutate({ document: current, reason, baseVersion: baseVersion ?? data.version });
  };
  const startOver = () => {
    setText(data.yaml);
    setBaseVersion(data.version);
    setPreview(null);
    setSaved(null);
    setSaveProblems(null);
    save.reset();
  };
  const stale = save.error instanceof ApiError && save.error.code === 'SETTINGS_VERSION_STALE';

  return (
    <Stack gap="md">
      <Group gap="xs" wrap="wrap">
        <Title order={2} size="h4">
          {data.title}
        </Title>
        <Badge variant="filled" color={data.applies === 'live' ? 'teal.9' : 'indigo.9'} styles={{ label: { textTransform: 'none' } }}>
          {data.applies === 'live' ? 'Applies at once' : 'Applies after a restart'}
        </Badge>
      </Group>
      <Text size="sm">
        {data.appliesWords} It replaces {data.source} while that file is unchanged; checked by the same rules as the file. Version in force: <strong>{shortVersion(data.version)}</strong>.
      </Text>
      {data.waitingForRestart ? (
        <Alert color="yellow" variant="light" title="Saved, waiting for a restart">
          The saved version {shortVersion(data.version)} is used when the engine next starts; until then calls follow the version it started with.
        </Alert>
      ) : null}
      {saved ? (
        <Alert color="green" variant="light" title={saved.changed ? 'Saved' : 'Nothing to save'} role="status">
          {saved.changed
            ? `Version ${shortVersion(saved.version)} replaced ${shortVersion(saved.previousVersion)}. ${saved.applies === 'live' ? 'The next call follows it.' : 'It applies after the engine restarts.'}`
            : 'This is the version already in force.'}
        </Alert>
      ) : null}

      <Textarea
        label="Settings (YAML, as in the file)"
        description="Change what you need, then check the changes. Nothing is saved until you give a reason and save."
        value={current}
        onChange={(event) => {
          setText(event.currentTarget.value);
          setPreview(null);
          setSaved(null);
        }}
        autosize
        minRows={8}
        maxRows={24}
        spellCheck={false}
        wrap="off"
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13, whiteSpace: 'pre', overflowX: 'auto' } }}
      />
      <Group gap="sm">
        <Button onClick={() => check.mutate(current)} loading={check.isPending} disabled={!edited && !preview}>
          Check the changes
        </Button>
        {edited ? (
          <Button variant="subtle" onClick={startOver}>
            Start over from the version in force
          </Button>
        ) : null}
      </Group>
      {check.isError ? <Problem error={check.error} title="The changes could not be checked" /> : null}
      {preview && !preview.ok ? <ProblemList problems={preview.problems} /> : null}
      {preview && preview.ok && preview.unchanged ? <Text size="sm">This is the same as the version in force: nothing would change.</Text> : null}
      {preview && preview.ok && !preview.unchanged ? (
        <Stack gap="sm">
          <DiffPreview changes={preview.changes} before={data.yaml} after={preview.yaml} />
          <Textarea
            label="Why are you making this change?"
            description="Kept with the change in the audit log (who, when and why). Do not write patient details here."
            required
            value={reason}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              if (reasonError) setReasonError(null);
            }}
            error={Boolean(reasonError)}
            autosize
            minRows={2}
            maxLength={500}
          />
          {reasonError ? (
            <Alert color="red" variant="light" role="alert" p="xs">
              {reasonError}
            </Alert>
          ) : null}
          <Group>
            <Button onClick={onSave} loading={save.isPending}>
              Save this change
            </Button>
          </Group>
        </Stack>
      ) : null}
      {saveProblems ? <ProblemList problems={saveProblems} /> : null}
      {save.isError && !saveProblems ? (
        <Problem error={save.error} title={stale ? 'Someone else saved these settings first' : 'The change was not saved'} retry={stale ? startOver : undefined} />
      ) : null}
      <HistoryList history={data.history} />
    </Stack>
  );
}
