import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/config.schema.ts';
import type { StaffRole } from '../src/auth/staff-token.ts';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { deriveAuditKey } from '../src/audit/audit-key.ts';
import { verifySignedAuditExport } from '../src/audit/audit-export.ts';
import { verifyCtiSignature } from '../src/pbx/cti-signature.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { MemoryCheckpointSink } from '../src/audit/audit-checkpoint.ts';
import { recordAuditEvent } from '../src/audit/audit.repository.ts';
import { phiViewedEvent } from '../src/audit/access-log.ts';
import { openDb } from '../src/store/db.ts';
import { listAlerts, readAlertCursor } from '../src/alerts/alert.repository.ts';
import { startEngine } from '../src/engine/engine.ts';
import { createLogger } from '../src/lib/logger.ts';
import { backendKinds } from './helpers/backends.ts';
import { seedPgliteDataDir } from './helpers/pglite-template.ts';
import { connectLiveClient, eventually, startHarness, type Harness } from './helpers/engine-harness.ts';
import { reviewCalls } from './helpers/review-calls.ts';
import { sessionCookiePrefix, signUpAndSignIn, type LocalStaff } from './helpers/staff-session.ts';

/**
 * Access logging, alerts and incidents end to end (issue 13, AU-3, AU-4, IR-1), over real sockets
 * with the sandbox EHR and a real webhook receiver: a screen pop to a nurse, a review item opened
 * by a clinician and its raw transcript revealed by a supervisor answer the auditor's two
 * questions; the reveal (and nothing else of that ordinary traffic) raises an alert that reaches
 * the receiver signed, after a failed first try; the alert becomes an incident whose evidence is a
 * signed export that verifies and whose deadline is 60 days from discovery. Synthetic data only.
 */
const webhookSecret = randomBytes(32).toString('hex');

interface Received { body: string; headers: IncomingMessage['headers'] }

let ehr: SandboxEhr;
/** A receiver that fails the first try of every alert (503) and takes the second. */
let receiver: { server: Server; url: string; received: Received[] };
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const id = (JSON.parse(body) as { id: string }).id;
      const firstTry = !received.some((earlier) => (JSON.parse(earlier.body) as { id: string }).id === id);
      received.push({ body, headers: request.headers });
      response.statusCode = firstTry ? 503 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, received };
  process.env.CALLCHART_ALERT_WEBHOOK_SECRET = webhookSecret;
});
afterAll(async () => {
  delete process.env.CALLCHART_ALERT_WEBHOOK_SECRET;
  receiver.server.close();
  await ehr.close();
});

