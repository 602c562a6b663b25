import type { Bundle, OperationOutcome, Resource, ResourceType } from '@medplum/fhirtypes';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { CallchartError, isCallchartError, type RetryClass } from '../lib/errors.ts';
import { tracerName } from '../telemetry/tracing.ts';
import { parseRetryAfter, type AccessTokenProvider } from './smart-auth.ts';
import type { EhrGovernor } from './ehr-governor.service.ts';

export { createEhrGovernor, EhrGovernor } from './ehr-governor.service.ts';

/**
 * The FHIR R4 client: plain HTTP, the way Callchart reaches Epic or any R4 server. Every request
 * has a timeout; a circuit breaker stops hammering an EHR that is down so the live path falls back
 * at once instead of waiting out each timeout (invariant 6). Errors are classified, never echoed:
 * EHR error bodies can contain PHI.
 */
export interface FhirClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Consecutive failures that open the breaker. */
  breakerThreshold?: number;
  /** How long the breaker stays open before one trial request. */
  breakerHalfOpenMs?: number;
  /** The per-EHR load governor, shared by every client of one EHR (see `createEhrGovernor`). */
  governor?: EhrGovernor;
  /** Live requests go ahead of after-call work in the governor's queue (0 = first). */
  priority?: number;
  /**
   * Longest wait in the governor's queue before giving up (default `timeoutMs`). The request's own
   * `timeoutMs` counts from when it is sent, not from when it queued.
   */
  queueWaitMs?: number;
  /** SMART Backend Services tokens (see smart-auth.ts); without one, requests carry no Authorization. */
  tokenProvider?: AccessTokenProvider;
  /** Each request is a client span (method and resource type only: ids and search values stay out). */
  tracer?: Tracer;
  /** Told about every failed request (metrics): its code and retry class, never the path or body. */
  onFailure?: (failure: { code: string; retry: RetryClass }) => void;
}

export interface ConditionalCreateResult<T extends Resource> {
  resource: T;
  /** false when If-None-Exist found an existing resource (a replay). */
  created: boolean;
}

const fhirJson = 'application/fhir+json';

