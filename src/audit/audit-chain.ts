import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditCheckpoint } from './audit-checkpoint.ts';
import { macHex, sameMac, type AuditKey } from './audit-key.ts';

/**
 * The audit log's hash chain. Each event's hash covers its own fields and the previous hash,
 * so rewriting, deleting or reordering any row breaks every link after it. Since ADR 11 each link
 * is an HMAC under the audit key, which the database does not hold: a table owner who rewrites rows
 * cannot recompute the links. Signed checkpoints outside the database (audit-checkpoint.ts) pin
 * the head, so a deleted tail is found too.
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
  /** The audit key's id for a keyed link; null for a link from before the key (unkeyed, v1). */
  keyId: string | null;
}

/** The first link's predecessor. */
export const genesisHash = '0'.repeat(64);

type Unhashed = Omit<AuditEvent, 'hash' | 'keyId'>;

function linkMessage(event: Unhashed): string {
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
  return `${event.prevHash}\n${body}`;
}

/** The keyed link: HMAC-SHA256(audit chain key, previous hash + canonical body). */
export function hashAuditEvent(event: Unhashed, key: AuditKey): string {
  return macHex(key.chain, linkMessage(event));
}

/**
 * The unkeyed link written before the audit key existed (v1): SHA-256 of the same message. Anyone
 * holding the rows can recompute it, so it proves order, not origin; kept only to read old rows.
 */
export function hashAuditEventUnkeyed(event: Unhashed): string {
  return createHash('sha256').update(linkMessage(event)).digest('hex');
}

/** Builds the next keyed link from the previous one (or the genesis when the log is empty). */
export function chainAuditEvent(
  input: AuditEventInput,
  previous: { seq: number; hash: string } | null,
  at: Date,
  key: AuditKey,
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
  return { ...unhashed, hash: hashAuditEvent(unhashed, key), keyId: key.id };
}

/** What is wrong with the log, as ranges of event numbers, so a report can name what is missing. */
export type AuditProblem =
  /** Events absent from the log: a gap in the middle, or a tail a checkpoint recorded. */
  | { kind: 'missing'; fromSeq: number; toSeq: number; checkpoint?: { at: string; seq: number } }
  /** Events whose link does not verify under the key: edited, or re-hashed without the key. */
  | { kind: 'altered'; fromSeq: number; toSeq: number }
  /** Events whose previous-hash is not their predecessor's hash: an event before them was replaced. */
  | { kind: 'unlinked'; fromSeq: number; toSeq: number }
  /** Unkeyed (v1) links after keyed ones: keyed rows re-hashed the old way to pass as history. */
  | { kind: 'unkeyed-after-keyed'; fromSeq: number; toSeq: number }
  /** Links made with another key than the one verifying. */
  | { kind: 'other-key'; fromSeq: number; toSeq: number; keyId: string }
  /** The event at a checkpoint's head is not the one the checkpoint recorded: history rewritten. */
  | { kind: 'checkpoint-mismatch'; seq: number; checkpoint: { at: string; seq: number } }
  /** A checkpoint line that is unreadable, forged or altered, or signed with another key. */
  | { kind: 'checkpoint-invalid'; line: number; reason: 'unreadable' | 'bad-signature' | 'other-key' }
  /** Events but not one valid checkpoint: a deleted tail could not be seen. */
  | { kind: 'no-checkpoint'; events: number };

type RangeProblem = Extract<AuditProblem, { fromSeq: number }>;

export interface ChainReport {
  ok: boolean;
  /** Events read from the log. */
  events: number;
  head: { seq: number; hash: string } | null;
  /** Events from before the audit key (unkeyed v1 links, a prefix of the chain). */
  unkeyedEvents: number;
  /** The checkpoint with the highest head: how far the log is known to have reached. */
  highestCheckpoint: AuditCheckpoint | null;
  /** Events after the highest checkpoint: a deletion among them would not be seen yet. */
  uncovered: number;
  problems: AuditProblem[];
}

