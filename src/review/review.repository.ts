import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { IntegrationPattern } from '../consent/queue-policy.schema.ts';
import type { ReviewVersionBody, S0Checklist } from './review-note.ts';
import type { RejectionReason } from '../write-back/task-review.mapper.ts';

/**
 * Review items and their versions (RV-1, SU-1). Versions are append-only (a trigger refuses
 * updates); their bodies are sealed with the content key like transcripts. Item rows carry codes,
 * ids and dates only, so lists and aging need no decryption.
 */
export type ReviewStatus = 'pending' | 'approved' | 'rejected' | 'auto-approved';
export type ReviewVersionKind = 'ai-draft' | 'blank-draft' | 'edit' | 'approved' | 'rejected' | 'auto-approved';

export interface ReviewItem {
  id: string;
  callId: string;
  status: ReviewStatus;
  pattern: IntegrationPattern;
  reasons: string[];
  priority: 'routine' | 'urgent' | 'asap' | 'stat';
  requestType: string;
  redFlags: string[];
  queue: string | null;
  assignedTo: string | null;
  currentVersion: number;
  policyVersion: string | null;
  createdAt: string;
  updatedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** Why it was rejected (a code), when it was. */
  rejectionReason: RejectionReason | null;
}

export interface ReviewVersion {
  version: number;
  kind: ReviewVersionKind;
  author: string;
  generatedByAi: boolean;
  changedFields: string[];
  checklist: S0Checklist | null;
  createdAt: string;
  body: ReviewVersionBody;
}

