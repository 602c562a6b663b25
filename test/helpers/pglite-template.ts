import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDb } from '../../src/store/db.ts';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';

/**
 * A migrated, empty embedded store that tests copy instead of creating one. PGlite's first create
 * (initdb) costs about 3 s on this kind of machine, a reopen about 0.3 s (STACK-NOTES): with some
 * forty stores opened per test run, that was two minutes of initdb. The template is made once per
 * machine and migration set, in the temp directory, named by a hash of the migrations and the PGlite
 * version, so a new migration (or a PGlite upgrade) makes a new one. The engine then opens the copy
 * and finds every migration applied, as a restarted engine does.
 *
 * Not for tests about what a first start creates (file modes, initdb): those start from nothing.
 */
const require = createRequire(import.meta.url);
let templateDir: Promise<string> | null = null;

/** The installed PGlite's version (its package.json is not exported: found from its entry point). */
function pgliteVersion(): string {
  for (let dir = path.dirname(require.resolve('@electric-sql/pglite')); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === '@electric-sql/pglite') return manifest.version ?? 'unknown';
  }
  return 'unknown';
}

function templateName(): string {
  const hash = createHash('sha256').update(pgliteVersion());
  for (const migration of loadMigrations()) hash.update(`${migration.name}:${migration.checksum}\n`);
  return `callchart-pglite-template-${hash.digest('hex').slice(0, 16)}`;
}

async function makeTemplate(): Promise<string> {
  const finalDir = path.join(tmpdir(), templateName());
  if (existsSync(path.join(finalDir, 'pgdata', 'PG_VERSION'))) return finalDir;
  // Built aside and renamed into place: a second test process never sees half a template.
  const building = mkdtempSync(`${finalDir}-building-`);
  try {
    const db = await openDb({ dataDir: building });
    await migrate(db);
    await db.close();
    rmSync(path.join(building, 'pgdata.lock'), { force: true });
    renameSync(building, finalDir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    // Another process renamed its template into place first: use that one.
    if (!existsSync(path.join(finalDir, 'pgdata', 'PG_VERSION'))) throw error;
  }
  return finalDir;
}

/** Puts a copy of the migrated, empty store into `dataDir` (as `pgdata/`, where the engine looks). */
export async function seedPgliteDataDir(dataDir: string): Promise<void> {
  templateDir ??= makeTemplate();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  cpSync(path.join(await templateDir, 'pgdata'), path.join(dataDir, 'pgdata'), { recursive: true });
}
