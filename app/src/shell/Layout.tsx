import { ActionIcon, AppShell, Burger, Button, Group, Menu, NavLink, Stack, Text, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure, useReducedMotion } from '@mantine/hooks';
import { Suspense, useEffect } from 'react';
import { NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { screens } from '../screens';
import { DemoBanner } from './DemoBanner';
import { IdleWarning } from './idle-warning';
import { queuesInWords, roleWords } from './format';
import { useSession } from './session';
import { Loading } from './states';

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Use the ${next} theme`}>
      <ActionIcon variant="default" size="lg" aria-label={`Use the ${next} theme`} onClick={() => setColorScheme(next)}>
        <span aria-hidden>{scheme === 'dark' ? '☀' : '☾'}</span>
      </ActionIcon>
    </Tooltip>
  );
}

/**
 * The signed-in frame: who is signed in (name, role, queues), the screens their role uses, the
 * demo banner, the idle warning, and the theme. Works from 390 px wide (the navigation folds
 * behind a menu button).
 */
export function Layout() {
  const { me, info, signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  useEffect(() => close(), [location.pathname, close]);
  const mine = screens.filter((screen) => screen.nav && screen.roles.includes(me.user.role));
  const name = me.user.displayName ?? me.user.userName;
  const reduceMotion = useReducedMotion();
  return (
    <AppShell transitionDuration={reduceMotion ? 0 : 200} header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close the menu' : 'Open the menu'} />
            <Text fw={700} size="lg">
              Callchart
            </Text>
            <Text c="dimmed" size="sm" visibleFrom="md" truncate>
              {info.clinic.name}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ThemeToggle />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="subtle" px="xs" data-testid="signed-in-as">
                  <Stack gap={0} align="flex-end">
                    <Text size="sm" fw={600} lh={1.2} truncate maw={160}>
                      {name}
                    </Text>
                    <Text size="xs" c="dimmed" lh={1.2}>
                      {roleWords[me.user.role] ?? me.user.role}
                    </Text>
                  </Stack>
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>Queues: {queuesInWords(me.user.queues)}</Menu.Label>
                <Menu.Label>Times in {info.clinic.timeZone}</Menu.Label>
                <Menu.Divider />
                <Menu.Item onClick={() => void signOut()}>Sign out</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Screens">
        {mine.map((screen) => (
          <NavLink key={screen.path} component={RouterLink} to={screen.path} label={screen.label} />
        ))}
        <Text size="xs" c="dimmed" mt="auto" p="xs">
          {roleWords[me.user.role] ?? me.user.role} · {queuesInWords(me.user.queues)}
        </Text>
      </AppShell.Navbar>
      <AppShell.Main>
        <Stack gap="sm">
          {info.demoData ? <DemoBanner /> : null}
          <IdleWarning />
          <Suspense fallback={<Loading what="the screen" />}>
            <Outlet />
          </Suspense>
        </Stack>
      </AppShell.Main>
    </AppShell>
  );
}
