import { describe, expect, it } from 'vitest';
import { adminChangeRefusal } from './staff-admin.policy.ts';

const admin = { id: 'u-admin', role: 'admin' as const, active: true };
const nurse = { id: 'u-nurse', role: 'nurse' as const, active: true };

describe('what an admin may change', () => {
  it('refuses changing one\'s own role or disabling oneself, but allows other changes to oneself', () => {
    expect(adminChangeRefusal({ actorId: admin.id, target: admin, role: 'nurse', otherActiveAdmins: 3 })?.code).toBe('STAFF_SELF_CHANGE');
    expect(adminChangeRefusal({ actorId: admin.id, target: admin, active: false, otherActiveAdmins: 3 })?.code).toBe('STAFF_SELF_CHANGE');
    expect(adminChangeRefusal({ actorId: admin.id, target: admin, role: 'admin', otherActiveAdmins: 0 })).toBeNull();
  });

  it('refuses demoting or disabling the last active admin', () => {
    expect(adminChangeRefusal({ actorId: 'u-other', target: admin, role: 'supervisor', otherActiveAdmins: 0 })?.code).toBe('STAFF_LAST_ADMIN');
    expect(adminChangeRefusal({ actorId: 'u-other', target: admin, active: false, otherActiveAdmins: 0 })?.code).toBe('STAFF_LAST_ADMIN');
    expect(adminChangeRefusal({ actorId: 'u-other', target: admin, active: false, otherActiveAdmins: 1 })).toBeNull();
  });

  it('lets admins change everyone else, including disabling an already disabled admin again', () => {
    expect(adminChangeRefusal({ actorId: admin.id, target: nurse, role: 'clinician', active: false, otherActiveAdmins: 0 })).toBeNull();
    expect(adminChangeRefusal({ actorId: 'u-other', target: { ...admin, active: false }, active: false, otherActiveAdmins: 0 })).toBeNull();
  });
});
