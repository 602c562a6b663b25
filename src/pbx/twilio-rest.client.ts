import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import { CallchartError } from '../lib/errors.ts';

/**
 * Twilio's REST API, through Twilio's own SDK (issue 16): outbound calls (Calls create, with signed
 * status callbacks to our webhooks) and SMS (Messages create). The SDK builds every request; only
 * the host changes when `apiBaseUrl` points somewhere else than Twilio's cloud — the local Twilio
 * stand-in of the demo and the tests (src/simulator/twilio-cloud.server.ts), which speaks the same
 * wire format. Nothing here logs a number or a message body.
 */
export const twilioApiBaseUrl = 'https://api.twilio.com';

/** Call progress events Twilio can report to a status callback. */
export type TwilioCallProgressEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

export interface PlaceCallInput {
  /** E.164 numbers. */
  to: string;
  from: string;
  /** Where Twilio asks for TwiML when the call is answered (our signed voice webhook). */
  url: string;
  statusCallback: string;
  statusCallbackEvent?: readonly TwilioCallProgressEvent[];
  /** Seconds Twilio lets the phone ring before `no-answer` (Twilio's default 60). */
  timeoutSeconds?: number;
  /** Answering machine detection: the voice webhook then carries `AnsweredBy` (human, machine_start, …). */
  machineDetection?: 'Enable' | 'DetectMessageEnd';
}

export interface SendSmsInput {
  to: string;
  from: string;
  /** Never PHI: a link and the clinic's name at most (callers check with `assertNoPhiInMessage`). */
  body: string;
  statusCallback?: string;
}

export interface TwilioRest {
  placeCall(input: PlaceCallInput): Promise<{ callSid: string; status: string }>;
  sendSms(input: SendSmsInput): Promise<{ messageSid: string; status: string }>;
}

export interface TwilioRestOptions {
  accountSid: string;
  authToken: string;
  /** Absent: Twilio's cloud. */
  apiBaseUrl?: string;
  timeoutMs?: number;
}

/** The SDK's HTTP client, pointed at another host when configured (same path, same form body, same auth). */
class RebasedRequestClient extends RequestClient {
  constructor(private readonly baseUrl: string, timeoutMs: number) {
    super({ timeout: timeoutMs });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = opts.uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/i, this.baseUrl.replace(/\/$/, ''));
    return super.request({ ...opts, uri });
  }
}

export function twilioRestClient(options: TwilioRestOptions): TwilioRest {
  if (!/^AC[0-9a-f]{32}$/i.test(options.accountSid)) {
    throw new CallchartError('CONFIG_INVALID', 'twilio.accountSid must be an account SID (AC and 32 hex digits)');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const rebased = options.apiBaseUrl && options.apiBaseUrl.replace(/\/$/, '') !== twilioApiBaseUrl;
  const client = twilio(options.accountSid, options.authToken, {
    timeout: timeoutMs,
    autoRetry: false,
    ...(rebased ? { httpClient: new RebasedRequestClient(options.apiBaseUrl!, timeoutMs) } : {}),
  });
  return {
    async placeCall(input) {
      try {
        const call = await client.calls.create({
          to: input.to,
          from: input.from,
          url: input.url,
          method: 'POST',
          statusCallback: input.statusCallback,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: [...(input.statusCallbackEvent ?? ['initiated', 'ringing', 'answered', 'completed'])],
          ...(input.timeoutSeconds ? { timeout: input.timeoutSeconds } : {}),
          ...(input.machineDetection ? { machineDetection: input.machineDetection } : {}),
        });
        return { callSid: call.sid, status: call.status };
      } catch (error) {
        throw twilioFailure(error, 'calls.create');
      }
    },
    async sendSms(input) {
      try {
        const message = await client.messages.create({
          to: input.to,
          from: input.from,
          body: input.body,
          ...(input.statusCallback ? { statusCallback: input.statusCallback } : {}),
        });
        return { messageSid: message.sid, status: message.status };
      } catch (error) {
        throw twilioFailure(error, 'messages.create');
      }
    },
  };
}

/**
 * Twilio's answer as an error code with a retry class: a 4xx (bad number, auth) will fail again;
 * 429 and 5xx may pass later; no answer at all may have placed the call (ambiguous).
 */
export function twilioFailure(error: unknown, operation: string): CallchartError {
  const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : null;
  const twilioCode = typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null;
  const detail = { operation, status, twilioCode };
  if (status === null) return new CallchartError('TWILIO_UNREACHABLE', 'Twilio did not answer', detail);
  if (status === 429 || status >= 500) return new CallchartError('TWILIO_UNAVAILABLE', `Twilio answered ${status}`, detail);
  return new CallchartError('TWILIO_REJECTED', `Twilio refused the request (${status}${twilioCode ? `, error ${twilioCode}` : ''})`, detail);
}
