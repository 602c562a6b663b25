import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuditChainVerifier, chainAuditEvent, describeAuditProblem, genesisHash, hashAuditEvent, hashAuditEventUnkeyed, type AuditEvent, type AuditEventInput,
  type AuditProblem,
} from './audit-chain.ts';
import { buildCheckpoint, type AuditCheckpoint } from './audit-checkpoint.ts';
import { deriveAuditKey } from './audit-key.ts';

// Synthetic audit events: ids and codes only, as in production.
const start = Date.UTC(2026, 0, 5, 14, 0, 0);
const key = deriveAuditKey(randomBytes(32));

function input(i: number): AuditEventInput {
  return {
    actor: i % 3 === 0 ? 'pbx:synthetic-pbx' : `worker:identify-caller`,
    action: i % 2 === 0 ? 'call.event.accepted' : 'ehr.task.written',
    objectType: 'call',
    objectId: `call-syn-${String(i).padStart(4, '0')}`,
    outcome: i % 7 === 0 ? 'duplicate' : 'success',
    reason: i % 5 === 0 ? 'SIGNATURE_INVALID' : null,
    detail: { attempt: i, cached: i % 2 === 0, stage: 'identify-caller', tags: ['synthetic'] },
  };
}

function buildChain(length: number, chainKey = key): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < length; i += 1) events.push(chainAuditEvent(input(i), events.at(-1) ?? null, new Date(start + i * 1_000), chainKey));
  return events;
}

/** The rows as a pre-key (v1) engine wrote them: unkeyed SHA-256 links, no key id. */
function unkeyedChain(length: number, from: AuditEvent | null = null, offset = 0): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < length; i += 1) {
    const previous = events.at(-1) ?? from;
    const keyed = chainAuditEvent(input(offset + i), previous, new Date(start + (offset + i) * 1_000), key);
    const { hash: _hash, keyId: _keyId, ...unhashed } = keyed;
    events.push({ ...unhashed, hash: hashAuditEventUnkeyed(unhashed), keyId: null });
  }
  return events;
}

/** What an owner without the key can do: edit, then recompute every later link the only way open to them. */
function rehashWithoutKey(chain: AuditEvent[], fromIndex: number, options: { poseAsV1?: boolean } = {}): AuditEvent[] {
  const result = chain.slice(0, fromIndex);
  for (const event of chain.slice(fromIndex)) {
    const prevHash = result.at(-1)?.hash ?? genesisHash;
    const { hash: _hash, keyId, ...rest } = { ...event, prevHash };
    result.push({ ...rest, hash: hashAuditEventUnkeyed(rest), keyId: options.poseAsV1 ? null : keyId });
  }
  return result;
}

const checkpointAt = (event: AuditEvent | null, minutes = 0): AuditCheckpoint =>
  buildCheckpoint(key, event ? { seq: event.seq, hash: event.hash } : null, new Date(start + 3_600_000 + minutes * 60_000));

function verify(events: readonly AuditEvent[], checkpoints: AuditCheckpoint[] = []) {
  const verifier = new AuditChainVerifier(key, checkpoints);
  for (const event of events) verifier.add(event);
  return verifier.finish();
}

const tamperings: [string, (event: AuditEvent) => AuditEvent][] = [
  ['detail', (e) => ({ ...e, detail: { ...e.detail, attempt: 999 } })],
  ['actor', (e) => ({ ...e, actor: 'staff:intruder' })],
  ['at', (e) => ({ ...e, at: new Date(Date.parse(e.at) - 60_000).toISOString() })],
  ['outcome', (e) => ({ ...e, outcome: e.outcome === 'success' ? 'failure' : 'success' })],
  ['action', (e) => ({ ...e, action: 'webhook.rejected' })],
  ['objectId', (e) => ({ ...e, objectId: 'call-syn-9999' })],
  ['reason', (e) => ({ ...e, reason: 'PAYLOAD_INVALID' })],
  ['consentStatus', (e) => ({ ...e, consentStatus: 'granted' })],
];

