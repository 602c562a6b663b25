import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { defaultConfig, type CallchartConfig } from '../../src/config/config.schema.ts';
import { startEngine, type Engine, type EngineOptions } from '../../src/engine/engine.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { sandboxTokenUrl, startSandboxEhr, type SandboxClient, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateEhrClient } from '../../src/ehr/smart-auth.ts';
import { ctiSignatureHeader, signCtiRequest } from '../../src/pbx/cti-signature.ts';
import type { CallEvent } from '../../src/calls/call-event.schema.ts';
import type { LiveMessage } from '../../src/api/live-calls.hub.ts';
import { issueStaffToken, type StaffRole } from '../../src/auth/staff-token.ts';
import { createScratchDatabase, type BackendKind } from './backends.ts';
import { seedPgliteDataDir } from './pglite-template.ts';

/** Everything the engine logged, to search for canary PHI. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** A sandbox EHR, or a stand-in for one that is not up yet (only its URL is needed). */
export type HarnessEhr = Pick<SandboxEhr, 'baseUrl' | 'close'> & Partial<Pick<SandboxEhr, 'registerClient' | 'tokenUrl'>>;

export interface Harness {
  engine: Engine;
  ehr: HarnessEhr;
  /** The engine's SMART client as the EHR registers it (public keys): pass to a sandbox started later. */
  ehrClient: SandboxClient;
  secret: string;
  twilioAuthToken: string;
  /** A signed staff token for the live display (`sub`: whose, e.g. a staff_user id; default `test-<role>`). */
  token(role?: StaffRole, queues?: string[], extensions?: string[], sub?: string): Promise<string>;
  logs: LogCapture;
  dataDir: string;
  /** The scratch PostgreSQL database (postgres backend only). */
  databaseUrl: string | undefined;
  /** The engine's audit key (ADR 11) and where it writes signed audit checkpoints. */
  auditKey: Buffer;
  auditCheckpointFile: string;
  post(event: CallEvent | string, options?: { secret?: string; timestamp?: number; header?: string | null; contentType?: string }): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * A real engine on a real socket (port 0) with the sandbox EHR over HTTP and the given backend.
 * Pass `ehr` to share one sandbox EHR between harnesses. The embedded store starts as a copy of a
 * migrated, empty one (test/helpers/pglite-template.ts); `freshStore` creates it from nothing, for
 * tests about what a first start writes to disk.
 */
export async function startHarness(
  kind: BackendKind,
  options: {
    ehr?: HarnessEhr; config?: Partial<CallchartConfig>; freshStore?: boolean; clock?: () => Date; scimToken?: string;
    /** Engine options over the harness's own (metrics token, trace exporter, EHR auth…). */
    engine?: Partial<EngineOptions>;
  } = {},
): Promise<Harness> {
  // The engine authenticates to the sandbox as it would to Epic: its own key pair, registered with the EHR.
  const { credentials, jwks } = await generateEhrClient({ clientId: `callchart-test-${randomBytes(4).toString('hex')}` });
  const ehrClient: SandboxClient = { clientId: credentials.clientId, jwks };
  const ehr: HarnessEhr = options.ehr ?? (await startSandboxEhr({ port: 0, clients: [ehrClient] }));
  ehr.registerClient?.(ehrClient);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-test-'));
  if (kind === 'pglite' && !options.freshStore) await seedPgliteDataDir(dataDir);
  const scratch = kind === 'postgres' ? await createScratchDatabase() : null;
  const logs = new LogCapture();
  const secret = `whsec_test_${randomBytes(8).toString('hex')}`;
  const twilioAuthToken = randomBytes(16).toString('hex');
  const staffTokenSecret = randomBytes(32);
  const auditKey = randomBytes(32);
  const auditCheckpointFile = path.join(dataDir, 'audit-checkpoints.jsonl');
  const engine = await startEngine({
    // Tests do not wait out the production settle time (5 s) after a call ends: 1 s, as for the
    // engine processes of engine-process.ts, is still far longer than a test takes to post the
    // events it sends after call.ended (a few milliseconds each on loopback).
    // Every test talks from 127.0.0.1 and many send refused requests on purpose: the refusal rate
    // limit is tested on its own (test/security/hardening.test.ts) with the default.
    // Sign-in attempts likewise: the per-source limit has its own test (test/sign-in.e2e.test.ts).
    config: {
      ...defaultConfig, pipeline: { ...defaultConfig.pipeline, settleSeconds: 1 }, access: { ...defaultConfig.access, maxRefusalsPerMinute: 1_000_000 },
      auth: { ...defaultConfig.auth, attemptsPerMinute: 1_000_000 }, ...options.config,
    },
    ...(options.clock ? { clock: options.clock } : {}),
    databaseUrl: scratch?.url,
    dataDir: kind === 'pglite' ? dataDir : undefined,
    fhirBaseUrl: ehr.baseUrl,
    ehrAuth: { ...credentials, tokenUrl: ehr.tokenUrl ?? sandboxTokenUrl(ehr.baseUrl) },
    webhookSecret: secret,
    twilioAuthToken,
    staffTokenSecret,
    dataKey: randomBytes(32),
    auditKey,
    auditCheckpointFile,
    // Checkpoints every second, so tests that tamper with the audit log need not wait five.
    auditCheckpointIntervalMs: 1_000,
    port: 0,
    logger: createLogger({ level: 'debug', destination: logs }),
    // SCIM is off unless a test hands a token (never from the machine's environment).
    scimToken: options.scimToken ?? false,
    ...options.engine,
  });
  return {
    engine,
    ehr,
    ehrClient,
    secret,
    twilioAuthToken,
    token: (role = 'nurse', queues = ['*'], extensions = [], sub = `test-${role}`) => issueStaffToken(staffTokenSecret, { sub, role, queues, extensions }),
    logs,
    dataDir,
    databaseUrl: scratch?.url,
    auditKey,
    auditCheckpointFile,
    async post(event, postOptions = {}) {
      const body = typeof event === 'string' ? event : JSON.stringify(event);
      const header =
        postOptions.header === null
          ? undefined
          : (postOptions.header ?? signCtiRequest(postOptions.secret ?? secret, body, postOptions.timestamp ?? Math.floor(Date.now() / 1000)));
      const response = await fetch(`${engine.url}/webhooks/cti`, {
        method: 'POST',
        headers: { 'content-type': postOptions.contentType ?? 'application/json', ...(header ? { [ctiSignatureHeader]: header } : {}) },
        body,
      });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    },
    async close() {
      await engine.close();
      if (!options.ehr) await ehr.close();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * What a WebSocket upgrade to `url` (http(s) or ws(s)) is answered with: the refusal's HTTP status,
 * 101 when it opens (closed at once), -1 when the connection fails.
 */
export function upgradeStatus(url: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<number> {
  return new Promise<number>((resolve) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), options.protocols, options.headers ? { headers: options.headers } : {});
    socket.on('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', () => resolve(-1));
  });
}

/** A staff display: a WebSocket client that keeps every message and can wait for one. */
export async function connectLiveClient(engineUrl: string, token: string): Promise<{ socket: WebSocket; messages: LiveMessage[]; waitFor<T extends LiveMessage>(match: (message: LiveMessage) => message is T, timeoutMs?: number): Promise<T>; close(): void }> {
  // As the staff page does: the token in the subprotocol header, never in the URL.
  const socket = new WebSocket(`${engineUrl.replace(/^http/, 'ws')}/ws`, ['callchart.live.v1', `bearer.${token}`]);
  const messages: LiveMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as LiveMessage);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    messages,
    waitFor(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('no matching live message arrived'));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => socket.close(),
  };
}

/**
 * Polls until `probe` returns a value (or throws after the deadline). For eventual outcomes only.
 * Asks again after 10 ms, then less and less often up to every 100 ms: a quick outcome is seen at
 * once, and a long wait does not load the engine under test with probes.
 */
export async function eventually<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let pauseMs = 10; ; pauseMs = Math.min(100, pauseMs * 2)) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** A synthetic event with sensible defaults. */
export function syntheticEvent(overrides: Partial<CallEvent> & { type: CallEvent['type']; callId: string; ani?: string }): CallEvent {
  const { callId, ani, ...rest } = overrides;
  return {
    id: `${callId}-${overrides.type}-${randomBytes(3).toString('hex')}`,
    provider: 'synthetic-pbx',
    occurredAt: new Date().toISOString(),
    call: { id: callId, ani: ani ?? '+16175550142', dnis: '+16175550100', queue: 'front-desk', direction: 'inbound' },
    data: {},
    ...rest,
  } as CallEvent;
}
