import { existsSync } from 'node:fs';
import path from 'node:path';
import { dataKeySpec, readStoredSecret } from '../engine/secrets.ts';
import { defaultKekFile, demoKekFile, FileKekProvider } from '../keys/file-kek.client.ts';
import { KeyOperations, type KeyStatus } from '../keys/key-rotation.service.ts';
import { resolveKekProvider } from '../keys/kek-provider.loader.ts';
import { EnvelopeKeyring } from '../keys/keyring.service.ts';
import { openDb, type Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';

/** What `keys status` prints: ids and counts, never key material. */
export function formatKeyStatus(status: KeyStatus): string[] {
  const lines = [`Key-encryption key: ${status.provider.kind} (${status.provider.location})`];
  for (const version of status.kekVersions) {
    lines.push(`  ${version.current ? '*' : ' '} ${version.id}  created ${version.createdAt}${version.retiredAt ? `  retired ${version.retiredAt}` : ''}  ${version.dataKeys} data keys`);
  }
  lines.push(status.rewrapPending === 0 ? 'Re-wrap: every live data key is under the current KEK.' : `Re-wrap: ${status.rewrapPending} data keys still under an older KEK.`);
  lines.push('Data keys (class, KEK: live / destroyed):');
  for (const row of status.dataKeys) lines.push(`  ${row.artifactClass.padEnd(20)} ${(row.kekId ?? '-').padEnd(24)} ${row.live} / ${row.destroyed}`);
  const legacy = Object.entries(status.legacyRows).filter(([, rows]) => rows > 0);
  lines.push(legacy.length === 0 ? 'Legacy single-key rows: none.' : `Legacy single-key rows: ${legacy.map(([table, rows]) => `${table} ${rows}`).join(', ')} (re-seal with \`callchart keys rotate --reseal\`).`);
  for (const rotation of status.rotations) {
    lines.push(`Rotation #${rotation.id} (${rotation.kind}) by ${rotation.requestedBy} at ${rotation.startedAt}: ${rotation.keysDone}/${rotation.keysTotal} keys${rotation.rowsResealed ? `, ${rotation.rowsResealed} rows re-sealed` : ''}, ${rotation.finishedAt ? `finished ${rotation.finishedAt}` : rotation.lastError ? `stopped (${rotation.lastError})` : 'in progress'}`);
  }
  return lines;
}

/**
 * The store and KEK a `keys` command works on. PostgreSQL (DATABASE_URL) is shared, so this runs
 * beside serving engines. The embedded store is held by the one engine using it: then the command
 * says to use that engine's admin API and exits 2.
 */
async function openKeyStoreOrExit(dataDir: string): Promise<{ db: Db; keys: KeyOperations; keyring: EnvelopeKeyring }> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (!databaseUrl && !existsSync(path.join(dataDir, 'pgdata'))) {
    console.error(`No embedded store in ${dataDir} and DATABASE_URL is not set.`);
    process.exit(2);
  }
  let db: Db;
  try {
    db = await openDb({ databaseUrl, dataDir });
  } catch (error) {
    if (/in use by process/.test((error as Error).message)) {
      console.error(`${(error as Error).message}\nThe embedded store is held by the running engine: rotate through its admin API instead (an admin, signed in and stepped up):\n  POST <engine>/api/admin/keys/rotate   {"dataKeys": false, "reseal": false}\n  GET  <engine>/api/admin/keys/status\nOn PostgreSQL this command works while engines serve.`);
      process.exit(2);
    }
    throw error;
  }
  try {
    await migrate(db);
    // The demo keeps its key file beside its data directory; serve's default is the config directory.
    const env = !process.env.CALLCHART_KEK_FILE && !databaseUrl && existsSync(demoKekFile(dataDir)) ? { ...process.env, CALLCHART_KEK_FILE: demoKekFile(dataDir) } : process.env;
    const kek = await resolveKekProvider({ db, mode: 'serve', dataDir, env });
    const legacy = process.env[dataKeySpec.envVar] || readStoredSecret(dataDir, dataKeySpec.file);
    const keyring = new EnvelopeKeyring({ db, kek, legacyKeys: legacy ? [Buffer.from(legacy, 'base64')] : [], refreshMs: 0 });
    await keyring.start();
    return { db, keyring, keys: new KeyOperations({ db, keyring }) };
  } catch (error) {
    await db.close();
    console.error(`${(error as Error).message}`);
    process.exit(2);
  }
}

export async function runKeysStatus(options: { dataDir: string; json?: boolean }): Promise<void> {
  const { db, keys, keyring } = await openKeyStoreOrExit(options.dataDir);
  try {
    const status = await keys.status();
    console.log(options.json ? JSON.stringify(status, null, 2) : formatKeyStatus(status).join('\n'));
  } finally {
    keyring.close();
    await db.close();
  }
}

export async function runKeysRotate(options: { dataDir: string; dataKeys?: boolean; reseal?: boolean }): Promise<void> {
  const { db, keys, keyring } = await openKeyStoreOrExit(options.dataDir);
  try {
    const { kek, dataKeys, rewrap } = await keys.rotate({ actor: `cli:${process.env.USER ?? 'operator'}`, dataKeys: options.dataKeys ?? false, reseal: options.reseal ?? false });
    console.log(`New KEK version ${kek.toKekId} is current (was ${kek.fromKekId}): new data keys are wrapped under it now.`);
    if (dataKeys) console.log(`Started ${dataKeys.keysTotal} new data keys for today; re-sealed ${dataKeys.rowsResealed} rows.`);
    console.log(`Re-wrapping ${kek.keysTotal} data keys under ${kek.toKekId}…`);
    const done = await rewrap;
    console.log(`Re-wrap finished: ${done.keysDone}/${done.keysTotal} data keys. Old KEK versions nothing uses are retired (see \`callchart keys status\`).`);
  } catch (error) {
    console.error(`Key rotation failed: ${(error as Error).message} (run it again to resume; \`callchart keys status\` shows where it stopped)`);
    process.exitCode = 1;
  } finally {
    keyring.close();
    await db.close();
  }
}

/** Creates the key file (CALLCHART_KEK_FILE, else the config directory's) if it does not exist yet. */
export function runKeysInit(): void {
  const file = process.env.CALLCHART_KEK_FILE || defaultKekFile();
  const existed = existsSync(file);
  const provider = new FileKekProvider(file, { create: true });
  console.log(`${existed ? 'Key file already there' : 'Created the key file'}: ${provider.location} (mode 0600). Keep it outside the data directory and back it up apart from the database.`);
}
