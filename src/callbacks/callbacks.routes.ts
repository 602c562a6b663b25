import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { StaffClaims } from '../auth/staff-token.ts';
import { staffOf } from '../api/access-control.ts';
import { staffSeesQueue } from '../api/route-access.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { phiViewedEvent } from '../audit/access-log.ts';
import { CallchartError, clientErrorBody, isCallchartError } from '../lib/errors.ts';
import type { ReviewPatients } from '../review/review-patients.service.ts';
import { demographicsOf } from '../ehr/patient-search.ts';
import {
  assignCallbackTask, closeCallbackTask, closeReasons, findCallbackTask, listCallbackAttempts, listCallbackTasks, recordCallbackAttempt, type CallbackTask,
} from './callback.repository.ts';
import { attemptChannels, attemptOutcomes, callbackStatuses, isOverdue, type CallbackSettings } from './callback-policy.ts';
import { callbackMetrics, type CallbackMetrics } from './callback-metrics.repository.ts';

/**
 * The callback worklist (FU-1): the tasks of the queues a person works, one task with its attempts
 * (and, for staff who call the patient back, the patient's name and birth date from the EHR, read
 * through the patient directory and access-logged, never stored), an attempt in one request,
 * claim, assign, complete, cancel, close as unreachable. Another queue's task is "not found".
 * Who may call each route is declared in src/api/route-access.ts.
 */
export interface CallbackRoutesDeps {
  db: Db;
  fallbackQueue: string;
  settings: CallbackSettings;
  /** Names and birth dates beside a task (cached EHR reads); absent: ids only. */
  reviewPatients?: ReviewPatients;
  /** Called after a change that queued a chart update (the write-back dispatcher's wake). */
  onWriteBackQueued?: () => void;
  now?: () => Date;
}

const idParams = z.object({ id: z.uuid() });
const staffId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._@-]+$/, 'a staff id');

/** What the list and the screen show of a task: ids, codes and times (the keyed caller hash and merge key stay inside). */
function view(task: CallbackTask, now: Date) {
  const { callerKey: _callerKey, mergeKey: _mergeKey, ...shown } = task;
  return {
    ...shown,
    ageMinutes: Math.max(0, Math.floor((now.getTime() - Date.parse(task.firstCallAt)) / 60_000)),
    overdue: isOverdue(task, now),
    minutesOverdue: isOverdue(task, now) ? Math.floor((now.getTime() - Date.parse(task.dueAt)) / 60_000) : 0,
  };
}

/**
 * The analyst's answer (like the dashboard's): a count of 1 to 4 is hidden (null), and a rate or
 * duration built on fewer than 5 tasks or calls is not shown.
 */
function deidentified(metrics: CallbackMetrics): CallbackMetrics & { deidentified: true } {
  const small = (count: number) => count > 0 && count < 5;
  const count = (value: number) => (small(value) ? null : value) as number;
  const duration = (summary: CallbackMetrics['callToFirstAttempt']) => (summary.count < 5 ? { count: count(summary.count), medianMinutes: null, p90Minutes: null } : summary);
  return {
    ...metrics,
    opened: count(metrics.opened), completed: count(metrics.completed), closedUnreachable: count(metrics.closedUnreachable), cancelled: count(metrics.cancelled),
    stillOpen: count(metrics.stillOpen), overdueNow: count(metrics.overdueNow), urgentOverdueNow: count(metrics.urgentOverdueNow), calls: count(metrics.calls),
    afterHoursCalls: count(metrics.afterHoursCalls), afterHoursCallbacks: count(metrics.afterHoursCallbacks),
    completionRate: metrics.opened - metrics.cancelled < 5 ? null : metrics.completionRate,
    attemptsPerCompleted: metrics.completed < 5 ? null : metrics.attemptsPerCompleted,
    afterHoursShare: metrics.calls < 5 ? null : metrics.afterHoursShare,
    callToFirstAttempt: duration(metrics.callToFirstAttempt), callToClosure: duration(metrics.callToClosure),
    deidentified: true,
  };
}

