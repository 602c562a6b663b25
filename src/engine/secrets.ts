import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JWK } from 'jose';
import type { EhrClientCredentials } from '../ehr/smart-auth.ts';
import { CallchartError } from '../lib/errors.ts';
import { decodeAuditKey } from '../audit/audit-key.ts';
import { EhrKeyFile } from '../ehr/ehr-client-keys.repository.ts';

/**
 * What a secret is, so its key material can be measured:
 * - `webhook-secret`: `whsec_` (optional) + the random part, hex or base64/base64url, else raw text;
 * - `base64-key`: base64 (or base64url) of at least 32 random bytes (staff-token secret);
 * - `data-key`: base64 of exactly 32 random bytes (AES-256 for content at rest);
 * - `twilio-auth-token`: Twilio's own format, 32 hex characters (16 bytes): we cannot make Twilio's
 *   tokens longer, so the rule is "never empty, never shorter than a real token, never a placeholder".
 * - `zoom-secret-token`: the Secret Token Zoom generates for a Marketplace app's event subscriptions
 *   (22 URL-safe characters): the same rule as Twilio's, with Zoom's length.
 */
export type SecretKind = 'webhook-secret' | 'base64-key' | 'data-key' | 'twilio-auth-token' | 'zoom-secret-token';

/** Key material every secret Callchart generates or accepts must carry (Twilio's token aside). */
export const minSecretBytes = 32;
/** Length of a real Twilio auth token. */
export const twilioAuthTokenLength = 32;
/** Length of the Secret Token Zoom generates for an app's webhooks. */
export const zoomSecretTokenLength = 22;

const base64Alphabet = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const placeholders = ['changeme', 'changeit', 'password', 'replaceme', 'letmein', 'example', 'default', 'qwerty12', 'secret12', '12345678'];

function decodeBase64Strict(text: string): Buffer | null {
  if (!base64Alphabet.test(text) || text.replace(/=+$/, '').length % 4 === 1) return null;
  return Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
}

/** The bytes a secret's strength rests on, or a reason it has none we can measure. */
function keyMaterial(value: string, kind: SecretKind): { bytes: Buffer; text: string } | { problem: string } {
  if (kind === 'twilio-auth-token' || kind === 'zoom-secret-token') return { bytes: Buffer.from(value, 'utf8'), text: value };
  if (kind === 'webhook-secret') {
    const random = value.startsWith('whsec_') ? value.slice('whsec_'.length) : value;
    if (/^(?:[0-9a-f]{2})+$/i.test(random)) return { bytes: Buffer.from(random, 'hex'), text: random };
    return { bytes: decodeBase64Strict(random) ?? Buffer.from(random, 'utf8'), text: random };
  }
  const bytes = decodeBase64Strict(value);
  return bytes ? { bytes, text: value } : { problem: 'is not base64 (expected base64 of 32 random bytes)' };
}

/** True when the sequence is a shorter run repeated (abcabcabc…), up to a period of 16. */
function repeatsShortPattern(items: ArrayLike<number | string>): boolean {
  for (let period = 1; period <= 16 && period * 2 <= items.length; period += 1) {
    let repeats = true;
    for (let index = period; index < items.length && repeats; index += 1) repeats = items[index] === items[index - period];
    if (repeats) return true;
  }
  return false;
}

/**
 * Why a secret is too weak to use, in words that never quote it; null when it is fine.
 * Random values pass these checks with overwhelming probability (a random 32-byte key repeating a
 * pattern or using fewer than 8 byte values is a ~2^-100 event); chosen values often do not.
 */
export function secretWeakness(value: string | undefined, kind: SecretKind): string | null {
  if (!value) return 'is empty';
  const measured = keyMaterial(value, kind);
  if ('problem' in measured) return measured.problem;
  const { bytes, text } = measured;
  if (kind === 'twilio-auth-token') {
    if (text.length < twilioAuthTokenLength) return `is ${text.length} characters; a Twilio auth token has ${twilioAuthTokenLength}`;
  } else if (kind === 'zoom-secret-token') {
    if (text.length < zoomSecretTokenLength) return `is ${text.length} characters; a Zoom secret token has at least ${zoomSecretTokenLength}`;
  } else if (kind === 'data-key' && bytes.length !== minSecretBytes) {
    return `has ${bytes.length} bytes of key material; it must be exactly ${minSecretBytes} random bytes (base64)`;
  } else if (bytes.length < minSecretBytes) {
    return `has ${bytes.length} bytes of key material; at least ${minSecretBytes} random bytes are needed`;
  }
  const lower = text.toLowerCase();
  if (placeholders.some((word) => lower.includes(word))) return 'contains a well-known placeholder';
  if (new Set(text).size < 6 || repeatsShortPattern(text)) return 'repeats too few characters to be random';
  if (kind !== 'twilio-auth-token' && kind !== 'zoom-secret-token' && (new Set(bytes).size < 8 || repeatsShortPattern(bytes))) return 'repeats too few byte values to be random';
  return null;
}