interface ItemRow {
  id: string; call_id: string; status: ReviewStatus; pattern: IntegrationPattern; reasons: string[]; priority: ReviewItem['priority'];
  request_type: string; red_flags: string[]; queue: string | null; assigned_to: string | null; current_version: number;
  policy_version: string | null; created_at: Date | string; updated_at: Date | string; decided_at: Date | string | null; decided_by: string | null;
  rejection_reason: RejectionReason | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function fromRow(row: ItemRow): ReviewItem {
  return {
    id: row.id, callId: row.call_id, status: row.status, pattern: row.pattern, reasons: row.reasons, priority: row.priority,
    requestType: row.request_type, redFlags: row.red_flags, queue: row.queue, assignedTo: row.assigned_to,
    currentVersion: Number(row.current_version), policyVersion: row.policy_version,
    createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!, decidedAt: iso(row.decided_at), decidedBy: row.decided_by,
    rejectionReason: row.rejection_reason ?? null,
  };
}

/** Creates the item with its first version; a second call for the same call id does nothing. */
export async function createReviewItem(
  tx: Queryable,
  cipher: ContentKeyring,
  input: Omit<ReviewItem, 'id' | 'currentVersion' | 'createdAt' | 'updatedAt' | 'decidedAt' | 'decidedBy' | 'assignedTo' | 'rejectionReason'> & {
    firstVersion: { kind: 'ai-draft' | 'blank-draft'; author: string; body: ReviewVersionBody };
  },
): Promise<ReviewItem | null> {
  const id = randomUUID();
  const inserted = await tx.query<ItemRow>(
    `insert into review_item (id, call_id, status, pattern, reasons, priority, request_type, red_flags, queue, current_version, policy_version)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10)
     on conflict (call_id) do nothing
     returning *`,
    [id, input.callId, input.status, input.pattern, input.reasons, input.priority, input.requestType, input.redFlags, input.queue, input.policyVersion],
  );
  if (inserted.rowCount === 0) return null;
  await insertVersion(tx, cipher, id, 1, {
    kind: input.firstVersion.kind, author: input.firstVersion.author, generatedByAi: input.firstVersion.kind === 'ai-draft',
    changedFields: [], checklist: null, body: input.firstVersion.body,
  });
  return fromRow(inserted.rows[0]!);
}

export async function insertVersion(
  tx: Queryable,
  cipher: ContentKeyring,
  reviewId: string,
  version: number,
  input: { kind: ReviewVersionKind; author: string; generatedByAi: boolean; changedFields: string[]; checklist: S0Checklist | null; body: ReviewVersionBody },
): Promise<void> {
  const { sealed, keyId } = await cipher.sealFor('draft-version', new Date(), JSON.stringify(input.body), tx);
  await tx.query(
    `insert into review_version (review_id, version, kind, author, generated_by_ai, changed_fields, checklist, ciphertext, key_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [reviewId, version, input.kind, input.author, input.generatedByAi, input.changedFields, input.checklist ? JSON.stringify(input.checklist) : null, sealed, keyId],
  );
}

/** Reads the item and locks it for the rest of the transaction (edits and approvals are serialised). */
export async function lockReviewItem(tx: Queryable, id: string): Promise<ReviewItem | null> {
  const { rows } = await tx.query<ItemRow>('select * from review_item where id = $1 for update', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findReviewItem(db: Queryable, id: string): Promise<ReviewItem | null> {
  const { rows } = await db.query<ItemRow>('select * from review_item where id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findReviewItemByCall(db: Queryable, callId: string): Promise<ReviewItem | null> {
  const { rows } = await db.query<ItemRow>('select * from review_item where call_id = $1', [callId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function updateReviewItem(
  tx: Queryable,
  id: string,
  changes: { status?: ReviewStatus; currentVersion?: number; assignedTo?: string | null; decidedBy?: string | null; decided?: boolean; reasons?: string[]; rejectionReason?: RejectionReason },
): Promise<void> {
  await tx.query(
    `update review_item set
       status = coalesce($2, status),
       current_version = coalesce($3, current_version),
       assigned_to = case when $4::boolean then $5 else assigned_to end,
       decided_by = case when $6::boolean then $7 else decided_by end,
       decided_at = case when $6::boolean then now() else decided_at end,
       reasons = coalesce($8, reasons),
       rejection_reason = coalesce($9, rejection_reason),
       updated_at = now()
     where id = $1`,
    [
      id, changes.status ?? null, changes.currentVersion ?? null,
      changes.assignedTo !== undefined, changes.assignedTo ?? null,
      changes.decided === true, changes.decidedBy ?? null,
      changes.reasons ?? null,
      changes.rejectionReason ?? null,
    ],
  );
}

export async function loadVersions(db: Queryable, cipher: ContentKeyring, reviewId: string, only?: number): Promise<ReviewVersion[]> {
  const { rows } = await db.query<{
    version: number; kind: ReviewVersionKind; author: string; generated_by_ai: boolean; changed_fields: string[];
    checklist: S0Checklist | string | null; created_at: Date | string; ciphertext: Uint8Array; key_id: string;
  }>('select * from review_version where review_id = $1 and ($2::integer is null or version = $2) order by version', [reviewId, only ?? null]);
  return Promise.all(rows.map(async (row) => ({
    version: Number(row.version), kind: row.kind, author: row.author, generatedByAi: row.generated_by_ai, changedFields: row.changed_fields,
    checklist: typeof row.checklist === 'string' ? (JSON.parse(row.checklist) as S0Checklist) : row.checklist,
    createdAt: iso(row.created_at)!, body: JSON.parse(await cipher.open(row.ciphertext, row.key_id, db)) as ReviewVersionBody,
  })));
}

export async function loadVersion(db: Queryable, cipher: ContentKeyring, reviewId: string, version: number): Promise<ReviewVersion | null> {
  return (await loadVersions(db, cipher, reviewId, version))[0] ?? null;
}

export interface ReviewListFilter {
  status?: ReviewStatus[];
  queues?: string[] | '*';
  /** An item in no queue counts as this queue (who may see it). */
  fallbackQueue?: string;
  assignedTo?: string;
  priority?: ReviewItem['priority'][];
  requestType?: string;
  olderThanMinutes?: number;
  limit: number;
}

/** Open work first: stat before routine, oldest first within a priority. */
export async function listReviewItems(db: Queryable, filter: ReviewListFilter): Promise<ReviewItem[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.status?.length) add('status = any(?)', filter.status);
  if (filter.queues !== undefined && filter.queues !== '*') {
    if (filter.fallbackQueue !== undefined) {
      params.push(filter.fallbackQueue);
      add(`coalesce(queue, $${params.length}) = any(?)`, filter.queues);
    } else add('queue = any(?)', filter.queues);
  }
  if (filter.assignedTo) add('assigned_to = ?', filter.assignedTo);
  if (filter.priority?.length) add('priority = any(?)', filter.priority);
  if (filter.requestType) add('request_type = ?', filter.requestType);
  if (filter.olderThanMinutes !== undefined) add(`created_at <= now() - make_interval(mins => ?)`, filter.olderThanMinutes);
  params.push(filter.limit);
  const { rows } = await db.query<ItemRow>(
    `select * from review_item ${where.length ? `where ${where.join(' and ')}` : ''}
     order by case priority when 'stat' then 0 when 'asap' then 1 when 'urgent' then 2 else 3 end, created_at, id
     limit $${params.length}`,
    params,
  );
  return rows.map(fromRow);
}

/**
 * Moves an item to another queue, unassigned (issue 16: the on-call clinician hands it to nurse
 * triage). The queue decides who sees it; its old queue's people no longer do. Returns the queue it left.
 */
export async function moveReviewItemToQueue(tx: Queryable, id: string, queue: string): Promise<{ from: string | null } | null> {
  const { rows } = await tx.query<{ queue: string | null }>('select queue from review_item where id = $1 for update', [id]);
  if (!rows[0]) return null;
  await tx.query('update review_item set queue = $2, assigned_to = null, updated_at = now() where id = $1', [id, queue]);
  return { from: rows[0].queue };
}
