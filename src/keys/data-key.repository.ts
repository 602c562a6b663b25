import type { Queryable } from '../store/db.ts';
import type { ArtifactClass } from './artifact-class.ts';

export interface DataKeyRow {
  id: string;
  tenant: string;
  artifactClass: ArtifactClass;
  bucket: string;
  wrappedKey: Buffer | null;
  kekId: string | null;
  createdAt: string;
  destroyedAt: string | null;
}

interface Row {
  id: string;
  tenant: string;
  artifact_class: ArtifactClass;
  bucket: string | Date;
  wrapped_key: Uint8Array | null;
  kek_id: string | null;
  created_at: string | Date;
  destroyed_at: string | Date | null;
}

const columns = 'id, tenant, artifact_class, bucket::text as bucket, wrapped_key, kek_id, created_at, destroyed_at';

function fromRow(row: Row): DataKeyRow {
  return {
    id: row.id,
    tenant: row.tenant,
    artifactClass: row.artifact_class,
    bucket: String(row.bucket).slice(0, 10),
    wrappedKey: row.wrapped_key ? Buffer.from(row.wrapped_key) : null,
    kekId: row.kek_id,
    createdAt: new Date(row.created_at).toISOString(),
    destroyedAt: row.destroyed_at ? new Date(row.destroyed_at).toISOString() : null,
  };
}

export async function findDataKey(db: Queryable, id: string): Promise<DataKeyRow | null> {
  const { rows } = await db.query<Row>(`select ${columns} from data_key where id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The newest live key of a tenant, class and day: it seals new content. */
export async function findCurrentDataKey(db: Queryable, tenant: string, artifactClass: ArtifactClass, bucket: string): Promise<DataKeyRow | null> {
  const { rows } = await db.query<Row>(
    `select ${columns} from data_key where tenant = $1 and artifact_class = $2 and bucket = $3::date and destroyed_at is null
     order by created_at desc, id desc limit 1`,
    [tenant, artifactClass, bucket],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function insertDataKey(db: Queryable, key: { id: string; tenant: string; artifactClass: ArtifactClass; bucket: string; wrappedKey: Buffer; kekId: string }): Promise<void> {
  await db.query('insert into data_key (id, tenant, artifact_class, bucket, wrapped_key, kek_id) values ($1, $2, $3, $4::date, $5, $6)', [
    key.id, key.tenant, key.artifactClass, key.bucket, key.wrappedKey, key.kekId,
  ]);
}

/** Live data keys not wrapped under `kekId`, oldest first: what a re-wrap still has to do. */
export async function dataKeysNotUnder(db: Queryable, kekId: string, limit: number): Promise<DataKeyRow[]> {
  const { rows } = await db.query<Row>(`select ${columns} from data_key where destroyed_at is null and kek_id <> $1 order by created_at, id limit $2`, [kekId, limit]);
  return rows.map(fromRow);
}

/** Replaces a key's wrapping, only if it is still the one read (another re-wrapper may have been first). */
export async function rewrapDataKey(db: Queryable, id: string, fromKekId: string, wrappedKey: Buffer, kekId: string): Promise<boolean> {
  const { rowCount } = await db.query('update data_key set wrapped_key = $3, kek_id = $4 where id = $1 and kek_id = $2 and destroyed_at is null', [id, fromKekId, wrappedKey, kekId]);
  return rowCount === 1;
}

/** Live data keys per KEK version. */
export async function countDataKeysByKek(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ kek_id: string; keys: string | number }>('select kek_id, count(*) as keys from data_key where destroyed_at is null group by kek_id');
  return new Map(rows.map((row) => [row.kek_id, Number(row.keys)]));
}

export async function countWrappedDataKeys(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ keys: string | number }>('select count(*) as keys from data_key where destroyed_at is null');
  return Number(rows[0]?.keys ?? 0);
}

/** Data keys per artifact class, KEK and state, for `callchart keys status`. */
export async function summariseDataKeys(db: Queryable): Promise<Array<{ artifactClass: string; kekId: string | null; live: number; destroyed: number }>> {
  const { rows } = await db.query<{ artifact_class: string; kek_id: string | null; live: string | number; destroyed: string | number }>(
    `select artifact_class, kek_id, count(*) filter (where destroyed_at is null) as live, count(*) filter (where destroyed_at is not null) as destroyed
     from data_key group by artifact_class, kek_id order by artifact_class, kek_id`,
  );
  return rows.map((row) => ({ artifactClass: row.artifact_class, kekId: row.kek_id, live: Number(row.live), destroyed: Number(row.destroyed) }));
}
