import { appendAuditEvent } from '../audit/audit.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import { utcDay, type ArtifactClass } from './artifact-class.ts';
import { countDataKeysByKek, dataKeysNotUnder, rewrapDataKey, summariseDataKeys } from './data-key.repository.ts';
import type { KeyEncryptionKeyProvider, KekVersion } from './kek-provider.ts';
import type { ContentKeyring } from './keyring.service.ts';

export interface KeyRotation {
  id: number;
  kind: 'kek' | 'data-keys';
  fromKekId: string | null;
  toKekId: string | null;
  requestedBy: string;
  startedAt: string;
  finishedAt: string | null;
  keysTotal: number;
  keysDone: number;
  rowsResealed: number;
  lastError: string | null;
}

interface RotationRow {
  id: string | number; kind: 'kek' | 'data-keys'; from_kek_id: string | null; to_kek_id: string | null; requested_by: string;
  started_at: Date | string; finished_at: Date | string | null; keys_total: number; keys_done: number; rows_resealed: number; last_error: string | null;
}

function fromRow(row: RotationRow): KeyRotation {
  return {
    id: Number(row.id), kind: row.kind, fromKekId: row.from_kek_id, toKekId: row.to_kek_id, requestedBy: row.requested_by,
    startedAt: new Date(row.started_at).toISOString(), finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    keysTotal: row.keys_total, keysDone: row.keys_done, rowsResealed: row.rows_resealed, lastError: row.last_error,
  };
}

/**
 * Step 1 of a KEK rotation: a new KEK version becomes current at once (new data keys are wrapped
 * under it from now on, in every engine: the file provider re-reads a changed key file, Vault
 * always wraps under its latest version), and the rotation is recorded and audited. Nothing waits
 * for the re-wrap: content keeps opening throughout, since data keys themselves do not change.
 */
export async function rotateKek(db: Db, kek: KeyEncryptionKeyProvider, actor: string): Promise<KeyRotation> {
  const { previousKekId, kekId } = await kek.rotate();
  const { rows: counted } = await db.query<{ keys: string | number }>('select count(*) as keys from data_key where destroyed_at is null and kek_id <> $1', [kekId]);
  const keysTotal = Number(counted[0]?.keys ?? 0);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<RotationRow>(
      "insert into key_rotation (kind, from_kek_id, to_kek_id, requested_by, keys_total) values ('kek', $1, $2, $3, $4) returning *",
      [previousKekId, kekId, actor, keysTotal],
    );
    await appendAuditEvent(tx, {
      actor, action: 'keys.kek.rotated', objectType: 'kek', objectId: kekId, outcome: 'success',
      detail: { fromKekId: previousKekId, toKekId: kekId, provider: kek.kind, dataKeys: keysTotal, rotationId: Number(rows[0]!.id) },
    });
    return fromRow(rows[0]!);
  });
}

/**
 * Step 2, in the background: every live data key not under the current KEK is unwrapped with its
 * old KEK and wrapped under the current one, a batch at a time, progress recorded on the rotation
 * row (what `keys status` shows) and audited per batch. A key re-wrapped by someone else meanwhile
 * is left as they wrote it. Finally, KEK versions no data key uses any more are retired.
 */
export async function rewrapDataKeys(
  db: Db,
  kek: KeyEncryptionKeyProvider,
  options: { rotationId: number; actor: string; batchSize?: number; onProgress?: (done: number, total: number) => void },
): Promise<KeyRotation> {
  const batchSize = options.batchSize ?? 100;
  let target = await kek.currentKekId();
  let done = 0;
  try {
    for (;;) {
      const batch = await dataKeysNotUnder(db, target, batchSize);
      if (batch.length === 0) break;
      let moved = 0;
      for (const row of batch) {
        const key = await kek.unwrap(row.wrappedKey!, row.kekId!, row.id);
        const wrapped = await kek.wrap(key, row.id);
        key.fill(0);
        // Rotated again while we worked: aim at the newest version from here on.
        target = wrapped.kekId;
        if (await rewrapDataKey(db, row.id, row.kekId!, wrapped.wrapped, wrapped.kekId)) moved += 1;
      }
      done += moved;
      const { rows } = await db.query<{ keys_total: number }>('update key_rotation set keys_done = keys_done + $2 where id = $1 returning keys_total', [options.rotationId, moved]);
      const total = rows[0]?.keys_total ?? done;
      await appendAuditEvent(db, {
        actor: options.actor, action: 'keys.rewrap.progress', objectType: 'key-rotation', objectId: String(options.rotationId), outcome: 'success',
        detail: { done, total, toKekId: target },
      });
      options.onProgress?.(done, total);
    }
  } catch (error) {
    await db.query('update key_rotation set last_error = $2 where id = $1', [options.rotationId, (error as { code?: string }).code ?? 'INTERNAL']);
    throw error;
  }
  await retireUnusedKeks(db, kek, options.actor);
  const { rows } = await db.query<RotationRow>('update key_rotation set finished_at = now(), last_error = null where id = $1 returning *', [options.rotationId]);
  return fromRow(rows[0]!);
}