// A log with a million altered rows still yields one range; interleaved damage is capped.
const maxProblems = 1_000;

/**
 * Walks the log in sequence order with the audit key and the valid checkpoints, and names every
 * problem (not just the first): after a broken link it re-synchronises on the row as stored, so a
 * deleted row in the middle is one "missing" range, not a cascade.
 */
export class AuditChainVerifier {
  private previous: { seq: number; hash: string } | null = null;
  private count = 0;
  private unkeyed = 0;
  private keyedSeen = false;
  private readonly problems: AuditProblem[] = [];
  private readonly checkpointsBySeq = new Map<number, AuditCheckpoint[]>();
  private readonly highest: AuditCheckpoint | null;

  constructor(private readonly key: AuditKey, checkpoints: readonly AuditCheckpoint[] = [], leadingProblems: readonly AuditProblem[] = []) {
    let highest: AuditCheckpoint | null = null;
    for (const checkpoint of checkpoints) {
      const atSeq = this.checkpointsBySeq.get(checkpoint.seq) ?? [];
      // Identical heads (a stop and the next start) need comparing once.
      if (!atSeq.some((known) => known.hash === checkpoint.hash)) atSeq.push(checkpoint);
      this.checkpointsBySeq.set(checkpoint.seq, atSeq);
      if (!highest || checkpoint.seq > highest.seq || (checkpoint.seq === highest.seq && checkpoint.at > highest.at)) highest = checkpoint;
    }
    this.highest = highest;
    for (const problem of leadingProblems) this.report(problem);
  }

  /** Feed events in ascending seq order. Returns false once something is wrong (keep feeding to name it all). */
  add(event: AuditEvent): boolean {
    const expectedSeq = (this.previous?.seq ?? 0) + 1;
    if (event.seq > expectedSeq) this.report({ kind: 'missing', fromSeq: expectedSeq, toSeq: event.seq - 1 });
    // Out of order (the store reads in seq order, so only a hand-fed list can do this): cannot link.
    else if (event.seq < expectedSeq) this.report({ kind: 'unlinked', fromSeq: event.seq, toSeq: event.seq });
    else if (event.prevHash !== (this.previous?.hash ?? genesisHash)) this.report({ kind: 'unlinked', fromSeq: event.seq, toSeq: event.seq });

    if (event.keyId === null) {
      if (this.keyedSeen) this.report({ kind: 'unkeyed-after-keyed', fromSeq: event.seq, toSeq: event.seq });
      else if (!sameMac(hashAuditEventUnkeyed(event), event.hash)) this.report({ kind: 'altered', fromSeq: event.seq, toSeq: event.seq });
      else this.unkeyed += 1;
    } else {
      this.keyedSeen = true;
      if (event.keyId !== this.key.id) this.report({ kind: 'other-key', fromSeq: event.seq, toSeq: event.seq, keyId: event.keyId });
      else if (!sameMac(hashAuditEvent(event, this.key), event.hash)) this.report({ kind: 'altered', fromSeq: event.seq, toSeq: event.seq });
    }

    for (const checkpoint of this.checkpointsBySeq.get(event.seq) ?? []) {
      if (checkpoint.hash !== event.hash) this.report({ kind: 'checkpoint-mismatch', seq: event.seq, checkpoint: { at: checkpoint.at, seq: checkpoint.seq } });
    }
    this.previous = { seq: event.seq, hash: event.hash };
    this.count += 1;
    return this.problems.length === 0;
  }

  /** The verdict once every event has been fed. */
  finish(): ChainReport {
    const head = this.previous;
    const headSeq = head?.seq ?? 0;
    const problems = [...this.problems];
    if (this.highest && this.highest.seq > headSeq) {
      problems.push({ kind: 'missing', fromSeq: headSeq + 1, toSeq: this.highest.seq, checkpoint: { at: this.highest.at, seq: this.highest.seq } });
    }
    if (!this.highest && this.count > 0) problems.push({ kind: 'no-checkpoint', events: this.count });
    return {
      ok: problems.length === 0,
      events: this.count,
      head,
      unkeyedEvents: this.unkeyed,
      highestCheckpoint: this.highest,
      uncovered: Math.max(0, headSeq - (this.highest?.seq ?? 0)),
      problems,
    };
  }

