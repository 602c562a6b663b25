import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { Db } from '../store/db.ts';
import { isUuid } from './staff-directory.repository.ts';
import type { StaffRole, StaffTokenScope } from './staff-token.ts';

/**
 * The register of staff tokens issued through the admin API (service and kiosk use). It holds
 * what was issued, to whom and until when, never the token; a revoked token's id is refused on
 * every request from then on (a deny-list, so trial tokens without an id keep working).
 */
export interface StaffTokenRecord {
  id: string;
  name: string;
  role: StaffRole;
  queues: string[];
  scopes: StaffTokenScope[];
  issuedBy: string;
  issuedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
}

interface Row {
  id: string;
  name: string;
  role: StaffRole;
  queues: string[];
  scopes: StaffTokenScope[];
  issued_by: string;
  issued_at: Date | string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
  revoked_by: string | null;
}

function fromRow(row: Row): StaffTokenRecord {
  return {
    id: row.id, name: row.name, role: row.role, queues: row.queues, scopes: row.scopes, issuedBy: row.issued_by,
    issuedAt: new Date(row.issued_at), expiresAt: new Date(row.expires_at), revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at), revokedBy: row.revoked_by,
  };
}

/** Registers an issued token; audited `staff.token.issued` (detail: role, scopes, hours). */
export async function registerStaffToken(db: Db, record: Omit<StaffTokenRecord, 'revokedAt' | 'revokedBy'>): Promise<StaffTokenRecord> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>(
      `insert into staff_token (id, name, role, queues, scopes, issued_by, issued_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
      [record.id, record.name, record.role, record.queues, record.scopes, record.issuedBy, record.issuedAt.toISOString(), record.expiresAt.toISOString()],
    );
    const hours = Math.round(((record.expiresAt.getTime() - record.issuedAt.getTime()) / 3_600_000) * 100) / 100;
    await appendAuditEvent(tx, { actor: record.issuedBy, action: 'staff.token.issued', objectType: 'staff-token', objectId: record.id, outcome: 'success', detail: { role: record.role, scopes: record.scopes, hours } }, record.issuedAt);
    return fromRow(rows[0]!);
  });
}

export async function listStaffTokens(db: Db, now: Date): Promise<StaffTokenRecord[]> {
  // Tokens dead for more than a day are history (the audit log keeps it), not a list to manage.
  const { rows } = await db.query<Row>(`select * from staff_token where expires_at > $1::timestamptz - interval '1 day' order by issued_at desc limit 500`, [now.toISOString()]);
  return rows.map(fromRow);
}

export async function findStaffToken(db: Db, tokenId: string): Promise<StaffTokenRecord | null> {
  if (!isUuid(tokenId)) return null;
  const { rows } = await db.query<Row>('select * from staff_token where id = $1', [tokenId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Revokes a token; audited `staff.token.revoked`. Null when there is no such token; unchanged when already revoked. */
export async function revokeStaffToken(db: Db, tokenId: string, actor: string, now: Date): Promise<StaffTokenRecord | null> {
  if (!isUuid(tokenId)) return null;
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>('update staff_token set revoked_at = $2, revoked_by = $3 where id = $1 and revoked_at is null returning *', [tokenId, now.toISOString(), actor]);
    if (!rows[0]) {
      const existing = await tx.query<Row>('select * from staff_token where id = $1', [tokenId]);
      return existing.rows[0] ? fromRow(existing.rows[0]) : null;
    }
    await appendAuditEvent(tx, { actor, action: 'staff.token.revoked', objectType: 'staff-token', objectId: tokenId, outcome: 'success' }, now);
    return fromRow(rows[0]);
  });
}
