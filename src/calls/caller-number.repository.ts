import type { Db, Queryable } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { CallerNumber } from './caller-number.ts';

/**
 * The caller's number, sealed (issue 13): the call row keeps only how the number was presented
 * (`number`, `blocked`, `invalid`); the E.164 number itself is content of the call's metadata
 * class, encrypted under that class's data key for the day, so no dump, raw page or WAL segment of
 * the store shows it, and destroying the day's key shreds it with the rest of the metadata.
 */
export async function sealCallerNumber(tx: Queryable, callId: string, e164: string, cipher: ContentKeyring, at = new Date()): Promise<void> {
  const { sealed, keyId } = await cipher.sealFor('call-metadata', at, e164, tx);
  await tx.query('insert into call_caller_number (call_id, ciphertext, key_id) values ($1, $2, $3) on conflict (call_id) do nothing', [callId, sealed, keyId]);
}

/** The caller's number as identification needs it: the sealed number, or how the PBX presented its absence. */
export async function callerNumberOf(db: Queryable, call: { id: string; aniPresentation: CallerNumber['presentation'] | 'unknown' }, cipher: ContentKeyring): Promise<CallerNumber> {
  const { rows } = await db.query<{ ciphertext: Buffer; key_id: string }>('select ciphertext, key_id from call_caller_number where call_id = $1', [call.id]);
  if (rows[0]) return { presentation: 'number', e164: await cipher.open(rows[0].ciphertext, rows[0].key_id, db) };
  return { presentation: call.aniPresentation === 'invalid' ? 'invalid' : 'blocked' };
}

/**
 * Seals the numbers an older version kept in clear and clears them, in batches; idempotent, run at
 * every start (cheap when there is nothing left). Returns how many it sealed.
 */
export async function sealLegacyCallerNumbers(db: Db, cipher: ContentKeyring, batchSize = 500): Promise<number> {
  let sealed = 0;
  for (;;) {
    const moved = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; ani_e164: string; created_at: Date | string }>(
        'select id, ani_e164, created_at from call where ani_e164 is not null order by id limit $1 for update',
        [batchSize],
      );
      for (const row of rows) {
        await sealCallerNumber(tx, row.id, row.ani_e164, cipher, new Date(row.created_at));
        await tx.query('update call set ani_e164 = null where id = $1', [row.id]);
      }
      return rows.length;
    });
    sealed += moved;
    if (moved < batchSize) return sealed;
  }
}
