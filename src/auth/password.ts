import { hash, verify } from '@node-rs/argon2';

/**
 * Local passwords (SE-3), hashed with argon2id at OWASP's recommended minimum (19 MiB, 2 passes,
 * 1 lane: about 14 ms per hash on the 2-core dev machine, bench/sign-in.bench.ts). @node-rs/argon2
 * hashes with argon2id by default; the PHC string keeps the parameters, so raising them later
 * still verifies older hashes.
 */
const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Shortest password we accept (NIST SP 800-63B: at least 8; 12 for staff who see PHI). */
export const minPasswordLength = 12;
export const maxPasswordLength = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

/** Whether `password` matches `passwordHash`; false for a malformed hash (never throws). */
export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let decoyHash: Promise<string> | undefined;
/**
 * Spends the time a real check would for a user that does not exist (or has no password), so the
 * answer time does not tell a stranger which user names are real.
 */
export async function spendPasswordCheck(password: string): Promise<void> {
  decoyHash ??= hashPassword('callchart-decoy-password-never-used');
  await passwordMatches(await decoyHash, password);
}
