import { guardTwilioWebhooks } from './twilio-webhook-guard.routes.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../store/db.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import type { CallIngestService } from '../calls/call-ingest.service.ts';
import type { CallEvent } from '../calls/call-event.schema.ts';
import { normalizeCallerNumber } from '../calls/caller-number.ts';
import { findCallByProvider, listConsents, loadIvrSession, saveIvrSession, type CallRecord } from '../calls/calls.repository.ts';
import { answerIvr, currentPrompt, needsConsentPlan, planConsents, startIvr, type IvrEffect, type IvrSession } from '../ivr/ivr-flow.ts';
import { consentScopes, ivrProfileFor, type IvrProfile, type IvrSettings } from '../ivr/ivr-settings.schema.ts';
import { consentsNeeded } from '../consent/consent-needs.ts';
import type { QueuePolicy } from '../consent/queue-policy.schema.ts';
import type { RoutingService } from '../routing/routing.service.ts';
import { isIdentityVerified } from '../ehr/identity-step-up.ts';
import type { CallerMatch } from '../ehr/patient-match.ts';
import type { CountryCode } from 'libphonenumber-js';
import { ivrPromptTwiml, routeTwiml, type CallDestination, type MediaStreamStart, type RealtimeTranscriptionStart } from './twiml.ts';
import { registerRealtimeTranscriptionRoute, twilioRealtimeTranscriptionPath, type TwilioRealtimeTranscriptionOptions } from './twilio-realtime-transcription.routes.ts';
import { RealtimeTranscriptAssembler } from './twilio-realtime-transcription.service.ts';
import {
  incomingCallEvent, recordingEvent, statusCallbackEvent, transcriptionEvent, twilioCallParamsSchema, twilioGatherParamsSchema,
  twilioProvider, twilioRecordingParamsSchema, twilioStatusParamsSchema, twilioTranscriptionParamsSchema,
} from './twilio-events.ts';
import { mintStreamToken, streamTokenKey } from './twilio-stream-token.ts';
import { mediaStreamSignedUrl } from './twilio-media-stream.ts';
import { twilioMediaPath } from './twilio-media.routes.ts';

export interface TwilioRouteOptions {
  db: Db;
  ingest: CallIngestService;
  routing: RoutingService;
  ivr: IvrSettings;
  /**
   * The queue policy in force: the IVR asks only the consents the call's queue can use (PX-1).
   * Without it every consent the IVR profile names is asked.
   */
  queuePolicy?: () => QueuePolicy;
  /** TWILIO_AUTH_TOKEN; undefined (or unusable) → every request is refused with 403 TWILIO_NOT_CONFIGURED. */
  authToken: () => string | undefined;
  /** The URL Twilio is configured with, when Callchart sits behind a proxy or tunnel. */
  publicBaseUrl?: string | undefined;
  defaultRegion: CountryCode;
  maxBodyBytes: number;
  now?: () => Date;
  /** Life of a Media Stream token from the TwiML to the stream's `start` (default 60 s). */
  streamTokenTtlSeconds?: number;
  /** Twilio real-time transcription (`speech.twilioRealtime`, issue 17); absent: not offered, its callback route not served. */
  realtimeTranscription?: TwilioRealtimeTranscriptionOptions;
}

const xml = 'text/xml; charset=utf-8';
const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio Programmable Voice (ING-2): the incoming-call webhook answers with the IVR in TwiML,
 * keypad answers come back to /webhooks/twilio/ivr, and status, recording and transcription
 * callbacks map onto the normalized call events. X-Twilio-Signature is verified on every request
 * against the URL Twilio called; anything unsigned or forged gets 403 and an audit entry, and
 * without a usable auth token everything does (TWILIO_NOT_CONFIGURED), before any HMAC. A call
 * that may be transcribed is connected with a Media Stream carrying a one-time token.
 */