/**
 * Refuses a weak secret with CONFIG_INVALID. The message names the variable (or file) and the
 * reason, never the value, so it can go to a terminal or a log.
 */
export function assertStrongSecret(name: string, value: string | undefined, kind: SecretKind): string {
  const weakness = secretWeakness(value, kind);
  if (weakness) throw new CallchartError('CONFIG_INVALID', `${name} ${weakness}.`, { variable: name });
  return value!;
}

export interface SecretSpec {
  envVar: string;
  file: string;
  kind: SecretKind;
  generate: () => string;
}

export interface ResolvedSecret {
  value: string;
  source: 'env' | 'file' | 'generated' | 'regenerated';
  /** With `regenerated`: why the stored one was replaced (no value). */
  replaced?: string;
}

function generateStrong(spec: SecretSpec): string {
  // A generated value failing the checks is astronomically unlikely; drawing again costs nothing.
  for (;;) {
    const value = spec.generate();
    if (!secretWeakness(value, spec.kind)) return value;
  }
}

function writeSecretFile(file: string, value: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Secrets come from the environment, and are checked (`assertStrongSecret`). For trials only, a
 * missing secret is generated once and kept in the data directory (mode 0600) so `demo` and
 * `simulate` agree without any setup. A stored secret that is too weak (made by an older version)
 * is either refused (`serve`: silently rotating a production secret would break the PBX that
 * signs with it) or replaced and reported (`demo`: trial data, and the demo prints the new one).
 */
export function resolveSecret(options: SecretSpec & { dataDir: string; whenStoredIsWeak?: 'refuse' | 'regenerate' }): ResolvedSecret {
  const fromEnv = process.env[options.envVar];
  if (fromEnv) return { value: assertStrongSecret(options.envVar, fromEnv, options.kind), source: 'env' };
  const file = path.join(options.dataDir, 'secrets', options.file);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    const weakness = secretWeakness(stored, options.kind);
    if (!weakness) return { value: stored, source: 'file' };
    if ((options.whenStoredIsWeak ?? 'refuse') === 'refuse') {
      throw new CallchartError(
        'CONFIG_INVALID',
        `The stored trial secret ${file} (used when ${options.envVar} is unset) ${weakness}. Set ${options.envVar} to a strong secret, or delete the file to have a new one generated.`,
        { variable: options.envVar },
      );
    }
    const value = generateStrong(options);
    writeSecretFile(file, value);
    return { value, source: 'regenerated', replaced: weakness };
  }
  const value = generateStrong(options);
  writeSecretFile(file, value);
  return { value, source: 'generated' };
}

export function readStoredSecret(dataDir: string, file: string): string | null {
  const full = path.join(dataDir, 'secrets', file);
  return existsSync(full) ? readFileSync(full, 'utf8').trim() : null;
}

export const webhookSecretSpec: SecretSpec = { envVar: 'CALLCHART_WEBHOOK_SECRET', file: 'webhook-secret', kind: 'webhook-secret', generate: () => `whsec_${randomBytes(minSecretBytes).toString('base64url')}` };
export const dataKeySpec: SecretSpec = { envVar: 'CALLCHART_DATA_KEY', file: 'data-key', kind: 'data-key', generate: () => randomBytes(minSecretBytes).toString('base64') };
/** Twilio's own format (32 hex characters), so the demo's token looks and works like a real one. */
export const twilioAuthTokenSpec: SecretSpec = { envVar: 'TWILIO_AUTH_TOKEN', file: 'twilio-auth-token', kind: 'twilio-auth-token', generate: () => randomBytes(twilioAuthTokenLength / 2).toString('hex') };
/** Zoom's Secret Token format (22 URL-safe characters), so the demo's token looks and works like a real one. */
export const zoomSecretTokenSpec: SecretSpec = { envVar: 'CALLCHART_ZOOM_WEBHOOK_SECRET', file: 'zoom-webhook-secret', kind: 'zoom-secret-token', generate: () => randomBytes(24).toString('base64url').slice(0, zoomSecretTokenLength) };
export const staffTokenSecretSpec: SecretSpec = { envVar: 'CALLCHART_STAFF_TOKEN_SECRET', file: 'staff-token-secret', kind: 'base64-key', generate: () => randomBytes(minSecretBytes).toString('base64') };

