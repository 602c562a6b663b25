import type { Db, Queryable } from '../store/db.ts';
import type { PurgeableClass } from './retention-schedule.ts';

/**
 * Crypto-shredding for the purge (RE-1, SE-1): which data keys may be destroyed, and destroying
 * them through the keyring's `destroyDataKeys` (src/keys/), which nulls the wrapped key, audits
 * each and drops every cached copy. A key is destroyed when its bucket (class × UTC day) is over
 * and it seals nothing any more: no live artifact in the inventory names it, and, as a second
 * check that does not trust the inventory, no column named `*key_id` in any table holds it.
 */
export type DestroyDataKeys = (db: Db, keyIds: readonly string[], reason: string) => Promise<unknown>;

export interface KeyState {
  keyId: string;
  /** `legacy`: a key id the data_key table does not know (the single CALLCHART_DATA_KEY of older stores). */
  state: 'destroyed' | 'live' | 'legacy';
  artifactClass: string | null;
  bucket: string | null;
  destroyedAt: string | null;
  /** The wrapped key material is gone (null): without it nobody, not even the KEK holder, can unwrap it. */
  wrappedKeyGone: boolean;
}

/** Classes whose keys the purge may destroy: content of calls, never staff credentials or audit. */
const shreddableClasses: readonly PurgeableClass[] = ['audio', 'transcript', 'redacted-transcript', 'summary', 'draft-version', 'identity-evidence', 'call-metadata'];

/**
 * Whole days after a bucket's own day before its key may go: content of a day is sealed during
 * that day (and a late webhook shortly after); a key destroyed too soon would shred it on arrival.
 */
export const bucketGraceDays = 1;

/** Tables whose `*key_id` columns name something other than a data key sealing live content. */
const notContent = new Set(['content_inventory', 'data_key', 'audit_event', 'audit_pending']);

export async function dataKeysStored(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ present: string | null }>("select to_regclass('data_key')::text as present");
  return rows[0]?.present !== null && rows[0]?.present !== undefined;
}

/** Data keys the purge may destroy at `now`. */
export async function shreddableDataKeys(db: Queryable, now: Date, limit = 500): Promise<string[]> {
  if (!(await dataKeysStored(db))) return [];
  const { rows } = await db.query<{ id: string }>(
    `select k.id from data_key k
     where k.destroyed_at is null and k.artifact_class = any($1::text[]) and k.bucket < ($2::timestamptz at time zone 'UTC')::date - $3::int
       and not exists (select 1 from content_inventory i where i.key_id = k.id and i.deleted_at is null)
     order by k.bucket, k.id limit $4`,
    [[...shreddableClasses], now.toISOString(), bucketGraceDays, limit],
  );
  if (rows.length === 0) return [];
  const references = await keyReferenceColumns(db);
  const free: string[] = [];
  for (const { id } of rows) {
    let referenced = false;
    for (const { table, column } of references) {
      const found = await db.query(`select 1 from "${table}" where "${column}" = $1 limit 1`, [id]);
      if (found.rows.length > 0) {
        referenced = true;
        break;
      }
    }
    if (!referenced) free.push(id);
  }
  return free;
}

async function keyReferenceColumns(db: Queryable): Promise<Array<{ table: string; column: string }>> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns
     where table_schema = current_schema() and column_name like '%key_id' and data_type = 'text' order by table_name, column_name`,
  );
  return rows.filter((row) => !notContent.has(row.table_name) && /^[a-z_][a-z0-9_]*$/.test(row.table_name) && /^[a-z_][a-z0-9_]*$/.test(row.column_name)).map((row) => ({ table: row.table_name, column: row.column_name }));
}

/** What the data_key table says of each key id (for the report and the purge proof). */
export async function dataKeyStates(db: Queryable, keyIds: readonly string[]): Promise<KeyState[]> {
  const unique = [...new Set(keyIds)].sort();
  if (unique.length === 0) return [];
  const known = new Map<string, { artifact_class: string; bucket: string; destroyed_at: Date | string | null; wrapped_gone: boolean }>();
  if (await dataKeysStored(db)) {
    const { rows } = await db.query<{ id: string; artifact_class: string; bucket: string; destroyed_at: Date | string | null; wrapped_gone: boolean }>(
      'select id, artifact_class, bucket::text as bucket, destroyed_at, wrapped_key is null as wrapped_gone from data_key where id = any($1::text[])',
      [unique],
    );
    for (const row of rows) known.set(row.id, row);
  }
  return unique.map((keyId) => {
    const row = known.get(keyId);
    if (!row) return { keyId, state: 'legacy', artifactClass: null, bucket: null, destroyedAt: null, wrappedKeyGone: false };
    return {
      keyId, state: row.destroyed_at ? 'destroyed' : 'live', artifactClass: row.artifact_class, bucket: String(row.bucket).slice(0, 10),
      destroyedAt: row.destroyed_at ? new Date(row.destroyed_at).toISOString() : null, wrappedKeyGone: row.wrapped_gone,
    };
  });
}

/** Keys destroyed, newest first (for the report). */
export async function destroyedDataKeys(db: Queryable, limit = 50): Promise<{ total: number; recent: KeyState[] }> {
  if (!(await dataKeysStored(db))) return { total: 0, recent: [] };
  const count = await db.query<{ n: string | number }>('select count(*) as n from data_key where destroyed_at is not null');
  const { rows } = await db.query<{ id: string }>('select id from data_key where destroyed_at is not null order by destroyed_at desc, id limit $1', [limit]);
  const states = await dataKeyStates(db, rows.map((row) => row.id));
  return { total: Number(count.rows[0]?.n ?? 0), recent: states.sort((a, b) => (b.destroyedAt ?? '').localeCompare(a.destroyedAt ?? '')) };
}
