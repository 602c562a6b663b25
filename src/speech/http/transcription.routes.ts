import { createHash, timingSafeEqual } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import Bottleneck from 'bottleneck';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditEventInput } from '../../audit/audit-chain.ts';
import { CallchartError, isCallchartError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { decodeAudioFile } from '../audio/decode.ts';
import type { SpeechSettings } from '../speech.settings.ts';
import type { PcmAudio, SpeechEngine, Transcription } from '../speech-engine.ts';
import { toVerboseJson } from './verbose-json.ts';

export interface TranscriptionRoutesOptions {
  /** The local engine (pocketsphinx); it must have `transcribe`. */
  engine: SpeechEngine;
  /** CALLCHART_SPEECH_SERVICE_KEYS, already checked for strength (speechServiceKeysFromEnv). */
  keys: () => string[];
  settings: SpeechSettings['service'];
  audit: (event: AuditEventInput) => Promise<void>;
  logger: Logger;
}

/** The OpenAI error types a client library switches on. */
type OpenAiErrorType = 'invalid_request_error' | 'authentication_error' | 'rate_limit_error' | 'server_error';

/** The one model this service has: the local engine, whatever a client calls it. */
export const localModelId = (engine: SpeechEngine) => `callchart-${engine.name}`;

/** Languages the local engine's model speaks (Debian's en-us model). */
const localLanguages = new Set(['en']);

const fieldsSchema = z.object({
  model: z.string().trim().min(1, 'model is required').max(200),
  language: z.string().trim().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, 'an ISO-639-1 code such as en').optional(),
  response_format: z.enum(['json', 'verbose_json', 'text']).default('json'),
  timestamp_granularities: z.array(z.enum(['word', 'segment'])).max(2).default(['segment']),
  // Accepted for compatibility; the local engine has no prompt or temperature.
  prompt: z.string().max(10_000).optional(),
  temperature: z.coerce.number().min(0).max(1).optional(),
});

/** The same bytes, compared in constant time (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

/** Whether `given` is one of `keys`; every key is compared, so the time does not say which matched. */
function knownKey(given: string, keys: readonly string[]): boolean {
  let found = false;
  for (const key of keys) found = sameSecret(given, key) || found;
  return found;
}

/**
 * Callchart as a transcription service (issue 17): `POST /v1/audio/transcriptions` as OpenAI
 * defines it (multipart: file, model, language, response_format json | verbose_json | text,
 * timestamp_granularities[]), backed by the local engine, so speech recognition can run as its own,
 * horizontally scaled service and other Callchart engines reach it with their `http` engine.
 * `GET /v1/models` lists the one local model. Any model name is accepted (clients configured for
 * `whisper-1` work); the language must be one the local model speaks.
 *
 * Machine to machine: `Authorization: Bearer <key>` with a key from CALLCHART_SPEECH_SERVICE_KEYS,
 * checked before the upload is read; without configured keys the service refuses to start. The
 * caller (another Callchart) has checked transcribe consent before sending audio. At most
 * `concurrency` uploads are transcribed at once, `maxQueued` wait, and more get 429 with
 * Retry-After. Errors are OpenAI's shape (`{ error: { message, type, param, code } }`) with
 * Callchart's code; every refusal is audited (ids and codes), 503 only when the engine is down.
 * Audio is held in memory for the request only; nothing of it or its text is logged or stored.
 */
