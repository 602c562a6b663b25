import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { CallchartError, isCallchartError } from '../lib/errors.ts';

/** The part of a database connection the repositories use: parameterised queries. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

/** A transaction: parameterised queries plus multi-statement SQL (migrations). */
export interface Transaction extends Queryable {
  exec(sql: string): Promise<void>;
}

/**
 * One storage interface over PostgreSQL (production) and PGlite (embedded trial default).
 * Same SQL, same migrations; repositories never know which one they talk to.
 */
export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** A human label without credentials, for logs and CLI output. */
  readonly label: string;
  /** Run `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Multi-statement SQL without parameters (migrations, job-queue DDL). */
  exec(sql: string): Promise<void>;
  /** The underlying handle, for the job queue adapter. */
  readonly raw: pg.Pool | PGlite;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite store is used. */
  databaseUrl?: string | undefined;
  /** Directory for the embedded store; `undefined` with no databaseUrl means in-memory. */
  dataDir?: string | undefined;
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir);
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

/**
 * Whether the store answers a trivial query within `timeoutMs`: for health checks, which must
 * report an unreachable store quickly rather than wait for it.
 */
export async function storeAnswers(db: Pick<Db, 'query'>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const probe = db.query('select 1').then(
    () => true,
    () => false,
  );
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([probe, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Node socket errors that mean the server or the path to it is gone, not that the query was wrong. */
const connectionErrnos = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True when an error from the pg driver means "the store is unreachable" (retry later) rather than
 * "this statement failed": socket errors, the driver's own connection messages, and the SQLSTATEs
 * of a server that is shutting down, starting or out of connections.
 */
export function isStoreConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (connectionErrnos.has(code)) return true;
    // 08xxx connection exception; 57P01-03 admin/crash shutdown, cannot connect now; 53300 too many connections.
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
  }
  return /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/.test(error.message);
}

/** A lost connection becomes STORE_UNAVAILABLE (503, transient); any other error passes through as is. */
function asStoreError(error: unknown): unknown {
  if (isCallchartError(error) || !isStoreConnectionError(error)) return error;
  return new CallchartError('STORE_UNAVAILABLE', 'the store is unreachable', undefined, { cause: error });
}

async function openPostgres(databaseUrl: string): Promise<Db> {
  // Each ringing call holds a connection for its short ingest transaction; a busy clinic rings
  // many at once. DATABASE_POOL_MAX tunes it to the server's max_connections.
  const max = Number(process.env.DATABASE_POOL_MAX ?? 10);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: Number.isInteger(max) && max > 0 && max <= 500 ? max : 10,
    // While the server is unreachable, a query fails within seconds (503, retry) instead of
    // queueing for a connection forever; keepalive notices a silently dropped path.
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  });
  // An idle client error (server restart) must not crash the process; the pool drops that client
  // and the next query reconnects. Clients checked out for a transaction get their own listener.
  pool.on('error', () => undefined);
  await pool.query('select 1');
  return {
    kind: 'postgres',
    label: `PostgreSQL ${redactUrl(databaseUrl)}`,
    raw: pool,
    async query<Row>(sql: string, params?: unknown[]) {
      try {
        const result = await pool.query(sql, params as unknown[]);
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw asStoreError(error);
      }
    },
    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      const client = await pool.connect().catch((error: unknown) => {
        throw asStoreError(error);
      });
      // A checked-out client has no listener of the pool's: a connection reset mid-transaction
      // would be an unhandled 'error' event and end the process (finding 6). The failing query
      // rejects on its own; this only keeps the event handled and marks the client as broken.
      let broken: Error | null = null;
      const onError = (error: Error) => {
        broken ??= error;
      };
      client.on('error', onError);
      try {
        await client.query('begin');
        const tx: Transaction = {
          async query<Row>(sql: string, params?: unknown[]) {
            const result = await client.query(sql, params as unknown[]);
            return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        };
        const value = await work(tx);
        await client.query('commit');
        return value;
      } catch (error) {
        if (!broken && isStoreConnectionError(error)) broken = error as Error;
        if (!broken) await client.query('rollback').catch(() => undefined);
        throw asStoreError(error);
      } finally {
        // A broken client is destroyed, not returned to the pool for the next caller to trip on.
        client.release(broken ?? undefined);
        client.removeListener('error', onError);
      }
    },
    async exec(sql: string) {
      try {
        await pool.query(sql);
      } catch (error) {
        throw asStoreError(error);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * PGlite is a single-process database: two processes opening one directory corrupt it. A lock
 * file with the owner's pid makes the second opener fail with a clear message instead.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'pgdata.lock');
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch {
    const owner = Number(readFileSync(lockFile, 'utf8'));
    let alive = false;
    try {
      alive = Number.isInteger(owner) && owner !== process.pid && process.kill(owner, 0);
    } catch {
      alive = false;
    }
    if (alive) {
      throw new Error(`The embedded store in ${dataDir} is in use by process ${owner}. Stop it first (or use PostgreSQL via DATABASE_URL).`);
    }
    writeFileSync(lockFile, String(process.pid), { mode: 0o600 }); // a stale lock from a process that died
  }
  return () => rmSync(lockFile, { force: true });
}

/** Owner only: no group or world bits on the store (directories 0700, files 0600). */
function makeOwnerOnly(entry: string): void {
  const stats = lstatSync(entry);
  if (stats.isSymbolicLink()) return;
  const wanted = stats.isDirectory() ? 0o700 : 0o600;
  if ((stats.mode & 0o777) !== wanted) chmodSync(entry, wanted);
  if (stats.isDirectory()) for (const name of readdirSync(entry)) makeOwnerOnly(path.join(entry, name));
}

/**
 * The embedded store holds PHI in plain files. PGlite writes its initial cluster with mode 0666
 * and new files with the process umask (finding 11: 968 of 1,127 files world-writable). So: an
 * owner-only umask for files created from now on, and a chmod walk of what is already there.
 * The umask is process-wide; a process that keeps PHI on local disk wants it anyway. Worker
 * threads cannot change it; there the walk at open and at close still applies.
 */
function restrictUmask(): void {
  try {
    process.umask(process.umask() | 0o077);
  } catch {
    // ERR_WORKER_UNSUPPORTED_OPERATION: not the main thread.
  }
}

async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir) {
    restrictUmask();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      chmodSync(dataDir, 0o700);
    } catch {
      // Not ours to change (a shared directory): the store inside it is still made owner-only.
    }
  }
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  const store = dataDir ? path.join(dataDir, 'pgdata') : undefined;
  const lite = store ? new PGlite(store) : new PGlite();
  await lite.waitReady;
  if (store) makeOwnerOnly(store);
  return {
    kind: 'pglite',
    label: store ? `PGlite (embedded) at ${store}` : 'PGlite (embedded, in memory)',
    raw: lite,
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await lite.query<Row>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      return lite.transaction(async (t) =>
        work({
          async query<Row>(sql: string, params?: unknown[]) {
            const result = await t.query<Row>(sql, params);
            return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
          },
          async exec(sql: string) {
            await t.exec(sql);
          },
        }),
      );
    },
    async exec(sql: string) {
      await lite.exec(sql);
    },
    async close() {
      await lite.close();
      if (store) makeOwnerOnly(store);
      unlock();
    },
  };
}
