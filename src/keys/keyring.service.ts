import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import { dataKeyId as legacyKeyId, type ContentCipher } from '../store/content-cipher.ts';
import { sealedClasses, utcDay, type ArtifactClass } from './artifact-class.ts';
import { findCurrentDataKey, findDataKey, insertDataKey, type DataKeyRow } from './data-key.repository.ts';
import type { KeyEncryptionKeyProvider } from './kek-provider.ts';

export interface SealedContent {
  sealed: Buffer;
  /** Store it beside the content (the `key_id` column): it names the data key that opens it. */
  keyId: string;
}

/**
 * Envelope encryption for content at rest. `sealFor` seals under the data key of the content's
 * artifact class and UTC day (generated on first use, stored wrapped by the KEK); `open` opens a
 * record with the key its stored key id names, and only that key. The plain `ContentCipher` part
 * (`keyId`, `encrypt`, `decrypt`) seals under the staff-credential key and opens any key already in
 * memory, for callers that cannot wait (TOTP secrets).
 */
export interface ContentKeyring extends ContentCipher {
  /**
   * Seals `plaintext`, content of one class written at `at`. `via`: the caller's transaction, used only when the
   * day's key must be made now (a day not prepared ahead); then key and content commit together.
   */
  sealFor(artifactClass: ArtifactClass, at: Date, plaintext: string, via?: Queryable): Promise<SealedContent>;
  /**
   * Opens a record. Unknown key id → DATA_KEY_UNKNOWN; a destroyed key → DATA_KEY_DESTROYED. No
   * other key is ever tried. `via`: the caller's transaction, to read the key row through it (the
   * embedded store serialises transactions: a second connection would wait for the first).
   */
  open(sealed: Buffer | Uint8Array, keyId: string, via?: Queryable): Promise<string>;
}

/** AES-256-GCM, fresh 96-bit IV, stored iv || tag || ciphertext: the format every content row has. */
export function sealWith(key: Buffer, plaintext: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openWith(key: Buffer, sealed: Buffer | Uint8Array): string {
  const buffer = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, buffer.subarray(0, 12));
  decipher.setAuthTag(buffer.subarray(12, 28));
  return Buffer.concat([decipher.update(buffer.subarray(28)), decipher.final()]).toString('utf8');
}

function destroyedError(keyId: string): CallchartError {
  return new CallchartError('DATA_KEY_DESTROYED', 'record sealed under a data key that was destroyed (crypto-shredded)', { keyId });
}

function unknownError(keyId: string): CallchartError {
  return new CallchartError('DATA_KEY_UNKNOWN', 'record sealed under a data key this engine does not hold', { keyId });
}

/** Every keyring alive in this process, so a destroyed key leaves every cache at once. */
const liveKeyrings = new Set<EnvelopeKeyring>();

// One lock id for making data keys: two engines preparing the same day make one key, not two.
const dataKeyLockId = 727274017;

export interface KeyringOptions {
  db: Db;
  kek: KeyEncryptionKeyProvider;
  tenant?: string;
  /** The single data keys of before envelope encryption (CALLCHART_DATA_KEY): they still open their rows. */
  legacyKeys?: readonly Buffer[];
  /** Unwrapped data keys kept in memory (least recently used leave first). Default 1,024. */
  maxCachedKeys?: number;
  /**
   * How long an unwrapped key is trusted without looking at its row again: the bound on how long
   * another process may still open content after a key was destroyed elsewhere. Default 60 s.
   */
  cacheTtlMs?: number;
  /** How often today's and tomorrow's keys are prepared and rotations elsewhere picked up. Default 60 s. */
  refreshMs?: number;
  /** The classes prepared ahead each day. */
  preparedClasses?: readonly ArtifactClass[];
  now?: () => Date;
}

/** Generates a data key id: `dk-` and 20 hex digits (random; names the key, reveals nothing). */
function newDataKeyId(): string {
  return `dk-${randomBytes(10).toString('hex')}`;
}

