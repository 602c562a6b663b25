/**
 * The sandbox EHR: a FHIR R4 REST server over real HTTP, seeded with the synthetic clinic, so
 * Callchart reaches it exactly as it would reach Epic (same URLs, content type, OperationOutcomes).
 *
 * FHIR semantics come from @medplum/fhir-router (FhirRouter + an in-memory repository); this file
 * is the HTTP edge: body limits, JSON parsing, unknown types, the CapabilityStatement, `_include`,
 * and logging that names routes, never patients.
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
import { generateSyntheticClinic, SANDBOX_REFERENCE_DATE, SYNTHETIC_TAG } from './synthetic-clinic.ts';
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
  /** Request log (method, route, status, duration only). Silent when absent. */
  logger?: Logger;
  /** Added to every FHIR response, to behave like a remote EHR (benchmarks use 50 ms). */
  latencyMs?: number;
}

/**
 * Faults a test or benchmark can switch on at `PUT /_sandbox/faults` (the sandbox is a test tool):
 * every FHIR request answers 500 or 429, hangs, or a phone search returns 150 "matches" (the
 * main number of a care home).
 */
export interface SandboxFaults {
  latencyMs: number;
  mode: 'none' | 'http-500' | 'http-429' | 'hang' | 'crowd';
}

export interface SandboxEhr {
  /** FHIR base URL, e.g. `http://127.0.0.1:41234/fhir/R4`. */
  baseUrl: string;
  close(): Promise<void>;
  stats(): { requests: number };
  setFaults(faults: Partial<SandboxFaults>): void;
}

const FHIR_PREFIX = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** Matches Epic's practical limit closely enough, and keeps a hostile body from costing memory. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * What the sandbox serves: the clinic's types plus what Callchart writes back (Task, Communication,
 * DocumentReference, Flag, Provenance). Other types get 404, as a real EHR's unsupported types do.
 */
