import type { Queryable } from '../store/db.ts';
import { phiViewedAction, type ViewPurpose } from './access-log.ts';

/** One line of an access report: ids, time and purpose; never what was shown. */
export interface AccessRecord {
  seq: number;
  at: string;
  actor: string;
  purpose: ViewPurpose;
  objectType: string;
  objectId: string | null;
  patientId: string | null;
}

export type AccessQuery =
  /** Who saw this patient's calls (as the patient on a card, an item, a search result or a candidate). */
  | { patientId: string; from?: Date; to?: Date }
  /** What this person saw in [from, to). */
  | { actor: string; from?: Date; to?: Date };

export interface AccessPage {
  records: AccessRecord[];
  /** Pass as `afterSeq` for the next page; null when this was the last. */
  nextAfterSeq: number | null;
}

interface Row {
  seq: string | number;
  at: Date | string;
  actor: string;
  object_type: string;
  object_id: string | null;
  purpose: string;
  patient_id: string | null;
}

/**
 * Reads the access log (`phi.viewed` events in the chained log, oldest first), a page at a time.
 * Only chained events: the answer is what `audit verify` vouches for.
 */
export async function queryAccessLog(db: Queryable, query: AccessQuery, page: { afterSeq?: number; limit?: number } = {}): Promise<AccessPage> {
  const limit = page.limit ?? 100;
  const byPatient = 'patientId' in query;
  const { rows } = await db.query<Row>(
    `select seq, at, actor, object_type, object_id, detail->>'purpose' as purpose, detail->>'patientId' as patient_id
       from audit_event
      where action = $1 and seq > $2
        and ${byPatient ? `(detail->>'patientId' = $3 or coalesce(detail->'otherPatientIds', '[]'::jsonb) ? $3)` : 'actor = $3'}
        and ($4::timestamptz is null or at >= $4) and ($5::timestamptz is null or at < $5)
      order by seq
      limit $6`,
    [phiViewedAction, page.afterSeq ?? 0, byPatient ? query.patientId : query.actor, query.from?.toISOString() ?? null, query.to?.toISOString() ?? null, limit + 1],
  );
  const records = rows.slice(0, limit).map((row) => ({
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    purpose: row.purpose as ViewPurpose,
    objectType: row.object_type,
    objectId: row.object_id,
    patientId: row.patient_id,
  }));
  return { records, nextAfterSeq: rows.length > limit ? records.at(-1)!.seq : null };
}
