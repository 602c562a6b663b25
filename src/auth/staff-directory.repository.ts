import { appendAuditEvent } from '../audit/audit.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import type { StaffRole } from './staff-token.ts';

/**
 * The staff directory (SE-3): who may sign in, with which role and queues. Role and queues are
 * read from here on every request, so changing them (or disabling the account) takes effect at
 * once. Every change is audited in the transaction that makes it, with ids and field names only.
 *
 * `StaffUser` carries no secrets; the sign-in code reads credentials through `findStaffCredentials`.
 */
export interface StaffUser {
  id: string;
  userName: string;
  displayName: string | null;
  email: string | null;
  role: StaffRole;
  queues: string[];
  extensions: string[];
  active: boolean;
  /** A local password is set (null hash = SSO only). */
  hasPassword: boolean;
  /** TOTP confirmed by a first code. */
  mfaEnrolled: boolean;
  recoveryCodesLeft: number;
  failedSignIns: number;
  lockedUntil: Date | null;
  ssoIssuer: string | null;
  ssoSubject: string | null;
  externalId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  disabledAt: Date | null;
}

export interface NewStaffUser {
  userName: string;
  displayName?: string | null;
  email?: string | null;
  role: StaffRole;
  queues?: readonly string[];
  extensions?: readonly string[];
  active?: boolean;
  /** An argon2id PHC string (see password.ts), never a password. */
  passwordHash?: string | null;
  ssoIssuer?: string | null;
  ssoSubject?: string | null;
  externalId?: string | null;
}

/** Fields an administrator (or SCIM) may change; `undefined` leaves a field as it is. */
export type StaffUserChanges = Partial<Omit<NewStaffUser, 'active'>>;

/** Who did it, as the audit log names actors: `staff:<user id>`, `cli`, `scim:<client>`, `system`. */
export type Actor = string;

interface StaffUserRow {
  id: string;
  user_name: string;
  display_name: string | null;
  email: string | null;
  role: StaffRole;
  queues: string[];
  extensions: string[];
  active: boolean;
  password_hash: string | null;
  totp_ciphertext: Uint8Array | null;
  totp_key_id: string | null;
  totp_enrolled_at: Date | string | null;
  totp_last_step: string | number | null;
  recovery_code_hashes: string[];
  failed_sign_ins: number;
  locked_until: Date | string | null;
  sso_issuer: string | null;
  sso_subject: string | null;
  external_id: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  disabled_at: Date | string | null;
}

const dateOrNull = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

function fromRow(row: StaffUserRow): StaffUser {
  return {
    id: row.id,
    userName: row.user_name,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    queues: row.queues,
    extensions: row.extensions,
    active: row.active,
    hasPassword: row.password_hash !== null,
    mfaEnrolled: row.totp_enrolled_at !== null,
    recoveryCodesLeft: row.recovery_code_hashes.length,
    failedSignIns: row.failed_sign_ins,
    lockedUntil: dateOrNull(row.locked_until),
    ssoIssuer: row.sso_issuer,
    ssoSubject: row.sso_subject,
    externalId: row.external_id,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    disabledAt: dateOrNull(row.disabled_at),
  };
}

/** A user name as stored: trimmed, lower-case (sign-in is case-insensitive). */
export function normalUserName(userName: string): string {
  return userName.trim().toLowerCase();
}

