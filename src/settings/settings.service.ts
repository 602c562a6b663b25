import { stringify } from 'yaml';
import type { z } from 'zod';
import type { Db } from '../store/db.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import { documentVersion, parseYamlWithSchema, type YamlProblem } from '../lib/yaml-document.ts';
import { CallchartError } from '../lib/errors.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import type { QueuePolicy } from '../consent/queue-policy.schema.ts';
import { decideCallPolicy } from '../consent/call-policy.ts';
import type { RoutingRules } from '../routing/routing-rules.schema.ts';
import type { IvrSettings } from '../ivr/ivr-settings.schema.ts';
import { fieldChanges, settingsSections, type FieldChange, type retentionScheduleSchema, type SettingsSectionId } from './settings.sections.ts';
import { insertSettingsVersion, latestSettingsVersion, listSettingsVersions } from './settings.repository.ts';

export type RetentionSchedule = z.infer<typeof retentionScheduleSchema>;

/** The sections kept in settings_version (the queue policy keeps its own versions, QueuePolicyStore). */
type StoredSectionId = Exclude<SettingsSectionId, 'queue-policy'>;
export interface StoredSectionDocuments {
  'routing-rules': RoutingRules;
  ivr: IvrSettings;
  retention: RetentionSchedule;
}

/**
 * At start, per section: the file (or config part) is the starting version; a version saved from
 * Settings overrides it while the file is the one it was saved against. A file edited since wins
 * (the same rule as the queue policy, QueuePolicyStore.loadActive), so an IT lead's edit is never
 * silently ignored.
 */
export async function resolveStartSettings(db: Db, files: StoredSectionDocuments): Promise<{ documents: StoredSectionDocuments; fromStore: StoredSectionId[] }> {
  const documents = { ...files };
  const fromStore: StoredSectionId[] = [];
  for (const section of ['routing-rules', 'ivr', 'retention'] as const) {
    const saved = await latestSettingsVersion(db, section);
    if (!saved || saved.fileVersion !== documentVersion(files[section])) continue;
    const parsed = settingsSections[section].schema.safeParse(saved.document);
    // A stored version the schema now refuses (an upgrade tightened it) is not used; the file is.
    if (!parsed.success) continue;
    (documents as Record<StoredSectionId, unknown>)[section] = parsed.data;
    fromStore.push(section);
  }
  return { documents, fromStore };
}

export interface SettingsServiceDeps {
  db: Db;
  policies: QueuePolicyStore;
  /** The routing service: a saved rule set is in force for the next call. */
  routing: { readonly currentRules: RoutingRules; readonly rulesVersion: string; useRules(rules: RoutingRules): Promise<unknown> };
  /** What the engine started with (after resolveStartSettings). */
  running: Pick<StoredSectionDocuments, 'ivr' | 'retention'>;
  /** The files' own documents: their versions are recorded with each save (see resolveStartSettings). */
  files: StoredSectionDocuments;
}

export interface SettingsHistoryEntry {
  version: string;
  previousVersion: string | null;
  changedBy: string;
  /** The person, for the screen: display name or user name; null for the system (a file, a start). */
  changedByName: string | null;
  reason: string;
  savedAt: string;
}

export type SettingsPreview =
  | { ok: true; version: string; baseVersion: string; unchanged: boolean; changes: FieldChange[]; yaml: string }
  | { ok: false; problems: YamlProblem[] };

/**
 * Settings changed from the staff app (issue 14, item 6): each section validated by its config
 * file's schema, previewed as a field diff, saved only with a reason and only over the version
 * the admin saw, audited (who, why, section, old and new version ids; never content), and put in
 * force where the running engine can (queue policy, routing rules) — else at the next start.
 */
