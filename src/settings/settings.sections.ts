import type { z } from 'zod';
import { queuePolicySchema } from '../consent/queue-policy.schema.ts';
import { routingRulesSchema } from '../routing/routing-rules.schema.ts';
import { ivrSettingsSchema } from '../ivr/ivr-settings.schema.ts';
import { configSchema } from '../config/config.schema.ts';

/**
 * The sections an admin changes from the Settings screen (issue 14, item 6), as a table: each is
 * validated by the very schema its config file is read with, so a document the screen accepts is
 * one the engine would accept at start, and the other way round. `applies` says honestly when the
 * running engine uses a saved version: `live` from the next call on, `restart` at the next start.
 */
export const settingsSectionIds = ['queue-policy', 'routing-rules', 'ivr', 'retention'] as const;
export type SettingsSectionId = (typeof settingsSectionIds)[number];

export interface SettingsSection {
  id: SettingsSectionId;
  title: string;
  /** The file or config part it replaces, as the admin knows it. */
  source: string;
  schema: z.ZodType;
  applies: 'live' | 'restart';
  appliesWords: string;
}

export const retentionScheduleSchema = configSchema.shape.retention;

export const settingsSections: Readonly<Record<SettingsSectionId, SettingsSection>> = {
  'queue-policy': {
    id: 'queue-policy', title: 'Queue policies', source: 'the queue policy file (policy.file)', schema: queuePolicySchema, applies: 'live',
    appliesWords: 'Applies to calls from the moment it is saved.',
  },
  'routing-rules': {
    id: 'routing-rules', title: 'Routing rules', source: 'the routing rules file (routing.rulesFile)', schema: routingRulesSchema, applies: 'live',
    appliesWords: 'Applies to calls that ring after it is saved.',
  },
  ivr: {
    id: 'ivr', title: 'IVR texts', source: 'the ivr part of the configuration', schema: ivrSettingsSchema, applies: 'restart',
    appliesWords: 'Applies to calls after the engine restarts (the phone menu reads it at start).',
  },
  retention: {
    id: 'retention', title: 'Retention', source: 'the retention part of the configuration', schema: retentionScheduleSchema, applies: 'restart',
    appliesWords: 'Applies after the engine restarts (the purge schedule is set at start). The days each kind of content is kept are in Queue policies, under retention, and apply at once.',
  },
};

/** One changed field: its dotted path and its value before and after (absent: undefined). */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/**
 * What changed between two documents, field by field (leaf values by dotted path; arrays of
 * scalars compared whole, arrays of objects item by item), in a stable order.
 */
export function fieldChanges(before: unknown, after: unknown, path: string[] = []): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => fieldChanges(before[key], after[key], [...path, key]));
  }
  if (Array.isArray(before) && Array.isArray(after) && [...before, ...after].some((item) => isPlainObject(item) || Array.isArray(item))) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, index) => fieldChanges(before[index], after[index], [...path, String(index)])).flat();
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path.join('.') || '(root)', ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