export class FhirClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly breaker;
  private readonly governor: EhrGovernor | undefined;
  private readonly priority: number;
  private readonly queueWaitMs: number;
  private readonly tokenProvider: AccessTokenProvider | undefined;
  private readonly tracer: Tracer;
  private readonly onFailure: FhirClientOptions['onFailure'];

  constructor(options: FhirClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.tracer = options.tracer ?? trace.getTracer(tracerName);
    this.onFailure = options.onFailure;
    this.timeoutMs = options.timeoutMs;
    this.tokenProvider = options.tokenProvider;
    this.governor = options.governor;
    this.priority = options.priority ?? 5;
    this.queueWaitMs = options.queueWaitMs ?? options.timeoutMs;
    this.halfOpenAfterMs = options.breakerHalfOpenMs ?? 10_000;
    this.breaker = circuitBreaker(
      // Only the EHR's own unavailability counts against it: not our invalid requests, and not a
      // wait in our own load governor (a burst of our calls is not an EHR outage).
      handleWhen((error) => isCallchartError(error) && error.retry !== 'permanent' && error.detail?.stage !== 'governor'),
      { halfOpenAfter: this.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5) },
    );
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
  }

  private readonly halfOpenAfterMs: number;
  private openedAt = 0;

  /** True while the breaker is open (requests fail at once); half-open lets one trial through. */
  isCircuitOpen(): boolean {
    if (this.breaker.state === CircuitState.Isolated) return true;
    // The breaker moves to half-open only when a request is tried: once the open period is over,
    // say "not open" so a caller that checks first (the write-back worker) makes that trial.
    return this.breaker.state === CircuitState.Open && Date.now() - this.openedAt < this.halfOpenAfterMs;
  }

  /** Search and return the matching resources of the searched type (includes dropped). A list value repeats the parameter (all must match). */
  async search<T extends Resource>(resourceType: ResourceType, params: Record<string, string | readonly string[]>): Promise<T[]> {
    const query = searchQuery(params);
    const bundle = await this.request<Bundle>('GET', `${resourceType}${query ? `?${query}` : ''}`);
    return (bundle.entry ?? [])
      .filter((entry) => entry.search?.mode !== 'include' && entry.resource?.resourceType === resourceType)
      .map((entry) => entry.resource as T);
  }

  /**
   * One page of a search: its matches and the server's `next` link (null on the last page). Pass
   * `next` back as `page` to read on; a link that does not point into this EHR's base is refused
   * (the token must never go elsewhere).
   */
  async searchPage<T extends Resource>(resourceType: ResourceType, page: { params: Record<string, string | readonly string[]> } | { next: string }): Promise<{ matches: T[]; next: string | null; total: number | null }> {
    let path: string;
    if ('next' in page) {
      if (!page.next.startsWith(`${this.baseUrl}/${resourceType}?`)) throw new CallchartError('EHR_REJECTED', 'EHR paging link outside its base', { path: resourceType });
      path = page.next.slice(this.baseUrl.length + 1);
    } else {
      const query = searchQuery(page.params);
      path = `${resourceType}${query ? `?${query}` : ''}`;
    }
    const bundle = await this.request<Bundle>('GET', path);
    return {
      matches: (bundle.entry ?? []).filter((entry) => entry.search?.mode !== 'include' && entry.resource?.resourceType === resourceType).map((entry) => entry.resource as T),
      next: bundle.link?.find((link) => link.relation === 'next')?.url ?? null,
      total: typeof bundle.total === 'number' ? bundle.total : null,
    };
  }

  /** Search with `_include`: the matches, and the included resources beside them. */
  async searchWithIncludes<T extends Resource>(resourceType: ResourceType, params: Record<string, string>): Promise<{ matches: T[]; included: Resource[] }> {
    const query = new URLSearchParams(params).toString();
    const bundle = await this.request<Bundle>('GET', `${resourceType}${query ? `?${query}` : ''}`);
    const entries = bundle.entry ?? [];
    return {
      matches: entries.filter((entry) => entry.search?.mode !== 'include' && entry.resource?.resourceType === resourceType).map((entry) => entry.resource as T),
      included: entries.filter((entry) => entry.search?.mode === 'include' && entry.resource).map((entry) => entry.resource!),
    };
  }

  async read<T extends Resource>(resourceType: ResourceType, id: string): Promise<T> {
    return this.request<T>('GET', `${resourceType}/${encodeURIComponent(id)}`);
  }

  /**
   * Create unless a resource matching `ifNoneExist` exists (FHIR conditional create). This is what
   * makes write-back safe to retry: a replay finds the first write instead of making a second.
   */
  async conditionalCreate<T extends Resource>(resource: T, ifNoneExist: string): Promise<ConditionalCreateResult<T>> {
    const { status, body } = await this.send('POST', resource.resourceType, resource, { 'if-none-exist': ifNoneExist });
    return { resource: body as T, created: status === 201 };
  }

  /**
   * Update a resource in place, only if nobody changed it since it was read (`If-Match` on the
   * version): a concurrent edit in the EHR makes this fail with 412 rather than be overwritten.
   */
  async update<T extends Resource>(resource: T & { id: string }): Promise<T> {
    const version = resource.meta?.versionId;
    const { body } = await this.send('PUT', `${resource.resourceType}/${encodeURIComponent(resource.id)}`, resource, version ? { 'if-match': `W/"${version}"` } : {});
    return body as T;
  }

  /**
   * POST a transaction Bundle to the base: all entries or none. Entries may use `urn:uuid` fullUrls
   * to reference each other and `request.ifNoneExist` for conditional creates, so a replayed
   * transaction finds the first one's resources instead of duplicating them (WB-3).
   *
   * @returns the `transaction-response` Bundle, one response entry per request entry, in order
   */
  async transaction(bundle: Bundle): Promise<Bundle> {
    if (bundle.type !== 'transaction') throw new CallchartError('PAYLOAD_INVALID', 'FhirClient.transaction needs a Bundle of type transaction');
    const { body } = await this.send('POST', '', bundle);
    return body as Bundle;
  }

  private async request<T>(method: string, path: string): Promise<T> {
    return (await this.send(method, path)).body as T;
  }

  private async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const resourceType = /^[A-Za-z]*/.exec(path)?.[0] || 'transaction';
    return this.tracer.startActiveSpan(`ehr ${method} ${resourceType}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'fhir.resource_type': resourceType } }, async (span) => {
      try {
        const answer = await this.sendClassified(method, path, body, headers);
        span.setAttribute('http.response.status_code', answer.status);
        return answer;
      } catch (error) {
        const code = isCallchartError(error) ? error.code : 'INTERNAL';
        span.setStatus({ code: SpanStatusCode.ERROR, message: code });
        span.setAttribute('error.type', code);
        this.onFailure?.({ code, retry: isCallchartError(error) ? error.retry : 'transient' });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async sendClassified(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
    try {
      const attempt = () => this.sendOnce(method, path, body, headers);
      return await this.breaker.execute(() => (this.governor ? this.governed(attempt) : attempt()));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new CallchartError('EHR_UNAVAILABLE', 'EHR circuit open after repeated failures', { path: pathOnly(path) });
      }
      throw error;
    }
  }

  /** Waits for the governor (its queue and the EHR's budget), but never longer than `queueWaitMs`. */
  private async governed<T>(attempt: () => Promise<T>): Promise<T> {
    return this.governor!.schedule({ priority: this.priority, waitMs: this.queueWaitMs, expiration: this.timeoutMs * 2 }, attempt);
  }

  private async sendOnce(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const detail = { method, path: pathOnly(path) };
    let token = await this.accessToken(detail);
    let response = await this.fetchOnce(method, path, body, headers, token, detail);
    if (response.status === 401 && this.tokenProvider && token) {
      // Revoked or expired early: one fresh token, one retry (a 401 means nothing was applied).
      await response.body?.cancel();
      this.tokenProvider.invalidate(token);
      token = await this.accessToken(detail);
      response = await this.fetchOnce(method, path, body, headers, token, detail);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (response.status >= 500 || response.status === 429) {
      // Retry-After tells the write-back outbox when to come back; a 429 is never an outage of ours.
      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
      throw new CallchartError('EHR_UNAVAILABLE', `EHR answered ${response.status}`, {
        ...detail, status: response.status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      });
    }
    if (response.status === 401 || response.status === 403) {
      throw new CallchartError('EHR_AUTH_REJECTED', `EHR refused the client's authorization (${response.status})`, {
        ...detail,
        status: response.status,
        issues: issueCodes(parsed),
      });
    }
    if (response.status === 412 || response.status === 409) {
      throw new CallchartError('EHR_CONFLICT', `EHR's copy changed since it was read (${response.status})`, { ...detail, status: response.status, issues: issueCodes(parsed) });
    }
    if (response.status >= 400) {
      throw new CallchartError('EHR_REJECTED', `EHR rejected the request (${response.status})`, {
        ...detail,
        status: response.status,
        issues: issueCodes(parsed),
      });
    }
    return { status: response.status, body: parsed };
  }

  /** The bearer token, bounded by this request's budget (the token fetch itself carries on for the next caller). */
  private async accessToken(detail: Record<string, unknown>): Promise<string | null> {
    if (!this.tokenProvider) return null;
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new CallchartError('EHR_UNAVAILABLE', `No EHR access token within ${this.timeoutMs} ms`, { ...detail, stage: 'token' })), this.timeoutMs);
    });
    try {
      return await Promise.race([this.tokenProvider.getAccessToken(), budget]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetchOnce(method: string, path: string, body: unknown, headers: Record<string, string>, token: string | null, detail: Record<string, unknown>): Promise<Response> {
    try {
      return await fetch(path ? `${this.baseUrl}/${path}` : this.baseUrl, {
        method,
        headers: {
          accept: fhirJson,
          ...(body ? { 'content-type': fhirJson } : {}),
          ...headers,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body ? JSON.stringify(body) : null,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw classifyNetworkError(error, method, this.timeoutMs, detail);
    }
  }
}

/** Failures before a connection exists: the request never left, so retrying is plainly safe. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * - timeout: EHR_TIMEOUT (ambiguous), as before: a slow write may still be applied.
 * - refused / unresolvable: EHR_UNAVAILABLE (transient): nothing reached the EHR.
 * - reset or closed mid-request: a read is safe to repeat (EHR_UNAVAILABLE); a write may have been
 *   applied before the connection dropped (EHR_CONNECTION_LOST, ambiguous: check before retrying).
 */
function classifyNetworkError(error: unknown, method: string, timeoutMs: number, detail: Record<string, unknown>): CallchartError {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new CallchartError('EHR_TIMEOUT', `EHR did not answer within ${timeoutMs} ms`, detail, { cause: error });
  }
  const code = networkErrorCode(error);
  if ((code && NOT_SENT_CODES.has(code)) || method === 'GET' || method === 'HEAD') {
    return new CallchartError('EHR_UNAVAILABLE', 'EHR unreachable', { ...detail, ...(code ? { network: code } : {}) }, { cause: error });
  }
  return new CallchartError('EHR_CONNECTION_LOST', 'EHR connection dropped before it answered; the write may have been applied', { ...detail, ...(code ? { network: code } : {}) }, { cause: error });
}

/** undici wraps the socket error: `TypeError('fetch failed', { cause: { code } })`, sometimes nested once more. */
function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function searchQuery(params: Record<string, string | readonly string[]>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const each of typeof value === 'string' ? [value] : value) query.append(name, each);
  }
  return query.toString();
}

function pathOnly(path: string): string {
  // Query strings carry search values such as phone numbers: never keep them.
  return path.split('?')[0] ?? path;
}

function issueCodes(body: unknown): string[] {
  const outcome = body as OperationOutcome | null;
  return outcome?.resourceType === 'OperationOutcome' ? outcome.issue.map((issue) => `${issue.severity}:${issue.code}`) : [];
}