export class SettingsService {
  /** Saved versions of restart sections: current for the screen, in force after a restart. */
  private readonly saved = new Map<StoredSectionId, unknown>();
  /** Saves one at a time, so the version check and the save cannot interleave in this process. */
  private saving: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SettingsServiceDeps) {}

  current(section: SettingsSectionId): { document: unknown; version: string; runningVersion: string } {
    const { policies, routing, running } = this.deps;
    if (section === 'queue-policy') return { document: policies.current.policy, version: policies.current.version, runningVersion: policies.current.version };
    if (section === 'routing-rules') return { document: routing.currentRules, version: routing.rulesVersion, runningVersion: routing.rulesVersion };
    const runningVersion = documentVersion(running[section]);
    const document = this.saved.has(section) ? this.saved.get(section) : running[section];
    return { document, version: documentVersion(document), runningVersion };
  }

  /** The section as the screen shows it: the current document as YAML, when it applies, and who changed it when and why. */
  async read(section: SettingsSectionId) {
    const meta = settingsSections[section];
    const current = this.current(section);
    return {
      section, title: meta.title, source: meta.source, applies: meta.applies, appliesWords: meta.appliesWords,
      version: current.version,
      // A restart section saved since the start: saved, not yet in force.
      waitingForRestart: current.version !== current.runningVersion,
      yaml: toYaml(current.document),
      history: await this.history(section),
    };
  }

  async history(section: SettingsSectionId, limit = 50): Promise<SettingsHistoryEntry[]> {
    const { db, policies } = this.deps;
    let entries: Omit<SettingsHistoryEntry, 'changedByName'>[];
    if (section === 'queue-policy') {
      const activations = await policies.history(limit);
      entries = activations.map((activation, index) => ({
        version: activation.version, previousVersion: activations[index + 1]?.version ?? null, changedBy: activation.changedBy, reason: activation.reason, savedAt: activation.activatedAt,
      }));
    } else {
      entries = (await listSettingsVersions(db, section, limit)).map((row) => ({ version: row.version, previousVersion: row.previousVersion, changedBy: row.changedBy, reason: row.reason, savedAt: row.savedAt }));
    }
    const staffIds = [...new Set(entries.map((entry) => /^staff:([0-9a-f-]{36})$/.exec(entry.changedBy)?.[1]).filter((id): id is string => Boolean(id)))];
    const names = new Map<string, string>();
    if (staffIds.length) {
      const { rows } = await db.query<{ id: string; name: string }>('select id, coalesce(display_name, user_name) as name from staff_user where id = any($1::uuid[])', [staffIds]);
      for (const row of rows) names.set(`staff:${row.id}`, row.name);
    }
    return entries.map((entry) => ({ ...entry, changedByName: names.get(entry.changedBy) ?? null }));
  }

  /** Validates a document against its section's schema and says, field by field, what would change. */
  preview(section: SettingsSectionId, text: string): SettingsPreview {
    const checked = this.check(section, text);
    if (!checked.ok) return checked;
    const { value: _value, ...preview } = checked;
    return preview;
  }

  private check(section: SettingsSectionId, text: string): (Extract<SettingsPreview, { ok: true }> & { value: unknown }) | Extract<SettingsPreview, { ok: false }> {
    const parsed = parseYamlWithSchema(text, settingsSections[section].schema);
    if (!parsed.ok) return { ok: false, problems: parsed.problems };
    const dryRun = section === 'queue-policy' ? dryRunPolicy(parsed.value as QueuePolicy) : [];
    if (dryRun.length) return { ok: false, problems: dryRun };
    const current = this.current(section);
    const version = documentVersion(parsed.value);
    return {
      ok: true, value: parsed.value, version, baseVersion: current.version, unchanged: version === current.version,
      changes: fieldChanges(current.document, parsed.value), yaml: toYaml(parsed.value),
    };
  }

  /**
   * Saves a section: refused without a reason, with every problem when invalid, and with 409 when
   * someone else saved since `baseVersion`. Saving what is already current changes nothing.
   */
  async save(section: SettingsSectionId, input: { text: string; reason: string; baseVersion: string; actor: string }) {
    const run = this.saving.then(() => this.saveNow(section, input));
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async saveNow(section: SettingsSectionId, input: { text: string; reason: string; baseVersion: string; actor: string }) {
    const { db } = this.deps;
    const reason = input.reason.trim();
    if (reason.length < 3) throw new CallchartError('SETTINGS_REASON_REQUIRED', 'say why this change is made (at least 3 characters)');
    const preview = this.check(section, input.text);
    if (!preview.ok) {
      await recordAuditEvent(db, { actor: input.actor, action: 'settings.change.refused', objectType: 'settings', objectId: section, outcome: 'rejected', reason: 'SETTINGS_INVALID', detail: { section, problems: preview.problems.length } });
      throw new SettingsInvalidError(preview.problems);
    }
    const current = this.current(section);
    if (input.baseVersion !== current.version) {
      throw new CallchartError('SETTINGS_VERSION_STALE', 'someone else saved this section since you opened it', { baseVersion: input.baseVersion, currentVersion: current.version });
    }
    const meta = settingsSections[section];
    if (preview.unchanged) return { section, version: current.version, previousVersion: current.version, changed: false, applies: meta.applies };
    const document = preview.value;
    const audit = {
      actor: input.actor, action: 'settings.changed', objectType: 'settings', objectId: section, outcome: 'success' as const, reason,
      detail: { section, previousVersion: current.version, version: preview.version, applies: meta.applies, fields: preview.changes.length },
    };
    if (section === 'queue-policy') {
      // The policy store keeps its own versions with who and why (and audits the activation).
      await this.deps.policies.activate(document as QueuePolicy, { changedBy: input.actor, reason });
      await recordAuditEvent(db, audit);
    } else {
      await db.transaction(async (tx) => {
        await insertSettingsVersion(tx, {
          section, version: preview.version, document, previousVersion: current.version, fileVersion: documentVersion(this.deps.files[section]), changedBy: input.actor, reason,
        });
        await appendAuditEvent(tx, audit);
      });
      if (section === 'routing-rules') await this.deps.routing.useRules(document as RoutingRules);
      else this.saved.set(section, document);
    }
    return { section, version: preview.version, previousVersion: current.version, changed: true, applies: meta.applies };
  }
}

/** A document that fails its schema: every problem, each with its field path. */
export class SettingsInvalidError extends Error {
  constructor(readonly problems: YamlProblem[]) {
    super('the settings are not valid');
  }
}

/** Refuses a policy the decision function cannot run (as PUT /api/policy does): a dry run on the defaults. */
function dryRunPolicy(policy: QueuePolicy): YamlProblem[] {
  try {
    decideCallPolicy({ consents: {}, policy, queue: null, requestType: 'unclassified', identity: 'none', redFlags: false, detectedSensitive: [] });
    return [];
  } catch (error) {
    return [{ path: '(root)', message: `the policy cannot decide a call: ${(error as Error).message}` }];
  }
}

function toYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0 });
}
