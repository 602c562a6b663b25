import type { Db } from '../../src/store/db.ts';

/** A worklist row as the engine answers it (the fields the worklist tests read). */
export interface WorklistRow {
  id: string;
  status: string;
  callId: string | null;
  waitingSince: string | null;
  failure: { code: string; words: string; ehrReasons: { code: string; words: string }[] } | null;
  cancelled: { at: string; by: string | null; reason: string | null } | null;
}

/** Audit entries of one action on one object (chained or still pending): who, why, how it ended. */
export async function auditOf(db: Db, action: string, objectId: string): Promise<{ actor: string; reason: string | null; outcome: string }[]> {
  const { rows } = await db.query<{ actor: string; reason: string | null; outcome: string }>(
    `select actor, reason, outcome from audit_event where action = $1 and object_id = $2
     union all select actor, reason, outcome from audit_pending where action = $1 and object_id = $2`,
    [action, objectId],
  );
  return rows;
}
