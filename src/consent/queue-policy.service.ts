import type { Db } from '../store/db.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { queuePolicySchema, queuePolicyVersion, type QueuePolicy } from './queue-policy.schema.ts';
import { retentionChanges } from '../retention/retention-schedule.ts';

/**
 * The active queue policy (CO-3). Policies are versioned data: each version is stored once by its
 * content hash, and each activation records who made it and why, in the same transaction as its
 * audit event. The engine keeps the active policy in memory; every stage reads it from here.
 */
export interface PolicyActivation {
  version: string;
  label: string;
  changedBy: string;
  reason: string;
  activatedAt: string;
}

export class QueuePolicyStore {
  private policy: QueuePolicy;
  private version: string;

  constructor(private readonly db: Db, initial: QueuePolicy) {
    this.policy = initial;
    this.version = queuePolicyVersion(initial);
  }

  get current(): { policy: QueuePolicy; version: string } {
    return { policy: this.policy, version: this.version };
  }

  /**
   * Makes `policy` the active one. Activating the version already active does nothing (a restart
   * with the same file is not a change); anything else is a change, audited with who and why.
   */
  async activate(policy: QueuePolicy, change: { changedBy: string; reason: string }): Promise<{ version: string; changed: boolean }> {
    const parsed = queuePolicySchema.parse(policy);
    const version = queuePolicyVersion(parsed);
    const changed = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ version: string }>('select version from queue_policy_activation order by id desc limit 1 for update');
      if (rows[0]?.version === version) return false;
      await tx.query('insert into queue_policy_version (version, label, policy) values ($1, $2, $3) on conflict (version) do nothing', [version, parsed.version, JSON.stringify(parsed)]);
      await tx.query('insert into queue_policy_activation (version, changed_by, reason) values ($1, $2, $3)', [version, change.changedBy, change.reason]);
      await appendAuditEvent(tx, {
        actor: change.changedBy, action: 'policy.queue.activated', objectType: 'queue-policy', objectId: version, outcome: 'success',
        reason: change.reason, detail: { label: parsed.version, previous: rows[0]?.version ?? null, queues: Object.keys(parsed.queues).length },
      });
      // A change of retention days moves what the next purge takes: its own entry (RE-1), class names only.
      if (rows[0]) {
        const previous = await tx.query<{ policy: QueuePolicy | string }>('select policy from queue_policy_version where version = $1', [rows[0].version]);
        const stored = previous.rows[0]?.policy;
        const changedClasses = stored ? retentionChanges(typeof stored === 'string' ? (JSON.parse(stored) as QueuePolicy) : stored, parsed) : [];
        if (changedClasses.length > 0) {
          await appendAuditEvent(tx, {
            actor: change.changedBy, action: 'retention.policy.changed', objectType: 'queue-policy', objectId: version, outcome: 'success',
            detail: { previous: rows[0].version, classes: changedClasses },
          });
        }
      }
      return true;
    });
    this.policy = parsed;
    this.version = version;
    return { version, changed };
  }

  /**
   * On start, the rule between the file and the store (say it once, keep it): a policy file that
   * changed since the last start wins, and its activation is audited as a change by the config; an
   * unchanged file leaves the newest activation in force, so a change made through the API holds
   * until someone edits the file.
   */
  async loadActive(file: { policy: QueuePolicy; changedBy: string; reason: string }): Promise<{ version: string; source: 'store' | 'file' }> {
    const fileVersion = queuePolicyVersion(queuePolicySchema.parse(file.policy));
    const lastSeen = await this.db.query<{ version: string }>('select version from queue_policy_file order by id desc limit 1');
    const { rows } = await this.db.query<{ version: string; policy: QueuePolicy | string }>(
      `select v.version, v.policy from queue_policy_activation a join queue_policy_version v using (version) order by a.id desc limit 1`,
    );
    const stored = rows[0];
    const fileChanged = lastSeen.rows[0]?.version !== fileVersion;
    if (fileChanged) await this.db.query('insert into queue_policy_file (version) values ($1)', [fileVersion]);
    if (stored && !fileChanged) {
      this.policy = queuePolicySchema.parse(typeof stored.policy === 'string' ? JSON.parse(stored.policy) : stored.policy);
      this.version = stored.version;
      return { version: stored.version, source: 'store' };
    }
    const { version } = await this.activate(file.policy, stored ? { ...file, reason: `${file.reason}: the file changed since the last start` } : file);
    return { version, source: 'file' };
  }

  async history(limit = 50): Promise<PolicyActivation[]> {
    const { rows } = await this.db.query<{ version: string; label: string; changed_by: string; reason: string; activated_at: Date | string }>(
      `select a.version, v.label, a.changed_by, a.reason, a.activated_at from queue_policy_activation a join queue_policy_version v using (version)
       order by a.id desc limit $1`,
      [limit],
    );
    return rows.map((row) => ({ version: row.version, label: row.label, changedBy: row.changed_by, reason: row.reason, activatedAt: new Date(row.activated_at).toISOString() }));
  }
}
