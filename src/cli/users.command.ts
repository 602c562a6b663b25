import { existsSync } from 'node:fs';
import path from 'node:path';
import { staffRoles, type StaffRole } from '../auth/staff-token.ts';
import { openDb, type Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';

/**
 * `callchart users add`: creates a local staff account (the clinic's first admin, typically) and
 * prints its one-time initial password. Works on PostgreSQL (DATABASE_URL) while engines run, and
 * on the embedded store when no engine holds it (PGlite is single-process: stop the engine first).
 */
export async function runUsersAdd(options: { userName: string; role: string; queues: string[]; displayName?: string; email?: string; dataDir: string }): Promise<void> {
  if (!(staffRoles as readonly string[]).includes(options.role)) {
    console.error(`Unknown role "${options.role}". Roles: ${staffRoles.join(', ')}.`);
    process.exit(2);
  }
  if (!/^[a-z0-9][a-z0-9._@-]{0,127}$/i.test(options.userName)) {
    console.error('A user name is 1 to 128 letters, digits, dots, dashes, underscores or @, starting with a letter or digit.');
    process.exit(2);
  }
  const db = await openStoreOrExit(options.dataDir);
  try {
    const { addLocalStaff } = await import('../auth/staff-accounts.service.ts');
    const { user, initialPassword } = await addLocalStaff(db, {
      userName: options.userName, role: options.role as StaffRole, queues: options.queues,
      ...(options.displayName ? { displayName: options.displayName } : {}), ...(options.email ? { email: options.email } : {}),
    }, 'cli');
    console.error(`Created ${user.userName} (${user.role}; queues ${user.queues.length ? user.queues.join(', ') : 'none'}) in ${db.label}.`);
    console.error('Initial password (shown this once; give it to the person privately):');
    console.log(initialPassword);
    console.error('At the first sign-in they enrol an authenticator app (QR code) and receive ten recovery codes.');
  } catch (error) {
    if ((error as { code?: string }).code === 'STAFF_USER_EXISTS') {
      console.error(`A staff member named ${options.userName.toLowerCase()} already exists.`);
      process.exit(1);
    }
    throw error;
  } finally {
    await db.close();
  }
}

async function openStoreOrExit(dataDir: string): Promise<Db> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl && !existsSync(path.join(dataDir, 'pgdata'))) {
    console.error(`No embedded store in ${dataDir} and DATABASE_URL is not set: start the engine once with --data-dir ${dataDir}, or set DATABASE_URL.`);
    process.exit(2);
  }
  let db: Db;
  try {
    db = await openDb({ databaseUrl, dataDir });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  await migrate(db);
  return db;
}
