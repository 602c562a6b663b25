import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { fastifyCookie } from '@fastify/cookie';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import type { ContentCipher } from '../store/content-cipher.ts';
import type { Db } from '../store/db.ts';
import { hashPassword, maxPasswordLength, minPasswordLength, passwordMatches, spendPasswordCheck } from './password.ts';
import { hashRecoveryCodes, matchRecoveryCode, newRecoveryCodes } from './recovery-codes.ts';
import { findStaffCredentials, findStaffUserById, findStaffUserByUserName, isUuid, revokeStaffSessions, type StaffCredentials, type StaffUser } from './staff-directory.repository.ts';
import {
  findSessionHolder, insertStaffSession, markStaffSessionSteppedUp, newSessionSecret, revokeStaffSession, sessionIdOf, touchStaffSession, type AuthMethod, type SessionHolder,
} from './staff-session.repository.ts';
import { checkTotpCode, newTotpSecret, totpEnrolment } from './totp.ts';

/**
 * Local sign-in (SE-3): password (argon2id), then a TOTP code or a recovery code; a first sign-in
 * enrols the authenticator app. Between the steps the browser holds a short-lived signed "pending"
 * state (5 minutes, bound to the user id and the step), never a session: a session exists only
 * after the second factor. Every outcome is audited with the user id (or a keyed hash of the
 * typed name when no such user exists), never the name itself.
 *
 * Failures answer the same for an unknown name, a wrong password, a disabled or a locked account
 * (SIGN_IN_FAILED), so the answer does not tell a stranger which names are real.
 */
export interface SignInSettings {
  idleMinutes: number;
  absoluteHours: number;
  stepUpMinutes: number;
  maxFailedSignIns: number;
  lockMinutes: number;
  /** Shown in the authenticator app beside the account. */
  issuer: string;
}

export interface SignInDeps {
  db: Db;
  cipher: ContentCipher;
  /** Keys the pending state, the CSRF tokens and the user-name hashes (derived, never used raw). */
  secret: Uint8Array;
  settings: SignInSettings;
  clock: () => Date;
}

/** The session cookie. `__Host-`: Secure, Path=/, no Domain; Chromium accepts it on http://127.0.0.1 and localhost too. */
export const sessionCookieName = '__Host-callchart_session';
/** The header a page sends its CSRF token in, on every state-changing request made with the cookie. */
export const csrfHeaderName = 'x-csrf-token';

export type SignInStep = 'mfa' | 'enrol';
export type SignInAnswer =
  | { status: 'signed-in'; session: StartedSession }
  | { status: 'mfa-required' | 'enrolment-required'; pending: string; expiresAt: string };

export interface StartedSession {
  /** The Set-Cookie header value to send. */
  setCookie: string;
  /** The session id (hash of the cookie value), for audit and tests; not a credential. */
  sessionId: string;
  csrfToken: string;
  userId: string;
  expiresAt: Date;
}

const pendingAudience = 'callchart-sign-in';
const touchIntervalMs = 5_000;
const pendingSeconds = 5 * 60;

function derive(secret: Uint8Array, label: string): Buffer {
  return createHmac('sha256', secret).update(label).digest();
}

export class StaffSignIn {
  private readonly pendingKey: Buffer;
  private readonly csrfKey: Buffer;
  private readonly nameKey: Buffer;

  constructor(private readonly deps: SignInDeps) {
    this.pendingKey = derive(deps.secret, 'callchart sign-in pending state v1');
    this.csrfKey = derive(deps.secret, 'callchart csrf v1');
    this.nameKey = derive(deps.secret, 'callchart user-name hash v1');
  }

  get settings(): SignInSettings {
    return this.deps.settings;
  }

  now(): Date {
    return this.deps.clock();
  }

  /** Step one: the password. Answers with the next step (never a session: the second factor is mandatory). */
  async signIn(userName: string, password: string): Promise<SignInAnswer> {
    const now = this.now();
    const user = await findStaffUserByUserName(this.deps.db, userName);
    if (!user) {
      await spendPasswordCheck(password);
      await this.audit({ action: 'staff.sign-in.failed', objectId: null, outcome: 'rejected', reason: 'USER_UNKNOWN', detail: { userNameHash: this.userNameHash(userName) } });
      throw signInFailed();
    }
    const credentials = (await findStaffCredentials(this.deps.db, user.id))!;
    const refusal = await this.refusalBeforePassword(credentials, password, now);
    if (refusal) {
      await this.audit({ action: 'staff.sign-in.failed', objectId: user.id, outcome: 'rejected', reason: refusal });
      throw signInFailed();
    }
    if (!(await passwordMatches(credentials.passwordHash!, password))) {
      await this.countFailure(user.id, 'PASSWORD_WRONG', now);
      throw signInFailed();
    }
    const step: SignInStep = credentials.user.mfaEnrolled ? 'mfa' : 'enrol';
    return { status: step === 'mfa' ? 'mfa-required' : 'enrolment-required', ...(await this.pendingFor(user.id, step, now)) };
  }

