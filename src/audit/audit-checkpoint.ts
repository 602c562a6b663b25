import canonicalize from 'canonicalize';
import { z } from 'zod';
import { genesisHash, type AuditProblem } from './audit-chain.ts';
import { macHex, sameMac, type AuditKey } from './audit-key.ts';

/**
 * A checkpoint (ADR 11): a signed statement, kept outside the database, that at `at` the audit log
 * ended at event `seq` with hash `hash`. The database cannot take it back: a later log that ends
 * before `seq`, or holds another event at `seq`, has lost or rewritten history.
 */
export interface AuditCheckpoint {
  v: 1;
  /** The head's event number (0: the log was empty). */
  seq: number;
  /** The head's link hash (the genesis hash when empty). */
  hash: string;
  /**
   * Events in the log. Equal to `seq`, since the chain numbers events 1..n without gaps; kept as
   * its own field so a reader of the sink alone sees the log's size.
   */
  count: number;
  at: string;
  keyId: string;
  /** HMAC-SHA256 under the checkpoint sub-key over the canonical JSON of the fields above. */
  sig: string;
}

/**
 * Where checkpoints go: anywhere the database owner cannot rewrite. The default is an append-only
 * file (audit-checkpoint.repository.ts); production points this at WORM storage (S3 Object Lock in
 * compliance mode, or similar) with an adapter of its own.
 */
export interface CheckpointSink {
  /** For messages: a path or URL without credentials. */
  readonly label: string;
  /** Appends one checkpoint durably (returns after it is on stable storage). */
  append(checkpoint: AuditCheckpoint): Promise<void>;
  /** Every checkpoint line ever appended, oldest first, as written (verification parses them). */
  readLines(): Promise<string[]>;
  close?(): Promise<void>;
}

const signedFields = (checkpoint: Omit<AuditCheckpoint, 'sig'>) =>
  canonicalize({ v: checkpoint.v, seq: checkpoint.seq, hash: checkpoint.hash, count: checkpoint.count, at: checkpoint.at, keyId: checkpoint.keyId })!;

/** Signs a checkpoint of the given head (null: the log is empty). */
export function buildCheckpoint(key: AuditKey, head: { seq: number; hash: string } | null, at: Date): AuditCheckpoint {
  const unsigned = { v: 1 as const, seq: head?.seq ?? 0, hash: head?.hash ?? genesisHash, count: head?.seq ?? 0, at: at.toISOString(), keyId: key.id };
  return { ...unsigned, sig: macHex(key.checkpoint, signedFields(unsigned)) };
}

/** One line of the sink (no newline). */
export function serializeCheckpoint(checkpoint: AuditCheckpoint): string {
  return JSON.stringify(checkpoint);
}

const checkpointSchema = z.object({
  v: z.literal(1),
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  count: z.number().int().nonnegative(),
  at: z.iso.datetime(),
  keyId: z.string().min(1),
  sig: z.string().regex(/^[0-9a-f]{64}$/),
});

export type CheckpointCheck = { ok: true; checkpoint: AuditCheckpoint } | { ok: false; reason: 'unreadable' | 'bad-signature' | 'other-key' };

/** Parses and verifies one sink line. */
export function checkCheckpointLine(key: AuditKey, line: string): CheckpointCheck {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'unreadable' };
  const checkpoint = parsed.data;
  if (checkpoint.keyId !== key.id) return { ok: false, reason: 'other-key' };
  if (!sameMac(macHex(key.checkpoint, signedFields(checkpoint)), checkpoint.sig)) return { ok: false, reason: 'bad-signature' };
  return { ok: true, checkpoint };
}

/** Every valid checkpoint of a sink, and a problem for each line that is not one. Blank lines are skipped. */
export function readCheckpoints(key: AuditKey, lines: readonly string[]): { checkpoints: AuditCheckpoint[]; problems: AuditProblem[] } {
  const checkpoints: AuditCheckpoint[] = [];
  const problems: AuditProblem[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const check = checkCheckpointLine(key, line);
    if (check.ok) checkpoints.push(check.checkpoint);
    else problems.push({ kind: 'checkpoint-invalid', line: index + 1, reason: check.reason });
  });
  return { checkpoints, problems };
}

/** A sink in memory: for an engine with nowhere to write (in-memory trials, benchmarks) and for tests. */
export class MemoryCheckpointSink implements CheckpointSink {
  readonly label = 'memory (lost when the process stops)';
  readonly lines: string[] = [];

  async append(checkpoint: AuditCheckpoint): Promise<void> {
    this.lines.push(serializeCheckpoint(checkpoint));
  }

  async readLines(): Promise<string[]> {
    return [...this.lines];
  }
}
