import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, markServerContact, onSessionLost, read, setCsrfToken } from '../api/client';

export type StaffRole = 'intake' | 'nurse' | 'clinician' | 'supervisor' | 'analyst' | 'admin' | 'auditor';

export interface Me {
  user: { id: string; userName: string; displayName: string | null; role: StaffRole; queues: string[]; extensions: string[] };
  session: { method: string; createdAt: string; idleExpiresAt: string; expiresAt: string; steppedUpUntil: string | null };
  csrfToken: string;
}

export interface EngineInfo {
  version: string;
  storage: string;
  clinic: { name: string; timeZone: string };
  demoData: boolean;
}

interface SessionContextValue {
  me: Me;
  info: EngineInfo;
  /** Re-reads the session (renews the idle timer, as any request does). */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The engine's public facts (clinic, time zone, demo data): no session needed. */
export function useEngineInfo() {
  return useQuery({ queryKey: ['info'], queryFn: () => read<EngineInfo>(api.GET('/api/info')), staleTime: Infinity });
}

/** Where to send a person who is not signed in: the sign-in screen, back here afterwards. */
export function signInHref(reason?: 'expired' | 'signed-out'): string {
  const here = `${location.pathname}${location.search}`;
  const query = new URLSearchParams(here !== '/' && here !== '/sign-in' ? { returnTo: here } : {});
  if (reason) query.set('reason', reason);
  const text = query.toString();
  return `/sign-in${text ? `?${text}` : ''}`;
}

let leaving = false;
/**
 * Send the browser to sign-in, once. A session that ends is noticed by several watchers at the
 * same moment (a 401 on a query, the live WebSocket's 4401, the idle check); a second navigation
 * would abort the first one half-way.
 */
export function leaveForSignIn(reason?: 'expired' | 'signed-out'): void {
  if (leaving) return;
  leaving = true;
  location.assign(reason === 'signed-out' ? '/sign-in?reason=signed-out' : signInHref(reason));
}

/**
 * The signed-in person for every screen below it. No session: to the sign-in screen (never a
 * screen that keeps saying "reconnecting…"). A session that ends while a screen is open (idle,
 * signed out elsewhere, disabled) sends the person to sign-in with the reason.
 */
export function SessionProvider({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const queryClient = useQueryClient();
  const info = useEngineInfo();
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const response = await fetch('/auth/me', { credentials: 'same-origin', cache: 'no-store' });
      if (response.status === 401) return null;
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      markServerContact();
      return (await response.json()) as Me;
    },
    staleTime: 60_000,
    retry: 1,
  });
  const [lost, setLost] = useState(false);
  useEffect(() => onSessionLost(() => setLost(true)), []);
  useEffect(() => {
    if (me.data) setCsrfToken(me.data.csrfToken);
  }, [me.data]);
  useEffect(() => {
    if (lost || me.data === null) leaveForSignIn(lost ? 'expired' : undefined);
  }, [lost, me.data]);

  const refresh = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: ['me'] });
  }, [queryClient]);
  const signOut = useCallback(async () => {
    await read(api.POST('/auth/sign-out')).catch(() => undefined);
    queryClient.clear();
    leaveForSignIn('signed-out');
  }, [queryClient]);

  const value = useMemo(() => (me.data && info.data ? { me: me.data, info: info.data, refresh, signOut } : null), [me.data, info.data, refresh, signOut]);
  if (!value) return <>{fallback}</>;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
