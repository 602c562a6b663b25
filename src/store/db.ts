import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

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

async function openPostgres(databaseUrl: string): Promise<Db> {
  // Each ringing call holds a connection for its short ingest transaction; a busy clinic rings
  // many at once. DATABASE_POOL_MAX tunes it to the server's max_connections.
  const max = Number(process.env.DATABASE_POOL_MAX ?? 10);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Number.isInteger(max) && max > 0 && max <= 500 ? max : 10 });
  // An idle client error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  await pool.query('select 1');
  return {
    kind: 'postgres',
    label: `PostgreSQL ${redactUrl(databaseUrl)}`,
    raw: pool,
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await pool.query(sql, params as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      const client = await pool.connect();
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
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
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
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
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
    writeFileSync(lockFile, String(process.pid)); // a stale lock from a process that died
  }
  return () => rmSync(lockFile, { force: true });
}

async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  const store = dataDir ? path.join(dataDir, 'pgdata') : undefined;
  const lite = store ? new PGlite(store) : new PGlite();
  await lite.waitReady;
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
      unlock();
    },
  };
}
