import type { Db, Queryable } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import { findCall, type CallRecord } from '../calls/calls.repository.ts';
import { callerNumberOf } from '../calls/caller-number.repository.ts';
import type { RequestTypeCode } from '../nlp/analysis.types.ts';
import type { RequestWorkflow } from '../nlp/workflows.ts';
import { callbackDueAt, type CallbackOrigin, type CallbackSettings } from './callback-policy.ts';
import { callerKeyOf } from './caller-key.ts';
import { openCallbackTask } from './callback.repository.ts';

export interface CallbackOpeningDeps {
  db: Db;
  cipher: ContentKeyring;
  workflows: Record<RequestTypeCode, RequestWorkflow>;
  settings: CallbackSettings;
  /** Keys the caller-number hash an unidentified caller's calls merge on. */
  callerKeySecret: Buffer;
  /** The queue of a call nobody routed and no workflow names. */
  fallbackQueue: string;
  clock?: () => Date;
}

const code = /^[a-z0-9_-]{1,64}$/;

/**
 * Why a call needs a callback, or null when it does not: a voicemail; a missed call (rang out, or
 * the caller hung up before anyone answered), `abandoned` when the caller had been talking to the
 * IVR; an answered call in which the caller asked to be called back (callback_request found,
 * primary or secondary).
 */
export function callbackOriginOf(call: Pick<CallRecord, 'status' | 'ivrReason' | 'requestTypes'>, facts: { voicemail: boolean; ivrInput: boolean }): CallbackOrigin | null {
  if (facts.voicemail) return 'voicemail';
  if (call.status === 'missed') return facts.ivrInput || call.ivrReason ? 'abandoned-call' : 'missed-call';
  if (call.requestTypes.includes('callback_request')) return 'callback-request';
  return null;
}

async function ledgerFacts(db: Queryable, callId: string): Promise<{ voicemail: boolean; ivrInput: boolean }> {
  const { rows } = await db.query<{ type: string }>("select distinct type from call_event where call_id = $1 and type in ('voicemail', 'ivr.input')", [callId]);
  const types = new Set(rows.map((row) => row.type));
  return { voicemail: types.has('voicemail'), ivrInput: types.has('ivr.input') };
}

/**
 * The after-call pipeline's `open-callback` stage (FU-1): a missed call, an abandoned call, a
 * voicemail or a callback request becomes a callback task, or joins the open one about the same
 * request. The queue and owner come from the call's routing decision (a queue or an agent), else
 * the call's queue, else the request type's workflow; the deadline from the callback policy.
 * Safe to run twice: a call already on a task is left there.
 */
export async function openCallbackForCall(deps: CallbackOpeningDeps, callId: string): Promise<{ id: string; merged: boolean; origin: CallbackOrigin } | null> {
  const { db, workflows, settings } = deps;
  const call = await findCall(db, callId);
  if (!call || (call.status !== 'missed' && call.status !== 'ended')) return null;
  const origin = callbackOriginOf(call, await ledgerFacts(db, callId));
  if (!origin) return null;
  const now = deps.clock?.() ?? new Date();
  const unique = call.callerMatch?.outcome === 'unique' ? call.callerMatch.candidates[0] : undefined;
  const patientId = unique?.patientId ?? null;
  let callerKey: string | null = null;
  if (!patientId && call.aniPresentation === 'number' && deps.callerKeySecret.length > 0) {
    const number = await callerNumberOf(db, call, deps.cipher);
    if (number.presentation === 'number') callerKey = callerKeyOf(number.e164, deps.callerKeySecret);
  }
  const requestType = call.requestType && call.requestType !== 'unclassified' ? call.requestType : null;
  const workflow = requestType && requestType in workflows ? workflows[requestType as RequestTypeCode] : null;
  const urgent = call.urgent || call.urgency === 'urgent' || call.urgency === 'emergency' || call.redFlags.length > 0;
  const destination = (call.routing?.destination ?? null) as { kind?: string; target?: string } | null;
  const routedQueue = destination?.kind === 'queue' && typeof destination.target === 'string' ? destination.target : null;
  const owner = destination?.kind === 'agent' && typeof destination.target === 'string' ? destination.target : null;
  const queue = routedQueue ?? call.queue ?? workflow?.queue ?? deps.fallbackQueue;
  const calledAt = call.startedAt ? new Date(call.startedAt) : now;
  const opened = await db.transaction((tx) =>
    openCallbackTask(tx, {
      origin, patientId, callId, callerKey, requestType, urgent, queue, owner,
      dueAt: callbackDueAt({ requestType, urgent, from: calledAt }, settings, workflows),
      context: {
        ivrReason: call.ivrReason && code.test(call.ivrReason) ? call.ivrReason : null,
        requestTypes: call.requestTypes.filter((type) => code.test(type)),
        redFlags: call.redFlags.filter((flag) => code.test(flag)),
        barriers: [],
      },
      now, calledAt, afterHours: call.routing?.afterHours === true,
    }, settings),
  );
  return { ...opened, origin };
}
