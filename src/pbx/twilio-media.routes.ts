import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { AuditEventInput } from '../audit/audit-chain.ts';
import type { Logger } from '../lib/logger.ts';
import { CountingSpeechSession, type AudioFormat, type SpeechEngine, type SpeechResult, type SpeechSession, type TranscriptSegment } from '../speech/speech-engine.ts';
import { MediaStreamTracker, mediaStreamSignedUrl, type MediaStreamIdentity } from './twilio-media-stream.ts';
import { parseTwilioMediaMessage, type TwilioStartMessage } from './twilio-media.schema.ts';
import { isUsableTwilioAuthToken, twilioRequestUrl, twilioSignatureHeader, usableRequestHost, verifyTwilioSignature } from './twilio-signature.ts';
import { streamTokenKey, streamTokenParameter, verifyStreamToken, type StreamTokenRefusal } from './twilio-stream-token.ts';

/** One use of a stream token, to record; false when its nonce was used before. */
export type ClaimStreamToken = (use: { nonce: string; callSid: string; expiresAt: Date }) => Promise<boolean>;

export interface TwilioMediaRouteOptions {
  /** TWILIO_AUTH_TOKEN; undefined (or unusable) → every upgrade is refused with 403 TWILIO_NOT_CONFIGURED. */
  authToken: () => string | undefined;
  /**
   * Records that a stream token was used (durably, across processes: the app wires
   * `claimStreamToken` from twilio-stream-token.repository.ts). Default: this process's memory only.
   */
  claimStreamToken?: ClaimStreamToken;
  /** Clock for token expiry (ms since epoch). */
  now?: () => number;
  /** The public origin Twilio connects to (https://… or wss://…), when behind a proxy or tunnel. */
  publicBaseUrl?: string;
  speech: SpeechEngine;
  audit: (event: AuditEventInput) => Promise<void>;
  /**
   * Called once per stream that produced text (or, with `holdAudio`, any audio). The text is PHI:
   * store it, never log it. `audio`: the caller's audio of the call, in memory only, when held.
   */
  onTranscript?: (callSid: string, result: SpeechResult, audio?: CallAudio) => Promise<void>;
  /** Partial and final segments as the engine hears them (the live transcript). Must not throw. */
  onSegment?: (callSid: string, segment: TranscriptSegment, source: string) => void;
  /** False when the call's transcript was stopped (consent withdrawn): no more audio goes to the engine. */
  mayContinue?: (callSid: string) => boolean;
  /** The stream is over (after `onTranscript`): the live transcript can be forgotten. */
  onStreamEnded?: (callSid: string) => Promise<void>;
  /** Hold the caller's audio in memory for the call (for a fallback engine or kept audio); up to `maxHeldAudioBytes`. */
  holdAudio?: boolean;
  logger: Logger;
  /**
   * Largest text frame handled, in bytes (default 64 KiB). @fastify/websocket's own `maxPayload`
   * bounds what is buffered at all; keep it at or near this value.
   */
  maxMessageBytes?: number;
}

/** A call's inbound audio as received, held in memory for the length of the call only. */
export interface CallAudio {
  format: AudioFormat;
  bytes: Uint8Array;
  /** True when the call was longer than the memory bound and the end was not held. */
  truncated: boolean;
}

/** Largest held audio: one hour of 8 kHz mu-law (28.8 MB). */
export const maxHeldAudioBytes = 8_000 * 3_600;

export const twilioMediaPath = '/media/twilio';
/** Invalid messages tolerated per connection; the one that reaches this closes it with 1008. */
export const maxBadMediaMessages = 10;
const defaultMaxMessageBytes = 64 * 1024;

/** Single-process fallback for `claimStreamToken`: remembers nonces until their tokens expire. */
function memoryClaims(now: () => number): ClaimStreamToken {
  const used = new Map<string, number>();
  return async ({ nonce, expiresAt }) => {
    for (const [key, expires] of used) if (expires < now()) used.delete(key);
    if (used.has(nonce)) return false;
    used.set(nonce, expiresAt.getTime());
    return true;
  };
}