/**
 * The engine's SMART Backend Services client for a real EHR, from the environment:
 * EHR_CLIENT_ID, EHR_TOKEN_URL, the private key — EHR_CLIENT_PRIVATE_JWK (a private JWK, JSON), or
 * else the key set `callchart keys ehr` keeps in `keysFile` (rotatable while the engine runs) — and
 * optionally EHR_SCOPES (space-separated; default DEFAULT_EHR_SCOPES). None set → null (no auth);
 * some set → a config error naming what is missing. The key itself is never echoed.
 */
export function ehrClientFromEnv(env: NodeJS.ProcessEnv = process.env, options: { keysFile?: string | undefined } = {}): EhrClientCredentials | null {
  const keyFile = options.keysFile && !env.EHR_CLIENT_PRIVATE_JWK ? new EhrKeyFile(options.keysFile) : null;
  const keySet = keyFile?.current() ?? null;
  const names = ['EHR_CLIENT_ID', 'EHR_CLIENT_PRIVATE_JWK', 'EHR_TOKEN_URL'] as const;
  const missing = names.filter((name) => !env[name] && !(name === 'EHR_CLIENT_PRIVATE_JWK' && keySet));
  if (missing.length === names.length) return null;
  if (keySet && missing.length === 2) return null; // a key set made ahead of time, the EHR not configured yet
  if (missing.length > 0) {
    const key = missing.includes('EHR_CLIENT_PRIVATE_JWK') ? ' (or run callchart keys ehr)' : '';
    throw new CallchartError('CONFIG_INVALID', `EHR client auth is partly configured: also set ${missing.join(', ')}${key}`);
  }
  let privateKey: JWK;
  if (keySet && keyFile) {
    privateKey = keySet.keys[0]!.privateJwk as JWK;
  } else {
    try {
      privateKey = JSON.parse(env.EHR_CLIENT_PRIVATE_JWK!) as JWK;
    } catch {
      throw new CallchartError('CONFIG_INVALID', 'EHR_CLIENT_PRIVATE_JWK is not JSON (expected a private JWK)');
    }
  }
  if (typeof privateKey !== 'object' || privateKey === null || !privateKey.kty || !privateKey.d) {
    throw new CallchartError('CONFIG_INVALID', 'EHR_CLIENT_PRIVATE_JWK is not a private JWK (needs kty and d)');
  }
  if (!URL.canParse(env.EHR_TOKEN_URL!)) throw new CallchartError('CONFIG_INVALID', 'EHR_TOKEN_URL is not a URL');
  const scopes = env.EHR_SCOPES?.split(/\s+/).filter(Boolean);
  return {
    clientId: env.EHR_CLIENT_ID!, privateKey, tokenUrl: env.EHR_TOKEN_URL!, ...(scopes?.length ? { scopes } : {}),
    // Read again at each token request: a rotation takes effect without a restart.
    ...(keyFile ? { signingKeys: () => (keyFile.current()?.keys ?? []).map((key) => key.privateJwk as JWK) } : {}),
  };
}

const EHR_READER_FILE = 'sandbox-ehr-reader.json';

/** The demo's read-only sandbox client, and the FHIR base URL it reads. */
export type SandboxEhrReader = EhrClientCredentials & { fhirBaseUrl?: string };

/**
 * Trials only: the demo's sandbox EHR registers a read-only client for `callchart simulate` (which
 * checks the Tasks in the EHR) and `callchart chart` (which reads back everything Callchart wrote),
 * and keeps its key in the data directory, mode 0600, like the webhook secret. Rewritten every demo
 * run (a new sandbox, a new key); removed when the demo uses a real EHR.
 */
