import type { Task } from '@medplum/fhirtypes';
import { fhirTaskStatusFor, type CallbackStatus } from './callback-policy.ts';

/** Task.businessStatus codes: the callback task's own status, and its rung on the escalation ladder. */
export const callbackStatusCodeSystem = 'https://callchart.dev/fhir/CodeSystem/callback-status';

const words: Record<CallbackStatus, string> = {
  open: 'Callback open',
  'in-progress': 'Callback in progress',
  escalated: 'Callback escalated',
  completed: 'Callback completed',
  'closed-unreachable': 'Callback closed: patient unreachable',
  cancelled: 'Callback cancelled',
};
const ladderWords = ['', ': alternate number or SMS', ': case-manager queue'];

/** The businessStatus code for a callback status at a ladder level (`escalated-2`). */
export function callbackBusinessCode(status: CallbackStatus, level: number): string {
  return status === 'escalated' ? `escalated-${level}` : status;
}

/**
 * The call's Task as it should read once it follows its callback task (FU-1): the FHIR status
 * (callback-policy.ts fhirTaskStatusFor) and the callback status as Task.businessStatus. Null
 * when the Task already says so (a redelivered item changes nothing), or when the chart took the
 * Task out of play (a rejected review cancelled it or marked it entered in error): a callback
 * never brings such a Task back. Everything else staff put on the Task is kept.
 */
export function followCallbackStatus(task: Task, callback: { status: CallbackStatus; escalationLevel: number }): Task | null {
  const status = fhirTaskStatusFor[callback.status];
  const code = callbackBusinessCode(callback.status, callback.escalationLevel);
  if (task.status === 'entered-in-error' || (task.status === 'cancelled' && callback.status !== 'cancelled')) return null;
  const current = task.businessStatus?.coding?.find((coding) => coding.system === callbackStatusCodeSystem)?.code;
  if (task.status === status && current === code) return null;
  return {
    ...task,
    status,
    businessStatus: {
      coding: [{ system: callbackStatusCodeSystem, code, display: `${words[callback.status]}${callback.status === 'escalated' ? (ladderWords[callback.escalationLevel] ?? '') : ''}` }],
      text: `${words[callback.status]}${callback.status === 'escalated' ? (ladderWords[callback.escalationLevel] ?? '') : ''}`,
    },
  };
}