/** WebSocket close codes used here (RFC 6455 §7.4.1). */
const closeCodes = { normal: 1000, policyViolation: 1008 } as const;

/**
 * Twilio Media Streams ingest (`<Start><Stream>` / `<Connect><Stream url="wss://…/media/twilio">`).
 *
 * The upgrade request carries X-Twilio-Signature over the `wss://` stream URL with no parameters;
 * it is checked before the upgrade, and anything unsigned or forged gets HTTP 403 and an audit
 * entry (without a Twilio auth token: 403 TWILIO_NOT_CONFIGURED, no HMAC computed). That signature
 * is the same for every call, so the `start` message must also carry the call's one-time token
 * (`customParameters.token`, minted in the TwiML: twilio-stream-token.ts); until it has passed,
 * nothing of the stream is handled, and a refused one closes the socket with 1008. Each message then goes through the schema and the per-stream state machine; inbound
 * (caller) audio goes to the speech engine in order, once. When the stream stops, or the socket
 * goes away without a stop, the speech session is ended exactly once and the counts are audited.
 *
 * Register it in its own plugin scope, after @fastify/websocket. Audio, custom parameters, DTMF
 * digits and transcripts are never logged or audited: ids, codes and counts only.
 */
export async function twilioMediaRoutes(app: FastifyInstance, options: TwilioMediaRouteOptions): Promise<void> {
  const maxMessageBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
  const audit = guardedAudit(options);
  const now = options.now ?? Date.now;
  const claimStreamToken = options.claimStreamToken ?? memoryClaims(now);

  const refuseUpgrade = async (request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) => {
    await audit({
      actor: 'pbx:twilio-unverified', action: 'media.rejected', objectType: 'media-stream', objectId: request.id, outcome: 'rejected', reason: code,
      detail: { route: twilioMediaPath },
    });
    options.logger.warn({ requestId: request.id, code }, 'twilio media stream refused before upgrade');
    return reply.code(status).type('application/json').send({ error: { code, message } });
  };

  const verifyUpgrade = async (request: FastifyRequest, reply: FastifyReply) => {
    // Checked before any URL is built or HMAC computed: a Host that cannot stand in a URL, no token.
    if (!usableRequestHost(request.host)) return refuseUpgrade(request, reply, 400, 'HOST_INVALID', 'the Host header is not a valid host[:port]');
    const authToken = options.authToken();
    if (!isUsableTwilioAuthToken(authToken)) return refuseUpgrade(request, reply, 403, 'TWILIO_NOT_CONFIGURED', 'Twilio is not configured here (TWILIO_AUTH_TOKEN is not set)');
    const header = request.headers[twilioSignatureHeader];
    const httpUrl = twilioRequestUrl({ publicBaseUrl: options.publicBaseUrl, protocol: request.protocol, host: request.host, originalUrl: request.originalUrl });
    const verdict = verifyTwilioSignature({
      authToken,
      signature: Array.isArray(header) ? header[0] : header,
      url: mediaStreamSignedUrl(httpUrl),
      // An upgrade is a GET without a body: Twilio signs the URL alone.
      params: {},
    });
    if (verdict.ok) return;
    return refuseUpgrade(request, reply, 403, verdict.code, verdict.reason);
  };

  // Errors before the upgrade: a client's are a 4xx with a code, ours a 503 to retry; never a stack.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return refuseUpgrade(request, reply, 400, 'PAYLOAD_INVALID', 'request could not be read');
    options.logger.error({ requestId: request.id, err: errorSummary(error) }, 'twilio media upgrade failed');
    return reply.code(503).header('retry-after', '5').type('application/json').send({ error: { code: 'STORE_UNAVAILABLE', message: 'try again later' } });
  });

  app.get(twilioMediaPath, { websocket: true, schema: { hide: true }, preValidation: verifyUpgrade }, (socket, request) => {
    serveMediaStream(socket, request.id, { ...options, audit, maxMessageBytes, now, claimStreamToken });
  });
}

