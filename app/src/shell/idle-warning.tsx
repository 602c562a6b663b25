import { Button, Group, Paper, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { lastServerContact } from '../api/client';
import { leaveForSignIn, useSession } from './session';

/** Minutes before the idle sign-out that the warning shows. */
const warnMinutes = 2;

/**
 * The idle-timeout warning (SE-3): shown two minutes before the session would end for lack of
 * activity (every answer from the engine renews it), with a button that renews it. When the time is
 * up, one look at the session (which ends it on the engine, audited) and then to sign-in with the
 * reason, instead of a screen that fails request by request.
 */
export function IdleWarning() {
  const { me, refresh } = useSession();
  const [now, setNow] = useState(Date.now());
  // The idle window as the engine counts it: from the session's last renewal to its idle end.
  const idleWindowMs = useMemo(() => Date.parse(me.session.idleExpiresAt) - lastServerContact(), [me.session.idleExpiresAt]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const left = lastServerContact() + idleWindowMs - now;
  useEffect(() => {
    if (left > 0) return;
    void fetch('/auth/me', { credentials: 'same-origin', cache: 'no-store' }).then(
      (answer) => (answer.status === 401 ? leaveForSignIn('expired') : refresh()),
      () => undefined,
    );
  }, [left, refresh]);
  if (left > warnMinutes * 60_000 || left <= 0) return null;
  return (
    <Paper role="alert" withBorder p="sm" bg="yellow.1" c="dark.9">
      <Group justify="space-between">
        <Text size="sm">You will be signed out in {Math.max(1, Math.ceil(left / 60_000))} min because nothing happened here.</Text>
        <Button size="xs" onClick={() => void refresh()}>
          Stay signed in
        </Button>
      </Group>
    </Paper>
  );
}