export async function twilioRoutes(app: FastifyInstance, options: TwilioRouteOptions): Promise<void> {
  // Forms only, signed, audited refusals (src/pbx/twilio-webhook-guard.routes.ts).
  const guard = await guardTwilioWebhooks(app, { db: options.db, authToken: options.authToken, publicBaseUrl: options.publicBaseUrl, maxBodyBytes: options.maxBodyBytes, name: 'twilio' });
  const { reject, parse } = guard;
  const now = () => options.now?.() ?? new Date();
  const realtime = options.realtimeTranscription;
  const assembler = realtime ? new RealtimeTranscriptAssembler({ db: options.db, cipher: realtime.cipher, ingest: options.ingest, lowConfidence: realtime.lowConfidence, now }) : null;
  if (realtime && assembler) registerRealtimeTranscriptionRoute(app, guard, { db: options.db, ingest: options.ingest, realtime, assembler });

  /** `<Start><Transcription>` for a connected call with transcribe consent, when the clinic turned it on. */
  const realtimeTranscriptionFor = (request: FastifyRequest): RealtimeTranscriptionStart | null => {
    if (!realtime?.enabled) return null;
    const base = options.publicBaseUrl ? options.publicBaseUrl.replace(/\/+$/, '') : `${request.protocol}://${request.host}`;
    return { statusCallbackUrl: `${base}${twilioRealtimeTranscriptionPath}`, partialResults: realtime.partialResults, languageCode: realtime.languageCode };
  };

  const ivrAction = (step: string) => `${options.publicBaseUrl ?? ''}/webhooks/twilio/ivr?step=${encodeURIComponent(step)}`;
  const recordingCallback = `${options.publicBaseUrl ?? ''}/webhooks/twilio/recording`;

  /** IVR effects become normalized events, so every PBX's consents and answers land the same way. */
  const effectEvents = (callSid: string, params: { From: string; To: string }, effects: IvrEffect[], turn: number): CallEvent[] => {
    const call = { id: callSid, ani: params.From, dnis: params.To || undefined, direction: 'inbound' as const };
    const occurredAt = now().toISOString();
    return effects.flatMap((effect): CallEvent[] => {
      if (effect.type === 'consent' && effect.status !== 'not-captured') {
        return [{ id: `${callSid}:consent:${effect.scope}:${turn}`, provider: twilioProvider, type: 'consent.captured', occurredAt, call, data: { scope: effect.scope, granted: effect.status === 'granted', method: effect.source === 'jurisdiction' ? 'standing' : 'ivr' } }];
      }
      if (effect.type === 'reason') {
        return [{ id: `${callSid}:reason:${turn}`, provider: twilioProvider, type: 'ivr.input', occurredAt, call, data: { kind: 'dtmf', menu: 'reason', value: effect.urgent ? 'urgent' : effect.reason } }];
      }
      return [];
    });
  };

  /**
   * The Media Stream for a connected call, when the caller allowed transcription (invariant 1):
   * the wss:// URL Twilio will sign, and a one-time token bound to this CallSid (finding 2).
   */
  const mediaStreamFor = (request: FastifyRequest, callSid: string): MediaStreamStart => {
    const base = options.publicBaseUrl ? options.publicBaseUrl.replace(/\/+$/, '') : `${request.protocol}://${request.host}`;
    const token = mintStreamToken({ key: streamTokenKey(options.authToken()), callSid, nowMs: now().getTime(), ...(options.streamTokenTtlSeconds ? { ttlSeconds: options.streamTokenTtlSeconds } : {}) });
    return { url: mediaStreamSignedUrl(`${base}${twilioMediaPath}`), token };
  };

  const routeAnswer = async (request: FastifyRequest, callSid: string, call: CallRecord, from: string, receivedAt: number, say: string[], session: IvrSession | null, language?: string) => {
    const decision = await options.routing.route({ call, callerNumber: normalizeCallerNumber(from, options.defaultRegion), receivedAt });
    const consents = await listConsents(options.db, call.id);
    const destination: CallDestination = decision.destination;
    const transcribe = consents.transcribe?.status === 'granted';
    const realtimeTranscription = transcribe ? realtimeTranscriptionFor(request) : null;
    const mediaStream = {
      ...(transcribe ? { mediaStream: mediaStreamFor(request, callSid) } : {}),
      ...(realtimeTranscription ? { realtimeTranscription } : {}),
    };
    if (session) {
      return ivrPromptTwiml(
        { kind: 'route', say, language: language ?? session.language, finished: session.finished ?? 'completed' },
        { actionUrl: ivrAction, destination, recordingCallbackUrl: recordingCallback, canRecordVoicemail: consents.record?.status === 'granted', ...mediaStream },
      );
    }
    return routeTwiml(destination, say, mediaStream);
  };

  /**
   * Once the reason and the date of birth are in, the call's destination is decided (and stored, so
   * the hand-off later gives the same answer), and the consent questions are planned from what that
   * queue can use (PX-1). The plan is audited: which consents were asked, and how, as codes.
   */
  const planConsentQuestions = async (
    callSid: string, from: string, profile: IvrProfile, stored: { session: IvrSession; turn: number }, receivedAt: number,
  ): Promise<{ session: IvrSession; turn: number }> => {
    if (!needsConsentPlan(stored.session)) return stored;
    const call = (await findCallByProvider(options.db, twilioProvider, callSid))!;
    const decision = await options.routing.route({ call, callerNumber: normalizeCallerNumber(from, options.defaultRegion), receivedAt });
    const needed = options.queuePolicy ? consentsNeeded(options.queuePolicy(), decision.destinationId) : [...consentScopes];
    const session = planConsents(profile, stored.session, needed);
    const saved = await options.db.transaction(async (tx) => {
      if (!(await saveIvrSession(tx, call.id, session, stored.turn, call.dnis))) return false;
      const asked = session.steps.slice(session.index).flatMap((step) => (step.kind === 'consents' ? step.scopes : step.kind === 'consent' ? [step.scope] : []));
      await appendAuditEvent(tx, {
        actor: 'pbx:twilio', action: 'ivr.consents.planned', objectType: 'call', objectId: call.id, outcome: 'success',
        detail: { queue: decision.destinationId, asked, together: session.steps[session.index]?.kind === 'consents', notNeeded: consentScopes.filter((scope) => !needed.includes(scope)) },
      });
      return true;
    });
    // Planned by a concurrent delivery of the same answer: take what it stored.
    return saved ? { session, turn: stored.turn + 1 } : (await loadIvrSession<IvrSession>(options.db, call.id))!;
  };

  app.post('/webhooks/twilio/voice', async (request, reply) => {
    const receivedAt = Date.now();
    const parsed = parse(twilioCallParamsSchema, request);
    if (!parsed.ok) return reject(request, reply, 400, 'PAYLOAD_INVALID', 'not a Twilio voice request', parsed.paths);
    const params = parsed.value;
    const accepted = await options.ingest.accept(incomingCallEvent(params, now()));
    const call = (await findCallByProvider(options.db, twilioProvider, params.CallSid))!;
    const profile = ivrProfileFor(options.ivr, call.dnis);
    if (!profile.enabled) {
      return reply.type(xml).send(await routeAnswer(request, params.CallSid, call, params.From, receivedAt, [], null));
    }
    const started = startIvr(profile, now());
    const created = await options.db.transaction((tx) => saveIvrSession(tx, accepted.callId, started.session, null, call.dnis));
    const stored = created ? { session: started.session, turn: 0 } : await loadIvrSession<IvrSession>(options.db, accepted.callId);
    for (const event of effectEvents(params.CallSid, params, created ? started.effects : [], 0)) await options.ingest.accept(event);
    const session = stored!.session;
    const prompt = currentPrompt(profile, session);
    if (prompt.kind === 'route') return reply.type(xml).send(await routeAnswer(request, params.CallSid, call, params.From, receivedAt, prompt.say, session));
    return reply.type(xml).send(ivrPromptTwiml(prompt, { actionUrl: ivrAction }));
  });

  app.post('/webhooks/twilio/ivr', async (request, reply) => {
    const receivedAt = Date.now();
    const parsed = parse(twilioGatherParamsSchema, request);
    const query = (request.query as { step?: unknown }).step;
    const step = typeof query === 'string' && /^[a-z-]{1,32}$/.test(query) ? query : undefined;
    if (!parsed.ok || !step) return reject(request, reply, 400, 'PAYLOAD_INVALID', 'not a Twilio gather callback', parsed.ok ? ['step'] : parsed.paths);
    const params = parsed.value;
    const call = await findCallByProvider(options.db, twilioProvider, params.CallSid);
    const stored = call ? await loadIvrSession<IvrSession>(options.db, call.id) : null;
    if (!call || !stored) {
      // A keypad answer for a call we never saw start: never a dead end — hand it to a person.
      await recordAuditEvent(options.db, { actor: 'pbx:twilio', action: 'ivr.unknown-call', objectType: 'webhook', objectId: request.id, outcome: 'rejected', reason: 'UNKNOWN_CALL' });
      return reply.type(xml).send(routeTwiml(undefined, ['Let me connect you with a member of our staff.']));
    }
    const profile = ivrProfileFor(options.ivr, call.dnis);
    const digits = params.Digits ? params.Digits : null;
    let dobVerified = false;
    if (step === 'dob' && digits) {
      // The date of birth goes through the ingest path (step-up), and is kept nowhere.
      await options.ingest.accept({ id: `${params.CallSid}:dob:${stored.turn}`, provider: twilioProvider, type: 'ivr.input', occurredAt: now().toISOString(), call: { id: params.CallSid, ani: params.From, direction: 'inbound' }, data: { kind: 'dtmf', menu: 'dob', value: digits } });
      dobVerified = isIdentityVerified((await findCallByProvider(options.db, twilioProvider, params.CallSid))?.callerMatch ?? null);
    }
    const current = (await findCallByProvider(options.db, twilioProvider, params.CallSid))!;
    // The DOB question depends on who the number matched: wait for the live lookup if it is still running.
    const match = current.callerMatch ?? (await options.ingest.identification(`${twilioProvider}/${params.CallSid}`, normalizeCallerNumber(params.From, options.defaultRegion))).lookup.match;
    const skipDob = shouldSkipDob(profile.dobStepUp, match);
    const turn = answerIvr(profile, stored.session, { step, digits, dobVerified, skipDob }, now());
    const saved = await options.db.transaction((tx) => saveIvrSession(tx, call.id, turn.session, stored.turn, call.dnis));
    if (!saved) {
      // A replayed callback: answer from the stored state, change nothing (but finish a plan a crash interrupted).
      const latest = await planConsentQuestions(params.CallSid, params.From, profile, (await loadIvrSession<IvrSession>(options.db, call.id))!, receivedAt);
      const prompt = currentPrompt(profile, latest.session);
      if (prompt.kind === 'route') return reply.type(xml).send(await routeAnswer(request, params.CallSid, current, params.From, receivedAt, prompt.say, latest.session));
      return reply.type(xml).send(ivrPromptTwiml(prompt, { actionUrl: ivrAction }));
    }
    for (const event of effectEvents(params.CallSid, params, turn.effects, stored.turn + 1)) await options.ingest.accept(event);
    const next = await planConsentQuestions(params.CallSid, params.From, profile, { session: turn.session, turn: stored.turn + 1 }, receivedAt);
    // The turn's own prompt carries any "sorry, I didn't get that"; a freshly planned step has none.
    const prompt = next.session === turn.session ? turn.prompt : currentPrompt(profile, next.session);
    if (prompt.kind === 'route') {
      const routed = (await findCallByProvider(options.db, twilioProvider, params.CallSid))!;
      return reply.type(xml).send(await routeAnswer(request, params.CallSid, routed, params.From, receivedAt, prompt.say, next.session));
    }
    return reply.type(xml).send(ivrPromptTwiml(prompt, { actionUrl: ivrAction }));
  });

  app.post('/webhooks/twilio/status', async (request, reply) => {
    const parsed = parse(twilioStatusParamsSchema, request);
    if (!parsed.ok) return reject(request, reply, 400, 'PAYLOAD_INVALID', 'not a Twilio status callback', parsed.paths);
    const event = statusCallbackEvent(parsed.value, now());
    if (event) await options.ingest.accept(event);
    // The call is over: a real-time transcription that was never stopped becomes its transcript now.
    if (event?.type === 'call.ended' && assembler) {
      const call = await findCallByProvider(options.db, twilioProvider, parsed.value.CallSid);
      if (call) await assembler.assembleOpen(call.id, parsed.value.CallSid);
    }
    return reply.type(xml).send(emptyTwiml);
  });

  app.post('/webhooks/twilio/recording', async (request, reply) => {
    const parsed = parse(twilioRecordingParamsSchema, request);
    if (!parsed.ok) return reject(request, reply, 400, 'PAYLOAD_INVALID', 'not a Twilio recording callback', parsed.paths);
    const call = await findCallByProvider(options.db, twilioProvider, parsed.value.CallSid);
    const event = recordingEvent(parsed.value, now(), { ani: '', ...(call?.dnis ? { dnis: call.dnis } : {}) });
    if (event) await options.ingest.accept(event);
    return reply.type(xml).send(emptyTwiml);
  });

  app.post('/webhooks/twilio/transcription', async (request, reply) => {
    const parsed = parse(twilioTranscriptionParamsSchema, request);
    if (!parsed.ok) return reject(request, reply, 400, 'PAYLOAD_INVALID', 'not a Twilio transcription callback', parsed.paths);
    const call = await findCallByProvider(options.db, twilioProvider, parsed.value.CallSid);
    const consents = call ? await listConsents(options.db, call.id) : {};
    if (consents.transcribe?.status !== 'granted') {
      // No transcript without transcribe consent (invariant 1): the text is dropped unread.
      await recordAuditEvent(options.db, {
        actor: 'pbx:twilio', action: 'transcript.discarded', objectType: 'call', objectId: call?.id ?? null, outcome: 'rejected',
        reason: 'NO_TRANSCRIBE_CONSENT', consentStatus: `transcribe:${consents.transcribe?.status ?? 'not-captured'}`,
      });
      return reply.type(xml).send(emptyTwiml);
    }
    const event = transcriptionEvent(parsed.value, now(), { ani: '', ...(call?.dnis ? { dnis: call.dnis } : {}) });
    if (event) await options.ingest.accept(event);
    return reply.type(xml).send(emptyTwiml);
  });
}

/** Whether the DOB question is worth asking for this call. */
function shouldSkipDob(policy: 'always' | 'when-ambiguous' | 'never', match: CallerMatch): boolean {
  const outcome = match.outcome;
  // Nothing to verify against: no chart on this number, a withheld number, or the EHR is down.
  if (!outcome || outcome === 'none' || outcome === 'blocked' || outcome === 'lookup-failed') return true;
  if (isIdentityVerified(match)) return true;
  return policy === 'when-ambiguous' && outcome === 'unique';
}