/** Runs `work` in a transaction of its own, or in the caller's when given one (a bare Queryable). */
async function inTransaction<T>(db: Db | Queryable, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return 'transaction' in db ? db.transaction(work) : work(db);
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

const columnOf = {
  userName: 'user_name',
  displayName: 'display_name',
  email: 'email',
  role: 'role',
  queues: 'queues',
  extensions: 'extensions',
  passwordHash: 'password_hash',
  ssoIssuer: 'sso_issuer',
  ssoSubject: 'sso_subject',
  externalId: 'external_id',
} as const satisfies Record<keyof StaffUserChanges, string>;

/**
 * Adds a staff member; audited `staff.user.created` (detail: role). A user name (or SSO subject,
 * or external id) already taken is STAFF_USER_EXISTS.
 */
export async function createStaffUser(db: Db | Queryable, user: NewStaffUser, actor: Actor): Promise<StaffUser> {
  try {
    return await inTransaction(db, async (tx) => {
      const active = user.active ?? true;
      const { rows } = await tx.query<StaffUserRow>(
        `insert into staff_user (user_name, display_name, email, role, queues, extensions, active, password_hash, sso_issuer, sso_subject, external_id, disabled_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, case when $7 then null else now() end) returning *`,
        [
          normalUserName(user.userName), user.displayName ?? null, user.email ?? null, user.role, [...(user.queues ?? [])], [...(user.extensions ?? [])],
          active, user.passwordHash ?? null, user.ssoIssuer ?? null, user.ssoSubject ?? null, user.externalId ?? null,
        ],
      );
      const created = fromRow(rows[0]!);
      await appendAuditEvent(tx, { actor, action: 'staff.user.created', objectType: 'staff-user', objectId: created.id, outcome: 'success', detail: { role: created.role, active } });
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new CallchartError('STAFF_USER_EXISTS', 'a staff member with this user name, SSO subject or external id already exists');
    throw error;
  }
}

export async function findStaffUserById(db: Queryable, userId: string): Promise<StaffUser | null> {
  if (!isUuid(userId)) return null;
  const { rows } = await db.query<StaffUserRow>('select * from staff_user where id = $1', [userId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findStaffUserByUserName(db: Queryable, userName: string): Promise<StaffUser | null> {
  const { rows } = await db.query<StaffUserRow>('select * from staff_user where user_name = $1', [normalUserName(userName)]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findStaffUserBySsoSubject(db: Queryable, issuer: string, subject: string): Promise<StaffUser | null> {
  const { rows } = await db.query<StaffUserRow>('select * from staff_user where sso_issuer = $1 and sso_subject = $2', [issuer, subject]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function listStaffUsers(db: Queryable): Promise<StaffUser[]> {
  const { rows } = await db.query<StaffUserRow>('select * from staff_user order by user_name');
  return rows.map(fromRow);
}

/**
 * Changes a staff member's fields; bumps `version`; audited `staff.user.changed` with the names of
 * the fields that changed (never their values). With `expectedVersion`, a concurrent change is
 * STAFF_USER_VERSION_STALE (SCIM If-Match). Null when there is no such user.
 */
export async function updateStaffUser(
  db: Db | Queryable,
  userId: string,
  changes: StaffUserChanges,
  actor: Actor,
  options: { expectedVersion?: number; reason?: string } = {},
): Promise<StaffUser | null> {
  if (!isUuid(userId)) return null;
  const fields = (Object.keys(columnOf) as (keyof StaffUserChanges)[]).filter((field) => changes[field] !== undefined);
  try {
    return await inTransaction(db, async (tx) => {
      const current = await tx.query<StaffUserRow>('select * from staff_user where id = $1 for update', [userId]);
      if (!current.rows[0]) return null;
      if (options.expectedVersion !== undefined && current.rows[0].version !== options.expectedVersion) {
        throw new CallchartError('STAFF_USER_VERSION_STALE', 'this staff member was changed since you read them: read again', {
          baseVersion: options.expectedVersion, currentVersion: current.rows[0].version,
        });
      }
      if (!fields.length) return fromRow(current.rows[0]);
      const values = fields.map((field) => {
        const value = changes[field];
        if (field === 'userName') return normalUserName(value as string);
        if (field === 'queues' || field === 'extensions') return [...(value as readonly string[])];
        return value;
      });
      const assignments = fields.map((field, index) => `${columnOf[field]} = $${index + 2}`).join(', ');
      const { rows } = await tx.query<StaffUserRow>(
        `update staff_user set ${assignments}, version = version + 1, updated_at = now() where id = $1 returning *`,
        [userId, ...values],
      );
      // The admin's reason (Settings, issue 14) goes in the audit row's reason, beside the field names.
      await appendAuditEvent(tx, { actor, action: 'staff.user.changed', objectType: 'staff-user', objectId: userId, outcome: 'success', ...(options.reason ? { reason: options.reason } : {}), detail: { fields } });
      return fromRow(rows[0]!);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new CallchartError('STAFF_USER_EXISTS', 'a staff member with this user name, SSO subject or external id already exists');
    throw error;
  }
}

/**
 * Disables or re-enables a staff member. Disabling revokes every session of theirs in the same
 * transaction, so their next request is refused (sessions are checked on each request). Audited
 * `staff.user.disabled` / `staff.user.enabled`. Null when there is no such user; no change and no
 * audit when the account is already in that state.
 */
export async function setStaffUserActive(db: Db | Queryable, userId: string, active: boolean, actor: Actor): Promise<StaffUser | null> {
  if (!isUuid(userId)) return null;
  return inTransaction(db, async (tx) => {
    const current = await tx.query<StaffUserRow>('select * from staff_user where id = $1 for update', [userId]);
    if (!current.rows[0]) return null;
    if (current.rows[0].active === active) return fromRow(current.rows[0]);
    const { rows } = await tx.query<StaffUserRow>(
      `update staff_user set active = $2, disabled_at = case when $2 then null else now() end, version = version + 1, updated_at = now()
       where id = $1 returning *`,
      [userId, active],
    );
    await appendAuditEvent(tx, { actor, action: active ? 'staff.user.enabled' : 'staff.user.disabled', objectType: 'staff-user', objectId: userId, outcome: 'success' });
    if (!active) await revokeStaffSessions(tx, userId, 'user-disabled', actor);
    return fromRow(rows[0]!);
  });
}

/**
 * Ends every open session of a staff member (sign out everywhere, disabling, a reset). Audited
 * `staff.sessions.revoked` (detail: reason code, count) when any was open. Returns how many.
 */
export async function revokeStaffSessions(db: Db | Queryable, userId: string, reason: string, actor: Actor = 'system', now = new Date()): Promise<number> {
  if (!isUuid(userId)) return 0;
  return inTransaction(db, async (tx) => {
    const { rowCount } = await tx.query(
      'update staff_session set revoked_at = $3, revoke_reason = $2 where user_id = $1 and revoked_at is null',
      [userId, reason, now.toISOString()],
    );
    if (rowCount > 0) {
      await appendAuditEvent(tx, { actor, action: 'staff.sessions.revoked', objectType: 'staff-user', objectId: userId, outcome: 'success', reason, detail: { sessions: rowCount } }, now);
    }
    return rowCount;
  });
}

/** The secrets sign-in checks; read only by the sign-in service. */
export interface StaffCredentials {
  user: StaffUser;
  passwordHash: string | null;
  totp: { sealed: Uint8Array; keyId: string } | null;
  totpLastStep: number | null;
  recoveryCodeHashes: string[];
}

export async function findStaffCredentials(db: Queryable, userId: string, options: { forUpdate?: boolean } = {}): Promise<StaffCredentials | null> {
  if (!isUuid(userId)) return null;
  const { rows } = await db.query<StaffUserRow>(`select * from staff_user where id = $1${options.forUpdate ? ' for update' : ''}`, [userId]);
  const row = rows[0];
  if (!row) return null;
  return {
    user: fromRow(row),
    passwordHash: row.password_hash,
    totp: row.totp_ciphertext && row.totp_key_id ? { sealed: row.totp_ciphertext, keyId: row.totp_key_id } : null,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    recoveryCodeHashes: row.recovery_code_hashes,
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids from outside (URLs, tokens) are checked before they reach a uuid column, so a bad one is "not found", not a 500. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
