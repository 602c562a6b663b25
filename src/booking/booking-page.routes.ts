import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { isCallchartError } from '../lib/errors.ts';
import { formToken, formTokenMatches, isLinkTokenShape } from './booking-link.ts';
import type { BookingLink } from './booking-link.repository.ts';
import { birthDatePage, bookedPage, bookingPageCsp, confirmPage, gonePage, inProgressPage, slotsPage, type GoneReason } from './booking-page.html.ts';
import type { BookingService } from './booking.service.ts';

export interface BookingPageRoutesDeps {
  booking: BookingService;
  /** Keys the pages' form tokens (derived from the engine's secret; never used raw). */
  formKey: Uint8Array;
  timeZone: string;
  secureCookies: boolean;
  /** Birth-date and booking attempts one source may make per minute. */
  attemptsPerMinute: number;
}

const cookieName = 'callchart_booking';
const tokenParams = z.object({ token: z.string().max(200) });
const verifyForm = z.object({ csrf: z.string().max(200).optional(), birthDate: z.string().max(40).optional() });
const bookForm = z.object({ csrf: z.string().max(200).optional(), slotId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/).optional() });
const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The patient's booking pages (SC-1), outside the staff app and its sign-in: `GET /book/<token>`,
 * `POST /book/<token>/verify` (date of birth), `POST /book/<token>/book` (the chosen slot).
 * Public routes, safe because: the token is 256 random bits and stored hashed; nothing about the
 * patient shows before the date of birth matches the chart; a few wrong dates lock the link; every
 * form carries a token keyed to the link and the page session, and the session cookie is
 * HttpOnly, SameSite=Strict and scoped to the link's path; attempts are rate limited per source.
 */