  /** Step two: a TOTP code or a recovery code; a session when it is right. */
  async secondFactor(pending: string, answer: { code?: string; recoveryCode?: string }): Promise<StartedSession> {
    const now = this.now();
    const userId = await this.readPending(pending, 'mfa', now);
    const { method, failure } = await this.deps.db.transaction(async (tx): Promise<{ method: AuthMethod | null; failure: string | null }> => {
      const credentials = await findStaffCredentials(tx, userId, { forUpdate: true });
      const blocked = credentials ? accountBlocked(credentials.user, now) : 'USER_UNKNOWN';
      if (blocked || !credentials) return { method: null, failure: blocked };
      if (answer.code !== undefined && credentials.totp) {
        const step = await checkTotpCode(this.openTotp(credentials), answer.code, now, credentials.totpLastStep);
        if (step === null) return { method: null, failure: null };
        await tx.query('update staff_user set totp_last_step = $2, failed_sign_ins = 0, locked_until = null where id = $1', [userId, step]);
        return { method: 'password+totp', failure: null };
      }
      if (answer.recoveryCode !== undefined) {
        const index = await matchRecoveryCode(credentials.recoveryCodeHashes, answer.recoveryCode);
        if (index < 0) return { method: null, failure: null };
        // Single use: the matched hash is removed in the transaction that signs in with it.
        const left = credentials.recoveryCodeHashes.filter((_, at) => at !== index);
        await tx.query('update staff_user set recovery_code_hashes = $2, failed_sign_ins = 0, locked_until = null where id = $1', [userId, left]);
        return { method: 'recovery-code', failure: null };
      }
      return { method: null, failure: null };
    });
    if (failure) {
      await this.audit({ action: 'staff.sign-in.failed', objectId: userId, outcome: 'rejected', reason: failure });
      throw signInFailed();
    }
    if (!method) {
      await this.countFailure(userId, answer.recoveryCode !== undefined ? 'RECOVERY_CODE_WRONG' : 'MFA_CODE_WRONG', now);
      throw new CallchartError('MFA_CODE_WRONG', 'that code is not right (or was already used): try the next code from your app');
    }
    return this.startSession(userId, method, { steppedUp: true });
  }

  /** Enrolment, part one: a new TOTP secret (sealed at rest, not yet in force) and its QR code. */
  async beginEnrolment(pending: string, label?: string): Promise<{ uri: string; qrDataUrl: string; qrSvg: string; secret: string; pending: string; expiresAt: string }> {
    const now = this.now();
    const userId = await this.readPending(pending, 'enrol', now);
    const user = (await findStaffCredentials(this.deps.db, userId))?.user;
    if (!user || accountBlocked(user, now)) throw signInFailed();
    if (user.mfaEnrolled) throw new CallchartError('MFA_ALREADY_ENROLLED', 'this account already has an authenticator: sign in with its code');
    const secret = newTotpSecret();
    await this.deps.db.query(
      'update staff_user set totp_ciphertext = $2, totp_key_id = $3, totp_last_step = null, updated_at = now() where id = $1 and totp_enrolled_at is null',
      [userId, this.deps.cipher.encrypt(secret), this.deps.cipher.keyId],
    );
    const qr = await totpEnrolment(secret, { issuer: this.deps.settings.issuer, label: label ?? user.userName });
    // The secret is shown once, beside the QR code, for people who type it into their app.
    return { ...qr, secret, ...(await this.pendingFor(userId, 'enrol', now)) };
  }

