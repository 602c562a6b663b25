import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { staffOf } from '../api/access-control.ts';
import { staffSeesQueue } from '../api/route-access.ts';
import { CallchartError, clientErrorBody, isCallchartError } from '../lib/errors.ts';
import { outreachKinds } from './outreach-settings.ts';
import type { OutreachService } from './outreach.service.ts';
import type { OutreachScheduler } from './outreach-schedule.worker.ts';

export interface OutreachRoutesDeps {
  db: Db;
  outreach: OutreachService;
  scheduler: OutreachScheduler;
  fallbackQueue: string;
}

/**
 * Outreach lists (FU-2, route-access.ts): the lists and their entries for the caller's queues
 * (another queue's entry is "not found"); a CSV upload (text/csv only, size-limited) answered
 * with every bad row; the EHR lists run now. Refusals are 4xx with a reason and an audit entry.
 */
export async function outreachRoutes(parent: FastifyInstance, deps: OutreachRoutesDeps): Promise<void> {
  const { db, outreach } = deps;
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const limits = outreach.settings;

  // Uploads are CSV (text/csv, size-limited: a larger one is a 413 with the reason); the other
  // routes take no body, and an empty JSON one is let through. Anything else is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(csvTypes, { parseAs: 'string', bodyLimit: limits.maxUploadBytes }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 1_024 }, (_request, body, done) => done(null, body));

  app.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    const status = isCallchartError(error) ? error.status : (error as FastifyError).validation ? 400 : ((error as FastifyError).statusCode ?? 500);
    const code = isCallchartError(error) ? error.code : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status < 500 ? 'PAYLOAD_INVALID' : 'INTERNAL';
    const message = isCallchartError(error)
      ? error.message
      : code === 'PAYLOAD_TOO_LARGE'
        ? `the upload is larger than ${limits.maxUploadBytes} bytes: split the list into smaller files`
        : code === 'UNSUPPORTED_MEDIA_TYPE'
          ? 'send the list as text/csv (Content-Type: text/csv)'
          : code === 'PAYLOAD_INVALID' ? 'request does not match the schema' : 'internal error';
    if (status < 500 && code !== 'NOT_FOUND') {
      await recordAuditEvent(db, { actor: actorOf(request), action: 'outreach.request.rejected', objectType: 'route', objectId: request.routeOptions.url ?? null, outcome: 'rejected', reason: code }).catch(() => undefined);
    }
    if (status >= 500) request.log.error({ err: { name: error.name, code } }, 'outreach api failed');
    if (isCallchartError(error)) return reply.code(error.status).send(clientErrorBody(error));
    return reply.code(status >= 500 ? 500 : status).send({ error: { code, message } });
  });

  const entryView = z.object({
    id: z.string(), kind: z.enum(outreachKinds), source: z.enum(['ehr', 'csv']), patientId: z.string(), queue: z.string(), eventAt: z.string(),
    reasonCode: z.string().nullable(), barriers: z.array(z.string()), script: z.array(z.string()), callbackTaskId: z.string().nullable(), createdAt: z.string(),
    task: z.object({ status: z.string(), attempts: z.number(), escalationLevel: z.number(), dueAt: z.string(), overdue: z.boolean() }).nullable(),
  });
  const shown = (entry: z.infer<typeof entryView>) => entryView.parse(entry);

  app.get('/api/outreach', {
    schema: {
      summary: 'The outreach lists and their entries in your queues (barriers, script, callback progress); ids and codes only',
      querystring: z.object({ kind: z.enum(outreachKinds).optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const { kind, limit } = request.query;
    const [lists, entries] = await Promise.all([
      outreach.lists(staff.queues),
      outreach.entries({ queues: staff.queues, limit, ...(kind ? { kind } : {}) }),
    ]);
    return {
      queue: limits.queue,
      lists: lists.map((list) => ({ kind: list.kind, entries: list.entries, lastRun: list.lastRun && { finishedAt: list.lastRun.finishedAt, read: list.lastRun.read, imported: list.lastRun.imported, capped: list.lastRun.capped, errorCode: list.lastRun.errorCode } })),
      entries: entries.map(shown),
    };
  });

  app.get('/api/outreach/entries/:id', {
    schema: { summary: 'One outreach entry (another queue\'s is not found)', params: z.object({ id: z.uuid() }) },
  }, async (request) => {
    const staff = staffOf(request);
    const entry = await outreach.entry(request.params.id);
    if (!entry || !staffSeesQueue(staff, entry.queue, deps.fallbackQueue)) throw new CallchartError('NOT_FOUND', 'no such outreach entry in your queues');
    return { entry: shown(entry) };
  });

  app.post('/api/outreach/imports', {
    schema: {
      summary: 'Upload an outreach list (text/csv: kind, patient_id or mrn, date, reason_code): the good rows are imported, every bad row is reported by number',
      consumes: ['text/csv'],
      body: z.string(),
    },
    preValidation: async (request) => {
      if (!csvTypes.includes((request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase())) {
        throw new CallchartError('UNSUPPORTED_MEDIA_TYPE', 'send the list as text/csv (Content-Type: text/csv)');
      }
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    // The list goes to the outreach queue: a person who does not work it cannot fill it.
    if (!staffSeesQueue(staff, limits.queue, deps.fallbackQueue)) throw new CallchartError('NOT_FOUND', 'the outreach queue is not one of your queues');
    const report = await outreach.importCsv(request.body, `staff:${staff.sub}`);
    return reply.code(report.imported > 0 ? 201 : 200).send({ import: report });
  });

  app.post('/api/outreach/runs', {
    schema: { summary: 'Search the EHR lists now (post-discharge and no-show), within the EHR load budget and the per-run cap' },
  }, async (request) => {
    const staff = staffOf(request);
    return { runs: await deps.scheduler.runNow('manual', `staff:${staff.sub}`) };
  });
}

const csvTypes = ['text/csv', 'application/csv'];

function actorOf(request: FastifyRequest): string {
  try {
    return `staff:${staffOf(request).sub}`;
  } catch {
    return 'staff:unknown';
  }
}
