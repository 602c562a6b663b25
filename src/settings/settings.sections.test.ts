import { describe, expect, it } from 'vitest';
import { fieldChanges, settingsSections } from './settings.sections.ts';

describe('settings sections', () => {
  it('lists changed leaves by dotted path, array items of objects one by one', () => {
    const before = { defaults: { ai: true, sensitive: ['minor'] }, rules: [{ id: 'a', to: 'x' }], gone: 1 };
    const after = { defaults: { ai: false, sensitive: ['minor', 'interpreter'] }, rules: [{ id: 'a', to: 'y' }, { id: 'b', to: 'z' }] };
    expect(fieldChanges(before, after)).toEqual([
      { path: 'defaults.ai', before: true, after: false },
      { path: 'defaults.sensitive', before: ['minor'], after: ['minor', 'interpreter'] },
      { path: 'rules.0.to', before: 'x', after: 'y' },
      { path: 'rules.1', after: { id: 'b', to: 'z' } },
      { path: 'gone', before: 1 },
    ]);
    expect(fieldChanges(before, before)).toEqual([]);
  });

  it('validates the retention schedule with the config file schema', () => {
    expect(settingsSections.retention.schema.safeParse({ enabled: true, purgeEveryMinutes: 0 }).success).toBe(false);
    expect(settingsSections.retention.schema.safeParse({ enabled: true, purgeEveryMinutes: 30 }).success).toBe(true);
  });
});
