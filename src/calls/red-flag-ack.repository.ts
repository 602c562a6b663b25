import type { Queryable } from '../store/db.ts';

/** A person's acknowledgement of one red flag on a call (migration 0023): codes and ids only. */
export interface RedFlagAcknowledgement {
  callId: string;
  code: string;
  raisedAt: string;
  acknowledgedAt: string;
  acknowledgedBy: string;
  screen: 'live' | 'review' | 'on-call';
  secondsToAcknowledge: number;
}

interface Row {
  call_id: string;
  flag_code: string;
  raised_at: Date | string;
  acknowledged_at: Date | string;
  acknowledged_by: string;
  screen: RedFlagAcknowledgement['screen'];
}

const iso = (value: Date | string) => new Date(value).toISOString();

function fromRow(row: Row): RedFlagAcknowledgement {
  const raisedAt = iso(row.raised_at);
  const acknowledgedAt = iso(row.acknowledged_at);
  return {
    callId: row.call_id, code: row.flag_code, raisedAt, acknowledgedAt, acknowledgedBy: row.acknowledged_by, screen: row.screen,
    secondsToAcknowledge: Math.max(0, Math.round((Date.parse(acknowledgedAt) - Date.parse(raisedAt)) / 1000)),
  };
}

/**
 * Records the acknowledgement unless one exists; answers the one that stands (the first) and
 * whether this call created it. `raisedAt`: when Callchart raised the flag (the analysis time).
 */
export async function acknowledgeRedFlag(
  tx: Queryable,
  input: { callId: string; code: string; raisedAt: Date; acknowledgedAt: Date; acknowledgedBy: string; screen: RedFlagAcknowledgement['screen'] },
): Promise<{ acknowledgement: RedFlagAcknowledgement; created: boolean }> {
  const inserted = await tx.query<Row>(
    `insert into red_flag_acknowledgement (call_id, flag_code, raised_at, acknowledged_at, acknowledged_by, screen)
     values ($1, $2, $3, $4, $5, $6) on conflict (call_id, flag_code) do nothing returning *`,
    [input.callId, input.code, input.raisedAt, input.acknowledgedAt, input.acknowledgedBy, input.screen],
  );
  if (inserted.rows[0]) return { acknowledgement: fromRow(inserted.rows[0]), created: true };
  const existing = await tx.query<Row>('select * from red_flag_acknowledgement where call_id = $1 and flag_code = $2', [input.callId, input.code]);
  return { acknowledgement: fromRow(existing.rows[0]!), created: false };
}

/** Every acknowledgement on these calls. */
export async function listRedFlagAcknowledgements(db: Queryable, callIds: readonly string[]): Promise<RedFlagAcknowledgement[]> {
  if (callIds.length === 0) return [];
  const result = await db.query<Row>('select * from red_flag_acknowledgement where call_id = any($1::uuid[]) order by acknowledged_at', [callIds]);
  return result.rows.map(fromRow);
}

/** When Callchart raised the call's red flags: its analysis time (null: not analysed yet). */
export async function redFlagsRaisedAt(db: Queryable, callId: string): Promise<Date | null> {
  const result = await db.query<{ analyzed_at: Date | string }>('select analyzed_at from call_analysis where call_id = $1', [callId]);
  return result.rows[0] ? new Date(result.rows[0].analyzed_at) : null;
}
