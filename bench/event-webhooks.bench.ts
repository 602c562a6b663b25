/**
 * The event webhook worker's cost (OW-1), on each backend: how fast it turns a chained audit log of
 * call events into queued deliveries for three subscribers (one hearing every queue, one a single
 * queue, one only missed calls), and how fast it sends them, signed, to a local receiver that
 * answers 204 at once — with each attempt's time until the answer (p50, p99).
 *
 *   npx tsx bench/event-webhooks.bench.ts        # 2,000 calls per backend (3 audit events each)
 *   npx tsx bench/event-webhooks.bench.ts 500
 *
 * Prints a table and writes bench/results/event-webhooks.json. Synthetic ids only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { backendKinds, openTestDb, type BackendKind } from '../test/helpers/backends.ts';
import { AuditChainer, appendAuditEvent } from '../src/audit/audit.repository.ts';
import { MemoryCheckpointSink } from '../src/audit/audit-checkpoint.ts';
import { deriveAuditKey } from '../src/audit/audit-key.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createContentCipher } from '../src/store/content-cipher.ts';
import { createSubscription } from '../src/event-subscriptions/event-subscription.repository.ts';
import { EventWebhookWorker } from '../src/event-subscriptions/event-webhook.worker.ts';

const calls = Number(process.argv[2] ?? 2_000);

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
}

async function run(kind: BackendKind, receiverUrl: string) {
  const { db, dispose } = await openTestDb(kind);
  try {
    const cipher = createContentCipher(randomBytes(32));
    const now = new Date();
    for (const [name, eventTypes, queues] of [
      ['all', ['call.new', 'call.missed', 'call.voicemail'], ['*']], ['front', ['call.new', 'call.missed', 'call.voicemail'], ['front-desk']], ['missed', ['call.missed'], ['*']],
    ] as const) {
      await db.transaction((tx) => createSubscription(tx, cipher, { name, url: `${receiverUrl}/${name}`, eventTypes, queues, secret: `whsec_${randomBytes(32).toString('hex')}`, actor: 'bench', now }));
    }
    const chainer = new AuditChainer(db, { key: deriveAuditKey(randomBytes(32)), checkpoints: new MemoryCheckpointSink(), intervalMs: 60_000 });
    for (let offset = 0; offset < calls; offset += 500) {
      await db.transaction(async (tx) => {
        for (let index = offset; index < Math.min(calls, offset + 500); index++) {
          const callId = randomUUID();
          const queue = index % 2 ? 'front-desk' : 'billing';
          await tx.query(`insert into call (id, provider, provider_call_id, status, queue) values ($1, 'synthetic-pbx', $2, 'missed', $3)`, [callId, `bench-${callId}`, queue]);
          for (const [eventType, callStatus] of [['call.ringing', 'ringing'], ['call.missed', 'missed'], ['voicemail', 'missed']] as const) {
            await appendAuditEvent(tx, { actor: 'pbx:synthetic', action: 'call.event.accepted', objectType: 'call', objectId: callId, outcome: 'success', detail: { eventType, callStatus } });
          }
        }
      });
    }
    await chainer.flush();
    const seconds: number[] = [];
    const worker = new EventWebhookWorker({
      db, cipher, logger: createLogger({ level: 'silent' }), fallbackQueue: 'front-desk', intervalMs: 60_000,
      timeoutMs: 5_000, retryBaseMs: 1_000, maxBackoffMs: 60_000, maxAttempts: 5, onAttempt: (attempt) => seconds.push(attempt.seconds),
    });
    const queueBegan = performance.now();
    const queued = await worker.queueNewEvents();
    const queueMs = performance.now() - queueBegan;
    const sendBegan = performance.now();
    await worker.deliverDue();
    const sendMs = performance.now() - sendBegan;
    const sorted = [...seconds].sort((a, b) => a - b);
    return {
      backend: kind, calls, auditEvents: calls * 3, queued, delivered: seconds.length,
      queuePerSecond: Math.round((calls * 3) / (queueMs / 1000)), deliveriesPerSecond: Math.round(seconds.length / (sendMs / 1000)),
      attemptP50Ms: Number((percentile(sorted, 50) * 1000).toFixed(2)), attemptP99Ms: Number((percentile(sorted, 99) * 1000).toFixed(2)),
    };
  } finally {
    await dispose();
  }
}

const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.statusCode = 204;
    response.end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
const results = [];
for (const kind of backendKinds) {
  const result = await run(kind, receiverUrl);
  results.push(result);
  console.log(`${kind.padEnd(9)} ${result.auditEvents} audit events → ${result.queued} deliveries queued at ${result.queuePerSecond} events/s; sent ${result.delivered} at ${result.deliveriesPerSecond}/s; attempt p50 ${result.attemptP50Ms} ms, p99 ${result.attemptP99Ms} ms`);
}
receiver.close();
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/event-webhooks.json', `${JSON.stringify({ at: new Date().toISOString(), cpus: cpus().length, results }, null, 2)}\n`);
