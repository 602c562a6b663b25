import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, chainAuditFor, openTestDb } from '../../test/helpers/backends.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import type { Db } from '../store/db.ts';
import {
  createStaffUser, findStaffUserById, findStaffUserBySsoSubject, findStaffUserByUserName, revokeStaffSessions, setStaffUserActive, updateStaffUser,
} from './staff-directory.repository.ts';

/** Synthetic staff only. */
describe.each(backendKinds)('staff directory on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let stopChainer: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    stopChainer = await chainAuditFor(db);
  });
  afterAll(async () => {
    await stopChainer();
    await dispose();
  });

  async function openSession(userId: string, id: string): Promise<void> {
    await db.query(
      `insert into staff_session (id, user_id, auth_method, created_at, last_seen_at, expires_at) values ($1, $2, 'password+totp', now(), now(), now() + interval '12 hours')`,
      [id, userId],
    );
  }

  it('creates a staff member with a lower-case user name, finds them by id, name and SSO subject, and audits without the name', async () => {
    const created = await createStaffUser(db, {
      userName: 'Nurse.Test', displayName: 'Synthetic Nurse', role: 'nurse', queues: ['triage'], ssoIssuer: 'https://idp.example.test', ssoSubject: 'sub-1',
    }, 'cli');
    expect(created).toMatchObject({ userName: 'nurse.test', role: 'nurse', queues: ['triage'], extensions: [], active: true, hasPassword: false, mfaEnrolled: false, version: 1 });
    expect((await findStaffUserById(db, created.id))?.userName).toBe('nurse.test');
    expect((await findStaffUserByUserName(db, ' NURSE.test '))?.id).toBe(created.id);
    expect((await findStaffUserBySsoSubject(db, 'https://idp.example.test', 'sub-1'))?.id).toBe(created.id);
    expect(await findStaffUserById(db, 'not-a-uuid')).toBeNull();
    const events = (await listAuditEvents(db, { limit: 1000 })).filter((event) => event.objectId === created.id);
    expect(events.map((event) => event.action)).toEqual(['staff.user.created']);
    expect(JSON.stringify(events)).not.toContain('nurse.test');
    expect(JSON.stringify(events)).not.toContain('Synthetic Nurse');
  });

  it('refuses a second account with the same user name', async () => {
    await createStaffUser(db, { userName: 'dup.user', role: 'intake' }, 'cli');
    await expect(createStaffUser(db, { userName: 'DUP.user', role: 'nurse' }, 'cli')).rejects.toMatchObject({ code: 'STAFF_USER_EXISTS', status: 409 });
  });

  it('changes fields, bumps the version, audits the field names and refuses a stale version', async () => {
    const user = await createStaffUser(db, { userName: 'changing', role: 'intake', queues: ['front'] }, 'cli');
    const changed = await updateStaffUser(db, user.id, { role: 'supervisor', queues: ['front', 'triage'] }, 'staff:admin-1', { expectedVersion: 1 });
    expect(changed).toMatchObject({ role: 'supervisor', queues: ['front', 'triage'], version: 2 });
    await expect(updateStaffUser(db, user.id, { role: 'nurse' }, 'staff:admin-1', { expectedVersion: 1 })).rejects.toMatchObject({ code: 'STAFF_USER_VERSION_STALE' });
    expect((await findStaffUserById(db, user.id))?.role).toBe('supervisor');
    const changes = (await listAuditEvents(db, { limit: 1000 })).filter((event) => event.objectId === user.id && event.action === 'staff.user.changed');
    expect(changes.map((event) => event.detail)).toEqual([{ fields: ['role', 'queues'] }]);
    expect(await updateStaffUser(db, '00000000-0000-4000-8000-000000000000', { role: 'nurse' }, 'cli')).toBeNull();
  });

  it('disabling revokes every open session in the same transaction; enabling does not bring them back', async () => {
    const user = await createStaffUser(db, { userName: 'leaver', role: 'clinician' }, 'cli');
    await openSession(user.id, `${kind}-s1`);
    await openSession(user.id, `${kind}-s2`);
    const disabled = await setStaffUserActive(db, user.id, false, 'staff:admin-1');
    expect(disabled).toMatchObject({ active: false, version: 2 });
    expect(disabled?.disabledAt).toBeInstanceOf(Date);
    const { rows } = await db.query<{ revoked_at: Date | null; revoke_reason: string | null }>('select revoked_at, revoke_reason from staff_session where user_id = $1', [user.id]);
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.revoked_at !== null && row.revoke_reason === 'user-disabled')).toBe(true);
    const enabled = await setStaffUserActive(db, user.id, true, 'staff:admin-1');
    expect(enabled).toMatchObject({ active: true, disabledAt: null });
    const open = await db.query('select id from staff_session where user_id = $1 and revoked_at is null', [user.id]);
    expect(open.rows).toHaveLength(0);
    const actions = (await listAuditEvents(db, { limit: 1000 })).filter((event) => event.objectId === user.id).map((event) => event.action);
    expect(actions).toEqual(['staff.user.created', 'staff.user.disabled', 'staff.sessions.revoked', 'staff.user.enabled']);
  });

  it('revokes the sessions of one person only', async () => {
    const one = await createStaffUser(db, { userName: 'one', role: 'nurse' }, 'cli');
    const other = await createStaffUser(db, { userName: 'other', role: 'nurse' }, 'cli');
    await openSession(one.id, `${kind}-one`);
    await openSession(other.id, `${kind}-other`);
    expect(await revokeStaffSessions(db, one.id, 'signed-out-everywhere', `staff:${one.id}`)).toBe(1);
    expect(await revokeStaffSessions(db, one.id, 'signed-out-everywhere')).toBe(0);
    const open = await db.query<{ id: string }>('select id from staff_session where revoked_at is null and user_id in ($1, $2)', [one.id, other.id]);
    expect(open.rows.map((row) => row.id)).toEqual([`${kind}-other`]);
  });
});
