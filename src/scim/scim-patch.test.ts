import { describe, expect, it } from 'vitest';
import type { CallchartError } from '../lib/errors.ts';
import { applyGroupPatch, applyUserPatch } from './scim-patch.ts';
import { readScimPatch, readScimUser, scimSchemas, type ProvisionedUser } from './scim.schema.ts';

const kim: ProvisionedUser = { userName: 'kim.lee', externalId: 'ext-1', displayName: 'Kim Lee (synthetic)', email: 'kim@clinic.example', active: true };
const patch = (...operations: unknown[]) => readScimPatch({ schemas: [scimSchemas.patchOp], Operations: operations });
const codeOf = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    return (error as CallchartError).code;
  }
  return 'accepted';
};

describe('PATCH on a user, as Okta and Entra ID send it', () => {
  it('deactivates with Okta\'s path-less replace and with Entra ID\'s "False" string', () => {
    expect(applyUserPatch(kim, patch({ op: 'replace', value: { active: false } }))).toEqual({ user: { ...kim, active: false }, changed: ['active'] });
    expect(applyUserPatch(kim, patch({ op: 'Replace', path: 'active', value: 'False' })).user.active).toBe(false);
  });

  it('changes kept fields and names only the fields that changed; ignores attributes Callchart does not keep', () => {
    const result = applyUserPatch(kim, patch(
      { op: 'replace', path: 'displayName', value: 'Kim Park (synthetic)' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'kim.park@clinic.example' },
      { op: 'replace', path: 'externalId', value: 'ext-1' },
      { op: 'add', path: 'title', value: 'RN' },
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Triage' },
      { op: 'replace', path: 'name.givenName', value: 'Kim' },
    ));
    expect(result.changed.sort()).toEqual(['displayName', 'email']);
    expect(result.user.email).toBe('kim.park@clinic.example');
  });

  it('refuses unknown paths, removing required attributes and values of the wrong type', () => {
    expect(codeOf(() => applyUserPatch(kim, patch({ op: 'replace', path: 'shoeSize', value: 42 })))).toBe('SCIM_INVALID_PATH');
    expect(codeOf(() => applyUserPatch(kim, patch({ op: 'remove', path: 'userName' })))).toBe('SCIM_MUTABILITY');
    expect(codeOf(() => applyUserPatch(kim, patch({ op: 'replace', path: 'active', value: 'maybe' })))).toBe('SCIM_INVALID_VALUE');
    expect(codeOf(() => applyUserPatch(kim, patch({ op: 'remove' })))).toBe('SCIM_NO_TARGET');
    expect(codeOf(() => readScimPatch({ Operations: [{ op: 'replace', value: {} }] }))).toBe('SCIM_INVALID_SYNTAX');
    expect(codeOf(() => patch({ op: 'move', path: 'active' }))).toBe('SCIM_INVALID_SYNTAX');
  });
});

describe('PATCH on a group', () => {
  const nurses = { displayName: 'Callchart Nurses', externalId: null, members: ['u1', 'u2'] };

  it('adds and removes members as Okta and Entra ID do, including a value-filtered remove', () => {
    expect(applyGroupPatch(nurses, patch({ op: 'add', path: 'members', value: [{ value: 'u3', display: 'x' }] })).group.members).toEqual(['u1', 'u2', 'u3']);
    expect(applyGroupPatch(nurses, patch({ op: 'remove', path: 'members[value eq "u1"]' })).group.members).toEqual(['u2']);
    expect(applyGroupPatch(nurses, patch({ op: 'Remove', path: 'members', value: [{ value: 'u2' }] })).group.members).toEqual(['u1']);
    expect(applyGroupPatch(nurses, patch({ op: 'replace', path: 'members', value: [{ value: 'u9' }] })).group.members).toEqual(['u9']);
    expect(applyGroupPatch(nurses, patch({ op: 'remove', path: 'members' })).group.members).toEqual([]);
  });

  it('renames with a path-less replace (Okta repeats the id) and reports what changed', () => {
    const result = applyGroupPatch(nurses, patch({ op: 'replace', value: { id: 'g1', displayName: 'Callchart Clinicians' } }));
    expect(result).toEqual({ group: { ...nurses, displayName: 'Callchart Clinicians' }, changed: ['displayName'] });
    expect(applyGroupPatch(nurses, patch({ op: 'add', path: 'members', value: [{ value: 'u1' }] })).changed).toEqual([]);
  });

  it('refuses members that are not {value}, and unknown paths', () => {
    expect(codeOf(() => applyGroupPatch(nurses, patch({ op: 'add', path: 'members', value: ['u3'] })))).toBe('SCIM_INVALID_VALUE');
    expect(codeOf(() => applyGroupPatch(nurses, patch({ op: 'replace', path: 'owner', value: 'x' })))).toBe('SCIM_INVALID_PATH');
    expect(codeOf(() => applyGroupPatch(nurses, patch({ op: 'remove', path: 'members[display eq "x"]' })))).toBe('SCIM_INVALID_FILTER');
  });
});

describe('POST and PUT bodies', () => {
  it('keeps userName (lower-cased), externalId, a display name and the primary email; ignores known attributes it does not keep', () => {
    expect(readScimUser({
      schemas: [scimSchemas.user, scimSchemas.enterpriseUser], userName: 'Kim.Lee@Clinic.example', externalId: '00u1', name: { givenName: 'Kim', familyName: 'Lee' },
      emails: [{ value: 'other@clinic.example' }, { value: 'kim@clinic.example', primary: true, type: 'work' }], locale: 'en-US', title: 'RN', password: 'never-stored',
      [scimSchemas.enterpriseUser]: { department: 'Triage' },
    })).toEqual({ userName: 'kim.lee@clinic.example', externalId: '00u1', displayName: 'Kim Lee', email: 'kim@clinic.example', active: true });
  });

  it('refuses attributes SCIM does not define, naming them, and values of the wrong type', () => {
    expect(codeOf(() => readScimUser({ userName: 'a', shoeSize: 42 }))).toBe('SCIM_INVALID_SYNTAX');
    expect(codeOf(() => readScimUser({ userName: '' }))).toBe('SCIM_INVALID_VALUE');
    expect(codeOf(() => readScimUser({ userName: 'a', active: 'perhaps' }))).toBe('SCIM_INVALID_VALUE');
    expect(codeOf(() => readScimUser([]))).toBe('SCIM_INVALID_SYNTAX');
  });
});
