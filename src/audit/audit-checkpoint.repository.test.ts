import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCheckpoint, readCheckpoints } from './audit-checkpoint.ts';
import { FileCheckpointSink } from './audit-checkpoint.repository.ts';
import { deriveAuditKey } from './audit-key.ts';

const key = deriveAuditKey(randomBytes(32));
const dir = mkdtempSync(path.join(tmpdir(), 'callchart-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file checkpoint sink', () => {
  it('appends one JSON line per checkpoint to a file only its owner can read (0600)', async () => {
    const file = path.join(dir, 'nested', 'audit-checkpoints.jsonl');
    const sink = new FileCheckpointSink(file);
    expect(await sink.readLines()).toEqual([]);
    for (let seq = 1; seq <= 3; seq++) await sink.append(buildCheckpoint(key, { seq, hash: 'ab'.repeat(32) }, new Date(Date.UTC(2026, 0, 5, 14, 0, seq))));
    await sink.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').filter(Boolean)).toHaveLength(3);
    expect(readCheckpoints(key, await sink.readLines()).checkpoints.map((checkpoint) => checkpoint.seq)).toEqual([1, 2, 3]);
  });

  it('keeps what is there when reopened, and ends a torn last line so the next checkpoint stays readable', async () => {
    const file = path.join(dir, 'torn.jsonl');
    const first = new FileCheckpointSink(file);
    await first.append(buildCheckpoint(key, { seq: 1, hash: 'ab'.repeat(32) }, new Date()));
    await first.close();
    appendFileSync(file, '{"v":1,"seq":2,"ha'); // a crash in the middle of a write
    const second = new FileCheckpointSink(file);
    await second.append(buildCheckpoint(key, { seq: 3, hash: 'cd'.repeat(32) }, new Date()));
    await second.close();
    const { checkpoints, problems } = readCheckpoints(key, await second.readLines());
    expect(checkpoints.map((checkpoint) => checkpoint.seq)).toEqual([1, 3]);
    expect(problems).toEqual([{ kind: 'checkpoint-invalid', line: 2, reason: 'unreadable' }]);
  });
});
