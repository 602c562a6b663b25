/**
 * The sandbox EHR: a FHIR R4 REST server over real HTTP, seeded with the synthetic clinic, so
 * Callchart reaches it exactly as it would reach Epic (same URLs, content type, OperationOutcomes).
 *
 * FHIR semantics come from @medplum/fhir-router (FhirRouter + an in-memory repository); this file
 * is the HTTP edge: body limits, JSON parsing, unknown types, the CapabilityStatement, `_include`,
 * SMART Backend Services auth (token endpoint, bearer tokens, scopes), atomic transactions, fault
 * injection, and logging that names routes, never patients.
 */
import {
  badRequest,
  evalFhirPath,
  getReferenceString,
  getSearchParameter,
  getSearchParameters,
  getStatus,
  isResourceType,
  normalizeOperationOutcome,
  OperationOutcomeError,
  parseSearchRequest,
} from '@medplum/core';
import type { SearchRequest } from '@medplum/core';
import { FhirRouter } from '@medplum/fhir-router';
import type { FhirRequest, HttpMethod } from '@medplum/fhir-router';
import type { Bundle, BundleEntry, CapabilityStatement, OperationOutcome, OperationOutcomeIssue, Reference, Resource } from '@medplum/fhirtypes';
import Fastify from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadFhirR4Definitions } from './fhir-definitions.loader.ts';
import { SandboxAuthorizationServer, sandboxRealm, type AccessGrant, type SandboxClient } from './sandbox-auth.ts';
import { createFaultInjector, faultsProblem, faultsTarget, INJECTED_FAULT_KINDS, TOKEN_FAULT_KINDS, type InjectedFaultKind, type SandboxFaults } from './sandbox-faults.ts';
import { requiredAccess, scopesAllow } from './smart-scopes.ts';
import { generateSchedules, generateSyntheticClinic, SANDBOX_REFERENCE_DATE, SYNTHETIC_TAG } from './synthetic-clinic.ts';
import { ValidatingRepository } from './validating-repository.ts';

export interface SandboxEhrOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Patients in the synthetic clinic; default 240. */
  patientCount?: number;
  /** Synthetic clinic seed; default 20261122. */
  seed?: number;
  /**
   * First day of the physicians' bookable slots (YYYY-MM-DD; two weeks from it). Default: today
   * (UTC), so a patient booking from a link sees times ahead of them; tests pass their clock's day.
   */
  scheduleFrom?: string;
  /**
   * When the outreach lists' discharges and no-shows happened relative to (ISO date-time). Default:
   * the synthetic clinic's reference date (tests); the demo passes now, so its lists are recent.
   */
  outreachAsOf?: string;
  /** Request log (method, route, status, duration only). Silent when absent. */
  logger?: Logger;
  /** Added to every FHIR response, to behave like a remote EHR (benchmarks use 50 ms). */
  latencyMs?: number;
  /**
   * SMART Backend Services enforcement (default true): every /fhir/R4 request needs a bearer token
   * from `POST /oauth2/token` whose scopes cover it. `/metadata` and the SMART configuration stay open.
   */
  auth?: boolean;
  /** Backend clients allowed to ask for tokens (more can be added with `registerClient`). */
  clients?: readonly SandboxClient[];
  /** Access token lifetime; default 300 s, as Epic. */
  accessTokenTtlSeconds?: number;
  /** Probability (0–1) that a FHIR request fails with an injected fault (kinds chosen uniformly). */
  failRate?: number;
  /** The same for the token endpoint (500, 429 or reset); default 0. */
  tokenFailRate?: number;
  /** How long a `timeout-after-apply` fault holds the response before dropping it; default 30 s. */
  faultHoldMs?: number;
  /** Seed for fault dice, for reproducible chaos runs; default unseeded. */
  faultSeed?: number;
}

export type { SandboxFaults, InjectedFaultKind } from './sandbox-faults.ts';
export type { SandboxClient } from './sandbox-auth.ts';

export interface SandboxEhrStats {
  requests: number;
  /** Injected faults by kind (FHIR and token endpoint together). */
  faults: Record<InjectedFaultKind, number>;
  tokensIssued: number;
  tokenRequestsRefused: number;
  /** FHIR requests answered 401 (no, expired or unknown token) or 403 (scope). */
  unauthorized: number;
  forbidden: number;
}

