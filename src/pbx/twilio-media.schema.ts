import { z } from 'zod';

/**
 * Twilio Media Streams messages (Twilio → us), as documented at
 * https://www.twilio.com/docs/voice/media-streams/websocket-messages: `connected`, `start`,
 * `media`, `dtmf`, `mark` (bidirectional streams) and `stop`, all JSON text frames.
 *
 * Numbers arrive as digit strings ("sequenceNumber": "3") and are checked as such, then
 * converted. Unknown keys are stripped, not rejected: Twilio adds fields over time. SIDs are
 * checked against Twilio's documented shapes (`MZ`/`CA`/`AC` + 32 hex).
 *
 * `start.customParameters` and `dtmf.digit` can carry caller data (a <Parameter> with the caller's
 * number, a keyed-in date of birth): they are validated here and never logged or audited.
 */

/** Largest decoded media payload we accept. Twilio sends 160 bytes (20 ms of 8 kHz mu-law). */
export const maxMediaPayloadBytes = 8 * 1024;
/** Largest base64 text that can decode to `maxMediaPayloadBytes`. */
const maxMediaPayloadChars = Math.ceil(maxMediaPayloadBytes / 3) * 4;

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type PayloadVerdict = { ok: true; bytes: Uint8Array } | { ok: false; code: 'PAYLOAD_INVALID' | 'PAYLOAD_TOO_LARGE' };

/**
 * Strict base64 decode: canonical alphabet and padding only (Node's decoder silently skips
 * garbage, which would turn a corrupt frame into shorter, wrong audio), non-empty, size-capped.
 */