interface StreamDeps extends Omit<TwilioMediaRouteOptions, 'maxMessageBytes' | 'now' | 'claimStreamToken'> {
  maxMessageBytes: number;
  now: () => number;
  claimStreamToken: ClaimStreamToken;
}

type EndCause = 'stop' | 'closed' | 'policy' | 'refused';

/** One connection: parse, track, feed speech, and end everything exactly once. */
function serveMediaStream(socket: WebSocket, requestId: string, deps: StreamDeps): void {
  const tracker = new MediaStreamTracker();
  let log = deps.logger.child({ requestId });
  let session: SpeechSession | null = null;
  const engineName = deps.speech.name;
  /** Why speech produced nothing usable, as a code; null while it is working. */
  let speechProblem: string | null = null;
  let badMessages = 0;
  let unknownEvents = 0;
  let policyClose = false;
  /** Why the stream's token was refused; set on `start`, then nothing more is handled. */
  let refusedBy: StreamTokenRefusal | null = null;
  let finished = false;
  /** The caller's audio, in memory for this call only (holdAudio). */
  const heldAudio: Uint8Array[] = [];
  let heldBytes = 0;
  let heldTruncated = false;
  /** The live transcript was stopped (consent withdrawn): frames no longer go to the engine. */
  let transcriptStopped = false;

  // Messages are handled strictly in arrival order, and the close after the last of them, so the
  // session sees every frame before it is ended, even when auditing a rejection takes a while.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void> | void) => {
    queue = queue.then(step).catch((error: unknown) => log.error({ err: errorSummary(error) }, 'media stream step failed'));
  };

  const streamObject = () => ({ objectType: 'media-stream', objectId: tracker.stream?.streamSid ?? requestId });
  const callDetail = () => ({ callSid: tracker.stream?.callSid ?? null });

  const rejectMessage = async (code: string, paths: string[]) => {
    badMessages += 1;
    await deps.audit({ actor: 'pbx:twilio', action: 'media.message.rejected', ...streamObject(), outcome: 'rejected', reason: code, detail: { ...callDetail(), paths, badMessages } });
    if (badMessages >= maxBadMediaMessages && !policyClose) {
      policyClose = true;
      log.warn({ badMessages }, 'closing media stream: too many invalid messages');
      socket.close(closeCodes.policyViolation, 'too many invalid messages');
    }
  };

  /**
   * The stream's one-time token (finding 2): authentic, unexpired, for this CallSid, and not used
   * before. Null when it passes; otherwise the refusal code. Never logged: it is a credential.
   */
  const checkStreamToken = async (stream: MediaStreamIdentity, token: string | undefined): Promise<StreamTokenRefusal | null> => {
    let key: Buffer;
    try {
      key = streamTokenKey(deps.authToken());
    } catch {
      return 'STREAM_TOKEN_UNCHECKED';
    }
    const verdict = verifyStreamToken({ key, token, callSid: stream.callSid, nowMs: deps.now() });
    if (!verdict.ok) return verdict.code;
    try {
      return (await deps.claimStreamToken({ nonce: verdict.nonce, callSid: verdict.callSid, expiresAt: verdict.expiresAt })) ? null : 'STREAM_TOKEN_REUSED';
    } catch (error) {
      // Cannot tell whether it was used: refuse rather than accept a possible replay.
      log.error({ err: errorSummary(error) }, 'stream token use could not be recorded');
      return 'STREAM_TOKEN_UNCHECKED';
    }
  };

  const refuseStream = async (code: StreamTokenRefusal) => {
    refusedBy = code;
    policyClose = true;
    await deps.audit({ actor: 'pbx:twilio-unverified', action: 'media.stream.refused', ...streamObject(), outcome: 'rejected', reason: code, detail: callDetail() });
    log.warn({ code }, 'media stream refused: stream token');
    socket.close(closeCodes.policyViolation, 'stream token refused');
  };

  const startSpeech = async (stream: MediaStreamIdentity) => {
    log = deps.logger.child({ requestId, callSid: stream.callSid, streamSid: stream.streamSid });
    const support = deps.speech.supports(stream.format);
    if (support.ok) {
      try {
        const onSegment = deps.onSegment;
        const callSid = stream.callSid;
        session = deps.speech.start(
          { callSid: stream.callSid, streamSid: stream.streamSid, format: stream.format },
          onSegment
            ? (segment) => {
              // The listener must not throw into the engine; a failing display loses one update.
              try {
                if (!transcriptStopped) onSegment(callSid, segment, engineName);
              } catch (error) {
                log.error({ err: errorSummary(error) }, 'live segment handler failed');
              }
            }
            : undefined,
        );
      } catch (error) {
        speechProblem = 'SPEECH_START_FAILED';
        log.error({ err: errorSummary(error), engine: engineName }, 'speech engine failed to start');
      }
    } else {
      // Refused, honestly (e.g. a wideband model offered 8 kHz audio): count the audio anyway.
      speechProblem = 'SPEECH_FORMAT_UNSUPPORTED';
      log.warn({ engine: engineName, sampleRate: stream.format.sampleRate }, 'speech engine refused the stream format');
    }
    // Taken but not transcribed (the live engine is at capacity): audited with the stream's start.
    if (session?.refused) speechProblem = session.refused;
    if (!session) {
      session = new CountingSpeechSession(engineName, stream.format, speechProblem === 'SPEECH_FORMAT_UNSUPPORTED' ? 'speech engine refused the audio format' : 'speech engine failed');
    }
    await deps.audit({
      actor: 'pbx:twilio', action: 'media.stream.started', ...streamObject(), outcome: 'success', reason: speechProblem,
      detail: { ...callDetail(), tracks: stream.tracks, encoding: stream.format.encoding, sampleRate: stream.format.sampleRate, engine: engineName },
    });
    log.info({ tracks: stream.tracks, engine: engineName }, 'media stream started');
  };

  const finish = async (cause: EndCause, closeCode: number | null) => {
    if (finished) return;
    finished = true;
    const summary = tracker.summary();
    const stream = tracker.stream;
    let result: SpeechResult | null = null;
    if (session) {
      try {
        result = await session.end();
      } catch (error) {
        speechProblem ??= 'SPEECH_END_FAILED';
        log.error({ err: errorSummary(error), engine: engineName }, 'speech engine failed to finish');
      }
    }
    const reason = cause === 'stop' ? speechProblem : cause === 'refused' ? refusedBy : cause === 'policy' ? 'TOO_MANY_BAD_MESSAGES' : stream ? 'CLOSED_WITHOUT_STOP' : 'CLOSED_BEFORE_START';
    const counts = {
      frames: summary.frames, inboundFrames: summary.inboundFrames, audioMs: summary.audioMs, duplicates: summary.duplicates, gaps: summary.gaps,
      missingMessages: summary.missingMessages, dtmf: summary.dtmf, marks: summary.marks, violations: summary.violations, badMessages, unknownEvents,
    };
    log.info({ endedBy: cause, closeCode, reason, ...counts }, 'media stream ended');
    // Audio up to an abrupt hang-up is still the caller's words: hand over what was recognised.
    // Consent withdrawn mid-call: no audio is handed over, and the handler discards the text (audited).
    const audio = heldBytes > 0 && stream && !transcriptStopped ? { format: stream.format, bytes: joinFrames(heldAudio, heldBytes), truncated: heldTruncated } : undefined;
    heldAudio.length = 0;
    if (result && (result.text || audio) && stream && deps.onTranscript) {
      try {
        await deps.onTranscript(stream.callSid, result, audio);
      } catch (error) {
        log.error({ err: errorSummary(error) }, 'transcript handler failed');
      }
    }
    // Kept audio (speech.audio.keep) is durable before the stream's end is on the record.
    await deps.audit({
      actor: 'pbx:twilio', action: 'media.stream.ended', ...streamObject(), outcome: cause === 'stop' ? 'success' : 'failure', reason,
      detail: {
        ...callDetail(), endedBy: cause, closeCode, connectedSeen: summary.connectedSeen, ...counts,
        engine: engineName, speechFrames: result?.frames ?? null, transcript: result?.text ? 'present' : 'none',
      },
    });
    if (stream && deps.onStreamEnded) {
      try {
        await deps.onStreamEnded(stream.callSid);
      } catch (error) {
        log.error({ err: errorSummary(error) }, 'stream end handler failed');
      }
    }
  };

  const handleMessage = async (data: RawData, isBinary: boolean) => {
    if (finished || policyClose) return;
    if (isBinary) return rejectMessage('MESSAGE_BINARY', []);
    if (rawDataBytes(data) > deps.maxMessageBytes) return rejectMessage('MESSAGE_TOO_LARGE', []);
    const parsed = parseTwilioMediaMessage(rawDataText(data), { maxMessageBytes: deps.maxMessageBytes });
    if (!parsed.ok) return rejectMessage(parsed.code, parsed.paths);
    if (parsed.message === null) {
      unknownEvents += 1;
      return;
    }
    const action = tracker.accept(parsed.message);
    switch (action.type) {
      case 'started': {
        // No audio or digit of this stream is handled until its token has passed.
        const refusal = await checkStreamToken(action.stream, (parsed.message as TwilioStartMessage).start.customParameters[streamTokenParameter]);
        return refusal ? refuseStream(refusal) : startSpeech(action.stream);
      }
      case 'frame':
        if (action.track !== 'inbound' || !session || speechProblem === 'SPEECH_PUSH_FAILED' || transcriptStopped) return;
        if (deps.mayContinue && tracker.stream && !deps.mayContinue(tracker.stream.callSid)) {
          // Consent withdrawn mid-call: the engine hears nothing more, and held audio is dropped.
          transcriptStopped = true;
          heldAudio.length = 0;
          heldBytes = 0;
          log.info('live transcript stopped: no more audio to the engine');
          return;
        }
        if (deps.holdAudio) {
          if (heldBytes + action.bytes.byteLength <= maxHeldAudioBytes) {
            heldAudio.push(action.bytes);
            heldBytes += action.bytes.byteLength;
          } else heldTruncated = true;
        }
        try {
          session.push(action.bytes, { sequence: action.sequence, timestampMs: action.timestampMs });
        } catch (error) {
          // A broken engine must not take the stream down: keep counting, stop feeding it.
          speechProblem = 'SPEECH_PUSH_FAILED';
          log.error({ err: errorSummary(error), engine: engineName }, 'speech engine rejected a frame');
        }
        return;
      case 'stopped':
        await finish('stop', null);
        socket.close(closeCodes.normal, 'stream stopped');
        return;
      case 'rejected':
        return rejectMessage(action.code, []);
      case 'connected':
      case 'duplicate':
      case 'dtmf':
      case 'mark':
        return;
    }
  };

  socket.on('message', (data: RawData, isBinary: boolean) => enqueue(() => handleMessage(data, isBinary)));
  // An 'error' (reset connection, bad frame) is always followed by 'close'; the session ends there.
  socket.on('error', (error: Error) => log.warn({ err: errorSummary(error) }, 'media stream socket error'));
  socket.on('close', (code: number) => enqueue(() => finish(refusedBy ? 'refused' : policyClose ? 'policy' : 'closed', code)));
}

/** Audit writes that fail are logged, never thrown into the socket's event handlers. */
function guardedAudit(options: TwilioMediaRouteOptions): (event: AuditEventInput) => Promise<void> {
  return async (event) => {
    try {
      await options.audit(event);
    } catch (error) {
      options.logger.error({ err: errorSummary(error), action: event.action }, 'audit write failed');
    }
  };
}

/** Name and code only: error messages from drivers and engines can echo the data they choked on. */
function errorSummary(error: unknown): { name: string; code: string | null } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' || typeof code === 'number' ? String(code) : null };
  }
  return { name: typeof error, code: null };
}

function joinFrames(frames: readonly Uint8Array[], total: number): Uint8Array {
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const frame of frames) {
    joined.set(frame, offset);
    offset += frame.byteLength;
  }
  return joined;
}

function rawDataBytes(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, part) => total + part.byteLength, 0);
  return data.byteLength;
}

function rawDataText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
