import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JWK } from 'jose';
import type { EhrClientCredentials } from '../ehr/smart-auth.ts';
import { CallchartError } from '../lib/errors.ts';
import { decodeAuditKey } from '../audit/audit-key.ts';

/**
 * Secrets come from the environment. For trials only, a missing secret is generated once and kept
 * in the data directory (mode 0600) so `demo` and `simulate` agree without any setup.
 */
export function resolveSecret(options: { envVar: string; dataDir: string; file: string; generate: () => string }): { value: string; source: 'env' | 'file' | 'generated' } {
  const fromEnv = process.env[options.envVar];
  if (fromEnv) return { value: fromEnv, source: 'env' };
  const file = path.join(options.dataDir, 'secrets', options.file);
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), source: 'file' };
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = options.generate();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { value, source: 'generated' };
}

export function readStoredSecret(dataDir: string, file: string): string | null {
  const full = path.join(dataDir, 'secrets', file);
  return existsSync(full) ? readFileSync(full, 'utf8').trim() : null;
}

export const webhookSecretSpec = { envVar: 'CALLCHART_WEBHOOK_SECRET', file: 'webhook-secret', generate: () => `whsec_${randomBytes(24).toString('base64url')}` };
export const dataKeySpec = { envVar: 'CALLCHART_DATA_KEY', file: 'data-key', generate: () => randomBytes(32).toString('base64') };
export const twilioAuthTokenSpec = { envVar: 'TWILIO_AUTH_TOKEN', file: 'twilio-auth-token', generate: () => randomBytes(16).toString('hex') };
export const staffTokenSecretSpec = { envVar: 'CALLCHART_STAFF_TOKEN_SECRET', file: 'staff-token-secret', generate: () => randomBytes(32).toString('base64') };

/**
 * The engine's SMART Backend Services client for a real EHR, from the environment:
 * EHR_CLIENT_ID, EHR_CLIENT_PRIVATE_JWK (a private JWK, JSON), EHR_TOKEN_URL, and optionally
 * EHR_SCOPES (space-separated; default DEFAULT_EHR_SCOPES). None set → null (no auth);
 * some set → a config error naming what is missing. The key itself is never echoed.
 */
export function ehrClientFromEnv(env: NodeJS.ProcessEnv = process.env): EhrClientCredentials | null {
  const names = ['EHR_CLIENT_ID', 'EHR_CLIENT_PRIVATE_JWK', 'EHR_TOKEN_URL'] as const;
  const missing = names.filter((name) => !env[name]);
  if (missing.length === names.length) return null;
  if (missing.length > 0) throw new CallchartError('CONFIG_INVALID', `EHR client auth is partly configured: also set ${missing.join(', ')}`);
  let privateKey: JWK;
  try {
    privateKey = JSON.parse(env.EHR_CLIENT_PRIVATE_JWK!) as JWK;
  } catch {
    throw new CallchartError('CONFIG_INVALID', 'EHR_CLIENT_PRIVATE_JWK is not JSON (expected a private JWK)');
  }
  if (typeof privateKey !== 'object' || privateKey === null || !privateKey.kty || !privateKey.d) {
    throw new CallchartError('CONFIG_INVALID', 'EHR_CLIENT_PRIVATE_JWK is not a private JWK (needs kty and d)');
  }
  if (!URL.canParse(env.EHR_TOKEN_URL!)) throw new CallchartError('CONFIG_INVALID', 'EHR_TOKEN_URL is not a URL');
  const scopes = env.EHR_SCOPES?.split(/\s+/).filter(Boolean);
  return { clientId: env.EHR_CLIENT_ID!, privateKey, tokenUrl: env.EHR_TOKEN_URL!, ...(scopes?.length ? { scopes } : {}) };
}

const EHR_READER_FILE = 'sandbox-ehr-reader.json';

/**
 * Trials only: the demo's sandbox EHR registers a read-only client for `callchart simulate` (which
 * checks the Tasks in the EHR) and keeps its key in the data directory, mode 0600, like the webhook
 * secret. Rewritten every demo run (a new sandbox, a new key); removed when the demo uses a real EHR.
 */
export function storeSandboxEhrReader(dataDir: string, credentials: EhrClientCredentials | null): void {
  const file = path.join(dataDir, 'secrets', EHR_READER_FILE);
  if (!credentials) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function readSandboxEhrReader(dataDir: string): EhrClientCredentials | null {
  const stored = readStoredSecret(dataDir, EHR_READER_FILE);
  return stored ? (JSON.parse(stored) as EhrClientCredentials) : null;
}

/** What the simulator may do in the sandbox: look up callers and read back Tasks, nothing else. */
export const SANDBOX_EHR_READER_SCOPES: readonly string[] = ['system/Patient.rs', 'system/RelatedPerson.rs', 'system/Task.rs'];

/**
 * The audit key (ADR 11): links the audit chain (HMAC) and signs its checkpoints; the database must
 * never hold it. Base64, at least 32 bytes. Production sets CALLCHART_AUDIT_KEY from a secret store.
 */
export const auditKeySpec = { envVar: 'CALLCHART_AUDIT_KEY', file: 'audit-key', generate: () => randomBytes(32).toString('base64') };

/**
 * The audit key for an engine not handed one: CALLCHART_AUDIT_KEY, else the trial key in the data
 * directory (generated once), else, with no data directory (in-memory trials, benchmarks), a key
 * for this process only, so its log cannot be verified after it stops.
 */
export function resolveAuditKey(dataDir: string | undefined): { key: Buffer; source: 'env' | 'file' | 'generated' | 'ephemeral' } {
  if (!dataDir && !process.env[auditKeySpec.envVar]) return { key: randomBytes(32), source: 'ephemeral' };
  const secret = dataDir ? resolveSecret({ ...auditKeySpec, dataDir }) : { value: process.env[auditKeySpec.envVar]!, source: 'env' as const };
  return { key: decodeAuditKey(secret.value), source: secret.source };
}

/** The audit key for reading the log (`audit verify`, `audit export`): never generated; null when absent. */
export function readAuditKey(dataDir: string): Buffer | null {
  const encoded = process.env[auditKeySpec.envVar] || readStoredSecret(dataDir, auditKeySpec.file);
  return encoded ? decodeAuditKey(encoded) : null;
}
