/**
 * The engine's SMART Backend Services key set (issue 13, item 7): the private keys Callchart signs
 * its client assertions with, newest first. The EHR registers Callchart's JWKS URL
 * (`/.well-known/jwks.json`), which publishes the public half of every key in the set, so a rotation
 * needs no change at the EHR: the new key signs at once, the previous one stays published (and is
 * tried if the EHR has not fetched the new JWKS yet) until the operator retires it.
 *
 * The pure half: the file's schema, and rotation as a function from one key set to the next.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JSONWebKeySet, JWK } from 'jose';
import { z } from 'zod';
import type { AssertionAlgorithm } from './smart-auth.ts';
import { publicJwksOf } from './smart-auth.ts';

export const ehrKeyAlgorithms = ['ES384', 'RS384'] as const satisfies readonly AssertionAlgorithm[];

const privateJwkSchema = z.looseObject({ kty: z.enum(['EC', 'RSA']), kid: z.string().min(1), alg: z.enum(ehrKeyAlgorithms), d: z.string().min(1) });

/** The key file: one schema for what is read and written (mode 0600). */
export const ehrKeySetSchema = z.object({
  version: z.literal(1),
  /** Newest first; the first signs. */
  keys: z.array(z.object({ createdAt: z.iso.datetime(), privateJwk: privateJwkSchema })).min(1),
});
export type EhrKeySet = z.infer<typeof ehrKeySetSchema>;

/** A new key pair, its kid the RFC 7638 thumbprint of the public key. */
export async function generateEhrKey(algorithm: AssertionAlgorithm, now: Date): Promise<EhrKeySet['keys'][number]> {
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true, ...(algorithm === 'RS384' ? { modulusLength: 3072 } : {}) });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const privateJwk = privateJwkSchema.parse({ ...(await exportJWK(privateKey)), kid, alg: algorithm, use: 'sig' });
  return { createdAt: now.toISOString(), privateJwk };
}

/** Rotation: the new key goes first (it signs from now on); the others stay published. */
export function withNewKey(set: EhrKeySet | null, key: EhrKeySet['keys'][number]): EhrKeySet {
  return { version: 1, keys: [key, ...(set?.keys ?? [])] };
}

/** Retirement: only the signing key stays; the others leave the JWKS (and the file). */
export function retireOldKeys(set: EhrKeySet): { set: EhrKeySet; retired: string[] } {
  return { set: { version: 1, keys: [set.keys[0]!] }, retired: set.keys.slice(1).map((key) => key.privateJwk.kid) };
}

/** The public JWKS the EHR fetches: every key in the set, private members dropped. */
export function publicJwksOfSet(set: EhrKeySet): JSONWebKeySet {
  return { keys: set.keys.flatMap((key) => publicJwksOf(key.privateJwk as JWK).keys) };
}
