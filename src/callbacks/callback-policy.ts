import { z } from 'zod';
import { requestTypeCodes, type RequestTypeCode } from '../nlp/analysis.types.ts';
import type { RequestWorkflow } from '../nlp/workflows.ts';

/**
 * The callback policy (FU-1), pure: how soon a callback is due, what counts as a failed attempt,
 * when the task climbs the escalation ladder, and when a repeat call joins an open task. Clinic
 * configuration under `callbacks:` in the config file, with defaults a primary-care practice
 * would start from. Everything here is codes and numbers; no I/O, no clock of its own.
 */

export const callbackOrigins = ['missed-call', 'abandoned-call', 'voicemail', 'callback-request', 'post-discharge', 'no-show', 'on-call-handoff'] as const;
export type CallbackOrigin = (typeof callbackOrigins)[number];

export const callbackStatuses = ['open', 'in-progress', 'escalated', 'completed', 'closed-unreachable', 'cancelled'] as const;
export type CallbackStatus = (typeof callbackStatuses)[number];
/** Statuses in which the task still waits for someone to reach the caller. */
export const openCallbackStatuses = ['open', 'in-progress', 'escalated'] as const satisfies readonly CallbackStatus[];
export const closedCallbackStatuses = ['completed', 'closed-unreachable', 'cancelled'] as const satisfies readonly CallbackStatus[];

export const attemptOutcomes = ['answered', 'voicemail-left', 'no-answer', 'wrong-number', 'declined'] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];
export const attemptChannels = ['phone', 'sms'] as const;
export type AttemptChannel = (typeof attemptChannels)[number];

/**
 * What a caller should not have to repeat: codes only (the IVR menu reason, every request type
 * found, red flag codes, barrier codes heard in earlier calls). Never free text or names.
 */
export const callbackContextSchema = z
  .object({
    ivrReason: z.string().regex(/^[a-z0-9_-]{1,64}$/).nullable().default(null),
    requestTypes: z.array(z.string().regex(/^[a-z0-9_-]{1,64}$/)).max(20).default([]),
    redFlags: z.array(z.string().regex(/^[a-z0-9_-]{1,64}$/)).max(20).default([]),
    barriers: z.array(z.string().regex(/^[a-z0-9_-]{1,64}$/)).max(20).default([]),
  })
  .strict();
export type CallbackContext = z.infer<typeof callbackContextSchema>;

/**
 * Outcomes that count towards the escalation ladder. Nobody was reached: no answer, a voicemail
 * left (a message is not a conversation), declined (the call was rejected at the handset or hung
 * up before anything was said: the clinic still has not spoken to the caller). `wrong-number`
 * is not counted: the number itself is wrong, so the task moves to the alternate number at once.
 * `answered` ends the run of failures.
 */
export const failedOutcomes: ReadonlySet<AttemptOutcome> = new Set(['no-answer', 'voicemail-left', 'declined']);

/** The ladder: 0 the number the caller used; 1 an alternate number or SMS; 2 the case-manager queue. */
export const escalationLevels = { callerNumber: 0, alternateContact: 1, caseManager: 2 } as const;
export type EscalationLevel = (typeof escalationLevels)[keyof typeof escalationLevels];

export const callbackSettingsSchema = z
  .object({
    /** Failed attempts at one level before the task climbs to the next. */
    failedAttemptsBeforeEscalation: z.number().int().min(1).max(20).default(3),
    /** Where a task goes at the top of the ladder (level 2). */
    caseManagerQueue: z.string().min(1).max(128).default('case-management'),
    /** A repeat call joins an open task about the same request whose last call is this recent. */
    mergeWindowHours: z.number().min(1).max(24 * 30).default(72),
    /** Hours until a callback is due, per request type; unset types use their workflow's dueHours. */
    dueHours: z.partialRecord(z.enum(requestTypeCodes), z.number().positive().max(24 * 30)).default({}),
    /** Hours until an urgent callback is due; unset: the urgent_emergency workflow's dueHours. */
    urgentDueHours: z.number().positive().max(24 * 30).optional(),
    /** Hours until a callback with no request type is due. */
    unclassifiedDueHours: z.number().positive().max(24 * 30).default(24),
    /** How often the overdue sweep runs. */
    sweepIntervalSeconds: z.number().int().min(1).max(3_600).default(60),
  })
  .strict();
