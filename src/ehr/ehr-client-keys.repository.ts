/**
 * Where the engine's SMART key set lives: a JSON file, mode 0600 in a 0700 directory, never in the
 * database (a database dump must not carry the key that acts as Callchart at the EHR). Default
 * `<data-dir>/secrets/ehr-client-keys.json` beside the other secrets; production points
 * CALLCHART_EHR_KEYS_FILE (or `--keys-file`) outside the data directory, e.g. a mounted secret.
 * Writes go to a temporary file renamed over the old one, so a reader never sees half a key set.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { CallchartError } from '../lib/errors.ts';
import { ehrKeySetSchema, publicJwksOfSet, type EhrKeySet } from './ehr-client-keys.ts';

export const ehrKeysFileName = 'ehr-client-keys.json';

/** The key file for a data directory: CALLCHART_EHR_KEYS_FILE, else `<data-dir>/secrets/…`; undefined without either. */
export function ehrKeysFileFor(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CALLCHART_EHR_KEYS_FILE) return env.CALLCHART_EHR_KEYS_FILE;
  return dataDir ? path.join(dataDir, 'secrets', ehrKeysFileName) : undefined;
}

/** The key set, or null when the file does not exist; a file that is not a key set is a config error (never echoed). */
export function readEhrKeySet(file: string): EhrKeySet | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CallchartError('CONFIG_INVALID', `${file} is not JSON (expected the EHR key set written by callchart keys ehr)`);
  }
  const result = ehrKeySetSchema.safeParse(parsed);
  if (!result.success) throw new CallchartError('CONFIG_INVALID', `${file} is not an EHR key set (expected the file written by callchart keys ehr)`);
  return result.data;
}

export function writeEhrKeySet(file: string, set: EhrKeySet): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(ehrKeySetSchema.parse(set), null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/**
 * The key set as the running engine sees it: read again when the file changes (a rotation by
 * `callchart keys ehr --rotate` takes effect without a restart), from memory otherwise.
 */
export class EhrKeyFile {
  private cached: { mtimeMs: number; size: number; set: EhrKeySet | null } | null = null;

  constructor(readonly file: string) {}

  current(): EhrKeySet | null {
    let stamp: { mtimeMs: number; size: number } | null = null;
    try {
      const stats = statSync(this.file);
      stamp = { mtimeMs: stats.mtimeMs, size: stats.size };
    } catch {
      stamp = null;
    }
    if (!stamp) return null;
    if (this.cached && this.cached.mtimeMs === stamp.mtimeMs && this.cached.size === stamp.size) return this.cached.set;
    const set = readEhrKeySet(this.file);
    this.cached = { ...stamp, set };
    return set;
  }

  jwks(): JSONWebKeySet | null {
    const set = this.current();
    return set ? publicJwksOfSet(set) : null;
  }
}
