import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { staffSeesQueue } from '../api/route-access.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import type { CallRecord } from '../calls/calls.repository.ts';
import { CallchartError, isCallchartError } from '../lib/errors.ts';
import type { Db } from '../store/db.ts';
import { BookingLinkStatus } from './booking-link.ts';
import { bookingEligibility, type BookingService } from './booking.service.ts';

export interface BookingRoutesDeps {
  db: Db;
  booking: BookingService;
  fallbackQueue: string;
}

const idParams = z.object({ id: z.uuid() });
const linkViewSchema = z.object({
  linkId: z.string(),
  callId: z.string(),
  status: z.enum(Object.values(BookingLinkStatus) as [BookingLinkStatus, ...BookingLinkStatus[]]),
  createdAt: z.string(),
  expiresAt: z.string(),
  openedAt: z.string().nullable(),
  bookedAt: z.string().nullable(),
  appointmentId: z.string().nullable(),
  sentBy: z.string(),
});

/**
 * Staff send a self-scheduling link for a call (SC-1), from the review item or the callback task,
 * and see where it stands. The call's queue decides who may (another queue's call is "not found");
 * the SMS goes to the chart's mobile number, which staff never type and only see masked.
 */
export async function bookingRoutes(parent: FastifyInstance, deps: BookingRoutesDeps): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const callInMyQueues = async (staff: ReturnType<typeof staffOf>, id: string): Promise<CallRecord> => {
    const call = await deps.booking.findCall(id);
    if (!call || !staffSeesQueue(staff, call.queue, deps.fallbackQueue)) throw new CallchartError('NOT_FOUND', 'no such call', { id });
    return call;
  };

  app.post('/api/calls/:id/booking-link', {
    schema: {
      summary: "Text the caller a self-scheduling link (appointment requests from a caller identified to one chart). Goes to the chart's mobile number; sending again replaces the previous link. Audited.",
      params: idParams,
      response: { 201: z.object({ link: linkViewSchema, sentTo: z.string() }) },
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const call = await callInMyQueues(staff, request.params.id);
    try {
      const sent = await deps.booking.sendLink(call, `staff:${staff.sub}`);
      return reply.code(201).send(sent);
    } catch (error) {
      // A refusal is audited with its reason (ids and codes only), as every refused input is.
      if (isCallchartError(error) && error.status < 500 && error.code.startsWith('BOOKING_')) {
        await recordAuditEvent(deps.db, { actor: `staff:${staff.sub}`, action: 'booking.link.refused', objectType: 'call', objectId: call.id, outcome: 'rejected', reason: error.code });
      }
      throw error;
    }
  });

  app.get('/api/calls/:id/booking-link', {
    schema: {
      summary: "The call's self-scheduling link: sent, opened, booked (with the Appointment id), locked, expired. Ids, codes and times only.",
      params: idParams,
      response: { 200: z.object({ link: linkViewSchema.nullable(), appointmentRequest: z.boolean(), patientIdentified: z.boolean() }) },
    },
  }, async (request) => {
    const call = await callInMyQueues(staffOf(request), request.params.id);
    // Whether a link can be offered at all, so the screen offers it only where it applies.
    return { link: await deps.booking.linkForCall(call.id), ...bookingEligibility(call) };
  });
}
