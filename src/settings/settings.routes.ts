import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { settingsSectionIds } from './settings.sections.ts';
import { SettingsInvalidError, type SettingsService } from './settings.service.ts';

const sectionParams = z.object({ section: z.enum(settingsSectionIds) });
/** A settings document as the admin edits it: YAML, as in the file. */
const documentText = z.string().min(1).max(256 * 1024);

/**
 * Settings for admins (issue 14, item 6): `GET` a section (current document as YAML, version,
 * when it applies, history with who and why), `POST …/preview` (every problem with its field path,
 * or the field-by-field changes), `PUT` (saved only with a reason, over the version the admin saw:
 * 409 when someone else saved first). Who may call them: src/api/route-access.ts (admins only).
 */
export async function settingsRoutes(parent: FastifyInstance, deps: { settings: SettingsService }): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { settings } = deps;

  app.get('/api/admin/settings/:section', {
    schema: { summary: 'A settings section: the current document (YAML), its version, when a change applies, and who changed it when and why', params: sectionParams },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return settings.read(request.params.section);
  });

  app.post('/api/admin/settings/:section/preview', {
    schema: {
      summary: 'Check a settings document against its config file schema: every problem with its field path, or what would change field by field',
      params: sectionParams,
      body: z.object({ document: documentText }).strict(),
    },
  }, async (request) => settings.preview(request.params.section, request.body.document));

  app.put('/api/admin/settings/:section', {
    schema: {
      summary: 'Save a settings section with the reason for the change, over the version the admin saw (409 when someone else saved first; 422 with every problem)',
      params: sectionParams,
      body: z.object({ document: documentText, reason: z.string().max(500).default(''), baseVersion: z.string().min(1).max(128) }).strict(),
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    try {
      return await settings.save(request.params.section, { text: request.body.document, reason: request.body.reason, baseVersion: request.body.baseVersion, actor: `staff:${staff.sub}` });
    } catch (error) {
      if (error instanceof SettingsInvalidError) {
        return reply.code(422).send({ error: { code: 'SETTINGS_INVALID', message: 'the settings are not valid', detail: { problems: error.problems } } });
      }
      throw error;
    }
  });
}
