import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import type { AgentTarget, AttemptOutcome, OutboundCallStatus } from './outbound-call.policy.ts';

/** One press of "Call" on a callback task (migration 0031): ids, codes and times only. */
export interface OutboundCall {
  id: string;
  taskId: string;
  queue: string;
  patientId: string;
  agent: string;
  agentTarget: AgentTarget;
  status: OutboundCallStatus;
  provider: string;
  providerCallId: string | null;
  /** The ledger call, once a person answered. */
  callId: string | null;
  answeredBy: string | null;
  lastSequence: number | null;
  attemptOutcome: AttemptOutcome | null;
  errorCode: string | null;
  requestedAt: string;
  placedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  updatedAt: string;
}

interface Row {
  id: string; task_id: string; queue: string; patient_id: string; agent: string; agent_target: AgentTarget | string; status: OutboundCallStatus;
  provider: string; provider_call_id: string | null; call_id: string | null; answered_by: string | null; last_sequence: number | null;
  attempt_outcome: AttemptOutcome | null; error_code: string | null; requested_at: Date | string; placed_at: Date | string | null;
  answered_at: Date | string | null; ended_at: Date | string | null; updated_at: Date | string;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function fromRow(row: Row): OutboundCall {
  return {
    id: row.id, taskId: row.task_id, queue: row.queue, patientId: row.patient_id, agent: row.agent,
    agentTarget: typeof row.agent_target === 'string' ? (JSON.parse(row.agent_target) as AgentTarget) : row.agent_target,
    status: row.status, provider: row.provider, providerCallId: row.provider_call_id, callId: row.call_id, answeredBy: row.answered_by,
    lastSequence: row.last_sequence === null ? null : Number(row.last_sequence), attemptOutcome: row.attempt_outcome, errorCode: row.error_code,
    requestedAt: iso(row.requested_at)!, placedAt: iso(row.placed_at), answeredAt: iso(row.answered_at), endedAt: iso(row.ended_at), updatedAt: iso(row.updated_at)!,
  };
}

/**
 * Claims the task's one active outbound call: a new row in `placing`, or — when a call for the
 * task is already on its way — that call (`created: false`). The partial unique index decides, so
 * two presses in two processes at once still place one call.
 */
export async function claimOutboundCall(
  db: Queryable,
  input: { taskId: string; queue: string; patientId: string; agent: string; agentTarget: AgentTarget; at: Date; ringingStaleBefore?: Date },
): Promise<{ call: OutboundCall; created: boolean }> {
  if (input.ringingStaleBefore) {
    // A call that never got past ringing long after Twilio's ring timeout lost its final status
    // callback (we were down, it was dropped): it must not block the task for ever.
    await db.query(
      `update outbound_call set status = 'place-unknown', error_code = 'STATUS_LOST', updated_at = $3
       where task_id = $1 and status in ('placing', 'queued', 'initiated', 'ringing') and updated_at < $2`,
      [input.taskId, input.ringingStaleBefore.toISOString(), input.at.toISOString()],
    );
  }
  const { rows } = await db.query<Row>(
    `insert into outbound_call (id, task_id, queue, patient_id, agent, agent_target, status, requested_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, 'placing', $7, $7)
     on conflict (task_id) where status in ('placing', 'queued', 'initiated', 'ringing', 'in-progress') do nothing
     returning *`,
    [randomUUID(), input.taskId, input.queue, input.patientId, input.agent, JSON.stringify(input.agentTarget), input.at.toISOString()],
  );
  if (rows[0]) return { call: fromRow(rows[0]), created: true };
  const active = await findActiveOutboundCall(db, input.taskId);
  // Finished between the insert and this read: claim again (a new call may be placed now).
  if (!active) return claimOutboundCall(db, input);
  return { call: active, created: false };
}

export async function findActiveOutboundCall(db: Queryable, taskId: string): Promise<OutboundCall | null> {
  const { rows } = await db.query<Row>(
    `select * from outbound_call where task_id = $1 and status in ('placing', 'queued', 'initiated', 'ringing', 'in-progress') limit 1`,
    [taskId],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Twilio took the call: its SID, and the status it answered with. */
export async function markOutboundCallPlaced(db: Queryable, id: string, placed: { providerCallId: string; status: OutboundCallStatus; at: Date }): Promise<OutboundCall> {
  const { rows } = await db.query<Row>(
    // A status callback may have come before the create's answer did: never move the status back.
    `update outbound_call set provider_call_id = $2, status = case when status = 'placing' then $3 else status end, placed_at = $4, updated_at = $4
     where id = $1 returning *`,
    [id, placed.providerCallId, placed.status, placed.at.toISOString()],
  );
  return fromRow(rows[0]!);
}

/** Twilio refused or did not answer the create: the row leaves the active set with the error code. */
export async function markOutboundCallNotPlaced(db: Queryable, id: string, failure: { status: 'not-placed' | 'place-unknown'; errorCode: string; at: Date }): Promise<void> {
  await db.query(
    `update outbound_call set status = $2, error_code = $3, updated_at = $4 where id = $1 and status = 'placing'`,
    [id, failure.status, failure.errorCode, failure.at.toISOString()],
  );
}

/** The call by its Twilio SID, locked for the rest of the transaction (callbacks for one call apply one at a time). */
export async function lockOutboundCallByProviderId(db: Queryable, provider: string, providerCallId: string): Promise<OutboundCall | null> {
  const { rows } = await db.query<Row>('select * from outbound_call where provider = $1 and provider_call_id = $2 for update', [provider, providerCallId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findOutboundCallByProviderId(db: Queryable, provider: string, providerCallId: string): Promise<OutboundCall | null> {
  const { rows } = await db.query<Row>('select * from outbound_call where provider = $1 and provider_call_id = $2', [provider, providerCallId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findOutboundCall(db: Queryable, id: string): Promise<OutboundCall | null> {
  const { rows } = await db.query<Row>('select * from outbound_call where id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Applies a status callback the caller decided advances the call (outbound-call.policy.ts statusAdvances). */
export async function applyOutboundStatus(
  db: Queryable,
  id: string,
  change: { status: OutboundCallStatus; sequence: number | null; at: Date; answered?: boolean; ended?: boolean },
): Promise<OutboundCall> {
  const at = change.at.toISOString();
  const { rows } = await db.query<Row>(
    `update outbound_call set status = $2, last_sequence = coalesce($3, last_sequence),
       answered_at = case when $4 then coalesce(answered_at, $6::timestamptz) else answered_at end,
       ended_at = case when $5 then coalesce(ended_at, $6::timestamptz) else ended_at end, updated_at = $6
     where id = $1 returning *`,
    [id, change.status, change.sequence, change.answered ?? false, change.ended ?? false, at],
  );
  return fromRow(rows[0]!);
}

/** The voice webhook came: who answered (a person or a machine), and the ledger call for a person. */
export async function markOutboundCallAnswered(db: Queryable, id: string, answer: { answeredBy: string; callId: string | null; at: Date }): Promise<void> {
  await db.query(
    `update outbound_call set answered_by = coalesce(answered_by, $2), call_id = coalesce(call_id, $3),
       answered_at = coalesce(answered_at, $4), updated_at = $4 where id = $1`,
    [id, answer.answeredBy, answer.callId, answer.at.toISOString()],
  );
}

export async function markOutboundAttemptRecorded(db: Queryable, id: string, outcome: AttemptOutcome): Promise<void> {
  await db.query('update outbound_call set attempt_outcome = $2 where id = $1 and attempt_outcome is null', [id, outcome]);
}

/** A task's outbound calls, newest first. */
export async function listOutboundCalls(db: Queryable, taskId: string, limit = 50): Promise<OutboundCall[]> {
  const { rows } = await db.query<Row>('select * from outbound_call where task_id = $1 order by requested_at desc limit $2', [taskId, limit]);
  return rows.map(fromRow);
}
