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
export type StaffClaims = z.infer<typeof staffClaimsSchema>;

const issuer = 'callchart';
const audience = 'callchart-staff';
/** The longest a staff token lives (a shift): longer-lived tokens are neither issued nor accepted. */
export const maxStaffTokenSeconds = 12 * 3600;

export async function issueStaffToken(secret: Uint8Array, claims: StaffClaims, ttlSeconds = 8 * 3600, now = new Date()): Promise<string> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > maxStaffTokenSeconds) {
    throw new RangeError(`a staff token lives from 1 s to ${maxStaffTokenSeconds / 3600} h`);
  }
  const { sub, ...rest } = staffClaimsSchema.parse(claims);
  return new SignJWT(rest)
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
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
