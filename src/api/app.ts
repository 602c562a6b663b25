import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { storeAnswers, type Db } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { runWithContext } from '../lib/context.ts';
import type { CallIngestService } from '../calls/call-ingest.service.ts';
import { liveSummary } from '../calls/call-ingest.service.ts';
import { listRecentCalls } from '../calls/calls.repository.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { verifyStaffToken, type StaffClaims } from '../auth/staff-token.ts';
import { ctiRoutes } from '../pbx/cti.routes.ts';
import { twilioRoutes } from '../pbx/twilio.routes.ts';
import { fhirNotifyRoutes } from '../ehr/fhir-notify.routes.ts';
import { twilioMediaRoutes } from '../pbx/twilio-media.routes.ts';
import { NoopSpeechEngine, type SpeechEngine } from '../speech/speech-engine.ts';
import { findCallByProvider, listConsents } from '../calls/calls.repository.ts';
import type { RoutingService } from '../routing/routing.service.ts';
import type { IvrSettings } from '../ivr/ivr-settings.schema.ts';
import type { CountryCode } from 'libphonenumber-js';
import type { LiveCallsHub } from './live-calls.hub.ts';
import type { ContentCipher } from '../store/content-cipher.ts';
import type { ReviewService } from '../review/review.service.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { staffRoutes } from '../review/review.routes.ts';

export interface AppDeps {
  db: Db;
  logger: Logger;
  ingest: CallIngestService;
  hub: LiveCallsHub;
  version: string;
  fhirBaseUrl: string;
  webhookSecrets: () => readonly string[];
  staffTokenSecret: Uint8Array;
  onPatientChanged: (patientId: string, phones: string[]) => number;
  routing: RoutingService;
  speech?: SpeechEngine;
  twilio: { authToken: () => string; publicBaseUrl: string | undefined; ivr: IvrSettings; defaultRegion: CountryCode };
  replayWindowSeconds: number;
  maxBodyBytes: number;
  now?: () => number;
  /** The staff API (review queue, write-back, consents, policy); absent in webhook-only test apps. */
  staff?: { cipher: ContentCipher; review: ReviewService; policies: QueuePolicyStore; onWriteBackQueued?: () => void };
}

const livePage = readFileSync(fileURLToPath(new URL('../web/live-calls.html', import.meta.url)), 'utf8');
const reviewPage = readFileSync(fileURLToPath(new URL('../web/review.html', import.meta.url)), 'utf8');

/** The HTTP and WebSocket surface: webhooks in, staff display out, health and OpenAPI. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.maxBodyBytes,
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', (request, _reply, done) => runWithContext({ requestId: request.id }, done));
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
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  // Answers within about 2 s either way: an unreachable store is reported (503), not waited for.
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    if (await storeAnswers(deps.db, 2_000)) return { status: 'ok', storage: deps.db.kind };
    return reply.code(503).send({ status: 'degraded', storage: 'unavailable' });
  });

  app.get(
    '/api/info',
    { schema: { summary: 'Engine version and the EHR it talks to', response: { 200: z.object({ version: z.string(), fhirBaseUrl: z.string(), storage: z.string() }) } } },
    async () => ({ version: deps.version, fhirBaseUrl: deps.fhirBaseUrl, storage: deps.db.kind }),
  );

  app.get('/api/calls', { schema: { summary: 'Recent calls (no PHI)' } }, async () => ({
    calls: (await listRecentCalls(deps.db, 100)).map(liveSummary),
  }));

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Staff display: a signed staff token (?token=) is required before the upgrade; the role in it
  // decides what each card shows.
  app.get(
    '/ws',
    {
      websocket: true,
      schema: { hide: true },
      preValidation: async (request, reply) => {
        const token = (request.query as { token?: string }).token;
        const claims = await verifyStaffToken(deps.staffTokenSecret, token);
        if (!claims) {
          await recordAuditEvent(deps.db, { actor: 'staff:unknown', action: 'staff.live.rejected', objectType: 'websocket', objectId: request.id, outcome: 'rejected', reason: token ? 'TOKEN_INVALID' : 'TOKEN_MISSING' });
          return reply.code(401).send({ error: { code: token ? 'TOKEN_INVALID' : 'TOKEN_MISSING', message: 'a valid staff token is required (?token=)' } });
        }
        (request as unknown as { staff: StaffClaims }).staff = claims;
      },
    },
    (socket, request) => {
      const claims = (request as unknown as { staff: StaffClaims }).staff;
      deps.hub.add(socket, claims);
      void recordAuditEvent(deps.db, { actor: `staff:${claims.sub}`, action: 'staff.live.connected', objectType: 'websocket', objectId: request.id, outcome: 'success', detail: { role: claims.role } }).catch(() => undefined);
    },
  );

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(livePage));
  // The review screen; the page itself holds no data: every call it makes needs the staff token.
  app.get('/review', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(reviewPage));

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

  if (deps.staff) {
    const staff = deps.staff;
    await app.register(async (scope) => {
      await staffRoutes(scope, { db: deps.db, staffTokenSecret: deps.staffTokenSecret, ...staff });
    });
  }

  await app.register(async (notify) => {
    await fhirNotifyRoutes(notify, { db: deps.db, secrets: deps.webhookSecrets, onPatientChanged: deps.onPatientChanged });
  });

  // Media Streams in a scope of their own: the form-body signature hook of the voice webhooks
  // must not run on the WebSocket upgrade.
  await app.register(async (media) => {
    await twilioMediaRoutes(media, {
      authToken: deps.twilio.authToken,
      ...(deps.twilio.publicBaseUrl ? { publicBaseUrl: deps.twilio.publicBaseUrl } : {}),
      speech: deps.speech ?? new NoopSpeechEngine(),
      audit: async (event) => {
        await recordAuditEvent(deps.db, event);
      },
      logger: deps.logger,
      onTranscript: async (callSid, result) => {
        const call = await findCallByProvider(deps.db, 'twilio', callSid);
        const consents = call ? await listConsents(deps.db, call.id) : {};
        if (!call || !result.text || consents.transcribe?.status !== 'granted') {
          // No transcript without transcribe consent (invariant 1).
          await recordAuditEvent(deps.db, { actor: 'speech', action: 'transcript.discarded', objectType: 'call', objectId: call?.id ?? null, outcome: 'rejected', reason: 'NO_TRANSCRIBE_CONSENT', consentStatus: `transcribe:${consents.transcribe?.status ?? 'not-captured'}` });
          return;
        }
        await deps.ingest.accept({
          id: `${callSid}:speech:${result.engine}`, provider: 'twilio', type: 'transcript.available', occurredAt: new Date().toISOString(),
          call: { id: callSid, ani: call.aniE164 ?? '', direction: 'inbound' }, data: { transcript: { text: result.text, source: result.engine } },
        });
      },
    });
  });

  await app.register(async (twilio) => {
    await twilioRoutes(twilio, {
      db: deps.db,
      ingest: deps.ingest,
      routing: deps.routing,
      ivr: deps.twilio.ivr,
      authToken: deps.twilio.authToken,
      publicBaseUrl: deps.twilio.publicBaseUrl,
      defaultRegion: deps.twilio.defaultRegion,
      maxBodyBytes: deps.maxBodyBytes,
    });
  });

  return app as unknown as FastifyInstance;
}
