import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The audit log's hash chain. Each event's hash covers its own fields and the previous hash,
 * so rewriting, deleting or reordering any row breaks every link after it.
 * Events carry ids and codes only: never names, numbers, bodies or transcripts.
 */
export interface AuditEventInput {
  /** Who acted: `system`, `pbx:<provider>`, `staff:<user id>`, `worker:<stage>`. */
  actor: string;
  /** What happened, dotted: `webhook.rejected`, `call.event.accepted`, `ehr.task.written`. */
  action: string;
  objectType: string;
  objectId?: string | null;
  outcome: 'success' | 'failure' | 'duplicate' | 'rejected' | 'deferred';
  /** A code, never free text with PHI: `SIGNATURE_INVALID`, `PAYLOAD_INVALID`. */
  reason?: string | null;
  consentStatus?: string | null;
  /** Ids and codes only. */
  detail?: Record<string, string | number | boolean | null | string[]>;
}

export interface AuditEvent extends Required<Omit<AuditEventInput, 'detail'>> {
  seq: number;
  at: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The first link's predecessor. */
export const genesisHash = '0'.repeat(64);

export function hashAuditEvent(event: Omit<AuditEvent, 'hash'>): string {
  const body = canonicalize({
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    action: event.action,
    objectType: event.objectType,
    objectId: event.objectId,
    outcome: event.outcome,
    reason: event.reason,
    consentStatus: event.consentStatus,
    detail: event.detail,
  });
  return createHash('sha256').update(`${event.prevHash}\n${body}`).digest('hex');
}

/** Builds the next link from the previous one (or the genesis when the log is empty). */
export function chainAuditEvent(
  input: AuditEventInput,
  previous: { seq: number; hash: string } | null,
  at: Date,
): AuditEvent {
  const unhashed = {
    seq: (previous?.seq ?? 0) + 1,
    at: at.toISOString(),
    actor: input.actor,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId ?? null,
    outcome: input.outcome,
    reason: input.reason ?? null,
    consentStatus: input.consentStatus ?? null,
    detail: input.detail ?? {},
    prevHash: previous?.hash ?? genesisHash,
  };
  return { ...unhashed, hash: hashAuditEvent(unhashed) };
}

export type ChainVerdict =
  | { ok: true; events: number; lastHash: string }
  | { ok: false; events: number; brokenAt: number; problem: 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap' };

/**
 * Walks events in sequence order and reports the first broken link. Feed it pages in order;
 * `state` carries the previous link between pages.
 */
export class AuditChainVerifier {
  private previous: { seq: number; hash: string } | null = null;
  private count = 0;
  private failure: ChainVerdict | null = null;

  add(event: AuditEvent): boolean {
    if (this.failure) return false;
    const expectedSeq = (this.previous?.seq ?? 0) + 1;
    const expectedPrev = this.previous?.hash ?? genesisHash;
    let problem: 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap' | null = null;
    if (event.seq !== expectedSeq) problem = 'sequence-gap';
    else if (event.prevHash !== expectedPrev) problem = 'prev-hash-mismatch';
    else if (hashAuditEvent(event) !== event.hash) problem = 'hash-mismatch';
    if (problem) {
      this.failure = { ok: false, events: this.count, brokenAt: event.seq, problem };
      return false;
    }
    this.previous = { seq: event.seq, hash: event.hash };
    this.count += 1;
    return true;
  }

  verdict(): ChainVerdict {
    return this.failure ?? { ok: true, events: this.count, lastHash: this.previous?.hash ?? genesisHash };
  }
}
