import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { registerHealthRoutes, type Readiness } from './health.routes.ts';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyCookie from '@fastify/cookie';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { runWithContext } from '../lib/context.ts';
import type { CallIngestService } from '../calls/call-ingest.service.ts';
import { liveSummary } from '../calls/call-ingest.service.ts';
import { listRecentCalls } from '../calls/calls.repository.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { clientErrorBody, isCallchartError, type CallchartError } from '../lib/errors.ts';
import { installAccessControl, selectLiveSubprotocol, staffOf } from './access-control.ts';
import { RejectionAuditor } from './rejection-audit.ts';
import { staffAppRoutes } from '../web/staff-app.routes.ts';
import { redFlagRoutes } from '../calls/red-flags.routes.ts';
import { liveCallRoutes, type LiveCallRoutesDeps } from '../calls/live-call.routes.ts';
import type { RouteAccess } from './route-access.ts';
import { ctiRoutes } from '../pbx/cti.routes.ts';
import { ringcentralRoutes } from '../pbx/ringcentral.routes.ts';
import { zoomRoutes } from '../pbx/zoom.routes.ts';
import { twilioRoutes } from '../pbx/twilio.routes.ts';
import type { TwilioRealtimeTranscriptionOptions } from '../pbx/twilio-realtime-transcription.routes.ts';
import { twilioOutboundRoutes } from '../pbx/twilio-outbound.routes.ts';
import { outboundCallRoutes } from '../outbound/outbound-call.routes.ts';
import type { OutboundCallService } from '../outbound/outbound-call.service.ts';
import { fhirNotifyRoutes } from '../ehr/fhir-notify.routes.ts';
import { twilioMediaRoutes } from '../pbx/twilio-media.routes.ts';
import { claimStreamToken } from '../pbx/twilio-stream-token.repository.ts';
import { NoopSpeechEngine, type SpeechEngine, type TranscriptSegment } from '../speech/speech-engine.ts';
import type { LiveTranscriptService } from '../speech/live-transcript.service.ts';
import { CallTranscriptService } from '../speech/call-transcript.service.ts';
import type { RoutingService } from '../routing/routing.service.ts';
import type { IvrSettings } from '../ivr/ivr-settings.schema.ts';
import type { CountryCode } from 'libphonenumber-js';
import type { LiveCallsHub } from './live-calls.hub.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { KeyOperations } from '../keys/key-rotation.service.ts';
import { keysRoutes } from '../keys/keys.routes.ts';
import type { ReviewService } from '../review/review.service.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import type { QueuePolicy } from '../consent/queue-policy.schema.ts';
import { staffRoutes } from '../review/review.routes.ts';
import { callbackRoutes } from '../callbacks/callbacks.routes.ts';
import type { CallbackSettings } from '../callbacks/callback-policy.ts';
import { onCallRoutes, onCallTwilioRoutes } from '../on-call/on-call.routes.ts';
import type { OnCallService } from '../on-call/on-call.service.ts';
import { outreachRoutes, type OutreachRoutesDeps } from '../outreach/outreach.routes.ts';
import { worklistRoutes, type WorklistTarget } from '../write-back/worklist.routes.ts';
import { patientLinkRoutes } from '../review/patient-link.routes.ts';
import type { PatientLinkService } from '../review/patient-link.service.ts';
import type { ReviewPatients } from '../review/review-patients.service.ts';
import { patientSearchRoutes } from '../ehr/patient-search.routes.ts';
import type { StaffSignIn } from '../auth/sign-in.service.ts';
import { authRoutes } from '../auth/auth.routes.ts';
import { staffTokenRoutes } from '../auth/staff-tokens.routes.ts';
import { findStaffToken } from '../auth/staff-token.repository.ts';
import type { PatientDirectory } from '../ehr/patient-directory.service.ts';
import { metricsRoutes } from '../telemetry/metrics.routes.ts';
import type { CallchartMetrics } from '../telemetry/metrics.ts';
import { ehrJwksRoutes } from '../ehr/ehr-jwks.routes.ts';
import { accessLogRoutes } from '../audit/access-log.routes.ts';
import { auditSearchRoutes } from '../audit/audit-search.routes.ts';
import { alertRoutes } from '../alerts/alerts.routes.ts';
import { incidentRoutes, type IncidentRoutesDeps } from '../incidents/incidents.routes.ts';
import { staffAdminRoutes } from '../people/staff-admin.routes.ts';
import { scimRoutes } from '../scim/scim.routes.ts';
import { ScimProvisioning } from '../scim/scim-provisioning.service.ts';
import { scimSettingsSchema, type ScimSettings } from '../scim/scim-groups.ts';
import { signInPageRoutes, staffSessionPort, type SignInPageDeps } from '../auth/sign-in-pages.routes.ts';
import { retentionRoutes } from '../retention/retention.routes.ts';
import { dashboardRoutes } from '../dashboard/dashboard.routes.ts';
import { settingsRoutes } from '../settings/settings.routes.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { eventSubscriptionRoutes, type EventSubscriptionRoutesDeps } from '../event-subscriptions/event-subscriptions.routes.ts';
import type { BookingService } from '../booking/booking.service.ts';
import { bookingRoutes } from '../booking/booking.routes.ts';
import { bookingPageRoutes } from '../booking/booking-page.routes.ts';
import { transcriptionRoutes } from '../speech/http/transcription.routes.ts';
import type { SpeechSettings } from '../speech/speech.settings.ts';

