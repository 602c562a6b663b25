import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openDb, type Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createFixedKeyring } from '../../src/keys/keyring.service.ts';
import { saveConsent } from '../../src/calls/calls.repository.ts';
import { QueuePolicyStore } from '../../src/consent/queue-policy.service.ts';
import { loadQueuePolicy } from '../../src/consent/queue-policy.loader.ts';
import { ReviewService } from '../../src/review/review.service.ts';
import { createReviewItem } from '../../src/review/review.repository.ts';
import { resolveRequestWorkflows } from '../../src/nlp/workflows.ts';
import { issueStaffToken } from '../../src/auth/staff-token.ts';
import { generateEhrClient } from '../../src/ehr/smart-auth.ts';
import { startSandboxEhr, sandboxTokenUrl, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { callIdentifierSystem, callNoteIdentifierSystem, noteIdentifierValue } from '../../src/write-back/chart-record.mapper.ts';
import { callTaskIdentifierSystem } from '../../src/ehr/fhir-task.mapper.ts';
import { MllpPeer } from '../../src/hl7/mllp-peer.server.ts';
import { backendKinds, createScratchDatabase } from '../helpers/backends.ts';

/**
 * Chaos (WB-3, WB-4): ≥ 500 approved items while the sandbox EHR fails 30% of requests (500, 429
 * with Retry-After, a timeout after the write was applied, a reset before it) and the MLLP peer
 * drops 30% of connections or answers too late, and the worker process is killed with SIGKILL at
 * random and restarted. Afterwards every item is in the EHR exactly once by business identifier,
 * and filed once by the HL7 peer: none lost, none duplicated. Synthetic patients only.
 * For investigation: CHAOS_ITEMS (default 500), CHAOS_KILLS (default 5), CHAOS_DEBUG=1 (worker logs).
 */
const items = Number(process.env.CHAOS_ITEMS ?? 500);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const clinic = generateSyntheticClinic();
const yes = { patientIdentifiedCorrectly: true, actionAppropriate: true, noUnnecessaryPhi: true, neutralFactualTone: true };

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

async function countByIdentifier(resourceType: string, system: string, values: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const token = ehr.issueTestToken(`system/${resourceType}.rs`);
  // One search per 50 identifiers (FHIR "or" with commas): each value's matches are counted.
  for (let start = 0; start < values.length; start += 50) {
    const slice = values.slice(start, start + 50);
    const query = slice.map((value) => `${system}|${value.replace(/[\\,|$]/g, (c) => `\\${c}`)}`).join(',');
    const response = await fetch(`${ehr.baseUrl}/${resourceType}?identifier=${encodeURIComponent(query)}&_count=1000`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as Bundle<Resource & { identifier?: { system?: string; value?: string }[] }>;
    for (const entry of bundle.entry ?? []) {
      const value = entry.resource?.identifier?.find((identifier) => identifier.system === system)?.value;
      if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }
  return counts;
}

describe.each(backendKinds)('write-back under chaos (%s)', (kind) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-chaos-'));
  const dataKey = randomBytes(32);
  const staffSecret = randomBytes(32);
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | null = null;
  let peer: MllpPeer;
  const providerCallIds: string[] = [];

  afterAll(async () => {
    await peer?.stop();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.kek.json`, { force: true });
  });

  it(`delivers ${items} approved items exactly once to FHIR and HL7 v2 while the EHR fails 30% and the worker is SIGKILLed`, async () => {
    scratch = kind === 'postgres' ? await createScratchDatabase() : null;
    const { credentials, jwks } = await generateEhrClient({ clientId: `chaos-${kind}` });
    ehr.registerClient({ clientId: credentials.clientId, jwks });
    peer = new MllpPeer({ port: 0, faultRates: { drop: 0.15, delay: 0.15 }, delayMs: 600 });
    const mllpPort = await peer.start();

    const started = Date.now();
    // 1. The approved items, through the real review service (outbox rows in the approval's transaction).
    const seedDb: Db = await openDb({ databaseUrl: scratch?.url, dataDir: kind === 'pglite' ? dataDir : undefined });
    await migrate(seedDb);
    const cipher = createFixedKeyring(dataKey);
    const policies = new QueuePolicyStore(seedDb, loadQueuePolicy());
    await policies.loadActive({ policy: policies.current.policy, changedBy: 'test', reason: 'chaos seed' });
    const review = new ReviewService({ db: seedDb, cipher, policies, workflows: resolveRequestWorkflows({}), targets: ['fhir', 'hl7'] });
    const nurse = { sub: 'chaos-nurse', role: 'nurse' as const, queues: ['*'], extensions: [] };
    for (let index = 0; index < items; index++) {
      const callId = randomUUID();
      const providerCallId = `chaos-${kind}-${String(index).padStart(4, '0')}`;
      providerCallIds.push(providerCallId);
      const patient = clinic.patients[index % clinic.patients.length]!;
      const match = { outcome: 'unique', confidence: 'ani-dob-verified', candidates: [{ patientId: patient.id, matchedOn: 'primary-phone' }] };
      await seedDb.transaction(async (tx) => {
        await tx.query(
          `insert into call (id, provider, provider_call_id, status, queue, started_at, ended_at, caller_outcome, caller_confidence, caller_patient_ids, caller_match_json, request_type, request_types)
           values ($1, 'synthetic-pbx', $2, 'ended', 'demo-review', now() - interval '2 minutes', now() - interval '1 minute', 'unique', 'ani-dob-verified', $3, $4, 'prescription_refill', '{prescription_refill}')`,
          [callId, providerCallId, [patient.id], JSON.stringify(match)],
        );
        for (const scope of ['record', 'transcribe', 'ai', 'ehr'] as const) {
          await saveConsent(tx, callId, { scope, status: 'granted', source: 'ivr', capturedAt: new Date().toISOString(), providerEventId: `${providerCallId}-${scope}` });
        }
        await createReviewItem(tx, cipher, {
          callId, status: 'pending', pattern: 'review', reasons: ['pattern-review'], priority: 'routine', requestType: 'prescription_refill', redFlags: [], queue: 'demo-review', policyVersion: policies.current.version,
          firstVersion: { kind: 'ai-draft', author: 'callchart-rules', body: { note: { reasonForCall: 'prescription_refill', details: 'Synthetic refill request.', actionRequested: 'Refill', nextStep: 'Send the refill', owner: 'nurse', followUpDue: null, urgency: 'routine', note: `Synthetic refill request ${index}.` } } },
        });
      });
      const { rows } = await seedDb.query<{ id: string }>('select id from review_item where call_id = $1', [callId]);
      await review.approve(rows[0]!.id, { baseVersion: 1, checklist: yes }, nurse);
    }
    await seedDb.close();

    const seeded = Date.now();
    // 2. The worker: the real engine (`callchart serve`) in its own process, killed and restarted.
    ehr.setFaults({ failRate: 0.3 });
    const configFile = path.join(dataDir, 'chaos.yaml');
    writeFileSync(configFile, stringify({
      // Short timeouts and a short open breaker: the run spends its time on faults, not waiting them out.
      ehr: { fhirBaseUrl: ehr.baseUrl, backgroundTimeoutMs: 500, breakerHalfOpenMs: 300 },
      pipeline: { concurrency: 2 },
      writeBack: { batchSize: 16, leaseSeconds: 5, retryBaseMs: 20, maxBackoffMs: 250, hl7: { host: '127.0.0.1', port: mllpPort, ackTimeoutMs: 300 } },
    }));
    const env = {
      ...process.env,
      ...(scratch ? { DATABASE_URL: scratch.url } : { DATABASE_URL: '' }),
      CALLCHART_DATA_KEY: dataKey.toString('base64'),
      CALLCHART_KEK_FILE: `${dataDir}.kek.json`,
      CALLCHART_STAFF_TOKEN_SECRET: staffSecret.toString('base64'),
      CALLCHART_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64url')}`,
      EHR_CLIENT_ID: credentials.clientId,
      EHR_CLIENT_PRIVATE_JWK: JSON.stringify(credentials.privateKey),
      EHR_TOKEN_URL: sandboxTokenUrl(ehr.baseUrl),
      LOG_LEVEL: process.env.CHAOS_DEBUG ? 'warn' : 'error',
    };
    const token = await issueStaffToken(staffSecret, { sub: 'chaos-supervisor', role: 'supervisor', queues: ['*'], extensions: [] });
    const startWorker = () => new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/callchart.js', 'serve', '-c', configFile, '-d', dataDir, '-p', '0'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (process.env.CHAOS_DEBUG) process.stderr.write(chunk);
        const found = /listening on (http:\/\/\S+)/.exec(out);
        if (found) resolve({ child, url: found[1]! });
      });
      let errors = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        errors = (errors + chunk.toString()).slice(-2_000);
        if (process.env.CHAOS_DEBUG) process.stderr.write(chunk);
      });
      child.once('exit', (code) => reject(new Error(`worker exited before listening (code ${code}): ${errors}`)));
    });
    const summary = async (url: string) => {
      const response = await fetch(`${url}/api/write-back/summary`, { headers: { authorization: `Bearer ${token}` } });
      return ((await response.json()) as { counts: Record<'fhir' | 'hl7', Record<'pending' | 'sending' | 'delivered' | 'failed', number>> }).counts;
    };

    let kills = 0;
    let worker = await startWorker();
    const deadline = Date.now() + 420_000;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 800 + Math.random() * 2_500));
      const counts = await summary(worker.url).catch(() => null);
      const open = counts ? counts.fhir.pending + counts.fhir.sending + counts.hl7.pending + counts.hl7.sending : 1;
      if (open === 0 || Date.now() > deadline) break;
      if (kills < Number(process.env.CHAOS_KILLS ?? 5)) {
        worker.child.kill('SIGKILL');
        await new Promise((resolve) => worker.child.once('exit', resolve));
        kills++;
        worker = await startWorker();
      }
    }
    ehr.setFaults({ failRate: 0 });
    const final = await summary(worker.url);
    worker.child.kill('SIGTERM');
    await new Promise((resolve) => worker.child.once('exit', resolve));

    // 3. Counted at the receivers, by business identifier.
    console.log(`chaos ${kind}: seeded ${items} approvals in ${seeded - started} ms; drained under chaos in ${Date.now() - seeded} ms`);
    console.log(`chaos ${kind}: ${kills} SIGKILLs, outbox ${JSON.stringify(final)}, sandbox faults ${JSON.stringify(ehr.stats().faults)}, HL7 peer ${JSON.stringify(peer.stats)}`);
    expect(kills).toBeGreaterThanOrEqual(Math.min(3, Number(process.env.CHAOS_KILLS ?? 5)));
    expect(final.fhir).toMatchObject({ delivered: items, pending: 0, sending: 0, failed: 0 });
    expect(final.hl7).toMatchObject({ delivered: items, pending: 0, sending: 0, failed: 0 });
    const noteIds = providerCallIds.map((id) => noteIdentifierValue('synthetic-pbx', id, 2));
    const documents = await countByIdentifier('DocumentReference', callNoteIdentifierSystem, noteIds);
    const communications = await countByIdentifier('Communication', callIdentifierSystem, providerCallIds.map((id) => `synthetic-pbx/${id}`));
    const tasks = await countByIdentifier('Task', callTaskIdentifierSystem, providerCallIds.map((id) => `synthetic-pbx/${id}`));
    for (const [name, counts, expected] of [['DocumentReference', documents, noteIds], ['Communication', communications, providerCallIds.map((id) => `synthetic-pbx/${id}`)], ['Task', tasks, providerCallIds.map((id) => `synthetic-pbx/${id}`)]] as const) {
      const missing = expected.filter((value) => !counts.has(value));
      const duplicated = [...counts.entries()].filter(([, count]) => count > 1);
      expect({ name, missing: missing.length, duplicated: duplicated.length }).toEqual({ name, missing: 0, duplicated: 0 });
    }
    // The peer files a document once per TXA-12 and counts resends (the receiver de-duplicates).
    const filed = new Map(peer.documents().map((document) => [document.documentId, document]));
    expect(noteIds.filter((id) => !filed.has(id))).toEqual([]);
    expect(filed.size).toBe(items);
    const resent = [...filed.values()].filter((document) => document.deliveries > 1).length;
    console.log(`chaos ${kind}: HL7 documents filed ${filed.size}, of which resent after an ambiguous attempt ${resent} (same MSH-10 and TXA-12)`);
  }, 600_000);
});
