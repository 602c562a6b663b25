import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