export interface AppDeps {
  db: Db;
  /** What `/health/ready` reads (issue 18); absent: ready, role `all`. */
  readiness?: Readiness;
  logger: Logger;
  ingest: CallIngestService;
  hub: LiveCallsHub;
  version: string;
  /** The clinic's name and time zone: the staff app shows times in the clinic's zone (issue 14). */
  clinic?: { name: string; timeZone: string };
  /** Synthetic demo data: the staff app shows a banner. */
  demoData?: boolean;
  fhirBaseUrl: string;
  webhookSecrets: () => readonly string[];
  /** RingCentral's verification tokens (RINGCENTRAL_VERIFICATION_TOKEN); absent or none: /webhooks/ringcentral refuses everything. */
  ringcentralVerificationTokens?: () => readonly string[];
  staffTokenSecret: Uint8Array;
  onPatientChanged: (patientId: string, phones: string[]) => number;
  routing: RoutingService;
  speech?: SpeechEngine;
  /**
   * Live and final transcripts of streamed calls (issue 17): the live view (redacted partials to
   * the call's clinical viewers) and the final transcript with its fallback. Absent: the final
   * transcript is ingested without fallback, and no live view.
   */
  speechTranscripts?: { live?: LiveTranscriptService; final?: CallTranscriptService; holdAudio?: boolean };
  twilio: {
    authToken: () => string | undefined; publicBaseUrl: string | undefined; ivr: IvrSettings; defaultRegion: CountryCode; queuePolicy?: () => QueuePolicy;
    /** Twilio real-time transcription (issue 17, `speech.twilioRealtime`); absent: not offered. */
    realtimeTranscription?: TwilioRealtimeTranscriptionOptions;
  };
  /** Zoom Phone (issue 19): the app's Secret Token; absent or undefined: POST /webhooks/zoom refuses everything. */
  zoom?: { secretToken: () => string | undefined };
  replayWindowSeconds: number;
  maxBodyBytes: number;
  now?: () => number;
  /** The queue of a call the PBX put in no queue (who may see it). */
  fallbackQueue: string;
  /** Refused requests (4xx) one source may send per minute before it gets 429s. */
  maxRejectionsPerMinute?: number;
  /** Keys the source hash in refusal audit entries. */
  auditSourceKey: Uint8Array;
  /** Serve HSTS (only behind TLS). */
  hsts?: boolean;
  /** Prometheus metrics and the scrape token (`GET /metrics`; refused to all without a token). */
  metrics?: { registry: CallchartMetrics; token: () => string | undefined };
  /** Each request is a server span (method and route template only); absent: no tracing. */
  tracer?: Tracer;
  /** The public JWKS of the engine's SMART client keys (`GET /.well-known/jwks.json`). */
  ehrJwks?: () => JSONWebKeySet | null;
  /** The access report, alerts and incidents (issue 13); absent in webhook-only test apps. */
  governance?: { incidents: Omit<IncidentRoutesDeps, 'db'> };
  /** Staff sign-in and sessions (SE-3); absent in test apps that use staff tokens only. */
  signIn?: StaffSignIn;
  /** Outbound event webhook subscribers and their troubled deliveries (OW-1); absent in test apps without them. */
  eventWebhooks?: Omit<EventSubscriptionRoutesDeps, 'db'>;
  /** Sign-in attempts per source per minute (the pre-session steps). */
  authAttemptsPerMinute?: number;
  /** How often an open live socket re-checks its session or token. */
  liveRecheckMs?: number;
  /** Key rotation and status for admins (src/keys/); absent in webhook-only test apps. */
  keys?: KeyOperations;
  /** The staff API (review queue, write-back, consents, policy); absent in webhook-only test apps. */
  staff?: {
    cipher: ContentKeyring; review: ReviewService; policies: QueuePolicyStore; onWriteBackQueued?: () => void; patientExists?: (patientId: string) => Promise<boolean | null>;
    /** Staff search the EHR for a chart, link a call to it, and see whose chart each item is on (issue 12). */
    patients: PatientDirectory; patientLink: PatientLinkService; reviewPatients: ReviewPatients;
    /** The write-back targets and whether each EHR's breaker lets writes out (the chart worklist, issue 14). */
    writeBackTargets?: readonly WorklistTarget[];
  };
  /** The front desk on a live call (issue 14): consents, the caller's chart on a shared number, date of birth. */
  liveCalls?: Omit<LiveCallRoutesDeps, 'db' | 'fallbackQueue'>;
  /** Settings changed by admins from the staff app (issue 14); absent in test apps without a policy store. */
  settings?: SettingsService;
  /** Outbound calls from callback tasks (issue 16): the Call API and Twilio's outbound webhooks. */
  outbound?: OutboundCallService;
  /** SCIM provisioning (issue 13): what IdP groups mean, and CALLCHART_SCIM_TOKEN (absent: every SCIM request is refused). */
  scim?: { settings: ScimSettings; token: () => string | undefined };
  /** Single sign-on through the clinic's identity provider (`auth.sso`; issue 13). */
  sso?: SignInPageDeps['sso'];
  /** Callback tasks (issue 16, FU-1): the policy the attempt route applies; absent: no callback routes. */
  callbacks?: { settings: CallbackSettings; now?: () => Date };
  /** The on-call clinician's phone view (issue 16, AH-1). */
  onCall?: OnCallService;
  /** Outreach lists (issue 16, FU-2); absent: no outreach routes. */
  outreach?: Omit<OutreachRoutesDeps, 'db' | 'fallbackQueue'>;
  /** Self-scheduling links (issue 16, SC-1): the staff API and the patient's pages; `formKey` keys the pages' form tokens. */
  booking?: { service: BookingService; formKey: Uint8Array };
  /** Callchart as a transcription service (issue 17, `speech.service.enabled`): the local engine and CALLCHART_SPEECH_SERVICE_KEYS. */
  speechService?: { engine: SpeechEngine; keys: () => string[]; settings: SpeechSettings['service'] };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Aggregated audit entries for refused requests (see rejection-audit.ts). */
    rejections: RejectionAuditor;
    /** Every route with its access row, for the security tier's generated matrix. */
    routeAccessList: { method: string; url: string; access: RouteAccess }[];
  }
  interface FastifyRequest {
    /** The request's server span, when tracing is on. */
    traceSpan?: Span;
  }
}

