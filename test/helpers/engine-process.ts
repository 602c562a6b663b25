import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import type { Bundle, Task } from '@medplum/fhirtypes';
import twilio from 'twilio';
import { stringify } from 'yaml';
import { generateEhrClient } from '../../src/ehr/smart-auth.ts';
import { signCtiRequest, ctiSignatureHeader } from '../../src/pbx/cti-signature.ts';
import type { CallEvent } from '../../src/calls/call-event.schema.ts';
import type { SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { seedPgliteDataDir } from './pglite-template.ts';
import { FileKekProvider } from '../../src/keys/file-kek.client.ts';

const bin = path.resolve('bin/callchart.js');
/** The Twilio auth token every spawned engine gets (TWILIO_AUTH_TOKEN). */
export const engineTwilioAuthToken = randomBytes(16).toString('hex');

/**
 * What an engine process is, across restarts: its secrets, its data key, its EHR client. A
 * restarted process must be the same deployment (same key for content at rest, same webhook secret).
 */
export interface EngineIdentity {
  webhookSecret: string;
  dataKey: string;
  staffTokenSecret: string;
  /** One audit key for every process of the deployment (CALLCHART_AUDIT_KEY): one chain, whoever links it. */
  auditKey: string;
  env: Record<string, string>;
}

/** Registers a fresh SMART client with the sandbox and returns what `callchart serve` needs to use it. */
export async function engineIdentity(ehr: SandboxEhr): Promise<EngineIdentity> {
  const { credentials, jwks } = await generateEhrClient({ clientId: `callchart-proc-${randomBytes(4).toString('hex')}` });
  ehr.registerClient({ clientId: credentials.clientId, jwks });
  return {
    webhookSecret: `whsec_${randomBytes(32).toString('base64url')}`,
    dataKey: randomBytes(32).toString('base64'),
    staffTokenSecret: randomBytes(32).toString('base64'),
    auditKey: randomBytes(32).toString('base64'),
    env: {
      EHR_CLIENT_ID: credentials.clientId,
      EHR_CLIENT_PRIVATE_JWK: JSON.stringify(credentials.privateKey),
      EHR_TOKEN_URL: ehr.tokenUrl,
    },
  };
}

export interface EngineProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process exits, with how. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** Everything it wrote to stdout and stderr (for failure messages). */
  output(): string;
  /** fetch() against the engine; when the request fails because the process died, says so with its last output. */
  request(pathname: string, init?: RequestInit): Promise<Response>;
  post(event: CallEvent): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
  /** A Twilio webhook, form-encoded and signed (X-Twilio-Signature) over the URL it is sent to. */
  postTwilio(pathname: string, params: Record<string, string>): Promise<{ status: number; headers: Headers; text: string }>;
  /** SIGTERM and wait (a no-op when it is already gone). */
  stop(): Promise<void>;
}

/**
 * `callchart serve` as a child process, as an operator runs it: a config file, secrets and the
 * EHR client from the environment, PostgreSQL from DATABASE_URL or PGlite in `dataDir`. A crash
 * (an unhandled 'error' event) ends this process, which an in-process engine would hide. A new
 * PGlite `dataDir` starts as a copy of the migrated template (pglite-template.ts) unless
 * `freshStore`; a restart on the same `dataDir` reopens what the last process left.
 */
