import type { Queryable } from '../store/db.ts';
import type { AttemptOutcome } from './outbound-call.policy.ts';

/**
 * What an outbound call needs of a callback task (src/callbacks/): read it, and log the attempt a
 * call came to (which applies the escalation ladder). A port, so the outbound domain does not
 * reach into the callbacks' tables; the engine wires it to src/callbacks/callback.repository.ts.
 */
export interface CallbackTaskView {
  id: string;
  queue: string;
  /** EHR Patient id; null while the caller is unidentified. */
  patientId: string | null;
  status: string;
}

export interface CallbackTaskPort {
  find(db: Queryable, taskId: string): Promise<CallbackTaskView | null>;
  /** Whether a task in this status may still be called (open, in progress, escalated). */
  isOpen(task: CallbackTaskView): boolean;
  /**
   * Logs one attempt in the caller's transaction; an attempt for the same call id is logged once.
   * Answers whether the task escalated.
   */
  recordAttempt(
    tx: Queryable,
    taskId: string,
    attempt: { outcome: AttemptOutcome; agent: string; at: Date; callId: string; channel: 'phone' },
  ): Promise<{ escalated: boolean; status: string }>;
}
