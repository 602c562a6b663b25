import type { Queryable } from '../store/db.ts';

/**
 * Used Media Stream tokens (migration 0013). A token's nonce is inserted when a stream presents
 * it; the primary key makes the second use fail in any process, across restarts. A row is only
 * worth keeping while its token could still verify, so old rows are cleared as new ones arrive.
 */
export async function claimStreamToken(db: Queryable, use: { nonce: string; callSid: string; expiresAt: Date }): Promise<boolean> {
  const { rows } = await db.query(
    'insert into media_stream_token_use (nonce, call_sid, expires_at) values ($1, $2, $3) on conflict (nonce) do nothing returning nonce',
    [use.nonce, use.callSid, use.expiresAt],
  );
  await db.query(`delete from media_stream_token_use where expires_at < now() - interval '10 minutes'`);
  return rows.length === 1;
}
