import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import { eventually } from '../../test/helpers/engine-harness.ts';
import type { Db } from '../store/db.ts';
import { createLogger } from '../lib/logger.ts';
import { MemoryCheckpointSink } from '../audit/audit-checkpoint.ts';
import { deriveAuditKey } from '../audit/audit-key.ts';
import { appendAuditEvent, AuditChainer, readAuditEvents, recordAuditEvent } from '../audit/audit.repository.ts';
import type { AuditEventInput } from '../audit/audit-chain.ts';
import { phiViewedEvent } from '../audit/access-log.ts';
import { queryAccessLog } from '../audit/access-log.repository.ts';
import { verifyCtiSignature } from '../pbx/cti-signature.ts';
import { defaultAlertThresholds, type AlertThresholds } from './alert-rules.ts';
import { AlertWorker, type AlertWebhookOptions } from './alert.worker.ts';
import { findAlert, listAlerts } from './alert.repository.ts';
import { alertSignatureHeader } from './alert-webhook.ts';

/**
 * The alert worker against real storage (both backends): it follows the chained audit log, raises
 * each rule's alert once however often the log is read, stays quiet on ordinary traffic, compares
 * a person's access with their own history, and delivers signed webhooks with retries to a real
 * HTTP receiver. Synthetic ids only.
 */
const thresholds: AlertThresholds = { ...defaultAlertThresholds, baseline: { floor: 5, multiplier: 3, trailingDays: 7 }, reviewEdits: { count: 4, windowMinutes: 10 } };
const webhookSecret = randomBytes(32).toString('hex');

/** A receiver that answers with the statuses given, then 204; keeps every request it got. */
async function startReceiver(statuses: number[]): Promise<{ url: string; received: { body: string; headers: IncomingMessage['headers'] }[]; server: Server }> {
  const received: { body: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ body, headers: request.headers });
      response.statusCode = statuses.shift() ?? 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, received, server };
}

