import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { tokenScopesAllow, verifyStaffToken, type StaffClaims } from '../auth/staff-token.ts';
import { csrfHeaderName, sessionCookieValue, type StaffSignIn } from '../auth/sign-in.service.ts';
import type { SessionHolder } from '../auth/staff-session.repository.ts';
import { CallchartError, type ErrorCode } from '../lib/errors.ts';
import { accessFor, type RouteAccess, type StepUpPurpose } from './route-access.ts';

/** How a staff request was authenticated, for step-up checks and the session's own routes. */
export interface StaffAuth {
  via: 'session' | 'token';
  /** The session and its person (sessions only). */
  holder?: SessionHolder;
  /** Re-authenticated within the step-up window (never true for tokens). */
  steppedUp: boolean;
  /** Audits a refusal a handler decides (step-up), like the hook's own. */
  refused: (code: ErrorCode) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member, set by the access check on staff routes. */
    staff?: StaffClaims;
    staffAuth?: StaffAuth;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** The subprotocol the staff display speaks; the token rides beside it as `bearer.<token>`. */
export const liveSubprotocol = 'callchart.live.v1';
const bearerSubprotocolPrefix = 'bearer.';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AccessControlOptions {
  staffTokenSecret: Uint8Array;
  /** Called for every refused request (401/403), with a reason code; never the token. */
  onRefused: (request: FastifyRequest, refusal: { status: number; code: ErrorCode }) => Promise<void>;
  /** Sessions (the `__Host-callchart_session` cookie); absent in test apps that use tokens only. */
  signIn?: StaffSignIn;
  /** The register entry of a token issued through the admin API (revocation, scopes); null for trial tokens. */
  tokenRegister?: (tokenId: string) => Promise<{ revokedAt: Date | null; scopes: readonly string[] } | null>;
}

/**
 * Deny by default (SE-2, SE-3). Registers two hooks on the root instance before any route:
 * - `onRoute`: every route must have a row in route-access.ts, or the engine does not start;
 * - `onRequest`: staff routes need a session cookie or a staff token (Authorization: Bearer), and
 *   an allowed role, before the body is even read (401 before 400, 403 before 404). A session is
 *   checked against the store on every request (idle and absolute expiry, revoked, account
 *   disabled) and its role and queues come from the directory, so a change applies at once.
 *   Cookie requests that change state carry the session's CSRF token (`x-csrf-token`) and, when
 *   the browser sends one, a same-origin Origin; a cookie WebSocket upgrade must come from this
 *   origin. Bearer requests need neither: a page of another site cannot set the header.
 *   Rows with `stepUp` need a session that re-authenticated within the step-up window; tokens
 *   cannot step up. Queue narrowing happens in the handlers, which know the object's queue.
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
    if (!access || (access.kind !== 'staff' && access.kind !== 'session')) return;
    const refused = (code: ErrorCode) => options.onRefused(request, { status: new CallchartError(code, code).status, code });
    const refuse = async (code: ErrorCode, message: string) => {
      const error = new CallchartError(code, message);
      await refused(code);
      return reply.code(error.status).header('cache-control', 'no-store').send({ error: { code, message } });
    };
    if (hasTokenInQuery(request.url)) {
      return refuse('STAFF_TOKEN_IN_URL', 'send the staff token in the Authorization header (or the bearer.<token> WebSocket subprotocol), never in the URL');
    }
    const token = staffTokenOf(request);
    if (token) {
      const claims = await verifyStaffToken(options.staffTokenSecret, token);
      if (!claims) return refuse('STAFF_TOKEN_INVALID', 'your sign-in is not valid or has expired: sign in again');
      if (claims.tokenId && options.tokenRegister) {
        const registration = await options.tokenRegister(claims.tokenId);
        if (registration?.revokedAt) return refuse('STAFF_TOKEN_REVOKED', 'this staff token was revoked');
        if (registration && !tokenScopesAllow(registration.scopes, request.method, request.routeOptions.url ?? '')) {
          return refuse('TOKEN_SCOPE_FORBIDDEN', 'this staff token\'s scopes do not cover this request');
        }
      }
      if (access.kind === 'session') return refuse('SESSION_REQUIRED', 'this is for a signed-in person\'s own session; a staff token cannot use it');
      if (!access.roles.includes(claims.role)) return refuse('ROLE_FORBIDDEN', `the ${claims.role} role may not do this`);
      if (access.stepUp) return refuse('STEP_UP_UNAVAILABLE', 'a staff token cannot confirm who is using it: sign in as a person and confirm to see this');
      request.staff = claims;
      request.staffAuth = { via: 'token', steppedUp: false, refused };
      return;
    }
    const cookie = options.signIn ? sessionCookieValue(request.headers.cookie) : undefined;
    if (!cookie || !options.signIn) return refuse('STAFF_TOKEN_MISSING', 'sign in: a session or a staff token (Authorization: Bearer <token>) is required');
    const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    const origin = request.headers.origin;
    // A browser always sends Origin on a WebSocket upgrade: one from another site rides the cookie otherwise (cross-site WebSocket hijacking).
    if ((upgrade || origin !== undefined) && !sameOrigin(origin, request.headers.host)) {
      return refuse('ORIGIN_FORBIDDEN', 'this request comes from a page of another site');
    }
    const found = await options.signIn.sessionFor(cookie);
    if ('refused' in found) {
      return refuse(found.refused, found.refused === 'SESSION_EXPIRED' ? 'your session has ended: sign in again' : 'you are not signed in: sign in again');
    }
    const { holder, steppedUp } = found;
    if (!upgrade && !safeMethods.has(request.method) && !options.signIn.csrfTokenMatches(holder.session.id, headerValue(request.headers[csrfHeaderName]))) {
      return refuse('CSRF_TOKEN_INVALID', `send the session's CSRF token in the ${csrfHeaderName} header`);
    }
    const claims: StaffClaims = {
      sub: holder.user.id, role: holder.user.role, queues: holder.user.queues, extensions: holder.user.extensions,
      userId: holder.user.id, sessionId: holder.session.id, via: 'session',
    };
    if (access.kind === 'staff' && !access.roles.includes(claims.role)) return refuse('ROLE_FORBIDDEN', `the ${claims.role} role may not do this`);
    if (access.kind === 'staff' && access.stepUp && !steppedUp) return refuse('STEP_UP_REQUIRED', 'confirm it is you (password and code) to see this');
    request.staff = claims;
    request.staffAuth = { via: 'session', holder, steppedUp, refused };
  });
  return registered;
}

/**
 * For handlers where only some requests need step-up (raw content behind `?redaction=off`): throws
 * STEP_UP_UNAVAILABLE (403) for a staff token and STEP_UP_REQUIRED (401) for a session that has not
 * re-authenticated within the window; audits the refusal like the access hook does.
 */
export async function requireStepUp(request: FastifyRequest, purpose: StepUpPurpose): Promise<void> {
  const auth = request.staffAuth;
  if (!auth) throw new CallchartError('STAFF_TOKEN_MISSING', 'sign in: a staff token is required');
  if (auth.steppedUp) return;
  const code: ErrorCode = auth.via === 'token' ? 'STEP_UP_UNAVAILABLE' : 'STEP_UP_REQUIRED';
  await auth.refused(code);
  throw new CallchartError(code, auth.via === 'token'
    ? `a staff token cannot confirm who is using it: sign in as a person and confirm to see this (${purpose})`
    : `confirm it is you (password and code) to see this (${purpose})`);
}

/** The session of a request on a session route (a handler bug if absent). */
export function staffSessionOf(request: FastifyRequest): SessionHolder {
  const holder = request.staffAuth?.holder;
  if (!holder) throw new CallchartError('SESSION_REQUIRED', 'sign in first');
  return holder;
}

function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
