import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DocumentReference, Patient } from '@medplum/fhirtypes';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCtiRequest, ctiSignatureHeader } from '../../src/pbx/cti-signature.ts';
import { callNoteIdentifierSystem } from '../../src/write-back/chart-record.mapper.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { SANDBOX_MRN_SYSTEM } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { destroyDataKeys } from '../../src/keys/keyring.service.ts';
import { RetentionPurge } from '../../src/retention/retention-purge.service.ts';
import { backendKinds } from '../helpers/backends.ts';
import { consentEvents } from '../helpers/consent-events.ts';
import { connectLiveClient, eventually, startHarness, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';
import { allYes, reviewCalls } from '../helpers/review-calls.ts';
import { signUpAndSignIn } from '../helpers/staff-session.ts';

/**
 * Issue 13, "Prove it": a call whose name, number, birth date, MRN, address and e-mail are unique
 * canaries goes through every path — ingest, identification against the EHR, understanding,
 * review (opened, raw content revealed, edited, approved), write-back, and the failing paths
 * (unsigned, forged and malformed webhooks, a declined transcript, a too-broad search) — and then
 * every place the engine keeps or emits anything is searched for them: every log line, every audit
 * row, every job payload, every error body, the Prometheus metrics, every trace span, a `pg_dump` of the PostgreSQL database and every raw
 * file of the embedded store. The only place a canary may exist is inside an encrypted column,
 * where it cannot be read without the data key (a `pg_dump` shows bytea as hex, so a hit in the
 * dump is a hit outside encryption). Then the retention purge runs on a clock past every retention
 * period, and every sealed value that still opens is searched too: zero hits at all.
 */
const metricsToken = `whsec_${randomBytes(32).toString('base64url')}`;

const canary = {
  given: 'Quorvantha',
  family: 'Zelbrikstone',
  phoneE164: '+16179284417',
  birthDate: '1938-07-23',
  mrn: 'CNRYMRN48213',
  street: '4417 Wexmoorgate Lane',
  email: 'quorvantha.z@canary.invalid',
};

/** Every way a canary could be written down: as stored, as keyed, as spoken digits. */
const canaryForms: Record<string, string[]> = {
  name: [canary.given, canary.family, canary.given.toLowerCase(), canary.family.toLowerCase(), canary.family.toUpperCase()],
  phone: [canary.phoneE164, '6179284417', '928-4417', '9284417', '(617) 928'],
  birthDate: [canary.birthDate, '07231938', '07/23/1938', '1938-07'],
  mrn: [canary.mrn, canary.mrn.toLowerCase()],
  address: ['Wexmoorgate', 'wexmoorgate'],
  email: [canary.email, 'canary.invalid'],
};

/** The canary kinds found in a text, with a little context for the failure message. */
function canariesIn(text: string): string[] {
  const hits: string[] = [];
  for (const [kind, forms] of Object.entries(canaryForms)) {
    for (const form of forms) {
      const at = text.indexOf(form);
      if (at >= 0) {
        hits.push(`${kind} (${JSON.stringify(text.slice(Math.max(0, at - 60), at + form.length + 20))})`);
        break;
      }
    }
  }
  return hits;
}

/** Canary kinds in a binary file, as UTF-8 or UTF-16 text (raw database pages, WAL). */
function canariesInBytes(bytes: Buffer): string[] {
  const hits: string[] = [];
  for (const [kind, forms] of Object.entries(canaryForms)) {
    if (forms.some((form) => bytes.includes(Buffer.from(form, 'utf8')) || bytes.includes(Buffer.from(form, 'utf16le')))) hits.push(kind);
  }
  return hits;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/**
 * Opens every sealed value the store holds (every table with `ciphertext` and `key_id` columns)
 * with the engine's keyring and returns where each canary kind was found. A value whose data key
 * was destroyed cannot be opened by anyone: it counts as gone.
 */
async function canariesInSealedContent(harness: Harness): Promise<Record<string, string>> {
  const { db, keyring } = harness.engine;
  const tables = await db.query<{ table_name: string }>(
    `select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'ciphertext'
     intersect select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'key_id'`,
  );
  expect(tables.rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(['transcript', 'call_analysis', 'review_version', 'call_caller_number']));
  const found: Record<string, string> = {};
  for (const { table_name: table } of tables.rows) {
    const rows = await db.query<{ ciphertext: Uint8Array; key_id: string }>(`select ciphertext, key_id from "${table}"`);
    for (const row of rows.rows) {
      const plaintext = await keyring.open(row.ciphertext, row.key_id).catch((error: { code?: string }) => {
        if (error.code === 'DATA_KEY_DESTROYED') return '';
        throw error;
      });
      for (const hit of canariesIn(plaintext)) found[hit.split(' ')[0]!] ??= table;
    }
  }
  return found;
}

const transcriptText =
  `Synthetic: hi this is ${canary.given} ${canary.family}, date of birth ${canary.birthDate.slice(5, 7)}/${canary.birthDate.slice(8)}/${canary.birthDate.slice(0, 4)}, ` +
  `my MRN is ${canary.mrn}, I live at ${canary.street}, call me back at 617 928 4417 or write to ${canary.email}. ` +
  'I need a refill of my lisinopril, I am almost out.';

let ehr: SandboxEhr;
/** The canary patient, once in the EHR both backends' engines read (two would make the caller ambiguous). */
let patientId: string;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  const patient: Patient = {
    resourceType: 'Patient',
    identifier: [{ system: SANDBOX_MRN_SYSTEM, value: canary.mrn }],
    name: [{ given: [canary.given], family: canary.family }],
    birthDate: canary.birthDate,
    gender: 'female',
    telecom: [{ system: 'phone', value: canary.phoneE164, use: 'mobile' }, { system: 'email', value: canary.email }],
    address: [{ line: [canary.street], city: 'Springfield', state: 'MA', postalCode: '01101' }],
  };
  const created = await fetch(`${ehr.baseUrl}/Patient`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${ehr.issueTestToken('system/Patient.cruds')}` },
    body: JSON.stringify(patient),
  });
  expect(created.status).toBe(201);
  patientId = ((await created.json()) as Patient).id!;
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('canary PHI through every path (%s)', (kind) => {
  let harness: Harness;
  /** Every span the engine ended (webhooks, stages, EHR requests, write-back), kept in memory. */
  const spans = new InMemorySpanExporter();
  /** Every response body a failing path returned. */
  const errorBodies: string[] = [];
  const { api, searchEhr } = reviewCalls(() => harness, () => ehr);

  beforeAll(async () => {
    harness = await startHarness(kind, { ehr, engine: { metricsToken, traceExporter: spans } });
  });
  afterAll(async () => harness?.close());

  it('keeps every canary out of logs, audit rows, job payloads, error bodies, metrics, spans and the database outside encrypted columns, and out of everything after the purge', async () => {
    const callId = `${kind}-canary-1`;
    const queue = 'demo-review';
    const call = { id: callId, ani: canary.phoneE164, dnis: '+16175550100', queue, direction: 'inbound' as const };
    const event = (overrides: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(overrides), call });
    const live = await connectLiveClient(harness.engine.url, await harness.token('intake', [queue]));
    try {
      // The happy path: ringing (identification and the screen pop), consents, date of birth, transcript, end.
      expect((await harness.post(event({ type: 'call.ringing', callId }))).status).toBeLessThan(300);
      for (const consent of consentEvents(callId, canary.phoneE164, [], queue)) expect((await harness.post(consent)).status).toBeLessThan(300);
      await harness.post(event({ type: 'ivr.input', callId, data: { kind: 'dtmf', menu: 'dob', value: '07231938' } }));
      await harness.post(event({ type: 'call.answered', callId }));
      await harness.post(event({ type: 'transcript.available', callId, data: { transcript: { text: transcriptText } } }));
      await harness.post(event({ type: 'call.ended', callId }));
      // The card reached the front desk: the canary patient was identified (the display is where PHI belongs).
      await eventually(async () => (JSON.stringify(live.messages).includes(patientId) ? true : null), 30_000, 'the screen pop for the canary patient');
    } finally {
      live.close();
    }

    // Review: opened, raw content revealed, edited with the caller's name, approved; then written back.
    const item = await eventually(async () => {
      const listed = await api('GET', '/api/review?status=pending&limit=500');
      return (listed.body.items as { id: string; callId: string }[]).find((entry) => JSON.stringify(entry).length > 0 && entry.callId) ? (listed.body.items as { id: string; callId: string }[]) : null;
    }, 30_000, 'review items').then(async (items) => {
      for (const entry of items) {
        const detail = await api('GET', `/api/review/${entry.id}`);
        if (JSON.stringify(detail.body).includes(patientId)) return detail.body.item as { id: string; currentVersion: number };
      }
      throw new Error('no review item for the canary call');
    });
    // Raw content needs a person who just signed in (step-up): a clinician with a local account and TOTP.
    const clinician = await signUpAndSignIn(harness.engine, { role: 'clinician' });
    const raw = await clinician.fetch('GET', `/api/review/${item.id}?redaction=off`);
    expect(raw.status).toBe(200);
    expect(JSON.stringify(raw.body)).toContain(canary.mrn);
    const edited = await api('PATCH', `/api/review/${item.id}`, { baseVersion: item.currentVersion, changes: { note: `${canary.given} ${canary.family} asks for a lisinopril refill.`, nextStep: 'Send the refill to the pharmacy on file' } });
    expect(edited.status).toBe(200);
    const approved = await api('POST', `/api/review/${item.id}/approve`, { baseVersion: edited.body.item.currentVersion, checklist: allYes });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await eventually(async () => {
      const notes = await searchEhr<DocumentReference>('DocumentReference', callNoteIdentifierSystem, `synthetic-pbx/${callId}/v${approved.body.item.currentVersion}`);
      return notes.length ? notes : null;
    }, 30_000, 'the approved note in the chart');

    // Failing paths, each with canaries in what it sends.
    const body = JSON.stringify(event({ type: 'call.ringing', callId: `${kind}-canary-2` }));
    const unsigned = await fetch(`${harness.engine.url}/webhooks/cti`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    errorBodies.push(await unsigned.text());
    const forged = await fetch(`${harness.engine.url}/webhooks/cti`, {
      method: 'POST', headers: { 'content-type': 'application/json', [ctiSignatureHeader]: signCtiRequest('whsec_forged_0123456789abcdef0123456789abcdef', body, Math.floor(Date.now() / 1000)) }, body,
    });
    expect(forged.status).toBe(401);
    errorBodies.push(await forged.text());
    const malformed = await harness.post(JSON.stringify({ ...JSON.parse(body), type: 'call.unheard-of', note: `${canary.given} ${canary.family} ${canary.phoneE164}` }));
    expect(malformed.status).toBe(400);
    errorBodies.push(JSON.stringify(malformed.body));
    const badAni = await harness.post(JSON.stringify({ ...JSON.parse(body), call: { ...call, id: `${kind}-canary-3`, ani: `${canary.family} ${canary.birthDate} \u0000` } }));
    expect(badAni.status).toBe(400);
    errorBodies.push(JSON.stringify(badAni.body));
    // A transcript the caller declined to have made: refused before it is stored.
    const declinedId = `${kind}-canary-4`;
    const declinedCall = { ...call, id: declinedId };
    await harness.post({ ...syntheticEvent({ type: 'call.ringing', callId: declinedId }), call: declinedCall });
    for (const consent of consentEvents(declinedId, canary.phoneE164, ['transcribe'], queue)) await harness.post(consent);
    await harness.post({ ...syntheticEvent({ type: 'transcript.available', callId: declinedId, data: { transcript: { text: transcriptText } } }), call: declinedCall });
    await harness.post({ ...syntheticEvent({ type: 'call.ended', callId: declinedId }), call: declinedCall });
    // Searches: a good one (the answer is for the screen), a too-broad one and a malformed one.
    const found = await api('GET', `/api/patients?name=${canary.family}&birthDate=${canary.birthDate}`);
    expect(found.status).toBe(200);
    const tooBroad = await api('GET', `/api/patients?name=${canary.family}`);
    expect(tooBroad.status).toBe(400);
    errorBodies.push(JSON.stringify(tooBroad.body));
    const malformedSearch = await api('GET', `/api/patients?phone=${encodeURIComponent(`${canary.phoneE164}x${canary.family}`)}`);
    expect(malformedSearch.status).toBe(400);
    errorBodies.push(JSON.stringify(malformedSearch.body));
    const badEdit = await api('PATCH', `/api/review/${item.id}`, { baseVersion: 1, changes: { note: `${canary.given} ${canary.email}`, unknownField: canary.mrn } });
    expect(badEdit.status).toBeGreaterThanOrEqual(400);
    errorBodies.push(JSON.stringify(badEdit.body));
    // A sign-in attempt with the patient's name and number as the user name and password.
    const signInAttempt = await fetch(`${harness.engine.url}/auth/sign-in`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: canary.family.toLowerCase(), password: `${canary.phoneE164}-${canary.birthDate}` }),
    });
    expect(signInAttempt.status).toBe(401);
    errorBodies.push(await signInAttempt.text());
    const twilioUnsigned = await fetch(`${harness.engine.url}/webhooks/twilio/voice`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ CallSid: 'CA0123', From: canary.phoneE164, CallerName: canary.family }).toString(),
    });
    expect(twilioUnsigned.status).toBe(403);
    errorBodies.push(await twilioUnsigned.text());
    // Let the declined call's pipeline finish, so its jobs and audit rows are in what is scanned.
    await eventually(async () => {
      const { rows } = await harness.engine.db.query<{ n: string }>(`select count(*)::text as n from audit_event where action = 'transcript.discarded'`);
      return Number(rows[0]!.n) > 0 ? true : null;
    }, 30_000, 'the declined transcript discarded');

    // The sinks.
    const findings: Record<string, string[]> = {};
    const note = (sink: string, hits: string[]) => {
      if (hits.length) findings[sink] = [...(findings[sink] ?? []), ...hits];
    };
    harness.logs.lines.forEach((line) => note('log', canariesIn(line)));
    errorBodies.forEach((text) => note('error body', canariesIn(text)));
    const audit = await harness.engine.db.query('select * from audit_event');
    expect(audit.rows.length).toBeGreaterThan(20);
    audit.rows.forEach((row) => note('audit_event', canariesIn(JSON.stringify(row))));
    const pending = await harness.engine.db.query('select * from audit_pending');
    pending.rows.forEach((row) => note('audit_pending', canariesIn(JSON.stringify(row))));
    const jobs = await harness.engine.db.query(`select name, data, output from pgboss.job`);
    expect(jobs.rows.length).toBeGreaterThan(0);
    jobs.rows.forEach((row) => note('job payload', canariesIn(JSON.stringify(row))));
    // What a Prometheus scraper and a trace collector receive.
    const scraped = await fetch(`${harness.engine.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(scraped.status).toBe(200);
    const exposition = await scraped.text();
    expect(exposition).toContain('callchart_calls_total');
    note('metrics', canariesIn(exposition));
    const ended = spans.getFinishedSpans();
    expect(ended.length).toBeGreaterThan(10);
    ended.forEach((span) => note('trace span', canariesIn(JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: span.links }))));
    note('audit checkpoints', canariesIn(readFileSync(harness.auditCheckpointFile, 'utf8')));

    // Inside the encrypted columns the canaries are there (the scan can find them)…
    expect(Object.keys(await canariesInSealedContent(harness))).toEqual(expect.arrayContaining(['name', 'mrn', 'address']));
    // …until the retention purge, run on a clock past every retention period of the policy, deletes the
    // content and the calls and destroys their data keys: then nothing sealed that still opens holds one.
    const purge = new RetentionPurge({ db: harness.engine.db, policies: harness.engine.policies, destroyDataKeys: (store, keyIds, reason) => destroyDataKeys(store, keyIds, reason, 'system:retention') });
    const longest = Math.max(...Object.values(harness.engine.policies.current.policy.retention).map((entry) => entry.metadataDays));
    const outcome = await purge.run(new Date(Date.now() + (longest + 2) * 86_400_000));
    expect(outcome.callsFailed).toBe(0);
    expect(outcome.callsRemoved).toBeGreaterThanOrEqual(1);
    expect(outcome.keysDestroyed.length).toBeGreaterThan(0);
    note('sealed content after the purge', Object.entries(await canariesInSealedContent(harness)).map(([kind, where]) => `${kind} in ${where}`));

    if (kind === 'postgres') {
      const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', harness.databaseUrl!], { maxBuffer: 512 * 1024 * 1024 });
      expect(stdout).toContain('COPY public.call ');
      stdout.split('\n').forEach((line) => note('pg_dump', canariesIn(line)));
    } else {
      // Every page the embedded store wrote, the write-ahead log included, after a clean stop.
      await harness.engine.close();
      const files = filesUnder(harness.dataDir).filter((file) => !file.includes(`${path.sep}secrets${path.sep}`) && !file.endsWith('audit-checkpoints.jsonl'));
      expect(files.length).toBeGreaterThan(100);
      for (const file of files) note('PGlite file', canariesInBytes(readFileSync(file)).map((hit) => `${hit} in ${path.relative(harness.dataDir, file)}`));
    }
    expect(findings).toEqual({});
  });
});
