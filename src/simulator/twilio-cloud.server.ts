import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import webhooks from 'twilio/lib/webhooks/webhooks.js';

/**
 * A local stand-in for Twilio's cloud (issue 16), for the demo and the tests: Twilio cannot run
 * here, so this speaks its documented wire format — the 2010-04-01 REST API's Calls and Messages
 * create (form-encoded, HTTP Basic with the account SID and auth token, JSON answers, Twilio's
 * error shape), and, when a call is driven forward, Twilio's requests back to us: the voice
 * webhook fetching TwiML when the call is answered, and the call progress status callbacks, each
 * signed with X-Twilio-Signature by Twilio's own SDK. `test/twilio-cloud.test.ts` checks it against
 * the `twilio` SDK as a client.
 */
export type PlacedCallOutcome = 'completed' | 'no-answer' | 'busy' | 'failed' | 'canceled';

export interface PlacedCall {
  sid: string;
  to: string;
  from: string;
  url: string;
  statusCallback: string | null;
  statusCallbackEvents: string[];
  status: string;
  createdAt: string;
}

export interface SentMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  createdAt: string;
}

export interface TwilioCloud {
  url: string;
  accountSid: string;
  authToken: string;
  calls: PlacedCall[];
  messages: SentMessage[];
  /** Requests refused (auth, validation), with Twilio's error code. */
  refused: { path: string; status: number; code: number }[];
  /**
   * Drives a placed call to its end as the network would: `completed` answers it (the voice
   * webhook is asked for TwiML, which is returned) and then ends it; the others end it unanswered.
   * Status callbacks are sent for the events the call asked for, in order, signed.
   */
  finishCall(
    sid: string,
    outcome: PlacedCallOutcome,
    options?: {
      durationSeconds?: number;
      answeredBy?: 'human' | 'machine_start';
      /**
       * Keys the person presses, one entry per `<Gather>`: while the TwiML gathers and keys are
       * left, Twilio posts them to the Gather's `action` (signed) and plays the TwiML it gets back.
       */
      keypad?: string[];
    },
  ): Promise<{ twiml: string | null; callbacks: number[]; twimls: string[] }>;
  /**
   * Twilio real-time transcription of a call (`<Start><Transcription>`, issue 17): posts
   * transcription-started, then per utterance (optionally a partial of its first words, Final=false)
   * the final transcription-content with TranscriptionData {transcript, confidence} and a rising
   * SequenceId, then transcription-stopped (unless `stop: false`); each signed like Twilio's. The URL
   * is the statusCallbackUrl of the call's TwiML this cloud saw (`finishCall`, `observeTwiml`), or
   * `options.statusCallbackUrl`. Returns the HTTP statuses it got back, in order.
   */
  sendRealtimeTranscription(
    callSid: string,
    utterances: Array<{ text: string; confidence: number }>,
    options?: { partials?: boolean; statusCallbackUrl?: string; stop?: boolean; transcriptionSid?: string },
  ): Promise<number[]>;
  /** Tells the cloud the TwiML a call got (a call that came in, where the test drove the voice webhook itself). */
  observeTwiml(callSid: string, twiml: string): void;
  /** Makes the next N creates answer with this HTTP status (e.g. 503, 429) and Twilio's error body. */
  failNext(status: number, count?: number): void;
  /**
   * Refuses calls to this number as Twilio refuses a well-formed number it cannot call: 400 with
   * Twilio's error code (default 21217, "Phone number does not appear to be valid").
   */
  refuseNumber(e164: string, code?: number): void;
  close(): Promise<void>;
}

const apiPath = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/(Calls|Messages)\.json$/;
const e164 = /^\+[1-9]\d{6,14}$/;

export interface TwilioCloudOptions {
  accountSid?: string;
  authToken?: string;
  port?: number;
  /**
   * The demo's phone network: each placed call is driven to this outcome (with these keys pressed)
   * after `afterMs`, as a real network would; absent (tests), calls wait for `finishCall`.
   */
  autoFinish?: { afterMs: number; outcome: (call: PlacedCall, index: number) => { outcome: PlacedCallOutcome; keypad?: string[] } };
}

