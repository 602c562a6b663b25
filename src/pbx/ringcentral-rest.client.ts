import { z } from 'zod';
import { CallchartError } from '../lib/errors.ts';

/**
 * The few RingCentral REST calls Callchart makes: an OAuth token by the JWT grant (the
 * server-to-server flow RingCentral recommends for apps without a user at the keyboard), and the
 * subscription API (list, create, renew). Nothing here carries call data: event filters, the
 * webhook address and ids only.
 */
export interface RingcentralCredentials {
  clientId: string;
  clientSecret: string;
  /** The JWT credential issued in RingCentral's developer console for the app's user. */
  jwt: string;
}

export const ringcentralSubscriptionSchema = z.object({
  id: z.string().min(1).max(128),
  status: z.string().max(32).optional(),
  expirationTime: z.string().max(64).optional(),
  expiresIn: z.number().int().min(0).optional(),
  eventFilters: z.array(z.string()).optional(),
  deliveryMode: z.object({ transportType: z.string().optional(), address: z.string().optional() }).partial().optional(),
});
export type RingcentralSubscription = z.infer<typeof ringcentralSubscriptionSchema>;

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().int().min(1).optional() });

/** Where a REST call failed, as a code (never a response body: RingCentral may echo addresses). */
export type RingcentralFailure = 'RINGCENTRAL_UNREACHABLE' | 'RINGCENTRAL_AUTH_REJECTED' | 'RINGCENTRAL_REJECTED' | 'RINGCENTRAL_UNAVAILABLE' | 'RINGCENTRAL_NOT_FOUND';

export class RingcentralRestError extends Error {
  constructor(readonly failure: RingcentralFailure, readonly status: number | null, readonly errorCode?: string) {
    super(`RingCentral ${failure}${status ? ` (HTTP ${status}${errorCode ? ` ${errorCode}` : ''})` : ''}`);
  }
}

export class RingcentralRestClient {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(private readonly options: { serverUrl: string; credentials: RingcentralCredentials; timeoutMs?: number; now?: () => number }) {
    for (const [name, value] of Object.entries(options.credentials)) {
      if (!value) throw new CallchartError('CONFIG_INVALID', `RingCentral credential ${name} is empty`);
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(new URL(path, this.options.serverUrl), { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch {
      throw new RingcentralRestError('RINGCENTRAL_UNREACHABLE', null);
    }
  }

  private async failure(response: Response): Promise<RingcentralRestError> {
    // RingCentral's error body names an errorCode (e.g. SUB-525); that code is all we keep.
    const body = (await response.json().catch(() => null)) as { errorCode?: unknown } | null;
    const errorCode = typeof body?.errorCode === 'string' && /^[A-Z]{2,8}-\d{1,4}$/.test(body.errorCode) ? body.errorCode : undefined;
    const failure: RingcentralFailure = response.status === 401 || response.status === 403 ? 'RINGCENTRAL_AUTH_REJECTED'
      : response.status === 404 ? 'RINGCENTRAL_NOT_FOUND'
        : response.status === 429 || response.status >= 500 ? 'RINGCENTRAL_UNAVAILABLE' : 'RINGCENTRAL_REJECTED';
    return new RingcentralRestError(failure, response.status, errorCode);
  }

  /** An access token, fetched again a minute before it expires. */
  async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - 60_000 > this.now()) return this.token.value;
    const { clientId, clientSecret, jwt } = this.options.credentials;
    const response = await this.send('/restapi/oauth/token', {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt }).toString(),
    });
    if (!response.ok) throw await this.failure(response);
    const parsed = tokenSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new RingcentralRestError('RINGCENTRAL_REJECTED', response.status);
    this.token = { value: parsed.data.access_token, expiresAt: this.now() + (parsed.data.expires_in ?? 3600) * 1000 };
    return this.token.value;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const token = await this.accessToken();
    const response = await this.send(path, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (response.status === 401) this.token = null;
    if (!response.ok) throw await this.failure(response);
    return response.json().catch(() => null);
  }

  private subscription(value: unknown, status: number): RingcentralSubscription {
    const parsed = ringcentralSubscriptionSchema.safeParse(value);
    if (!parsed.success) throw new RingcentralRestError('RINGCENTRAL_REJECTED', status);
    return parsed.data;
  }

  async listSubscriptions(): Promise<RingcentralSubscription[]> {
    const body = (await this.call('GET', '/restapi/v1.0/subscription')) as { records?: unknown[] } | null;
    return (body?.records ?? []).flatMap((record) => {
      const parsed = ringcentralSubscriptionSchema.safeParse(record);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Creates a WebHook subscription; RingCentral validates the address (Validation-Token echo) before answering. */
  async createSubscription(input: { eventFilters: readonly string[]; address: string; verificationToken: string; expiresIn: number }): Promise<RingcentralSubscription> {
    const body = await this.call('POST', '/restapi/v1.0/subscription', {
      eventFilters: input.eventFilters,
      deliveryMode: { transportType: 'WebHook', address: input.address, verificationToken: input.verificationToken },
      expiresIn: input.expiresIn,
    });
    return this.subscription(body, 200);
  }

  async renewSubscription(id: string): Promise<RingcentralSubscription> {
    return this.subscription(await this.call('POST', `/restapi/v1.0/subscription/${encodeURIComponent(id)}/renew`), 200);
  }
}
