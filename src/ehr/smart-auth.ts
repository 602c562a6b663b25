/**
 * SMART Backend Services (private_key_jwt + client_credentials), the way Epic authorises a system
 * client: Callchart signs a short-lived client assertion with its private key, trades it at the
 * EHR's token endpoint for a bearer token (smart-auth.client.ts, the I/O half), and sends that
 * token with every FHIR request. This file is the pure half: credentials, keys, assertions, scopes.
 *
 * Tokens, assertions and private keys are credentials: nothing here logs, and no error carries one.
 */
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, importPKCS8, SignJWT } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK, KeyObject } from 'jose';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export type AssertionAlgorithm = 'RS384' | 'ES384';

/**
 * What Callchart asks an EHR for: read what caller identification and the screen pop need, write
 * back the work item and its record of the call, and update them when a review decision changes
 * what they say (a Communication amended, a note superseded or withdrawn: issue 12). v2 syntax
 * (`cruds`); narrow on purpose (WB-1): no delete, nothing written outside the call's own record,
 * except the refill order an on-call clinician approves (issue 16: MedicationRequest create).
 */
export const DEFAULT_EHR_SCOPES: readonly string[] = [
  'system/Patient.rs', 'system/RelatedPerson.rs', 'system/Practitioner.r', 'system/PractitionerRole.rs', 'system/CareTeam.rs',
  'system/Condition.rs', 'system/MedicationRequest.crs', 'system/AllergyIntolerance.rs', 'system/Encounter.rs',
  'system/ServiceRequest.rs', 'system/Consent.rs', 'system/Task.crus', 'system/Communication.crus', 'system/DocumentReference.crus', 'system/Provenance.crs',
  // Outreach (issue 16, FU-2) searches missed visits; self-scheduling (SC-1) reads free slots and books
  // (the Slot marked busy, the Appointment).
  'system/Schedule.rs', 'system/Slot.rus', 'system/Appointment.crs',
];

/** How Callchart identifies itself to one EHR. The private key is a secret: env or secret store only. */
export interface EhrClientCredentials {
  clientId: string;
  /** Private key as a JWK (with `kid`, `alg`) or a PKCS#8 PEM string. */
  privateKey: JWK | string;
  /** Key id for the assertion header; defaults to the JWK's `kid`. Required for a PEM key. */
  keyId?: string;
  /** Defaults to the JWK's `alg`, else RS384 for RSA keys and ES384 for EC keys. */
  algorithm?: AssertionAlgorithm;
  tokenUrl: string;
  /** Defaults to DEFAULT_EHR_SCOPES. */
  scopes?: readonly string[];
  /**
   * A key set that can rotate while the engine runs (`callchart keys ehr`): the private JWKs,
   * newest first, asked for at every token request. The first signs; when the EHR refuses it as an
   * unknown client key (it has not fetched the new JWKS yet) the next one is tried once. When set,
   * `privateKey` is only the key the engine started with.
   */
  signingKeys?: () => readonly JWK[];
}

/** What FhirClient needs from any bearer-token source. */
export interface AccessTokenProvider {
  /** A valid access token; concurrent callers share one token request. */
  getAccessToken(): Promise<string>;
  /** The EHR refused this token (401): forget it, unless a newer one already replaced it. */
  invalidate(token: string): void;
}

export interface SigningKey {
  key: CryptoKey | KeyObject;
  kid: string | undefined;
  alg: AssertionAlgorithm;
}

/** Import the client's private key once (JWK or PKCS#8 PEM); refuses public and symmetric keys. */
export async function loadSigningKey(options: EhrClientCredentials): Promise<SigningKey> {
  if (typeof options.privateKey === 'string') {
    const alg = options.algorithm ?? 'RS384';
    return { key: await importPKCS8(options.privateKey, alg), kid: options.keyId, alg };
  }
  const jwk = options.privateKey;
  if (!jwk.d) throw new Error('not a private key');
  const declared = jwk.alg === 'RS384' || jwk.alg === 'ES384' ? (jwk.alg as AssertionAlgorithm) : undefined;
  const alg: AssertionAlgorithm = options.algorithm ?? declared ?? (jwk.kty === 'EC' ? 'ES384' : 'RS384');
  const key = await importJWK(jwk, alg);
  if (key instanceof Uint8Array) throw new Error('symmetric keys are not allowed');
  return { key, kid: options.keyId ?? jwk.kid, alg };
}

/**
 * The signed client assertion (RFC 7523) for one token request: iss = sub = client id,
 * aud = token URL, a unique jti, and exp five minutes out (Epic's maximum). Wall-clock time:
 * the EHR checks it against its own clock.
 */
export async function signClientAssertion(client: Pick<EhrClientCredentials, 'clientId' | 'tokenUrl'>, signingKey: SigningKey): Promise<string> {
  const { key, kid, alg } = signingKey;
  const issuedAt = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })
    .setIssuer(client.clientId)
    .setSubject(client.clientId)
    .setAudience(client.tokenUrl)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 300)
    .sign(key);
}

/** `Retry-After` as seconds (delta or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * A fresh client key pair (for the demo and tests: a new one every run). The public half is what
 * the EHR registers for the client; the private half never leaves this process's memory unless the
 * caller writes it somewhere.
 */
export async function generateEhrClient(options: { clientId: string; algorithm?: AssertionAlgorithm }): Promise<{ credentials: { clientId: string; privateKey: JWK; keyId: string; algorithm: AssertionAlgorithm }; jwks: JSONWebKeySet }> {
  const algorithm = options.algorithm ?? 'ES384';
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: algorithm, use: 'sig' };
  return {
    credentials: { clientId: options.clientId, privateKey: privateJwk, keyId: kid, algorithm },
    jwks: { keys: [{ ...publicJwk, kid, alg: algorithm, use: 'sig' }] },
  };
}

/** The public JWKS for a private JWK (drops every private member). */
export function publicJwksOf(privateJwk: JWK): JSONWebKeySet {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, k: _k, priv: _priv, ...publicJwk } = privateJwk;
  return { keys: [publicJwk] };
}