  private report(problem: AuditProblem): void {
    const last = this.problems.at(-1);
    if (last && 'fromSeq' in last && 'fromSeq' in problem && last.kind === problem.kind && last.toSeq + 1 === problem.fromSeq
      && (last.kind !== 'other-key' || last.keyId === (problem as Extract<RangeProblem, { kind: 'other-key' }>).keyId)) {
      last.toSeq = problem.toSeq;
      return;
    }
    if (this.problems.length < maxProblems) this.problems.push(problem);
  }
}

const events = (from: number, to: number) => (from === to ? `event #${from}` : `events #${from}..#${to} (${to - from + 1} events)`);
const are = (from: number, to: number) => (from === to ? 'is' : 'are');

/** One line a person can act on, naming the events concerned. Ids and numbers only. */
export function describeAuditProblem(problem: AuditProblem, context: { headSeq: number } = { headSeq: 0 }): string {
  switch (problem.kind) {
    case 'missing': {
      const span = `${problem.fromSeq === problem.toSeq ? `event #${problem.fromSeq}` : `events #${problem.fromSeq}..#${problem.toSeq}`}`;
      const size = `(${problem.toSeq - problem.fromSeq + 1} event${problem.toSeq === problem.fromSeq ? '' : 's'})`;
      if (!problem.checkpoint) return `${span} ${are(problem.fromSeq, problem.toSeq)} missing ${size}: deleted from the middle of the log`;
      const now = context.headSeq === 0 ? 'the log is now empty' : `the log now ends at #${context.headSeq}`;
      return `${span} ${are(problem.fromSeq, problem.toSeq)} missing ${size} after the checkpoint of ${problem.checkpoint.at}, which recorded the log up to #${problem.checkpoint.seq}; ${now}`;
    }
    case 'altered':
      return `${events(problem.fromSeq, problem.toSeq)} ${problem.fromSeq === problem.toSeq ? 'does' : 'do'} not verify under the audit key: altered, or re-hashed without the key`;
    case 'unlinked':
      return `${events(problem.fromSeq, problem.toSeq)} ${problem.fromSeq === problem.toSeq ? 'does' : 'do'} not link to the event before: an earlier event was replaced`;
    case 'unkeyed-after-keyed':
      return `${events(problem.fromSeq, problem.toSeq)} carry unkeyed (v1) hashes after keyed events: re-hashed without the key to pass as old history`;
    case 'other-key':
      return `${events(problem.fromSeq, problem.toSeq)} ${are(problem.fromSeq, problem.toSeq)} chained with another audit key (id ${problem.keyId}): cannot verify them with this key`;
    case 'checkpoint-mismatch':
      return `event #${problem.seq} is not the event the checkpoint of ${problem.checkpoint.at} recorded: history up to #${problem.seq} was rewritten`;
    case 'checkpoint-invalid':
      return problem.reason === 'unreadable'
        ? `checkpoint line ${problem.line} is unreadable`
        : problem.reason === 'other-key'
          ? `checkpoint line ${problem.line} is signed with another audit key`
          : `checkpoint line ${problem.line} has an invalid signature: forged or altered`;
    case 'no-checkpoint':
      return `no valid checkpoint covers the ${problem.events} events in the log: a deleted tail could not be detected`;
  }
}

/** The event number a problem points at first, for a one-line summary. */
export function firstProblemSeq(problem: AuditProblem): number | null {
  if ('fromSeq' in problem) return problem.fromSeq;
  if (problem.kind === 'checkpoint-mismatch') return problem.seq;
  return null;
}