  /**
   * Enrolment, part two: the first code from the app confirms it; the account gets its ten
   * recovery codes (shown this once) and a session.
   */
  async confirmEnrolment(pending: string, code: string, newPassword?: string): Promise<{ session: StartedSession; recoveryCodes: string[] }> {
    const now = this.now();
    const userId = await this.readPending(pending, 'enrol', now);
    const recoveryCodes = newRecoveryCodes();
    const hashes = await hashRecoveryCodes(recoveryCodes);
    // The initial password someone else chose (users add, an admin) can be replaced in the same step.
    const newHash = newPassword === undefined ? null : await this.acceptablePasswordHash(userId, newPassword);
    const outcome = await this.deps.db.transaction(async (tx): Promise<'ok' | 'wrong' | 'blocked' | 'enrolled'> => {
      const credentials = await findStaffCredentials(tx, userId, { forUpdate: true });
      if (!credentials || accountBlocked(credentials.user, now)) return 'blocked';
      if (credentials.user.mfaEnrolled) return 'enrolled';
      if (!credentials.totp) return 'wrong';
      const step = await checkTotpCode(this.openTotp(credentials), code, now, null);
      if (step === null) return 'wrong';
      await tx.query(
        `update staff_user set totp_enrolled_at = $2, totp_last_step = $3, recovery_code_hashes = $4, failed_sign_ins = 0, locked_until = null,
         password_hash = coalesce($5, password_hash), version = version + 1, updated_at = now() where id = $1`,
        [userId, now.toISOString(), step, hashes, newHash],
      );
      if (newHash) await appendAuditEvent(tx, { actor: `staff:${userId}`, action: 'staff.password.changed', objectType: 'staff-user', objectId: userId, outcome: 'success', reason: 'enrolment' }, now);
      await appendAuditEvent(tx, { actor: `staff:${userId}`, action: 'staff.mfa.enrolled', objectType: 'staff-user', objectId: userId, outcome: 'success', detail: { method: 'totp', recoveryCodes: hashes.length } }, now);
      return 'ok';
    });
    if (outcome === 'blocked') throw signInFailed();
    if (outcome === 'enrolled') throw new CallchartError('MFA_ALREADY_ENROLLED', 'this account already has an authenticator: sign in with its code');
    if (outcome === 'wrong') {
      await this.countFailure(userId, 'MFA_CODE_WRONG', now);
      throw new CallchartError('MFA_CODE_WRONG', 'that code is not right: check the time on your phone and try the next code');
    }
    return { session: await this.startSession(userId, 'password+totp', { steppedUp: true }), recoveryCodes };
  }

  /**
   * Creates a session for a person who has just proved who they are (local sign-in here; SSO in
   * B's flow). Audited `staff.signed-in` (detail: method, role). Returns the Set-Cookie to send.
   */
  async startSession(userId: string, method: AuthMethod, options: { steppedUp?: boolean } = {}): Promise<StartedSession> {
    const now = this.now();
    const { cookieValue, id } = newSessionSecret();
    const expiresAt = new Date(now.getTime() + this.deps.settings.absoluteHours * 3_600_000);
    const user = await this.deps.db.transaction(async (tx) => {
      const credentials = await findStaffCredentials(tx, userId);
      if (!credentials?.user.active) return null;
      await insertStaffSession(tx, { id, userId, authMethod: method, now, expiresAt, steppedUp: options.steppedUp ?? false });
      await appendAuditEvent(tx, { actor: `staff:${userId}`, action: 'staff.signed-in', objectType: 'staff-session', objectId: userId, outcome: 'success', detail: { method, role: credentials.user.role } }, now);
      return credentials.user;
    });
    if (!user) throw signInFailed();
    return { setCookie: sessionCookie(cookieValue, expiresAt), sessionId: id, csrfToken: this.csrfTokenFor(id), userId, expiresAt };
  }

  /**
   * The session a cookie value names, if it may still be used now: not revoked, not past its
   * absolute expiry, used within the idle timeout, its person still active. A session found idle
   * or expired is closed (audited as a sign-out with the reason). Refreshes the idle clock.
   */
  async sessionFor(cookieValue: string): Promise<{ holder: SessionHolder; steppedUp: boolean } | { refused: 'SESSION_INVALID' | 'SESSION_EXPIRED' }> {
    const now = this.now();
    const holder = await findSessionHolder(this.deps.db, sessionIdOf(cookieValue));
    if (!holder || holder.session.revokedAt || !holder.user.active) return { refused: 'SESSION_INVALID' };
    const idleEnds = holder.session.lastSeenAt.getTime() + this.deps.settings.idleMinutes * 60_000;
    if (now >= holder.session.expiresAt || now.getTime() >= idleEnds) {
      const reason = now >= holder.session.expiresAt ? 'absolute-timeout' : 'idle-timeout';
      if (await revokeStaffSession(this.deps.db, holder.session.id, reason, now)) {
        await this.audit({ action: 'staff.signed-out', objectId: holder.user.id, outcome: 'success', reason, actor: `staff:${holder.user.id}` });
      }
      return { refused: 'SESSION_EXPIRED' };
    }
    // One write per session per few seconds, not per request (a page makes several at once); the
    // idle timeout is then exact to within that interval.
    if (now.getTime() - holder.session.lastSeenAt.getTime() >= touchIntervalMs) {
      await touchStaffSession(this.deps.db, holder.session.id, now);
      holder.session.lastSeenAt = now;
    }
    return { holder, steppedUp: this.steppedUpWithinWindow(holder.session.steppedUpAt, now) };
  }