export async function bookingPageRoutes(parent: FastifyInstance, deps: BookingPageRoutesDeps): Promise<void> {
  const app = parent;
  const { booking } = deps;
  const settings = booking.settings;
  // Forms post url-encoded; parsed here, in this scope only (the API stays JSON).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4_096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', bookingPageCsp).header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow');
    return payload;
  });
  const limited = (max: number) => ({ rateLimit: { max, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => request.ip } });

  const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
  const gone = (reply: FastifyReply, reason: GoneReason) =>
    html(reply, reason === 'not-found' ? 404 : reason === 'session' ? 403 : 410, gonePage({ clinicName: settings.clinicName, clinicNumber: settings.clinicNumber, reason }));
  const pathOf = (token: string) => `/book/${token}`;
  const cookieOf = (request: FastifyRequest): string | undefined => (request.cookies as Record<string, string | undefined> | undefined)?.[cookieName];

  /** The link behind a token, or the page that says why it cannot be used. */
  const resolve = async (token: string, reply: FastifyReply): Promise<{ link: BookingLink; booked: boolean } | null> => {
    if (!isLinkTokenShape(token)) {
      gone(reply, 'not-found');
      return null;
    }
    const found = await booking.pageLink(token);
    if (!found) {
      gone(reply, 'not-found');
      return null;
    }
    if (found.availability === 'usable' || found.availability === 'booked') return { link: found.link, booked: found.availability === 'booked' };
    gone(reply, found.availability);
    return null;
  };

  const dob = (reply: FastifyReply, token: string, link: BookingLink, status = 200, problem: 'wrong' | 'unavailable' | 'invalid' | null = null, triesLeft?: number) =>
    html(reply, status, birthDatePage({ clinicName: settings.clinicName, action: `${pathOf(token)}/verify`, csrf: formToken(deps.formKey, link.id, null), problem, ...(triesLeft !== undefined ? { triesLeft } : {}) }));

  const showBooked = async (reply: FastifyReply, link: BookingLink, status = 200, slotHint?: { start: string | null; practitionerName: string | null }) => {
    const offered = slotHint ? null : link.slotId ? await booking.slot(link.slotId).catch(() => null) : null;
    return html(reply, status, bookedPage({
      clinicName: settings.clinicName, clinicNumber: settings.clinicNumber, timeZone: deps.timeZone,
      start: slotHint?.start ?? offered?.slot.start ?? null, practitionerName: slotHint?.practitionerName ?? offered?.practitionerName ?? null,
    }));
  };

  const showSlots = async (reply: FastifyReply, token: string, link: BookingLink, status = 200, notice: 'slot-taken' | null = null) => {
    const offers = await booking.offers(link);
    return html(reply, status, slotsPage({
      clinicName: settings.clinicName, clinicNumber: settings.clinicNumber, timeZone: deps.timeZone, pickBase: pathOf(token), notice,
      slots: offers.map((offer) => ({ id: offer.slot.id, start: offer.slot.start!, practitionerName: offer.practitionerName })),
    }));
  };

  const ehrTrouble = (reply: FastifyReply, error: unknown) => {
    if (!isCallchartError(error) || !error.code.startsWith('EHR_')) throw error;
    return html(reply, 503, gonePage({ clinicName: settings.clinicName, clinicNumber: settings.clinicNumber, reason: 'not-found' }).replace('This link does not work', 'We cannot show times right now').replace('We could not find this booking link. Please check that the whole link was opened.', 'Our scheduling system did not answer. Please try again in a few minutes.'));
  };

  app.get('/book/:token', { schema: { hide: true, params: tokenParams, querystring: z.object({ slot: z.string().max(100).optional() }) }, config: limited(120) }, async (request, reply) => {
    const { token } = request.params as z.infer<typeof tokenParams>;
    const resolved = await resolve(token, reply);
    if (!resolved) return reply;
    const { link } = resolved;
    await booking.opened(link);
    if (!booking.sessionHolds(link, cookieOf(request))) return dob(reply, token, link);
    try {
      if (resolved.booked) return await showBooked(reply, link);
      const slotId = (request.query as { slot?: string }).slot;
      if (slotId && fhirId.test(slotId)) {
        const offered = await booking.slot(slotId);
        if (!offered || offered.slot.status !== 'free' || Date.parse(offered.slot.start!) < booking.now().getTime()) return await showSlots(reply, token, link, 409, 'slot-taken');
        return html(reply, 200, confirmPage({
          clinicName: settings.clinicName, timeZone: deps.timeZone, action: `${pathOf(token)}/book`, back: pathOf(token),
          csrf: formToken(deps.formKey, link.id, cookieOf(request)!), slot: { id: offered.slot.id, start: offered.slot.start!, practitionerName: offered.practitionerName },
        }));
      }
      return await showSlots(reply, token, link);
    } catch (error) {
      return ehrTrouble(reply, error);
    }
  });

  app.post('/book/:token/verify', { schema: { hide: true, params: tokenParams }, config: limited(deps.attemptsPerMinute) }, async (request, reply) => {
    const { token } = request.params as z.infer<typeof tokenParams>;
    const resolved = await resolve(token, reply);
    if (!resolved) return reply;
    const { link } = resolved;
    const form = verifyForm.safeParse(request.body ?? {});
    if (!form.success || !formTokenMatches(deps.formKey, link.id, null, form.data.csrf)) {
      await recordAuditEvent(booking.db, { actor: 'patient:booking-link', action: 'booking.page.rejected', objectType: 'booking-link', objectId: link.id, outcome: 'rejected', reason: 'FORM_TOKEN_INVALID' });
      return gone(reply, 'session');
    }
    const typed = form.data.birthDate ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(typed)) return dob(reply, token, link, 400, 'invalid');
    const outcome = await booking.verifyBirthDate(link, typed);
    if (outcome.kind === 'locked') return gone(reply, 'locked');
    if (outcome.kind === 'unavailable') return dob(reply, token, link, 503, 'unavailable');
    if (outcome.kind === 'wrong') return dob(reply, token, link, 422, 'wrong', outcome.triesLeft);
    const cookie = [
      `${cookieName}=${outcome.sessionValue}`, `Path=${pathOf(token)}`, 'HttpOnly', 'SameSite=Strict', `Expires=${outcome.sessionExpiresAt.toUTCString()}`,
      ...(deps.secureCookies ? ['Secure'] : []),
    ].join('; ');
    return reply.code(303).header('set-cookie', cookie).header('location', pathOf(token)).send();
  });

  app.post('/book/:token/book', { schema: { hide: true, params: tokenParams }, config: limited(deps.attemptsPerMinute) }, async (request, reply) => {
    const { token } = request.params as z.infer<typeof tokenParams>;
    const resolved = await resolve(token, reply);
    if (!resolved) return reply;
    const { link } = resolved;
    const session = cookieOf(request);
    if (!booking.sessionHolds(link, session)) return gone(reply, 'session');
    const form = bookForm.safeParse(request.body ?? {});
    if (!form.success || !form.data.slotId || !formTokenMatches(deps.formKey, link.id, session!, form.data.csrf)) {
      await recordAuditEvent(booking.db, { actor: 'patient:booking-link', action: 'booking.page.rejected', objectType: 'booking-link', objectId: link.id, outcome: 'rejected', reason: form.success ? 'FORM_TOKEN_INVALID' : 'PAYLOAD_INVALID' });
      return gone(reply, 'session');
    }
    try {
      const outcome = await booking.book(link, form.data.slotId);
      if (outcome.kind === 'slot-taken') return await showSlots(reply, token, link, 409, 'slot-taken');
      if (outcome.kind === 'in-progress') return html(reply, 202, inProgressPage({ clinicName: settings.clinicName, again: pathOf(token) }));
      return await showBooked(reply, link, 200, outcome.slot ? { start: outcome.slot.slot.start ?? null, practitionerName: outcome.slot.practitionerName } : undefined);
    } catch (error) {
      return ehrTrouble(reply, error);
    }
  });
}
