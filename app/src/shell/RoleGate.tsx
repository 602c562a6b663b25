import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { Link } from 'react-router';
import type { ScreenRow } from '../screens';
import { homeFor } from '../screens';
import { roleWords } from './format';
import { useSession } from './session';

/** A screen for the roles that use it; anyone else is told so in words, with the way to their own screen. */
export function RoleGate({ screen }: { screen: ScreenRow }) {
  const { me } = useSession();
  useEffect(() => {
    document.title = `${screen.label} · Callchart`;
  }, [screen.label]);
  if (!screen.roles.includes(me.user.role)) {
    return (
      <Stack component="section" aria-labelledby="not-for-role">
        <Title order={1} size="h3" id="not-for-role">
          {screen.label} is not part of your role
        </Title>
        <Text>
          As {roleWords[me.user.role] ?? me.user.role} you do not use this screen. If you need it, ask your administrator.{' '}
          <Anchor component={Link} to={homeFor(me.user.role)}>
            Go to your screens
          </Anchor>
        </Text>
      </Stack>
    );
  }
  const Screen = screen.component;
  return <Screen />;
}