export interface SandboxEhr {
  /** FHIR base URL, e.g. `http://127.0.0.1:41234/fhir/R4`. */
  baseUrl: string;
  /** SMART token endpoint, e.g. `http://127.0.0.1:41234/oauth2/token`. */
  tokenUrl: string;
  close(): Promise<void>;
  stats(): SandboxEhrStats;
  setFaults(faults: Partial<SandboxFaults>): void;
  /** Register a backend client (public JWKS or JWKS URL) at runtime. */
  registerClient(client: SandboxClient): void;
  /** In-process only, for tests and benchmarks: a bearer token without the assertion round trip. */
  issueTestToken(scope?: string): string;
  /** Invalidate every issued access token (clients must come back to the token endpoint). */
  revokeAccessTokens(): void;
}

/** The sandbox's token endpoint for a FHIR base URL (same origin, `/oauth2/token`). */
export function sandboxTokenUrl(baseUrl: string): string {
  return `${new URL(baseUrl).origin}${TOKEN_PATH}`;
}

const FHIR_PREFIX = '/fhir/R4';
const TOKEN_PATH = '/oauth2/token';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** Matches Epic's practical limit closely enough, and keeps a hostile body from costing memory. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * What the sandbox serves: the clinic's types plus what Callchart writes back (Task, Communication,
 * DocumentReference, Flag, Provenance) and the schedule a booking link books from (Schedule, Slot). Other types get 404, as a real EHR's unsupported types do.
 */
export const SANDBOX_RESOURCE_TYPES = [
  'Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'RelatedPerson', 'CareTeam',
  'Condition', 'MedicationRequest', 'AllergyIntolerance', 'Encounter', 'Appointment', 'ServiceRequest',
  'Observation', 'Task', 'Communication', 'CommunicationRequest', 'DocumentReference', 'Flag', 'Provenance', 'Consent',
  // Scheduling (SC-1): the physicians' diaries, searched for free slots by self-scheduling links.
  'Schedule', 'Slot',
] as const;
const servedTypes: ReadonlySet<string> = new Set(SANDBOX_RESOURCE_TYPES);

function outcome(code: OperationOutcomeIssue['code'], text: string, expression?: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, details: { text }, ...(expression ? { expression: [expression] } : {}) }],
  };
}

/**
 * Start the sandbox EHR: index the R4 definitions, generate and load the synthetic clinic, listen.
 *
 * @returns the FHIR base URL and token URL, a `close()` that stops listening, counters, and test dials
 */