export function storeSandboxEhrReader(dataDir: string, credentials: SandboxEhrReader | null): void {
  const file = path.join(dataDir, 'secrets', EHR_READER_FILE);
  if (!credentials) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function readSandboxEhrReader(dataDir: string): SandboxEhrReader | null {
  const stored = readStoredSecret(dataDir, EHR_READER_FILE);
  return stored ? (JSON.parse(stored) as SandboxEhrReader) : null;
}

/**
 * What the demo's reader may do in the sandbox, read and search only: look up callers (simulate)
 * and read back every resource Callchart writes (`callchart chart`).
 */
export const SANDBOX_EHR_READER_SCOPES: readonly string[] = [
  'system/Patient.rs', 'system/RelatedPerson.rs', 'system/Task.rs', 'system/Communication.rs', 'system/DocumentReference.rs', 'system/Provenance.rs',
];

/**
 * The audit key (ADR 11): links the audit chain (HMAC) and signs its checkpoints; the database must
 * never hold it. Base64, at least 32 bytes. Production sets CALLCHART_AUDIT_KEY from a secret store.
 */
export const auditKeySpec: SecretSpec = { envVar: 'CALLCHART_AUDIT_KEY', file: 'audit-key', kind: 'base64-key', generate: () => randomBytes(32).toString('base64') };

/**
 * The audit key for an engine not handed one: CALLCHART_AUDIT_KEY, else the trial key in the data
 * directory (generated once), else, with no data directory (in-memory trials, benchmarks), a key
 * for this process only, so its log cannot be verified after it stops.
 */
export function resolveAuditKey(dataDir: string | undefined): { key: Buffer; source: 'env' | 'file' | 'generated' | 'regenerated' | 'ephemeral' } {
  if (!dataDir && !process.env[auditKeySpec.envVar]) return { key: randomBytes(32), source: 'ephemeral' };
  const secret = dataDir ? resolveSecret({ ...auditKeySpec, dataDir }) : { value: process.env[auditKeySpec.envVar]!, source: 'env' as const };
  return { key: decodeAuditKey(secret.value), source: secret.source };
}

/** The audit key for reading the log (`audit verify`, `audit export`): never generated; null when absent. */
export function readAuditKey(dataDir: string): Buffer | null {
  const encoded = process.env[auditKeySpec.envVar] || readStoredSecret(dataDir, auditKeySpec.file);
  return encoded ? decodeAuditKey(encoded) : null;
}

/**
 * The SCIM bearer token (issue 13): the clinic's identity provider sends it on every provisioning
 * request. Pasted into the IdP, so any text of at least 32 random bytes (hex, base64 or raw) will
 * do, checked like a webhook secret. Unset → undefined (SCIM refuses everything); weak → CONFIG_INVALID.
 */
export function scimTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.CALLCHART_SCIM_TOKEN;
  if (!value) return undefined;
  return assertStrongSecret('CALLCHART_SCIM_TOKEN', value, 'webhook-secret');
}

/**
 * The transcription service's keys (issue 17): CALLCHART_SPEECH_SERVICE_KEYS, comma-separated
 * (several, so a key can be rotated without downtime). Each must be base64 of at least 32 random
 * bytes; one weak key refuses them all (CONFIG_INVALID naming its position, never its value).
 * Unset or empty: [] (the service, when enabled, then refuses to start).
 */
export function speechServiceKeysFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const keys = (env.CALLCHART_SPEECH_SERVICE_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean);
  keys.forEach((key, index) => assertStrongSecret(`CALLCHART_SPEECH_SERVICE_KEYS (key ${index + 1} of ${keys.length})`, key, 'base64-key'));
  return keys;
}

/** What every process of a split deployment (`serve --role web|worker`) shares, from the environment only. */
export interface SharedSecrets {
  webhookSecret: string;
  staffTokenSecret: string;
  auditKey: string;
  /** The legacy single data key, when the deployment had one (optional; never generated). */
  dataKey?: string;
}

/**
 * Issue 18: processes on several machines serve one deployment, so no secret may be generated per
 * process or kept in one machine's data directory: a webhook signed for one, a session signed by
 * another, an audit chain keyed by a third would not agree. Every secret comes from the
 * environment (or the key provider), checked for strength; what is missing is named, all at once.
 * The KEK: Vault transit (CALLCHART_KEK_PROVIDER=vault-transit), or a key file every process is
 * given (CALLCHART_KEK_FILE, which must exist: `callchart keys init` makes it once).
 */
