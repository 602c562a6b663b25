import { Alert, Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, read } from '../../api/client';
import { queuesInWords, roleWords } from '../../shell/format';
import { useSession, type StaffRole } from '../../shell/session';
import { Empty, Loading, Problem } from '../../shell/states';
import type { StaffAccount } from './settings-types';

const roleOptions = Object.entries(roleWords).map(([value, label]) => ({ value, label }));

/**
 * Users and roles: every staff account with its role and queues; a change of role or queues is
 * saved with a reason (kept in the audit row) over the version shown, so two admins cannot
 * silently overwrite each other. Accounts the identity provider manages say so.
 */
export function UsersSection() {
  const { me } = useSession();
  const users = useQuery({ queryKey: ['admin-users'], queryFn: () => read<{ users: StaffAccount[] }>(api.GET('/api/admin/users')) });
  const [editing, setEditing] = useState<StaffAccount | null>(null);

  if (users.isPending) return <Loading what="staff accounts" />;
  if (users.isError) return <Problem error={users.error} retry={() => void users.refetch()} title="Staff accounts could not be loaded" />;
  const list = users.data.users;

  return (
    <Stack gap="md">
      <Title order={2} size="h4">
        Users and roles
      </Title>
      <Text size="sm">A change of role or queues applies at the person&apos;s next request. Each change keeps its reason in the audit log.</Text>
      {list.length === 0 ? <Empty title="No staff accounts yet" /> : null}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        {list.map((user) => (
          <Paper key={user.id} withBorder p="sm" radius="sm">
            <Stack gap={4}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <Text fw={600} truncate>
                    {user.displayName ?? user.userName}
                  </Text>
                  <Text size="xs" c="dimmed" truncate>
                    {user.userName}
                  </Text>
                </div>
                <Badge variant="filled" color={user.active ? 'teal.9' : 'gray.8'} styles={{ label: { textTransform: 'none' } }}>
                  {user.active ? 'Active' : 'Disabled'}
                </Badge>
              </Group>
              <Text size="sm">
                {roleWords[user.role] ?? user.role} · {queuesInWords(user.queues)}
              </Text>
              {user.managedBy === 'scim' ? (
                <Text size="xs" c="dimmed">
                  Managed by your identity provider: its groups set the role and queues.
                </Text>
              ) : null}
              {editing?.id === user.id ? <ChangeAccess user={user} onClose={() => setEditing(null)} /> : null}
              {editing?.id === user.id ? null : user.id === me.user.id ? (
                <Text size="xs" c="dimmed">
                  This is you: another administrator changes your own role.
                </Text>
              ) : (
                <Group>
                  <Button size="xs" variant="light" onClick={() => setEditing(user)} aria-label={`Change role or queues of ${user.displayName ?? user.userName}`}>
                    Change role or queues
                  </Button>
                </Group>
              )}
            </Stack>
          </Paper>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

function ChangeAccess({ user, onClose }: { user: StaffAccount; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [role, setRole] = useState<StaffRole>(user.role);
  const [queues, setQueues] = useState(user.queues.join(', '));
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: () =>
      read(
        api.PATCH('/api/admin/users/{id}', {
          params: { path: { id: user.id } },
          body: { role, queues: queues.split(',').map((queue) => queue.trim()).filter(Boolean), version: user.version, reason: reason.trim() },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['admin-users'] });
      onClose();
    },
    // Someone else changed the account: show the list as it is now (the words say what happened).
    onError: () => void queryClient.invalidateQueries({ queryKey: ['admin-users'] }),
  });
  const name = user.displayName ?? user.userName;
  return (
    <Stack
      gap="sm"
      component="form"
      aria-label={`Change role or queues of ${name}`}
      mt="xs"
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
        <NativeSelect label="Role" data={roleOptions} value={role} onChange={(event) => setRole(event.currentTarget.value as StaffRole)} />
        <TextInput label="Queues" description="Separate queues with commas; * means all queues." value={queues} onChange={(event) => setQueues(event.currentTarget.value)} />
        <Textarea
          label="Why are you making this change?"
          description="Kept in the audit log with who and when."
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
        {change.isError ? <Problem error={change.error} title="The change was not saved" /> : null}
        <Group justify="flex-end">
          <Button variant="subtle" onClick={onClose}>
            Cancel
          </Button>
          <Button
            loading={change.isPending}
            onClick={() => {
              if (reason.trim().length < 3) {
                setReasonError('Say why you are making this change before saving (a few words).');
                return;
              }
              change.mutate();
            }}
          >
            Save the change
          </Button>
        </Group>
    </Stack>
  );
}
