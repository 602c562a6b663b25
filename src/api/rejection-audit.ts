import { createHmac } from 'node:crypto';
import type { AuditEventInput } from '../audit/audit-chain.ts';

/**
 * Audit entries for refused requests, aggregated per source, route, reason and minute (AU-1
 * without letting an attacker flood the log: 10,000 forged requests used to write 8,300 rows).
 * The first refusal of a kind in a minute is written at once, so a single forged request is
 * visible immediately; the rest of that minute are counted and written as one
 * `<action>.repeated` entry with the count when the minute closes (or on shutdown).
 *
 * The source is a keyed hash of the peer address, never the address itself: a caller's or a
 * staff member's IP is an identifier, and the key makes the hash useless outside this engine.
 */
export interface Refusal {
  /** `webhook.rejected`, `staff.api.rejected`, `media.rejected`, … */
  action: string;
  actor: string;
  objectType: string;
  objectId?: string | null;
  /** The reason code. */
  reason: string;
  /** The route pattern (not the URL: no query strings). */
  route: string;
  /** The peer address; hashed before it goes anywhere. */
  source: string;
  detail?: AuditEventInput['detail'];
}

interface Bucket {
  minute: number;
  first: Refusal;
  repeated: number;
}

export class RejectionAuditor {
  private readonly buckets = new Map<string, Bucket>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly options: {
      write: (event: AuditEventInput) => Promise<void>;
      /** Keys the source hash (any secret the engine holds; not stored with the hash). */
      sourceKey: Uint8Array;
      onError?: (error: unknown) => void;
      now?: () => number;
    },
  ) {
    this.timer = setInterval(() => void this.flush(false), 5_000);
    this.timer.unref();
  }

  /** Records a refusal: written now if it is the first of its kind this minute, else counted. */
  async record(refusal: Refusal): Promise<void> {
    const minute = Math.floor(this.now() / 60_000);
    const source = this.sourceHash(refusal.source);
    // The problem's shape (e.g. which fields were invalid) is part of the kind: a sender fixing one
    // field at a time sees each answer in the log; the same request repeated is counted.
    const key = `${source}|${refusal.action}|${refusal.route}|${refusal.reason}|${JSON.stringify(refusal.detail ?? {})}`;
    const bucket = this.buckets.get(key);
    if (bucket && bucket.minute === minute) {
      bucket.repeated += 1;
      return;
    }
    if (bucket) await this.writeRepeated(key, bucket);
    this.buckets.set(key, { minute, first: refusal, repeated: 0 });
    await this.safeWrite({
      actor: refusal.actor, action: refusal.action, objectType: refusal.objectType, objectId: refusal.objectId ?? null, outcome: 'rejected', reason: refusal.reason,
      detail: { ...refusal.detail, route: refusal.route, source },
    });
  }

  /** Writes the counts of closed minutes (all minutes when `all`, e.g. on shutdown). */
  async flush(all: boolean): Promise<void> {
    const minute = Math.floor(this.now() / 60_000);
    for (const [key, bucket] of [...this.buckets]) {
      if (!all && bucket.minute === minute) continue;
      await this.writeRepeated(key, bucket);
      this.buckets.delete(key);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true);
  }

  private async writeRepeated(key: string, bucket: Bucket): Promise<void> {
    if (bucket.repeated === 0) return;
    const { first } = bucket;
    const count = bucket.repeated;
    bucket.repeated = 0;
    await this.safeWrite({
      actor: first.actor, action: `${first.action}.repeated`, objectType: first.objectType, objectId: null, outcome: 'rejected', reason: first.reason,
      detail: { ...first.detail, route: first.route, source: key.split('|')[0]!, count, minuteStart: new Date(bucket.minute * 60_000).toISOString() },
    });
  }

  private async safeWrite(event: AuditEventInput): Promise<void> {
    try {
      await this.options.write(event);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private sourceHash(address: string): string {
    return createHmac('sha256', this.options.sourceKey).update(address).digest('hex').slice(0, 16);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