export function sharedSecretsFromEnv(role: string, env: NodeJS.ProcessEnv = process.env, fileExists: (file: string) => boolean = existsSync): SharedSecrets {
  const required = [webhookSecretSpec, staffTokenSecretSpec, auditKeySpec];
  const missing = required.filter((spec) => !env[spec.envVar]).map((spec) => spec.envVar);
  const vault = env.CALLCHART_KEK_PROVIDER === 'vault-transit';
  if (!vault && !env.CALLCHART_KEK_FILE) missing.push('CALLCHART_KEK_FILE (or CALLCHART_KEK_PROVIDER=vault-transit)');
  if (missing.length > 0) {
    throw new CallchartError(
      'CONFIG_INVALID',
      `--role ${role} shares one database with other processes, which must hold the same secrets: set ${missing.join(', ')} (they are never generated per process)`,
      { variable: missing[0] },
    );
  }
  if (!vault && !fileExists(env.CALLCHART_KEK_FILE!)) {
    throw new CallchartError(
      'CONFIG_INVALID',
      `CALLCHART_KEK_FILE names ${env.CALLCHART_KEK_FILE}, which does not exist: with --role ${role} the key file is never created here. Create it once (callchart keys init) and give every process the same file`,
      { variable: 'CALLCHART_KEK_FILE' },
    );
  }
  for (const spec of [...required, dataKeySpec]) {
    if (env[spec.envVar]) assertStrongSecret(spec.envVar, env[spec.envVar], spec.kind);
  }
  return {
    webhookSecret: env[webhookSecretSpec.envVar]!,
    staffTokenSecret: env[staffTokenSecretSpec.envVar]!,
    auditKey: env[auditKeySpec.envVar]!,
    ...(env[dataKeySpec.envVar] ? { dataKey: env[dataKeySpec.envVar]! } : {}),
  };
}

/** What RingCentral needs from the environment (issue 19): checked at start when `ringcentral.enabled`. */
export interface RingcentralSecrets {
  /** Active verification tokens; the first is given to RingCentral when Callchart creates the subscription. */
  verificationTokens: string[];
  /** For the subscription API (`ringcentral.subscription`); absent when the subscription is made by hand. */
  credentials: { clientId: string; clientSecret: string; jwt: string } | null;
}

/**
 * RINGCENTRAL_VERIFICATION_TOKEN (comma-separated while one is rotated; each at least 32 random
 * bytes, e.g. `openssl rand -hex 32`), and, when Callchart manages the subscription,
 * RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET and RINGCENTRAL_JWT. None, a weak or a
 * placeholder token, or a missing credential stops the start with CONFIG_INVALID naming the
 * variable, never its value.
 */
export function ringcentralSecretsFromEnv(env: NodeJS.ProcessEnv, options: { manageSubscription: boolean }): RingcentralSecrets {
  const tokens = (env.RINGCENTRAL_VERIFICATION_TOKEN ?? '').split(',').map((token) => token.trim()).filter(Boolean);
  if (tokens.length === 0) {
    throw new CallchartError('CONFIG_INVALID', 'ringcentral.enabled is on but RINGCENTRAL_VERIFICATION_TOKEN is not set: every RingCentral notification would be refused (make one with `openssl rand -hex 32`)');
  }
  tokens.forEach((token, index) => assertStrongSecret(tokens.length > 1 ? `RINGCENTRAL_VERIFICATION_TOKEN (token ${index + 1} of ${tokens.length})` : 'RINGCENTRAL_VERIFICATION_TOKEN', token, 'webhook-secret'));
  if (!options.manageSubscription) return { verificationTokens: tokens, credentials: null };
  const missing = ['RINGCENTRAL_CLIENT_ID', 'RINGCENTRAL_CLIENT_SECRET', 'RINGCENTRAL_JWT'].filter((name) => !env[name]);
  if (missing.length) throw new CallchartError('CONFIG_INVALID', `ringcentral.subscription is set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not: Callchart cannot create or renew the subscription`);
  return { verificationTokens: tokens, credentials: { clientId: env.RINGCENTRAL_CLIENT_ID!, clientSecret: env.RINGCENTRAL_CLIENT_SECRET!, jwt: env.RINGCENTRAL_JWT! } };
}
