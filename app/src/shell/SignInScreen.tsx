import { Alert, Anchor, Button, Card, Center, Code, Divider, Image, List, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, read, setCsrfToken } from '../api/client';
import { inWords } from '../api/messages';
import { DemoBanner } from './DemoBanner';
import { useEngineInfo } from './session';

type Step =
  | { kind: 'password' }
  | { kind: 'code'; recovery: boolean }
  | { kind: 'enrol'; qrDataUrl: string; secret: string }
  | { kind: 'recovery-codes'; codes: string[] };

/** Only a path on this engine, never another site. */
function safeReturnTo(value: string | null): string {
  return value && /^\/[A-Za-z0-9\-_/?=&.%]*$/.test(value) && !value.startsWith('//') ? value : '/';
}

interface SignInAnswer {
  status?: string;
  pending?: string;
  csrfToken?: string;
  recoveryCodes?: string[];
}

/**
 * Sign-in (SE-3): the clinic's identity provider when it is set up, else user name and password
 * then a code from an authenticator app; the first sign-in enrols the authenticator (QR code)
 * and shows ten recovery codes once.
 */
export function SignInScreen() {
  const query = new URLSearchParams(location.search);
  const returnTo = safeReturnTo(query.get('returnTo'));
  const info = useEngineInfo();
  const sso = useQuery({ queryKey: ['sso'], queryFn: () => read<{ configured: boolean; displayName?: string }>(api.GET('/auth/sso/info' as never)).catch(() => ({ configured: false, displayName: '' })) });
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [pending, setPending] = useState('');
  const [busy, setBusy] = useState(false);
  const refused = document.body.dataset.problem;
  const [problem, setProblem] = useState<string | null>(refused ? inWords(refused) : null);
  const notice = query.get('reason') === 'expired' ? 'You were signed out because nothing happened for a while. Sign in again.' : query.get('reason') === 'signed-out' ? 'You are signed out.' : null;

  useEffect(() => {
    document.title = 'Sign in · Callchart';
  }, []);

  const done = () => location.assign(returnTo);
  const post = async (path: string, body: Record<string, unknown>): Promise<SignInAnswer> => {
    try {
      const answer = await read<SignInAnswer>(api.POST(path as '/auth/sign-in', { body: { ...(pending ? { pending } : {}), ...body } as never }));
      if (answer.pending) setPending(answer.pending);
      if (answer.csrfToken) setCsrfToken(answer.csrfToken);
      return answer;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'SIGN_IN_PENDING_INVALID') {
        setPending('');
        setStep({ kind: 'password' });
      }
      throw error;
    }
  };
  const next = async (answer: SignInAnswer, pendingNow = answer.pending ?? pending) => {
    if (answer.status === 'mfa-required') return setStep({ kind: 'code', recovery: false });
    if (answer.status === 'enrolment-required') {
      const enrolment = await read<{ qrDataUrl: string; secret: string; pending: string }>(api.POST('/auth/mfa/enrol', { body: { pending: pendingNow } }));
      setPending(enrolment.pending);
      return setStep({ kind: 'enrol', qrDataUrl: enrolment.qrDataUrl, secret: enrolment.secret });
    }
    if (answer.recoveryCodes?.length) return setStep({ kind: 'recovery-codes', codes: answer.recoveryCodes });
    done();
  };
  const submitting = (work: (form: FormData) => Promise<void>) => async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await work(new FormData(event.currentTarget));
    } catch (error) {
      setProblem(error instanceof ApiError ? error.words : inWords('NETWORK'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap={0} mih="100vh">
      {info.data?.demoData ? <DemoBanner /> : null}
      <Center component="main" flex={1} p="md" style={{ alignItems: "flex-start" }} pt="10vh">
        <Card withBorder shadow="sm" padding="lg" w="100%" maw={420}>
          <Stack>
            <Title order={1} size="h2">
              {step.kind === 'password' ? 'Sign in to Callchart' : step.kind === 'code' ? 'Enter your code' : step.kind === 'enrol' ? 'Set up your authenticator app' : 'Save your recovery codes'}
            </Title>
            {info.data ? <Text c="dimmed" size="sm">{info.data.clinic.name}</Text> : null}
            {notice && !problem ? (
              <Alert color="blue" role="status">
                {notice}
              </Alert>
            ) : null}
            {problem ? (
              <Alert color="red" role="alert">
                {problem}
              </Alert>
            ) : null}

            {step.kind === 'password' ? (
              <>
                {sso.data?.configured ? (
                  <>
                    <Button component="a" href={`/auth/sso/start?${new URLSearchParams({ returnTo })}`} size="md">
                      Sign in with {sso.data.displayName}
                    </Button>
                    <Divider label="or with a Callchart account" labelPosition="center" />
                  </>
                ) : null}
                <form onSubmit={submitting(async (form) => {
                  setPending('');
                  const answer = await read<SignInAnswer>(api.POST('/auth/sign-in', { body: { userName: String(form.get('userName') ?? ''), password: String(form.get('password') ?? '') } }));
                  if (answer.pending) setPending(answer.pending);
                  await next(answer, answer.pending ?? '');
                })}>
                  <Stack>
                    <TextInput label="User name" name="userName" autoComplete="username" required autoFocus />
                    <PasswordInput label="Password" name="password" autoComplete="current-password" required />
                    <Button type="submit" loading={busy}>
                      Continue
                    </Button>
                  </Stack>
                </form>
              </>
            ) : null}

            {step.kind === 'code' ? (
              <form onSubmit={submitting(async (form) => {
                const value = String(form.get('code') ?? '').trim();
                await next(await post('/auth/mfa', step.recovery ? { recoveryCode: value } : { code: value }));
              })}>
                <Stack>
                  <TextInput
                    key={step.recovery ? 'recovery' : 'code'}
                    label={step.recovery ? 'One of your recovery codes' : 'Six-digit code from your authenticator app'}
                    name="code"
                    inputMode={step.recovery ? 'text' : 'numeric'}
                    autoComplete="one-time-code"
                    required
                    autoFocus
                  />
                  <Button type="submit" loading={busy}>
                    Sign in
                  </Button>
                  <Anchor component="button" type="button" size="sm" onClick={() => setStep({ kind: 'code', recovery: !step.recovery })}>
                    {step.recovery ? 'Use the code from your authenticator app' : 'Lost your phone? Use a recovery code'}
                  </Anchor>
                </Stack>
              </form>
            ) : null}

            {step.kind === 'enrol' ? (
              <form onSubmit={submitting(async (form) => {
                const newPassword = String(form.get('newPassword') ?? '');
                await next(await post('/auth/mfa/enrol/confirm', { code: String(form.get('code') ?? '').trim(), ...(newPassword ? { newPassword } : {}) }));
              })}>
                <Stack>
                  <Text size="sm">First sign-in: scan this code with an authenticator app (or type the key), then enter the six-digit code it shows.</Text>
                  <Center>
                    <Image src={step.qrDataUrl} alt="QR code for your authenticator app" w={180} h={180} data-testid="enrol-qr" />
                  </Center>
                  <Text size="sm">
                    Key: <Code data-testid="enrol-secret">{step.secret}</Code>
                  </Text>
                  <TextInput label="Six-digit code from your authenticator app" name="code" inputMode="numeric" autoComplete="one-time-code" required autoFocus />
                  <PasswordInput label="New password (optional; at least 12 characters)" name="newPassword" autoComplete="new-password" />
                  <Button type="submit" loading={busy}>
                    Confirm and sign in
                  </Button>
                </Stack>
              </form>
            ) : null}

            {step.kind === 'recovery-codes' ? (
              <Stack>
                <Text size="sm">Keep these recovery codes somewhere safe. Each works once, if you lose your phone. They are shown only now.</Text>
                <List spacing={2} ff="monospace" aria-label="Recovery codes">
                  {step.codes.map((code) => (
                    <List.Item key={code}>{code}</List.Item>
                  ))}
                </List>
                <Button onClick={done}>I have saved them — continue</Button>
              </Stack>
            ) : null}
          </Stack>
        </Card>
      </Center>
    </Stack>
  );
}