describe.each(backendKinds)('alerts on %s', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let chainer: AuditChainer;
  const key = deriveAuditKey(randomBytes(32));
  const logger = createLogger({ level: 'silent' });
  const worker = (webhook: AlertWebhookOptions | null = null) => new AlertWorker({ db, logger, thresholds, webhook, intervalMs: 60_000, verifyIntervalMs: 0 });

  /** Writes events (optionally dated in the past), chains them, and lets a worker read the log. */
  async function write(events: (AuditEventInput & { at?: Date })[]): Promise<void> {
    await db.transaction(async (tx) => {
      for (const { at, ...event } of events) await appendAuditEvent(tx, event, at ?? new Date());
    });
    await chainer.flush();
  }
  async function raisedBy(events: (AuditEventInput & { at?: Date })[]) {
    await write(events);
    return (await worker().evaluateNewEvents()).map((alert) => alert.rule);
  }

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    chainer = new AuditChainer(db, { key, checkpoints: new MemoryCheckpointSink(), intervalMs: 60_000 });
    chainer.start();
  });
  afterAll(async () => {
    await chainer.stop();
    await dispose();
  });

  it('raises nothing on a quiet day of ordinary traffic', async () => {
    const ordinary: AuditEventInput[] = [];
    for (let index = 0; index < 4; index++) {
      ordinary.push(
        { actor: 'pbx:synthetic', action: 'call.event.accepted', objectType: 'call', objectId: `quiet-${index}`, outcome: 'success' },
        { actor: 'policy:ingest', action: 'policy.decided', objectType: 'call', objectId: `quiet-${index}`, outcome: 'success', consentStatus: 'transcribe:granted' },
        phiViewedEvent({ actor: 'staff:quiet-nurse', purpose: 'screen-pop', objectType: 'call', objectId: `quiet-${index}`, patientId: `quiet-p-${index}` }),
        phiViewedEvent({ actor: 'staff:quiet-nurse', purpose: 'review-opened', objectType: 'review-item', objectId: `quiet-r-${index}`, patientId: `quiet-p-${index}` }),
        { actor: 'staff:quiet-nurse', action: 'review.edited', objectType: 'review-item', objectId: `quiet-r-${index}`, outcome: 'success' },
        { actor: 'staff:quiet-nurse', action: 'staff.signed-in', objectType: 'staff-user', objectId: 'quiet-nurse', outcome: 'success', detail: { method: 'sso', role: 'nurse' } },
      );
    }
    expect(await raisedBy(ordinary)).toEqual([]);
    expect(await listAlerts(db)).toEqual([]);
  });

  it('raises each rule on its trigger, once, however often the log is read again', async () => {
    const raised = await raisedBy([
      { actor: 'pbx:twilio', action: 'transcript.discarded', objectType: 'call', objectId: 'c-1', outcome: 'rejected', reason: 'NO_TRANSCRIBE_CONSENT' },
      phiViewedEvent({ actor: 'operator:it', purpose: 'export', objectType: 'audit-export', objectId: null }),
      phiViewedEvent({ actor: 'staff:clin-1', purpose: 'raw-content', objectType: 'review-item', objectId: 'r-9', patientId: 'p-9' }),
      { actor: 'system:retention', action: 'retention.deleted-outside-policy', objectType: 'transcript', objectId: 'c-2', outcome: 'failure' },
      { actor: 'staff:sup-1', action: 'policy.queue.activated', objectType: 'queue-policy', objectId: 'v2', outcome: 'success' },
      { actor: 'operator:it', action: 'keys.kek.rotated', objectType: 'kek', objectId: 'kek-2', outcome: 'success' },
      { actor: 'staff:admin-1', action: 'staff.signed-in', objectType: 'staff-user', objectId: 'admin-1', outcome: 'success', detail: { method: 'password+totp', role: 'admin' } },
      { actor: 'system', action: 'audit.checkpoint.failed', objectType: 'checkpoint-sink', outcome: 'failure', reason: 'EACCES' },
    ]);
    expect(raised.sort()).toEqual(['checkpoint-sink-unreachable', 'consent-check-failed', 'deleted-outside-policy', 'export', 'key-changed', 'privileged-sign-in', 'policy-changed', 'raw-content-viewed'].sort());
    // Each new alert is itself in the audit log, by id.
    await chainer.flush();
    const events = await readAuditEvents(db, { limit: 10_000 });
    expect(events.filter((event) => event.action === 'alert.raised')).toHaveLength(8);

    // A crash before the cursor moved: the same events read again raise nothing new.
    await db.query(`update alert_cursor set last_seq = 0`);
    expect(await worker().evaluateNewEvents()).toEqual([]);
    expect(await listAlerts(db, { limit: 500 })).toHaveLength(8);
  });

  it("compares a person's distinct patients per hour with their own trailing baseline, with a floor", async () => {
    // Fixed times (the middle of the last clock hour), so the test never straddles an hour boundary.
    const viewedAt = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 1_800_000);
    const yesterday = viewedAt.getTime() - 24 * 3_600_000;
    const history: (AuditEventInput & { at: Date })[] = [];
    // A busy front desk: 4 distinct patients an hour for 3 hours yesterday (a baseline of 4, a limit of 12).
    for (let hour = 0; hour < 3; hour++) {
      for (let patient = 0; patient < 4; patient++) {
        history.push({ ...phiViewedEvent({ actor: 'staff:busy-desk', purpose: 'screen-pop', objectType: 'call', objectId: `h-${hour}-${patient}`, patientId: `hp-${hour}-${patient}` }), at: new Date(yesterday + hour * 3_600_000) });
      }
    }
    expect(await raisedBy(history)).toEqual([]);
    const views = (actor: string, from: number, to: number) =>
      Array.from({ length: to - from }, (_, index) => ({ ...phiViewedEvent({ actor, purpose: 'screen-pop', objectType: 'call', objectId: `now-${actor}-${from + index}`, patientId: `np-${from + index}` }), at: viewedAt }));
    // 11 distinct patients this hour: under 3 × 4, and the busy desk is not flagged …
    expect(await raisedBy(views('staff:busy-desk', 0, 11))).toEqual([]);
    // … the 12th is; more views that hour add nothing.
    expect(await raisedBy(views('staff:busy-desk', 11, 12))).toEqual(['access-above-baseline']);
    expect(await raisedBy(views('staff:busy-desk', 12, 20))).toEqual([]);
    // Someone with no history is held to the floor (5), not to zero; the same patient again does not count twice.
    expect(await raisedBy([...views('staff:new-hire', 0, 4), ...views('staff:new-hire', 0, 4)])).toEqual([]);
    expect(await raisedBy(views('staff:new-hire', 4, 5))).toEqual(['access-above-baseline']);
    const alert = (await listAlerts(db, { rule: 'access-above-baseline' })).find((entry) => entry.actor === 'staff:new-hire');
    expect(alert?.detail).toMatchObject({ distinctPatients: 5, baselinePerHour: 0, limit: 5 });
  });

  it('raises repeated review edits at the Nth edit of one item by one person in the window', async () => {
    const edit = (actor: string, item: string) => ({ actor, action: 'review.edited', objectType: 'review-item', objectId: item, outcome: 'success' as const });
    expect(await raisedBy([edit('staff:n-2', 'r-50'), edit('staff:n-2', 'r-50'), edit('staff:n-3', 'r-50'), edit('staff:n-2', 'r-51'), edit('staff:n-2', 'r-50')])).toEqual([]);
    expect(await raisedBy([edit('staff:n-2', 'r-50')])).toEqual(['repeated-review-edits']);
    expect(await raisedBy([edit('staff:n-2', 'r-50')])).toEqual([]);
  });

  it('raises audit-verification-failed when the periodic verification finds an altered event', async () => {
    const alerts = worker();
    await alerts.evaluateNewEvents();
    await alerts.verifyChain();
    await chainer.flush();
    expect((await alerts.evaluateNewEvents()).map((alert) => alert.rule)).toEqual([]);
    // Someone with table rights edits a row behind the database's own guard.
    const { rows } = await db.query<{ seq: string }>(`select max(seq)::text as seq from audit_event where action = 'test.boundary'`);
    const edited = Number(rows[0]!.seq);
    await db.exec(`alter table audit_event disable trigger user; update audit_event set object_id = 'edited' where seq = ${edited}; alter table audit_event enable trigger user;`);
    await alerts.verifyChain();
    await chainer.flush();
    const raised = await alerts.evaluateNewEvents();
    expect(raised.map((alert) => alert.rule)).toEqual(['audit-verification-failed']);
    expect(raised[0]!.detail).toMatchObject({ firstProblemSeq: edited });
  });

  it('delivers each alert to the webhook signed, retrying with backoff while the receiver fails', async () => {
    const receiver = await startReceiver([500, 503]);
    const webhook: AlertWebhookOptions = { url: receiver.url, secret: webhookSecret, timeoutMs: 2_000, retryBaseMs: 20, maxBackoffMs: 100, maxAttempts: 5 };
    const alerts = worker(webhook);
    try {
      await write([phiViewedEvent({ actor: 'staff:clin-2', purpose: 'raw-content', objectType: 'review-item', objectId: 'r-70', patientId: 'p-70' })]);
      const [raised] = await alerts.evaluateNewEvents();
      expect(raised).toMatchObject({ rule: 'raw-content-viewed', delivery: { status: 'pending' } });
      const delivered = await eventually(async () => {
        await alerts.deliverDue();
        const alert = await findAlert(db, raised!.id);
        return alert?.delivery.status === 'delivered' ? alert : null;
      }, 20_000, 'the alert delivered');
      expect(delivered.delivery.attempts).toBe(3);
      expect(receiver.received).toHaveLength(3);
      for (const request of receiver.received) {
        const verdict = verifyCtiSignature({ header: request.headers[alertSignatureHeader] as string, rawBody: request.body, secrets: [webhookSecret], nowSeconds: Math.floor(Date.now() / 1000) });
        expect(verdict.ok).toBe(true);
        expect(JSON.parse(request.body)).toMatchObject({ type: 'callchart.alert', id: raised!.id, rule: 'raw-content-viewed', objectId: 'r-70' });
      }
      // Delivered once: a later pass sends nothing more.
      await alerts.deliverDue();
      expect(receiver.received).toHaveLength(3);
    } finally {
      receiver.server.close();
    }
  });

  it('gives up after the last attempt, and says so in the audit log', async () => {
    const receiver = await startReceiver(Array(10).fill(500));
    const alerts = worker({ url: receiver.url, secret: webhookSecret, timeoutMs: 2_000, retryBaseMs: 10, maxBackoffMs: 20, maxAttempts: 2 });
    try {
      await write([phiViewedEvent({ actor: 'operator:it', purpose: 'export', objectType: 'audit-export', objectId: 'x-80' })]);
      const [raised] = await alerts.evaluateNewEvents();
      const failed = await eventually(async () => {
        await alerts.deliverDue();
        const alert = await findAlert(db, raised!.id);
        return alert?.delivery.status === 'failed' ? alert : null;
      }, 20_000, 'delivery given up');
      expect(failed.delivery).toMatchObject({ attempts: 2, error: 'HTTP_500' });
      await chainer.flush();
      const events = await readAuditEvents(db, { limit: 10_000 });
      expect(events.some((event) => event.action === 'alert.delivery.failed' && event.objectId === raised!.id)).toBe(true);
    } finally {
      receiver.server.close();
    }
  });

  it("answers the access log by patient and by person, paged, from the chained log", async () => {
    await write([
      phiViewedEvent({ actor: 'staff:acc-a', purpose: 'screen-pop', objectType: 'call', objectId: 'acc-call', patientId: 'acc-p1', otherPatientIds: ['acc-p2'] }),
      phiViewedEvent({ actor: 'staff:acc-b', purpose: 'review-opened', objectType: 'review-item', objectId: 'acc-r', patientId: 'acc-p1' }),
      phiViewedEvent({ actor: 'staff:acc-b', purpose: 'raw-content', objectType: 'review-item', objectId: 'acc-r', patientId: 'acc-p1' }),
      phiViewedEvent({ actor: 'staff:acc-b', purpose: 'patient-search', objectType: 'patient', objectId: 'acc-p3', patientId: 'acc-p3' }),
    ]);
    const first = await queryAccessLog(db, { patientId: 'acc-p1' }, { limit: 2 });
    expect(first.records.map((record) => [record.actor, record.purpose])).toEqual([['staff:acc-a', 'screen-pop'], ['staff:acc-b', 'review-opened']]);
    const second = await queryAccessLog(db, { patientId: 'acc-p1' }, { limit: 2, afterSeq: first.nextAfterSeq! });
    expect(second.records.map((record) => record.purpose)).toEqual(['raw-content']);
    expect(second.nextAfterSeq).toBeNull();
    // A candidate listed on the card was seen too.
    expect((await queryAccessLog(db, { patientId: 'acc-p2' })).records.map((record) => record.actor)).toEqual(['staff:acc-a']);
    const today = new Date(new Date().toISOString().slice(0, 10));
    const byPerson = await queryAccessLog(db, { actor: 'staff:acc-b', from: today, to: new Date(today.getTime() + 86_400_000) });
    expect(byPerson.records.map((record) => `${record.purpose}:${record.objectId}`)).toEqual(['review-opened:acc-r', 'raw-content:acc-r', 'patient-search:acc-p3']);
    expect((await queryAccessLog(db, { actor: 'staff:acc-b', to: today })).records).toEqual([]);
  });

  beforeEach(async () => {
    // Every test reads from where the last one left off: their alerts are theirs alone.
    await recordAuditEvent(db, { actor: 'system', action: 'test.boundary', objectType: 'test', outcome: 'success' });
  });
});
