import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CallchartError } from '../lib/errors.ts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffSessionOf } from '../api/access-control.ts';
import { maxPasswordLength } from './password.ts';
import { clearedSessionCookie, type StaffSignIn, type StartedSession } from './sign-in.service.ts';
import { findStaffUserById } from './staff-directory.repository.ts';
import type { SessionHolder } from './staff-session.repository.ts';
import type { Db } from '../store/db.ts';

/**
 * The sign-in API (SE-3) the sign-in pages are built on. Local accounts: password, then a TOTP
 * code (or a recovery code), or on a first sign-in the authenticator enrolment; the answer that
 * creates a session sets the `__Host-callchart_session` cookie and returns the session's CSRF
 * token, which the pages send as `x-csrf-token` on every state-changing request.
 * Every answer is `no-store`; the pre-session steps are rate limited per source.
 */
export interface AuthRoutesDeps {
  db: Db;
  signIn: StaffSignIn;
  /** Attempts per source per minute on the pre-session steps. */
  attemptsPerMinute: number;
  /** Audits a source that went over the limit (a keyed hash of it, never the address). */
  onRateLimited: (request: FastifyRequest) => void;
}

const pendingField = z.string().min(1).max(2_048);
const totpCode = z.string().regex(/^\d{6}$/, 'six digits');
const signInBody = z.object({ userName: z.string().trim().min(1).max(128), password: z.string().min(1).max(maxPasswordLength) }).strict();
const secondFactorBody = z
  .object({ pending: pendingField, code: totpCode.optional(), recoveryCode: z.string().min(1).max(32).optional() })
  .strict()
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), 'send either code or recoveryCode');
const enrolBody = z.object({ pending: pendingField }).strict();
const newPasswordField = z.string().min(1).max(maxPasswordLength);
const confirmBody = z.object({ pending: pendingField, code: totpCode, newPassword: newPasswordField.optional() }).strict();
const passwordBody = z.object({ currentPassword: z.string().min(1).max(maxPasswordLength), newPassword: newPasswordField }).strict();
const stepUpBody = z.object({ password: z.string().min(1).max(maxPasswordLength), code: totpCode, purpose: z.enum(['raw-content', 'export', 'key-operation']).default('raw-content') }).strict();

export async function authRoutes(parent: FastifyInstance, deps: AuthRoutesDeps): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { signIn } = deps;
  // Nothing about a sign-in is cached by a browser or a proxy.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });
  // Per source, on top of the per-account lockout: guessing across many accounts from one place is slowed too.
  const limited = {
    rateLimit: {
      max: deps.attemptsPerMinute, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => request.ip,
      onExceeded: (request: FastifyRequest) => deps.onRateLimited(request),
      errorResponseBuilder: () => new CallchartError('RATE_LIMITED', 'too many sign-in attempts from this place: wait a minute and try again'),
    },
  };

  const signedIn = async (reply: FastifyReply, session: StartedSession, extra: Record<string, unknown> = {}) => {
    const user = await findStaffUserById(deps.db, session.userId);
    reply.header('set-cookie', session.setCookie);
    return { status: 'signed-in' as const, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString(), user: user && personOf(user), ...extra };
  };

  app.post('/auth/sign-in', { config: limited, schema: { summary: 'Sign in, step one: user name and password. Answers with the next step (a code, or enrolling an authenticator).', body: signInBody } }, async (request) =>
    signIn.signIn(request.body.userName, request.body.password));

  app.post('/auth/mfa', { config: limited, schema: { summary: 'Sign in, step two: a code from the authenticator app, or a recovery code (each works once). Sets the session cookie.', body: secondFactorBody } }, async (request, reply) => {
    const session = await signIn.secondFactor(request.body.pending, request.body);
    const user = await findStaffUserById(deps.db, session.userId);
    return signedIn(reply, session, request.body.recoveryCode !== undefined ? { recoveryCodesLeft: user?.recoveryCodesLeft ?? 0 } : {});
  });

  app.post('/auth/mfa/enrol', { config: limited, schema: { summary: 'First sign-in: a new authenticator secret and its QR code (confirm it with a first code).', body: enrolBody } }, async (request) => {
    const enrolment = await signIn.beginEnrolment(request.body.pending);
    return { otpauthUri: enrolment.uri, qrDataUrl: enrolment.qrDataUrl, qrSvg: enrolment.qrSvg, secret: enrolment.secret, pending: enrolment.pending, expiresAt: enrolment.expiresAt };
  });

  app.post('/auth/mfa/enrol/confirm', { config: limited, schema: { summary: 'First sign-in: confirm the authenticator with its first code (and replace the initial password with newPassword); answers the ten recovery codes (shown once) and sets the session cookie.', body: confirmBody } }, async (request, reply) => {
    const { session, recoveryCodes } = await signIn.confirmEnrolment(request.body.pending, request.body.code, request.body.newPassword);
    return signedIn(reply, session, { recoveryCodes });
  });

  app.get('/auth/me', { schema: { summary: 'The signed-in person: name, role, queues, and when the session ends (idle and absolute)' } }, async (request) => {
    const holder = staffSessionOf(request);
    return { user: holderPerson(holder), session: sessionView(signIn, holder), csrfToken: signIn.csrfTokenFor(holder.session.id) };
  });

  app.post('/auth/step-up', { config: limited, schema: { summary: 'Confirm it is you (password and a fresh code) before raw content, exports or key operations', body: stepUpBody } }, async (request) => {
    const holder = staffSessionOf(request);
    const { steppedUpUntil } = await signIn.stepUp(holder, request.body, request.body.purpose);
    return { steppedUpUntil: steppedUpUntil.toISOString() };
  });

  app.post('/auth/password', { config: limited, schema: { summary: 'Change your password (the current one, then the new one); your other sessions end', body: passwordBody } }, async (request) => {
    const { otherSessionsEnded } = await signIn.changePassword(staffSessionOf(request), request.body.currentPassword, request.body.newPassword);
    return { status: 'changed', otherSessionsEnded };
  });

  app.post('/auth/sign-out', { schema: { summary: 'End this session' } }, async (request, reply) => {
    await signIn.signOut(staffSessionOf(request));
    reply.header('set-cookie', clearedSessionCookie());
    return { status: 'signed-out' };
  });

  app.post('/auth/sign-out-everywhere', { schema: { summary: 'End every session of yours, on every device' } }, async (request, reply) => {
    const sessionsEnded = await signIn.signOutEverywhere(staffSessionOf(request));
    reply.header('set-cookie', clearedSessionCookie());
    return { status: 'signed-out', sessionsEnded };
  });
}

function personOf(user: { id: string; userName: string; displayName: string | null; role: string; queues: string[]; extensions: string[] }) {
  return { id: user.id, userName: user.userName, displayName: user.displayName, role: user.role, queues: user.queues, extensions: user.extensions };
}

function holderPerson(holder: SessionHolder) {
  return personOf({ ...holder.user });
}

function sessionView(signIn: StaffSignIn, holder: SessionHolder) {
  const { idleExpiresAt, expiresAt } = signIn.expiryOf(holder);
  const steppedUp = signIn.steppedUpWithinWindow(holder.session.steppedUpAt);
  return {
    method: holder.session.authMethod,
    createdAt: holder.session.createdAt.toISOString(),
    idleExpiresAt: idleExpiresAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    steppedUpUntil: steppedUp ? new Date(holder.session.steppedUpAt!.getTime() + signIn.settings.stepUpMinutes * 60_000).toISOString() : null,
  };
}
