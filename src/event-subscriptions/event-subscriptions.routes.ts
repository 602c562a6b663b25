import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { installGovernanceErrors } from '../api/governance-errors.ts';
import { secretWeakness } from '../engine/secrets.ts';
import { CallchartError } from '../lib/errors.ts';
import type { ContentCipher } from '../store/content-cipher.ts';
import type { Db } from '../store/db.ts';
import { subscriberUrlProblem, subscriptionInputSchema } from './event-webhook.ts';
import {
  createSubscription, disableSubscription, listSubscriptions, listTroubledDeliveries, redeliver, type EventDelivery,
} from './event-subscription.repository.ts';

export interface EventSubscriptionRoutesDeps {
  db: Db;
  /** Seals subscribers' secrets (the keyring's staff-credential key). */
  cipher: ContentCipher;
  /** Plain http to a loopback address allowed (development and tests only). */
  allowLoopbackHttp: boolean;
  now?: () => Date;
  /** Called after a redelivery is queued, so the worker sends it at once. */
  onRedeliver?: () => void;
}

/** The body of a new subscription: the shared schema, and a secret strong enough to sign with. */
const createBody = subscriptionInputSchema.superRefine((input, context) => {
  if (input.secret === undefined) return;
  const weakness = secretWeakness(input.secret, 'webhook-secret');
  if (weakness) context.addIssue({ code: 'custom', path: ['secret'], message: `secret ${weakness}` });
});

/** A new signing secret: 32 random bytes, in the `whsec_` form the CTI webhook's secrets take. */
function newSigningSecret(): string {
  for (;;) {
    const secret = `whsec_${randomBytes(32).toString('hex')}`;
    if (!secretWeakness(secret, 'webhook-secret')) return secret;
  }
}

/** One delivery as the worklist shows it: ids, codes and the failure code; never the body's destination path or the secret. */
function deliveryView(delivery: EventDelivery) {
  return {
    id: delivery.id, subscriptionId: delivery.subscriptionId, subscriptionName: delivery.subscriptionName, eventId: delivery.eventId, eventType: delivery.eventType,
    queue: delivery.queue, callId: delivery.payload.callId, taskId: delivery.payload.taskId,
    status: delivery.status === 'dead' ? ('dead' as const) : delivery.status === 'pending' && delivery.attempts > 0 ? ('failing' as const) : delivery.status,
    attempts: delivery.attempts, lastError: delivery.lastError, lastAttemptAt: delivery.lastAttemptAt,
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt : null, deadAt: delivery.deadAt, createdAt: delivery.createdAt,
  };
}

/**
 * Event webhook subscriptions (OW-1): admins add, list and disable subscribers (route-access.ts);
 * the secret is shown once, when it is created. Failing and dead deliveries are listed for the
 * worklist; admins redeliver one. Every change is audited, ids and codes only.
 */
export async function eventSubscriptionRoutes(parent: FastifyInstance, deps: EventSubscriptionRoutesDeps): Promise<void> {
  installGovernanceErrors(parent);
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());

  app.get('/api/admin/event-subscriptions', {
    schema: { summary: 'Event webhook subscribers: URL, event types and queues (never the secret)' },
  }, async () => ({ subscriptions: await listSubscriptions(deps.db) }));

  app.post('/api/admin/event-subscriptions', {
    schema: {
      summary: 'Add an event webhook subscriber (https only; the signing secret is generated when absent and shown once, in this answer)',
      body: createBody,
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const problem = subscriberUrlProblem(request.body.url, deps.allowLoopbackHttp);
    if (problem) throw new CallchartError('PAYLOAD_INVALID', problem, { field: 'url' });
    const secret = request.body.secret ?? newSigningSecret();
    const subscription = await deps.db.transaction((tx) => createSubscription(tx, deps.cipher, {
      name: request.body.name, url: request.body.url, eventTypes: request.body.eventTypes, queues: request.body.queues, secret, actor: `staff:${staff.sub}`, now: now(),
    }));
    // The secret leaves once, here: the answer must not be cached anywhere.
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({ subscription, secret });
  });

  app.post('/api/admin/event-subscriptions/:id/disable', {
    schema: { summary: 'Disable a subscriber: it hears nothing more and its waiting deliveries are not sent (audited)', params: z.object({ id: z.uuid() }) },
  }, async (request) => {
    const staff = staffOf(request);
    const subscription = await deps.db.transaction((tx) => disableSubscription(tx, request.params.id, `staff:${staff.sub}`, now()));
    if (!subscription) throw new CallchartError('NOT_FOUND', 'no such subscription', { id: request.params.id });
    return { subscription };
  });

  app.get('/api/event-webhooks/deliveries', {
    schema: {
      summary: 'Event webhook deliveries that are failing (retrying) or dead, newest first: ids, codes and the failure code',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
    },
  }, async (request) => ({ deliveries: (await listTroubledDeliveries(deps.db, { limit: request.query.limit })).map(deliveryView) }));

  app.post('/api/event-webhooks/deliveries/:id/redeliver', {
    schema: { summary: 'Send a failing or dead delivery again now, same event id and body (audited; 409 once delivered)', params: z.object({ id: z.uuid() }) },
  }, async (request) => {
    const staff = staffOf(request);
    const result = await deps.db.transaction((tx) => redeliver(tx, request.params.id, `staff:${staff.sub}`, now()));
    if (result.outcome === 'not-found') throw new CallchartError('NOT_FOUND', 'no such delivery', { id: request.params.id });
    if (result.outcome === 'delivered') throw new CallchartError('EVENT_ALREADY_DELIVERED', 'the event already reached the subscriber', { id: request.params.id });
    deps.onRedeliver?.();
    return { delivery: deliveryView(result.delivery!) };
  });
}
