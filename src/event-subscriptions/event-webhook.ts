import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Outbound event webhooks (OW-1): the events other systems may subscribe to, the payload they get
 * (ids and codes only, never a name, number, transcript or free text), what a subscription may
 * say, and which audit events become which webhook events. Pure: no storage, no network.
 */

export const webhookEventTypes = ['call.new', 'call.missed', 'call.voicemail', 'callback.completed', 'case.resolved'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/**
 * The audit actions the callback-task domain writes when a task is completed (objectType
 * `callback-task`, objectId the task id, detail `callId`/`queue`/`requestType`/`urgent` when
 * known). Both spellings are read so the integrator does not have to rename either side.
 */
export const callbackCompletedActions: readonly string[] = ['callback.completed', 'callback.task.completed'];

const code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);
const fhirReference = z.string().regex(/^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/);

/** The body of every event webhook: the receiver dedupes by `id` (the same event always has the same id). */
export const webhookEventSchema = z.object({
  id: z.uuid().describe('Event id: stable across retries and redeliveries; dedupe on it'),
  type: z.enum(webhookEventTypes),
  occurredAt: z.iso.datetime({ offset: true }).describe('When it happened (the audit event\'s time)'),
  callId: z.uuid().nullable().describe("Callchart's call id"),
  taskId: code.nullable().describe('Callback task id (callback.completed, case.resolved from a callback)'),
  reviewId: z.uuid().nullable().describe('Review item id (case.resolved from an approved review)'),
  fhir: z.array(fhirReference).max(20).describe('FHIR references written for it, e.g. Task/123'),
  codes: z.object({
    queue: code.describe('The queue (the fallback queue when the call had none)'),
    requestType: code.nullable(),
    urgent: z.boolean(),
  }).strict(),
}).strict();
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** Why a URL may not receive events; null when it may. Plain http only to a loopback address, and only when allowed (dev, tests). */
export function subscriberUrlProblem(url: string, allowLoopbackHttp: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url is not a valid URL';
  }
  if (parsed.username || parsed.password) return 'url must not carry credentials';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol !== 'http:') return 'url must be https';
  const loopback = parsed.hostname === 'localhost' || parsed.hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(parsed.hostname);
  if (loopback && allowLoopbackHttp) return null;
  return loopback ? 'url must be https (plain http to loopback is allowed only with eventWebhooks.allowLoopbackHttp, for development)' : 'url must be https';
}

/** What an admin sends to create a subscription. The secret is optional: a strong one is generated when absent (its strength is checked at the route). */
export const subscriptionInputSchema = z.object({
  name: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'name: letters, digits, space, dot, dash, underscore; at most 64'),
  url: z.string().max(2_000),
  eventTypes: z.array(z.enum(webhookEventTypes)).min(1).max(webhookEventTypes.length),
  queues: z.array(z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,127})$/, 'a queue name, or * for every queue')).min(1).max(100),
  secret: z.string().max(512).optional().describe('At least 32 random bytes (hex, base64 or whsec_…); omit to have one generated and shown once'),
}).strict();
export type SubscriptionInput = z.infer<typeof subscriptionInputSchema>;

/** A subscription as a rule: who hears what. */
export interface SubscriberScope {
  eventTypes: readonly string[];
  queues: readonly string[];
}

/** Deny by default: an event reaches a subscriber only for a type and a queue it was given. */
export function subscriberHears(scope: SubscriberScope, event: Pick<WebhookEvent, 'type' | 'codes'>): boolean {
  return scope.eventTypes.includes(event.type) && (scope.queues.includes('*') || scope.queues.includes(event.codes.queue));
}

/**
 * The event id: a UUID derived from the event's type and what it is about (the call, the task),
 * so the same event always has the same id however often the audit log is read, and a call is
 * "new", "missed" or "resolved" once.
 */
