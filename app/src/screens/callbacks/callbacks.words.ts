/** Callback tasks (issue 16, FU-1) in the clinic's words: what the screen says for each code. */
export type CallbackStatus = 'open' | 'in-progress' | 'escalated' | 'completed' | 'closed-unreachable' | 'cancelled';
export type CallbackOrigin = 'missed-call' | 'abandoned-call' | 'voicemail' | 'callback-request' | 'post-discharge' | 'no-show' | 'on-call-handoff';
export type AttemptOutcome = 'answered' | 'voicemail-left' | 'no-answer' | 'wrong-number' | 'declined';

export const originWords: Record<CallbackOrigin, string> = {
  'missed-call': 'Missed call',
  'abandoned-call': 'Hung up in the menu',
  voicemail: 'Voicemail',
  'callback-request': 'Asked for a callback',
  'post-discharge': 'After discharge',
  'no-show': 'Missed appointment',
  'on-call-handoff': 'From the on-call provider',
};

export const statusWords: Record<CallbackStatus, string> = {
  open: 'Open',
  'in-progress': 'In progress',
  escalated: 'Escalated',
  completed: 'Completed',
  'closed-unreachable': 'Closed: unreachable',
  cancelled: 'Cancelled',
};

/** The attempt buttons, in the order a person reaches for them. */
export const outcomeWords: Record<AttemptOutcome, string> = {
  answered: 'Reached',
  'no-answer': 'No answer',
  'voicemail-left': 'Left voicemail',
  'wrong-number': 'Wrong number',
  declined: 'Declined',
};

/** The escalation ladder's rungs. */
export const levelWords = ['Caller\'s number', 'Try the alternate number or SMS', 'Case manager'];

export function requestTypeWords(code: string | null): string {
  if (!code) return 'Reason not known';
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
