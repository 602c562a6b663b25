import { describe, expect, it } from 'vitest';
import { LatestWins } from './latest-wins.ts';

describe('latest wins per key', () => {
  it('runs one task per key at a time and, after it, only the newest value submitted meanwhile', async () => {
    const errors: unknown[] = [];
    const runs = new LatestWins<number>((error) => errors.push(error));
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const task = (key: string) => async (value: number) => {
      seen.push(`${key}:${value}`);
      if (value === 1) await gate;
    };
    void runs.run('a', 1, task('a'));
    void runs.run('a', 2, task('a'));
    void runs.run('a', 3, task('a'));
    void runs.run('b', 1, task('b'));
    // 'a' waits on its first task; 'b' is not held up by it.
    expect(seen).toEqual(['a:1', 'b:1']);
    release();
    await runs.idle();
    expect(seen).toEqual(['a:1', 'b:1', 'a:3']);
    expect(errors).toEqual([]);
  });

  it('reports a failed task and still runs the next value', async () => {
    const errors: unknown[] = [];
    const runs = new LatestWins<number>((error) => errors.push(error));
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    void runs.run('k', 1, async () => {
      await gate;
      throw new Error('store unreachable');
    });
    void runs.run('k', 2, async (value) => {
      seen.push(value);
    });
    release();
    await runs.idle();
    expect(errors).toHaveLength(1);
    expect(seen).toEqual([2]);
  });
});
