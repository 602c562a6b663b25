import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import type { Db } from '../store/db.ts';
import { findStaffUserByUserName, updateStaffUser } from './staff-directory.repository.ts';
import type { SsoClient } from './sso.client.ts';
import { deriveFlowKey, ssoRoutes } from './sso.routes.ts';
import type { SsoSettings } from './sso.ts';
import { isCallchartError } from '../lib/errors.ts';
import { sessionCookieValue, type StaffSignIn } from './sign-in.service.ts';
import { findSessionHolder } from './staff-session.repository.ts';

/** Sessions as the sign-in layer provides them (staff-session; helper A's part of issue 13). */
export interface StaffSessionPort {
  /** Starts a session for a person the IdP vouched for, and sets its cookie on the reply. */
  start(request: FastifyRequest, reply: FastifyReply, userId: string, method: 'sso'): Promise<void>;
  /** The live session of this request's cookie, if any. */
  current(request: FastifyRequest): Promise<{ userId: string; sessionId: string } | null>;
  /** A session by id, if it still stands. */
  byId(sessionId: string): Promise<{ userId: string; sessionId: string } | null>;
  /** Records that the person of this session re-authenticated just now (step-up through the IdP). */
  markSteppedUp(request: FastifyRequest, session: { userId: string; sessionId: string }, purpose: string): Promise<void>;
}

/** The SSO flow's view of the sign-in layer's sessions (sign-in.service.ts). */
export function staffSessionPort(db: Db, signIn: StaffSignIn): StaffSessionPort {
  return {
    async start(_request, reply, userId, method) {
      const session = await signIn.startSession(userId, method);
      reply.header('set-cookie', session.setCookie);
    },
    async current(request) {
      const cookie = sessionCookieValue(request.headers.cookie);
      const found = cookie ? await signIn.sessionFor(cookie) : null;
      return found && 'holder' in found ? { userId: found.holder.user.id, sessionId: found.holder.session.id } : null;
    },
    async byId(sessionId) {
      // As sessionFor judges a cookie's session, without renewing it: the callback is not the person's activity.
      const holder = await findSessionHolder(db, sessionId);
      const now = signIn.now();
      if (!holder || holder.session.revokedAt || !holder.user.active || signIn.expiryOf(holder).idleExpiresAt <= now) return null;
      return { userId: holder.user.id, sessionId: holder.session.id };
    },
    markSteppedUp: (_request, session, purpose) => signIn.recordSteppedUp(session.sessionId, session.userId, purpose, 'sso'),
  };
}

export interface SignInPageDeps {
  db: Db;
  staffTokenSecret: Uint8Array;
  secureCookies: boolean;
  sso?: { client: SsoClient; settings: SsoSettings } | null;
  sessions?: StaffSessionPort;
  now?: () => Date;
  attemptsPerMinute?: number;
}

/**
 * Whether SSO is set up (`/auth/sso/info`, for the sign-in screen's button) and the SSO flow
 * (sso.routes.ts). The sign-in screen is the staff app's (src/web/staff-app.routes.ts).
 */
export async function signInPageRoutes(app: FastifyInstance, deps: SignInPageDeps): Promise<void> {
  app.get('/auth/sso/info', { schema: { hide: true } }, async () => (deps.sso && deps.sessions ? { configured: true, displayName: deps.sso.settings.displayName } : { configured: false }));

  const sessions = deps.sessions;
  const ready = deps.sso && sessions ? deps.sso : null;
  await ssoRoutes(app, {
    client: ready?.client ?? null,
    settings: ready?.settings ?? null,
    flowKey: deriveFlowKey(deps.staffTokenSecret),
    secureCookies: deps.secureCookies,
    now: deps.now ?? (() => new Date()),
    ...(deps.attemptsPerMinute ? { attemptsPerMinute: deps.attemptsPerMinute } : {}),
    findUserByName: async (userName) => {
      const user = await findStaffUserByUserName(deps.db, userName);
      return user ? { id: user.id, active: user.active, ssoIssuer: user.ssoIssuer, ssoSubject: user.ssoSubject, role: user.role } : null;
    },
    linkSubject: async (userId, issuer, subject) => {
      try {
        return (await updateStaffUser(deps.db, userId, { ssoIssuer: issuer, ssoSubject: subject }, `staff:${userId}`)) !== null;
      } catch (error) {
        // Another staff_user holds this subject already (unique issuer + subject).
        if (isCallchartError(error) && error.code === 'STAFF_USER_EXISTS') return false;
        throw error;
      }
    },
    startSession: (request, reply, userId) => sessions!.start(request, reply, userId, 'sso'),
    currentSession: (request) => (sessions ? sessions.current(request) : Promise.resolve(null)),
    sessionById: (sessionId) => (sessions ? sessions.byId(sessionId) : Promise.resolve(null)),
    markSteppedUp: (request, session, purpose) => sessions!.markSteppedUp(request, session, purpose),
    audit: (event) => recordAuditEvent(deps.db, event),
  });
}