export const SANDBOX_RESOURCE_TYPES = [
  'Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'RelatedPerson', 'CareTeam',
  'Condition', 'MedicationRequest', 'AllergyIntolerance', 'Encounter', 'Appointment', 'ServiceRequest',
  'Observation', 'Task', 'Communication', 'CommunicationRequest', 'DocumentReference', 'Flag', 'Provenance',
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
 * @returns the FHIR base URL, a `close()` that stops listening, and request counters
 */
export async function startSandboxEhr(options: SandboxEhrOptions = {}): Promise<SandboxEhr> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger;
  const { requiredCodes } = loadFhirR4Definitions();

  const repo = new ValidatingRepository({ requiredCodes, resourceTypes: servedTypes });
  const clinic = generateSyntheticClinic({ patientCount: options.patientCount, seed: options.seed });
  await repo.seed(clinic.resources);
  const router = new FhirRouter();
  const capabilityStatement = buildCapabilityStatement();

  let requests = 0;
  const faults: SandboxFaults = { latencyMs: options.latencyMs ?? 0, mode: 'none' };
  // The base URL is known only after listen (port 0); handlers read it lazily for fullUrl/Location.
  let baseUrl = '';

  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });

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
    if (body.latencyMs !== undefined && (!Number.isInteger(body.latencyMs) || body.latencyMs < 0 || body.latencyMs > 60_000)) {
      return sendFhir(reply, 400, outcome('invalid', 'latencyMs must be an integer from 0 to 60000'));
    }
    if (body.mode !== undefined && !['none', 'http-500', 'http-429', 'hang', 'crowd'].includes(body.mode)) {
      return sendFhir(reply, 400, outcome('invalid', 'mode must be none, http-500, http-429, hang or crowd'));
    }
    Object.assign(faults, body);
    return reply.code(200).send(faults);
  });

  app.setNotFoundHandler((_request, reply) => sendFhir(reply, 404, outcome('not-found', 'No such endpoint; the FHIR base is /fhir/R4')));

  app.get(`${FHIR_PREFIX}/metadata`, (_request, reply) => sendFhir(reply, 200, capabilityStatement));

  const handleFhir = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const rawUrl = request.raw.url ?? '';
    const relative = rawUrl.slice(FHIR_PREFIX.length) || '/';
    const pathOnly = relative.split('?', 1)[0]!;
    const segments = pathOnly.split('/').filter(Boolean);
    const firstSegment = segments[0] ?? '';
    const segmentCount = segments.length;

    if (firstSegment && !firstSegment.startsWith('$') && !servedTypes.has(firstSegment)) {
      const known = isResourceType(firstSegment);
      return sendFhir(reply, 404, outcome('not-found', known ? `Resource type ${firstSegment} is not served by this sandbox` : `Unknown resource type ${firstSegment}`));
    }

    const method = request.method as HttpMethod;
    let body = request.body as unknown;
    if ((method === 'POST' || method === 'PUT') && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      return sendFhir(reply, 400, outcome('invalid', 'Request body must be a FHIR resource (JSON object)'));
    }
    if (method === 'GET' && firstSegment && relative.includes('?') && segmentCount === 1) {
      rejectUnknownSearchParameters(parseSearchRequest(relative.replace(/^\//, '')));
    }
    if ((method === 'DELETE' || method === 'PUT' || method === 'PATCH') && segmentCount === 1 && !relative.includes('?')) {
      // A conditional write with no criteria would hit whatever single resource of the type exists.
      return sendFhir(reply, 400, outcome('invalid', `${method} on a resource type needs search criteria or an id`));
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
    };
    const [result, resource] = await router.handleRequest(fhirRequest, repo);
    const status = getStatus(result);
    if (!resource) return sendFhir(reply, status, result);

    if (resource.resourceType === 'Bundle' && (resource as Bundle).type === 'searchset') {
      const search = parseSearchRequest(relative.replace(/^\//, ''));
      const bundle = await decorateSearchBundle(resource as Bundle, search, relative);
      return sendFhir(reply, status, bundle);
    }
    if (resource.id && resource.meta?.versionId) {
      void reply.header('ETag', `W/"${resource.meta.versionId}"`);
      if (status === 201) void reply.header('Location', `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`);
    }
    return sendFhir(reply, status, resource);
  };

  /** Search results as a real server returns them: fullUrl, search.mode, a self link, and `_include`s. */
  const decorateSearchBundle = async (bundle: Bundle, search: SearchRequest, relative: string): Promise<Bundle> => {
    const matches: BundleEntry[] = (bundle.entry ?? []).map((entry) => ({
      fullUrl: `${baseUrl}/${entry.resource!.resourceType}/${entry.resource!.id}`,
      resource: entry.resource,
      search: { mode: 'match' },
    }));
    const included = await resolveIncludes(matches, search);
    const entry = [...matches, ...included];
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: bundle.total ?? matches.length,
      link: [{ relation: 'self', url: `${baseUrl}${relative}` }],
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

  const fhirRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (faults.mode === 'http-500') return sendFhir(reply, 500, outcome('exception', 'Injected fault: internal server error'));
    if (faults.mode === 'http-429') return sendFhir(reply.header('retry-after', '1'), 429, outcome('throttled', 'Injected fault: too many requests'));
    if (faults.mode === 'hang') await new Promise((resolve) => setTimeout(resolve, 30_000));
    if (faults.mode === 'crowd' && request.method === 'GET' && /^\/fhir\/R4\/Patient\?(.*&)?phone=/.test(request.raw.url ?? '')) {
      const phone = new URL(request.raw.url ?? '', 'http://sandbox').searchParams.get('phone') ?? '';
      const crowd = clinic.patients.slice(0, 150).map((patient) => ({
        fullUrl: `${baseUrl}/Patient/${patient.id}`,
        resource: { ...patient, telecom: [{ system: 'phone' as const, value: phone, use: 'work' as const, rank: 1 }] },
        search: { mode: 'match' as const },
      }));
      return sendFhir(reply, 200, { resourceType: 'Bundle', type: 'searchset', total: crowd.length, entry: crowd });
    }
    try {
      return await handleFhir(request, reply);
    } catch (error) {
      // FHIR-level failures (bad search parameter, bad _include) become OperationOutcomes; only a
      // genuine bug is a 500, and neither path ever crashes the process.
      const result = normalizeOperationOutcome(error);
      const status = getStatus(result);
      if (status >= 500) logger?.error({ errName: (error as Error)?.name }, 'sandbox-ehr handler error');
      return sendFhir(reply, status, status >= 500 ? outcome('exception', 'Internal server error') : result);
    }
  };
  const methods: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  app.route({ method: methods, url: FHIR_PREFIX, handler: fhirRoute });
  app.route({ method: methods, url: `${FHIR_PREFIX}/*`, handler: fhirRoute });

  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${urlHost}:${address.port}${FHIR_PREFIX}`;

  return {
    baseUrl,
    close: async () => {
      await app.close();
    },
    stats: () => ({ requests }),
    setFaults: (next) => {
      Object.assign(faults, next);
    },
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
function buildCapabilityStatement(): CapabilityStatement {
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
