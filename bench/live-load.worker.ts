/**
 * The load generator of bench/live.bench.ts, on its own thread: a PBX is another machine, so its
 * work (signing, sending, reading answers) must not queue behind the engine's on one event loop.
 * Times are absolute (performance.timeOrigin + now), comparable with the main thread's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { signCtiRequest } from '../src/pbx/cti-signature.ts';

export type LoadJob =
  | { kind: 'ring'; engineUrl: string; secret: string; run: string; numbers: string[] }
  | { kind: 'events'; engineUrl: string; secret: string; run: string; events: number; inFlight: number };

export interface RingResult {
  /** The PBX's call id (the call's id in Callchart is known only once its event committed). */
  providerCallId: string;
  status: number;
  callId: string | null;
  sentAt: number;
  answeredAt: number;
  /** The answer carried a route (202/200, or 503 for an event not yet committed by the deadline). */
  routed: boolean;
  fallback: boolean;
}

export interface EventsResult {
  seconds: number;
  failures: number;
  latencies: number[];
}

const now = () => performance.timeOrigin + performance.now();

async function post(engineUrl: string, path: string, secret: string, body: string): Promise<Response> {
  return fetch(`${engineUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'callchart-signature': signCtiRequest(secret, body, Math.floor(Date.now() / 1000)) },
    body,
  });
}

async function ring(job: Extract<LoadJob, { kind: 'ring' }>): Promise<RingResult[]> {
  // Sign every body first: the burst is the requests, not the signing.
  const bodies = job.numbers.map((ani, index) =>
    JSON.stringify({ id: `${job.run}-${index}`, provider: 'bench', type: 'call.ringing', occurredAt: new Date().toISOString(), call: { id: `${job.run}-${index}`, ani, dnis: '+16175550100', direction: 'inbound' }, data: {} }),
  );
  return Promise.all(
    bodies.map(async (body, index) => {
      const sentAt = now();
      const response = await post(job.engineUrl, '/webhooks/cti?route=sync', job.secret, body);
      const json = (await response.json()) as { callId?: string; routing?: { fallback: boolean } };
      return { providerCallId: `${job.run}-${index}`, status: response.status, callId: json.callId ?? null, sentAt, answeredAt: now(), routed: Boolean(json.routing), fallback: Boolean(json.routing?.fallback) };
    }),
  );
}

async function events(job: Extract<LoadJob, { kind: 'events' }>): Promise<EventsResult> {
  const bodies = Array.from({ length: job.events }, (_, index) =>
    JSON.stringify({ id: `${job.run}-${index}`, provider: 'bench', type: 'call.answered', occurredAt: new Date().toISOString(), call: { id: `${job.run}-${index}`, ani: '+19075550100', direction: 'inbound' }, data: {} }),
  );
  let next = 0;
  let failures = 0;
  const latencies: number[] = [];
  const started = now();
  await Promise.all(
    Array.from({ length: Math.min(job.inFlight, job.events) }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const sent = now();
        const response = await post(job.engineUrl, '/webhooks/cti', job.secret, body);
        await response.arrayBuffer();
        if (response.status !== 202) failures++;
        latencies.push(now() - sent);
      }
    }),
  );
  return { seconds: (now() - started) / 1000, failures, latencies };
}

const job = workerData as LoadJob;
parentPort!.postMessage(job.kind === 'ring' ? await ring(job) : await events(job));
