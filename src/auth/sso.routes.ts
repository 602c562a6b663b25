import { createHmac } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import type { AuditEventInput } from '../audit/audit-chain.ts';
import { CallchartError, isCallchartError, type ErrorCode } from '../lib/errors.ts';
import type { SsoClient } from './sso.client.ts';
import { sendStaffApp } from '../web/staff-app.routes.ts';
import { decideSsoSignIn, safeReturnTo, ssoFlowSchema, ssoRefusals, userNameFromClaims, type SsoCandidate, type SsoFlow, type SsoRefusal, type SsoSettings } from './sso.ts';

/** The flow cookie: only the two SSO routes ever see it, and only for ten minutes. */
export const ssoFlowCookie = 'callchart_sso_flow';
const flowCookiePath = '/auth/sso';
const flowSeconds = 600;

/** What the SSO routes need from the rest of the engine (the staff directory and sessions are A's). */
export interface SsoRouteDeps {
  client: SsoClient | null;
  settings: SsoSettings | null;
  /** Signs the flow cookie (derived from the staff-token secret, never stored). */
  flowKey: Uint8Array;
  /** Cookies carry `Secure` (behind TLS). */
  secureCookies: boolean;
  now: () => Date;
  findUserByName(userName: string): Promise<(SsoCandidate & { role: string }) | null>;
  /** Links the IdP subject to the user on the first SSO sign-in; false when the subject is another user's. */
  linkSubject(userId: string, issuer: string, subject: string): Promise<boolean>;
  /** Starts a session for the user and sets its cookie on the reply. */
  startSession(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void>;
  /** The signed-in person of this request's session cookie, if any. */
  currentSession(request: FastifyRequest): Promise<{ userId: string; sessionId: string } | null>;
  /** A session by id if it still stands (not revoked, not expired, its person active). */
  sessionById(sessionId: string): Promise<{ userId: string; sessionId: string } | null>;
  /** Records a fresh re-authentication on the session (step-up). */
  markSteppedUp(request: FastifyRequest, session: { userId: string; sessionId: string }, purpose: string): Promise<void>;
  audit(event: AuditEventInput): Promise<void>;
  /** The sign-in page, served with the refusal's code for its script to put in words. */
  /** Sign-in attempts one source may make per minute (as on the /auth API). */
  attemptsPerMinute?: number;
}

/** A key for one purpose from the staff-token secret: the flow cookie's signature cannot pass as a staff token. */
export function deriveFlowKey(staffTokenSecret: Uint8Array): Uint8Array {
  return createHmac('sha256', staffTokenSecret).update('callchart/sso-flow-cookie/v1').digest();
}

const startQuery = z.object({
  purpose: z.enum(['sign-in', 'step-up']).default('sign-in'),
  for: z.enum(['raw-content', 'export', 'key-operation']).optional(),
  returnTo: z.string().max(200).optional(),
});

/**
 * GET /auth/sso/start: a new flow (state, nonce, PKCE verifier in a signed HttpOnly cookie), then
 * a redirect to the IdP. GET /auth/sso/callback: the code exchange, the checks of sso.ts, then a
 * session (or, for a step-up, a fresh re-authentication on the current session) and a redirect to
 * where the person was. A refusal is a 4xx sign-in page that says what happened, audited with its
 * code as `staff.sign-in.failed`; never a 500.
 */
export async function ssoRoutes(app: FastifyInstance, deps: SsoRouteDeps): Promise<void> {
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);

  const refuse = async (request: FastifyRequest, reply: FastifyReply, code: ErrorCode, detail: { purpose: string; userId?: string; idpCode?: string }) => {
    await deps.audit({
      actor: detail.userId ? `staff:${detail.userId}` : 'staff:unknown', action: 'staff.sign-in.failed', objectType: 'staff-user', objectId: detail.userId ?? null,
      // The library's error code (e.g. OAUTH_INVALID_RESPONSE), never its message: it may quote the IdP's answer.
      outcome: 'rejected', reason: code, detail: { method: 'sso', purpose: detail.purpose, ...(detail.idpCode ? { idpCode: detail.idpCode.slice(0, 64) } : {}) },
    }).catch(() => undefined);
    const status = new CallchartError(code, code).status;
    // The page shows the reason in words; the code rides in an attribute its script reads (a fixed list, never input).
    const shownCode = (ssoRefusals as readonly string[]).includes(code) || code === 'SSO_IDP_UNAVAILABLE' ? code : 'SSO_IDP_ERROR';
    return sendStaffApp(reply.clearCookie(ssoFlowCookie, { path: flowCookiePath }), shownCode, status);
  };

