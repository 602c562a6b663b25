import type { Queryable } from '../store/db.ts';
import { liveChannel, type StoredLiveKind } from './live-notification.ts';

/**
 * The `live_view` table (migration 0039): the latest sealed screen pop, understanding or live
 * transcript of a call, shared by every engine process. Each write notifies {@link liveChannel} in
 * the same statement, so a notification is sent only for a row that committed.
 */
export interface StoredLiveView {
  callId: string;
  kind: StoredLiveKind;
  version: number;
  ciphertext: Buffer;
  keyId: string;
}

/** Saves the call's view of `kind` and notifies, in one statement; returns the new version. */
export async function saveLiveView(db: Queryable, view: { callId: string; kind: StoredLiveKind; ciphertext: Buffer; keyId: string }, origin: string): Promise<number> {
  const { rows } = await db.query<{ version: string | number }>(
    `with saved as (
       insert into live_view (call_id, kind, ciphertext, key_id) values ($1, $2, $3, $4)
       on conflict (call_id, kind) do update
         set ciphertext = excluded.ciphertext, key_id = excluded.key_id, version = live_view.version + 1, updated_at = now()
       returning version)
     select version, pg_notify($5, json_build_object('kind', $2::text, 'callId', $1::text, 'origin', $6::text, 'version', version)::text) from saved`,
    [view.callId, view.kind, view.ciphertext, view.keyId, liveChannel, origin],
  );
  return Number(rows[0]?.version ?? 0);
}

/** Deletes the call's view of `kind` and sends `notifyKind`, in one statement. */
export async function deleteLiveView(db: Queryable, callId: string, kind: StoredLiveKind, notifyKind: string, origin: string): Promise<void> {
  await db.query(
    `with gone as (delete from live_view where call_id = $1 and kind = $2)
     select pg_notify($3, json_build_object('kind', $4::text, 'callId', $1::text, 'origin', $5::text)::text)`,
    [callId, kind, liveChannel, notifyKind, origin],
  );
}

/** Tells the other processes something whose content is in the store already (a call row). */
export async function notifyLive(db: Queryable, kind: string, callId: string, origin: string): Promise<void> {
  await db.query(`select pg_notify($1, json_build_object('kind', $2::text, 'callId', $3::text, 'origin', $4::text)::text)`, [liveChannel, kind, callId, origin]);
}

export async function findLiveView(db: Queryable, callId: string, kind: StoredLiveKind): Promise<StoredLiveView | null> {
  const { rows } = await db.query<LiveViewRow>('select call_id, kind, version, ciphertext, key_id from live_view where call_id = $1 and kind = $2', [callId, kind]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Views written since `since`, oldest first (a starting or reconnecting process catches up). */
export async function listLiveViewsSince(db: Queryable, since: Date, limit: number): Promise<StoredLiveView[]> {
  const { rows } = await db.query<LiveViewRow>(
    `select * from (select call_id, kind, version, ciphertext, key_id, updated_at from live_view where updated_at >= $1 order by updated_at desc limit $2) recent order by updated_at asc`,
    [since.toISOString(), limit],
  );
  return rows.map(fromRow);
}

/** Calls whose live transcript is still stored (the others ended or were withdrawn). */
export async function storedTranscriptCallIds(db: Queryable, callIds: readonly string[]): Promise<Set<string>> {
  if (callIds.length === 0) return new Set();
  const { rows } = await db.query<{ call_id: string }>("select call_id from live_view where kind = 'transcript' and call_id = any($1::text[])", [[...callIds]]);
  return new Set(rows.map((row) => row.call_id));
}

/** Ids of calls changed since `since`, oldest first. */
export async function callIdsChangedSince(db: Queryable, since: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'select id from (select id, updated_at from call where updated_at >= $1 order by updated_at desc limit $2) recent order by updated_at asc',
    [since.toISOString(), limit],
  );
  return rows.map((row) => row.id);
}

/** Deletes views not written for `maxAgeHours` (they are for the live display only). */
export async function sweepLiveViews(db: Queryable, maxAgeHours: number): Promise<number> {
  const { rowCount } = await db.query(`delete from live_view where updated_at < now() - make_interval(hours => $1)`, [maxAgeHours]);
  return rowCount;
}

interface LiveViewRow {
  call_id: string;
  kind: StoredLiveKind;
  version: string | number;
  ciphertext: Buffer | Uint8Array;
  key_id: string;
}

function fromRow(row: LiveViewRow): StoredLiveView {
  return { callId: row.call_id, kind: row.kind, version: Number(row.version), ciphertext: Buffer.from(row.ciphertext), keyId: row.key_id };
}