/** Retires every KEK version that is not current and wraps no live data key (audited). */
export async function retireUnusedKeks(db: Db, kek: KeyEncryptionKeyProvider, actor: string): Promise<string[]> {
  const inUse = await countDataKeysByKek(db);
  const retired: string[] = [];
  for (const version of await kek.versions()) {
    if (version.current || version.retiredAt || (inUse.get(version.id) ?? 0) > 0) continue;
    await kek.retire(version.id);
    retired.push(version.id);
    await appendAuditEvent(db, { actor, action: 'keys.kek.retired', objectType: 'kek', objectId: version.id, outcome: 'success', detail: { provider: kek.kind } });
  }
  return retired;
}

/** The content tables and the class each row's data key belongs to. */
const sealedTables: ReadonlyArray<{ table: string; artifactClass: ArtifactClass; keyColumns: string[]; createdColumn: string }> = [
  { table: 'transcript', artifactClass: 'transcript', keyColumns: ['event_id'], createdColumn: 'created_at' },
  { table: 'identity_evidence', artifactClass: 'identity-evidence', keyColumns: ['call_id', 'method'], createdColumn: 'created_at' },
  { table: 'call_analysis', artifactClass: 'summary', keyColumns: ['call_id'], createdColumn: 'analyzed_at' },
  { table: 'review_version', artifactClass: 'draft-version', keyColumns: ['review_id', 'version'], createdColumn: 'created_at' },
  // Call audio kept with speech.audio.keep (issue 17, TR-3; migration 0038).
  { table: 'call_audio', artifactClass: 'audio', keyColumns: ['id'], createdColumn: 'created_at' },
];

/**
 * Re-seals stored content under envelope data keys: rows sealed under the legacy single data key
 * (`legacy`), or under the given data keys (after a suspected data-key leak). Each row goes under
 * the key of its own class and UTC day (so retention still shreds it on time), one row at a time,
 * only if it still names the key it was read under. Returns how many rows were re-sealed.
 */
export async function resealContent(db: Db, keyring: ContentKeyring, from: { legacy: true } | { keyIds: readonly string[] }): Promise<number> {
  let resealed = 0;
  for (const { table, artifactClass, keyColumns, createdColumn } of sealedTables) {
    const which = 'legacy' in from
      ? 'not exists (select 1 from data_key where data_key.id = t.key_id)'
      : 't.key_id = any($1::text[])';
    for (;;) {
      const { rows } = await db.query<Record<string, unknown> & { ciphertext: Uint8Array; key_id: string; created: Date | string }>(
        `select ${keyColumns.map((column) => `t.${column}`).join(', ')}, t.ciphertext, t.key_id, t.${createdColumn} as created
         from ${table} t where ${which} limit 100`,
        'legacy' in from ? [] : [from.keyIds],
      );
      if (rows.length === 0) break;
      let changed = 0;
      for (const row of rows) {
        const plaintext = await keyring.open(row.ciphertext, row.key_id);
        const { sealed, keyId } = await keyring.sealFor(artifactClass, new Date(row.created), plaintext);
        const where = keyColumns.map((column, index) => `${column} = $${index + 3}`).join(' and ');
        const { rowCount } = await db.query(
          `update ${table} set ciphertext = $1, key_id = $2 where ${where} and key_id = $${keyColumns.length + 3}`,
          [sealed, keyId, ...keyColumns.map((column) => row[column]), row.key_id],
        );
        changed += rowCount;
      }
      resealed += changed;
      // Rows rewritten by their owner meanwhile are no longer selected; nothing changed means nothing left we can move.
      if (changed === 0) break;
    }
  }
  return resealed;
}

export interface KeyStatus {
  provider: { kind: string; location: string };
  kekVersions: Array<KekVersion & { dataKeys: number }>;
  dataKeys: Array<{ artifactClass: string; kekId: string | null; live: number; destroyed: number }>;
  /** Content rows per table still sealed under a key that is not an envelope data key (the legacy key). */
  legacyRows: Record<string, number>;
  rotations: KeyRotation[];
  /** Live data keys not under the current KEK: what a re-wrap still has to do (0 when done). */
  rewrapPending: number;
}

