import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Recovery codes (SE-3): ten single-use codes, shown once at enrolment, stored as argon2id hashes.
 * Each is 10 characters from an alphabet without look-alikes (about 50 bits), written `xxxxx-xxxxx`.
 * Lighter argon2 parameters than passwords: the codes are random, not chosen by a person, and a
 * sign-in with one checks up to ten hashes.
 */
const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
const codeLength = 10;
export const recoveryCodeCount = 10;
const argon2Options = { memoryCost: 8_192, timeCost: 1, parallelism: 1 } as const;

export function newRecoveryCodes(count = recoveryCodeCount): string[] {
  return Array.from({ length: count }, () => {
    const raw = Array.from({ length: codeLength }, () => alphabet[randomInt(alphabet.length)]).join('');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
}

/** As typed: case, spaces and dashes do not matter. */
export function normalRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCodes(codes: readonly string[]): Promise<string[]> {
  return Promise.all(codes.map((code) => hash(normalRecoveryCode(code), argon2Options)));
}

/** The index of the stored hash `code` matches, or -1. */
export async function matchRecoveryCode(hashes: readonly string[], code: string): Promise<number> {
  const typed = normalRecoveryCode(code);
  if (typed.length !== codeLength) return -1;
  const verdicts = await Promise.all(hashes.map((stored) => verify(stored, typed).catch(() => false)));
  return verdicts.indexOf(true);
}