export type CallbackSettings = z.infer<typeof callbackSettingsSchema>;
export const defaultCallbackSettings: CallbackSettings = callbackSettingsSchema.parse({});

/**
 * When a callback is due: urgent → the urgent deadline (default the urgent_emergency workflow's);
 * else the request type's configured hours, else its workflow's dueHours.
 */
export function callbackDueAt(
  input: { requestType: string | null; urgent: boolean; from: Date },
  settings: CallbackSettings,
  workflows: Record<RequestTypeCode, RequestWorkflow>,
): Date {
  const known = input.requestType && input.requestType in workflows ? (input.requestType as RequestTypeCode) : null;
  const hours = input.urgent
    ? (settings.urgentDueHours ?? workflows.urgent_emergency.dueHours)
    : known
      ? (settings.dueHours[known] ?? workflows[known].dueHours)
      : settings.unclassifiedDueHours;
  return new Date(input.from.getTime() + hours * 3_600_000);
}

/**
 * The key a repeat call merges on: the patient (or, unidentified, the keyed hash of the caller's
 * number) and the request type. Null when neither is known: such a call cannot be told apart
 * from anyone else's, so it never merges.
 */
export function callbackMergeKey(input: { patientId: string | null; callerKey?: string | null; requestType: string | null }): string | null {
  const who = input.patientId ? `patient:${input.patientId}` : input.callerKey ? `caller:${input.callerKey}` : null;
  return who ? `${who}|${input.requestType ?? 'unclassified'}` : null;
}

/** Whether an open task whose last call was at `lastCallAt` still takes a repeat call at `now`. */
export function withinMergeWindow(lastCallAt: Date, now: Date, settings: Pick<CallbackSettings, 'mergeWindowHours'>): boolean {
  return now.getTime() - lastCallAt.getTime() <= settings.mergeWindowHours * 3_600_000;
}

export interface LadderState {
  status: CallbackStatus;
  escalationLevel: number;
  failedAttempts: number;
  queue: string;
}

export interface AttemptDecision extends LadderState {
  /** True when this attempt moved the task up the ladder. */
  escalated: boolean;
}

/**
 * What one attempt does to the task: a failed one counts; N failed at one level climb a level
 * (1: alternate number or SMS; 2: the case-manager queue, counted afresh there); a wrong number
 * climbs to the alternate contact at once; an answer puts the task in progress (a person
 * completes it). The top level stays the top: more failures there wait for a person to close it.
 */
export function applyAttempt(state: LadderState, outcome: AttemptOutcome, settings: Pick<CallbackSettings, 'failedAttemptsBeforeEscalation' | 'caseManagerQueue'>): AttemptDecision {
  const climb = (level: number): AttemptDecision => ({
    status: 'escalated',
    escalationLevel: level,
    failedAttempts: 0,
    queue: level >= escalationLevels.caseManager ? settings.caseManagerQueue : state.queue,
    escalated: true,
  });
  if (outcome === 'answered') return { ...state, status: 'in-progress', failedAttempts: 0, escalated: false };
  if (outcome === 'wrong-number' && state.escalationLevel < escalationLevels.alternateContact) return climb(escalationLevels.alternateContact);
  const failedAttempts = state.failedAttempts + 1;
  if (failedAttempts >= settings.failedAttemptsBeforeEscalation && state.escalationLevel < escalationLevels.caseManager) return climb(state.escalationLevel + 1);
  return { ...state, failedAttempts, escalated: false };
}

/** Overdue: still open and past its deadline. */
export function isOverdue(task: { status: CallbackStatus; dueAt: string | Date }, now: Date): boolean {
  return (openCallbackStatuses as readonly string[]).includes(task.status) && new Date(task.dueAt).getTime() < now.getTime();
}

/**
 * The FHIR Task status the call's Task in the chart shows for each callback status, with the
 * callback status itself as Task.businessStatus. `open` is the Task as written (requested).
 * Escalated work is still being worked (by the next rung), so in-progress; a caller the ladder
 * could not reach is `failed`; a callback nobody needs is `cancelled`.
 */
export const fhirTaskStatusFor: Record<CallbackStatus, 'requested' | 'in-progress' | 'completed' | 'failed' | 'cancelled'> = {
  open: 'requested',
  'in-progress': 'in-progress',
  escalated: 'in-progress',
  completed: 'completed',
  'closed-unreachable': 'failed',
  cancelled: 'cancelled',
};