export function decodeMediaPayload(payload: string): PayloadVerdict {
  if (payload.length > maxMediaPayloadChars) return { ok: false, code: 'PAYLOAD_TOO_LARGE' };
  if (payload.length === 0 || !base64Pattern.test(payload)) return { ok: false, code: 'PAYLOAD_INVALID' };
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.byteLength > maxMediaPayloadBytes) return { ok: false, code: 'PAYLOAD_TOO_LARGE' };
  return { ok: true, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** A non-negative integer sent as a decimal string; 15 digits keeps it a safe integer. */
const digitString = z.string().regex(/^\d{1,15}$/, 'a decimal digit string').transform(Number);
const sid = (prefix: string, what: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `a Twilio ${what} SID (${prefix} + 32 hex)`);
const streamSid = sid('MZ', 'Stream');
const callSid = sid('CA', 'Call');
const accountSid = sid('AC', 'Account');

export const twilioMediaTracks = ['inbound', 'outbound'] as const;
export type TwilioMediaTrack = (typeof twilioMediaTracks)[number];

export const twilioConnectedMessageSchema = z.object({
  event: z.literal('connected'),
  protocol: z.string().max(32),
  version: z.string().max(32),
});

export const twilioStartMessageSchema = z.object({
  event: z.literal('start'),
  sequenceNumber: digitString,
  streamSid,
  start: z.object({
    accountSid,
    streamSid,
    callSid,
    tracks: z.array(z.enum(twilioMediaTracks)).min(1).max(2),
    customParameters: z.record(z.string().max(256), z.string().max(2048)).refine((value) => Object.keys(value).length <= 64, 'at most 64 custom parameters').default({}),
    mediaFormat: z.object({
      // Twilio documents audio/x-mulaw, 8000 Hz, mono; anything else is refused later with a code.
      encoding: z.string().max(64),
      sampleRate: z.number().int().positive().max(192_000),
      channels: z.number().int().positive().max(8),
    }),
  }),
});

export const twilioMediaMessageSchema = z.object({
  event: z.literal('media'),
  sequenceNumber: digitString,
  streamSid,
  media: z.object({
    track: z.enum(twilioMediaTracks),
    chunk: digitString,
    timestamp: digitString,
    payload: z.string().superRefine((payload, context) => {
      const verdict = decodeMediaPayload(payload);
      if (!verdict.ok) context.addIssue({ code: 'custom', message: verdict.code, params: { code: verdict.code } });
    }),
  }),
});

export const twilioDtmfMessageSchema = z.object({
  event: z.literal('dtmf'),
  sequenceNumber: digitString,
  streamSid,
  dtmf: z.object({
    track: z.string().max(32),
    digit: z.string().regex(/^[0-9*#A-Dw]$/, 'one keypad digit'),
  }),
});

export const twilioMarkMessageSchema = z.object({
  event: z.literal('mark'),
  sequenceNumber: digitString,
  streamSid,
  mark: z.object({ name: z.string().max(256) }),
});

export const twilioStopMessageSchema = z.object({
  event: z.literal('stop'),
  sequenceNumber: digitString,
  streamSid,
  stop: z.object({ accountSid, callSid }),
});

export const twilioMediaStreamMessageSchema = z.discriminatedUnion('event', [
  twilioConnectedMessageSchema,
  twilioStartMessageSchema,
  twilioMediaMessageSchema,
  twilioDtmfMessageSchema,
  twilioMarkMessageSchema,
  twilioStopMessageSchema,
]);

export type TwilioMediaStreamMessage = z.infer<typeof twilioMediaStreamMessageSchema>;
export type TwilioStartMessage = z.infer<typeof twilioStartMessageSchema>;
export type TwilioMediaMessage = z.infer<typeof twilioMediaMessageSchema>;
export type TwilioMediaEvent = TwilioMediaStreamMessage['event'];
export const twilioMediaEvents: readonly TwilioMediaEvent[] = twilioMediaStreamMessageSchema.options.map((option) => option.shape.event.value);

/** Why a WebSocket message was not accepted. Codes only; they go to the audit log. */
export const MediaMessageRejection = {
  MESSAGE_BINARY: 'MESSAGE_BINARY',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  MESSAGE_NOT_JSON: 'MESSAGE_NOT_JSON',
  MESSAGE_INVALID: 'MESSAGE_INVALID',
  PAYLOAD_INVALID: 'PAYLOAD_INVALID',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
} as const;
export type MediaMessageRejection = (typeof MediaMessageRejection)[keyof typeof MediaMessageRejection];

export type ParsedMediaMessage =
  | { ok: true; message: TwilioMediaStreamMessage }
  /** An `event` Twilio may add later: skipped, not held against the stream. */
  | { ok: true; message: null; unknownEvent: true }
  | { ok: false; code: MediaMessageRejection; paths: string[] };

/**
 * Parses one text frame. `paths` name the fields that failed (`media.payload`), never their
 * values; segments that are not plain field names (custom parameter keys) are masked as `*`.
 */
export function parseTwilioMediaMessage(text: string, options: { maxMessageBytes: number }): ParsedMediaMessage {
  if (Buffer.byteLength(text, 'utf8') > options.maxMessageBytes) return { ok: false, code: 'MESSAGE_TOO_LARGE', paths: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'MESSAGE_NOT_JSON', paths: [] };
  }
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const event = (json as { event?: unknown }).event;
    if (typeof event === 'string' && /^[a-z_-]{1,32}$/.test(event) && !(twilioMediaEvents as readonly string[]).includes(event)) {
      return { ok: true, message: null, unknownEvent: true };
    }
  }
  const result = twilioMediaStreamMessageSchema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const payloadIssue = result.error.issues.find((issue) => issue.code === 'custom' && issue.path.join('.') === 'media.payload');
  const payloadCode = (payloadIssue as { params?: { code?: string } } | undefined)?.params?.code;
  const code: MediaMessageRejection = payloadCode === 'PAYLOAD_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : payloadCode === 'PAYLOAD_INVALID' ? 'PAYLOAD_INVALID' : 'MESSAGE_INVALID';
  const paths = [...new Set(result.error.issues.map((issue) => safePath(issue.path)))].slice(0, 10);
  return { ok: false, code, paths };
}

function safePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(message)';
  return path.map((segment) => (typeof segment === 'number' || (typeof segment === 'string' && /^[A-Za-z]{1,32}$/.test(segment)) ? String(segment) : '*')).join('.');
}
