import { readFileSync } from 'node:fs';
import path from 'node:path';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../test/helpers/shared-data.ts';
import { signTwilioRequest, twilioRequestUrl, usableRequestHost, verifyTwilioSignature } from './twilio-signature.ts';

interface VectorCase { name: string; authToken: string; url: string; params: Record<string, string | string[]>; signature: string; expectedValid: boolean; rawBody?: string }
interface BehaviouralCase { name: string; targetUrl: string; params: Record<string, string>; signature: string; expectedValid: boolean }
const vectors = JSON.parse(readFileSync(path.join(sharedDataDir(), 'twilio-signature-vectors/twilio_signature_vectors.json'), 'utf8')) as {
  cases: VectorCase[];
  behavioral_cases: { authToken: string; cases: BehaviouralCase[] };
};

// Twilio's published vectors sign with its documentation's example tokens ('12345', 's3cr3t'),
// shorter than any real auth token: only here is the minimum lowered, to check the algorithm.
const vectorTokenLength = { minAuthTokenLength: 1 };

describe('X-Twilio-Signature against Twilio’s published vectors', () => {
  it('has the vectors', () => {
    expect(vectors.cases.length).toBeGreaterThanOrEqual(16);
  });

  it.each(vectors.cases)('$name → valid: $expectedValid', (vector) => {
    const verdict = verifyTwilioSignature({
      authToken: vector.authToken,
      signature: vector.signature,
      url: vector.url,
      ...vectorTokenLength,
      ...(vector.rawBody !== undefined ? { rawJsonBody: vector.rawBody } : { params: vector.params }),
    });
    expect(verdict.ok).toBe(vector.expectedValid);
  });

  it.each(vectors.behavioral_cases.cases)('$name', (vector) => {
    const verdict = verifyTwilioSignature({ authToken: vectors.behavioral_cases.authToken, signature: vector.signature, url: vector.targetUrl, params: vector.params, ...vectorTokenLength });
    expect(verdict.ok).toBe(vector.expectedValid);
  });
});

describe('signing and the URL Twilio called', () => {
  const params = { CallSid: 'CA' + 'a'.repeat(32), From: '+16175550142', To: '+16175550100' };
  // Synthetic tokens in Twilio's real format: 32 hex characters.
  const token1 = '0123456789abcdef0123456789abcdef';
  const token2 = 'fedcba9876543210fedcba9876543210';

  it('agrees with the twilio SDK’s own validator', () => {
    const url = 'https://clinic.example.invalid/webhooks/twilio/voice';
    const signature = signTwilioRequest(token1, url, params);
    expect(twilio.validateRequest(token1, signature, url, params)).toBe(true);
    expect(verifyTwilioSignature({ authToken: token1, signature, url, params }).ok).toBe(true);
  });

  it('refuses a missing header, a wrong token and a changed parameter', () => {
    const url = 'https://clinic.example.invalid/webhooks/twilio/voice';
    const signature = signTwilioRequest(token1, url, params);
    expect(verifyTwilioSignature({ authToken: token1, signature: undefined, url, params })).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
    expect(verifyTwilioSignature({ authToken: token2, signature, url, params })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(verifyTwilioSignature({ authToken: token1, signature, url, params: { ...params, From: '+16175550143' } }).ok).toBe(false);
  });

  it('refuses to check anything without a usable token, and never throws on a URL it cannot parse', () => {
    const url = 'https://clinic.example.invalid/webhooks/twilio/voice';
    for (const authToken of [undefined, '', 'short-token']) {
      expect(verifyTwilioSignature({ authToken, signature: signTwilioRequest(authToken ?? '', url, params), url, params })).toMatchObject({ ok: false, code: 'TWILIO_NOT_CONFIGURED' });
    }
    expect(verifyTwilioSignature({ authToken: token1, signature: 'AAAA', url: 'http://bad host[/x', params })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('takes a Host header only when it can stand in a URL as it is', () => {
    for (const host of ['127.0.0.1:8787', 'phones.clinic.example', 'callchart_svc:8080', '[::1]:8787', 'localhost']) expect(usableRequestHost(host)).toBe(host);
    for (const host of [undefined, '', 'bad host[', '[::1', 'a/b@evil.test', 'evil.test#x', '%zz', 'x'.repeat(300), 'host:99999999']) expect(usableRequestHost(host)).toBeNull();
  });

  it('uses the public base URL behind a proxy, keeping the path and query', () => {
    expect(twilioRequestUrl({ publicBaseUrl: 'https://phones.clinic.example/', protocol: 'http', host: '10.0.0.5:8787', originalUrl: '/webhooks/twilio/ivr?step=dob' }))
      .toBe('https://phones.clinic.example/webhooks/twilio/ivr?step=dob');
    expect(twilioRequestUrl({ protocol: 'http', host: '127.0.0.1:8787', originalUrl: '/webhooks/twilio/voice' })).toBe('http://127.0.0.1:8787/webhooks/twilio/voice');
  });
});
