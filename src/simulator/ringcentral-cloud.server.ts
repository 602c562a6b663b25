import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/**
 * A local stand-in for RingCentral's platform, speaking the documented wire format of the calls
 * Callchart makes (tests and the demo): the OAuth token endpoint with the JWT grant, and the
 * subscription API. Like RingCentral, it creates a WebHook subscription only after POSTing to the
 * address with a `Validation-Token` header and getting the same header back; and it delivers
 * notifications with the subscription's `Verification-Token`. Synthetic: no RingCentral code.
 */
export interface StandInSubscription {
  id: string;
  address: string;
  verificationToken: string;
  eventFilters: string[];
  expiresAt: number;
  status: 'Active';
}

export interface RingcentralCloud {
  url: string;
  subscriptions: Map<string, StandInSubscription>;
  /** Calls received, by kind (token, list, create, renew). */
  calls: { kind: string; status: number }[];
  /** The next `count` API calls (not the token call) answer with `status`. */
  failNext(count: number, status: number): void;
  /** Delivers a notification to a subscription's address as RingCentral would. */
  deliver(subscriptionId: string, notification: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startRingcentralCloud(options: { clientId: string; clientSecret: string; jwt: string; now?: () => number; maxExpiresIn?: number }): Promise<RingcentralCloud> {
  const now = options.now ?? Date.now;
  const subscriptions = new Map<string, StandInSubscription>();
  const calls: { kind: string; status: number }[] = [];
  const tokens = new Set<string>();
  let failures = { count: 0, status: 503 };
  const view = (subscription: StandInSubscription) => ({
    id: subscription.id, uri: `/restapi/v1.0/subscription/${subscription.id}`, status: subscription.status, eventFilters: subscription.eventFilters,
    expirationTime: new Date(subscription.expiresAt).toISOString(), expiresIn: Math.max(0, Math.round((subscription.expiresAt - now()) / 1000)),
    // RingCentral does not return the verification token; the address only.
    deliveryMode: { transportType: 'WebHook', address: subscription.address },
  });

  const server: Server = createServer((request, response) => {
    void (async () => {
      const answer = (kind: string, status: number, body?: unknown) => {
        calls.push({ kind, status });
        response.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
      };
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const text = await readBody(request);
      if (request.method === 'POST' && url.pathname === '/restapi/oauth/token') {
        const form = new URLSearchParams(text);
        const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
        if (request.headers.authorization !== `Basic ${basic}` || form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || form.get('assertion') !== options.jwt) {
          return answer('token', 400, { error: 'invalid_grant', errorCode: 'OAU-251' });
        }
        const token = randomUUID();
        tokens.add(token);
        return answer('token', 200, { access_token: token, token_type: 'bearer', expires_in: 3600, scope: 'CallControl' });
      }
      const bearer = request.headers.authorization?.replace(/^Bearer /, '');
      if (!bearer || !tokens.has(bearer)) return answer('unauthorized', 401, { errorCode: 'CMN-401', message: 'Authorization required' });
      const kind = request.method === 'GET' ? 'list' : url.pathname.endsWith('/renew') ? 'renew' : 'create';
      if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        return answer(kind, failures.status, { errorCode: 'CMN-211', message: 'stand-in failure' });
      }
      if (kind === 'list' && url.pathname === '/restapi/v1.0/subscription') return answer(kind, 200, { records: [...subscriptions.values()].map(view) });
      const renew = /^\/restapi\/v1\.0\/subscription\/([^/]+)\/renew$/.exec(url.pathname);
      if (kind === 'renew' && renew) {
        const subscription = subscriptions.get(decodeURIComponent(renew[1]!));
        if (!subscription) return answer(kind, 404, { errorCode: 'SUB-522', message: 'Subscription not found' });
        subscription.expiresAt = now() + (options.maxExpiresIn ?? 604_800) * 1000;
        return answer(kind, 200, view(subscription));
      }
      if (kind === 'create' && url.pathname === '/restapi/v1.0/subscription') {
        const body = JSON.parse(text) as { eventFilters?: string[]; expiresIn?: number; deliveryMode?: { transportType?: string; address?: string; verificationToken?: string } };
        const { deliveryMode } = body;
        if (deliveryMode?.transportType !== 'WebHook' || !deliveryMode.address || !body.eventFilters?.length) return answer(kind, 400, { errorCode: 'CMN-101', message: 'Parameter [deliveryMode] value is invalid' });
        // The address must echo the validation token before the subscription exists (SUB-525 otherwise).
        const validationToken = randomUUID();
        const check = await fetch(deliveryMode.address, { method: 'POST', headers: { 'validation-token': validationToken } }).catch(() => null);
        if (!check || check.status !== 200 || check.headers.get('validation-token') !== validationToken) {
          return answer(kind, 400, { errorCode: 'SUB-525', message: 'WebHook server response is invalid' });
        }
        const subscription: StandInSubscription = {
          id: randomUUID(), address: deliveryMode.address, verificationToken: deliveryMode.verificationToken ?? '', eventFilters: body.eventFilters, status: 'Active',
          expiresAt: now() + Math.min(body.expiresIn ?? 604_800, options.maxExpiresIn ?? 604_800) * 1000,
        };
        subscriptions.set(subscription.id, subscription);
        return answer(kind, 200, view(subscription));
      }
      return answer('unknown', 404, { errorCode: 'CMN-102', message: 'Resource not found' });
    })().catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url, subscriptions, calls,
    failNext(count, status) {
      failures = { count, status };
    },
    async deliver(subscriptionId, notification) {
      const subscription = subscriptions.get(subscriptionId);
      if (!subscription) throw new Error('no such subscription');
      const response = await fetch(subscription.address, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=UTF-8', 'user-agent': 'RingCentral-Webhook/8.3', ...(subscription.verificationToken ? { 'verification-token': subscription.verificationToken } : {}) },
        body: JSON.stringify({ ...(notification as object), subscriptionId }),
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
