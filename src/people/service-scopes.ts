import type { StaffRole } from '../auth/staff-token.ts';

/**
 * Service identities (SE-2): machines that call Callchart with a staff token an admin issued (a
 * wallboard, a monitoring job), never a person. A service token carries a role AND scopes; each
 * scope names the few routes it may call, so a token's reach is the intersection of its role's
 * rows in route-access.ts and its scopes' routes. Nothing here is reachable by a scope that is not
 * listed: a token without scopes calls nothing.
 *
 * Rules kept by service-scopes.test.ts: every route named exists in route-access.ts and its row
 * allows the scope's role; no scope reaches a route that needs step-up (raw content, exports, key
 * operations: a machine cannot re-authenticate) or changes people (the admin API) — people are
 * managed by admins and the IdP (SCIM has its own token).
 */
export interface ServiceScope {
  /** What a clinic uses it for. */
  purpose: string;
  /** The role a token with this scope must carry. */
  role: StaffRole;
  /** `METHOD /path` as in route-access.ts. */
  routes: readonly string[];
}

export const serviceScopes = {
  /** A wallboard or kiosk: who is calling in its queues, live; no review content, no charts. */
  'live:read': { purpose: 'wallboard or kiosk showing the live calls of its queues', role: 'intake', routes: ['GET /ws', 'GET /api/calls'] },
  /** Monitoring of chart delivery: ids, codes, counts and delivery status only. */
  'write-back:read': { purpose: 'monitoring of chart delivery (ids, codes, counts)', role: 'admin', routes: ['GET /api/write-back', 'GET /api/write-back/summary'] },
  /** Requeue a failed chart delivery (an operations runbook job). */
  'write-back:retry': { purpose: 'requeue failed chart deliveries from a runbook', role: 'admin', routes: ['POST /api/write-back/:id/retry'] },
  /** Read the clinic-wide queue policy (configuration drift checks). */
  'policy:read': { purpose: 'configuration drift checks', role: 'admin', routes: ['GET /api/policy'] },
} as const satisfies Record<string, ServiceScope>;
export type ServiceScopeName = keyof typeof serviceScopes;

export const serviceScopeNames = Object.keys(serviceScopes) as ServiceScopeName[];

/** Whether a service token with `scopes` and `role` may call `method url` (the route pattern). */
export function serviceScopeAllows(scopes: readonly string[], role: StaffRole, method: string, url: string): boolean {
  const route = `${method === 'HEAD' ? 'GET' : method} ${url}`;
  return scopes.some((name) => {
    const scope = (serviceScopes as Record<string, ServiceScope>)[name];
    return scope !== undefined && scope.role === role && scope.routes.includes(route);
  });
}
