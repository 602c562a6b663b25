import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from './db.ts';
import { loadMigrations, migrate } from './migrate.ts';

describe.each(backendKinds)('storage on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());

  it('applies every migration once and is a no-op the second time', async () => {
    const { rows } = await db.query<{ name: string }>('select name from schema_migration order by version');
    expect(rows.map((row) => row.name)).toEqual(loadMigrations().map((migration) => migration.name));
    expect((await migrate(db)).applied).toEqual([]);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const edited = loadMigrations().map((migration, index) => (index === 0 ? { ...migration, checksum: 'edited' } : migration));
    await expect(migrate(db, edited)).rejects.toThrow(/changed after it was applied/);
  });

  it('rolls a failed transaction back completely', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into call (id, provider, provider_call_id, status) values (gen_random_uuid(), 'test', 'rollback-1', 'ringing')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await db.query(`select 1 from call where provider_call_id = 'rollback-1'`);
    expect(rows).toHaveLength(0);
  });
});
