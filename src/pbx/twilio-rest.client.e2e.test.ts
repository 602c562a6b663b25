import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import { startTwilioCloud, type TwilioCloud } from '../simulator/twilio-cloud.server.ts';
import { twilioRestClient } from './twilio-rest.client.ts';
import { verifyTwilioSignature } from './twilio-signature.ts';
import { isCallchartError } from '../lib/errors.ts';

/**
 * Twilio's REST API through Twilio's SDK, against the local Twilio stand-in (issue 16): the
 * stand-in must accept what the SDK sends and answer what the SDK reads, and its requests back to
 * us must carry signatures Twilio's own validator accepts.
 */
describe('Twilio REST client and the local Twilio cloud', () => {
  let cloud: TwilioCloud;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: { path: string; params: Record<string, string>; signatureValid: boolean }[] = [];

  beforeAll(async () => {
    cloud = await startTwilioCloud();
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const verdict = verifyTwilioSignature({ authToken: cloud.authToken, signature: req.headers['x-twilio-signature'] as string | undefined, url: `${receiverUrl}${req.url}`, params });
        received.push({ path: req.url ?? '', params, signatureValid: verdict.ok });
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(req.url?.startsWith('/voice') ? '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say></Response>' : '');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await cloud.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const client = () => twilioRestClient({ accountSid: cloud.accountSid, authToken: cloud.authToken, apiBaseUrl: cloud.url });

  it('places a call with status callbacks, and the call answered asks our voice webhook for TwiML, signed', async () => {
    received.length = 0;
    const placed = await client().placeCall({ to: '+15555550142', from: '+15555550100', url: `${receiverUrl}/voice`, statusCallback: `${receiverUrl}/status` });
    expect(placed.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(placed.status).toBe('queued');
    const stored = cloud.calls.find((call) => call.sid === placed.callSid)!;
    expect(stored.statusCallbackEvents).toEqual(['initiated', 'ringing', 'answered', 'completed']);

    const finished = await cloud.finishCall(placed.callSid, 'completed', { durationSeconds: 42 });
    expect(finished.twiml).toContain('<Say>Hello</Say>');
    expect(received.map((request) => `${request.path} ${request.params.CallStatus}`)).toEqual([
      '/status initiated', '/status ringing', '/status in-progress', '/voice in-progress', '/status completed',
    ]);
    expect(received.every((request) => request.signatureValid)).toBe(true);
    expect(received.at(-1)!.params).toMatchObject({ CallSid: placed.callSid, Direction: 'outbound-api', CallDuration: '42', To: '+15555550142' });
  });

  it('a call nobody answers reports no-answer and never asks for TwiML', async () => {
    received.length = 0;
    const placed = await client().placeCall({ to: '+15555550143', from: '+15555550100', url: `${receiverUrl}/voice`, statusCallback: `${receiverUrl}/status`, statusCallbackEvent: ['completed'] });
    const finished = await cloud.finishCall(placed.callSid, 'no-answer');
    expect(finished.twiml).toBeNull();
    expect(received.map((request) => request.params.CallStatus)).toEqual(['no-answer']);
  });

  it('sends an SMS', async () => {
    const sent = await client().sendSms({ to: '+15555550144', from: '+15555550100', body: 'You have a message from the clinic: https://clinic.example/x' });
    expect(sent.messageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(cloud.messages.at(-1)).toMatchObject({ to: '+15555550144', body: 'You have a message from the clinic: https://clinic.example/x' });
  });

  it("maps Twilio's refusals to codes with retry classes", async () => {
    const wrongToken = twilioRestClient({ accountSid: cloud.accountSid, authToken: 'f'.repeat(32), apiBaseUrl: cloud.url });
    await expect(wrongToken.sendSms({ to: '+15555550144', from: '+15555550100', body: 'x' })).rejects.toMatchObject({ code: 'TWILIO_REJECTED', retry: 'permanent', detail: { status: 401, twilioCode: 20003 } });
    await expect(client().placeCall({ to: '555-0142', from: '+15555550100', url: `${receiverUrl}/voice`, statusCallback: `${receiverUrl}/status` }))
      .rejects.toMatchObject({ code: 'TWILIO_REJECTED', detail: { status: 400, twilioCode: 21211 } });
    cloud.failNext(503);
    await expect(client().sendSms({ to: '+15555550144', from: '+15555550100', body: 'x' })).rejects.toMatchObject({ code: 'TWILIO_UNAVAILABLE', retry: 'transient' });
    const unreachable = twilioRestClient({ accountSid: cloud.accountSid, authToken: cloud.authToken, apiBaseUrl: 'http://127.0.0.1:1' });
    const failure = await unreachable.sendSms({ to: '+15555550144', from: '+15555550100', body: 'x' }).catch((error: unknown) => error);
    expect(isCallchartError(failure) && failure.code).toBe('TWILIO_UNREACHABLE');
    expect(() => twilioRestClient({ accountSid: 'not-a-sid', authToken: cloud.authToken })).toThrow(/account SID/);
  });

  it("answers the SDK's own list and fetch shapes it does not serve with Twilio's 404", async () => {
    class Rebased extends RequestClient {
      override request<T>(opts: RequestClient.RequestOptions<T>) {
        return super.request({ ...opts, uri: opts.uri.replace('https://api.twilio.com', cloud.url) });
      }
    }
    const sdk = twilio(cloud.accountSid, cloud.authToken, { httpClient: new Rebased() });
    await expect(sdk.calls('CA' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });
});