export async function startTwilioCloud(options: TwilioCloudOptions = {}): Promise<TwilioCloud> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const calls: PlacedCall[] = [];
  const messages: SentMessage[] = [];
  const refused: TwilioCloud['refused'] = [];
  let failures: { status: number; count: number } | null = null;
  const refusedNumbers = new Map<string, number>();

  const error = (res: http.ServerResponse, path: string, status: number, code: number, message: string) => {
    refused.push({ path, status, code });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const match = apiPath.exec(path);
      if (req.method !== 'POST' || !match) return error(res, path, 404, 20404, 'The requested resource was not found');
      const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected || match[1] !== accountSid) return error(res, path, 401, 20003, 'Authenticate');
      if (failures && failures.count > 0) {
        failures.count -= 1;
        return error(res, path, failures.status, failures.status === 429 ? 20429 : 20500, 'Service unavailable');
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const to = form.get('To') ?? '';
      const from = form.get('From') ?? '';
      if (!to) return error(res, path, 400, 21201, "No 'To' number is specified");
      if (!e164.test(to)) return error(res, path, 400, 21211, `Invalid 'To' Phone Number`);
      if (!e164.test(from)) return error(res, path, 400, 21212, `Invalid 'From' Phone Number`);
      const refusal = refusedNumbers.get(to);
      if (refusal !== undefined) return error(res, path, 400, refusal, 'Phone number does not appear to be valid');
      const createdAt = new Date().toUTCString();
      if (match[2] === 'Calls') {
        const url = form.get('Url') ?? '';
        if (!/^https?:\/\//.test(url) && !form.get('Twiml')) return error(res, path, 400, 21205, 'Url parameter is required');
        const call: PlacedCall = {
          sid: `CA${randomBytes(16).toString('hex')}`,
          to, from, url,
          statusCallback: form.get('StatusCallback'),
          statusCallbackEvents: form.getAll('StatusCallbackEvent').flatMap((value) => value.split(' ')).filter(Boolean),
          status: 'queued',
          createdAt,
        };
        calls.push(call);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(callResource(call, accountSid)));
        const auto = options.autoFinish;
        if (auto) {
          const { outcome, keypad } = auto.outcome(call, calls.length - 1);
          // The demo's network: a failure to reach the engine is the engine's to report, not ours.
          setTimeout(() => void cloud.finishCall(call.sid, outcome, keypad ? { keypad } : {}).catch(() => undefined), auto.afterMs).unref();
        }
        return;
      }
      const body = form.get('Body') ?? '';
      if (!body) return error(res, path, 400, 21602, 'Message body is required');
      if (body.length > 1_600) return error(res, path, 400, 21617, 'The concatenated message body exceeds the 1600 character limit');
      const message: SentMessage = { sid: `SM${randomBytes(16).toString('hex')}`, to, from, body, statusCallback: form.get('StatusCallback'), createdAt };
      messages.push(message);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        sid: message.sid, account_sid: accountSid, to, from, body, status: 'queued', direction: 'outbound-api', num_segments: '1',
        date_created: createdAt, date_updated: createdAt, date_sent: null, api_version: '2010-04-01', price: null, error_code: null,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** A request Twilio makes to the customer's webhook: form-encoded, signed over the URL and the sorted params. */
  const twilioRequest = async (target: string, params: Record<string, string>): Promise<{ status: number; text: string }> => {
    const signature = webhooks.getExpectedTwilioSignature(authToken, target, params);
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'i-twilio-idempotency-token': randomBytes(8).toString('hex') },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, text: await response.text() };
  };

  /** The real-time transcription callback URL each call's TwiML named. */
  const transcriptionCallbacks = new Map<string, string>();
  const observeTwiml = (callSid: string, twiml: string) => {
    const target = transcriptionCallbackUrl(twiml);
    if (target) transcriptionCallbacks.set(callSid, target);
  };

  const cloud: TwilioCloud = {
    url, accountSid, authToken, calls, messages, refused,
    observeTwiml,
    async sendRealtimeTranscription(callSid, utterances, options = {}) {
      const target = options.statusCallbackUrl ?? transcriptionCallbacks.get(callSid);
      if (!target) throw new Error(`no <Start><Transcription> seen for ${callSid}`);
      const base = {
        AccountSid: accountSid, CallSid: callSid, TranscriptionSid: options.transcriptionSid ?? `GT${randomBytes(16).toString('hex')}`,
        LanguageCode: 'en-US', ProviderName: 'Google', Track: 'inbound_track',
      };
      const statuses: number[] = [];
      const send = async (params: Record<string, string>) => {
        statuses.push((await twilioRequest(target, { ...base, Timestamp: new Date().toISOString(), ...params })).status);
      };
      await send({ TranscriptionEvent: 'transcription-started' });
      let sequence = 1;
      for (const utterance of utterances) {
        if (options.partials) {
          const words = utterance.text.split(/\s+/);
          const partial = words.slice(0, Math.max(1, Math.ceil(words.length / 2))).join(' ');
          await send({ TranscriptionEvent: 'transcription-content', SequenceId: String(sequence++), Final: 'false', Stability: '0.8', TranscriptionData: JSON.stringify({ transcript: partial, confidence: utterance.confidence }) });
        }
        await send({ TranscriptionEvent: 'transcription-content', SequenceId: String(sequence++), Final: 'true', TranscriptionData: JSON.stringify({ transcript: utterance.text, confidence: utterance.confidence }) });
      }
      if (options.stop !== false) await send({ TranscriptionEvent: 'transcription-stopped' });
      return statuses;
    },
    failNext(status, count = 1) {
      failures = { status, count };
    },
    refuseNumber(number, code = 21217) {
      refusedNumbers.set(number, code);
    },
    async finishCall(sid, outcome, finish = {}) {
      const call = calls.find((candidate) => candidate.sid === sid);
      if (!call) throw new Error(`no placed call ${sid}`);
      const base = { AccountSid: accountSid, ApiVersion: '2010-04-01', CallSid: sid, Called: call.to, Caller: call.from, To: call.to, From: call.from, Direction: 'outbound-api' };
      const callbacks: number[] = [];
      let sequence = 0;
      const progress = async (event: string, status: string, extra: Record<string, string> = {}) => {
        call.status = status;
        if (!call.statusCallback || !call.statusCallbackEvents.includes(event)) return;
        const sent = await twilioRequest(call.statusCallback, {
          ...base, CallStatus: status, CallbackSource: 'call-progress-events', SequenceNumber: String(sequence++), Timestamp: new Date().toUTCString(), ...extra,
        });
        callbacks.push(sent.status);
      };
      await progress('initiated', 'initiated');
      if (outcome === 'failed' || outcome === 'canceled') {
        await progress('completed', outcome, { CallDuration: '0' });
        return { twiml: null, callbacks, twimls: [] };
      }
      await progress('ringing', 'ringing');
      if (outcome !== 'completed') {
        await progress('completed', outcome, { CallDuration: '0' });
        return { twiml: null, callbacks, twimls: [] };
      }
      await progress('answered', 'in-progress');
      const voice = await twilioRequest(call.url, { ...base, CallStatus: 'in-progress', ...(finish.answeredBy ? { AnsweredBy: finish.answeredBy } : {}) });
      const twimls = voice.status < 300 ? [voice.text] : [];
      if (twimls[0]) observeTwiml(sid, twimls[0]);
      const keys = [...(finish.keypad ?? [])];
      // <Gather action="…">: the keys pressed go to the action URL, whose TwiML is played next.
      for (let action = gatherAction(twimls.at(-1)); action && keys.length > 0; action = gatherAction(twimls.at(-1))) {
        const gathered = await twilioRequest(action, { ...base, CallStatus: 'in-progress', Digits: keys.shift()! });
        if (gathered.status >= 300) break;
        twimls.push(gathered.text);
        observeTwiml(sid, gathered.text);
      }
      await progress('completed', 'completed', { CallDuration: String(finish.durationSeconds ?? 60) });
      return { twiml: twimls[0] ?? null, callbacks, twimls };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return cloud;
}

/** The statusCallbackUrl of the TwiML's `<Start><Transcription>`, XML-unescaped; null when it has none. */
function transcriptionCallbackUrl(twiml: string): string | null {
  const match = /<Transcription\b[^>]*\bstatusCallbackUrl="([^"]+)"/.exec(twiml);
  return match ? unescapeXml(match[1]!) : null;
}

function unescapeXml(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** The action URL of the TwiML's `<Gather>`, XML-unescaped; null when the TwiML gathers nothing. */
function gatherAction(twiml: string | undefined): string | null {
  const match = twiml ? /<Gather\b[^>]*\baction="([^"]+)"/.exec(twiml) : null;
  return match ? match[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>') : null;
}

function callResource(call: PlacedCall, accountSid: string) {
  return {
    sid: call.sid, account_sid: accountSid, to: call.to, to_formatted: call.to, from: call.from, from_formatted: call.from,
    status: call.status, direction: 'outbound-api', api_version: '2010-04-01', date_created: call.createdAt, date_updated: call.createdAt,
    start_time: null, end_time: null, duration: null, price: null, answered_by: null, parent_call_sid: null, phone_number_sid: null,
    uri: `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}.json`, subresource_uris: {},
  };
}
