import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { StaffRole } from '../../src/auth/staff-token.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { createStaffUser, type StaffUser } from '../../src/auth/staff-directory.repository.ts';
import type { Db } from '../../src/store/db.ts';

/**
 * A synthetic staff member with a local account, signed in over HTTP the way a browser does:
 * password, authenticator enrolment with a first code, then requests with the session cookie and
 * the CSRF token. Codes are computed from the enrolled secret on the engine's clock; each code
 * is for a time step after the last one used (the engine refuses a replayed step).
 */
export interface LocalStaff {
  user: StaffUser;
  userName: string;
  password: string;
  totpSecret: string;
  recoveryCodes: string[];
  /** The session cookie value (what the browser holds) and its CSRF token. */
  cookie: string;
  csrfToken: string;
  /** A fresh TOTP code (a step never used before, within the engine's ±1 step tolerance). */
  code(): Promise<string>;
  /** A request with the session cookie; state-changing requests carry the CSRF token unless `csrf: false`. */
  fetch(method: string, path: string, body?: unknown, options?: { csrf?: boolean | string; headers?: Record<string, string>; cookie?: string | null }): Promise<{ status: number; body: Json; headers: Headers }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as JSON and checked field by field in the tests
type Json = any;

export const sessionCookiePrefix = '__Host-callchart_session=';

/** The cookie value in a Set-Cookie header (null when the header clears it). */
export function cookieFrom(setCookie: string | null): string | null {
  if (!setCookie?.startsWith(sessionCookiePrefix)) return null;
  const value = setCookie.slice(sessionCookiePrefix.length).split(';')[0]!;
  return value || null;
}

export async function requestJson(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** A TOTP code source for `secret` on `clock`, never repeating a time step. */
export function totpCodes(secret: string, clock: () => Date): () => Promise<string> {
  let lastStep = -1;
  return async () => {
    const step = Math.max(Math.floor(clock().getTime() / 30_000), lastStep + 1);
    lastStep = step;
    return generate({ secret, epoch: step * 30 });
  };
}

/**
 * Creates the account in the directory, then signs in over HTTP with enrolment. `clock` must be
 * the engine's clock (the real one unless the test injected its own).
 */
export async function signUpAndSignIn(
  engine: { url: string; db: Db },
  person: { userName?: string; role: StaffRole; queues?: string[] },
  clock: () => Date = () => new Date(),
): Promise<LocalStaff> {
  const userName = person.userName ?? `${person.role}-${randomBytes(4).toString('hex')}`;
  const password = `synthetic-${randomBytes(9).toString('base64url')}`;
  const user = await createStaffUser(engine.db, { userName, role: person.role, queues: person.queues ?? ['*'], passwordHash: await hashPassword(password) }, 'test');
  const first = await requestJson(engine.url, 'POST', '/auth/sign-in', { userName, password });
  if (first.body?.status !== 'enrolment-required') throw new Error(`sign-in answered ${first.status} ${JSON.stringify(first.body)}`);
  const enrolment = await requestJson(engine.url, 'POST', '/auth/mfa/enrol', { pending: first.body.pending });
  const totpSecret = enrolment.body.secret as string;
  const code = totpCodes(totpSecret, clock);
  const confirmed = await requestJson(engine.url, 'POST', '/auth/mfa/enrol/confirm', { pending: enrolment.body.pending, code: await code() });
  const cookie = cookieFrom(confirmed.headers.get('set-cookie'));
  if (confirmed.status !== 200 || !cookie) throw new Error(`enrolment answered ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return sessionFor(engine.url, { user, userName, password, totpSecret, recoveryCodes: confirmed.body.recoveryCodes, cookie, csrfToken: confirmed.body.csrfToken, code });
}

/** Wraps a cookie and CSRF token as a LocalStaff (a second session of the same person, say). */
export function sessionFor(baseUrl: string, parts: Omit<LocalStaff, 'fetch'>): LocalStaff {
  return {
    ...parts,
    fetch(method, path, body, options = {}) {
      const cookie = options.cookie === undefined ? parts.cookie : options.cookie;
      const csrf = options.csrf === undefined || options.csrf === true ? parts.csrfToken : options.csrf === false ? undefined : options.csrf;
      return requestJson(baseUrl, method, path, body, {
        ...(cookie ? { cookie: `${sessionCookiePrefix}${cookie}` } : {}),
        ...(csrf && !['GET', 'HEAD'].includes(method) ? { 'x-csrf-token': csrf } : {}),
        ...options.headers,
      });
    },
  };
}

/** Signs the same person in again (password, then a code): a second session, as on another device. */
export async function signInAgain(baseUrl: string, staff: LocalStaff): Promise<LocalStaff> {
  const first = await requestJson(baseUrl, 'POST', '/auth/sign-in', { userName: staff.userName, password: staff.password });
  if (first.body?.status !== 'mfa-required') throw new Error(`sign-in answered ${first.status} ${JSON.stringify(first.body)}`);
  const second = await requestJson(baseUrl, 'POST', '/auth/mfa', { pending: first.body.pending, code: await staff.code() });
  const cookie = cookieFrom(second.headers.get('set-cookie'));
  if (second.status !== 200 || !cookie) throw new Error(`second factor answered ${second.status} ${JSON.stringify(second.body)}`);
  return sessionFor(baseUrl, { ...staff, cookie, csrfToken: second.body.csrfToken });
}