export async function callbackRoutes(parent: FastifyInstance, deps: CallbackRoutesDeps): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  // Refusals are answered with a reason and audited (aggregated per source and minute).
  app.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    const validation = (error as FastifyError).validation;
    const status = isCallchartError(error) ? error.status : validation ? 400 : ((error as FastifyError).statusCode ?? 500);
    if (status >= 400 && status < 500) {
      const code = isCallchartError(error) ? error.code : 'PAYLOAD_INVALID';
      void parent.rejections?.record({
        action: 'staff.api.rejected', actor: request.staff ? `staff:${request.staff.sub}` : 'staff:unknown', objectType: 'callback-task',
        reason: code, route: request.routeOptions.url ?? 'unknown', source: request.ip,
      });
    }
    if (isCallchartError(error)) return reply.code(error.status).send(clientErrorBody(error));
    if (validation) {
      return reply.code(400).send({ error: { code: 'PAYLOAD_INVALID', message: 'request does not match the schema', issues: validation.map((issue) => ({ path: issue.instancePath, message: issue.message ?? 'invalid' })) } });
    }
    if (status < 500) return reply.code(status).send({ error: { code: 'PAYLOAD_INVALID', message: 'request could not be read' } });
    request.log.error({ err: { name: error.name } }, 'callback api failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  const seesQueue = (staff: StaffClaims, queue: string) => staffSeesQueue(staff, queue, deps.fallbackQueue);
  const load = async (staff: StaffClaims, id: string): Promise<CallbackTask> => {
    const task = await findCallbackTask(db, id);
    // Another queue's task is "not found": its existence is not this person's to know.
    if (!task || !seesQueue(staff, task.queue)) throw new CallchartError('NOT_FOUND', 'no such callback task', { id });
    return task;
  };
  const changed = (result: CallbackTask) => {
    deps.onWriteBackQueued?.();
    return { task: view(result, now()) };
  };

  app.get('/api/callbacks', {
    schema: {
      summary: "Callback tasks in the caller's queues: urgent first, then overdue, then by deadline; with age, attempts and escalation level",
      querystring: z.object({
        status: z.string().regex(new RegExp(`^(${callbackStatuses.join('|')})(,(${callbackStatuses.join('|')}))*$`)).optional(),
        overdue: z.enum(['true', 'false']).optional(),
        mine: z.enum(['true', 'false']).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(200),
      }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const at = now();
    const query = request.query;
    const tasks = await listCallbackTasks(db, {
      queues: staff.queues.includes('*') ? '*' : staff.queues,
      ...(query.status ? { status: query.status.split(',') as CallbackTask['status'][] } : {}),
      ...(query.overdue ? { overdue: query.overdue === 'true' } : {}),
      ...(query.mine === 'true' ? { owner: staff.sub } : {}),
      now: at,
      limit: query.limit,
    });
    return { now: at.toISOString(), tasks: tasks.map((task) => view(task, at)) };
  });

  app.get('/api/callbacks/metrics', {
    schema: {
      summary: 'Callback metrics (AN-1) over the caller\'s queues and a period: completion rate, attempts per completed callback, call to first attempt and to closure (median, p90), overdue now, after-hours share',
      querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const at = now();
    const metrics = await callbackMetrics(db, { queues: staff.queues.includes('*') ? '*' : staff.queues, from: new Date(at.getTime() - request.query.days * 86_400_000), to: at, now: at });
    return staff.role === 'analyst' ? deidentified(metrics) : { ...metrics, deidentified: false };
  });

  app.get('/api/callbacks/:id', {
    schema: { summary: 'One callback task: its attempts, context codes, and whom to call back (name and birth date from the EHR, access-logged)', params: idParams },
  }, async (request) => {
    const staff = staffOf(request);
    const task = await load(staff, request.params.id);
    const attempts = await listCallbackAttempts(db, task.id);
    let patient: { id: string; name: string | null; birthDate: string | null; unavailable?: string } | null = null;
    if (task.patientId && deps.reviewPatients) {
      const charts = await deps.reviewPatients.charts([task.patientId]);
      const chart = charts?.get(task.patientId);
      patient = chart
        ? { id: task.patientId, name: demographicsOf(chart).name, birthDate: demographicsOf(chart).birthDate }
        : { id: task.patientId, name: null, birthDate: null, unavailable: charts ? 'PATIENT_NOT_FOUND' : 'EHR_UNAVAILABLE' };
      if (chart) await recordAuditEvent(db, phiViewedEvent({ actor: `staff:${staff.sub}`, purpose: 'callback-opened', objectType: 'callback-task', objectId: task.id, patientId: task.patientId }));
    }
    return { task: view(task, now()), attempts, patient };
  });

  app.post('/api/callbacks/:id/attempts', {
    schema: {
      summary: 'Log one callback attempt (answered, voicemail left, no answer, wrong number, declined); the escalation ladder applies',
      params: idParams,
      body: z.object({
        outcome: z.enum(attemptOutcomes),
        channel: z.enum(attemptChannels).default('phone'),
        /** The outbound call's id, when it was placed through the PBX (one call is one attempt). */
        callId: z.string().min(1).max(128).optional(),
      }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const task = await load(staff, request.params.id);
    const { outcome, channel, callId } = request.body;
    const result = await db.transaction((tx) => recordCallbackAttempt(tx, task.id, { outcome, channel, agent: `staff:${staff.sub}`, at: now(), callId: callId ?? null }, deps.settings));
    return { ...changed(result.task), escalated: result.escalated };
  });

  app.post('/api/callbacks/:id/claim', { schema: { summary: 'Take a callback task: it is yours and in progress', params: idParams } }, async (request) => {
    const staff = staffOf(request);
    const task = await load(staff, request.params.id);
    return changed(await db.transaction((tx) => assignCallbackTask(tx, task.id, { owner: staff.sub, by: `staff:${staff.sub}`, at: now() })));
  });

  app.post('/api/callbacks/:id/assign', {
    schema: { summary: 'Give a callback task to someone (a staff id), or release it (null)', params: idParams, body: z.object({ owner: staffId.nullable() }).strict() },
  }, async (request) => {
    const staff = staffOf(request);
    const task = await load(staff, request.params.id);
    return changed(await db.transaction((tx) => assignCallbackTask(tx, task.id, { owner: request.body.owner, by: `staff:${staff.sub}`, at: now() })));
  });

  const closeBody = z.object({ reason: z.enum(closeReasons).optional() }).strict();
  const close = (status: 'completed' | 'closed-unreachable' | 'cancelled', summary: string) =>
    app.post(`/api/callbacks/:id/${status === 'completed' ? 'complete' : status === 'cancelled' ? 'cancel' : 'close-unreachable'}`, {
      schema: { summary, params: idParams, body: closeBody.optional() },
    }, async (request) => {
      const staff = staffOf(request);
      const task = await load(staff, request.params.id);
      const reason = request.body?.reason ?? (status === 'completed' ? 'reached' : status === 'closed-unreachable' ? 'unreachable' : undefined);
      if (status === 'cancelled' && !reason) throw new CallchartError('PAYLOAD_INVALID', 'a cancelled callback needs a reason code', { id: task.id });
      return changed(await db.transaction((tx) => closeCallbackTask(tx, task.id, { status, by: `staff:${staff.sub}`, at: now(), ...(reason ? { reason } : {}) })));
    });
  close('completed', 'Complete a callback task: the caller was reached and the request handled');
  close('cancelled', 'Cancel a callback task nobody needs (a reason code: duplicate, resolved-elsewhere, not-needed, other)');
  close('closed-unreachable', 'Close a callback task whose caller could not be reached after the ladder');
}
