import type { Queryable } from '../store/db.ts';
import type { SettingsSectionId } from './settings.sections.ts';

/** One saved version of a settings section: who saved it, why, and what it replaced. Ids only. */
export interface SavedSettingsVersion {
  id: number;
  section: SettingsSectionId;
  version: string;
  document: unknown;
  previousVersion: string | null;
  fileVersion: string | null;
  changedBy: string;
  reason: string;
  savedAt: string;
}

interface Row {
  id: string | number;
  section: SettingsSectionId;
  version: string;
  document: unknown;
  previous_version: string | null;
  file_version: string | null;
  changed_by: string;
  reason: string;
  saved_at: Date | string;
}

function fromRow(row: Row): SavedSettingsVersion {
  return {
    id: Number(row.id), section: row.section, version: row.version,
    // PGlite and pg both answer jsonb parsed; an older driver may answer text.
    document: typeof row.document === 'string' ? JSON.parse(row.document) : row.document,
    previousVersion: row.previous_version, fileVersion: row.file_version, changedBy: row.changed_by, reason: row.reason,
    savedAt: new Date(row.saved_at).toISOString(),
  };
}

/** The newest saved version of a section, or null when only the file has ever been used. */
export async function latestSettingsVersion(db: Queryable, section: SettingsSectionId, options: { lock?: boolean } = {}): Promise<SavedSettingsVersion | null> {
  const { rows } = await db.query<Row>(`select * from settings_version where section = $1 order by id desc limit 1${options.lock ? ' for update' : ''}`, [section]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function listSettingsVersions(db: Queryable, section: SettingsSectionId, limit = 50): Promise<SavedSettingsVersion[]> {
  const { rows } = await db.query<Row>('select * from settings_version where section = $1 order by id desc limit $2', [section, limit]);
  return rows.map(fromRow);
}

export async function insertSettingsVersion(
  db: Queryable,
  row: { section: SettingsSectionId; version: string; document: unknown; previousVersion: string | null; fileVersion: string | null; changedBy: string; reason: string },
): Promise<SavedSettingsVersion> {
  const { rows } = await db.query<Row>(
    `insert into settings_version (section, version, document, previous_version, file_version, changed_by, reason)
     values ($1, $2, $3, $4, $5, $6, $7) returning *`,
    [row.section, row.version, JSON.stringify(row.document), row.previousVersion, row.fileVersion, row.changedBy, row.reason],
  );
  return fromRow(rows[0]!);
}
