import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { genesisHash } from './audit-chain.ts';
import { buildCheckpoint, checkCheckpointLine, MemoryCheckpointSink, readCheckpoints, serializeCheckpoint } from './audit-checkpoint.ts';
import { decodeAuditKey, deriveAuditKey } from './audit-key.ts';

const secret = randomBytes(32);
const key = deriveAuditKey(secret);
const at = new Date('2026-01-05T14:00:05.000Z');
const head = { seq: 42, hash: 'ab'.repeat(32) };

describe('audit key', () => {
  it('refuses a key shorter than 32 bytes, and text that is not base64', () => {
    expect(() => deriveAuditKey(randomBytes(31))).toThrow(/at least 32 bytes/);
    expect(() => decodeAuditKey(randomBytes(16).toString('base64'))).toThrow(/at least 32 bytes \(got 16\)/);
    expect(() => decodeAuditKey('not base64 at all!')).toThrow(/not base64/);
    expect(decodeAuditKey(secret.toString('base64'))).toEqual(secret);
    expect(decodeAuditKey(secret.toString('base64url'))).toEqual(secret);
  });

  it('names the key by an id that is stable and does not reveal it; the three sub-keys differ', () => {
    expect(deriveAuditKey(secret).id).toBe(key.id);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(secret.toString('hex')).not.toContain(key.id);
    expect(deriveAuditKey(randomBytes(32)).id).not.toBe(key.id);
    expect(new Set([key.chain.toString('hex'), key.checkpoint.toString('hex'), key.export.toString('hex')]).size).toBe(3);
  });
});

describe('audit checkpoints', () => {
  it('a signed checkpoint records the head, the count, the time and the key id, and verifies', () => {
    const checkpoint = buildCheckpoint(key, head, at);
    expect(checkpoint).toMatchObject({ v: 1, seq: 42, hash: head.hash, count: 42, at: at.toISOString(), keyId: key.id });
    expect(checkCheckpointLine(key, serializeCheckpoint(checkpoint))).toEqual({ ok: true, checkpoint });
  });

  it('an empty log is checkpointed as #0 at the genesis hash', () => {
    expect(buildCheckpoint(key, null, at)).toMatchObject({ seq: 0, hash: genesisHash, count: 0 });
  });

  it.each([
    ['seq', { seq: 41 }],
    ['count', { count: 41 }],
    ['hash', { hash: 'cd'.repeat(32) }],
    ['at', { at: '2026-01-05T14:00:04.000Z' }],
    ['sig', { sig: '00'.repeat(32) }],
  ])('a checkpoint with its %s changed fails its signature', (_field, change) => {
    const line = JSON.stringify({ ...buildCheckpoint(key, head, at), ...change });
    expect(checkCheckpointLine(key, line)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('a checkpoint forged with another key is refused as another key, even under this key id', () => {
    const other = deriveAuditKey(randomBytes(32));
    expect(checkCheckpointLine(key, serializeCheckpoint(buildCheckpoint(other, head, at)))).toEqual({ ok: false, reason: 'other-key' });
    const forged = { ...buildCheckpoint(other, head, at), keyId: key.id };
    expect(checkCheckpointLine(key, JSON.stringify(forged))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('reads a sink: valid checkpoints kept, each bad line named by its number, blank lines skipped', () => {
    const good = serializeCheckpoint(buildCheckpoint(key, head, at));
    const tampered = JSON.stringify({ ...buildCheckpoint(key, head, at), seq: 99 });
    const { checkpoints, problems } = readCheckpoints(key, [good, '', '{"v":1,"seq":', tampered, '["not a checkpoint"]']);
    expect(checkpoints).toHaveLength(1);
    expect(problems).toEqual([
      { kind: 'checkpoint-invalid', line: 3, reason: 'unreadable' },
      { kind: 'checkpoint-invalid', line: 4, reason: 'bad-signature' },
      { kind: 'checkpoint-invalid', line: 5, reason: 'unreadable' },
    ]);
  });

  it('the memory sink gives back what it was given, in order', async () => {
    const sink = new MemoryCheckpointSink();
    await sink.append(buildCheckpoint(key, null, at));
    await sink.append(buildCheckpoint(key, head, at));
    expect(readCheckpoints(key, await sink.readLines()).checkpoints.map((checkpoint) => checkpoint.seq)).toEqual([0, 42]);
  });
});