/** The HTTP and WebSocket surface: webhooks in, staff display out, health and OpenAPI. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.maxBodyBytes,
    genReqId: () => crypto.randomUUID(),
    // Hostile input must not reach a stack overflow: bounded nesting for JSON.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', (request, _reply, done) => runWithContext({ requestId: request.id }, done));
  const tracer = deps.tracer;
  if (tracer) {
    // One server span per request, active for the rest of it: a webhook's ingest, and the jobs it
    // queues, join its trace. The route template only (never the URL: queries can hold values).
    app.addHook('onRequest', (request, _reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (route === '/metrics' || route === '/healthz' || route.startsWith('/health/')) return done();
      const span = tracer.startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } });
      request.traceSpan = span;
      context.with(trace.setSpan(context.active(), span), done);
    });
    app.addHook('onResponse', async (request, reply) => {
      const span = request.traceSpan;
      if (!span) return;
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
  }
  // First of the hooks: its onRequest marks upgrade requests, so a refused upgrade (401/403 from
  // the hooks below) still gets its socket closed after the answer.
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024, handleProtocols: selectLiveSubprotocol } });

  // Cookies for staff sessions (SE-3); no signing secret: the session cookie is a random value the store looks up.
  await app.register(fastifyCookie);

  const rejections = new RejectionAuditor({
    write: (event) => recordAuditEvent(deps.db, event),
    sourceKey: deps.auditSourceKey,
    onError: (error) => deps.logger.warn({ err: { code: (error as { code?: string }).code } }, 'refusal audit failed'),
  });
  app.decorate('rejections', rejections);
  app.addHook('onClose', async () => rejections.close());

  // Refused requests per source are rate limited: a flood of forged webhooks or guessed tokens
  // gets 429s instead of work (the limit counts refusals only, so a busy PBX is never slowed).
  await app.register(fastifyRateLimit, { global: false });
  const refusalLimit = app.createRateLimit({ max: deps.maxRejectionsPerMinute ?? 120, timeWindow: 60_000, keyGenerator: (request) => request.ip });
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (!access || access.kind === 'public') return;
    const verdict = await refusalLimit(request, { increment: false });
    // `isExceeded`: more refusals than allowed in this window (a read does not count as one).
    if (verdict.isAllowed || !(verdict as { isExceeded?: boolean }).isExceeded) return;
    await rejections.record({ action: 'request.rate-limited', actor: 'unverified', objectType: 'route', reason: 'RATE_LIMITED', route: request.routeOptions.url ?? 'unknown', source: request.ip });
    return reply.code(429).header('retry-after', String(Math.max(1, verdict.ttlInSeconds))).send({ error: { code: 'RATE_LIMITED', message: 'too many refused requests from this source; retry later' } });
  });
  app.addHook('onResponse', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (!access || access.kind === 'public') return;
    if ([400, 401, 403, 413, 415].includes(reply.statusCode)) await refusalLimit(request);
  });

  const routes = installAccessControl(app as unknown as FastifyInstance, {
    staffTokenSecret: deps.staffTokenSecret,
    ...(deps.signIn ? { signIn: deps.signIn } : {}),
    // Tokens issued through the admin API are checked against the register on every request (revocation, scopes).
    tokenRegister: (tokenId) => findStaffToken(deps.db, tokenId),
    onRefused: (request: FastifyRequest, refusal) =>
      rejections.record({ action: 'staff.api.rejected', actor: 'staff:unknown', objectType: 'route', reason: refusal.code, route: request.routeOptions.url ?? 'unknown', source: request.ip }),
  });
  app.decorate('routeAccessList', routes);

  // Security headers on every answer (pages and API): no framing, no sniffing, no referrer,
  // scripts and styles only from the engine and the pages' own inline blocks (by hash).
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // The staff app's page adds its per-request nonce (staff-app.routes.ts): Mantine's style tags.
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: deps.hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });

  // The last word on errors in every scope without its own handler: a code and a reason, never a
  // stack trace; 4xx for what the client sent, 5xx only for real server faults.
  app.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    if (isCallchartError(error)) return reply.code(error.status).send(clientErrorBody(error));
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.code(400).send({ error: { code: 'PAYLOAD_INVALID', message: 'request does not match the schema', issues: fastifyError.validation.map((issue) => ({ path: issue.instancePath, message: issue.message ?? 'invalid' })) } });
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const code = fastifyError.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : fastifyError.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'PAYLOAD_INVALID';
      return reply.code(fastifyError.statusCode).send({ error: { code, message: 'request could not be read' } });
    }
    request.log.error({ err: { name: error.name, code: fastifyError.code } }, 'request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } }));
  // Every 503 (the store is away) says when to try again: a PBX redelivers, a probe backs off.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '5');
    return payload;
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Callchart',
        version: deps.version,
        description: 'Signed call events in, screen pops and FHIR work items out. All example data is synthetic.',
      },
    },
    transform: jsonSchemaTransform,
  });

  registerHealthRoutes(app, { db: deps.db, readiness: deps.readiness ?? { role: 'all', migrated: true, draining: false, leading: () => [] } });

  app.get(
    '/api/info',
    {
      schema: {
        summary: "Engine version, the EHR it talks to, the clinic's name and time zone, and whether the data is the demo's synthetic data",
        response: { 200: z.object({ version: z.string(), fhirBaseUrl: z.string(), storage: z.string(), clinic: z.object({ name: z.string(), timeZone: z.string() }), demoData: z.boolean() }) },
      },
    },
    async () => ({ version: deps.version, fhirBaseUrl: deps.fhirBaseUrl, storage: deps.db.kind, clinic: deps.clinic ?? { name: 'Clinic', timeZone: 'UTC' }, demoData: deps.demoData ?? false }),
  );

  app.get('/api/calls', { schema: { summary: 'Recent calls in your queues (no PHI)' } }, async (request) => {
    const staff = staffOf(request);
    return { calls: (await listRecentCalls(deps.db, 100, { queues: staff.queues, fallbackQueue: deps.fallbackQueue })).map(liveSummary) };
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (scope) => {
    await ehrJwksRoutes(scope as unknown as FastifyInstance, { jwks: deps.ehrJwks ?? (() => null) });
  });
  await app.register(async (scope) => {
    await metricsRoutes(scope as unknown as FastifyInstance, { metrics: deps.metrics?.registry ?? null, token: deps.metrics?.token ?? (() => undefined) });
  });

  // Staff display: the access check has verified the token (bearer.<token> subprotocol) and the
  // role before the upgrade; the hub sends each person only their queues, cut to their role.
  app.get('/ws', { websocket: true, schema: { hide: true } }, (socket, request) => {
    const claims = staffOf(request);
    deps.hub.add(socket, claims);
    // The access check ran once, at the upgrade; a socket stays open for hours. It is re-checked, so
    // signing out, disabling the person or revoking the token closes it within a few seconds.
    const stillAllowed = claims.via === 'session' && claims.sessionId && deps.signIn
      ? ((signIn, sessionId) => () => signIn.sessionStillOpen(sessionId))(deps.signIn, claims.sessionId)
      : claims.tokenId ? ((tokenId) => async () => !(await findStaffToken(deps.db, tokenId))?.revokedAt)(claims.tokenId) : null;
    if (stillAllowed) {
      const recheck = setInterval(() => {
        void stillAllowed().then((allowed) => {
          if (!allowed) socket.close(4401, 'signed out');
        }, () => undefined);
      }, deps.liveRecheckMs ?? 10_000);
      recheck.unref();
      socket.on('close', () => clearInterval(recheck));
    }
    void recordAuditEvent(deps.db, { actor: `staff:${claims.sub}`, action: 'staff.live.connected', objectType: 'websocket', objectId: request.id, outcome: 'success', detail: { role: claims.role } }).catch(() => undefined);
  });

  // The staff app (issue 14): its page for every screen, and its assets.
  await app.register(staffAppRoutes);

  // The sign-in page, the pages' session script and single sign-on (issue 13).
  await app.register(async (scope) => {
    await signInPageRoutes(scope, { db: deps.db, staffTokenSecret: deps.staffTokenSecret, secureCookies: deps.hsts ?? false, sso: deps.sso ?? null, attemptsPerMinute: deps.authAttemptsPerMinute ?? 20,
      ...(deps.signIn ? { sessions: staffSessionPort(deps.db, deps.signIn) } : {}),
    });
  });

  await app.register(async (webhooks) => {
    await ctiRoutes(webhooks, {
      db: deps.db,
      ingest: deps.ingest,
      secrets: deps.webhookSecrets,
      replayWindowSeconds: deps.replayWindowSeconds,
      maxBodyBytes: deps.maxBodyBytes,
      routing: deps.routing,
      ...(deps.now ? { now: deps.now } : {}),
    });
  });

  // RingCentral (issue 19): registered always; without verification tokens it refuses everything.
  await app.register(async (webhooks) => {
    await ringcentralRoutes(webhooks, {
      db: deps.db, ingest: deps.ingest, verificationTokens: deps.ringcentralVerificationTokens ?? (() => []),
      replayWindowSeconds: deps.replayWindowSeconds, maxBodyBytes: deps.maxBodyBytes, ...(deps.now ? { now: deps.now } : {}),
    });
  });

  await app.register(async (webhooks) => {
    await zoomRoutes(webhooks, {
      db: deps.db, ingest: deps.ingest, secretToken: deps.zoom?.secretToken ?? (() => undefined),
      replayWindowSeconds: deps.replayWindowSeconds, maxBodyBytes: deps.maxBodyBytes, ...(deps.now ? { now: deps.now } : {}),
    });
  });

  if (deps.staff) {
    const staff = deps.staff;
    await app.register(async (scope) => {
      await staffRoutes(scope, { db: deps.db, fallbackQueue: deps.fallbackQueue, ...staff });
    });
    await app.register(async (scope) => {
      await patientSearchRoutes(scope, { db: deps.db, patients: staff.patients });
      await patientLinkRoutes(scope, { db: deps.db, fallbackQueue: deps.fallbackQueue, patientLink: staff.patientLink });
    });
    // Red flags acknowledged from the live and review screens (issue 14).
    const clock = deps.now;
    await app.register(async (scope) => redFlagRoutes(scope, { db: deps.db, fallbackQueue: deps.fallbackQueue, ...(clock ? { now: () => new Date(clock()) } : {}) }));
    if (deps.liveCalls) {
      const liveCalls = deps.liveCalls;
      await app.register(async (scope) => liveCallRoutes(scope, { db: deps.db, fallbackQueue: deps.fallbackQueue, ...liveCalls }));
    }
    await app.register(async (scope) => {
      await retentionRoutes(scope, { db: deps.db, policies: staff.policies });
    });
    // The dashboard (issue 14): aggregates in the clinic's days; de-identified for the analyst.
    await app.register(async (scope) => dashboardRoutes(scope, { db: deps.db, fallbackQueue: deps.fallbackQueue, timeZone: deps.clinic?.timeZone ?? 'UTC', ...(clock ? { now: () => new Date(clock()) } : {}) }));
    // Callback tasks (issue 16, FU-1): the worklist of calls to return, attempts, escalation.
    if (deps.callbacks) {
      const callbacks = deps.callbacks;
      await app.register(async (scope) => callbackRoutes(scope, {
        db: deps.db, fallbackQueue: deps.fallbackQueue, settings: callbacks.settings, reviewPatients: staff.reviewPatients,
        ...(staff.onWriteBackQueued ? { onWriteBackQueued: staff.onWriteBackQueued } : {}),
        ...(callbacks.now ? { now: callbacks.now } : clock ? { now: () => new Date(clock()) } : {}),
      }));
    }
    // Outreach lists (issue 16, FU-2): post-discharge and no-show entries, CSV uploads, EHR runs.
    if (deps.outreach) {
      const outreach = deps.outreach;
      await app.register(async (scope) => outreachRoutes(scope, { db: deps.db, fallbackQueue: deps.fallbackQueue, ...outreach }));
    }
    // The chart worklist (issue 14): every chart write in words, downtime, cancel with a reason.
    await app.register(async (scope) => worklistRoutes(scope, {
      db: deps.db, fallbackQueue: deps.fallbackQueue, eventsQueue: () => staff.policies.current.policy.events.queue,
      targets: staff.writeBackTargets ?? [], ...(staff.onWriteBackQueued ? { onWriteBackChanged: staff.onWriteBackQueued } : {}),
    }));
  }

  if (deps.eventWebhooks) {
    const eventWebhooks = deps.eventWebhooks;
    await app.register(async (scope) => eventSubscriptionRoutes(scope, { db: deps.db, ...eventWebhooks }));
  }

  if (deps.governance) {
    const governance = deps.governance;
    await app.register(async (scope) => accessLogRoutes(scope, { db: deps.db }));
    // The Audit screen (issue 14): search, a call's chain of custody, verification, signed export.
    await app.register(async (scope) => auditSearchRoutes(scope, { db: deps.db, auditKey: governance.incidents.auditKey }));
    await app.register(async (scope) => alertRoutes(scope, { db: deps.db }));
    await app.register(async (scope) => incidentRoutes(scope, { db: deps.db, ...governance.incidents }));
  }

  if (deps.signIn) {
    const signIn = deps.signIn;
    await app.register(async (scope) => {
      await authRoutes(scope, {
        db: deps.db, signIn, attemptsPerMinute: deps.authAttemptsPerMinute ?? 20,
        onRateLimited: (request) => void rejections.record({ action: 'staff.sign-in.rate-limited', actor: 'unverified', objectType: 'route', reason: 'RATE_LIMITED', route: request.routeOptions.url ?? 'unknown', source: request.ip }),
      });
      // Tokens are checked against the wall clock (like trial tokens), so they are issued on it too.
      await staffTokenRoutes(scope, { db: deps.db, staffTokenSecret: deps.staffTokenSecret, clock: () => new Date() });
    });
  }

  // Self-scheduling links (issue 16, SC-1): staff send them; patients book from their own pages.
  if (deps.booking) {
    const booking = deps.booking;
    await app.register(async (scope) => bookingRoutes(scope, { db: deps.db, booking: booking.service, fallbackQueue: deps.fallbackQueue }));
    await app.register(async (scope) => bookingPageRoutes(scope, {
      booking: booking.service, formKey: booking.formKey, timeZone: deps.clinic?.timeZone ?? 'UTC', secureCookies: deps.hsts ?? false, attemptsPerMinute: deps.authAttemptsPerMinute ?? 20,
    }));
  }

  // People and queues (issue 13): the admin API, and SCIM for the clinic's identity provider.
  await app.register(async (scope) => {
    await staffAdminRoutes(scope, { db: deps.db, refused: (refusal) => rejections.record(refusal) });
  });
  // Settings (issue 14, item 6): versioned sections validated by their config files' schemas.
  if (deps.settings) {
    const settings = deps.settings;
    await app.register(async (scope) => settingsRoutes(scope, { settings }));
  }
  await app.register(async (scope) => {
    await scimRoutes(scope, {
      provisioning: new ScimProvisioning({ db: deps.db, settings: deps.scim?.settings ?? scimSettingsSchema.parse({}) }),
      token: deps.scim?.token ?? (() => undefined),
      refused: (refusal) => rejections.record(refusal),
      maxBodyBytes: deps.maxBodyBytes,
    });
  });

  // The transcription service (issue 17): OpenAI's /v1/audio/transcriptions backed by the local
  // engine, in its own scope (multipart parser, service-key check and OpenAI-shaped errors).
  if (deps.speechService) {
    const speechService = deps.speechService;
    await app.register(async (scope) => transcriptionRoutes(scope as unknown as FastifyInstance, {
      ...speechService, logger: deps.logger, audit: (event) => recordAuditEvent(deps.db, event),
    }));
  }

  if (deps.keys) {
    const keys = deps.keys;
    await app.register(async (scope) => keysRoutes(scope, { db: deps.db, keys }));
  }

  await app.register(async (notify) => {
    await fhirNotifyRoutes(notify, { db: deps.db, secrets: deps.webhookSecrets, onPatientChanged: deps.onPatientChanged });
  });

  // Media Streams in a scope of their own: the form-body signature hook of the voice webhooks
  // must not run on the WebSocket upgrade.
  const liveTranscripts = deps.speechTranscripts?.live;
  const finalTranscripts = deps.speechTranscripts?.final ?? new CallTranscriptService({ db: deps.db, ingest: deps.ingest, logger: deps.logger, fallbackMode: 'none' });
  await app.register(async (media) => {
    await twilioMediaRoutes(media, {
      authToken: deps.twilio.authToken,
      // A stream token works once, in every process: its use is recorded in the database.
      claimStreamToken: (use) => claimStreamToken(deps.db, use),
      ...(deps.twilio.publicBaseUrl ? { publicBaseUrl: deps.twilio.publicBaseUrl } : {}),
      speech: deps.speech ?? new NoopSpeechEngine(),
      audit: async (event) => {
        await recordAuditEvent(deps.db, event);
      },
      logger: deps.logger,
      // The final transcript (with quality and segments) into the after-call pipeline, only with transcribe consent.
      onTranscript: (callSid, result, audio) => finalTranscripts.streamEnded(callSid, result, audio),
      ...(liveTranscripts ? {
        onSegment: (callSid: string, segment: TranscriptSegment, source: string) => void liveTranscripts.accept({ callSid, source, segment }),
        mayContinue: (callSid: string) => liveTranscripts.mayContinue(callSid),
        onStreamEnded: (callSid: string) => liveTranscripts.end(callSid),
      } : {}),
      holdAudio: deps.speechTranscripts?.holdAudio ?? false,
    });
  });

  if (deps.outbound) {
    const outbound = deps.outbound;
    // Calls placed from callback tasks (issue 16): the staff's Call button, and Twilio's requests
    // about those calls, in a scope of their own with the same signature gate as the inbound ones.
    await app.register(async (scope) => outboundCallRoutes(scope, { outbound, fallbackQueue: deps.fallbackQueue }));
    await app.register(async (twilio) => {
      await twilioOutboundRoutes(twilio, { db: deps.db, outbound, authToken: deps.twilio.authToken, publicBaseUrl: deps.twilio.publicBaseUrl, maxBodyBytes: deps.maxBodyBytes });
    });
  }

  await app.register(async (twilio) => {
    await twilioRoutes(twilio, {
      db: deps.db,
      ingest: deps.ingest,
      routing: deps.routing,
      ivr: deps.twilio.ivr,
      ...(deps.twilio.queuePolicy ? { queuePolicy: deps.twilio.queuePolicy } : {}),
      authToken: deps.twilio.authToken,
      publicBaseUrl: deps.twilio.publicBaseUrl,
      defaultRegion: deps.twilio.defaultRegion,
      maxBodyBytes: deps.maxBodyBytes,
      ...(deps.twilio.realtimeTranscription ? { realtimeTranscription: deps.twilio.realtimeTranscription } : {}),
    });
  });

  // The on-call view (issue 16): its staff API, and Twilio's side of click-to-call (signed form posts).
  if (deps.onCall) {
    const onCall = deps.onCall;
    await app.register(async (scope) => onCallRoutes(scope, { onCall }));
    await app.register(async (scope) => onCallTwilioRoutes(scope as unknown as FastifyInstance, {
      db: deps.db, onCall, authToken: deps.twilio.authToken, publicBaseUrl: deps.twilio.publicBaseUrl, maxBodyBytes: deps.maxBodyBytes,
    }));
  }

  return app as unknown as FastifyInstance;
}

