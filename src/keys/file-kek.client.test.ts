import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultKekFile, demoKekFile, FileKekProvider, isInside } from './file-kek.client.ts';

describe('the KEK key file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'callchart-kekfile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created owner-only, holds KEK versions, and wraps a data key so only its id opens it', async () => {
    const file = path.join(dir, 'new', 'kek.json');
    const kek = new FileKekProvider(file, { create: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const dataKey = randomBytes(32);
    const { kekId, wrapped } = await kek.wrap(dataKey, 'dk-one');
    expect(kekId).toBe(await kek.currentKekId());
    expect(await kek.unwrap(wrapped, kekId, 'dk-one')).toEqual(dataKey);
    // Moved onto another row, the wrapped key does not open.
    await expect(kek.unwrap(wrapped, kekId, 'dk-two')).rejects.toMatchObject({ code: 'DATA_KEY_UNWRAP_FAILED' });
    await expect(kek.unwrap(wrapped, 'kek-000000000000', 'dk-one')).rejects.toMatchObject({ code: 'KEK_UNKNOWN' });
    expect(readFileSync(file, 'utf8')).not.toContain(dataKey.toString('base64'));
  });

  it('a rotation made by another process is picked up without a restart: new wraps under it, old wraps still open', async () => {
    const file = path.join(dir, 'shared.json');
    const engine = new FileKekProvider(file, { create: true });
    const before = await engine.wrap(randomBytes(32), 'dk-before');
    const operator = new FileKekProvider(file);
    const { previousKekId, kekId } = await operator.rotate();
    expect(previousKekId).toBe(before.kekId);
    // Same-second writes can share an mtime on some filesystems: make the change visible as a later one.
    const later = new Date(Date.now() + 2_000);
    utimesSync(file, later, later);
    expect((await engine.wrap(randomBytes(32), 'dk-after')).kekId).toBe(kekId);
    expect(await engine.unwrap(before.wrapped, before.kekId, 'dk-before')).toHaveLength(32);
    await operator.retire(previousKekId);
    expect((await engine.versions()).map((version) => [version.id, version.current, Boolean(version.retiredAt)])).toEqual([[previousKekId, false, true], [kekId, true, false]]);
  });

  it('refuses a key file others can read, a missing one, or one that is not a key file', () => {
    const file = path.join(dir, 'open.json');
    new FileKekProvider(file, { create: true });
    chmodSync(file, 0o644);
    expect(() => new FileKekProvider(file)).toThrow(/readable by others \(mode 644\)/);
    expect(() => new FileKekProvider(path.join(dir, 'absent.json'))).toThrow(/does not exist/);
  });

  it('lives outside the data directory by default', () => {
    expect(defaultKekFile({ HOME: '/home/clinic-it' })).toMatch(/\.config\/callchart\/kek\.json$/);
    expect(defaultKekFile({ XDG_CONFIG_HOME: '/etc/xdg-synthetic' })).toBe('/etc/xdg-synthetic/callchart/kek.json');
    expect(isInside(demoKekFile('/srv/callchart/.callchart'), '/srv/callchart/.callchart')).toBe(false);
    expect(isInside('/srv/data/secrets/kek.json', '/srv/data')).toBe(true);
    expect(isInside('/srv/data-keys/kek.json', '/srv/data')).toBe(false);
  });
});
