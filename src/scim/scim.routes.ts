import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCallchartError, type CallchartError, type ErrorCode } from '../lib/errors.ts';
import type { Refusal } from '../api/rejection-audit.ts';
import { scimBasePath, resourceTypes, schemaDefinitions, serviceProviderConfig } from './scim-resources.ts';
import type { ScimProvisioning } from './scim-provisioning.service.ts';
import { etagOf, listResponse, scimContentType, scimErrorBody, scimListQuerySchema } from './scim.schema.ts';

export interface ScimRoutesDeps {
  provisioning: ScimProvisioning;
  /** CALLCHART_SCIM_TOKEN (already checked for strength), or undefined: then every SCIM request is refused. */
  token: () => string | undefined;
  /** Refusals are audited (aggregated per source and minute) as `scim.request.rejected`. */
  refused: (refusal: Refusal) => Promise<void>;
  maxBodyBytes: number;
}

/** The same bytes, compared in constant time (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

/**
 * SCIM 2.0 at /scim/v2 (RFC 7644) for the clinic's identity provider: Users, Groups and the
 * discovery documents. One bearer token (CALLCHART_SCIM_TOKEN) checked before anything is read;
 * without a configured token every request is refused (a check that cannot verify refuses).
 * Answers are `application/scim+json`; errors are SCIM Error bodies with `scimType` and the
 * reason code in `detail`, each refusal audited with its code (never a value or the token).
 */