describe.each(backendKinds)('access log, alerts and incidents (%s)', (kind) => {
  let harness: Harness;
  const { placeCall } = reviewCalls(() => harness, () => ehr);

  async function api(method: string, path: string, role: StaffRole, body?: unknown) {
    const response = await fetch(`${harness.engine.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await harness.token(role)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json') ?? false;
    return { status: response.status, text, body: (json ? JSON.parse(text) : {}) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  let patientId: string;
  let reviewId: string;
  let callId: string;
  let startedAt: Date;
  /** The supervisor who reveals raw content and the auditor who takes evidence: people signed in (step-up), not tokens. */
  let supervisor: LocalStaff;
  let auditor: LocalStaff;
  let supervisorActor: string;

  beforeAll(async () => {
    harness = await startHarness(kind, {
      ehr,
      config: {
        alerts: {
          ...defaultConfig.alerts,
          intervalMs: 100,
          webhook: { url: receiver.url, timeoutMs: 2_000, retryBaseMs: 50, maxBackoffMs: 200, maxAttempts: 10 },
        },
      },
    });
    startedAt = new Date();
    // A nurse's display is open when the call rings: the card reaches her.
    const nurseDisplay = await connectLiveClient(harness.engine.url, await harness.token('nurse'));
    try {
      const placed = await placeCall({ id: `acc-${kind}`, queue: 'front-desk', dob: true, text: 'hi this is about a refill of my lisinopril please call me back' });
      patientId = placed.caller.patientId;
      reviewId = placed.item.id;
      callId = placed.item.callId;
      await nurseDisplay.waitFor((message: LiveMessage): message is Extract<LiveMessage, { type: 'screen-pop' }> => message.type === 'screen-pop' && message.screenPop.patient?.id === patientId);
    } finally {
      nurseDisplay.close();
    }
    // A clinician opens the item; a supervisor reveals the raw transcript.
    expect((await api('GET', `/api/review/${reviewId}`, 'clinician')).status).toBe(200);
    supervisor = await signUpAndSignIn(harness.engine, { role: 'supervisor' });
    auditor = await signUpAndSignIn(harness.engine, { role: 'auditor' });
    supervisorActor = `staff:${supervisor.user.id}`;
    const raw = await supervisor.fetch('GET', `/api/review/${reviewId}?redaction=off`);
    expect(raw.status).toBe(200);
    expect(raw.body.transcript.redaction).toBe('off');
  }, 120_000);
  afterAll(async () => harness?.close());

  it("answers who saw this patient's calls: the nurse's card, the clinician's open, the supervisor's reveal", async () => {
    const report = await eventually(async () => {
      const answer = await api('GET', `/api/audit/access?patientId=${patientId}`, 'auditor');
      const records = answer.body.records as { actor: string; purpose: string; objectType: string; objectId: string }[];
      return records.some((record) => record.purpose === 'screen-pop') ? records : null;
    }, 20_000, 'the screen pop in the access log');
    const seen = report.map((record) => `${record.actor} ${record.purpose} ${record.objectType}:${record.objectId}`);
    expect(seen).toEqual([
      `staff:test-nurse screen-pop call:${callId}`,
      `staff:test-clinician review-opened review-item:${reviewId}`,
      `${supervisorActor} raw-content review-item:${reviewId}`,
    ]);
    // Ids, times and purposes only: nothing a person could read a patient's details from.
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/lisinopril|"name"|birth/i);
  });

  it('answers what a person saw today, and nothing outside the period', async () => {
    const day = startedAt.toISOString().slice(0, 10);
    const from = `${day}T00:00:00Z`;
    const to = new Date(Date.parse(from) + 86_400_000).toISOString();
    const supervisorViews = await api('GET', `/api/audit/access?actor=${supervisor.user.id}&from=${from}&to=${encodeURIComponent(to)}`, 'auditor');
    expect(supervisorViews.status).toBe(200);
    expect(supervisorViews.body.records.map((record: { purpose: string; patientId: string }) => `${record.purpose}:${record.patientId}`)).toEqual([`raw-content:${patientId}`]);
    const nurse = await api('GET', `/api/audit/access?actor=test-nurse&from=${from}&to=${encodeURIComponent(to)}`, 'auditor');
    expect(nurse.body.records.map((record: { purpose: string }) => record.purpose)).toEqual(['screen-pop']);
    const before = await api('GET', `/api/audit/access?actor=test-nurse&to=${from}`, 'auditor');
    expect(before.body.records).toEqual([]);
  });

  it('keeps the access log to auditors, and refuses a question without a subject with a reason (audited)', async () => {
    expect((await api('GET', `/api/audit/access?patientId=${patientId}`, 'supervisor')).status).toBe(403);
    expect((await api('GET', `/api/audit/access?patientId=${patientId}`, 'admin')).status).toBe(403);
    const neither = await api('GET', '/api/audit/access', 'auditor');
    expect(neither.status).toBe(400);
    expect(neither.body.error.code).toBe('PAYLOAD_INVALID');
    await eventually(async () => {
      const { rows } = await harness.engine.db.query(`select 1 from audit_event where action = 'staff.api.rejected' and reason = 'PAYLOAD_INVALID' and detail->>'route' = '/api/audit/access'`);
      return rows.length > 0 ? true : null;
    }, 10_000, 'the refusal audited');
  });

  it('raises an alert for the raw reveal and none for the ordinary card and open; the webhook gets it signed after a failed try', async () => {
    const alert = await eventually(async () => {
      const answer = await api('GET', '/api/alerts', 'supervisor');
      return (answer.body.alerts as { id: string; rule: string; actor: string; objectId: string; delivery: { status: string; attempts: number } }[])
        .find((entry) => entry.rule === 'raw-content-viewed' && entry.delivery.status === 'delivered') ?? null;
    }, 20_000, 'the raw-content alert delivered');
    expect(alert).toMatchObject({ actor: supervisorActor, objectId: reviewId, delivery: { attempts: 2 } });
    const staffAlerts = ((await api('GET', '/api/alerts', 'auditor')).body.alerts as { rule: string; actor: string }[]).filter((entry) => entry.actor?.startsWith('staff:'));
    // The ordinary card and open raise nothing; the reveal does, and so does the auditor's sign-in (a privileged role).
    expect(staffAlerts.map((entry) => `${entry.rule} ${entry.actor}`).sort()).toEqual([`privileged-sign-in staff:${auditor.user.id}`, `raw-content-viewed ${supervisorActor}`].sort());

    const tries = receiver.received.filter((request) => JSON.parse(request.body).id === alert.id);
    expect(tries).toHaveLength(2);
    for (const request of tries) {
      const verdict = verifyCtiSignature({ header: request.headers['callchart-signature'] as string, rawBody: request.body, secrets: [webhookSecret], nowSeconds: Math.floor(Date.now() / 1000) });
      expect(verdict.ok).toBe(true);
      expect(request.body).not.toMatch(/lisinopril/i);
    }
    expect(verifyCtiSignature({ header: tries[0]!.headers['callchart-signature'] as string, rawBody: tries[0]!.body, secrets: ['not-the-secret'], nowSeconds: Math.floor(Date.now() / 1000) }).ok).toBe(false);

    // Acknowledged once, by whoever did it; a nurse may not see or touch alerts.
    const acknowledged = await api('POST', `/api/alerts/${alert.id}/acknowledge`, 'supervisor');
    expect(acknowledged.body.alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'staff:test-supervisor' });
    expect((await api('POST', `/api/alerts/${alert.id}/acknowledge`, 'auditor')).body.alert.acknowledgedBy).toBe('staff:test-supervisor');
    expect((await api('GET', '/api/alerts', 'nurse')).status).toBe(403);
  });

  it('opens the alert as an incident: a signed export that verifies as evidence, a 60-day deadline, an assessment with who decided, a status history', async () => {
    const { body: { alerts } } = await api('GET', '/api/alerts?rule=raw-content-viewed', 'auditor');
    const alert = alerts[0] as { id: string; raisedAt: string; eventSeq: number };
    const opened = await api('POST', '/api/incidents', 'auditor', { alertId: alert.id });
    expect(opened.status).toBe(201);
    const incident = opened.body.incident;
    expect(incident.discoveredAt).toBe(alert.raisedAt);
    expect(Date.parse(incident.deadlines.individuals) - Date.parse(alert.raisedAt)).toBe(60 * 86_400_000);
    expect(incident.evidence.firstSeq).toBeLessThanOrEqual(alert.eventSeq);
    expect(incident.evidence.lastSeq).toBeGreaterThanOrEqual(alert.eventSeq);
    expect((await api('POST', '/api/incidents', 'auditor', { alertId: alert.id })).body.error.code).toBe('INCIDENT_EXISTS');
    expect((await api('POST', '/api/incidents', 'supervisor', { alertId: alert.id })).status).toBe(403);

    // The evidence verifies with the audit key, holds the reveal, and a changed line is caught.
    // Taking evidence is an export: a token cannot (no step-up); the signed-in auditor can.
    expect((await api('GET', `/api/incidents/${incident.id}/evidence`, 'auditor')).body.error.code).toBe('STEP_UP_UNAVAILABLE');
    const evidenceResponse = await fetch(`${harness.engine.url}/api/incidents/${incident.id}/evidence`, { headers: { cookie: `${sessionCookiePrefix}${auditor.cookie}` } });
    const evidence = { status: evidenceResponse.status, text: await evidenceResponse.text() };
    expect(evidence.status).toBe(200);
    const key = deriveAuditKey(harness.auditKey);
    expect(verifySignedAuditExport(key, evidence.text)).toMatchObject({ ok: true, count: incident.evidence.count });
    expect(evidence.text).toContain(`"seq":${alert.eventSeq},`);
    expect(verifySignedAuditExport(key, evidence.text.replace(supervisor.user.id, 'test-somebody')).ok).toBe(false);

    // The assessment: closing without a conclusion is refused; a stale version is refused; the conclusion records who.
    expect((await api('PATCH', `/api/incidents/${incident.id}`, 'auditor', { baseVersion: 1, status: 'closed' })).body.error.code).toBe('INCIDENT_STATUS_REFUSED');
    const assessed = await api('PATCH', `/api/incidents/${incident.id}`, 'auditor', {
      baseVersion: 1, status: 'assessing',
      assessment: {
        natureAndExtent: { categories: ['transcript'], individualsAffected: 1, reidentificationLikelihood: 'high' },
        recipient: { kind: 'workforce-member', recipientId: 'staff:test-supervisor', obligatedToProtect: true },
        acquiredOrViewed: 'viewed',
        mitigation: { steps: ['assurance-obtained'], riskMitigated: 'fully' },
      },
    });
    expect(assessed.status).toBe(200);
    // One person affected: HHS in the yearly log, within 60 days after the year ends.
    expect(assessed.body.incident.deadlines.hhs.slice(5, 10)).toMatch(/^0[23]-/);
    expect((await api('PATCH', `/api/incidents/${incident.id}`, 'auditor', { baseVersion: 1, status: 'closed' })).body.error.code).toBe('INCIDENT_VERSION_STALE');
    const closed = await api('PATCH', `/api/incidents/${incident.id}`, 'auditor', { baseVersion: 2, status: 'closed', assessment: { conclusion: 'low-probability-of-compromise' } });
    expect(closed.body.incident.assessment).toMatchObject({ conclusion: 'low-probability-of-compromise', decidedBy: 'staff:test-auditor' });
    const read = await api('GET', `/api/incidents/${incident.id}`, 'auditor');
    expect(read.body.incident.history.map((entry: { status: string }) => entry.status)).toEqual(['open', 'assessing', 'closed']);
    // A free-text field (where PHI could be typed) does not exist.
    expect((await api('PATCH', `/api/incidents/${incident.id}`, 'auditor', { baseVersion: 3, assessment: { notes: 'caller was upset' } })).status).toBe(400);

    // Taking the evidence is an export: in the access log, and alerted.
    const exported = await eventually(async () => {
      const answer = await api('GET', '/api/alerts?rule=export', 'auditor');
      return (answer.body.alerts as { actor: string; objectId: string }[]).find((entry) => entry.objectId === incident.id) ?? null;
    }, 20_000, 'the export alert');
    expect(exported.actor).toBe(`staff:${auditor.user.id}`);
  });
});

describe('an unreachable checkpoint sink', () => {
  /** A sink that refuses writes while `failing` (a full disk, a revoked bucket policy, a network cut). */
  class FlakySink extends MemoryCheckpointSink {
    failing = false;
    override async append(checkpoint: Parameters<MemoryCheckpointSink['append']>[0]): Promise<void> {
      if (this.failing) throw Object.assign(new Error('sink unreachable'), { code: 'ECONNREFUSED' });
      await super.append(checkpoint);
    }
  }

  it('raises checkpoint-sink-unreachable once per outage, and records the recovery', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-sink-'));
    await seedPgliteDataDir(dataDir);
    const sink = new FlakySink();
    const engine = await startEngine({
      config: { ...defaultConfig, alerts: { ...defaultConfig.alerts, intervalMs: 100 } },
      dataDir, fhirBaseUrl: 'http://127.0.0.1:9/fhir/R4', ehrAuth: false, webhookSecret: 'x', staffTokenSecret: randomBytes(32), dataKey: randomBytes(32),
      auditKey: randomBytes(32), auditCheckpoints: sink, auditCheckpointIntervalMs: 100, port: 0, logger: createLogger({ level: 'silent' }),
    });
    try {
      sink.failing = true;
      for (let index = 0; index < 3; index++) {
        await recordAuditEvent(engine.db, { actor: 'system', action: 'test.event', objectType: 'call', objectId: `sink-${index}`, outcome: 'success' });
        await eventually(async () => ((await engine.db.query(`select 1 from audit_event where object_id = $1`, [`sink-${index}`])).rows.length ? true : null), 10_000, 'the event chained');
      }
      const alert = await eventually(async () => (await listAlerts(engine.db, { rule: 'checkpoint-sink-unreachable' }))[0] ?? null, 20_000, 'the sink alert');
      expect(alert).toMatchObject({ severity: 'critical', objectType: 'checkpoint-sink' });
      sink.failing = false;
      await recordAuditEvent(engine.db, { actor: 'system', action: 'test.event', objectType: 'call', objectId: 'sink-back', outcome: 'success' });
      const recovered = await eventually(async () => {
        const { rows } = await engine.db.query<{ seq: string }>(`select seq from audit_event where action = 'audit.checkpoint.recovered'`);
        return rows[0] ? Number(rows[0].seq) : null;
      }, 20_000, 'the recovery recorded');
      await eventually(async () => ((await readAlertCursor(engine.db)) >= recovered ? true : null), 20_000, 'the worker past the recovery');
      // Three failed checkpoints, one outage, one alert.
      expect(await listAlerts(engine.db, { rule: 'checkpoint-sink-unreachable' })).toHaveLength(1);
      const { rows } = await engine.db.query(`select 1 from audit_event where action = 'audit.checkpoint.failed'`);
      expect(rows).toHaveLength(1);
    } finally {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the audit CLI: access, export, verify-export', () => {
  const bin = path.resolve('bin/callchart.js');
  const cli = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env }, timeout: 60_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('answers both questions from the store, and verifies a signed export (and refuses an altered one)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-access-cli-'));
    const auditKey = randomBytes(32);
    try {
      await seedPgliteDataDir(dataDir);
      const engine = await startEngine({
        config: defaultConfig, dataDir, fhirBaseUrl: 'http://127.0.0.1:9/fhir/R4', ehrAuth: false, webhookSecret: 'x', staffTokenSecret: randomBytes(32), dataKey: randomBytes(32),
        auditKey, port: 0, logger: createLogger({ level: 'silent' }),
      });
      for (const [actor, purpose, patientId] of [['staff:cli-a', 'screen-pop', 'cli-p1'], ['staff:cli-b', 'raw-content', 'cli-p1'], ['staff:cli-b', 'review-opened', 'cli-p2']] as const) {
        await recordAuditEvent(engine.db, phiViewedEvent({ actor, purpose, objectType: purpose === 'screen-pop' ? 'call' : 'review-item', objectId: `obj-${patientId}`, patientId }));
      }
      await engine.close();

      const byPatient = cli(['audit', 'access', '--patient', 'cli-p1', '--data-dir', dataDir]);
      expect(byPatient.code).toBe(0);
      expect(byPatient.stdout).toContain('Who saw patient cli-p1: 2 views.');
      expect(byPatient.stdout).toMatch(/staff:cli-a\s+screen-pop/);
      expect(byPatient.stdout).toMatch(/staff:cli-b\s+raw-content/);
      const today = new Date().toISOString().slice(0, 10);
      const byUser = cli(['audit', 'access', '--user', 'cli-b', '--day', today, '--json', '--data-dir', dataDir]);
      expect(byUser.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { purpose: string }).purpose)).toEqual(['raw-content', 'review-opened']);
      expect(cli(['audit', 'access', '--user', 'cli-b', '--day', '2001-01-01', '--data-dir', dataDir]).stdout).toContain('0 views');
      expect(cli(['audit', 'access', '--data-dir', dataDir]).code).toBe(2);

      const keyEnv = { CALLCHART_AUDIT_KEY: auditKey.toString('base64') };
      const exported = cli(['audit', 'export', '--data-dir', dataDir], keyEnv);
      expect(exported.code).toBe(0);
      const file = path.join(dataDir, 'export.jsonl');
      writeFileSync(file, exported.stdout);
      expect(cli(['audit', 'verify-export', file, '--data-dir', dataDir], keyEnv)).toMatchObject({ code: 0, stdout: expect.stringContaining('Export verified') });
      writeFileSync(file, exported.stdout.replace('cli-p2', 'cli-p3'));
      expect(cli(['audit', 'verify-export', file, '--data-dir', dataDir], keyEnv)).toMatchObject({ code: 1, stdout: expect.stringContaining('NOT verified') });
      // The export itself is in the access log (pending until an engine chains it).
      const db = await openDb({ dataDir });
      const { rows } = await db.query<{ actor: string; detail: { purpose: string } }>(`select actor, detail from audit_pending where action = 'phi.viewed'`);
      await db.close();
      expect(rows.map((row) => row.detail.purpose)).toEqual(['export']);
      expect(rows[0]!.actor).toMatch(/^operator:/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the alert webhook secret', () => {
  it('refuses to start with a webhook URL and no secret, or a weak one, naming the variable (never the value)', async () => {
    const saved = process.env.CALLCHART_ALERT_WEBHOOK_SECRET;
    delete process.env.CALLCHART_ALERT_WEBHOOK_SECRET;
    const start = (alertWebhookSecret?: string) => startEngine({
      config: { ...defaultConfig, alerts: { ...defaultConfig.alerts, webhook: { url: 'http://127.0.0.1:9/alerts', timeoutMs: 1_000, retryBaseMs: 100, maxBackoffMs: 1_000, maxAttempts: 3 } } },
      fhirBaseUrl: 'http://127.0.0.1:9/fhir/R4', ehrAuth: false, webhookSecret: 'x', staffTokenSecret: randomBytes(32), dataKey: randomBytes(32), auditKey: randomBytes(32), port: 0,
      logger: createLogger({ level: 'silent' }), ...(alertWebhookSecret !== undefined ? { alertWebhookSecret } : {}),
    });
    try {
      await expect(start()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('CALLCHART_ALERT_WEBHOOK_SECRET') });
      const weak = (await start('changeme-changeme-changeme-changeme').catch((error: unknown) => error)) as Error;
      expect(weak).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('CALLCHART_ALERT_WEBHOOK_SECRET') });
      expect(weak.message).not.toContain('changeme-changeme');
    } finally {
      if (saved !== undefined) process.env.CALLCHART_ALERT_WEBHOOK_SECRET = saved;
    }
  });
});
