import { describe, expect, it } from 'vitest';
import { routeAccess } from '../api/route-access.ts';
import { serviceScopeAllows, serviceScopes, type ServiceScope } from './service-scopes.ts';

describe('service scopes', () => {
  const scopes = Object.entries(serviceScopes) as [string, ServiceScope][];

  it('name only routes that exist, whose row allows the scope\'s role', () => {
    for (const [name, scope] of scopes) {
      for (const route of scope.routes) {
        const row = routeAccess[route];
        expect(row, `${name}: ${route}`).toBeDefined();
        expect(row?.kind === 'staff' && row.roles.includes(scope.role), `${name}: ${route} allows ${scope.role}`).toBe(true);
      }
    }
  });

  it('never reach a route that needs step-up, or that manages people', () => {
    for (const [name, scope] of scopes) {
      for (const route of scope.routes) {
        const row = routeAccess[route];
        expect(row?.kind === 'staff' && row.stepUp !== undefined, `${name}: ${route} needs step-up`).toBe(false);
        expect(route.includes('/api/admin/'), `${name}: ${route}`).toBe(false);
        expect(route.includes('/scim/'), `${name}: ${route}`).toBe(false);
      }
    }
  });

  it('allow a route only with the scope and the scope\'s role', () => {
    expect(serviceScopeAllows(['live:read'], 'intake', 'GET', '/api/calls')).toBe(true);
    expect(serviceScopeAllows(['live:read'], 'intake', 'HEAD', '/api/calls')).toBe(true);
    expect(serviceScopeAllows(['live:read'], 'nurse', 'GET', '/api/calls')).toBe(false);
    expect(serviceScopeAllows(['live:read'], 'intake', 'GET', '/api/review')).toBe(false);
    expect(serviceScopeAllows([], 'admin', 'GET', '/api/write-back')).toBe(false);
    expect(serviceScopeAllows(['no-such-scope'], 'admin', 'GET', '/api/write-back')).toBe(false);
  });
});