describe('keyed audit chain', () => {
  it('a chain of 50 events with a checkpoint at its head verifies', () => {
    const chain = buildChain(50);
    expect(verify(chain, [checkpointAt(chain[49]!)])).toMatchObject({
      ok: true, events: 50, head: { seq: 50, hash: chain[49]!.hash }, unkeyedEvents: 0, uncovered: 0, problems: [],
    });
  });

  it('links are HMACs under the key, named by its id: the same rows under another key differ', () => {
    const chain = buildChain(3);
    const other = buildChain(3, deriveAuditKey(randomBytes(32)));
    expect(chain[0]!.keyId).toBe(key.id);
    expect(chain[0]!.hash).not.toBe(other[0]!.hash);
    expect(chain[0]!.hash).not.toBe(hashAuditEventUnkeyed(chain[0]!));
    const { hash: _hash, keyId: _keyId, ...unhashed } = chain[0]!;
    expect(hashAuditEvent(unhashed, key)).toBe(chain[0]!.hash);
  });

  it('the first event links to a genesis of 64 zeros and has seq 1; each event links to its predecessor', () => {
    const chain = buildChain(5);
    expect(chain[0]!.prevHash).toBe('0'.repeat(64));
    expect(chain[0]!.seq).toBe(1);
    for (let i = 1; i < chain.length; i += 1) {
      expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
      expect(chain[i]!.seq).toBe(i + 1);
    }
  });

  it('an empty log with no checkpoints verifies; with no checkpoint, events are reported as uncovered', () => {
    expect(verify([])).toMatchObject({ ok: true, events: 0, head: null, problems: [] });
    const verdict = verify(buildChain(4));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([{ kind: 'no-checkpoint', events: 4 }]);
  });

  describe.each(tamperings)('changing %s', (_field, tamper) => {
    it.each([0, 1, 24, 49])('of event index %i is reported as that event altered', (index) => {
      const chain = buildChain(50);
      const checkpoint = checkpointAt(chain[49]!);
      chain[index] = tamper(chain[index]!);
      const verdict = verify(chain, [checkpoint]);
      expect(verdict.ok).toBe(false);
      expect(verdict.problems).toContainEqual({ kind: 'altered', fromSeq: index + 1, toSeq: index + 1 });
    });
  });

  it('an event edited and every later link recomputed without the key is reported, from the edit to the head', () => {
    const chain = buildChain(50);
    chain[30] = { ...chain[30]!, actor: 'staff:intruder' };
    const verdict = verify(rehashWithoutKey(chain, 30), [checkpointAt(chain[20]!)]);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([{ kind: 'altered', fromSeq: 31, toSeq: 50 }]);
    expect(describeAuditProblem(verdict.problems[0]!)).toBe('events #31..#50 (20 events) do not verify under the audit key: altered, or re-hashed without the key');
  });

  it('keyed events re-hashed as unkeyed v1 links (to pass as old history) are reported', () => {
    const chain = buildChain(20);
    const verdict = verify(rehashWithoutKey(chain, 12, { poseAsV1: true }));
    expect(verdict.problems).toContainEqual({ kind: 'unkeyed-after-keyed', fromSeq: 13, toSeq: 20 });
  });

  it('rows from before the key (a v1 prefix) verify as such and are counted; keyed rows continue the chain', () => {
    const old = unkeyedChain(10);
    const keyed: AuditEvent[] = [];
    for (let i = 10; i < 15; i += 1) keyed.push(chainAuditEvent(input(i), keyed.at(-1) ?? old.at(-1)!, new Date(start + i * 1_000), key));
    const verdict = verify([...old, ...keyed], [checkpointAt(keyed.at(-1)!)]);
    expect(verdict).toMatchObject({ ok: true, events: 15, unkeyedEvents: 10 });
  });

  it('a v1 prefix rewritten by someone without the key is caught by a checkpoint taken after it', () => {
    const old = unkeyedChain(10);
    const checkpoint = checkpointAt(old[9]!);
    old[4] = { ...old[4]!, outcome: 'failure' };
    const rewritten = rehashWithoutKey(old, 4, { poseAsV1: true });
    const verdict = verify(rewritten, [checkpoint]);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([{ kind: 'checkpoint-mismatch', seq: 10, checkpoint: { at: checkpoint.at, seq: 10 } }]);
  });

  it('deleting an event in the middle names it as missing, and the rest still verifies', () => {
    const chain = buildChain(50);
    chain.splice(20, 1); // removes seq 21
    const verdict = verify(chain, [checkpointAt(chain.at(-1)!)]);
    expect(verdict.problems).toEqual([{ kind: 'missing', fromSeq: 21, toSeq: 21 }]);
    expect(describeAuditProblem(verdict.problems[0]!)).toBe('event #21 is missing (1 event): deleted from the middle of the log');
  });

  it('deleting the last events is reported against the checkpoint that recorded them', () => {
    const chain = buildChain(50);
    const checkpoint = checkpointAt(chain[49]!);
    const verdict = verify(chain.slice(0, 47), [checkpointAt(chain[9]!, -30), checkpoint]);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([{ kind: 'missing', fromSeq: 48, toSeq: 50, checkpoint: { at: checkpoint.at, seq: 50 } }]);
    expect(describeAuditProblem(verdict.problems[0]!, { headSeq: 47 })).toBe(
      `events #48..#50 are missing (3 events) after the checkpoint of ${checkpoint.at}, which recorded the log up to #50; the log now ends at #47`,
    );
  });

  it('deleting every event is reported: the log is empty, the checkpoint says 50', () => {
    const chain = buildChain(50);
    const checkpoint = checkpointAt(chain[49]!);
    const verdict = verify([], [checkpoint]);
    expect(verdict.problems).toEqual([{ kind: 'missing', fromSeq: 1, toSeq: 50, checkpoint: { at: checkpoint.at, seq: 50 } }]);
    expect(describeAuditProblem(verdict.problems[0]!, { headSeq: 0 })).toContain('the log is now empty');
  });

  it('a deleted tail after the newest checkpoint is not seen (the checkpoint interval is the window), but is counted as uncovered', () => {
    const chain = buildChain(50);
    const verdict = verify(chain.slice(0, 47), [checkpointAt(chain[44]!)]);
    expect(verdict).toMatchObject({ ok: true, uncovered: 2 });
  });

  it('a tail deleted and re-filled with other events (even by a key holder) differs from the checkpoint', () => {
    const chain = buildChain(50);
    const checkpoint = checkpointAt(chain[49]!);
    const refilled = chain.slice(0, 45);
    for (let i = 0; i < 5; i += 1) refilled.push(chainAuditEvent({ ...input(i), action: 'quiet.afternoon' }, refilled.at(-1)!, new Date(start + 99_000_000), key));
    const verdict = verify(refilled, [checkpoint]);
    expect(verdict.problems).toEqual([{ kind: 'checkpoint-mismatch', seq: 50, checkpoint: { at: checkpoint.at, seq: 50 } }]);
  });

  it('events chained with another key are reported with that key id', () => {
    const otherKey = deriveAuditKey(randomBytes(32));
    const verdict = verify(buildChain(5, otherKey));
    expect(verdict.problems).toContainEqual({ kind: 'other-key', fromSeq: 1, toSeq: 5, keyId: otherKey.id });
  });

  it('swapping two events is reported', () => {
    const chain = buildChain(50);
    [chain[10], chain[11]] = [chain[11]!, chain[10]!];
    expect(verify(chain, [checkpointAt(chain[49]!)]).ok).toBe(false);
    const renumbered = buildChain(50);
    const a = renumbered[10]!;
    const b = renumbered[11]!;
    renumbered[10] = { ...b, seq: a.seq };
    renumbered[11] = { ...a, seq: b.seq };
    const problems: AuditProblem[] = verify(renumbered, [checkpointAt(renumbered[49]!)]).problems;
    expect(problems.some((problem) => 'fromSeq' in problem && problem.fromSeq === 11)).toBe(true);
  });

  it('keeps going after a break and names every damaged range', () => {
    const chain = buildChain(30);
    const checkpoint = checkpointAt(chain[29]!);
    chain[3] = { ...chain[3]!, detail: {} };
    chain[4] = { ...chain[4]!, detail: {} };
    chain.splice(20, 2); // seq 21, 22
    const verifier = new AuditChainVerifier(key, [checkpoint]);
    const accepted = chain.map((event) => verifier.add(event));
    expect(accepted.slice(0, 3)).toEqual([true, true, true]);
    expect(accepted.slice(3).every((ok) => !ok)).toBe(true);
    expect(verifier.finish().problems).toEqual([
      { kind: 'altered', fromSeq: 4, toSeq: 5 },
      { kind: 'missing', fromSeq: 21, toSeq: 22 },
    ]);
  });

  it('can be fed in pages', () => {
    const chain = buildChain(50);
    const verifier = new AuditChainVerifier(key, [checkpointAt(chain[49]!)]);
    for (let page = 0; page < 50; page += 7) for (const event of chain.slice(page, page + 7)) verifier.add(event);
    expect(verifier.finish()).toMatchObject({ ok: true, events: 50 });
  });

  it('the hash does not depend on key order of detail', () => {
    const a = chainAuditEvent({ actor: 'system', action: 'x.y', objectType: 'call', outcome: 'success', detail: { a: 1, b: 2 } }, null, new Date(start), key);
    const b = chainAuditEvent({ actor: 'system', action: 'x.y', objectType: 'call', outcome: 'success', detail: { b: 2, a: 1 } }, null, new Date(start), key);
    expect(a.hash).toBe(b.hash);
  });
});
