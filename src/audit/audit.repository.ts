import type { Db, Queryable } from '../store/db.ts';
import { AuditChainVerifier, chainAuditEvent, type AuditEvent, type AuditEventInput, type ChainVerdict } from './audit-chain.ts';

// One lock id for the whole log: appends are serialised so the chain has exactly one head.
const auditLockId = 727274002;

interface AuditRow {
  seq: string | number;
  at: Date | string;
  actor: string;
  action: string;
  object_type: string;
  object_id: string | null;
  outcome: AuditEvent['outcome'];
  reason: string | null;
  consent_status: string | null;
  detail: Record<string, unknown> | string;
  prev_hash: string;
  hash: string;
}

function fromRow(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    outcome: row.outcome,
    reason: row.reason,
    consentStatus: row.consent_status,
    detail: typeof row.detail === 'string' ? (JSON.parse(row.detail) as Record<string, unknown>) : row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Records an audit event inside the caller's transaction, so the event and the state change it
 * records commit together or not at all. It lands in `audit_pending`; the chainer links it into
 * the hash chain shortly after, so no transaction waits on the chain's single head.
 */
export async function appendAuditEvent(tx: Queryable, input: AuditEventInput, now = new Date()): Promise<void> {
  await tx.query(
    `insert into audit_pending (at, actor, action, object_type, object_id, outcome, reason, consent_status, detail)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [now.toISOString(), input.actor, input.action, input.objectType, input.objectId ?? null, input.outcome, input.reason ?? null, input.consentStatus ?? null, JSON.stringify(input.detail ?? {})],
  );
}

/** Records an audit event in a transaction of its own (for events with no other state change). */
export async function recordAuditEvent(db: Db, input: AuditEventInput): Promise<void> {
  await appendAuditEvent(db, input);
}

interface PendingRow {
  id: string;
  at: Date | string;
  actor: string;
  action: string;
  object_type: string;
  object_id: string | null;
  outcome: AuditEvent['outcome'];
  reason: string | null;
  consent_status: string | null;
  detail: Record<string, unknown> | string;
}

/**
 * Links pending audit events into the hash chain, oldest first, in one transaction per batch.
 * One chainer at a time (advisory lock): the chain has exactly one head. Returns how many it chained.
 */
export async function chainPendingAuditEvents(db: Db, batchSize = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const chained = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [auditLockId]);
      const pending = await tx.query<PendingRow>('select * from audit_pending order by id limit $1', [batchSize]);
      if (pending.rows.length === 0) return 0;
      const { rows } = await tx.query<{ seq: string; hash: string }>('select seq, hash from audit_event order by seq desc limit 1');
      let head = rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (const row of pending.rows) {
        const event = chainAuditEvent(
          {
            actor: row.actor, action: row.action, objectType: row.object_type, objectId: row.object_id, outcome: row.outcome,
            reason: row.reason, consentStatus: row.consent_status,
            detail: (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as AuditEventInput['detail'],
          },
          head,
          new Date(row.at),
        );
        head = { seq: event.seq, hash: event.hash };
        const base = values.length;
        tuples.push(`(${Array.from({ length: 12 }, (_, i) => `$${base + i + 1}`).join(', ')})`);
        values.push(event.seq, event.at, event.actor, event.action, event.objectType, event.objectId, event.outcome, event.reason, event.consentStatus, JSON.stringify(event.detail), event.prevHash, event.hash);
      }
      await tx.query(
        `insert into audit_event (seq, at, actor, action, object_type, object_id, outcome, reason, consent_status, detail, prev_hash, hash) values ${tuples.join(', ')}`,
        values,
      );
      // Exactly the rows chained: a row that became visible since the select stays for the next batch.
      await tx.query('delete from audit_pending where id = any($1::bigint[])', [pending.rows.map((row) => row.id)]);
      return pending.rows.length;
    });
    total += chained;
    if (chained < batchSize) return total;
  }
}

/** Events not yet linked into the chain (normally none, or a few milliseconds' worth). */
export async function countPendingAuditEvents(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('select count(*)::text as n from audit_pending');
  return Number(rows[0]?.n ?? 0);
}

/**
 * Keeps the chain current: chains pending events shortly after they are written (`nudge`), and
 * on a timer for events written by other processes.
 */
export class AuditChainer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly db: Db, private readonly options: { intervalMs?: number; onError?: (error: unknown) => void } = {}) {}

  start(): void {
    this.timer = setInterval(() => this.nudge(), this.options.intervalMs ?? 250);
    this.timer.unref();
  }

  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = chainPendingAuditEvents(this.db)
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    this.stopped = true;
    await chainPendingAuditEvents(this.db).catch((error: unknown) => this.options.onError?.(error));
  }
}

/** Chained audit events in order; what is pending is chained first, so a reader sees its own writes. */
export async function listAuditEvents(db: Db, options: { afterSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
  await chainPendingAuditEvents(db);
  return readAuditEvents(db, options);
}

async function readAuditEvents(db: Queryable, options: { afterSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
  const { rows } = await db.query<AuditRow>(
    'select * from audit_event where seq > $1 order by seq limit $2',
    [options.afterSeq ?? 0, options.limit ?? 100],
  );
  return rows.map(fromRow);
}

/** Verifies the whole chain page by page (after chaining what is pending); reports the first broken link. */
export async function verifyAuditChain(db: Db, onProgress?: (checked: number) => void): Promise<ChainVerdict> {
  await chainPendingAuditEvents(db);
  const verifier = new AuditChainVerifier();
  let afterSeq = 0;
  for (;;) {
    const page = await readAuditEvents(db, { afterSeq, limit: 1000 });
    if (page.length === 0) break;
    for (const event of page) {
      if (!verifier.add(event)) return verifier.verdict();
    }
    afterSeq = page[page.length - 1]!.seq;
    onProgress?.(afterSeq);
  }
  return verifier.verdict();
}
