import { describe, expect, it } from 'vitest';
import { formatScope, grantScopes, parseScope, requiredAccess, scopesAllow, type SystemScope } from './smart-scopes.ts';

const parsed = (...scopes: string[]): SystemScope[] => scopes.map((scope) => parseScope(scope)!);

describe('SMART system scopes', () => {
  it('reads v2 and v1 syntax into the same permissions', () => {
    expect(formatScope(parseScope('system/Task.cru')!)).toBe('system/Task.cru');
    expect(formatScope(parseScope('system/Task.write')!)).toBe('system/Task.cud');
    expect(formatScope(parseScope('system/Patient.read')!)).toBe('system/Patient.rs');
    expect(formatScope(parseScope('system/*.*')!)).toBe('system/*.cruds');
  });

  it('refuses what a backend service may not hold or what is malformed', () => {
    for (const scope of ['patient/Task.rs', 'user/*.read', 'launch', 'openid', 'system/Task.rc', 'system/Task.', 'system/task.rs', 'system/Observation.rs?category=vital-signs', 'system/Task.cruds ']) {
      expect(parseScope(scope), scope).toBeNull();
    }
  });

  it('grants requested ∩ allowed, narrowing permissions and wildcards', () => {
    expect(grantScopes(['system/Task.cruds', 'system/Patient.rs'], ['system/Task.cru', 'system/Communication.c'])).toEqual(['system/Task.cru']);
    expect(grantScopes(['system/*.rs'], ['system/Patient.rs', 'system/Task.r'])).toEqual(['system/Patient.rs', 'system/Task.r']);
    expect(grantScopes(['system/Task.write', 'system/Patient.read'], ['system/*.cruds'])).toEqual(['system/Task.cud', 'system/Patient.rs']);
    expect(grantScopes(['system/Patient.d'], ['system/*.rs'])).toEqual([]);
    expect(grantScopes(['patient/*.read', 'nonsense'], ['system/*.cruds'])).toEqual([]);
  });

  it('maps each REST interaction to the permission it needs', () => {
    expect(requiredAccess('GET', '/Patient/pat-1')).toEqual({ kind: 'resource', resourceType: 'Patient', permission: 'r' });
    expect(requiredAccess('GET', '/Patient/pat-1/_history/2')).toMatchObject({ permission: 'r' });
    expect(requiredAccess('GET', '/Patient?phone=%2B1555')).toMatchObject({ resourceType: 'Patient', permission: 's' });
    expect(requiredAccess('POST', '/Patient/_search')).toMatchObject({ permission: 's' });
    expect(requiredAccess('POST', '/Task')).toMatchObject({ resourceType: 'Task', permission: 'c' });
    expect(requiredAccess('PUT', '/Task/t-1')).toMatchObject({ permission: 'u' });
    expect(requiredAccess('PUT', '/Task?identifier=x|1')).toMatchObject({ permission: 'u' });
    expect(requiredAccess('PATCH', '/Task/t-1')).toMatchObject({ permission: 'u' });
    expect(requiredAccess('DELETE', '/Task/t-1')).toMatchObject({ permission: 'd' });
    expect(requiredAccess('POST', '/')).toEqual({ kind: 'bundle' });
    expect(requiredAccess('GET', '/')).toEqual({ kind: 'resource', resourceType: '*', permission: 's' });
  });

  it('allows only what a scope covers', () => {
    const scopes = parsed('system/Task.cru', 'system/Patient.rs');
    expect(scopesAllow(scopes, 'Task', 'c')).toBe(true);
    expect(scopesAllow(scopes, 'Task', 'd')).toBe(false);
    expect(scopesAllow(scopes, 'Task', 's')).toBe(false);
    expect(scopesAllow(scopes, 'Communication', 'c')).toBe(false);
    expect(scopesAllow(scopes, 'Patient', 's')).toBe(true);
    expect(scopesAllow(parsed('system/*.rs'), 'Condition', 'r')).toBe(true);
    expect(scopesAllow(parsed('system/Patient.rs'), '*', 's')).toBe(false);
  });
});
