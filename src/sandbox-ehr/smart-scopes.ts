/**
 * SMART system scopes as the sandbox enforces them: v2 syntax (`system/Task.cru`) and v1 syntax
 * (`system/Task.write`, `system/*.read`), for the resource type and interaction of each request.
 * Pure: no I/O, so the rules are tested on their own.
 *
 * Not supported (never granted): parameterised v2 scopes (`system/Observation.rs?category=…`),
 * patient/ and user/ scopes (a backend service has no user or launch context).
 */

export type Permission = 'c' | 'r' | 'u' | 'd' | 's';
const PERMISSION_ORDER: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];

export interface SystemScope {
  /** A resource type, or `*` for every type. */
  resourceType: string;
  permissions: ReadonlySet<Permission>;
}

const V1_ACCESS: Record<string, readonly Permission[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': PERMISSION_ORDER };

/** `system/Task.cru` → { Task, {c,r,u} }; anything else (patient/, launch, typos) → null. */
export function parseScope(scope: string): SystemScope | null {
  const match = /^system\/([A-Z][A-Za-z]*|\*)\.([a-z*]+)$/.exec(scope);
  if (!match) return null;
  const [, resourceType, access] = match as unknown as [string, string, string];
  const v1 = V1_ACCESS[access];
  if (v1) return { resourceType, permissions: new Set(v1) };
  // v2: a non-empty subsequence of c r u d s, in that order.
  if (!/^c?r?u?d?s?$/.test(access) || access.length === 0) return null;
  return { resourceType, permissions: new Set(access.split('') as Permission[]) };
}

/** The v2 form of a scope: `system/Task.cru`. */
export function formatScope(scope: SystemScope): string {
  return `system/${scope.resourceType}.${PERMISSION_ORDER.filter((p) => scope.permissions.has(p)).join('')}`;
}

/**
 * What a client gets: each requested scope narrowed to what its registration allows
 * (requested ∩ allowed), in v2 syntax, without duplicates. Unparseable requests are dropped.
 */
export function grantScopes(requested: readonly string[], allowed: readonly string[]): string[] {
  const allowedScopes = allowed.map(parseScope).filter((scope): scope is SystemScope => scope !== null);
  const granted = new Set<string>();
  for (const raw of requested) {
    const wanted = parseScope(raw);
    if (!wanted) continue;
    for (const permit of allowedScopes) {
      const resourceType = wanted.resourceType === '*' ? permit.resourceType : permit.resourceType === '*' || permit.resourceType === wanted.resourceType ? wanted.resourceType : null;
      if (!resourceType) continue;
      const permissions = new Set(PERMISSION_ORDER.filter((p) => wanted.permissions.has(p) && permit.permissions.has(p)));
      if (permissions.size > 0) granted.add(formatScope({ resourceType, permissions }));
    }
  }
  return [...granted];
}

/** Does any scope cover this resource type (or `*` for system-level requests) and permission? */
export function scopesAllow(scopes: readonly SystemScope[], resourceType: string, permission: Permission): boolean {
  return scopes.some((scope) => (scope.resourceType === '*' || scope.resourceType === resourceType) && scope.permissions.has(permission));
}

export type RequiredAccess = { kind: 'resource'; resourceType: string; permission: Permission } | { kind: 'bundle' };

/**
 * The access a FHIR REST request needs, from its method and URL relative to the base:
 * read and vread and history → r; search (GET or POST _search) → s; create → c; update and patch
 * (conditional too) → u; delete → d; POST to the base (batch/transaction) → checked per entry.
 */
export function requiredAccess(method: string, relativeUrl: string): RequiredAccess {
  const [path = ''] = relativeUrl.split('?', 1);
  const segments = path.split('/').filter(Boolean);
  const [resourceType = '*', second, third] = segments;
  const upper = method.toUpperCase();
  if (segments.length === 0) {
    return upper === 'POST' ? { kind: 'bundle' } : { kind: 'resource', resourceType: '*', permission: 's' };
  }
  const at = (permission: Permission): RequiredAccess => ({ kind: 'resource', resourceType, permission });
  if (second?.startsWith('$') || third?.startsWith('$')) return at(upper === 'GET' ? 'r' : 'u');
  if (segments.length === 1 || second === '_history') {
    if (upper === 'GET' || upper === 'HEAD') return at('s');
    if (upper === 'POST') return at('c');
    if (upper === 'DELETE') return at('d');
    // PUT and PATCH on a type are conditional updates (criteria are required, see the server).
    return at('u');
  }
  if (second === '_search') return at('s');
  if (upper === 'GET' || upper === 'HEAD') return at('r');
  if (upper === 'DELETE') return at('d');
  return at('u');
}