  /**
   * Whether a session may still be used, without counting as use (for the open live socket, which
   * is re-checked every few seconds: a revoked, idle, expired or disabled session closes it).
   */
  async sessionStillOpen(sessionId: string): Promise<boolean> {
    const now = this.now();
    const holder = await findSessionHolder(this.deps.db, sessionId);
    if (!holder || holder.session.revokedAt || !holder.user.active || now >= holder.session.expiresAt) return false;
    return now.getTime() < holder.session.lastSeenAt.getTime() + this.deps.settings.idleMinutes * 60_000;
  }

  steppedUpWithinWindow(steppedUpAt: Date | null, now = this.now()): boolean {
    return steppedUpAt !== null && now.getTime() - steppedUpAt.getTime() < this.deps.settings.stepUpMinutes * 60_000;
  }

  /** When the idle timeout will end a session that is used no more, and its absolute end. */
  expiryOf(holder: SessionHolder): { idleExpiresAt: Date; expiresAt: Date } {
    const idle = new Date(holder.session.lastSeenAt.getTime() + this.deps.settings.idleMinutes * 60_000);
    return { idleExpiresAt: idle < holder.session.expiresAt ? idle : holder.session.expiresAt, expiresAt: holder.session.expiresAt };
  }

  /**
   * Step-up (SE-3): a signed-in person proves again who they are (password and a fresh TOTP code)
   * before raw content, exports or key operations. Audited `staff.stepped-up` (detail: purpose).
   */
  async stepUp(holder: SessionHolder, answer: { password: string; code: string }, purpose: string): Promise<{ steppedUpUntil: Date }> {
    const now = this.now();
    const userId = holder.user.id;
    const credentials = await findStaffCredentials(this.deps.db, userId);
    if (!credentials || accountBlocked(credentials.user, now) || !credentials.passwordHash || !credentials.totp) {
      // SSO accounts step up at the identity provider (B's flow), not here.
      await this.audit({ action: 'staff.sign-in.failed', objectId: userId, outcome: 'rejected', reason: 'STEP_UP_UNAVAILABLE', actor: `staff:${userId}`, detail: { purpose } });
      throw new CallchartError('STEP_UP_UNAVAILABLE', 'this account cannot confirm with a password and code here');
    }
    const passwordRight = await passwordMatches(credentials.passwordHash, answer.password);
    const step = passwordRight ? await checkTotpCode(this.openTotp(credentials), answer.code, now, credentials.totpLastStep) : null;
    if (step === null) {
      await this.countFailure(userId, passwordRight ? 'MFA_CODE_WRONG' : 'PASSWORD_WRONG', now, { purpose });
      throw new CallchartError('STEP_UP_FAILED', 'the password or the code is not right');
    }
    await this.deps.db.transaction(async (tx) => {
      await tx.query('update staff_user set totp_last_step = $2, failed_sign_ins = 0 where id = $1', [userId, step]);
      await markStaffSessionSteppedUp(tx, holder.session.id, now);
      await appendAuditEvent(tx, { actor: `staff:${userId}`, action: 'staff.stepped-up', objectType: 'staff-session', objectId: userId, outcome: 'success', detail: { purpose, method: 'password+totp' } }, now);
    });
    return { steppedUpUntil: new Date(now.getTime() + this.deps.settings.stepUpMinutes * 60_000) };
  }

  /** Marks a session stepped up after a re-authentication done elsewhere (SSO with max_age=0). */
  async recordSteppedUp(sessionId: string, userId: string, purpose: string, method: AuthMethod): Promise<void> {
    const now = this.now();
    await this.deps.db.transaction(async (tx) => {
      await markStaffSessionSteppedUp(tx, sessionId, now);
      await appendAuditEvent(tx, { actor: `staff:${userId}`, action: 'staff.stepped-up', objectType: 'staff-session', objectId: userId, outcome: 'success', detail: { purpose, method } }, now);
    });
  }

