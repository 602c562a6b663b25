import { Anchor, Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, read } from '../api/client';
import { useSession } from './session';

export type StepUpPurpose = 'raw-content' | 'export' | 'key-operation';

const why: Record<StepUpPurpose, string> = {
  'raw-content': 'To see the unredacted content, confirm it is you.',
  export: 'To export, confirm it is you.',
  'key-operation': 'To change keys, confirm it is you.',
};

interface StepUpContextValue {
  /** Asks the person to confirm it is them; true once they have (false if they cancel). */
  confirm(purpose: StepUpPurpose): Promise<boolean>;
}

const StepUpContext = createContext<StepUpContextValue | null>(null);

/**
 * Runs `work`; when the engine answers that it needs a fresh confirmation (STEP_UP_REQUIRED), asks
 * for it first and runs `work` once more. Raw content, exports and key operations go through this.
 */
export function useStepUp() {
  const context = useContext(StepUpContext);
  if (!context) throw new Error('useStepUp outside StepUpProvider');
  return useCallback(
    async <T,>(purpose: StepUpPurpose, work: () => Promise<T>): Promise<T | null> => {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'STEP_UP_REQUIRED') throw error;
        if (!(await context.confirm(purpose))) return null;
        return work();
      }
    },
    [context],
  );
}

/** The step-up prompt: password and a fresh code (local accounts), or the identity provider (SSO). */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const { me, refresh } = useSession();
  const [purpose, setPurpose] = useState<StepUpPurpose | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const settle = useRef<((ok: boolean) => void) | null>(null);

  const confirm = useCallback((wanted: StepUpPurpose) => {
    setProblem(null);
    setPurpose(wanted);
    return new Promise<boolean>((resolve) => {
      settle.current = resolve;
    });
  }, []);
  const close = (ok: boolean) => {
    settle.current?.(ok);
    settle.current = null;
    setPurpose(null);
  };
  const submit = async (form: FormData) => {
    if (!purpose) return;
    setBusy(true);
    try {
      await read(api.POST('/auth/step-up', { body: { purpose, password: String(form.get('password') ?? ''), code: String(form.get('code') ?? '').trim() } }));
      await refresh();
      close(true);
    } catch (error) {
      setProblem(error instanceof ApiError ? error.words : 'That did not work. Try again.');
    } finally {
      setBusy(false);
    }
  };
  const returnTo = `${location.pathname}${location.search}`;
  return (
    <StepUpContext.Provider value={{ confirm }}>
      {children}
      <Modal opened={purpose !== null} onClose={() => close(false)} title="Confirm it is you" centered>
        {purpose ? (
          <Stack>
            <Text size="sm">{why[purpose]}</Text>
            {me.session.method === 'sso' ? (
              <Anchor href={`/auth/sso/start?${new URLSearchParams({ purpose: 'step-up', for: purpose, returnTo })}`}>Confirm with your identity provider</Anchor>
            ) : (
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  void submit(new FormData(event.currentTarget));
                }}
              >
                <Stack>
                  <PasswordInput label="Your password" name="password" autoComplete="current-password" required data-autofocus />
                  <TextInput label="Six-digit code from your authenticator app" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" required />
                  {problem ? (
                    <Text c="var(--callchart-danger-text)" size="sm" role="alert">
                      {problem}
                    </Text>
                  ) : null}
                  <Group justify="flex-end">
                    <Button variant="default" onClick={() => close(false)}>
                      Cancel
                    </Button>
                    <Button type="submit" loading={busy}>
                      Confirm
                    </Button>
                  </Group>
                </Stack>
              </form>
            )}
          </Stack>
        ) : null}
      </Modal>
    </StepUpContext.Provider>
  );
}
