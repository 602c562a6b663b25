import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import { appendAuditEvent, readAuditEvents } from '../audit/audit.repository.ts';
import { SignedAuditExport, type AuditExportTrailer } from '../audit/audit-export.ts';
import type { AuditKey } from '../audit/audit-key.ts';
import { CallchartError } from '../lib/errors.ts';
import { findAlert } from '../alerts/alert.repository.ts';
import { notificationDeadlines, type IncidentStatus, type NotificationDeadlines, type StoredAssessment } from './incident.ts';

export interface Incident {
  id: string;
  alertId: string;
  status: IncidentStatus;
  openedBy: string;
  discoveredAt: string;
  notifyBy: string;
  deadlines: NotificationDeadlines;
  assessment: StoredAssessment;
  evidence: { format: string; count: number; firstSeq: number | null; lastSeq: number | null; mac: string };
  history: { at: string; status: IncidentStatus; actor: string }[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface IncidentRow {
  id: string;
  alert_id: string;
  status: IncidentStatus;
  opened_by: string;
  discovered_at: Date | string;
  notify_by: Date | string;
  assessment: StoredAssessment | string;
  evidence_first_seq: string | number | null;
  evidence_last_seq: string | number | null;
  evidence_count: number;
  evidence_mac: string;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (value: Date | string): string => new Date(value).toISOString();
const columns = 'id, alert_id, status, opened_by, discovered_at, notify_by, assessment, evidence_first_seq, evidence_last_seq, evidence_count, evidence_mac, version, created_at, updated_at';

async function withHistory(db: Queryable, row: IncidentRow, notificationDays: number): Promise<Incident> {
  const { rows } = await db.query<{ at: Date | string; status: IncidentStatus; actor: string }>('select at, status, actor from incident_status where incident_id = $1 order by at, status', [row.id]);
  const assessment = typeof row.assessment === 'string' ? (JSON.parse(row.assessment) as StoredAssessment) : row.assessment;
  return {
    id: row.id,
    alertId: row.alert_id,
    status: row.status,
    openedBy: row.opened_by,
    discoveredAt: iso(row.discovered_at),
    notifyBy: iso(row.notify_by),
    deadlines: notificationDeadlines(new Date(row.discovered_at), notificationDays, assessment.natureAndExtent?.individualsAffected),
    assessment,
    evidence: {
      format: 'callchart-audit-export/1', count: row.evidence_count, mac: row.evidence_mac,
      firstSeq: row.evidence_first_seq === null ? null : Number(row.evidence_first_seq), lastSeq: row.evidence_last_seq === null ? null : Number(row.evidence_last_seq),
    },
    history: rows.map((entry) => ({ at: iso(entry.at), status: entry.status, actor: entry.actor })),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/**
 * Seals the audit events from `from` up to now as a signed export (the JSON lines of
 * `callchart audit export`, HMAC trailer included): the incident's evidence, verifiable with the
 * audit key by anyone who receives it, and unchanged by anything written to the log later.
 */
export async function sealAuditEvidence(db: Queryable, key: AuditKey, from: Date, now: Date): Promise<{ text: string; trailer: AuditExportTrailer }> {
  const signed = new SignedAuditExport(key, { from, to: now }, now);
  const lines: string[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await readAuditEvents(db, { afterSeq, limit: 1000, from, to: now });
    if (page.length === 0) break;
    for (const event of page) lines.push(signed.line(event));
    afterSeq = page.at(-1)!.seq;
  }
  const trailer = signed.trailer();
  lines.push(trailer);
  return { text: `${lines.join('\n')}\n`, trailer: JSON.parse(trailer) as AuditExportTrailer };
}

/**
 * Opens an incident from an alert: the evidence sealed, the deadline set from discovery, the first
 * status recorded, all audited (`incident.opened`) in one transaction. One incident per alert.
 */
export async function openIncident(
  tx: Queryable,
  options: { alertId: string; actor: string; key: AuditKey; discoveredAt?: Date; evidenceHours: number; notificationDays: number; now?: Date },
): Promise<Incident> {
  const now = options.now ?? new Date();
  const alert = await findAlert(tx, options.alertId);
  if (!alert) throw new CallchartError('NOT_FOUND', 'no such alert', { id: options.alertId });
  const { rows: existing } = await tx.query<{ id: string }>('select id from incident where alert_id = $1', [alert.id]);
  if (existing[0]) throw new CallchartError('INCIDENT_EXISTS', 'this alert is already an incident', { id: existing[0].id });
  // Discovery is when the alert was raised, unless the person knows of an earlier one (never later).
  const discoveredAt = options.discoveredAt && options.discoveredAt < new Date(alert.raisedAt) ? options.discoveredAt : new Date(alert.raisedAt);
  const from = new Date(new Date(alert.eventAt).getTime() - options.evidenceHours * 3_600_000);
  const evidence = await sealAuditEvidence(tx, options.key, from, now);
  const id = randomUUID();
  const deadlines = notificationDeadlines(discoveredAt, options.notificationDays, undefined);
  const { rows } = await tx.query<IncidentRow>(
    `insert into incident (id, alert_id, status, opened_by, discovered_at, notify_by, evidence, evidence_first_seq, evidence_last_seq, evidence_count, evidence_mac, created_at, updated_at)
     values ($1, $2, 'open', $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
     returning ${columns}`,
    [id, alert.id, options.actor, discoveredAt.toISOString(), deadlines.individuals, evidence.text, evidence.trailer.firstSeq, evidence.trailer.lastSeq, evidence.trailer.count, evidence.trailer.mac, now.toISOString()],
  );
  await tx.query('insert into incident_status (incident_id, at, status, actor) values ($1, $2, $3, $4)', [id, now.toISOString(), 'open', options.actor]);
  await appendAuditEvent(tx, {
    actor: options.actor, action: 'incident.opened', objectType: 'incident', objectId: id, outcome: 'success',
    detail: { alertId: alert.id, rule: alert.rule, evidenceFirstSeq: evidence.trailer.firstSeq, evidenceLastSeq: evidence.trailer.lastSeq, evidenceCount: evidence.trailer.count },
  });
  return withHistory(tx, rows[0]!, options.notificationDays);
}

export async function findIncident(db: Queryable, id: string, notificationDays: number): Promise<Incident | null> {
  const { rows } = await db.query<IncidentRow>(`select ${columns} from incident where id = $1`, [id]);
  return rows[0] ? withHistory(db, rows[0], notificationDays) : null;
}

/** The sealed evidence, exactly as signed. */
export async function incidentEvidence(db: Queryable, id: string): Promise<string | null> {
  const { rows } = await db.query<{ evidence: string }>('select evidence from incident where id = $1', [id]);
  return rows[0]?.evidence ?? null;
}

/**
 * Saves an edited incident against the version the person read (409 when it moved), with a status
 * history row when the status changed, audited as `incident.updated` (which parts changed, never
 * their values).
 */
export async function updateIncident(
  tx: Queryable,
  id: string,
  change: { baseVersion: number; status: IncidentStatus; assessment: StoredAssessment; notifyBy: Date; changedParts: string[]; actor: string; notificationDays: number; now?: Date },
): Promise<Incident> {
  const now = change.now ?? new Date();
  const { rows } = await tx.query<IncidentRow & { previous_status: IncidentStatus }>(
    `update incident set status = $3, assessment = $4, notify_by = $5, version = version + 1, updated_at = $6
      where id = $1 and version = $2
      returning ${columns}`,
    [id, change.baseVersion, change.status, JSON.stringify(change.assessment), change.notifyBy.toISOString(), now.toISOString()],
  );
  if (!rows[0]) throw new CallchartError('INCIDENT_VERSION_STALE', 'the incident changed since you read it: read it again', { id, baseVersion: change.baseVersion });
  if (change.changedParts.includes('status')) {
    await tx.query('insert into incident_status (incident_id, at, status, actor) values ($1, $2, $3, $4)', [id, now.toISOString(), change.status, change.actor]);
  }
  await appendAuditEvent(tx, {
    actor: change.actor, action: 'incident.updated', objectType: 'incident', objectId: id, outcome: 'success',
    detail: { parts: change.changedParts, status: change.status, version: rows[0].version, conclusion: change.assessment.conclusion ?? null },
  });
  return withHistory(tx, rows[0], change.notificationDays);
}
