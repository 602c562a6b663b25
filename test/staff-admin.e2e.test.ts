import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../src/audit/audit.repository.ts';
import { createStaffUser, findStaffUserById } from '../src/auth/staff-directory.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { backendKinds } from './helpers/backends.ts';
import { eventually, startHarness, type Harness } from './helpers/engine-harness.ts';
import { cookieFrom, requestJson, sessionFor, totpCodes } from './helpers/staff-session.ts';

/**
 * People and queues managed in the app (issue 13, SE-2): admins create local accounts, change role,
 * queues and extensions, disable (sessions end at once), enable and sign people out everywhere;
 * nobody changes their own role, and the last active admin stays. Real sockets, both backends.
 */

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('the people admin API (%s)', (kind) => {
  let harness: Harness;
  /** The admin making the changes: a staff account, and a token whose sub is its id. */
  let admin: { id: string; token: string };
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr });
    const user = await createStaffUser(harness.engine.db, { userName: 'first.admin', role: 'admin' }, 'cli');
    admin = { id: user.id, token: await harness.token('admin', [], [], user.id) };
  });
  afterAll(async () => harness?.close());

  async function call(method: string, path: string, token: string, body?: unknown) {
    const response = await fetch(`${harness.engine.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }
  async function openSession(userId: string): Promise<string> {
    const id = randomBytes(32).toString('hex');
    await harness.engine.db.query(
      `insert into staff_session (id, user_id, auth_method, created_at, last_seen_at, expires_at) values ($1, $2, 'password+totp', now(), now(), now() + interval '1 hour')`,
      [id, userId],
    );
    return id;
  }
  const openSessions = async (userId: string) => Number((await harness.engine.db.query<{ count: string }>('select count(*) as count from staff_session where user_id = $1 and revoked_at is null', [userId])).rows[0]!.count);

  it('creates a local account (a one-time initial password, TOTP at first sign-in) or an SSO-only one, lists them, and refuses a taken user name', async () => {
    const created = await call('POST', '/api/admin/users', admin.token, { userName: 'Nurse.Okafor', displayName: 'Nurse Okafor (synthetic)', role: 'nurse', queues: ['nurse-triage'], extensions: ['2041'] });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ userName: 'nurse.okafor', role: 'nurse', queues: ['nurse-triage'], extensions: ['2041'], active: true, managedBy: 'callchart', signIn: { password: true, mfaEnrolled: false, sso: false } });
    expect(typeof created.body.initialPassword).toBe('string');
    const sso = await call('POST', '/api/admin/users', admin.token, { userName: 'dr.sso', role: 'clinician', signIn: 'sso' });
    expect(sso.body.user.signIn.password).toBe(false);
    expect(sso.body.initialPassword).toBeUndefined();
    const list = await call('GET', '/api/admin/users', admin.token);
    expect(list.body.users.map((user: { userName: string }) => user.userName)).toContain('nurse.okafor');
    expect(JSON.stringify(list.body)).not.toMatch(/hash|totp_|recovery/i);
    const again = await call('POST', '/api/admin/users', admin.token, { userName: 'nurse.okafor', role: 'intake' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('STAFF_USER_EXISTS');
    const bad = await call('POST', '/api/admin/users', admin.token, { userName: 'x y', role: 'janitor' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('PAYLOAD_INVALID');
  });

  it('changes role, queues, extensions and display name, audited with field names only', async () => {
    const person = (await call('POST', '/api/admin/users', admin.token, { userName: 'clerk.ames', role: 'intake' })).body.user;
    const changed = await call('PATCH', `/api/admin/users/${person.id}`, admin.token, { role: 'clinician', queues: ['refills', 'refills'], extensions: ['2050'], displayName: 'Dr Ames (synthetic)', version: person.version });
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ role: 'clinician', queues: ['refills'], extensions: ['2050'], displayName: 'Dr Ames (synthetic)' });
    const stale = await call('PATCH', `/api/admin/users/${person.id}`, admin.token, { role: 'nurse', version: person.version });
    expect(stale.status).toBe(412);
    expect((await findStaffUserById(harness.engine.db, person.id))?.role).toBe('clinician');
    expect((await call('PATCH', `/api/admin/users/${person.id}`, admin.token, {})).status).toBe(400);
    const audit = await eventually(async () => {
      const events = (await listAuditEvents(harness.engine.db, { limit: 100_000 })).filter((event) => event.objectId === person.id && event.action === 'staff.user.changed');
      return events.length ? events : null;
    }, 10_000, 'the change in the audit log');
    expect(audit[0]!.actor).toBe(`staff:${admin.id}`);
    expect((audit[0]!.detail.fields as string[]).sort()).toEqual(['displayName', 'extensions', 'queues', 'role']);
    expect(JSON.stringify(audit)).not.toContain('Dr Ames');
  });

  it('disables a person: their sessions end in the same request; enable brings the account (not the sessions) back; sign-out ends sessions', async () => {
    const person = (await call('POST', '/api/admin/users', admin.token, { userName: 'nurse.bello', role: 'nurse' })).body.user;
    await openSession(person.id);
    await openSession(person.id);
    const disabled = await call('POST', `/api/admin/users/${person.id}/disable`, admin.token);
    expect(disabled.body.user.active).toBe(false);
    expect(await openSessions(person.id)).toBe(0);
    expect((await call('POST', `/api/admin/users/${person.id}/enable`, admin.token)).body.user.active).toBe(true);
    expect(await openSessions(person.id)).toBe(0);
    await openSession(person.id);
    expect((await call('POST', `/api/admin/users/${person.id}/sign-out`, admin.token)).body).toEqual({ sessionsEnded: 1 });
    expect(await openSessions(person.id)).toBe(0);
    expect((await call('POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/disable', admin.token)).status).toBe(404);
  });

  it('a person an admin created signs in with the one-time password; disabling them refuses their very next request', async () => {
    const created = (await call('POST', '/api/admin/users', admin.token, { userName: 'clerk.first', role: 'intake', queues: ['front-desk'] })).body;
    const first = await requestJson(harness.engine.url, 'POST', '/auth/sign-in', { userName: 'clerk.first', password: created.initialPassword });
    expect(first.body.status).toBe('enrolment-required');
    const enrolment = await requestJson(harness.engine.url, 'POST', '/auth/mfa/enrol', { pending: first.body.pending });
    const code = totpCodes(enrolment.body.secret, () => new Date());
    const confirmed = await requestJson(harness.engine.url, 'POST', '/auth/mfa/enrol/confirm', { pending: enrolment.body.pending, code: await code() });
    const person = sessionFor(harness.engine.url, { user: created.user, userName: 'clerk.first', password: created.initialPassword, totpSecret: enrolment.body.secret, recoveryCodes: [], cookie: cookieFrom(confirmed.headers.get('set-cookie'))!, csrfToken: confirmed.body.csrfToken, code });
    expect((await person.fetch('GET', '/api/calls')).status).toBe(200);
    expect((await call('POST', `/api/admin/users/${created.user.id}/disable`, admin.token)).status).toBe(200);
    expect((await person.fetch('GET', '/api/calls')).status).toBe(401);
    expect((await requestJson(harness.engine.url, 'POST', '/auth/sign-in', { userName: 'clerk.first', password: created.initialPassword })).status).toBe(401);
  });

  it('refuses changing one\'s own role or disabling oneself', async () => {
    const ownRole = await call('PATCH', `/api/admin/users/${admin.id}`, admin.token, { role: 'supervisor' });
    expect(ownRole.status).toBe(403);
    expect(ownRole.body.error.code).toBe('STAFF_SELF_CHANGE');
    expect((await call('POST', `/api/admin/users/${admin.id}/disable`, admin.token)).body.error.code).toBe('STAFF_SELF_CHANGE');
    // Other changes to oneself are fine.
    expect((await call('PATCH', `/api/admin/users/${admin.id}`, admin.token, { extensions: ['2001'] })).status).toBe(200);
  });

  it('keeps the last active admin: neither disabled nor demoted, until another admin exists', async () => {
    // A service token with the admin role (not a person): the only person who is admin is the target.
    const service = await harness.token('admin', [], [], 'service-token-1');
    const demote = await call('PATCH', `/api/admin/users/${admin.id}`, service, { role: 'auditor' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('STAFF_LAST_ADMIN');
    expect((await call('POST', `/api/admin/users/${admin.id}/disable`, service)).body.error.code).toBe('STAFF_LAST_ADMIN');
    expect((await findStaffUserById(harness.engine.db, admin.id))).toMatchObject({ role: 'admin', active: true });

    const second = (await call('POST', '/api/admin/users', admin.token, { userName: 'second.admin', role: 'admin' })).body.user;
    expect((await call('POST', `/api/admin/users/${admin.id}/disable`, service)).status).toBe(200);
    // Now `second` is the last active admin.
    expect((await call('POST', `/api/admin/users/${second.id}/disable`, service)).body.error.code).toBe('STAFF_LAST_ADMIN');
    expect((await call('POST', `/api/admin/users/${admin.id}/enable`, service)).status).toBe(200);
    await eventually(async () => {
      const reasons = (await listAuditEvents(harness.engine.db, { limit: 100_000 })).filter((event) => event.action === 'staff.api.rejected').map((event) => event.reason);
      return (reasons.includes('STAFF_LAST_ADMIN') && reasons.includes('STAFF_SELF_CHANGE')) || null;
    }, 10_000, 'the refusals in the audit log');
  });

  it('is for admins only', async () => {
    for (const role of ['intake', 'nurse', 'clinician', 'supervisor', 'analyst', 'auditor'] as const) {
      const answer = await call('GET', '/api/admin/users', await harness.token(role, ['*']));
      expect(answer.status, role).toBe(403);
    }
  });
});
