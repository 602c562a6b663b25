import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';

/**
 * Finding 11 (issue 11, the PGlite part): the embedded store's files were world-writable (968 of
 * 1,127 files mode 0666), so any local user could read or rewrite call records and the audit log.
 * The data directory must be 0700 and every file in it 0600, including files the database creates
 * while it runs. PGlite only: PostgreSQL keeps its own files.
 */
function looseEntries(root: string): string[] {
  const loose: string[] = [];
  const walk = (entry: string) => {
    const stats = statSync(entry);
    if ((stats.mode & 0o077) !== 0) loose.push(`${path.relative(root, entry) || '.'} ${(stats.mode & 0o777).toString(8)}`);
    if (stats.isDirectory()) for (const name of readdirSync(entry)) walk(path.join(entry, name));
  };
  walk(root);
  return loose;
}

function countEntries(root: string): number {
  let count = 0;
  const walk = (entry: string) => {
    count++;
    if (statSync(entry).isDirectory()) for (const name of readdirSync(entry)) walk(path.join(entry, name));
  };
  walk(root);
  return count;
}

describe('the embedded store is private to its owner (finding 11)', () => {
  let harness: Harness;
  beforeAll(async () => {
    // From nothing, as a first start is: a copied template store would bring its own file modes.
    harness = await startHarness('pglite', { freshStore: true });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('keeps the data directory 0700 and every file 0600 after a start and some writes', async () => {
    for (let index = 0; index < 5; index++) {
      const callId = `perm-call-${index}`;
      expect((await harness.post(syntheticEvent({ type: 'call.ringing', callId }))).status).toBe(202);
      expect((await harness.post(syntheticEvent({ type: 'call.ended', callId }))).status).toBe(202);
    }
    // The after-call pipeline writes too (new tables' files, job rows): wait for it to finish.
    await eventually(async () => ((await harness.engine.pipeline.pendingJobs()) === 0 ? true : null), 60_000, 'the pipeline to drain');
    await harness.engine.db.exec('checkpoint');

    const store = path.join(harness.dataDir, 'pgdata');
    expect(countEntries(store)).toBeGreaterThan(100); // the walk saw the real store, not an empty directory
    expect((statSync(harness.dataDir).mode & 0o777).toString(8)).toBe('700');
    expect(looseEntries(harness.dataDir)).toEqual([]);
  });
});
