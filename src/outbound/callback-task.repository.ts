import { findCallbackTask, recordCallbackAttempt } from '../callbacks/callback.repository.ts';
import { openCallbackStatuses, type CallbackSettings } from '../callbacks/callback-policy.ts';
import { isCallchartError } from '../lib/errors.ts';
import type { CallbackTaskPort } from './outbound-call.service.ts';

/**
 * The outbound domain's view of callback tasks, through the callbacks repository (src/callbacks/):
 * an attempt goes through `recordCallbackAttempt`, so the escalation ladder applies as for an
 * attempt a person logs by hand, and an outbound call is one attempt however often Twilio reports it.
 */
export function callbackTaskPort(settings: Pick<CallbackSettings, 'failedAttemptsBeforeEscalation' | 'caseManagerQueue'>): CallbackTaskPort {
  return {
    async find(db, taskId) {
      const task = await findCallbackTask(db, taskId);
      return task ? { id: task.id, queue: task.queue, patientId: task.patientId, status: task.status } : null;
    },
    isOpen: (task) => (openCallbackStatuses as readonly string[]).includes(task.status),
    async recordAttempt(tx, taskId, attempt) {
      try {
        const recorded = await recordCallbackAttempt(tx, taskId, attempt, settings);
        return { escalated: recorded.escalated, recorded: true, status: recorded.task.status };
      } catch (error) {
        // Closed by a person while the phone rang: the call stays on the task's list, but a closed
        // task takes no attempts (and Twilio must not be told to retry for ever).
        if (isCallchartError(error) && error.code === 'CALLBACK_CLOSED') return { escalated: false, recorded: false, status: 'closed' };
        throw error;
      }
    },
  };
}
