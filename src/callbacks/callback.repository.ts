import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import { enqueueWriteBack } from '../write-back/outbox.repository.ts';
import {
  applyAttempt, callbackContextSchema, callbackMergeKey, defaultCallbackSettings, openCallbackStatuses, withinMergeWindow,
  type AttemptChannel, type AttemptOutcome, type CallbackContext, type CallbackOrigin, type CallbackSettings, type CallbackStatus,
} from './callback-policy.ts';

/**
 * Callback tasks and their attempts (FU-1). Every change happens inside the caller's transaction
 * with its audit event (ids and codes only) and, when the status moves, the write-back item that
 * makes the call's FHIR Task follow: the change, its audit and its chart update commit together.
 * Every function is safe to call twice with the same input (pipeline jobs and PBX callbacks are
 * delivered at least once): a call already on a task, an outbound call already recorded as an
 * attempt, a task already completed answer with what is there.
 */

export interface CallbackTask {
  id: string;
  origin: CallbackOrigin;
  status: CallbackStatus;
  /** EHR Patient id; null while the caller is unidentified. */
  patientId: string | null;
  /** Keyed hash of the caller's number (never the number): merges an unidentified caller's repeat calls. */
  callerKey: string | null;
  /** The calls merged into this task, oldest first. */
  callIds: string[];
  requestType: string | null;
  urgent: boolean;
  queue: string;
  /** Staff id of the person who owns the callback; null: anyone in the queue. */
  owner: string | null;
  dueAt: string;
  /** 0 the caller's number; 1 alternate number or SMS; 2 the case-manager queue. */
  escalationLevel: number;
  /** Failed attempts since the task last climbed the ladder. */
  failedAttempts: number;
  attempts: number;
  mergeKey: string | null;
  context: CallbackContext;
  firstCallAt: string;
  afterHours: boolean;
  lastCallAt: string;
  firstAttemptAt: string | null;
  /** When the overdue sweep found it past its deadline (once). */
  overdueAt: string | null;
  closedAt: string | null;
  closedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CallbackAttempt {
  id: string;
  taskId: string;
  outcome: AttemptOutcome;
  agent: string;
  at: string;
  callId: string | null;
  channel: AttemptChannel;
  escalationLevel: number;
}

interface TaskRow {
  id: string; origin: CallbackOrigin; status: CallbackStatus; patient_id: string | null; caller_key: string | null; call_ids: string[] | null;
  request_type: string | null; urgent: boolean; queue: string; owner: string | null; due_at: Date | string; escalation_level: number;
  failed_attempts: number; attempts: number; merge_key: string | null; context: CallbackContext | string; first_call_at: Date | string;
  after_hours: boolean; last_call_at: Date | string; first_attempt_at: Date | string | null; overdue_at: Date | string | null;
  closed_at: Date | string | null; closed_by: string | null; created_at: Date | string; updated_at: Date | string;
}

interface AttemptRow {
  id: string; task_id: string; outcome: AttemptOutcome; agent: string; at: Date | string; call_id: string | null; channel: AttemptChannel; escalation_level: number;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function taskFromRow(row: TaskRow): CallbackTask {
  return {
    id: row.id, origin: row.origin, status: row.status, patientId: row.patient_id, callerKey: row.caller_key, callIds: row.call_ids ?? [],
    requestType: row.request_type, urgent: Boolean(row.urgent), queue: row.queue, owner: row.owner, dueAt: iso(row.due_at)!,
    escalationLevel: Number(row.escalation_level), failedAttempts: Number(row.failed_attempts), attempts: Number(row.attempts), mergeKey: row.merge_key,
    context: typeof row.context === 'string' ? (JSON.parse(row.context) as CallbackContext) : row.context,
    firstCallAt: iso(row.first_call_at)!, afterHours: Boolean(row.after_hours), lastCallAt: iso(row.last_call_at)!, firstAttemptAt: iso(row.first_attempt_at),
    overdueAt: iso(row.overdue_at), closedAt: iso(row.closed_at), closedBy: row.closed_by, createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!,
  };
}

function attemptFromRow(row: AttemptRow): CallbackAttempt {
  return { id: row.id, taskId: row.task_id, outcome: row.outcome, agent: row.agent, at: iso(row.at)!, callId: row.call_id, channel: row.channel, escalationLevel: Number(row.escalation_level) };
}

export interface OpenCallbackTaskInput {
  origin: CallbackOrigin;
  patientId: string | null;
  callId: string | null;
  /** Keyed hash of the caller's number (caller-key.ts), for an unidentified caller. */
  callerKey?: string | null;
  requestType: string | null;
  urgent: boolean;
  queue: string;
  owner?: string | null;
  dueAt: Date;
  context: CallbackContext;
  now: Date;
  /** When the call came in (default `now`): the clock for call → first attempt and call → closure. */
  calledAt?: Date;
  /** The call came outside the clinic's opening hours (routing's decision). */
  afterHours?: boolean;
  /** Who opened it, for the audit (default the after-call pipeline). */
  actor?: string;
}

const openStatuses = openCallbackStatuses as readonly string[];

/**
 * Opens a callback task, or merges the call into the open task about the same request from the
 * same patient (or, unidentified, the same number) whose last call is within the merge window.
 * A call already on a task answers with that task (at-least-once delivery).
 */
export async function openCallbackTask(tx: Queryable, input: OpenCallbackTaskInput, settings: Pick<CallbackSettings, 'mergeWindowHours'> = defaultCallbackSettings): Promise<{ id: string; merged: boolean }> {
  const context = callbackContextSchema.parse(input.context);
  const actor = input.actor ?? 'worker:open-callback';
  if (input.callId) {
    const { rows } = await tx.query<{ task_id: string; first: string | null }>(
      'select l.task_id, t.call_ids[1] as first from callback_task_call l join callback_task t on t.id = l.task_id where l.call_id = $1',
      [input.callId],
    );
    if (rows[0]) return { id: rows[0].task_id, merged: rows[0].first !== input.callId };
  }
  const mergeKey = callbackMergeKey(input);
  const calledAt = input.calledAt ?? input.now;
  // Twice at most: a concurrent open of the same key that wins the unique index is merged into.
  for (let round = 0; round < 2; round++) {
    if (mergeKey) {
      const { rows } = await tx.query<TaskRow>(
        `select * from callback_task where merge_key = $1 and status = any($2) for update`,
        [mergeKey, openStatuses],
      );
      const open = rows[0] ? taskFromRow(rows[0]) : null;
      if (open && withinMergeWindow(new Date(open.lastCallAt), input.now, settings)) {
        await mergeInto(tx, open, input, context, actor);
        return { id: open.id, merged: true };
      }
      if (open) {
        // Too old to be the same request: it stays open with its history, and stops taking calls.
        await tx.query('update callback_task set merge_key = null, updated_at = $2 where id = $1', [open.id, input.now.toISOString()]);
        await appendAuditEvent(tx, {
          actor, action: 'callback.merge-window-passed', objectType: 'callback-task', objectId: open.id, outcome: 'success',
          detail: { callId: input.callId, mergeWindowHours: settings.mergeWindowHours },
        }, input.now);
      }
    }
    const id = randomUUID();
    const inserted = await tx.query<{ id: string }>(
      `insert into callback_task (id, origin, status, patient_id, caller_key, call_ids, request_type, urgent, queue, owner, due_at, merge_key, context,
         first_call_at, after_hours, last_call_at, created_at, updated_at)
       values ($1, $2, 'open', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $15, $15)
       on conflict do nothing
       returning id`,
      [
        id, input.origin, input.patientId, input.patientId ? null : (input.callerKey ?? null), input.callId ? [input.callId] : [], input.requestType, input.urgent,
        input.queue, input.owner ?? null, input.dueAt.toISOString(), mergeKey, JSON.stringify(context), calledAt.toISOString(), input.afterHours ?? false,
        input.now.toISOString(),
      ],
    );
    if (inserted.rowCount === 0) continue;
    if (input.callId) await tx.query('insert into callback_task_call (call_id, task_id, merged_at) values ($1, $2, $3)', [input.callId, id, input.now.toISOString()]);
    await appendAuditEvent(tx, {
      actor, action: 'callback.opened', objectType: 'callback-task', objectId: id, outcome: 'success',
      detail: {
        callId: input.callId, origin: input.origin, patientId: input.patientId, requestType: input.requestType, urgent: input.urgent, queue: input.queue,
        owner: input.owner ?? null, dueAt: input.dueAt.toISOString(), afterHours: input.afterHours ?? false, redFlags: context.redFlags,
      },
    }, input.now);
    return { id, merged: false };
  }
  throw new CallchartError('STORE_UNAVAILABLE', 'callback task merge key contended', { callId: input.callId });
}

async function mergeInto(tx: Queryable, task: CallbackTask, input: OpenCallbackTaskInput, context: CallbackContext, actor: string): Promise<void> {
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  const mergedContext: CallbackContext = {
    ivrReason: task.context.ivrReason ?? context.ivrReason,
    requestTypes: union(task.context.requestTypes, context.requestTypes),
    redFlags: union(task.context.redFlags, context.redFlags),
    barriers: union(task.context.barriers, context.barriers),
  };
  // The earlier deadline wins: a repeat call never makes the clinic later; an urgent one makes it sooner.
  const dueAt = Math.min(Date.parse(task.dueAt), input.dueAt.getTime());
  await tx.query(
    `update callback_task set call_ids = case when $2::text is null or $2::text = any(call_ids) then call_ids else array_append(call_ids, $2::text) end,
       urgent = urgent or $3, due_at = $4, context = $5, last_call_at = greatest(last_call_at, $6), overdue_at = case when $4 < due_at then null else overdue_at end,
       updated_at = $7
     where id = $1`,
    [task.id, input.callId, input.urgent, new Date(dueAt).toISOString(), JSON.stringify(mergedContext), (input.calledAt ?? input.now).toISOString(), input.now.toISOString()],
  );
  if (input.callId) await tx.query('insert into callback_task_call (call_id, task_id, merged_at) values ($1, $2, $3) on conflict (call_id) do nothing', [input.callId, task.id, input.now.toISOString()]);
  await appendAuditEvent(tx, {
    actor, action: 'callback.merged', objectType: 'callback-task', objectId: task.id, outcome: 'success',
    detail: { callId: input.callId, origin: input.origin, calls: task.callIds.length + (input.callId ? 1 : 0), urgent: task.urgent || input.urgent, redFlags: mergedContext.redFlags },
  }, input.now);
}

export async function findCallbackTask(db: Queryable, id: string): Promise<CallbackTask | null> {
  const { rows } = await db.query<TaskRow>('select * from callback_task where id = $1', [id]);
  return rows[0] ? taskFromRow(rows[0]) : null;
}

/** The task a call is on (opened by it or merged into it). */
export async function findCallbackTaskForCall(db: Queryable, callId: string): Promise<CallbackTask | null> {
  const { rows } = await db.query<TaskRow>('select t.* from callback_task t join callback_task_call l on l.task_id = t.id where l.call_id = $1', [callId]);
  return rows[0] ? taskFromRow(rows[0]) : null;
}

export async function listCallbackAttempts(db: Queryable, taskId: string): Promise<CallbackAttempt[]> {
  const { rows } = await db.query<AttemptRow>('select * from callback_attempt where task_id = $1 order by at, created_at', [taskId]);
  return rows.map(attemptFromRow);
}

export interface CallbackTaskFilter {
  /** The queues the person works; '*' all. */
  queues: readonly string[] | '*';
  status?: readonly CallbackStatus[];
  /** Only tasks past their deadline (true) or not (false), as of `now`. */
  overdue?: boolean;
  owner?: string;
  now?: Date;
  limit?: number;
}

/** Tasks in the given queues: urgent first, then overdue, then by deadline. */
export async function listCallbackTasks(db: Queryable, filter: CallbackTaskFilter): Promise<CallbackTask[]> {
  const now = (filter.now ?? new Date()).toISOString();
  const params: unknown[] = [now];
  const where: string[] = [];
  if (filter.queues !== '*') {
    params.push(filter.queues);
    where.push(`queue = any($${params.length})`);
  }
  params.push(filter.status?.length ? filter.status : openStatuses);
  where.push(`status = any($${params.length})`);
  if (filter.overdue !== undefined) where.push(filter.overdue ? `(due_at < $1 and status = any('{open,in-progress,escalated}'))` : `not (due_at < $1 and status = any('{open,in-progress,escalated}'))`);
  if (filter.owner) {
    params.push(filter.owner);
    where.push(`owner = $${params.length}`);
  }
  params.push(filter.limit ?? 200);
  const { rows } = await db.query<TaskRow>(
    `select * from callback_task where ${where.join(' and ')}
     order by urgent desc, (due_at < $1) desc, due_at, id
     limit $${params.length}`,
    params,
  );
  return rows.map(taskFromRow);
}

async function lockTask(tx: Queryable, id: string): Promise<CallbackTask> {
  const { rows } = await tx.query<TaskRow>('select * from callback_task where id = $1 for update', [id]);
  if (!rows[0]) throw new CallchartError('NOT_FOUND', 'no such callback task', { id });
  return taskFromRow(rows[0]);
}

function requireOpen(task: CallbackTask): void {
  if (!openStatuses.includes(task.status)) throw new CallchartError('CALLBACK_CLOSED', `the callback task is ${task.status}`, { id: task.id, status: task.status });
}

/**
 * Queues the write-back item that makes the first call's FHIR Task show this status. One item per
 * (task, status, level): the same change twice is one item; the sender writes whatever the task
 * says when it runs, so a later change overtaking an earlier item is still right.
 */
async function followInChart(tx: Queryable, task: Pick<CallbackTask, 'id' | 'callIds'>, status: CallbackStatus, level: number): Promise<void> {
  const callId = task.callIds[0];
  if (!callId || status === 'open') return;
  await enqueueWriteBack(tx, { callId, target: 'fhir', kind: 'callback-status', businessId: callbackStatusBusinessId(task.id, status, level) });
}

export const callbackStatusBusinessPrefix = 'callback-status:';
export function callbackStatusBusinessId(taskId: string, status: CallbackStatus, level: number): string {
  return `${callbackStatusBusinessPrefix}${taskId}:${status}:${level}`;
}
/** The task id a `callback-status` write-back item is about. */
export function taskIdOfBusinessId(businessId: string): string | null {
  return businessId.startsWith(callbackStatusBusinessPrefix) ? (businessId.slice(callbackStatusBusinessPrefix.length).split(':')[0] ?? null) : null;
}

export interface CallbackAttemptInput {
  outcome: AttemptOutcome;
  agent: string;
  at: Date;
  callId?: string | null;
  channel?: AttemptChannel;
}

/**
 * Logs one attempt and applies the ladder (callback-policy.ts applyAttempt): N failed attempts at
 * a level climb to the next (1: alternate number or SMS; 2: the case-manager queue, owner
 * cleared), a wrong number climbs to the alternate contact at once. An outbound call already
 * recorded as an attempt is not counted twice.
 */
export async function recordCallbackAttempt(
  tx: Queryable,
  taskId: string,
  attempt: CallbackAttemptInput,
  settings: Pick<CallbackSettings, 'failedAttemptsBeforeEscalation' | 'caseManagerQueue'> = defaultCallbackSettings,
): Promise<{ task: CallbackTask; escalated: boolean }> {
  const task = await lockTask(tx, taskId);
  if (attempt.callId) {
    const { rows } = await tx.query<{ task_id: string }>('select task_id from callback_attempt where call_id = $1', [attempt.callId]);
    if (rows[0]) return { task, escalated: false };
  }
  requireOpen(task);
  const decided = applyAttempt(task, attempt.outcome, settings);
  const channel = attempt.channel ?? 'phone';
  const at = attempt.at.toISOString();
  const queueMoved = decided.queue !== task.queue;
  const { rows } = await tx.query<TaskRow>(
    `update callback_task set status = $2, escalation_level = $3, failed_attempts = $4, queue = $5, owner = case when $6 then null else owner end,
       attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, $7), updated_at = $7
     where id = $1 returning *`,
    [taskId, decided.status, decided.escalationLevel, decided.failedAttempts, decided.queue, queueMoved, at],
  );
  await tx.query(
    'insert into callback_attempt (id, task_id, outcome, agent, at, call_id, channel, escalation_level) values ($1, $2, $3, $4, $5, $6, $7, $8)',
    [randomUUID(), taskId, attempt.outcome, attempt.agent, at, attempt.callId ?? null, channel, task.escalationLevel],
  );
  await appendAuditEvent(tx, {
    actor: attempt.agent, action: 'callback.attempt.recorded', objectType: 'callback-task', objectId: taskId, outcome: 'success',
    detail: { outcome: attempt.outcome, channel, level: task.escalationLevel, callId: attempt.callId ?? null, attempts: task.attempts + 1 },
  }, attempt.at);
  if (decided.escalated) {
    await appendAuditEvent(tx, {
      actor: attempt.agent, action: 'callback.escalated', objectType: 'callback-task', objectId: taskId, outcome: 'success',
      detail: { fromLevel: task.escalationLevel, toLevel: decided.escalationLevel, queue: decided.queue, reason: attempt.outcome === 'wrong-number' ? 'wrong-number' : 'failed-attempts' },
    }, attempt.at);
  }
  if (decided.status !== task.status || decided.escalationLevel !== task.escalationLevel) await followInChart(tx, task, decided.status, decided.escalationLevel);
  return { task: taskFromRow(rows[0]!), escalated: decided.escalated };
}

export const closeReasons = ['reached', 'unreachable', 'duplicate', 'resolved-elsewhere', 'not-needed', 'other'] as const;
export type CloseReason = (typeof closeReasons)[number];

/**
 * Closes a task as completed, unreachable or cancelled. Closing it the same way twice answers
 * with the first close; closing a closed task another way is refused (409).
 */
export async function closeCallbackTask(
  tx: Queryable,
  taskId: string,
  close: { status: 'completed' | 'closed-unreachable' | 'cancelled'; by: string; at: Date; reason?: CloseReason },
): Promise<CallbackTask> {
  const task = await lockTask(tx, taskId);
  if (task.status === close.status) return task;
  requireOpen(task);
  const { rows } = await tx.query<TaskRow>(
    `update callback_task set status = $2, closed_at = $3, closed_by = $4, merge_key = null, updated_at = $3 where id = $1 returning *`,
    [taskId, close.status, close.at.toISOString(), close.by],
  );
  await appendAuditEvent(tx, {
    actor: close.by, action: `callback.${close.status}`, objectType: 'callback-task', objectId: taskId, outcome: 'success',
    detail: { reason: close.reason ?? null, attempts: task.attempts, level: task.escalationLevel, queue: task.queue },
  }, close.at);
  await followInChart(tx, task, close.status, task.escalationLevel);
  return taskFromRow(rows[0]!);
}

/** A person completes the callback (the caller was reached and the request handled). */
export async function completeCallbackTask(tx: Queryable, taskId: string, by: { by: string; at: Date; reason?: CloseReason }): Promise<CallbackTask> {
  return closeCallbackTask(tx, taskId, { status: 'completed', ...by });
}

/**
 * Claim (owner = the person) or assign (owner = someone else, or null to release). A claimed open
 * task is in progress: someone is on it.
 */
export async function assignCallbackTask(tx: Queryable, taskId: string, assign: { owner: string | null; by: string; at: Date }): Promise<CallbackTask> {
  const task = await lockTask(tx, taskId);
  requireOpen(task);
  if (task.owner === assign.owner) return task;
  const claimed = assign.owner !== null && assign.owner === assign.by.replace(/^staff:/, '');
  const status: CallbackStatus = claimed && task.status === 'open' ? 'in-progress' : task.status;
  const { rows } = await tx.query<TaskRow>('update callback_task set owner = $2, status = $3, updated_at = $4 where id = $1 returning *', [taskId, assign.owner, status, assign.at.toISOString()]);
  await appendAuditEvent(tx, {
    actor: assign.by, action: claimed ? 'callback.claimed' : 'callback.assigned', objectType: 'callback-task', objectId: taskId, outcome: 'success',
    detail: { owner: assign.owner, previousOwner: task.owner, status },
  }, assign.at);
  if (status !== task.status) await followInChart(tx, task, status, task.escalationLevel);
  return taskFromRow(rows[0]!);
}

/**
 * The overdue sweep: open tasks past their deadline not yet marked are marked, once, each with an
 * audit event (`callback.overdue`, urgent or not: the alert rule raises the urgent ones).
 */
export async function markOverdueCallbackTasks(tx: Queryable, now: Date, limit = 500): Promise<CallbackTask[]> {
  const { rows } = await tx.query<TaskRow>(
    `update callback_task set overdue_at = $1, updated_at = $1
     where id in (
       select id from callback_task where status = any($2) and overdue_at is null and due_at < $1 order by due_at limit $3 for update skip locked
     )
     returning *`,
    [now.toISOString(), openStatuses, limit],
  );
  const tasks = rows.map(taskFromRow);
  for (const task of tasks) {
    await appendAuditEvent(tx, {
      actor: 'worker:callback-sweep', action: 'callback.overdue', objectType: 'callback-task', objectId: task.id, outcome: 'success',
      detail: { urgent: task.urgent, queue: task.queue, requestType: task.requestType, level: task.escalationLevel, dueAt: task.dueAt, redFlags: task.context.redFlags },
    }, now);
  }
  return tasks;
}

/** Open tasks per queue, overdue or not, urgent or not (metrics, read at scrape time). */
export async function countOpenCallbackTasks(db: Queryable, now: Date): Promise<{ queue: string; overdue: boolean; urgent: boolean; count: number }[]> {
  const { rows } = await db.query<{ queue: string; overdue: boolean; urgent: boolean; count: string }>(
    `select queue, (due_at < $1) as overdue, urgent, count(*)::text as count from callback_task where status = any($2) group by 1, 2, 3`,
    [now.toISOString(), openStatuses],
  );
  return rows.map((row) => ({ queue: row.queue, overdue: Boolean(row.overdue), urgent: Boolean(row.urgent), count: Number(row.count) }));
}
