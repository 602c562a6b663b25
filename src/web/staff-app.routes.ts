import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { staffAppAssetsDir, staffAppPage, staffAppPaths } from './staff-app.loader.ts';

/** The page for this reply (with `status`: a refusal page, e.g. the SSO callback's 4xx), with its own CSP nonce (route config `helmet.enableCSPNonces`). */
export function sendStaffApp(reply: FastifyReply, problem?: string, status = 200): FastifyReply {
  const nonce = (reply as FastifyReply & { cspNonce?: { style: string } }).cspNonce?.style ?? '';
  const page = staffAppPage(nonce, problem);
  return reply.code(page.status === 503 ? 503 : status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.html);
}

/**
 * The staff app (issue 14): one page for every screen's path, and its hashed assets. The page
 * and its assets hold no data (route-access: public); every request they make needs a session.
 */
export async function staffAppRoutes(app: FastifyInstance): Promise<void> {
  for (const url of staffAppPaths) {
    app.get(url, { schema: { hide: true }, config: { helmet: { enableCSPNonces: true } } }, async (_request, reply) => sendStaffApp(reply));
  }
  // Hashed file names: cached for a year; a new build has new names. A missing build: 404 per file.
  await app.register(fastifyStatic, {
    root: staffAppAssetsDir(),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    immutable: true,
    maxAge: '365d',
    schemaHide: true,
  });
}