  /**
   * A signed-in person changes their password (the current one, then a new one): every other
   * session of theirs ends. Audited `staff.password.changed`; a wrong current password counts
   * towards the lockout like a wrong sign-in.
   */
  async changePassword(holder: SessionHolder, currentPassword: string, newPassword: string): Promise<{ otherSessionsEnded: number }> {
    const now = this.now();
    const userId = holder.user.id;
    const credentials = await findStaffCredentials(this.deps.db, userId);
    if (!credentials?.passwordHash || accountBlocked(credentials.user, now)) throw new CallchartError('SESSION_REQUIRED', 'this account has no local password to change');
    if (!(await passwordMatches(credentials.passwordHash, currentPassword))) {
      await this.countFailure(userId, 'PASSWORD_WRONG', now, { purpose: 'password-change' });
      throw new CallchartError('STEP_UP_FAILED', 'the current password is not right');
    }
    if (currentPassword === newPassword) throw new CallchartError('PASSWORD_TOO_WEAK', 'choose a password you have not used here');
    const newHash = await this.acceptablePasswordHash(userId, newPassword);
    return this.deps.db.transaction(async (tx) => {
      await tx.query('update staff_user set password_hash = $2, failed_sign_ins = 0, version = version + 1, updated_at = now() where id = $1', [userId, newHash]);
      await appendAuditEvent(tx, { actor: `staff:${userId}`, action: 'staff.password.changed', objectType: 'staff-user', objectId: userId, outcome: 'success', reason: 'changed' }, now);
      const { rowCount } = await tx.query(
        `update staff_session set revoked_at = $3, revoke_reason = 'password-changed' where user_id = $1 and id <> $2 and revoked_at is null`,
        [userId, holder.session.id, now.toISOString()],
      );
      return { otherSessionsEnded: rowCount };
    });
  }

  /** The hash of a new password, or PASSWORD_TOO_WEAK (too short, or the user name in it). */
  private async acceptablePasswordHash(userId: string, password: string): Promise<string> {
    const user = await findStaffUserById(this.deps.db, userId);
    if (password.length < minPasswordLength || password.length > maxPasswordLength) {
      throw new CallchartError('PASSWORD_TOO_WEAK', `a password has ${minPasswordLength} to ${maxPasswordLength} characters`);
    }
    if (user && password.toLowerCase().includes(user.userName)) throw new CallchartError('PASSWORD_TOO_WEAK', 'a password may not contain the user name');
    if (new Set(password).size < 5) throw new CallchartError('PASSWORD_TOO_WEAK', 'a password needs more different characters');
    return hashPassword(password);
  }

  async signOut(holder: SessionHolder): Promise<void> {
    const now = this.now();
    if (await revokeStaffSession(this.deps.db, holder.session.id, 'signed-out', now)) {
      await this.audit({ action: 'staff.signed-out', objectId: holder.user.id, outcome: 'success', reason: 'signed-out', actor: `staff:${holder.user.id}` });
    }
  }

  async signOutEverywhere(holder: SessionHolder): Promise<number> {
    return revokeStaffSessions(this.deps.db, holder.user.id, 'signed-out-everywhere', `staff:${holder.user.id}`, this.now());
  }

  /** The CSRF token of a session: an HMAC of its id, so it cannot be guessed or reused for another session. */
  csrfTokenFor(sessionId: string): string {
    return createHmac('sha256', this.csrfKey).update(sessionId).digest('base64url');
  }

