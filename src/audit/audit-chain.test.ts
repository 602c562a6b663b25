import { describe, expect, it } from 'vitest';
import { AuditChainVerifier, chainAuditEvent, genesisHash, hashAuditEvent, type AuditEvent, type AuditEventInput } from './audit-chain.ts';

// Synthetic audit events: ids and codes only, as in production.
const start = Date.UTC(2026, 0, 5, 14, 0, 0);

function buildChain(length: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < length; i += 1) {
    const input: AuditEventInput = {
      actor: i % 3 === 0 ? 'pbx:synthetic-pbx' : `worker:identify-caller`,
      action: i % 2 === 0 ? 'call.event.accepted' : 'ehr.task.written',
      objectType: 'call',
      objectId: `call-syn-${String(i).padStart(4, '0')}`,
      outcome: i % 7 === 0 ? 'duplicate' : 'success',
      reason: i % 5 === 0 ? 'SIGNATURE_INVALID' : null,
      detail: { attempt: i, cached: i % 2 === 0, stage: 'identify-caller', tags: ['synthetic'] },
    };
    events.push(chainAuditEvent(input, events.at(-1) ?? null, new Date(start + i * 1_000)));
  }
  return events;
}

function verify(events: readonly AuditEvent[]) {
  const verifier = new AuditChainVerifier();
  for (const event of events) verifier.add(event);
  return verifier.verdict();
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

describe('audit hash chain', () => {
  it('a chain of 50 events verifies and reports the last hash', () => {
    const chain = buildChain(50);
    expect(verify(chain)).toEqual({ ok: true, events: 50, lastHash: chain[49]!.hash });
  });

  it('the first event links to a genesis of 64 zeros and has seq 1', () => {
    const [first] = buildChain(1);
    expect(genesisHash).toBe('0'.repeat(64));
    expect(first!.prevHash).toBe('0'.repeat(64));
    expect(first!.seq).toBe(1);
    expect(verify([])).toEqual({ ok: true, events: 0, lastHash: '0'.repeat(64) });
  });

  it('each event links to its predecessor', () => {
    const chain = buildChain(5);
    for (let i = 1; i < chain.length; i += 1) {
      expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
      expect(chain[i]!.seq).toBe(i + 1);
    }
  });

  describe.each(tamperings)('changing %s', (_field, tamper) => {
    it.each([0, 1, 24, 49])('of event index %i breaks the chain there with hash-mismatch', (index) => {
      const chain = buildChain(50);
      chain[index] = tamper(chain[index]!);
      expect(verify(chain)).toEqual({ ok: false, events: index, brokenAt: index + 1, problem: 'hash-mismatch' });
    });
  });

  it('deleting an event in the middle is a sequence gap at the next event', () => {
    const chain = buildChain(50);
    chain.splice(20, 1); // removes seq 21
    expect(verify(chain)).toEqual({ ok: false, events: 20, brokenAt: 22, problem: 'sequence-gap' });
  });

  it('deleting the last event is not detectable from the rows alone (the caller must compare the last hash)', () => {
    const chain = buildChain(50);
    const verdict = verify(chain.slice(0, 49));
    expect(verdict).toMatchObject({ ok: true, events: 49 });
    expect(verdict.ok && verdict.lastHash).not.toBe(chain[49]!.hash);
  });

  it('swapping two events is reported at the first swapped position', () => {
    const chain = buildChain(50);
    [chain[10], chain[11]] = [chain[11]!, chain[10]!];
    expect(verify(chain)).toMatchObject({ ok: false, brokenAt: 12, problem: 'sequence-gap' });
  });

  it('swapping two events and renumbering them is still reported', () => {
    const chain = buildChain(50);
    const a = chain[10]!;
    const b = chain[11]!;
    chain[10] = { ...b, seq: a.seq };
    chain[11] = { ...a, seq: b.seq };
    expect(verify(chain)).toMatchObject({ ok: false, brokenAt: 11, problem: 'prev-hash-mismatch' });
  });

  it('a tampered event with its hash recomputed breaks the link to the next event', () => {
    const chain = buildChain(50);
    const tampered = { ...chain[30]!, actor: 'staff:intruder' };
    const { hash: _old, ...unhashed } = tampered;
    chain[30] = { ...tampered, hash: hashAuditEvent(unhashed) };
    expect(verify(chain)).toEqual({ ok: false, events: 31, brokenAt: 32, problem: 'prev-hash-mismatch' });
  });

  it('stops at the first break and ignores later events', () => {
    const chain = buildChain(10);
    const verifier = new AuditChainVerifier();
    chain[3] = { ...chain[3]!, detail: {} };
    const accepted = chain.map((event) => verifier.add(event));
    expect(accepted).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(verifier.verdict()).toMatchObject({ ok: false, brokenAt: 4 });
  });

  it('can be fed in pages', () => {
    const chain = buildChain(50);
    const verifier = new AuditChainVerifier();
    for (let page = 0; page < 50; page += 7) for (const event of chain.slice(page, page + 7)) verifier.add(event);
    expect(verifier.verdict()).toEqual({ ok: true, events: 50, lastHash: chain[49]!.hash });
  });

  it('the hash does not depend on key order of detail', () => {
    const a = chainAuditEvent({ actor: 'system', action: 'x.y', objectType: 'call', outcome: 'success', detail: { a: 1, b: 2 } }, null, new Date(start));
    const b = chainAuditEvent({ actor: 'system', action: 'x.y', objectType: 'call', outcome: 'success', detail: { b: 2, a: 1 } }, null, new Date(start));
    expect(a.hash).toBe(b.hash);
  });
});
