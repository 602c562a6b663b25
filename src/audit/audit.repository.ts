import { CallchartError } from '../lib/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import { AuditChainVerifier, chainAuditEvent, genesisHash, type AuditEvent, type AuditEventInput, type ChainReport } from './audit-chain.ts';
import { buildCheckpoint, readCheckpoints, type AuditCheckpoint, type CheckpointSink } from './audit-checkpoint.ts';
import type { AuditKey } from './audit-key.ts';

// One lock id for the whole log: appends are serialised so the chain has exactly one head.
const auditLockId = 727274002;

/** An audit_event row as selected; a query that leaves out the chain columns gets them empty. */
export interface AuditRow {
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
  prev_hash?: string;
  hash?: string;
  key_id?: string | null;
}

export function auditEventFromRow(row: AuditRow): AuditEvent {
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
    prevHash: row.prev_hash ?? '',
    hash: row.hash ?? '',
    keyId: row.key_id ?? null,
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
 * Links pending audit events into the hash chain under the audit key, oldest first, in one
 * transaction per batch. One chainer at a time (advisory lock): the chain has exactly one head.
 * Returns how many it chained.
 */
export async function chainPendingAuditEvents(db: Db, key: AuditKey, batchSize = 500): Promise<number> {
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
          key,
        );
        head = { seq: event.seq, hash: event.hash };
        const base = values.length;
        tuples.push(`(${Array.from({ length: 13 }, (_, i) => `$${base + i + 1}`).join(', ')})`);
        values.push(event.seq, event.at, event.actor, event.action, event.objectType, event.objectId, event.outcome, event.reason, event.consentStatus, JSON.stringify(event.detail), event.prevHash, event.hash, event.keyId);
      }
      await tx.query(
        `insert into audit_event (seq, at, actor, action, object_type, object_id, outcome, reason, consent_status, detail, prev_hash, hash, key_id) values ${tuples.join(', ')}`,
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

// The chainer of each open database in this process, so readers (`listAuditEvents`,
// `verifyAuditChain`) chain their own writes with the key only the chainer holds.
const chainers = new WeakMap<Db, AuditChainer>();

export interface AuditChainerOptions {
  key: AuditKey;
  /** Where signed checkpoints go; null: none (then `audit verify` cannot see a deleted tail). */
  checkpoints: CheckpointSink | null;
  intervalMs?: number;
  /** How often to checkpoint the head when it moved (default 5 s): the window in which a deleted tail goes unseen. */
  checkpointIntervalMs?: number;
  onError?: (error: unknown) => void;
  /**
   * The sink refused a checkpoint (unreachable, full, read-only): called once when writes start
   * failing, and `onCheckpointRecovered` once when one succeeds again, so an outage is one alert.
   */
  onCheckpointFailed?: (error: unknown) => void;
  onCheckpointRecovered?: () => void;
  now?: () => Date;
}

/**
 * Keeps the chain current: chains pending events shortly after they are written (`nudge`), and
 * on a timer for events written by other processes. Writes a signed checkpoint of the head to the
 * sink at start, every `checkpointIntervalMs` when the head moved, and at stop (ADR 11).
 */
export class AuditChainer {
  private timer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;
  private again = false;
  private stopped = false;
  private checkpointing: Promise<void> = Promise.resolve();
  private lastCheckpoint: { seq: number; hash: string } | null = null;
  private sinkFailing = false;
  private leading = false;

  constructor(private readonly db: Db, private readonly options: AuditChainerOptions) {}

  get key(): AuditKey {
    return this.options.key;
  }

  get checkpoints(): CheckpointSink | null {
    return this.options.checkpoints;
  }

  /** Registers and leads at once: the chainer of a lone process (tests, tools, the embedded store). */
  start(): void {
    this.register();
    this.lead();
  }

  /**
   * Readers in this process (`listAuditEvents`, `verifyAuditChain`) chain their own writes with
   * this chainer's key, whether or not it leads the chaining (issue 18: every process registers,
   * one leads; linking stays serialised by the transaction lock either way).
   */
  register(): void {
    chainers.set(this.db, this);
  }

  /** This process chains the log on a timer and checkpoints its head (the `audit-chain` duty). */
  lead(): void {
    if (this.leading) return;
    this.leading = true;
    this.stopped = false;
    this.timer = setInterval(() => this.nudge(), this.options.intervalMs ?? 250);
    this.timer.unref();
    this.checkpointTimer = setInterval(() => void this.checkpoint(false), this.options.checkpointIntervalMs ?? 5_000);
    this.checkpointTimer.unref();
    this.nudge();
    void this.checkpoint(true);
  }

  /**
   * Another process leads now (or this one stops): timers off, then what is pending is chained
   * and the head checkpointed one last time, so the hand-over leaves no gap a deletion could hide in.
   */
  async follow(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    clearInterval(this.timer);
    clearInterval(this.checkpointTimer);
    await this.running;
    await chainPendingAuditEvents(this.db, this.options.key).catch((error: unknown) => this.options.onError?.(error));
    await this.checkpoint(true);
  }

  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = chainPendingAuditEvents(this.db, this.options.key)
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Chains what is pending now (a reader that must see its own writes). */
  async flush(): Promise<void> {
    await chainPendingAuditEvents(this.db, this.options.key);
  }

  /**
   * Appends a checkpoint of the committed head, when it moved since the last one (or always, with
   * `force`). One at a time, in order. A head behind the last checkpoint is reported (it can only
   * mean deleted events) and still checkpointed: the sink keeps both, and `audit verify` names them.
   */
  checkpoint(force: boolean): Promise<void> {
    this.checkpointing = this.checkpointing.then(async () => {
      const sink = this.options.checkpoints;
      if (!sink) return;
      const head = await readHead(this.db);
      const last = this.lastCheckpoint;
      if (!force && last && last.seq === (head?.seq ?? 0) && last.hash === (head?.hash ?? genesisHash)) return;
      if (last && (head?.seq ?? 0) < last.seq) {
        this.options.onError?.(new CallchartError('AUDIT_CHAIN_BROKEN', `audit log head went back from #${last.seq} to #${head?.seq ?? 0}: events were deleted`));
      }
      const checkpoint = buildCheckpoint(this.options.key, head, this.options.now?.() ?? new Date());
      try {
        await sink.append(checkpoint);
      } catch (error) {
        if (!this.sinkFailing) this.options.onCheckpointFailed?.(error);
        this.sinkFailing = true;
        throw error;
      }
      if (this.sinkFailing) this.options.onCheckpointRecovered?.();
      this.sinkFailing = false;
      this.lastCheckpoint = { seq: checkpoint.seq, hash: checkpoint.hash };
    }).catch((error: unknown) => this.options.onError?.(error));
    return this.checkpointing;
  }

  async stop(): Promise<void> {
    await this.follow();
    this.stopped = true;
    await this.running;
    await this.checkpointing;
    await this.options.checkpoints?.close?.().catch((error: unknown) => this.options.onError?.(error));
    if (chainers.get(this.db) === this) chainers.delete(this.db);
  }
}

async function readHead(db: Queryable): Promise<{ seq: number; hash: string } | null> {
  const { rows } = await db.query<{ seq: string; hash: string }>('select seq, hash from audit_event order by seq desc limit 1');
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
}

/** Chains what is pending now when this process runs a chainer for `db`, so a reader sees its own writes. */
export async function flushAuditChain(db: Db): Promise<void> {
  await chainers.get(db)?.flush();
}

/**
 * Chained audit events in order. When this process runs a chainer for `db`, what is pending is
 * chained first, so a reader sees its own writes.
 */
export async function listAuditEvents(db: Db, options: { afterSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
  await flushAuditChain(db);
  return readAuditEvents(db, options);
}

export async function readAuditEvents(db: Queryable, options: { afterSeq?: number; limit?: number; from?: Date; to?: Date } = {}): Promise<AuditEvent[]> {
  const { rows } = await db.query<AuditRow>(
    `select * from audit_event where seq > $1 and ($3::timestamptz is null or at >= $3) and ($4::timestamptz is null or at < $4)
     order by seq limit $2`,
    [options.afterSeq ?? 0, options.limit ?? 100, options.from?.toISOString() ?? null, options.to?.toISOString() ?? null],
  );
  return rows.map(auditEventFromRow);
}

export interface AuditLogReport extends ChainReport {
  /** Events written but not yet chained (the engine chains them within a second when it runs). */
  pending: number;
  /** Valid checkpoints read from the sink. */
  checkpoints: number;
  newestCheckpoint: AuditCheckpoint | null;
  /** Where the checkpoints came from; null when none were configured. */
  checkpointSource: string | null;
}

/**
 * Verifies the whole log with the audit key against every checkpoint in the sink, and names every
 * problem: links that do not verify, events missing in the middle, events missing after a
 * checkpoint, rewritten history, forged checkpoints. Read-only: it chains nothing and writes
 * nothing, so an auditor can run it with read-only database credentials. (`audit verify` uses it.)
 */
export async function verifyAuditLog(
  db: Queryable,
  options: { key: AuditKey; checkpoints: CheckpointSink | null; onProgress?: (checked: number) => void },
): Promise<AuditLogReport> {
  const lines = (await options.checkpoints?.readLines()) ?? [];
  const { checkpoints, problems } = readCheckpoints(options.key, lines);
  const verifier = new AuditChainVerifier(options.key, checkpoints, problems);
  let afterSeq = 0;
  for (;;) {
    const page = await readAuditEvents(db, { afterSeq, limit: 1000 });
    if (page.length === 0) break;
    for (const event of page) verifier.add(event);
    afterSeq = page[page.length - 1]!.seq;
    options.onProgress?.(afterSeq);
  }
  const newest = checkpoints.reduce<AuditCheckpoint | null>((found, checkpoint) => (!found || checkpoint.at >= found.at ? checkpoint : found), null);
  return {
    ...verifier.finish(),
    pending: await countPendingAuditEvents(db),
    checkpoints: checkpoints.length,
    newestCheckpoint: newest,
    checkpointSource: options.checkpoints?.label ?? null,
  };
}

/**
 * Verifies the log with the key and checkpoints of this process's chainer for `db` (after chaining
 * what is pending). For code running beside an engine; the CLI calls `verifyAuditLog` with the key
 * it was given.
 */
export async function verifyAuditChain(db: Db, onProgress?: (checked: number) => void): Promise<AuditLogReport> {
  const chainer = chainers.get(db);
  if (!chainer) throw new CallchartError('CONFIG_INVALID', 'cannot verify the audit log without the audit key: no chainer runs for this database in this process');
  await chainer.flush();
  return verifyAuditLog(db, { key: chainer.key, checkpoints: chainer.checkpoints, ...(onProgress ? { onProgress } : {}) });
}