export async function transcriptionRoutes(app: FastifyInstance, options: TranscriptionRoutesOptions): Promise<void> {
  const { engine, settings } = options;
  if (!engine.transcribe) throw new CallchartError('CONFIG_INVALID', `speech.service is enabled but the ${engine.name} engine cannot transcribe files: set speech.engine to pocketsphinx`);
  if (options.keys().length === 0) throw new CallchartError('CONFIG_INVALID', 'speech.service is enabled but CALLCHART_SPEECH_SERVICE_KEYS is not set: the service refuses every caller, so it does not start');
  const limiter = new Bottleneck({ maxConcurrent: settings.concurrency, highWater: settings.maxQueued, strategy: Bottleneck.strategy.OVERFLOW });
  app.addHook('onClose', async () => {
    await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  });
  // Seconds a refused caller should wait: roughly one transcription's time.
  const retryAfterSeconds = 2;

  await app.register(fastifyMultipart, {
    limits: { fileSize: settings.maxUploadBytes, files: 1, fields: 12, fieldSize: 16 * 1024, parts: 14, headerPairs: 50 },
  });

  const refuse = async (request: FastifyRequest, reply: FastifyReply, error: CallchartError, param: string | null = null) => {
    const status = error.status;
    await options.audit({
      actor: 'speech-service', action: 'speech.transcription.rejected', objectType: 'route', objectId: request.id, outcome: 'rejected', reason: error.code,
      detail: { status, route: request.routeOptions.url ?? 'unknown', ...(param ? { param } : {}) },
    }).catch((auditError: unknown) => options.logger.warn({ err: { code: (auditError as { code?: string }).code } }, 'speech service refusal audit failed'));
    const type: OpenAiErrorType = status === 401 || status === 403 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="callchart-speech"');
    if (status === 429 || status === 503) reply.header('retry-after', String(retryAfterSeconds));
    return reply.code(status).header('cache-control', 'no-store').send({ error: { message: error.message, type, param, code: error.code } });
  };

  // Before the upload is read: a stranger gets 401, never a 400 or 413 about what they sent.
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    const given = typeof header === 'string' && /^bearer /i.test(header) ? header.slice('bearer '.length).trim() : '';
    if (!given) return refuse(request, reply, new CallchartError('SPEECH_SERVICE_KEY_MISSING', 'send a service key as Authorization: Bearer <key>'));
    if (!knownKey(given, options.keys())) return refuse(request, reply, new CallchartError('SPEECH_SERVICE_KEY_INVALID', 'the service key is not valid'));
  });

  app.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    if (isCallchartError(error)) return refuse(request, reply, error);
    const code = (error as FastifyError).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || (error as FastifyError).statusCode === 413) {
      return refuse(request, reply, new CallchartError('PAYLOAD_TOO_LARGE', `the upload is larger than this service accepts (${settings.maxUploadBytes} bytes)`), 'file');
    }
    if (code === 'FST_FILES_LIMIT') return refuse(request, reply, new CallchartError('PAYLOAD_INVALID', 'send one file per request'), 'file');
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || (error as FastifyError).statusCode === 415) {
      return refuse(request, reply, new CallchartError('UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data with the audio in the file field'));
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) return refuse(request, reply, new CallchartError('PAYLOAD_INVALID', 'the request could not be read as multipart/form-data'));
    options.logger.error({ err: { name: error.name, code } }, 'speech service request failed');
    return reply.code(500).send({ error: { message: 'internal error', type: 'server_error', param: null, code: 'INTERNAL' } });
  });

  app.get('/v1/models', { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', 'no-store').send({
    object: 'list',
    data: [{ id: localModelId(engine), object: 'model', created: 0, owned_by: 'callchart' }],
  }));

  app.post('/v1/audio/transcriptions', { schema: { hide: true } }, async (request, reply) => {
    if (!request.isMultipart()) return refuse(request, reply, new CallchartError('UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data with the audio in the file field'));
    // Full already: refuse before reading the upload (a race past this check is caught by the limiter).
    const counts = limiter.counts();
    if (counts.QUEUED + counts.RECEIVED >= settings.maxQueued && counts.RUNNING + counts.EXECUTING >= settings.concurrency) {
      return refuse(request, reply, new CallchartError('SPEECH_SERVICE_BUSY', 'the transcription service is busy; retry after the Retry-After seconds'));
    }

    let file: { bytes: Buffer; fileName: string } | null = null;
    const fields: Record<string, unknown> = {};
    const granularities: string[] = [];
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          await part.toBuffer().catch(() => undefined);
          return refuse(request, reply, new CallchartError('PAYLOAD_INVALID', 'the audio goes in the field named file'), part.fieldname.slice(0, 40));
        }
        file = { bytes: await part.toBuffer(), fileName: part.filename ?? 'audio' };
      } else if (part.fieldname === 'timestamp_granularities[]' || part.fieldname === 'timestamp_granularities') {
        granularities.push(String(part.value));
      } else if (['model', 'language', 'response_format', 'prompt', 'temperature'].includes(part.fieldname)) {
        fields[part.fieldname] = part.value;
      }
    }
    if (!file) return refuse(request, reply, new CallchartError('PAYLOAD_INVALID', 'no audio: send it in the field named file'), 'file');
    const parsed = fieldsSchema.safeParse({ ...fields, ...(granularities.length ? { timestamp_granularities: granularities } : {}) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = String(issue.path[0] ?? 'body');
      return refuse(request, reply, new CallchartError('PAYLOAD_INVALID', `${param}: ${issue.message}`, { field: param }), param);
    }
    const language = (parsed.data.language ?? 'en').split('-')[0]!;
    if (!localLanguages.has(language)) return refuse(request, reply, new CallchartError('PAYLOAD_INVALID', `language ${language} is not one this service's model speaks (en)`, { field: 'language' }), 'language');

    let audio: PcmAudio;
    try {
      audio = decodeAudioFile(file.bytes, { fileName: file.fileName });
    } catch (error) {
      if (isCallchartError(error) && error.code === 'AUDIO_FORMAT_UNSUPPORTED') return refuse(request, reply, new CallchartError('UNSUPPORTED_MEDIA_TYPE', error.message), 'file');
      if (isCallchartError(error)) return refuse(request, reply, new CallchartError('PAYLOAD_INVALID', error.message, { field: 'file' }), 'file');
      throw error;
    }
    file = null; // the upload's bytes are not needed past decoding

    let transcription: Transcription;
    try {
      transcription = await limiter.schedule(() => engine.transcribe!(audio));
    } catch (error) {
      if (error instanceof Bottleneck.BottleneckError) return refuse(request, reply, new CallchartError('SPEECH_SERVICE_BUSY', 'the transcription service is busy; retry after the Retry-After seconds'));
      const code = isCallchartError(error) ? error.code : 'UNKNOWN';
      options.logger.warn({ speech: { service: true, code } }, 'speech service engine failed');
      return refuse(request, reply, new CallchartError('SPEECH_SERVICE_UNAVAILABLE', 'the local speech engine is not available; retry later', { engineCode: code }));
    }

    const duration = audio.samples.length / audio.sampleRate;
    await options.audit({
      actor: 'speech-service', action: 'speech.transcription.served', objectType: 'route', objectId: request.id, outcome: 'success',
      detail: { engine: transcription.engine, quality: transcription.quality, reasons: transcription.qualityReasons, segments: transcription.segments.length, audioMs: Math.round(duration * 1000) },
    }).catch((auditError: unknown) => options.logger.warn({ err: { code: (auditError as { code?: string }).code } }, 'speech service audit failed'));

    reply.header('cache-control', 'no-store');
    if (parsed.data.response_format === 'text') return reply.type('text/plain; charset=utf-8').send(transcription.text);
    if (parsed.data.response_format === 'json') return reply.send({ text: transcription.text });
    const verbose = toVerboseJson(transcription, { language: 'english', duration });
    if (!parsed.data.timestamp_granularities.includes('word')) delete verbose.words;
    return reply.send(verbose);
  });
}