export async function spawnEngine(options: {
  identity: EngineIdentity;
  fhirBaseUrl: string;
  dataDir: string;
  databaseUrl?: string;
  settleSeconds?: number;
  /** Budget for one after-call EHR request (default 10 s): raise it to hold a stage on a slow EHR. */
  backgroundTimeoutMs?: number;
  env?: Record<string, string>;
  freshStore?: boolean;
  /** More config, section by section (merged over the sections above), e.g. `{ pipeline: { concurrency: 8 } }`. */
  config?: Record<string, Record<string, unknown>>;
  /** More `callchart serve` arguments. */
  args?: string[];
  /** Node's own flags for the process (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** `serve --role` (issue 18); absent: the default, all. */
  role?: 'web' | 'worker' | 'all';
  /** server.drainSeconds: how long readiness is false before the listener closes at SIGTERM (default 2). */
  drainSeconds?: number;
}): Promise<EngineProcess> {
  mkdirSync(options.dataDir, { recursive: true });
  if (!options.databaseUrl && !options.freshStore && !existsSync(path.join(options.dataDir, 'pgdata'))) await seedPgliteDataDir(options.dataDir);
  const configFile = path.join(options.dataDir, 'engine-test.yaml');
  const sections: Record<string, Record<string, unknown>> = {
    ehr: { fhirBaseUrl: options.fhirBaseUrl, ...(options.backgroundTimeoutMs ? { backgroundTimeoutMs: options.backgroundTimeoutMs } : {}) },
    pipeline: { settleSeconds: options.settleSeconds ?? 1 },
    ...(options.drainSeconds !== undefined ? { server: { drainSeconds: options.drainSeconds } } : {}),
  };
  for (const [section, values] of Object.entries(options.config ?? {})) sections[section] = { ...sections[section], ...values };
  writeFileSync(configFile, stringify(sections));
  const { identity } = options;
  // On PostgreSQL one key file per database, so every process of one deployment holds the same KEK;
  // a split role never creates it (it is made once, as an operator does with `callchart keys init`).
  const kekFile = options.env?.CALLCHART_KEK_FILE ?? (options.databaseUrl
    ? path.join(tmpdir(), `callchart-kek-${createHash('sha256').update(options.databaseUrl).digest('hex').slice(0, 16)}.json`)
    : `${path.resolve(options.dataDir)}.kek.json`);
  if (options.role && options.role !== 'all' && !existsSync(kekFile)) new FileKekProvider(kekFile, { create: true });
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, 'serve', '--config', configFile, '--data-dir', options.dataDir, '--port', '0', ...(options.role ? ['--role', options.role] : []), ...(options.args ?? [])], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl ?? '',
      CALLCHART_WEBHOOK_SECRET: identity.webhookSecret,
      CALLCHART_DATA_KEY: identity.dataKey,
      // Beside the data directory, never in it (serve refuses that), and the same across restarts.
      CALLCHART_KEK_FILE: kekFile,
      CALLCHART_AUDIT_KEY: identity.auditKey,
      CALLCHART_STAFF_TOKEN_SECRET: identity.staffTokenSecret,
      TWILIO_AUTH_TOKEN: engineTwilioAuthToken,
      LOG_LEVEL: 'warn',
      ...identity.env,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test runner that dies or times out must not leave engines running behind it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine did not start:\n${output}`)), 90_000);
    const check = () => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`engine exited (${code ?? signal}) before it listened:\n${output}`));
    });
  });
  const request = async (pathname: string, init?: RequestInit) => {
    try {
      return await fetch(`${url}${pathname}`, init);
    } catch (error) {
      // A refused or reset request is how a crash looks from outside: give the process a moment
      // to be reaped, then report the crash itself rather than "fetch failed".
      const exit = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000))]);
      if (exit) throw new Error(`the engine process exited (${exit.code ?? exit.signal}):\n${output.slice(-3_000)}`);
      throw error;
    }
  };
  return {
    url,
    child,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
    request,
    async post(event) {
      const body = JSON.stringify(event);
      const response = await request('/webhooks/cti', {
        method: 'POST',
        headers: { 'content-type': 'application/json', [ctiSignatureHeader]: signCtiRequest(identity.webhookSecret, body, Math.floor(Date.now() / 1000)) },
        body,
      });
      return { status: response.status, headers: response.headers, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    },
    async postTwilio(pathname, params) {
      const response = await request(pathname, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(engineTwilioAuthToken, `${url}${pathname}`, params) },
        body: new URLSearchParams(params).toString(),
      });
      return { status: response.status, headers: response.headers, text: await response.text() };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The Tasks in the sandbox EHR, by the call's business identifier (`provider/providerCallId`). */
export async function tasksByCall(ehr: SandboxEhr): Promise<Map<string, Task[]>> {
  const byCall = new Map<string, Task[]>();
  let next: string | undefined = `${ehr.baseUrl}/Task?_count=500`;
  while (next) {
    const response = await fetch(next, { headers: { authorization: `Bearer ${ehr.issueTestToken()}` } });
    const bundle = (await response.json()) as Bundle<Task>;
    for (const task of bundle.entry?.map((entry) => entry.resource!) ?? []) {
      const key = task.identifier?.[0]?.value ?? '';
      byCall.set(key, [...(byCall.get(key) ?? []), task]);
    }
    next = bundle.link?.find((link) => link.relation === 'next')?.url;
  }
  return byCall;
}