export async function startSandboxEhr(options: SandboxEhrOptions = {}): Promise<SandboxEhr> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger;
  const authRequired = options.auth ?? true;
  const faultHoldMs = options.faultHoldMs ?? 30_000;
  const { requiredCodes } = loadFhirR4Definitions();

  const repo = new ValidatingRepository({ requiredCodes, resourceTypes: servedTypes });
  const clinic = generateSyntheticClinic({ patientCount: options.patientCount, seed: options.seed });
  await repo.seed(options.outreachAsOf ? shiftOutreachEvents(clinic, Date.parse(options.outreachAsOf)) : clinic.resources);
  const diary = generateSchedules(clinic, { from: options.scheduleFrom ?? new Date().toISOString().slice(0, 10) });
  await repo.seed([...diary.schedules, ...diary.slots]);
  const router = new FhirRouter();
  const authServer = new SandboxAuthorizationServer({ accessTokenTtlSeconds: options.accessTokenTtlSeconds, clients: options.clients });
  const injector = createFaultInjector(options.faultSeed);

  let requests = 0;
  let unauthorized = 0;
  let forbidden = 0;
  const faults: SandboxFaults = { latencyMs: options.latencyMs ?? 0, mode: 'none', failRate: options.failRate ?? 0, tokenFailRate: options.tokenFailRate ?? 0, resourceTypes: [] };
  // The base URL is known only after listen (port 0); handlers read it lazily for fullUrl/Location.
  let baseUrl = '';
  let tokenUrl = '';
  let capabilityStatement: CapabilityStatement | null = null;

  // Held responses (hang, timeout-after-apply) end at close, so close never waits out a fault.
  const held = new Set<() => void>();
  const hold = (ms: number) =>
    new Promise<void>((resolve) => {
      const release = () => {
        clearTimeout(timer);
        held.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      held.add(release);
    });

  // Writes run one at a time: conditional creates and transactions are then isolated (check and
  // write cannot interleave with another request), which a rollback journal alone would not give.
  let writeQueue: Promise<unknown> = Promise.resolve();
  const serialWrite = <T>(work: () => Promise<T>): Promise<T> => {
    const run = writeQueue.then(work, work);
    writeQueue = run.catch(() => undefined);
    return run;
  };

  // close() ends every connection, not only the idle ones: a connection the server still counts as
  // busy after an injected fault otherwise kept close() waiting out the 72 s keep-alive timeout.
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES, forceCloseConnections: true });

  // Parse JSON ourselves so a malformed body is a FHIR 400 OperationOutcome, not Fastify's shape.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/fhir+json', 'application/json', 'application/json-patch+json'],
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        // An empty body (DELETE or GET sent with a content type) is no body, not malformed JSON.
        done(null, body === '' ? undefined : JSON.parse(body as string));
      } catch {
        done(Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400, code: 'SANDBOX_MALFORMED_JSON' }), undefined);
      }
    },
  );
  // The token endpoint is form-encoded (RFC 6749).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onRequest', async () => {
    requests++;
  });
  app.addHook('onResponse', async (request, reply) => {
    // Only method, route shape and status: URLs carry phone numbers and names in search queries.
    logger?.info({ method: request.method, route: routeLabel(request.url), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'sandbox-ehr request');
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const body = status === 413
      ? outcome('too-costly', `Request body exceeds ${BODY_LIMIT_BYTES} bytes`)
      : status === 415
        ? outcome('not-supported', 'Content-Type must be application/fhir+json or application/json')
        : status === 400
          ? outcome('invalid', error.code === 'SANDBOX_MALFORMED_JSON' ? 'Request body is not valid JSON' : 'Bad request')
          : status < 500
            ? outcome('processing', 'Request rejected')
            : outcome('exception', 'Internal server error');
    if (status >= 500) logger?.error({ errCode: error.code, errName: error.name }, 'sandbox-ehr internal error');
    return sendFhir(reply, status, body);
  });

  app.put('/_sandbox/faults', (request, reply) => {
    const body = (request.body ?? {}) as Partial<SandboxFaults>;
    const problem = faultsProblem(body);
    if (problem) return sendFhir(reply, 400, outcome('invalid', problem));
    const { latencyMs, mode, failRate, tokenFailRate, resourceTypes } = body;
    Object.assign(faults, Object.fromEntries(Object.entries({ latencyMs, mode, failRate, tokenFailRate, resourceTypes }).filter(([, value]) => value !== undefined)));
    return reply.code(200).send(faults);
  });

  app.setNotFoundHandler((_request, reply) => sendFhir(reply, 404, outcome('not-found', 'No such endpoint; the FHIR base is /fhir/R4')));

  app.get(`${FHIR_PREFIX}/metadata`, (_request, reply) => sendFhir(reply, 200, capabilityStatement!));
  app.get(`${FHIR_PREFIX}/.well-known/smart-configuration`, (_request, reply) => reply.code(200).send(smartConfiguration(tokenUrl)));

  app.post(TOKEN_PATH, async (request, reply) => {
    const fault = injector.pick(faults.tokenFailRate, TOKEN_FAULT_KINDS);
    if (fault === 'reset-before-apply') return dropConnection(request, reply);
    if (fault === 'http-500') return reply.code(500).send({ error: 'server_error', error_description: 'Injected fault' });
    if (fault === 'http-429') return reply.code(429).header('retry-after', '1').send({ error: 'temporarily_unavailable', error_description: 'Injected fault' });
    const form = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    const hostUrl = `${request.protocol}://${request.headers.host ?? ''}${TOKEN_PATH}`;
    const result = await authServer.token(form, [tokenUrl, hostUrl]);
    if (result.status !== 200) logger?.info({ oauthError: result.body.error }, 'sandbox-ehr token refused');
    return reply.code(result.status).header('cache-control', 'no-store').header('pragma', 'no-cache').send(result.body);
  });

  interface FhirResult {
    status: number;
    body: Resource;
    headers?: Record<string, string>;
  }

  /** Scope check for each entry of a batch/transaction: one uncovered entry refuses the whole Bundle. */
  const bundleAccessProblem = (bundle: Bundle, grant: AccessGrant): string | null => {
    for (const [index, entry] of (bundle.entry ?? []).entries()) {
      const method = entry.request?.method ?? 'GET';
      const access = requiredAccess(method, `/${(entry.request?.url ?? '').replace(/^\//, '')}`);
      if (access.kind === 'bundle') return `Bundle.entry[${index}]: nested bundles are not supported`;
      if (!scopesAllow(grant.scopes, access.resourceType, access.permission)) return `Bundle.entry[${index}]: scope does not allow ${access.permission} on ${access.resourceType}`;
    }
    return null;
  };

  const handleFhir = async (request: FastifyRequest, grant: AccessGrant | null): Promise<FhirResult> => {
    const rawUrl = request.raw.url ?? '';
    const relative = rawUrl.slice(FHIR_PREFIX.length) || '/';
    const pathOnly = relative.split('?', 1)[0]!;
    const segments = pathOnly.split('/').filter(Boolean);
    const firstSegment = segments[0] ?? '';
    const segmentCount = segments.length;

    if (firstSegment && !firstSegment.startsWith('$') && !servedTypes.has(firstSegment)) {
      const known = isResourceType(firstSegment);
      return { status: 404, body: outcome('not-found', known ? `Resource type ${firstSegment} is not served by this sandbox` : `Unknown resource type ${firstSegment}`) };
    }

    const method = request.method as HttpMethod;
    let body = request.body as unknown;
    if ((method === 'POST' || method === 'PUT') && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      return { status: 400, body: outcome('invalid', 'Request body must be a FHIR resource (JSON object)') };
    }
    if (grant && segmentCount === 0 && method === 'POST') {
      const problem = bundleAccessProblem(body as Bundle, grant);
      if (problem) return forbiddenResult(problem);
    }
    if (method === 'GET' && firstSegment && relative.includes('?') && segmentCount === 1) {
      rejectUnknownSearchParameters(parseSearchRequest(relative.replace(/^\//, '')));
    }
    if ((method === 'DELETE' || method === 'PUT' || method === 'PATCH') && segmentCount === 1 && !relative.includes('?')) {
      // A conditional write with no criteria would hit whatever single resource of the type exists.
      return { status: 400, body: outcome('invalid', `${method} on a resource type needs search criteria or an id`) };
    }
    const isCreate = method === 'POST' && segmentCount === 1;
    if (isCreate) body = stripServerAssignedFields(body as Resource);

    const fhirRequest: FhirRequest = {
      method,
      url: relative,
      pathname: '',
      body,
      params: {},
      query: {},
      headers: request.headers,
      // Without this medplum treats a transaction Bundle as a batch (entry by entry, no rollback).
      config: { transactions: true },
    };
    const run = () => router.handleRequest(fhirRequest, repo);
    const [result, resource] = method === 'GET' || method === 'HEAD' ? await run() : await serialWrite(run);
    const status = getStatus(result);
    if (!resource) return { status, body: result };

    if (resource.resourceType === 'Bundle' && (resource as Bundle).type === 'searchset') {
      const search = parseSearchRequest(relative.replace(/^\//, ''));
      const bundle = await decorateSearchBundle(resource as Bundle, search, relative, grant);
      return { status, body: bundle };
    }
    const headers: Record<string, string> = {};
    if (resource.id && resource.meta?.versionId) {
      headers.ETag = `W/"${resource.meta.versionId}"`;
      if (status === 201) headers.Location = `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
    }
    return { status, body: resource, headers };
  };

  /** Search results as a real server returns them: fullUrl, search.mode, a self link, and `_include`s. */
  const decorateSearchBundle = async (bundle: Bundle, search: SearchRequest, relative: string, grant: AccessGrant | null): Promise<Bundle> => {
    const matches: BundleEntry[] = (bundle.entry ?? []).map((entry) => ({
      fullUrl: `${baseUrl}/${entry.resource!.resourceType}/${entry.resource!.id}`,
      resource: entry.resource,
      search: { mode: 'match' },
    }));
    // An included resource is a read: only the types the token may read come back.
    const included = (await resolveIncludes(matches, search)).filter((entry) => !grant || scopesAllow(grant.scopes, entry.resource!.resourceType, 'r'));
    const entry = [...matches, ...included];
    const total = bundle.total ?? matches.length;
    // Paging as real servers do it: a `next` link while matches remain (clients follow it, never build offsets).
    const offset = search.offset ?? 0;
    const pageEnd = offset + matches.length;
    let next: string | null = null;
    if (search.count !== undefined && matches.length > 0 && pageEnd < total) {
      const url = new URL(`${baseUrl}${relative}`);
      url.searchParams.set('_offset', String(pageEnd));
      next = url.toString();
    }
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total,
      link: [{ relation: 'self', url: `${baseUrl}${relative}` }, ...(next ? [{ relation: 'next', url: next }] : [])],
      ...(entry.length > 0 ? { entry } : {}),
    };
  };

  /**
   * `_include` is parsed by medplum but MemoryRepository ignores it; resolve it here by evaluating
   * the search parameter's FHIRPath on each match and reading the referenced resources.
   */
  const resolveIncludes = async (matches: BundleEntry[], search: SearchRequest): Promise<BundleEntry[]> => {
    if (!search.include?.length) return [];
    const seen = new Set(matches.map((entry) => getReferenceString(entry.resource!)));
    const included: BundleEntry[] = [];
    for (const target of search.include) {
      const parameter = getSearchParameter(target.resourceType, target.searchParam);
      if (parameter?.type !== 'reference' || !parameter.expression) {
        throw new OperationOutcomeError(badRequest(`Unsupported _include ${target.resourceType}:${target.searchParam}`, '_include'));
      }
      for (const match of matches) {
        if (match.resource?.resourceType !== target.resourceType) continue;
        for (const value of evalFhirPath(parameter.expression, match.resource)) {
          const reference = (value as Reference).reference;
          if (typeof reference !== 'string' || seen.has(reference)) continue;
          if (target.targetType && !reference.startsWith(`${target.targetType}/`)) continue;
          seen.add(reference);
          try {
            const resource = await repo.readReference({ reference });
            included.push({ fullUrl: `${baseUrl}/${reference}`, resource, search: { mode: 'include' } });
          } catch {
            // A dangling reference is not an error for the search; real servers skip it too.
          }
        }
      }
    }
    return included;
  };

  /** 401 with WWW-Authenticate, 403 for scope, or the grant to carry on with (null when auth is off). */
  const authorize = (request: FastifyRequest, reply: FastifyReply): { grant: AccessGrant | null } | { refused: FastifyReply } => {
    if (!authRequired) return { grant: null };
    const check = authServer.authenticate(request.headers.authorization);
    if (!check.ok) {
      unauthorized++;
      return { refused: sendFhir(reply.header('www-authenticate', check.wwwAuthenticate), 401, outcome('login', `Unauthorized: ${check.reason}`)) };
    }
    const relative = (request.raw.url ?? '').slice(FHIR_PREFIX.length) || '/';
    const access = requiredAccess(request.method, relative);
    if (access.kind === 'resource' && !scopesAllow(check.grant.scopes, access.resourceType, access.permission)) {
      forbidden++;
      const needed = `system/${access.resourceType}.${access.permission}`;
      return { refused: sendFhir(reply.header('www-authenticate', `Bearer realm="${sandboxRealm}", error="insufficient_scope", scope="${needed}"`), 403, outcome('forbidden', `Forbidden: the token's scopes do not include ${needed}`)) };
    }
    return { grant: check.grant };
  };

  const fhirRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const authorization = authorize(request, reply);
    if ('refused' in authorization) return authorization.refused;
    const [resourceType = ''] = (request.raw.url ?? '').slice(FHIR_PREFIX.length).split('?', 1)[0]!.split('/').filter(Boolean);
    const targeted = faultsTarget(faults, resourceType);
    if (targeted && faults.mode === 'hang') await hold(30_000);
    const fault = targeted ? injector.pick(faults.failRate, INJECTED_FAULT_KINDS, faults.mode) : null;
    if (fault === 'http-500') return sendFhir(reply, 500, outcome('exception', 'Injected fault: internal server error'));
    if (fault === 'http-429') return sendFhir(reply.header('retry-after', '1'), 429, outcome('throttled', 'Injected fault: too many requests'));
    if (fault === 'reset-before-apply') return dropConnection(request, reply);
    if (targeted && faults.mode === 'crowd' && request.method === 'GET' && /^\/fhir\/R4\/Patient\?(.*&)?phone=/.test(request.raw.url ?? '')) {
      const phone = new URL(request.raw.url ?? '', 'http://sandbox').searchParams.get('phone') ?? '';
      const crowd = clinic.patients.slice(0, 150).map((patient) => ({
        fullUrl: `${baseUrl}/Patient/${patient.id}`,
        resource: { ...patient, telecom: [{ system: 'phone' as const, value: phone, use: 'work' as const, rank: 1 }] },
        search: { mode: 'match' as const },
      }));
      return sendFhir(reply, 200, { resourceType: 'Bundle', type: 'searchset', total: crowd.length, entry: crowd });
    }
    let result: FhirResult;
    try {
      result = await handleFhir(request, authorization.grant);
    } catch (error) {
      // FHIR-level failures (bad search parameter, bad _include) become OperationOutcomes; only a
      // genuine bug is a 500, and neither path ever crashes the process.
      const normalized = normalizeOperationOutcome(error);
      const status = getStatus(normalized);
      if (status >= 500) logger?.error({ errName: (error as Error)?.name }, 'sandbox-ehr handler error');
      result = { status, body: status >= 500 ? outcome('exception', 'Internal server error') : normalized };
    }
    if (fault === 'timeout-after-apply') {
      // The write is in the chart; the answer never comes. The client's only safe move is to check.
      reply.hijack();
      await hold(faultHoldMs);
      request.raw.socket?.destroy();
      return reply;
    }
    for (const [name, value] of Object.entries(result.headers ?? {})) void reply.header(name, value);
    return sendFhir(reply, result.status, result.body);
  };
  const methods: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  app.route({ method: methods, url: FHIR_PREFIX, handler: fhirRoute });
  app.route({ method: methods, url: `${FHIR_PREFIX}/*`, handler: fhirRoute });

  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${urlHost}:${address.port}${FHIR_PREFIX}`;
  tokenUrl = `http://${urlHost}:${address.port}${TOKEN_PATH}`;
  capabilityStatement = buildCapabilityStatement(tokenUrl, authRequired);

  return {
    baseUrl,
    tokenUrl,
    close: async () => {
      for (const release of [...held]) release();
      await app.close();
    },
    stats: () => ({ requests, faults: injector.counts(), ...pick(authServer.stats(), 'tokensIssued', 'tokenRequestsRefused'), unauthorized, forbidden }),
    setFaults: (next) => {
      const problem = faultsProblem(next);
      if (problem) throw new Error(problem);
      Object.assign(faults, next);
    },
    registerClient: (client) => authServer.registerClient(client),
    issueTestToken: (scope) => authServer.issueTestToken(scope),
    revokeAccessTokens: () => authServer.revokeAccessTokens(),
  };
}

function pick<T extends object, K extends keyof T>(object: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, object[key]])) as Pick<T, K>;
}

function forbiddenResult(text: string): { status: number; body: Resource } {
  return { status: 403, body: outcome('forbidden', `Forbidden: ${text}`) };
}

/** Close the TCP connection without an answer: the client sees a reset, nothing was applied. */
function dropConnection(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  request.raw.socket?.destroy();
  return reply;
}

/** `/.well-known/smart-configuration` for a backend-services-only server. */
function smartConfiguration(tokenUrl: string): Record<string, unknown> {
  return {
    token_endpoint: tokenUrl,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    grant_types_supported: ['client_credentials'],
    scopes_supported: ['system/*.cruds', 'system/*.read', 'system/*.write'],
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}

/**
 * MemoryRepository silently matches nothing for an unknown parameter, so a typo such as
 * `Patient?phone_number=` would look like "no such caller". Epic rejects it; so does the sandbox.
 */
function rejectUnknownSearchParameters(search: SearchRequest): void {
  for (const filter of search.filters ?? []) {
    if (!getSearchParameter(search.resourceType, filter.code)) {
      throw new OperationOutcomeError({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'not-supported', details: { text: `Unknown search parameter '${filter.code}' for ${search.resourceType}` }, expression: [filter.code] }],
      });
    }
  }
}

