import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Db } from '../store/db.ts';
import { readDashboardAggregates } from './dashboard.repository.ts';
import { onCallResponseStats } from '../on-call/on-call-notice.repository.ts';
import { dashboardRange, maxRangeDays, shapeDashboard } from './dashboard.shape.ts';

/** The clinic's date now (YYYY-MM-DD) in its time zone. */
export function clinicToday(now: Date, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * The dashboard (issue 14, item 7): aggregates of the calls that started in a range of clinic
 * days. Who sees which calls: every role sees the queues it works (`*`: all), so a supervisor's
 * dashboard is their queues' and an admin's or analyst's with `*` is the clinic's. The analyst
 * gets de-identified aggregates only: counts and durations, small cells hidden (see
 * dashboard.shape.ts); no role gets an id, a name, a number or free text from this route.
 */
export async function dashboardRoutes(parent: FastifyInstance, deps: { db: Db; fallbackQueue: string; timeZone: string; now?: () => Date }): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());
  app.get('/api/dashboard', {
    schema: {
      summary: `Call, review, chart-write and consent aggregates for a range of clinic days (both ends included; at most ${maxRangeDays} days; default the last 7). Counts and durations only; the analyst's answer hides counts of 1 to 4.`,
      querystring: z.object({
        from: z.string().max(10).optional().describe('First clinic day, YYYY-MM-DD'),
        to: z.string().max(10).optional().describe('Last clinic day, YYYY-MM-DD (default today)'),
      }),
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const range = dashboardRange(request.query, clinicToday(now(), deps.timeZone));
    if ('code' in range) throw new CallchartError(range.code, range.message);
    const aggregates = await readDashboardAggregates(deps.db, { from: range.from, to: range.to, timeZone: deps.timeZone, queues: staff.queues, fallbackQueue: deps.fallbackQueue });
    reply.header('cache-control', 'no-store');
    // On-call response time (issue 16, AN-1): notices sent since the range's first day, seconds to the clinician's first action (counts and seconds only).
    const onCall = await onCallResponseStats(deps.db, new Date(`${range.from}T00:00:00Z`));
    return { ...shapeDashboard(aggregates, { range, timeZone: deps.timeZone, queues: staff.queues, deidentified: staff.role === 'analyst' }), onCall };
  });
}