export function webhookEventId(type: WebhookEventType, subject: string): string {
  const hex = createHash('sha256').update(`callchart-event:${type}:${subject}`).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** The audit event fields the mapping reads. */
export interface AuditFact {
  seq: number;
  at: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: string;
  detail: Record<string, unknown>;
}

/** A webhook event before its call's codes are looked up. */
export interface WebhookEventDraft {
  type: WebhookEventType;
  subject: string;
  occurredAt: string;
  callId: string | null;
  taskId: string | null;
  reviewId: string | null;
  fhir: string[];
  /** Codes the audit event itself carries (a callback task's); the call's codes fill the rest. */
  codes: { queue?: string; requestType?: string; urgent?: boolean };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const asUuid = (value: unknown): string | null => (typeof value === 'string' && uuidPattern.test(value) ? value : null);
const asCode = (value: unknown): string | undefined => (typeof value === 'string' && code.safeParse(value).success ? value : undefined);

/**
 * The webhook events one audit event means. The sources:
 * - `call.event.accepted` (a PBX event stored): the call's first → `call.new`; the call now
 *   missed → `call.missed`; a voicemail → `call.voicemail`;
 * - `ehr.write-back.delivered` of a `chart-record` (an approved review written to the chart) → `case.resolved`;
 * - a callback task completed (`callbackCompletedActions`) → `callback.completed` and `case.resolved`.
 * Each is keyed by what it is about, so reading the same audit event twice gives the same ids.
 */
export function eventsFromAudit(fact: AuditFact): WebhookEventDraft[] {
  const blank = { occurredAt: fact.at, taskId: null, reviewId: null, fhir: [], codes: {} };
  if (fact.action === 'call.event.accepted' && fact.objectType === 'call') {
    const callId = asUuid(fact.objectId);
    if (!callId) return [];
    const drafts: WebhookEventDraft[] = [{ ...blank, type: 'call.new', subject: `call:${callId}`, callId }];
    if (fact.detail.callStatus === 'missed') drafts.push({ ...blank, type: 'call.missed', subject: `call:${callId}`, callId });
    if (fact.detail.eventType === 'voicemail') drafts.push({ ...blank, type: 'call.voicemail', subject: `call:${callId}`, callId });
    return drafts;
  }
  if (fact.action === 'ehr.write-back.delivered' && fact.detail.kind === 'chart-record') {
    const callId = asUuid(fact.detail.callId);
    if (!callId) return [];
    const fhir = Array.isArray(fact.detail.resourceIds) ? fact.detail.resourceIds.filter((id): id is string => fhirReference.safeParse(id).success).slice(0, 20) : [];
    return [{ ...blank, type: 'case.resolved', subject: `call:${callId}`, callId, fhir, reviewId: asUuid(fact.detail.reviewId) }];
  }
  if (callbackCompletedActions.includes(fact.action) && fact.outcome === 'success') {
    const taskId = asCode(fact.objectId);
    if (!taskId) return [];
    const queue = asCode(fact.detail.queue);
    const requestType = asCode(fact.detail.requestType);
    const codes = { ...(queue ? { queue } : {}), ...(requestType ? { requestType } : {}), ...(typeof fact.detail.urgent === 'boolean' ? { urgent: fact.detail.urgent } : {}) };
    const fhir = typeof fact.detail.fhirTaskId === 'string' && fhirReference.safeParse(`Task/${fact.detail.fhirTaskId}`).success ? [`Task/${fact.detail.fhirTaskId}`] : [];
    const base = { ...blank, subject: `callback-task:${taskId}`, callId: asUuid(fact.detail.callId), taskId, fhir, codes };
    return [{ ...base, type: 'callback.completed' }, { ...base, type: 'case.resolved' }];
  }
  return [];
}

/** A call's codes as the ledger holds them, and its review item's id (if it went to review). */
export interface CallCodes {
  queue: string | null;
  requestType: string | null;
  urgent: boolean;
  reviewId?: string | null;
}

/** The event as sent: the draft with its id and codes (the task's own first, then the call's, then the fallback queue). */
export function completeEvent(draft: WebhookEventDraft, call: CallCodes | null, fallbackQueue: string): WebhookEvent {
  return webhookEventSchema.parse({
    id: webhookEventId(draft.type, draft.subject),
    type: draft.type,
    occurredAt: draft.occurredAt,
    callId: draft.callId,
    taskId: draft.taskId,
    // A case resolved by its chart record names the review item it was approved in.
    reviewId: draft.reviewId ?? (draft.type === 'case.resolved' && draft.taskId === null ? asUuid(call?.reviewId) : null),
    fhir: draft.fhir,
    codes: {
      queue: draft.codes.queue ?? asCode(call?.queue) ?? fallbackQueue,
      requestType: draft.codes.requestType ?? asCode(call?.requestType) ?? null,
      urgent: draft.codes.urgent ?? call?.urgent ?? false,
    },
  });
}

/** What a receiver's answer means: 2xx delivered; 408, 429 and 5xx (and no answer) tried again; any other 4xx is permanent. */
export function deliveryVerdict(status: number | 'timeout' | 'unreachable'): 'delivered' | 'retry' | 'permanent' {
  if (typeof status !== 'number') return 'retry';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'permanent';
}
