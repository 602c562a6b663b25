import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/notifications/styles.css';
import { createTheme, localStorageColorSchemeManager, MantineProvider, type CSSVariablesResolver } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { setNonce } from 'get-nonce';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { homeFor, screens } from './screens';
import { Layout } from './shell/Layout';
import { SessionProvider, useSession } from './shell/session';
import { SignInScreen } from './shell/SignInScreen';
import { StepUpProvider } from './shell/step-up';
import { Loading } from './shell/states';
import { RoleGate } from './shell/RoleGate';

/** The page's CSP nonce (the engine writes it into the meta tag): Mantine's style tags carry it. */
const nonce = document.querySelector('meta[name="csp-nonce"]')?.getAttribute('content') ?? '';
// Modals and menus lock the page's scroll with a style tag of their own (react-remove-scroll): same nonce.
setNonce(nonce);

// Colours with at least 4.5:1 contrast on text (WCAG AA): the primary shade is darker than Mantine's default.
// autoContrast: text on filled colours turns black or white by the colour's lightness (4.5:1 in both themes).
const theme = createTheme({ autoContrast: true, respectReducedMotion: true, primaryColor: 'blue', primaryShade: { light: 8, dark: 8 }, defaultRadius: 'sm', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' });

// Secondary ("dimmed") text dark enough for 4.5:1 on both themes' backgrounds (axe color-contrast).
const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  // Warning words (red flags, allergies, refusals) in red that reads on each theme's background.
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--callchart-danger-text': 'var(--mantine-color-red-9)' },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)', '--callchart-danger-text': 'var(--mantine-color-red-4)' },
});

const queryClient = new QueryClient({
  defaultOptions: {
    // A refusal is an answer, not a reason to ask three times; screens retry on the person's click.
    queries: { retry: false, refetchOnWindowFocus: false },
  },
});

function Home() {
  const { me } = useSession();
  return <Navigate to={homeFor(me.user.role)} replace />;
}

function SignedIn() {
  return (
    <SessionProvider fallback={<Loading what="your session" />}>
      <StepUpProvider>
        <Layout />
      </StepUpProvider>
    </SessionProvider>
  );
}

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInScreen /> },
  // The identity provider's refusals come back on the callback's own URL, with the reason on <body>.
  { path: '/auth/sso/callback', element: <SignInScreen /> },
  { path: '/auth/sso/start', element: <SignInScreen /> },
  {
    element: <SignedIn />,
    children: [
      { path: '/', element: <Home /> },
      ...screens.map((screen) => ({ path: screen.path, element: <RoleGate screen={screen} /> })),
      { path: '*', element: <Home /> },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={localStorageColorSchemeManager({ key: 'callchart-color-scheme' })} getStyleNonce={() => nonce} cssVariablesResolver={cssVariables}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
