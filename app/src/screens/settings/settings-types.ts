import type { StaffRole } from '../../shell/session';

/** What the engine answers for Settings (src/settings/settings.service.ts), as this screen reads it. */
export type SettingsSectionId = 'queue-policy' | 'routing-rules' | 'ivr' | 'retention';

export interface SettingsHistoryEntry {
  version: string;
  previousVersion: string | null;
  changedBy: string;
  changedByName: string | null;
  reason: string;
  savedAt: string;
}

export interface SettingsSectionView {
  section: SettingsSectionId;
  title: string;
  source: string;
  applies: 'live' | 'restart';
  appliesWords: string;
  version: string;
  waitingForRestart: boolean;
  yaml: string;
  history: SettingsHistoryEntry[];
}

export interface SettingsProblem {
  path: string;
  message: string;
  line?: number;
}

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export type SettingsPreview =
  | { ok: true; version: string; baseVersion: string; unchanged: boolean; changes: FieldChange[]; yaml: string }
  | { ok: false; problems: SettingsProblem[] };

export interface SettingsSaved {
  section: SettingsSectionId;
  version: string;
  previousVersion: string;
  changed: boolean;
  applies: 'live' | 'restart';
}

export interface StaffAccount {
  id: string;
  userName: string;
  displayName: string | null;
  email: string | null;
  role: StaffRole;
  queues: string[];
  extensions: string[];
  active: boolean;
  managedBy: 'scim' | 'callchart';
  version: number;
  createdAt: string;
  disabledAt: string | null;
}

/** Sections in the order the screen shows them, with the word for each tab. */
export const sectionTabs: { id: SettingsSectionId | 'users'; label: string }[] = [
  { id: 'queue-policy', label: 'Queue policies' },
  { id: 'routing-rules', label: 'Routing rules' },
  { id: 'ivr', label: 'IVR texts' },
  { id: 'retention', label: 'Retention' },
  { id: 'users', label: 'Users and roles' },
];

/** A version id as people can compare it at a glance: its first 8 characters. */
export function shortVersion(version: string | null | undefined): string {
  return version ? version.slice(0, 8) : '—';
}

/** Who made a change, in words: the person, or the configuration file for the system. */
export function whoChanged(entry: Pick<SettingsHistoryEntry, 'changedBy' | 'changedByName'>): string {
  if (entry.changedByName) return entry.changedByName;
  if (entry.changedBy.startsWith('system')) return 'Configuration file';
  return 'A staff member no longer listed';
}

/** A value from a settings document as a short line of text. */
export function valueInWords(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