/** What `callchart keys status` and `GET /api/admin/keys/status` show: ids and counts only. */
export async function keyStatus(db: Queryable, kek: KeyEncryptionKeyProvider): Promise<KeyStatus> {
  const byKek = await countDataKeysByKek(db);
  const versions = await kek.versions();
  const current = versions.find((version) => version.current)?.id;
  const legacyRows: Record<string, number> = {};
  for (const { table } of sealedTables) {
    const { rows } = await db.query<{ n: string | number }>(`select count(*) as n from ${table} t where not exists (select 1 from data_key where data_key.id = t.key_id)`);
    legacyRows[table] = Number(rows[0]?.n ?? 0);
  }
  const { rows: rotations } = await db.query<RotationRow>('select * from key_rotation order by id desc limit 5');
  return {
    provider: { kind: kek.kind, location: kek.location },
    kekVersions: versions.map((version) => ({ ...version, dataKeys: byKek.get(version.id) ?? 0 })),
    dataKeys: await summariseDataKeys(db),
    legacyRows,
    rotations: rotations.map(fromRow),
    rewrapPending: [...byKek].filter(([kekId]) => kekId !== current).reduce((sum, [, count]) => sum + count, 0),
  };
}

/** Records a data-key rotation (new keys for today) with how many rows were re-sealed. */
export async function recordDataKeyRotation(db: Db, actor: string, made: readonly string[], rowsResealed: number, at: Date): Promise<KeyRotation> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<RotationRow>(
      "insert into key_rotation (kind, requested_by, keys_total, keys_done, rows_resealed, finished_at) values ('data-keys', $1, $2, $2, $3, now()) returning *",
      [actor, made.length, rowsResealed],
    );
    await appendAuditEvent(tx, {
      actor, action: 'keys.data-keys.rotated', objectType: 'key-rotation', objectId: String(rows[0]!.id), outcome: 'success',
      detail: { dataKeys: made.length, rowsResealed, day: utcDay(at) },
    });
    return fromRow(rows[0]!);
  });
}

/**
 * Key operations for one engine (the admin API) or one CLI run: a rotation starts the re-wrap in
 * the background and returns at once; one rotation at a time per process.
 */
export class KeyOperations {
  #running: Promise<KeyRotation> | null = null;

  constructor(private readonly deps: { db: Db; keyring: EnvelopeKeyringLike; onBackgroundError?: (error: unknown) => void }) {}

  get busy(): boolean {
    return this.#running !== null;
  }

  /**
   * Rotates the KEK (new data keys wrapped under the new version at once, existing ones re-wrapped
   * in the background). `dataKeys`: also starts new data keys for today; `reseal`: re-seals the
   * content under the replaced keys and under the legacy single key (waits for it).
   */
  async rotate(options: { actor: string; dataKeys?: boolean; reseal?: boolean }): Promise<{ kek: KeyRotation; dataKeys: KeyRotation | null; rewrap: Promise<KeyRotation> }> {
    if (this.#running) throw new CallchartError('KEY_ROTATION_RUNNING', 'a key rotation is still re-wrapping data keys');
    const { db, keyring } = this.deps;
    const kek = await rotateKek(db, keyring.kek, options.actor);
    const rewrap = rewrapDataKeys(db, keyring.kek, { rotationId: kek.id, actor: options.actor });
    this.#running = rewrap;
    const settled = rewrap.finally(() => {
      this.#running = null;
    });
    settled.catch((error: unknown) => this.deps.onBackgroundError?.(error));
    let dataKeys: KeyRotation | null = null;
    if (options.dataKeys || options.reseal) {
      const at = new Date();
      const { made, replaced } = options.dataKeys ? await keyring.startNewDataKeys() : { made: [], replaced: [] };
      let resealed = 0;
      if (options.reseal) {
        resealed += await resealContent(db, keyring, { legacy: true });
        if (replaced.length > 0) resealed += await resealContent(db, keyring, { keyIds: replaced });
      }
      dataKeys = await recordDataKeyRotation(db, options.actor, made, resealed, at);
    }
    return { kek, dataKeys, rewrap: settled };
  }

  /** Waits for a background re-wrap (engine shutdown, the CLI). */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  status(): Promise<KeyStatus> {
    return keyStatus(this.deps.db, this.deps.keyring.kek);
  }
}

/** What KeyOperations needs of a keyring (EnvelopeKeyring). */
export interface EnvelopeKeyringLike extends ContentKeyring {
  readonly kek: KeyEncryptionKeyProvider;
  startNewDataKeys(): Promise<{ made: string[]; replaced: string[] }>;
}
