import { existsSync } from 'node:fs';
import { CallchartError } from '../lib/errors.ts';
import type { Queryable } from '../store/db.ts';
import { countWrappedDataKeys } from './data-key.repository.ts';
import { defaultKekFile, demoKekFile, FileKekProvider, isInside } from './file-kek.client.ts';
import type { KeyEncryptionKeyProvider } from './kek-provider.ts';
import { createMemoryKekProvider } from './memory-kek.client.ts';
import { VaultTransitKekProvider } from './vault-transit.client.ts';

/**
 * Who runs the engine decides where the KEK is when nothing is configured:
 * - `serve`: the key file in the operator's config directory (defaultKekFile), never inside the data directory;
 * - `demo`: a key file beside the demo's data directory (demoKekFile);
 * - `embedded` (an engine started in-process with no settings: tests, benchmarks): a KEK for this process only.
 */
export type KekMode = 'serve' | 'demo' | 'embedded';

/**
 * The KEK provider from the environment:
 * - CALLCHART_KEK_PROVIDER=vault-transit: Vault's transit engine (VAULT_ADDR, VAULT_TOKEN,
 *   CALLCHART_VAULT_TRANSIT_KEY, optional CALLCHART_VAULT_TRANSIT_MOUNT, default `transit`);
 * - otherwise the key file CALLCHART_KEK_FILE, else the mode's default.
 * A missing key file is created only for a database that holds no wrapped data keys yet: for one
 * that does, a new key could open nothing, so the start is refused.
 */
export async function resolveKekProvider(options: { db: Queryable; mode: KekMode; dataDir?: string | undefined; env?: NodeJS.ProcessEnv }): Promise<KeyEncryptionKeyProvider> {
  const env = options.env ?? process.env;
  const kind = env.CALLCHART_KEK_PROVIDER || 'file';
  if (kind === 'vault-transit') return VaultTransitKekProvider.fromEnv(env);
  if (kind !== 'file') throw new CallchartError('CONFIG_INVALID', `CALLCHART_KEK_PROVIDER is ${kind}; use file or vault-transit.`, { variable: 'CALLCHART_KEK_PROVIDER' });
  const file = env.CALLCHART_KEK_FILE || (options.mode === 'serve' ? defaultKekFile(env) : options.mode === 'demo' && options.dataDir ? demoKekFile(options.dataDir) : null);
  if (!file) return createMemoryKekProvider();
  if (options.mode === 'serve' && options.dataDir && isInside(file, options.dataDir)) {
    throw new CallchartError(
      'CONFIG_INVALID',
      `The key file ${file} is inside the data directory ${options.dataDir}: a copy or backup of the store would carry the key that opens it. Move it elsewhere (e.g. ${defaultKekFile(env)}) and set CALLCHART_KEK_FILE.`,
      { variable: 'CALLCHART_KEK_FILE' },
    );
  }
  if (!existsSync(file) && (await countWrappedDataKeys(options.db)) > 0) {
    throw new CallchartError(
      'CONFIG_INVALID',
      `The key file ${file} is missing, and this database holds data keys wrapped by a key-encryption key: without that key no stored content can be opened. Restore the key file (or set CALLCHART_KEK_FILE to it); do not start with a new one.`,
      { variable: 'CALLCHART_KEK_FILE' },
    );
  }
  return new FileKekProvider(file, { create: true });
}
