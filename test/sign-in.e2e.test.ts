import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../src/audit/audit.repository.ts';
import { defaultConfig } from '../src/config/config.schema.ts';
import { setStaffUserActive, updateStaffUser } from '../src/auth/staff-directory.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { backendKinds } from './helpers/backends.ts';
import { startHarness, upgradeStatus, type Harness } from './helpers/engine-harness.ts';
import { reviewCalls } from './helpers/review-calls.ts';
import { cookieFrom, requestJson, sessionCookiePrefix, signInAgain, signUpAndSignIn, totpCodes, type LocalStaff } from './helpers/staff-session.ts';

/**
 * Local sign-in, sessions, step-up and staff tokens (issue 13, SE-3) over real sockets on both
 * stores. The engine reads an injected clock for sessions, lockout and step-up, so idle and
 * absolute timeouts are tested by moving the clock, never by sleeping. Synthetic staff only.
 */
let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('staff sign-in and sessions (%s)', (kind) => {
  let harness: Harness;
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const advance = (minutes: number) => {
    offsetMs += minutes * 60_000;
  };
  const url = () => harness.engine.url;
  const signUp = (role: Parameters<typeof signUpAndSignIn>[1]['role'], queues?: string[]) => signUpAndSignIn(harness.engine, { role, ...(queues ? { queues } : {}) }, clock);
  const audit = async () => listAuditEvents(harness.engine.db, { limit: 100_000 });

  beforeAll(async () => {
    // Open live sockets re-check their session every second here (10 s by default).
    harness = await startHarness(kind, { ehr, clock, config: { auth: { ...defaultConfig.auth, attemptsPerMinute: 1_000_000, liveRecheckSeconds: 1 } } });
  });
  afterAll(async () => harness?.close());

  it('enrols an authenticator on the first sign-in (QR code, first code, ten recovery codes) and sets a __Host- session cookie', async () => {
    const { createStaffUser } = await import('../src/auth/staff-directory.repository.ts');
    const { hashPassword } = await import('../src/auth/password.ts');
    const password = 'synthetic-correct-horse-7';
    const user = await createStaffUser(harness.engine.db, { userName: 'Enrol.Nurse', role: 'nurse', queues: ['triage'], passwordHash: await hashPassword(password) }, 'test');
    const first = await requestJson(url(), 'POST', '/auth/sign-in', { userName: 'enrol.nurse', password });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'enrolment-required' });
    expect(first.headers.get('set-cookie')).toBeNull();
    expect(first.headers.get('cache-control')).toBe('no-store');
    // The pending state is not a session.
    expect((await requestJson(url(), 'GET', '/auth/me', undefined, { cookie: `${sessionCookiePrefix}${first.body.pending}` })).status).toBe(401);
    // Nor does it skip the second factor.
    expect((await requestJson(url(), 'POST', '/auth/mfa', { pending: first.body.pending, code: '123456' })).body.error.code).toBe('SIGN_IN_PENDING_INVALID');

    const enrolment = await requestJson(url(), 'POST', '/auth/mfa/enrol', { pending: first.body.pending });
    expect(enrolment.status).toBe(200);
    expect(enrolment.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(enrolment.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(enrolment.body.qrSvg).toContain('<svg');
    // The secret is sealed at rest, not stored in clear.
    const stored = await harness.engine.db.query<{ totp_ciphertext: Uint8Array; totp_enrolled_at: Date | null }>('select totp_ciphertext, totp_enrolled_at from staff_user where id = $1', [user.id]);
    expect(Buffer.from(stored.rows[0]!.totp_ciphertext).toString('latin1')).not.toContain(enrolment.body.secret);
    expect(stored.rows[0]!.totp_enrolled_at).toBeNull();

    const wrong = await requestJson(url(), 'POST', '/auth/mfa/enrol/confirm', { pending: enrolment.body.pending, code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('MFA_CODE_WRONG');
    const code = totpCodes(enrolment.body.secret, clock);
    const confirmed = await requestJson(url(), 'POST', '/auth/mfa/enrol/confirm', { pending: enrolment.body.pending, code: await code() });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    const setCookie = confirmed.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^__Host-callchart_session=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('Secure');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Domain');
    const cookie = cookieFrom(setCookie)!;
    // The table holds the cookie's hash, never the cookie.
    const sessions = await harness.engine.db.query<{ id: string }>('select id from staff_session where user_id = $1', [user.id]);
    expect(sessions.rows.map((row) => row.id)).not.toContain(cookie);

    const me = await requestJson(url(), 'GET', '/auth/me', undefined, { cookie: `${sessionCookiePrefix}${cookie}` });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: user.id, userName: 'enrol.nurse', role: 'nurse', queues: ['triage'] });
    expect(me.body.session.method).toBe('password+totp');
    expect(Date.parse(me.body.session.idleExpiresAt) - clock().getTime()).toBeLessThanOrEqual(15 * 60_000);
    expect(Date.parse(me.body.session.expiresAt) - Date.parse(me.body.session.createdAt)).toBe(12 * 3_600_000);
    expect(me.body.csrfToken).toBe(confirmed.body.csrfToken);
    // The session works on the staff API the way a token does, with the role from the directory.
    expect((await requestJson(url(), 'GET', '/api/review', undefined, { cookie: `${sessionCookiePrefix}${cookie}` })).status).toBe(200);
    // Enrolling again with the old pending state is refused: the account has its authenticator.
    expect((await requestJson(url(), 'POST', '/auth/mfa/enrol', { pending: enrolment.body.pending })).body.error.code).toBe('MFA_ALREADY_ENROLLED');
    const actions = (await audit()).filter((event) => event.objectId === user.id).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['staff.mfa.enrolled', 'staff.signed-in']));
  });

  it('signs in with password and a TOTP code; the same code is refused a second time', async () => {
    const staff = await signUp('clinician');
    const first = await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName.toUpperCase(), password: staff.password });
    expect(first.body.status).toBe('mfa-required');
    const code = await staff.code();
    const second = await requestJson(url(), 'POST', '/auth/mfa', { pending: first.body.pending, code });
    expect(second.status).toBe(200);
    expect(second.body.user.role).toBe('clinician');
    expect(cookieFrom(second.headers.get('set-cookie'))).toBeTruthy();
    const again = await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: staff.password });
    const replay = await requestJson(url(), 'POST', '/auth/mfa', { pending: again.body.pending, code });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('MFA_CODE_WRONG');
  });

  it('lets the first sign-in replace the initial password, and a signed-in person change theirs (other sessions end)', async () => {
    const { addLocalStaff } = await import('../src/auth/staff-accounts.service.ts');
    const { user, initialPassword } = await addLocalStaff(harness.engine.db, { userName: `first-${kind}`, role: 'admin', queues: ['*'] }, 'test');
    const first = await requestJson(url(), 'POST', '/auth/sign-in', { userName: user.userName, password: initialPassword });
    const enrolment = await requestJson(url(), 'POST', '/auth/mfa/enrol', { pending: first.body.pending });
    const code = totpCodes(enrolment.body.secret, clock);
    const weak = await requestJson(url(), 'POST', '/auth/mfa/enrol/confirm', { pending: enrolment.body.pending, code: await code(), newPassword: `${user.userName}-2026!` });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('PASSWORD_TOO_WEAK');
    advance(1);
    const chosen = 'synthetic-chosen-passphrase-1';
    const confirmed = await requestJson(url(), 'POST', '/auth/mfa/enrol/confirm', { pending: enrolment.body.pending, code: await code(), newPassword: chosen });
    expect(confirmed.status).toBe(200);
    // The initial password was good once.
    expect((await requestJson(url(), 'POST', '/auth/sign-in', { userName: user.userName, password: initialPassword })).status).toBe(401);
    expect((await requestJson(url(), 'POST', '/auth/sign-in', { userName: user.userName, password: chosen })).body.status).toBe('mfa-required');

    const staff = await signUp('nurse');
    advance(1);
    const other = await signInAgain(url(), staff);
    expect((await staff.fetch('POST', '/auth/password', { currentPassword: 'not-it', newPassword: 'synthetic-new-passphrase-2' })).body.error.code).toBe('STEP_UP_FAILED');
    expect((await staff.fetch('POST', '/auth/password', { currentPassword: staff.password, newPassword: 'synthetic-new-passphrase-2' }, { csrf: false })).status).toBe(403);
    const changed = await staff.fetch('POST', '/auth/password', { currentPassword: staff.password, newPassword: 'synthetic-new-passphrase-2' });
    expect(changed.body).toEqual({ status: 'changed', otherSessionsEnded: 1 });
    expect((await staff.fetch('GET', '/auth/me')).status).toBe(200);
    expect((await other.fetch('GET', '/auth/me')).status).toBe(401);
    expect((await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: staff.password })).status).toBe(401);
    expect((await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: 'synthetic-new-passphrase-2' })).body.status).toBe('mfa-required');
    expect((await audit()).filter((event) => event.action === 'staff.password.changed' && [user.id, staff.user.id].includes(event.objectId ?? '')).map((event) => event.reason).sort()).toEqual(['changed', 'enrolment']);
  });

  it('accepts each recovery code once', async () => {
    const staff = await signUp('nurse');
    const recoveryCode = staff.recoveryCodes[3]!;
    const first = await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: staff.password });
    const used = await requestJson(url(), 'POST', '/auth/mfa', { pending: first.body.pending, recoveryCode: recoveryCode.toUpperCase() });
    expect(used.status).toBe(200);
    expect(used.body.recoveryCodesLeft).toBe(9);
    const me = await requestJson(url(), 'GET', '/auth/me', undefined, { cookie: `${sessionCookiePrefix}${cookieFrom(used.headers.get('set-cookie'))}` });
    expect(me.body.session.method).toBe('recovery-code');
    const again = await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: staff.password });
    const reused = await requestJson(url(), 'POST', '/auth/mfa', { pending: again.body.pending, recoveryCode });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('MFA_CODE_WRONG');
  });

  it('answers an unknown user exactly as a wrong password, and audits neither with the name', async () => {
    const staff = await signUp('intake');
    const unknown = await requestJson(url(), 'POST', '/auth/sign-in', { userName: 'no-such-person-x', password: 'whatever-password' });
    const wrong = await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: 'not-the-password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error.code).toBe('SIGN_IN_FAILED');
    const events = (await audit()).filter((event) => event.action === 'staff.sign-in.failed');
    expect(events.some((event) => event.reason === 'USER_UNKNOWN' && typeof event.detail.userNameHash === 'string')).toBe(true);
    expect(events.some((event) => event.reason === 'PASSWORD_WRONG' && event.objectId === staff.user.id)).toBe(true);
    const text = JSON.stringify(await audit());
    expect(text).not.toContain('no-such-person-x');
    expect(text).not.toContain(staff.userName);
    expect(harness.logs.text).not.toContain('no-such-person-x');
    expect(harness.logs.text).not.toContain(staff.password);
  });

  it('locks an account after five failures in a row for 15 minutes (audited), even for the right password', async () => {
    const staff = await signUp('nurse');
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: `wrong-${attempt}` })).status).toBe(401);
    }
    const locked = await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: staff.password });
    expect(locked.status).toBe(401);
    expect(locked.body.error.code).toBe('SIGN_IN_FAILED');
    const events = (await audit()).filter((event) => event.objectId === staff.user.id);
    expect(events.filter((event) => event.action === 'staff.locked-out')).toHaveLength(1);
    expect(events.some((event) => event.action === 'staff.sign-in.failed' && event.reason === 'ACCOUNT_LOCKED')).toBe(true);
    advance(16);
    const unlocked = await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: staff.password });
    expect(unlocked.body.status).toBe('mfa-required');
  });

  it('ends a session after 15 idle minutes, but not while it is used', async () => {
    const staff = await signUp('nurse');
    advance(14);
    expect((await staff.fetch('GET', '/auth/me')).status).toBe(200);
    advance(14);
    expect((await staff.fetch('GET', '/api/calls')).status).toBe(200);
    advance(15);
    const idle = await staff.fetch('GET', '/api/calls');
    expect(idle.status).toBe(401);
    expect(idle.body.error.code).toBe('SESSION_EXPIRED');
    // Ended for good: it does not come back.
    expect((await staff.fetch('GET', '/auth/me')).body.error.code).toBe('SESSION_INVALID');
    expect((await audit()).some((event) => event.action === 'staff.signed-out' && event.objectId === staff.user.id && event.reason === 'idle-timeout')).toBe(true);
  });

  it('ends a session 12 hours after sign-in however busy it is', async () => {
    const staff = await signUp('nurse');
    for (let minutes = 0; minutes < 12 * 60 - 10; minutes += 10) {
      advance(10);
      const answer = await staff.fetch('GET', '/auth/me');
      expect(answer.status, `after ${minutes + 10} minutes`).toBe(200);
    }
    advance(10);
    const ended = await staff.fetch('GET', '/auth/me');
    expect(ended.status).toBe(401);
    expect(ended.body.error.code).toBe('SESSION_EXPIRED');
    expect((await audit()).some((event) => event.action === 'staff.signed-out' && event.objectId === staff.user.id && event.reason === 'absolute-timeout')).toBe(true);
  });

  it('signs out one session, or every session of the person', async () => {
    const staff = await signUp('supervisor');
    // A minute apart, so each sign-in has a code of its own.
    advance(1);
    const laptop = await signInAgain(url(), staff);
    advance(1);
    const phone = await signInAgain(url(), staff);
    const out = await laptop.fetch('POST', '/auth/sign-out');
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-callchart_session=;/);
    expect((await laptop.fetch('GET', '/auth/me')).status).toBe(401);
    expect((await phone.fetch('GET', '/auth/me')).status).toBe(200);
    const everywhere = await phone.fetch('POST', '/auth/sign-out-everywhere');
    expect(everywhere.body.sessionsEnded).toBe(2);
    expect((await phone.fetch('GET', '/auth/me')).status).toBe(401);
    expect((await staff.fetch('GET', '/api/calls')).status).toBe(401);
    expect((await audit()).some((event) => event.action === 'staff.sessions.revoked' && event.objectId === staff.user.id && event.reason === 'signed-out-everywhere')).toBe(true);
  });

  it('refuses a disabled person at once, and applies a role change on the next request', async () => {
    const staff = await signUp('nurse');
    expect((await staff.fetch('GET', '/api/review')).status).toBe(200);
    await updateStaffUser(harness.engine.db, staff.user.id, { role: 'intake' }, 'test');
    const demoted = await staff.fetch('GET', '/api/review');
    expect(demoted.status).toBe(403);
    expect(demoted.body.error.code).toBe('ROLE_FORBIDDEN');
    await setStaffUserActive(harness.engine.db, staff.user.id, false, 'test');
    const disabled = await staff.fetch('GET', '/api/calls');
    expect(disabled.status).toBe(401);
    // Re-enabling does not revive the session; nor can the person sign in while disabled.
    expect((await requestJson(url(), 'POST', '/auth/sign-in', { userName: staff.userName, password: staff.password })).status).toBe(401);
    await setStaffUserActive(harness.engine.db, staff.user.id, true, 'test');
    expect((await staff.fetch('GET', '/api/calls')).status).toBe(401);
  });

  it('refuses a state-changing cookie request without the CSRF token, or from another origin; bearer requests need neither', async () => {
    const staff = await signUp('supervisor');
    const missing = await staff.fetch('POST', '/auth/sign-out', undefined, { csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('CSRF_TOKEN_INVALID');
    const other = await signUp('supervisor');
    // Another session's token does not fit this session.
    expect((await staff.fetch('POST', '/auth/sign-out', undefined, { csrf: other.csrfToken })).body.error.code).toBe('CSRF_TOKEN_INVALID');
    const crossSite = await staff.fetch('POST', '/auth/sign-out', undefined, { headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('ORIGIN_FORBIDDEN');
    // Nothing happened: still signed in.
    expect((await staff.fetch('GET', '/auth/me')).status).toBe(200);
    // The staff API's writes are covered the same way.
    const put = await staff.fetch('PUT', '/api/policy', { yaml: 'x: [', reason: 'probe' }, { csrf: false });
    expect(put.body.error.code).toBe('CSRF_TOKEN_INVALID');
    const bearer = await requestJson(url(), 'PUT', '/api/policy', { yaml: 'x: [', reason: 'probe' }, { authorization: `Bearer ${await harness.token('supervisor')}` });
    expect(bearer.status).toBe(400);
    expect((await staff.fetch('POST', '/auth/sign-out')).status).toBe(200);
    expect((await audit()).some((event) => event.action === 'staff.api.rejected' && event.reason === 'CSRF_TOKEN_INVALID')).toBe(true);
  });

  it('opens the live socket with a session cookie only from this origin', async () => {
    const staff = await signUp('nurse');
    const upgrade = (origin: string) => upgradeStatus(`${url()}/ws`, { protocols: ['callchart.live.v1'], headers: { cookie: `${sessionCookiePrefix}${staff.cookie}`, origin } });
    expect(await upgrade('https://evil.example')).toBe(403);
    expect(await upgrade(url())).toBe(101);
  });

  it('closes an open live socket once its session ends (disabled person) or its token is revoked', async () => {
    const open = (headers: Record<string, string>, protocols: string[]) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(`${url().replace(/^http/, 'ws')}/ws`, protocols, { headers });
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    const closed = (socket: WebSocket) => new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const staff = await signUp('nurse');
    const bySession = await open({ cookie: `${sessionCookiePrefix}${staff.cookie}`, origin: url() }, ['callchart.live.v1']);
    const sessionClosed = closed(bySession);
    await setStaffUserActive(harness.engine.db, staff.user.id, false, 'test');
    expect(await sessionClosed).toBe(4401);

    const admin = await signUp('admin');
    const issued = await admin.fetch('POST', '/api/admin/staff-tokens', { name: 'lobby board', role: 'intake', scopes: ['live-display'], ttlMinutes: 60 });
    const byToken = await open({}, ['callchart.live.v1', `bearer.${issued.body.token}`]);
    const tokenClosed = closed(byToken);
    await admin.fetch('POST', `/api/admin/staff-tokens/${issued.body.id}/revoke`);
    expect(await tokenClosed).toBe(4401);
  });

  it('session routes are for people: a staff token gets 403 there, and no credentials 401', async () => {
    const token = await harness.token('admin');
    for (const [method, path] of [['GET', '/auth/me'], ['POST', '/auth/step-up'], ['POST', '/auth/sign-out'], ['POST', '/auth/sign-out-everywhere']] as const) {
      const withToken = await requestJson(url(), method, path, method === 'POST' ? {} : undefined, { authorization: `Bearer ${token}` });
      expect(withToken.status, `${method} ${path}`).toBe(403);
      expect(withToken.body.error.code).toBe('SESSION_REQUIRED');
      const anonymous = await requestJson(url(), method, path, method === 'POST' ? {} : undefined);
      expect(anonymous.status, `${method} ${path}`).toBe(401);
    }
  });

  describe('step-up for raw content', () => {
    const { placeCall } = reviewCalls(() => harness, () => ehr);

    it('asks a session to re-authenticate for an unredacted transcript after the window, refuses tokens, and opens it after step-up', async () => {
      const { item } = await placeCall({ id: `${kind}-step-up-1`, queue: 'demo-review', dob: true, text: 'Synthetic: refill of my lisinopril please CANARY-STEPUP-5' });
      const clinician = await signUp('clinician');
      // Just signed in with password and code: that counts as stepped up for the window.
      const fresh = await clinician.fetch('GET', `/api/review/${item.id}?redaction=off`);
      expect(fresh.status).toBe(200);
      expect(fresh.body.transcript.text).toContain('CANARY-STEPUP-5');
      advance(6);
      const stale = await clinician.fetch('GET', `/api/review/${item.id}?redaction=off`);
      expect(stale.status).toBe(401);
      expect(stale.body.error.code).toBe('STEP_UP_REQUIRED');
      expect(JSON.stringify(stale.body)).not.toContain('CANARY-STEPUP-5');
      // Redacted content needs no step-up.
      expect((await clinician.fetch('GET', `/api/review/${item.id}`)).status).toBe(200);
      // A staff token cannot step up at all.
      const token = await requestJson(url(), 'GET', `/api/review/${item.id}?redaction=off`, undefined, { authorization: `Bearer ${await harness.token('clinician')}` });
      expect(token.status).toBe(403);
      expect(token.body.error.code).toBe('STEP_UP_UNAVAILABLE');

      const wrong = await clinician.fetch('POST', '/auth/step-up', { password: clinician.password, code: '000000', purpose: 'raw-content' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('STEP_UP_FAILED');
      const stepped = await clinician.fetch('POST', '/auth/step-up', { password: clinician.password, code: await clinician.code(), purpose: 'raw-content' });
      expect(stepped.status).toBe(200);
      const windowLeft = Date.parse(stepped.body.steppedUpUntil) - clock().getTime();
      expect(windowLeft).toBeGreaterThan(4 * 60_000);
      expect(windowLeft).toBeLessThanOrEqual(5 * 60_000);
      const opened = await clinician.fetch('GET', `/api/review/${item.id}?redaction=off`);
      expect(opened.status).toBe(200);
      expect(opened.body.transcript.text).toContain('CANARY-STEPUP-5');
      const events = await audit();
      expect(events.some((event) => event.action === 'staff.stepped-up' && event.objectId === clinician.user.id && event.detail.purpose === 'raw-content')).toBe(true);
      expect(events.some((event) => event.action === 'staff.api.rejected' && event.reason === 'STEP_UP_REQUIRED')).toBe(true);
      expect(JSON.stringify(events)).not.toContain('CANARY-STEPUP-5');
    });
  });

  describe('staff tokens for service and kiosk use', () => {
    let admin: LocalStaff;
    beforeAll(async () => {
      admin = await signUp('admin');
    });

    it('issues a scoped, expiring token an admin can list and revoke; a revoked token is refused on its next request', async () => {
      const issued = await admin.fetch('POST', '/api/admin/staff-tokens', { name: 'ward 3 wall board', role: 'nurse', queues: ['triage'], scopes: ['live-display'], ttlMinutes: 600 });
      expect(issued.status).toBe(201);
      expect(issued.headers.get('cache-control')).toBe('no-store');
      expect(issued.body).toMatchObject({ name: 'ward 3 wall board', role: 'nurse', queues: ['triage'], scopes: ['live-display'], revokedAt: null, issuedBy: `staff:${admin.user.id}` });
      expect(Date.parse(issued.body.expiresAt) - Date.parse(issued.body.issuedAt)).toBe(600 * 60_000);
      const bearer = { authorization: `Bearer ${issued.body.token}` };
      expect((await requestJson(url(), 'GET', '/api/calls', undefined, bearer)).status).toBe(200);
      // Its scope is the live board: the review queue is out of it although the role allows it.
      const outOfScope = await requestJson(url(), 'GET', '/api/review', undefined, bearer);
      expect(outOfScope.status).toBe(403);
      expect(outOfScope.body.error.code).toBe('TOKEN_SCOPE_FORBIDDEN');

      const listed = await admin.fetch('GET', '/api/admin/staff-tokens');
      expect(listed.body.tokens.map((token: { id: string }) => token.id)).toContain(issued.body.id);
      expect(JSON.stringify(listed.body)).not.toContain(issued.body.token);

      const revoked = await admin.fetch('POST', `/api/admin/staff-tokens/${issued.body.id}/revoke`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toBeTruthy();
      const refused = await requestJson(url(), 'GET', '/api/calls', undefined, bearer);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('STAFF_TOKEN_REVOKED');
      expect((await admin.fetch('POST', '/api/admin/staff-tokens/00000000-0000-4000-8000-000000000000/revoke')).status).toBe(404);
      const actions = (await audit()).filter((event) => event.objectId === issued.body.id).map((event) => event.action);
      expect(actions).toEqual(['staff.token.issued', 'staff.token.revoked']);
    });

    it('refuses a token longer than a shift, and token administration to anyone but admins', async () => {
      const tooLong = await admin.fetch('POST', '/api/admin/staff-tokens', { name: 'forever', role: 'nurse', ttlMinutes: 13 * 60 });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.code).toBe('PAYLOAD_INVALID');
      const supervisor = await signUp('supervisor');
      expect((await supervisor.fetch('POST', '/api/admin/staff-tokens', { name: 'x', role: 'nurse' })).status).toBe(403);
      // Trial tokens (no id in the register) keep working, as before.
      expect((await requestJson(url(), 'GET', '/api/calls', undefined, { authorization: `Bearer ${await harness.token('nurse')}` })).status).toBe(200);
    });
  });
});

describe('sign-in attempts per source', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness('pglite', { ehr, config: { auth: { ...defaultConfig.auth, attemptsPerMinute: 3 } } });
  });
  afterAll(async () => harness?.close());

  it('answers 429 RATE_LIMITED once a source passes the limit, and audits it', async () => {
    const answers = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      answers.push(await requestJson(harness.engine.url, 'POST', '/auth/sign-in', { userName: `guess-${attempt}`, password: 'guess-password' }));
    }
    expect(answers.slice(0, 3).map((answer) => answer.status)).toEqual([401, 401, 401]);
    expect(answers[3]!.status).toBe(429);
    expect(answers[3]!.body.error.code).toBe('RATE_LIMITED');
    expect(answers[3]!.headers.get('retry-after')).toBeTruthy();
    const events = await listAuditEvents(harness.engine.db, { limit: 10_000 });
    expect(events.some((event) => event.action === 'staff.sign-in.rate-limited' && event.reason === 'RATE_LIMITED')).toBe(true);
  });
});
