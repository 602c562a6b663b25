import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { verifyStaffToken, type StaffClaims } from '../auth/staff-token.ts';
import { CallchartError, type ErrorCode } from '../lib/errors.ts';
import { accessFor, type RouteAccess } from './route-access.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member, set by the access check on staff routes. */
    staff?: StaffClaims;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** The subprotocol the staff display speaks; the token rides beside it as `bearer.<token>`. */
export const liveSubprotocol = 'callchart.live.v1';
const bearerSubprotocolPrefix = 'bearer.';

export interface AccessControlOptions {
  staffTokenSecret: Uint8Array;
  /** Called for every refused request (401/403), with a reason code; never the token. */
  onRefused: (request: FastifyRequest, refusal: { status: number; code: ErrorCode }) => Promise<void>;
}

/**
 * Deny by default (SE-2). Registers two hooks on the root instance before any route:
 * - `onRoute`: every route must have a row in route-access.ts, or the engine does not start;
 * - `onRequest`: staff routes need a valid staff token and an allowed role before the body is
 *   even read (401 before 400, 403 before 404). Queue narrowing happens in the handlers, which
 *   know the object's queue.
 * Returns the registered routes with their rows, for the security tier's generated matrix.
 */
export function installAccessControl(app: FastifyInstance, options: AccessControlOptions): { method: string; url: string; access: RouteAccess }[] {
  const registered: { method: string; url: string; access: RouteAccess }[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const access = accessFor(method, route.url);
      if (!access) throw new Error(`Route ${method} ${route.url} has no row in src/api/route-access.ts: every route declares who may call it`);
      route.config = { ...(route.config ?? {}), access };
      if (method !== 'HEAD') registered.push({ method, url: route.url, access });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (!access || access.kind !== 'staff') return;
    const refuse = async (code: ErrorCode, message: string) => {
      const error = new CallchartError(code, message);
      await options.onRefused(request, { status: error.status, code });
      return reply.code(error.status).header('cache-control', 'no-store').send({ error: { code, message } });
    };
    if (hasTokenInQuery(request.url)) {
      return refuse('STAFF_TOKEN_IN_URL', 'send the staff token in the Authorization header (or the bearer.<token> WebSocket subprotocol), never in the URL');
    }
    const token = staffTokenOf(request);
    if (!token) return refuse('STAFF_TOKEN_MISSING', 'sign in: a staff token is required (Authorization: Bearer <token>)');
    const claims = await verifyStaffToken(options.staffTokenSecret, token);
    if (!claims) return refuse('STAFF_TOKEN_INVALID', 'your sign-in is not valid or has expired: sign in again');
    if (!access.roles.includes(claims.role)) return refuse('ROLE_FORBIDDEN', `the ${claims.role} role may not do this`);
    request.staff = claims;
  });
  return registered;
}

/** The staff member of a request that passed the access check (a handler bug if absent). */
export function staffOf(request: FastifyRequest): StaffClaims {
  if (!request.staff) throw new CallchartError('STAFF_TOKEN_MISSING', 'sign in: a staff token is required');
  return request.staff;
}

/** Lets the browser's WebSocket carry the token without putting it in the URL (picked by the server, never echoed). */
export function selectLiveSubprotocol(protocols: Set<string>): string | false {
  return protocols.has(liveSubprotocol) ? liveSubprotocol : false;
}

function staffTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || undefined;
  const protocols = request.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    const bearer = protocols.split(',').map((part) => part.trim()).find((part) => part.startsWith(bearerSubprotocolPrefix));
    if (bearer) return bearer.slice(bearerSubprotocolPrefix.length) || undefined;
  }
  return undefined;
}

function hasTokenInQuery(url: string): boolean {
  const query = url.indexOf('?');
  if (query < 0) return false;
  return new URLSearchParams(url.slice(query + 1)).has('token');
}
