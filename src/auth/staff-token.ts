import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';

/**
 * Staff identity on the live display (SE-2): a signed token with the user's role and the queues
 * and extensions they work. Tokens are issued by the clinic's sign-in (OIDC, a later issue) or,
 * for trials, by `callchart staff-token`; this module only signs and checks them.
 */
export const staffRoles = ['intake', 'nurse', 'clinician', 'supervisor', 'analyst', 'admin', 'auditor'] as const;
export type StaffRole = (typeof staffRoles)[number];

export const staffClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  role: z.enum(staffRoles),
  /** Queues this person works; `*` for all. */
  queues: z.array(z.string().min(1).max(128)).max(50).default([]),
  extensions: z.array(z.string().min(1).max(128)).max(20).default([]),
});
/**
 * The signed-in staff member as handlers see it (`staffOf(request)`): the token's claims, or for a
 * session the person's current role and queues from the directory. `sub` is the staff user's id
 * for people and the token's id (or the trial token's subject) for service tokens.
 */
export type StaffClaims = z.infer<typeof staffClaimsSchema> & {
  /** The staff_user id (sessions only). */
  userId?: string;
  /** The session id (the hash of the cookie, never the cookie). */
  sessionId?: string;
  via?: 'session' | 'token';
  /** The token's id (jti) when it was issued through the API: revocable. */
  tokenId?: string;
};

/**
 * What a service or kiosk token may do, on top of its role (people sign in with sessions):
 * `live-display` only the live board (GET /ws, GET /api/calls), `read` any read its role allows,
 * `write` everything its role allows. Trial tokens without a register entry are not narrowed.
 */
export const staffTokenScopes = ['live-display', 'read', 'write'] as const;
export type StaffTokenScope = (typeof staffTokenScopes)[number];

const liveDisplayRoutes = new Set(['GET /ws', 'GET /api/calls']);
/** Whether a token with `scopes` may make this request (route pattern, not URL). */
export function tokenScopesAllow(scopes: readonly string[], method: string, route: string): boolean {
  const verb = method === 'HEAD' ? 'GET' : method;
  if (scopes.includes('write')) return true;
  if (scopes.includes('read') && verb === 'GET') return true;
  return scopes.includes('live-display') && liveDisplayRoutes.has(`${verb} ${route}`);
}

const issuer = 'callchart';
const audience = 'callchart-staff';
/** The longest a staff token lives (a shift): longer-lived tokens are neither issued nor accepted. */
export const maxStaffTokenSeconds = 12 * 3600;

/**
 * Signs a staff token. `tokenId` (jti) is set for tokens issued through the admin API, which are
 * registered and can be revoked; trial tokens (`callchart staff-token`, tests) have none.
 */
export async function issueStaffToken(secret: Uint8Array, claims: StaffClaims, ttlSeconds = 8 * 3600, now = new Date(), tokenId?: string): Promise<string> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > maxStaffTokenSeconds) {
    throw new RangeError(`a staff token lives from 1 s to ${maxStaffTokenSeconds / 3600} h`);
  }
  const { sub, ...rest } = staffClaimsSchema.parse(claims);
  const jwt = new SignJWT(rest);
  if (tokenId) jwt.setJti(tokenId);
  return jwt
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + ttlSeconds)
    .sign(secret);
}

/** The claims of a valid, unexpired token; null for anything else (never throws). */
export async function verifyStaffToken(secret: Uint8Array, token: string | undefined, now = new Date()): Promise<StaffClaims | null> {
  if (!token || token.length > 4096) return null;
  try {
    const { payload } = await jwtVerify(token, secret, { issuer, audience, algorithms: ['HS256'], currentDate: now, requiredClaims: ['exp', 'iat', 'sub'] });
    // A token must say when it dies, and not later than a shift after it was issued.
    if (payload.exp! - payload.iat! > maxStaffTokenSeconds || payload.iat! > Math.floor(now.getTime() / 1000) + 60) return null;
    const parsed = staffClaimsSchema.safeParse({ ...payload, sub: payload.sub });
    if (!parsed.success) return null;
    return { ...parsed.data, via: 'token', ...(typeof payload.jti === 'string' && payload.jti ? { tokenId: payload.jti } : {}) };
  } catch {
    return null;
  }
}