export async function scimRoutes(app: FastifyInstance, deps: ScimRoutesDeps): Promise<void> {
  const { provisioning } = deps;
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  // IdPs send application/scim+json (Okta, Entra ID) or application/json; both are JSON.
  app.addContentTypeParser(scimContentType, { parseAs: 'string', bodyLimit: deps.maxBodyBytes }, jsonParser);

  const send = (reply: FastifyReply, status: number, body: unknown, version?: number) => {
    if (version !== undefined) reply.header('etag', etagOf(version));
    return reply.code(status).header('cache-control', 'no-store').type(`${scimContentType}; charset=utf-8`).send(JSON.stringify(body));
  };
  const refuse = async (request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, message: string) => {
    await deps.refused({ action: 'scim.request.rejected', actor: 'scim', objectType: 'route', reason: code, route: request.routeOptions.url ?? 'unknown', source: request.ip });
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="callchart-scim"');
    return send(reply, status, scimErrorBody(status, code, message));
  };

  // Before the body is read: a stranger gets 401, never a 400 or 413 about what they sent.
  app.addHook('onRequest', async (request, reply) => {
    const expected = deps.token();
    if (!expected) return refuse(request, reply, 403, 'SCIM_NOT_CONFIGURED', 'SCIM provisioning is off: set CALLCHART_SCIM_TOKEN');
    const header = request.headers.authorization;
    const given = typeof header === 'string' && /^bearer /i.test(header) ? header.slice('bearer '.length).trim() : '';
    if (!given) return refuse(request, reply, 401, 'SCIM_TOKEN_MISSING', 'send the SCIM token as Authorization: Bearer <token>');
    if (!sameSecret(given, expected)) return refuse(request, reply, 401, 'SCIM_TOKEN_INVALID', 'the SCIM token is not valid');
  });

  app.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    // Our faults (the store away: 503 with Retry-After) are answered, not audited as refusals.
    if (isCallchartError(error)) return error.status >= 500 ? send(reply, error.status, scimErrorBody(error.status, error.code, error.message)) : refuse(request, reply, error.status, error.code, error.message);
    const status = (error as FastifyError).statusCode;
    if (status === 413) return refuse(request, reply, 413, 'PAYLOAD_TOO_LARGE', 'the body is larger than this service accepts');
    if (status === 415) return refuse(request, reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/scim+json');
    if (status && status >= 400 && status < 500) return refuse(request, reply, 400, 'SCIM_INVALID_SYNTAX', 'the body could not be read as JSON');
    request.log.error({ err: { name: error.name, code: (error as FastifyError).code } }, 'scim request failed');
    return send(reply, 500, scimErrorBody(500, 'INTERNAL', 'internal error'));
  });

  const listQuery = (request: FastifyRequest) => scimListQuerySchema.parse(request.query ?? {});
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
  const ifMatch = (request: FastifyRequest) => (typeof request.headers['if-match'] === 'string' ? request.headers['if-match'] : undefined);

  app.get(`${scimBasePath}/ServiceProviderConfig`, { schema: { hide: true } }, async (_request, reply) => send(reply, 200, serviceProviderConfig));
  app.get(`${scimBasePath}/ResourceTypes`, { schema: { hide: true } }, async (_request, reply) => send(reply, 200, listResponse(resourceTypes, resourceTypes.length, 1)));
  app.get(`${scimBasePath}/Schemas`, { schema: { hide: true } }, async (_request, reply) => send(reply, 200, listResponse(schemaDefinitions, schemaDefinitions.length, 1)));

  app.get(`${scimBasePath}/Users`, { schema: { hide: true } }, async (request, reply) => send(reply, 200, await provisioning.listUsers(listQuery(request))));
  app.post(`${scimBasePath}/Users`, { schema: { hide: true } }, async (request, reply) => {
    const { resource, version } = await provisioning.createUser(request.body);
    return send(reply.header('location', (resource.meta as { location: string }).location), 201, resource, version);
  });
  app.get(`${scimBasePath}/Users/:id`, { schema: { hide: true } }, async (request, reply) => {
    const { resource, version } = await provisioning.getUser(idOf(request));
    return send(reply, 200, resource, version);
  });
  app.put(`${scimBasePath}/Users/:id`, { schema: { hide: true } }, async (request, reply) => {
    const { resource, version } = await provisioning.replaceUser(idOf(request), request.body, ifMatch(request));
    return send(reply, 200, resource, version);
  });
  app.patch(`${scimBasePath}/Users/:id`, { schema: { hide: true } }, async (request, reply) => {
    const { resource, version } = await provisioning.patchUser(idOf(request), request.body, ifMatch(request));
    return send(reply, 200, resource, version);
  });
  app.delete(`${scimBasePath}/Users/:id`, { schema: { hide: true } }, async (request, reply) => {
    await provisioning.deleteUser(idOf(request), ifMatch(request));
    return reply.code(204).header('cache-control', 'no-store').send();
  });

  app.get(`${scimBasePath}/Groups`, { schema: { hide: true } }, async (request, reply) => send(reply, 200, await provisioning.listGroups(listQuery(request))));
  app.post(`${scimBasePath}/Groups`, { schema: { hide: true } }, async (request, reply) => {
    const { resource, version } = await provisioning.createGroup(request.body);
    return send(reply.header('location', (resource.meta as { location: string }).location), 201, resource, version);
  });
  app.get(`${scimBasePath}/Groups/:id`, { schema: { hide: true } }, async (request, reply) => {
    const { resource, version } = await provisioning.getGroup(idOf(request), listQuery(request).excludedAttributes);
    return send(reply, 200, resource, version);
  });
  app.put(`${scimBasePath}/Groups/:id`, { schema: { hide: true } }, async (request, reply) => {
    const { resource, version } = await provisioning.replaceGroup(idOf(request), request.body, ifMatch(request));
    return send(reply, 200, resource, version);
  });
  app.patch(`${scimBasePath}/Groups/:id`, { schema: { hide: true } }, async (request, reply) => {
    const { resource, version } = await provisioning.patchGroup(idOf(request), request.body, ifMatch(request));
    return send(reply, 200, resource, version);
  });
  app.delete(`${scimBasePath}/Groups/:id`, { schema: { hide: true } }, async (request, reply) => {
    await provisioning.deleteGroup(idOf(request), ifMatch(request));
    return reply.code(204).header('cache-control', 'no-store').send();
  });
}

