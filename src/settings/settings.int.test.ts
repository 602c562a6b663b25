import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { loadRoutingRules } from '../routing/routing-rules.loader.ts';
import { defaultConfig } from '../config/config.schema.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { resolveStartSettings, SettingsService, type StoredSectionDocuments } from './settings.service.ts';

describe.each(backendKinds)('settings versions on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  });
  afterAll(async () => dispose());

  const files: StoredSectionDocuments = { 'routing-rules': loadRoutingRules(), ivr: defaultConfig.ivr, retention: defaultConfig.retention };
  const serviceFor = (running: StoredSectionDocuments) =>
    new SettingsService({
      db, files: running, running,
      policies: {} as QueuePolicyStore,
      routing: { currentRules: running['routing-rules'], rulesVersion: 'unused', useRules: async () => undefined },
    });

  it('starts from the files, then from a saved version while the file is unchanged, and from the file again once it is edited', async () => {
    expect((await resolveStartSettings(db, files)).fromStore).toEqual([]);
    const service = serviceFor(files);
    const base = service.current('retention').version;
    await service.save('retention', { text: 'enabled: true\npurgeEveryMinutes: 15\n', reason: 'purge more often (synthetic)', baseVersion: base, actor: 'staff:test' });
    expect((await service.read('retention')).waitingForRestart).toBe(true);

    const restarted = await resolveStartSettings(db, files);
    expect(restarted.fromStore).toEqual(['retention']);
    expect(restarted.documents.retention).toEqual({ enabled: true, purgeEveryMinutes: 15 });

    // The IT lead edits the config after the save: the edit wins at the next start.
    const edited = await resolveStartSettings(db, { ...files, retention: { enabled: true, purgeEveryMinutes: 90 } });
    expect(edited.fromStore).toEqual([]);
    expect(edited.documents.retention).toEqual({ enabled: true, purgeEveryMinutes: 90 });
  });
});