function sendFhir(reply: FastifyReply, status: number, body: Resource): FastifyReply {
  return reply.code(status).header('content-type', FHIR_JSON).send(JSON.stringify(body));
}

/** On create the server assigns id and version; a client-sent id must not overwrite another record. */
function stripServerAssignedFields(resource: Resource): Resource {
  const { id: _id, ...rest } = resource;
  if (rest.meta) {
    const { versionId: _versionId, lastUpdated: _lastUpdated, ...meta } = rest.meta;
    return { ...rest, meta } as Resource;
  }
  return rest as Resource;
}

/** `GET Patient?…` → `Patient search`; `PUT Task/abc` → `Task/:id`. Never query values. */
function routeLabel(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const segments = path.slice(FHIR_PREFIX.length).split('/').filter(Boolean);
  const label = segments.map((segment, index) => (index % 2 === 1 && segment !== '_history' && !segment.startsWith('$') ? ':id' : segment)).join('/');
  return `${FHIR_PREFIX}/${label}${query !== undefined ? ' search' : ''}`;
}

/** The sandbox's CapabilityStatement: what it serves, and that it holds synthetic data only. */
function buildCapabilityStatement(tokenUrl: string, authRequired: boolean): CapabilityStatement {
  const interactions = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'create', 'search-type'] as const;
  return {
    resourceType: 'CapabilityStatement',
    meta: { tag: [{ ...SYNTHETIC_TAG }] },
    name: 'CallchartSandboxEhr',
    title: 'Callchart sandbox EHR (synthetic data only)',
    status: 'active',
    experimental: true,
    date: SANDBOX_REFERENCE_DATE,
    publisher: 'Callchart',
    description: 'A FHIR R4 sandbox for Callchart development and tests. Every record is synthetic; no real patient data.',
    kind: 'instance',
    software: { name: 'Callchart sandbox EHR' },
    implementation: { description: 'Callchart sandbox EHR: synthetic test data' },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    rest: [{
      mode: 'server',
      ...(authRequired ? {
        security: {
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: 'SMART Backend Services: client_credentials with a private_key_jwt assertion (RS384 or ES384)',
          extension: [{
            url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
            extension: [{ url: 'token', valueUri: tokenUrl }],
          }],
        },
      } : {}),
      interaction: [{ code: 'batch' }, { code: 'transaction' }],
      resource: SANDBOX_RESOURCE_TYPES.map((type) => {
        const parameters = Object.values(getSearchParameters(type) ?? {});
        return {
          type,
          interaction: interactions.map((code) => ({ code })),
          versioning: 'versioned',
          readHistory: true,
          updateCreate: true,
          conditionalCreate: true,
          conditionalUpdate: true,
          conditionalDelete: 'single',
          searchInclude: parameters.filter((p) => p.type === 'reference').map((p) => `${type}:${p.code}`),
          searchParam: parameters.map((p) => ({ name: p.code!, definition: p.url, type: p.type! })),
        };
      }),
    }],
  };
}

/**
 * The clinic's resources with its discharges and no-shows moved by the same offset, so they
 * happened as long before `asOfMs` as they did before the reference date (the rest is unchanged).
 */
function shiftOutreachEvents(clinic: ReturnType<typeof generateSyntheticClinic>, asOfMs: number): Resource[] {
  if (!Number.isFinite(asOfMs)) throw new Error('outreachAsOf must be an ISO date-time');
  const offset = asOfMs - Date.parse(`${clinic.referenceDate}T00:00:00Z`);
  const shift = (iso: string | undefined) => (iso ? new Date(Date.parse(iso) + offset).toISOString() : iso);
  const moved = new Set<Resource>([...clinic.discharges, ...clinic.noShows]);
  return clinic.resources.map((resource) => {
    if (!moved.has(resource)) return resource;
    if (resource.resourceType === 'Encounter') return { ...resource, ...(resource.period ? { period: { start: shift(resource.period.start), end: shift(resource.period.end) } } : {}) } as Resource;
    if (resource.resourceType === 'Appointment') return { ...resource, start: shift(resource.start), end: shift(resource.end) } as Resource;
    return resource;
  });
}
