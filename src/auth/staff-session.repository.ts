import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import type { StaffRole } from './staff-token.ts';

/**
 * Server-side staff sessions (SE-3). The browser holds a random 256-bit value in an HttpOnly
 * cookie; the table holds only its SHA-256, so a copy of the table cannot be turned into cookies.
 * Expiry is decided here on every request (idle and absolute), and revoking is a row update, so
 * sign-out, sign-out everywhere and disabling an account take effect on the next request.
 */
export type AuthMethod = 'password+totp' | 'recovery-code' | 'sso';

export interface StaffSession {
  id: string;
  userId: string;
  authMethod: AuthMethod;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  steppedUpAt: Date | null;
  revokedAt: Date | null;
}

/** A session with the person it belongs to, as read on each request. */
export interface SessionHolder {
  session: StaffSession;
  user: { id: string; role: StaffRole; queues: string[]; extensions: string[]; active: boolean; displayName: string | null; userName: string };
}

/** The session id stored for a cookie value. */
export function sessionIdOf(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('hex');
}

/** A fresh cookie value (never stored) and the id stored for it. */
export function newSessionSecret(): { cookieValue: string; id: string } {
  const cookieValue = randomBytes(32).toString('base64url');
  return { cookieValue, id: sessionIdOf(cookieValue) };
}

export async function insertStaffSession(
  db: Queryable,
  session: { id: string; userId: string; authMethod: AuthMethod; now: Date; expiresAt: Date; steppedUp: boolean },
): Promise<void> {
  await db.query(
    `insert into staff_session (id, user_id, auth_method, created_at, last_seen_at, expires_at, stepped_up_at) values ($1, $2, $3, $4, $4, $5, $6)`,
    [session.id, session.userId, session.authMethod, session.now.toISOString(), session.expiresAt.toISOString(), session.steppedUp ? session.now.toISOString() : null],
  );
}

interface HolderRow {
  id: string;
  user_id: string;
  auth_method: AuthMethod;
  created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  stepped_up_at: Date | string | null;
  revoked_at: Date | string | null;
  role: StaffRole;
  queues: string[];
  extensions: string[];
  active: boolean;
  display_name: string | null;
  user_name: string;
}

/** The session a cookie names, with its person's current role and queues; null when there is none. */
export async function findSessionHolder(db: Queryable, sessionId: string): Promise<SessionHolder | null> {
  if (!/^[0-9a-f]{64}$/.test(sessionId)) return null;
  const { rows } = await db.query<HolderRow>(
    `select s.id, s.user_id, s.auth_method, s.created_at, s.last_seen_at, s.expires_at, s.stepped_up_at, s.revoked_at,
            u.role, u.queues, u.extensions, u.active, u.display_name, u.user_name
     from staff_session s join staff_user u on u.id = s.user_id where s.id = $1`,
    [sessionId],
  );
  const row = rows[0];
  if (!row) return null;
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    session: {
      id: row.id, userId: row.user_id, authMethod: row.auth_method, createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at),
      expiresAt: new Date(row.expires_at), steppedUpAt: date(row.stepped_up_at), revokedAt: date(row.revoked_at),
    },
    user: { id: row.user_id, role: row.role, queues: row.queues, extensions: row.extensions, active: row.active, displayName: row.display_name, userName: row.user_name },
  };
}

/** Marks the session used now (the idle clock restarts). */
export async function touchStaffSession(db: Queryable, sessionId: string, now: Date): Promise<void> {
  await db.query('update staff_session set last_seen_at = $2 where id = $1 and revoked_at is null', [sessionId, now.toISOString()]);
}

export async function markStaffSessionSteppedUp(db: Queryable, sessionId: string, now: Date): Promise<void> {
  await db.query('update staff_session set stepped_up_at = $2, last_seen_at = $2 where id = $1 and revoked_at is null', [sessionId, now.toISOString()]);
}

/** Ends one session; true when it was open. */
export async function revokeStaffSession(db: Queryable, sessionId: string, reason: string, now: Date): Promise<boolean> {
  const { rowCount } = await db.query('update staff_session set revoked_at = $3, revoke_reason = $2 where id = $1 and revoked_at is null', [sessionId, reason, now.toISOString()]);
  return rowCount > 0;
}