  csrfTokenMatches(sessionId: string, token: string | undefined): boolean {
    if (!token) return false;
    const expected = Buffer.from(this.csrfTokenFor(sessionId));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** A keyed hash of a typed user name: lets an auditor see repeats without learning the name. */
  userNameHash(userName: string): string {
    return createHmac('sha256', this.nameKey).update(userName.trim().toLowerCase()).digest('hex').slice(0, 16);
  }

  private openTotp(credentials: StaffCredentials): string {
    return this.deps.cipher.decrypt(credentials.totp!.sealed, credentials.totp!.keyId);
  }

  private async refusalBeforePassword(credentials: StaffCredentials, password: string, now: Date): Promise<string | null> {
    const blocked = accountBlocked(credentials.user, now) ?? (credentials.passwordHash ? null : 'PASSWORD_NOT_SET');
    // The same work as a real check, so a disabled or locked account answers as slowly as any other.
    if (blocked) await spendPasswordCheck(password);
    return blocked;
  }

  /** A wrong password or code: counted; the Nth in a row locks the account for a while (audited). */
  private async countFailure(userId: string, reason: string, now: Date, detail: Record<string, string> = {}): Promise<void> {
    const { maxFailedSignIns, lockMinutes } = this.deps.settings;
    await this.deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ failed_sign_ins: number }>(
        'update staff_user set failed_sign_ins = failed_sign_ins + 1 where id = $1 returning failed_sign_ins',
        [userId],
      );
      await appendAuditEvent(tx, { actor: `staff:${userId}`, action: 'staff.sign-in.failed', objectType: 'staff-user', objectId: userId, outcome: 'rejected', reason, detail }, now);
      if ((rows[0]?.failed_sign_ins ?? 0) >= maxFailedSignIns) {
        const until = new Date(now.getTime() + lockMinutes * 60_000);
        await tx.query('update staff_user set locked_until = $2, failed_sign_ins = 0 where id = $1', [userId, until.toISOString()]);
        await appendAuditEvent(tx, { actor: 'system', action: 'staff.locked-out', objectType: 'staff-user', objectId: userId, outcome: 'success', reason: 'TOO_MANY_FAILURES', detail: { failures: maxFailedSignIns, minutes: lockMinutes } }, now);
      }
    });
  }

  private async pendingFor(userId: string, step: SignInStep, now: Date): Promise<{ pending: string; expiresAt: string }> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const pending = await new SignJWT({ step })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setAudience(pendingAudience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + pendingSeconds)
      .sign(this.pendingKey);
    return { pending, expiresAt: new Date((issuedAt + pendingSeconds) * 1000).toISOString() };
  }

  private async readPending(pending: string, step: SignInStep, now: Date): Promise<string> {
    try {
      const { payload } = await jwtVerify(pending, this.pendingKey, { audience: pendingAudience, algorithms: ['HS256'], currentDate: now, requiredClaims: ['exp', 'sub'] });
      if (payload.step === step && payload.sub && isUuid(payload.sub)) return payload.sub;
    } catch {
      // fall through: forged, expired or for another step
    }
    throw new CallchartError('SIGN_IN_PENDING_INVALID', 'this sign-in has expired or is not valid: start again with your user name and password');
  }

  private async audit(event: { action: string; objectId: string | null; outcome: 'success' | 'rejected'; reason?: string; actor?: string; detail?: Record<string, string> }): Promise<void> {
    await recordAuditEvent(this.deps.db, {
      actor: event.actor ?? (event.objectId ? `staff:${event.objectId}` : 'unverified'), action: event.action, objectType: 'staff-user', objectId: event.objectId,
      outcome: event.outcome, reason: event.reason ?? null, ...(event.detail ? { detail: event.detail } : {}),
    });
  }
}

/**
 * Creates a session for a staff member who has just proved who they are by other means (the SSO
 * callback): audited `staff.signed-in`; returns the Set-Cookie and the CSRF token. Refused
 * (SIGN_IN_FAILED) for a disabled account.
 */
export function startStaffSession(signIn: StaffSignIn, userId: string, method: AuthMethod, options: { steppedUp?: boolean } = {}): Promise<StartedSession> {
  return signIn.startSession(userId, method, options);
}

/** Why an account may not sign in now, or null. */
function accountBlocked(user: StaffUser, now: Date): string | null {
  if (!user.active) return 'ACCOUNT_DISABLED';
  if (user.lockedUntil && user.lockedUntil > now) return 'ACCOUNT_LOCKED';
  return null;
}

function signInFailed(): CallchartError {
  return new CallchartError('SIGN_IN_FAILED', 'the user name or password is not right, or the account is locked for a while');
}

/** The session cookie: HttpOnly, Secure, SameSite=Strict, Path=/ (the `__Host-` prefix demands the last three). */
export function sessionCookie(cookieValue: string, expiresAt: Date): string {
  return fastifyCookie.serialize(sessionCookieName, cookieValue, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', expires: expiresAt });
}

/** The Set-Cookie that removes the session cookie from the browser. */
export function clearedSessionCookie(): string {
  return fastifyCookie.serialize(sessionCookieName, '', { httpOnly: true, secure: true, sameSite: 'strict', path: '/', expires: new Date(0) });
}

/** The session cookie's value from a Cookie header, if any. */
export function sessionCookieValue(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return fastifyCookie.parse(cookieHeader)[sessionCookieName] || undefined;
}
