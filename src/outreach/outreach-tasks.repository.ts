import type { Queryable } from '../store/db.ts';
import { findCallbackTask, openCallbackTask } from '../callbacks/callback.repository.ts';
import { isOverdue, type CallbackSettings } from '../callbacks/callback-policy.ts';
import type { OutreachTaskPort, OutreachTaskProgress } from './outreach.service.ts';

/**
 * Outreach entries as callback tasks (FU-1): origin `post-discharge` or `no-show`, no call yet,
 * the barrier codes in the task's context, so calling, attempts and escalation are the ones every
 * other callback has. A second entry for the same patient and list while a task is open merges
 * into it (the callbacks' own merge rule).
 */
export function outreachCallbackTasks(settings: Pick<CallbackSettings, 'mergeWindowHours'>, now: () => Date = () => new Date()): OutreachTaskPort {
  return {
    open: (tx, input) =>
      openCallbackTask(tx, {
        origin: input.origin, patientId: input.patientId, callId: null, requestType: input.requestType, urgent: false, queue: input.queue, dueAt: input.dueAt,
        context: { ivrReason: null, requestTypes: [], redFlags: [], barriers: [...input.barriers] }, now: input.now, actor: input.actor,
      }, settings),
    async progress(db: Queryable, taskIds: readonly string[]) {
      const at = now();
      const tasks = await Promise.all([...new Set(taskIds)].map((id) => findCallbackTask(db, id)));
      const progress = new Map<string, OutreachTaskProgress>();
      for (const task of tasks) {
        if (task) progress.set(task.id, { status: task.status, attempts: task.attempts, escalationLevel: task.escalationLevel, dueAt: task.dueAt, overdue: isOverdue(task, at) });
      }
      return progress;
    },
  };
}