export class EnvelopeKeyring implements ContentKeyring {
  readonly #db: Db;
  readonly #kek: KeyEncryptionKeyProvider;
  readonly #tenant: string;
  readonly #legacy = new Map<string, Buffer>();
  /** The key that seals each `class|day`, and the keys pinned in memory (current and credential). */
  readonly #current = new Map<string, { id: string; key: Buffer }>();
  readonly #pinned = new Map<string, Buffer>();
  readonly #cache = new Map<string, { key: Buffer; until: number }>();
  readonly #making = new Map<string, Promise<{ id: string; key: Buffer }>>();
  readonly #maxCached: number;
  readonly #ttlMs: number;
  readonly #refreshMs: number;
  readonly #prepared: readonly ArtifactClass[];
  readonly #now: () => Date;
  #credential: { id: string; key: Buffer } | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: KeyringOptions) {
    this.#db = options.db;
    this.#kek = options.kek;
    this.#tenant = options.tenant ?? 'default';
    for (const key of options.legacyKeys ?? []) {
      if (key.length !== 32) throw new Error('Data key must be 32 bytes (base64 of 32 random bytes).');
      this.#legacy.set(legacyKeyId(key), key);
    }
    this.#maxCached = options.maxCachedKeys ?? 1_024;
    this.#ttlMs = options.cacheTtlMs ?? 60_000;
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#prepared = options.preparedClasses ?? sealedClasses;
    this.#now = options.now ?? (() => new Date());
  }

  get kek(): KeyEncryptionKeyProvider {
    return this.#kek;
  }

  /**
   * Makes sure the KEK opens what the database holds (refuses to start otherwise, before any call
   * is taken), prepares today's and tomorrow's keys and loads the staff-credential key.
   */
  async start(): Promise<void> {
    await assertKekOpensStore(this.#db, this.#kek);
    await this.refresh();
    const { rows } = await this.#db.query<{ id: string }>(
      "select id from data_key where tenant = $1 and artifact_class = 'staff-credential' and destroyed_at is null order by created_at, id", [this.#tenant],
    );
    for (const { id } of rows) this.#pinned.set(id, await this.#unwrap((await findDataKey(this.#db, id))!));
    const newest = rows.at(-1);
    this.#credential = newest ? { id: newest.id, key: this.#pinned.get(newest.id)! } : await this.#make('staff-credential', utcDay(this.#now()), this.#db);
    this.#pinned.set(this.#credential.id, this.#credential.key);
    liveKeyrings.add(this);
    if (this.#refreshMs > 0) {
      this.#timer = setInterval(() => void this.refresh().catch(() => undefined), this.#refreshMs);
      this.#timer.unref();
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    liveKeyrings.delete(this);
  }

  /** Today's and tomorrow's keys for the prepared classes (made if missing; newer ones from a rotation elsewhere picked up). */
  async refresh(): Promise<void> {
    const now = this.#now();
    const days = [utcDay(now), utcDay(new Date(now.getTime() + 86_400_000))];
    for (const day of days) for (const artifactClass of this.#prepared) await this.#prepare(artifactClass, day);
    const today = new Set(days);
    for (const slot of this.#current.keys()) if (!today.has(slot.split('|')[1]!)) this.#unpin(slot);
    const expired = Date.now();
    for (const [id, entry] of this.#cache) if (entry.until <= expired) this.#cache.delete(id);
  }

  #unpin(slot: string): void {
    const entry = this.#current.get(slot);
    this.#current.delete(slot);
    if (entry && ![...this.#current.values()].some((other) => other.id === entry.id) && entry.id !== this.#credential?.id) this.#pinned.delete(entry.id);
  }

  async #prepare(artifactClass: ArtifactClass, day: string): Promise<{ id: string; key: Buffer }> {
    const slot = `${artifactClass}|${day}`;
    const making = this.#making.get(slot);
    if (making) return making;
    const work = (async () => {
      const stored = await findCurrentDataKey(this.#db, this.#tenant, artifactClass, day);
      const current = this.#current.get(slot);
      if (stored && current?.id === stored.id) return current;
      const entry = stored ? { id: stored.id, key: await this.#unwrap(stored) } : await this.#db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1)', [dataKeyLockId]);
        const raced = await findCurrentDataKey(tx, this.#tenant, artifactClass, day);
        return raced ? { id: raced.id, key: await this.#unwrap(raced) } : this.#make(artifactClass, day, tx);
      });
      this.#setCurrent(slot, entry);
      return entry;
    })();
    this.#making.set(slot, work);
    try {
      return await work;
    } finally {
      this.#making.delete(slot);
    }
  }

  #setCurrent(slot: string, entry: { id: string; key: Buffer }): void {
    const previous = this.#current.get(slot);
    this.#current.set(slot, entry);
    this.#pinned.set(entry.id, entry.key);
    // The key it replaces (a data-key rotation) still opens its records, from the cache.
    if (previous && previous.id !== entry.id) {
      this.#unpinId(previous.id);
      this.#remember(previous.id, previous.key);
    }
  }

  #unpinId(id: string): void {
    if (![...this.#current.values()].some((other) => other.id === id) && id !== this.#credential?.id) this.#pinned.delete(id);
  }

  /** A new data key for a class and day, wrapped under the current KEK, stored and audited through `via`. */
  async #make(artifactClass: ArtifactClass, day: string, via: Queryable): Promise<{ id: string; key: Buffer }> {
    const id = newDataKeyId();
    const key = randomBytes(32);
    const { kekId, wrapped } = await this.#kek.wrap(key, id);
    await insertDataKey(via, { id, tenant: this.#tenant, artifactClass, bucket: day, wrappedKey: wrapped, kekId });
    await appendAuditEvent(via, {
      actor: 'system', action: 'keys.data-key.created', objectType: 'data-key', objectId: id, outcome: 'success',
      detail: { artifactClass, bucket: day, kekId, tenant: this.#tenant },
    });
    return { id, key };
  }

  async #unwrap(row: DataKeyRow): Promise<Buffer> {
    if (!row.wrappedKey || row.destroyedAt) throw destroyedError(row.id);
    return this.#kek.unwrap(row.wrappedKey, row.kekId!, row.id);
  }

  #remember(id: string, key: Buffer): void {
    this.#cache.delete(id);
    this.#cache.set(id, { key, until: Date.now() + this.#ttlMs });
    while (this.#cache.size > this.#maxCached) this.#cache.delete(this.#cache.keys().next().value!);
  }

  /** The key for an id if it is in memory (legacy, pinned or cached and not expired). */
  #inMemory(id: string): Buffer | undefined {
    const known = this.#legacy.get(id) ?? this.#pinned.get(id);
    if (known) return known;
    const cached = this.#cache.get(id);
    if (!cached) return undefined;
    if (cached.until <= Date.now()) {
      this.#cache.delete(id);
      return undefined;
    }
    // Least recently used leaves first: a hit moves the key to the back.
    this.#cache.delete(id);
    this.#cache.set(id, cached);
    return cached.key;
  }

  async sealFor(artifactClass: ArtifactClass, at: Date, plaintext: string, via?: Queryable): Promise<SealedContent> {
    const day = utcDay(at);
    let entry = this.#current.get(`${artifactClass}|${day}`);
    if (!entry) {
      if (via) {
        // Inside the caller's transaction: the key commits (or not) with the content it seals,
        // and is not made current here (a rollback would leave the slot naming a key that is gone).
        const stored = await findCurrentDataKey(via, this.#tenant, artifactClass, day);
        entry = stored ? { id: stored.id, key: await this.#unwrap(stored) } : await this.#make(artifactClass, day, via);
        this.#remember(entry.id, entry.key);
      } else {
        entry = await this.#prepare(artifactClass, day);
      }
    }
    return { sealed: sealWith(entry.key, plaintext), keyId: entry.id };
  }

  async open(sealed: Buffer | Uint8Array, keyId: string, via?: Queryable): Promise<string> {
    let key = this.#inMemory(keyId);
    if (!key) {
      const row = await findDataKey(via ?? this.#db, keyId);
      if (!row || row.tenant !== this.#tenant) throw unknownError(keyId);
      key = await this.#unwrap(row);
      this.#remember(keyId, key);
    }
    return openWith(key, sealed);
  }

  /**
   * Starts new data keys for today (and tomorrow) for every prepared class and a new
   * staff-credential key: after a suspected data-key leak. New content goes under the new keys at
   * once in this process (other engines within their refresh interval); the keys they replace
   * still open what they sealed until it is re-sealed (`replaced`).
   */
  async startNewDataKeys(): Promise<{ made: string[]; replaced: string[] }> {
    const now = this.#now();
    const made: string[] = [];
    const replaced = [...new Set([...this.#current.values()].map((entry) => entry.id))];
    for (const day of [utcDay(now), utcDay(new Date(now.getTime() + 86_400_000))]) {
      for (const artifactClass of this.#prepared) {
        const entry = await this.#db.transaction(async (tx) => {
          await tx.query('select pg_advisory_xact_lock($1)', [dataKeyLockId]);
          return this.#make(artifactClass, day, tx);
        });
        this.#setCurrent(`${artifactClass}|${day}`, entry);
        made.push(entry.id);
      }
    }
    const credential = await this.#make('staff-credential', utcDay(now), this.#db);
    this.#credential = credential;
    this.#pinned.set(credential.id, credential.key);
    made.push(credential.id);
    return { made, replaced };
  }

  /** Forgets unwrapped copies of these keys (they were destroyed). */
  forget(keyIds: readonly string[]): void {
    for (const id of keyIds) {
      this.#cache.delete(id);
      this.#pinned.delete(id);
      for (const [slot, entry] of this.#current) if (entry.id === id) this.#current.delete(slot);
      if (this.#credential?.id === id) this.#credential = null;
    }
  }

  // The plain ContentCipher, for callers that cannot wait: the staff-credential key.
  get keyId(): string {
    return this.#requireCredential().id;
  }

  encrypt(plaintext: string): Buffer {
    return sealWith(this.#requireCredential().key, plaintext);
  }

  decrypt(sealed: Buffer | Uint8Array, keyId: string): string {
    const key = this.#inMemory(keyId);
    if (!key) throw unknownError(keyId);
    return openWith(key, sealed);
  }

  #requireCredential(): { id: string; key: Buffer } {
    if (!this.#credential) throw new CallchartError('DATA_KEY_UNKNOWN', 'the keyring has not started (no staff-credential key)');
    return this.#credential;
  }
}

/**
 * Refuses to start when the KEK provider cannot open the data keys the database holds (the key file
 * is missing, is another deployment's, or lost a version still in use): better no start than an
 * engine that takes calls and then cannot open a single record. One key per KEK version is tried.
 */
export async function assertKekOpensStore(db: Queryable, kek: KeyEncryptionKeyProvider): Promise<void> {
  const { rows } = await db.query<{ id: string }>(
    'select distinct on (kek_id) id from data_key where destroyed_at is null order by kek_id, created_at',
  );
  for (const { id } of rows) {
    const row = (await findDataKey(db, id))!;
    try {
      await kek.unwrap(row.wrappedKey!, row.kekId!, row.id);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'KEK_PROVIDER_UNAVAILABLE') throw error;
      throw new CallchartError(
        'CONFIG_INVALID',
        `The key-encryption key (${kek.kind}: ${kek.location}) cannot open the data keys in this database (version ${row.kekId} ${code === 'KEK_UNKNOWN' ? 'is not in it' : 'does not match'}). Point CALLCHART_KEK_FILE (or the KMS settings) at this deployment's key; without it no stored content can be read.`,
        { kekId: row.kekId },
      );
    }
  }
}

/**
 * Crypto-shredding: destroys data keys. The wrapped key is erased (the row stays, with when and
 * why, as proof), one audit event per key, and unwrapped copies leave every keyring in this process
 * at once (other processes drop theirs within their cache TTL). Content sealed under them can never
 * be opened again: DATA_KEY_DESTROYED. Returns the ids destroyed now (already destroyed ones are
 * skipped). `reason` is a code (`retention`, `key-leak`), never free text.
 */
export async function destroyDataKeys(db: Db | Queryable, keyIds: readonly string[], reason: string, actor = 'system'): Promise<string[]> {
  if (keyIds.length === 0) return [];
  const destroy = async (tx: Queryable) => {
    const { rows } = await tx.query<{ id: string; artifact_class: string; bucket: string; kek_id: string | null }>(
      `update data_key set wrapped_key = null, destroyed_at = now(), destroyed_reason = $2
       where id = any($1::text[]) and destroyed_at is null returning id, artifact_class, bucket::text as bucket, kek_id`,
      [keyIds, reason],
    );
    for (const row of rows) {
      await appendAuditEvent(tx, {
        actor, action: 'keys.data-key.destroyed', objectType: 'data-key', objectId: row.id, outcome: 'success', reason,
        detail: { artifactClass: row.artifact_class, bucket: String(row.bucket).slice(0, 10), kekId: row.kek_id },
      });
    }
    return rows.map((row) => row.id);
  };
  const destroyed = 'transaction' in db ? await (db as Db).transaction(destroy) : await destroy(db);
  for (const keyring of liveKeyrings) keyring.forget(keyIds);
  return destroyed;
}

/**
 * A keyring with no database: seals and opens under fixed keys (the first seals). For unit tests
 * and tools that only handle legacy content; `sealFor` ignores class and day.
 */
export function createFixedKeyring(key: Buffer, previousKeys: readonly Buffer[] = []): ContentKeyring {
  const keys = new Map<string, Buffer>();
  for (const candidate of [...previousKeys, key]) keys.set(legacyKeyId(candidate), candidate);
  const keyId = legacyKeyId(key);
  const open = (sealed: Buffer | Uint8Array, id: string) => {
    const found = keys.get(id);
    if (!found) throw unknownError(id);
    return openWith(found, sealed);
  };
  return {
    keyId,
    encrypt: (plaintext) => sealWith(key, plaintext),
    decrypt: open,
    async sealFor(_artifactClass, _at, plaintext) {
      return { sealed: sealWith(key, plaintext), keyId };
    },
    async open(sealed, id) {
      return open(sealed, id);
    },
  };
}