  // Each start asks the IdP (discovery) and each callback spends a code: limited per source, like the /auth API.
  const limited = { rateLimit: { max: deps.attemptsPerMinute ?? 20, timeWindow: 60_000, keyGenerator: (request: { ip: string }) => request.ip } };

  app.get('/auth/sso/start', { config: { ...limited, helmet: { enableCSPNonces: true } }, schema: { hide: true, querystring: startQuery } }, async (request, reply) => {
    const query = request.query as z.infer<typeof startQuery>;
    if (!deps.client) return refuse(request, reply, 'SSO_NOT_CONFIGURED', { purpose: query.purpose });
    const session = query.purpose === 'step-up' ? await deps.currentSession(request) : null;
    if (query.purpose === 'step-up' && !session) {
      return reply.code(401).header('cache-control', 'no-store').send({ error: { code: 'SESSION_INVALID', message: 'sign in first: a step-up re-authenticates a signed-in person' } });
    }
    try {
      const started = await deps.client.start(query.purpose, safeReturnTo(query.returnTo), deps.now(), query.for);
      const flow = session ? { ...started.flow, sessionId: session.sessionId } : started.flow;
      const { url } = started;
      const sealed = await new SignJWT({ flow }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(`${flowSeconds}s`).sign(deps.flowKey);
      // SameSite=Lax: the callback is a top-level navigation from the IdP's site, which Strict would strip.
      return reply
        .header('cache-control', 'no-store')
        .setCookie(ssoFlowCookie, sealed, { path: flowCookiePath, httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, maxAge: flowSeconds })
        .redirect(url.href, 303);
    } catch (error) {
      return refuse(request, reply, isCallchartError(error) ? error.code : 'SSO_IDP_UNAVAILABLE', { purpose: query.purpose });
    }
  });

  app.get('/auth/sso/callback', { config: { ...limited, helmet: { enableCSPNonces: true } }, schema: { hide: true } }, async (request, reply) => {
    const flow = await readFlow(request.cookies[ssoFlowCookie], deps.flowKey);
    if (!deps.client || !deps.settings) return refuse(request, reply, 'SSO_NOT_CONFIGURED', { purpose: flow?.purpose ?? 'sign-in' });
    if (!flow) return refuse(request, reply, 'SSO_STATE_MISMATCH', { purpose: 'sign-in' });
    let identity;
    try {
      const query = request.url.indexOf('?');
      identity = await deps.client.finish(query < 0 ? '' : request.url.slice(query), flow);
    } catch (error) {
      const idpCode = isCallchartError(error) && typeof error.detail?.cause === 'string' ? error.detail.cause : undefined;
      return refuse(request, reply, isCallchartError(error) ? error.code : 'SSO_IDP_ERROR', { purpose: flow.purpose, ...(idpCode ? { idpCode } : {}) });
    }
    const userName = userNameFromClaims(identity.claims, deps.settings.userClaim);
    const candidate = userName ? await deps.findUserByName(userName) : null;
    const session = flow.purpose === 'step-up' && flow.sessionId ? await deps.sessionById(flow.sessionId) : null;
    const verdict = decideSsoSignIn({
      candidate, issuer: identity.issuer, subject: identity.subject, amr: identity.amr, requireMfa: deps.settings.requireMfaClaim,
      purpose: flow.purpose, sessionUserId: session?.userId ?? null, authTime: identity.authTime, startedAt: flow.startedAt,
    });
    if (!verdict.ok) return refuse(request, reply, verdict.refusal, { purpose: flow.purpose, ...(candidate ? { userId: candidate.id } : {}) });
    if (verdict.link && !(await deps.linkSubject(verdict.userId, identity.issuer, identity.subject))) {
      return refuse(request, reply, 'SSO_SUBJECT_MISMATCH', { purpose: flow.purpose, userId: verdict.userId });
    }
    reply.clearCookie(ssoFlowCookie, { path: flowCookiePath }).header('cache-control', 'no-store');
    if (flow.purpose === 'step-up') {
      await deps.markSteppedUp(request, session!, flow.stepUpFor ?? 'raw-content');
    } else {
      await deps.startSession(request, reply, verdict.userId);
    }
    return reply.redirect(flow.returnTo, 303);
  });
}

async function readFlow(cookie: string | undefined, key: Uint8Array): Promise<SsoFlow | null> {
  if (!cookie || cookie.length > 4096) return null;
  try {
    const { payload } = await jwtVerify(cookie, key, { algorithms: ['HS256'] });
    const parsed = ssoFlowSchema.safeParse(payload.flow);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export type { SsoRefusal };
