import { createHmac } from 'node:crypto';
import { CallbackSweeper } from '../callbacks/callback-sweep.worker.ts';
import { callbackMetrics } from '../callbacks/callback-metrics.repository.ts';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { CountryCode } from 'libphonenumber-js';
import type { CallchartConfig } from '../config/config.schema.ts';
import Fastify from 'fastify';
import { openDb, type Db } from '../store/db.ts';
import { duty, LeaderLocks } from '../store/leader-lock.ts';
import { registerHealthRoutes, type EngineRole, type Readiness } from '../api/health.routes.ts';
import { migrate } from '../store/migrate.ts';
import { sealLegacyCallerNumbers } from '../calls/caller-number.repository.ts';
import { callAudioKeeper } from '../speech/call-audio.service.ts';
import { EnvelopeKeyring, destroyDataKeys } from '../keys/keyring.service.ts';
import type { LiveSegmentSink } from '../pbx/twilio-realtime-transcription.service.ts';
import type { KeyEncryptionKeyProvider } from '../keys/kek-provider.ts';
import { KeyOperations } from '../keys/key-rotation.service.ts';
import { resolveKekProvider, type KekMode } from '../keys/kek-provider.loader.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { CallchartError, isCallchartError } from '../lib/errors.ts';
import { AuditChainer, recordAuditEvent } from '../audit/audit.repository.ts';
import { MemoryCheckpointSink, type CheckpointSink } from '../audit/audit-checkpoint.ts';
import { FileCheckpointSink } from '../audit/audit-checkpoint.repository.ts';
import { deriveAuditKey } from '../audit/audit-key.ts';
import { FhirClient } from '../ehr/fhir.client.ts';
import { createEhrGovernor, ehrBudgetKey } from '../ehr/ehr-governor.service.ts';
import type { EhrClientCredentials } from '../ehr/smart-auth.ts';
import { SmartBackendTokenProvider } from '../ehr/smart-auth.client.ts';
import { assertStrongSecret, ehrClientFromEnv, resolveAuditKey, ringcentralSecretsFromEnv, scimTokenFromEnv, speechServiceKeysFromEnv, type RingcentralSecrets } from './secrets.ts';
import { RingcentralRestClient } from '../pbx/ringcentral-rest.client.ts';
import { RingcentralSubscriptionKeeper } from '../pbx/ringcentral-subscription.worker.ts';
import { ringcentralWebhookPath } from '../pbx/ringcentral.routes.ts';
import type { SpeechEngine } from '../speech/speech-engine.ts';
import { CallerIdentityService } from '../ehr/caller-identity.service.ts';
import { CallIngestService } from '../calls/call-ingest.service.ts';
import { afterCallHandlers } from '../pipeline/after-call.service.ts';
import { resolveRequestWorkflows } from '../nlp/workflows.ts';
import { languageModelAssistFor } from '../nlp/language-model/language-model.service.ts';
import { startPipeline, type Pipeline } from '../pipeline/pipeline.worker.ts';
import { LiveCallsHub, type LivePublisher } from '../api/live-calls.hub.ts';
import { PostgresLiveFanOut } from '../live/live-fan-out.service.ts';
import { resolveLiveFanOut } from '../live/live-notification.ts';
import { ScreenPopService } from '../calls/screen-pop.service.ts';
import { buildApp } from '../api/app.ts';
import { RoutingService, auditRulesRejected } from '../routing/routing.service.ts';
import type { RoutingRules } from '../routing/routing-rules.schema.ts';
import type { GroupCommitOptions } from '../store/group-commit.ts';
import { loadRoutingRules } from '../routing/routing-rules.loader.ts';
import { resolveStartSettings, SettingsService } from '../settings/settings.service.ts';
import { exampleQueuePolicyFile, loadQueuePolicy } from '../consent/queue-policy.loader.ts';
import { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { ReviewService } from '../review/review.service.ts';
import { WriteBackDispatcher, type WriteBackSender } from '../write-back/write-back.worker.ts';
import { FhirChartRecordSender } from '../write-back/fhir-chart.sender.ts';
import { Hl7MdmSender } from '../write-back/hl7-mdm.sender.ts';
import { MllpClient } from '../hl7/mllp.client.ts';
import { PatientDirectory } from '../ehr/patient-directory.service.ts';
import { PatientLinkService } from '../review/patient-link.service.ts';
import { ReviewPatients } from '../review/review-patients.service.ts';
import { engineVersion } from './version.ts';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { JSONWebKeySet, JWK } from 'jose';
import { CallchartMetrics } from '../telemetry/metrics.ts';
import { createTelemetry, type Telemetry } from '../telemetry/tracing.ts';
import { OtlpHttpJsonTraceExporter } from '../telemetry/otlp-trace.client.ts';
import { outboxBacklog } from '../write-back/outbox.repository.ts';
import { EhrKeyFile, ehrKeysFileFor } from '../ehr/ehr-client-keys.repository.ts';
import { publicJwksOf } from '../ehr/smart-auth.ts';
import { AlertWorker } from '../alerts/alert.worker.ts';
import { EventWebhookWorker } from '../event-subscriptions/event-webhook.worker.ts';
import { ScreenPopAccessRecorder } from '../audit/screen-pop-access.service.ts';
import { StaffSignIn } from '../auth/sign-in.service.ts';
import { SsoClient } from '../auth/sso.client.ts';
import { RetentionPurge, RetentionScheduler } from '../retention/retention-purge.service.ts';
import { twilioRestClient, type TwilioRest } from '../pbx/twilio-rest.client.ts';
import type { Patient } from '@medplum/fhirtypes';
import { OutboundCallService } from '../outbound/outbound-call.service.ts';
import { callbackTaskPort } from '../outbound/callback-task.repository.ts';
import { OnCallService } from '../on-call/on-call.service.ts';
import { OutreachService } from '../outreach/outreach.service.ts';
import { OutreachScheduler } from '../outreach/outreach-schedule.worker.ts';
import { outreachCallbackTasks } from '../outreach/outreach-tasks.repository.ts';
import { BookingService } from '../booking/booking.service.ts';
import { EhrScheduling } from '../booking/ehr-scheduling.client.ts';
import { createSpeechEngines, describeSpeechEngines, type SpeechEngineLoaders, type SpeechEngines } from '../speech/speech-engines.loader.ts';
import { speechHttpApiKeyVariable } from '../speech/speech.settings.ts';
import { LiveTranscriptService } from '../speech/live-transcript.service.ts';
import { CallTranscriptService } from '../speech/call-transcript.service.ts';

export { engineVersion };

export interface EngineOptions {
  config: CallchartConfig;
  /** How speech engines are made (tests); absent: the real ones `config.speech` names. */
  speechLoaders?: Partial<SpeechEngineLoaders>;
  /** Also told of every PBX-supplied live transcript segment, before the live screen's path (tests). */
  onLiveTranscriptSegment?: LiveSegmentSink;
  /** PostgreSQL when set; otherwise the embedded store in `dataDir` (in memory if absent). */
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  fhirBaseUrl: string;
  /**
   * SMART Backend Services client for the EHR. Absent: from the environment (`ehrClientFromEnv`),
   * else none. `false`: never authenticate (an EHR without auth).
   */
  ehrAuth?: EhrClientCredentials | false;
  webhookSecret: string;
  /** Twilio auth token for X-Twilio-Signature; Twilio webhooks answer 403 to everything without it. */
  twilioAuthToken?: string;
  /** Zoom Phone's Secret Token (`zoom.enabled`). Absent: CALLCHART_ZOOM_WEBHOOK_SECRET; none or a weak one stops the start. */
  zoomWebhookSecret?: string;
  /** Signs staff tokens for the live display. */
  staffTokenSecret: Uint8Array;
  /**
   * The single 32-byte data key of before envelope encryption (CALLCHART_DATA_KEY): it still opens
   * the rows it sealed; new content is sealed under envelope data keys (src/keys/).
   */
  dataKey?: Buffer;
  /** The key-encryption key provider. Absent: from the environment and `kekMode` (resolveKekProvider). */
  kek?: KeyEncryptionKeyProvider;
  /** Where the KEK is when nothing is configured (default `embedded`: this process only). */
  kekMode?: KekMode;
  /** The demo's synthetic data: the staff app shows a banner saying so (issue 14). */
  demoData?: boolean;
  /** How often running engines prepare the day's data keys and pick up rotations made elsewhere (default 60 s). */
  keyRefreshMs?: number;
  host?: string;
  port?: number;
  logger?: Logger;
  /**
   * What this process does (issue 18): `web` serves webhooks, the API, the staff app and its
   * WebSockets; `worker` runs the pipeline, the write-back outbox and the single-writer duties,
   * with an HTTP listener for health only; `all` both (the default). Split roles need PostgreSQL.
   */
  role?: EngineRole;
  /** Run pipeline workers in this process (default true). `false` without a role: role `web`. */
  work?: boolean;
  /** How often a standby process tries to take a single-writer duty (default 1 s). */
  dutyRetryMs?: number;
  /**
   * Audit key, 32 bytes or more (ADR 11): keys the audit chain and signs its checkpoints. Absent:
   * CALLCHART_AUDIT_KEY, else the trial key in `dataDir`, else a key for this process only.
   */
  auditKey?: Buffer;
  /** Where signed audit checkpoints go (production: WORM storage). Absent: `auditCheckpointFile`. */
  auditCheckpoints?: CheckpointSink;
  /** Append-only checkpoint file. Absent: `<dataDir>/audit-checkpoints.jsonl`, else memory only. */
  auditCheckpointFile?: string;
  /** How often the head is checkpointed when it moved (default 5 s). */
  auditCheckpointIntervalMs?: number;
  /** The clock sessions, step-up and lockout read (tests move it instead of sleeping). */
  clock?: () => Date;
  /**
   * The bearer token the clinic's identity provider uses for SCIM provisioning (issue 13). Absent:
   * CALLCHART_SCIM_TOKEN; `false` or none set: every SCIM request is refused. A weak one stops the start.
   */
  scimToken?: string | false;
  /** Ingest group-commit tuning (benchmarks compare `{ maxBatch: 1 }`, one commit per event). */
  groupCommit?: Partial<GroupCommitOptions>;
  /** Bearer token a Prometheus scraper sends to `GET /metrics`. Absent: CALLCHART_METRICS_TOKEN; neither: /metrics refuses everyone. */
  metricsToken?: string;
  /** Where spans go (tests: an in-memory exporter, each span as it ends). Absent: OTLP to `telemetry.otlpUrl`, else no tracing. */
  traceExporter?: SpanExporter;
  /** The SMART client key set of `callchart keys ehr`. Absent: CALLCHART_EHR_KEYS_FILE, else `<dataDir>/secrets/ehr-client-keys.json`. */
  ehrKeysFile?: string;
  /** Signs the outbound alert webhook (`alerts.webhook`). Absent: CALLCHART_ALERT_WEBHOOK_SECRET. */
  alertWebhookSecret?: string;
  /** The client secret Callchart holds at the identity provider (`auth.sso`). Absent: CALLCHART_SSO_CLIENT_SECRET. */
  ssoClientSecret?: string;
  /**
   * Twilio's REST API (outbound calls, SMS). Absent: built from `twilio.accountSid`/`apiBaseUrl` and
   * the Twilio auth token when both are set, else none (nothing is placed or sent, and features that
   * need it say so).
   */
  twilioRest?: TwilioRest;
  /** Signs on-call push notices (`onCall.roster[].notify.webhook`). Absent: CALLCHART_ON_CALL_WEBHOOK_SECRET. */
  onCallWebhookSecret?: string;
  /**
   * The transcription service (issue 17, `speech.service.enabled`): its keys (absent:
   * CALLCHART_SPEECH_SERVICE_KEYS; none or a weak one stops the start) and the local engine behind
   * it (absent: a pocketsphinx engine from `speech.pocketsphinx`, closed with the engine).
   */
  speechService?: { keys?: string[]; engine?: SpeechEngine };
  /** RingCentral's verification tokens and API credentials (issue 19). Absent: from the environment when `ringcentral.enabled`. */
  ringcentral?: RingcentralSecrets;
}

export interface Engine {
  url: string;
  /** What this process does (web, worker, all). */
  role: EngineRole;
  /** The single-writer duties (audit chain, purge, sweeps) and which of them this process leads. */
  duties: LeaderLocks;
  /** What `/health/ready` reads; `draining` turns true when a shutdown begins. */
  readiness: Readiness;
  db: Db;
  app: FastifyInstance;
  hub: LiveCallsHub;
  /**
   * How this process shares the live display with the others on the same PostgreSQL (issue 18,
   * ADR 0026): the LISTEN/NOTIFY fan-out, or null when it stays in this process (`live.fanOut`).
   */
  liveFanOut: PostgresLiveFanOut | null;
  pipeline: Pipeline;
  routing: RoutingService;
  review: ReviewService;
  policies: QueuePolicyStore;
  dispatcher: WriteBackDispatcher;
  /** Follows the audit log, raises and delivers alerts, verifies the chain on a timer. */
  alerts: AlertWorker;
  /** Follows the audit log and delivers outbound event webhooks to subscribers (OW-1). */
  eventWebhooks: EventWebhookWorker;
  /** Staff sign-in and sessions (SSO ends in `signIn.startSession`). */
  signIn: StaffSignIn;
  /** The retention purge on its schedule (`runNow` runs one at once). */
  retention: RetentionScheduler;
  /** Envelope encryption for content at rest (src/keys/). */
  keyring: EnvelopeKeyring;
  /** Key rotation and status (the admin API and tests). */
  keys: KeyOperations;
  logger: Logger;
  /** Prometheus metrics (what `GET /metrics` serves). */
  metrics: CallchartMetrics;
  telemetry: Telemetry;
  /** Twilio's REST API, when configured (issue 16). */
  twilioRest: TwilioRest | null;
  /** The on-call clinician's notices and phone view (issue 16, AH-1). */
  onCall: OnCallService;
  /** Outreach lists (issue 16, FU-2): the service, and the EHR lists on their schedule (`runNow`). */
  outreach: { service: OutreachService; scheduler: OutreachScheduler };
  close(): Promise<void>;
  /**
   * Graceful shutdown (SIGTERM): readiness goes false first and stays so for `drainMs` (a load
   * balancer stops sending), then `close` finishes in-flight requests, closes WebSockets (1001),
   * lets stage runs finish or puts them back, and hands the duties over. Resolves `timed-out` when
   * that takes longer than `timeoutMs` (the caller exits anyway).
   */
  drain(options: { drainMs: number; timeoutMs: number }): Promise<'clean' | 'timed-out'>;
}

/** The composition root: storage, queue, EHR client, ingest, HTTP. Nothing else wires parts. */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  const { config } = options;
  // Zoom Phone (issue 19): enabled means a usable Secret Token, checked before anything starts.
  const zoomSecretToken = config.zoom.enabled
    ? assertStrongSecret('CALLCHART_ZOOM_WEBHOOK_SECRET', options.zoomWebhookSecret ?? process.env.CALLCHART_ZOOM_WEBHOOK_SECRET, 'zoom-secret-token')
    : undefined;
  const logger = options.logger ?? createLogger();
  const role: EngineRole = options.role ?? (options.work === false ? 'web' : 'all');
  // Pipeline workers, the outbox and the duties run in worker processes (and in `all`).
  const works = role !== 'web' && options.work !== false;
  // The embedded store is one process by construction: a split deployment needs PostgreSQL.
  if (role !== 'all' && !options.databaseUrl) {
    throw new CallchartError('CONFIG_INVALID', `--role ${role} needs PostgreSQL (set DATABASE_URL): the embedded store serves one process only, which runs every role (--role all)`);
  }
  // Before the store opens: a weak SCIM token stops the start, naming the variable, never the value.
  const scimToken = options.scimToken === false ? undefined : scimTokenFromEnv(options.scimToken === undefined ? process.env : { CALLCHART_SCIM_TOKEN: options.scimToken });
  // SSO settings without the client secret stop the start before anything opens (the secret is never in the YAML).
  const ssoSecret = options.ssoClientSecret ?? process.env.CALLCHART_SSO_CLIENT_SECRET;
  if (config.auth.sso && !ssoSecret) throw new CallchartError('CONFIG_INVALID', 'auth.sso is set but CALLCHART_SSO_CLIENT_SECRET is not: set the client secret your identity provider gave Callchart');
  // Before the store opens: a bad audit key stops the start with nothing to clean up.
  const auditKey = deriveAuditKey(options.auditKey ?? resolveAuditKey(options.dataDir).key);
  // A scrape token is a secret like the others: a weak one stops the start, naming the variable.
  const metricsTokenValue = options.metricsToken ?? process.env.CALLCHART_METRICS_TOKEN;
  const metricsToken = metricsTokenValue ? assertStrongSecret('CALLCHART_METRICS_TOKEN', metricsTokenValue, 'webhook-secret') : undefined;
  const ehrKeysFile = options.ehrKeysFile ?? ehrKeysFileFor(options.dataDir);
  const ehrKeys = ehrKeysFile ? new EhrKeyFile(ehrKeysFile) : null;
  const telemetry = createTelemetry({
    exporter: options.traceExporter ?? (config.telemetry.otlpUrl ? new OtlpHttpJsonTraceExporter({ url: config.telemetry.otlpUrl, serviceName: config.telemetry.serviceName }) : undefined),
    batch: !options.traceExporter,
  });
  const { tracer } = telemetry;
  // An alert webhook without its secret would send unsigned alerts: refuse before anything opens.
  const alertWebhookSecret = options.alertWebhookSecret ?? process.env.CALLCHART_ALERT_WEBHOOK_SECRET;
  if (config.alerts.webhook && !alertWebhookSecret) {
    throw new CallchartError('CONFIG_INVALID', 'alerts.webhook is set but CALLCHART_ALERT_WEBHOOK_SECRET is not: alerts are only sent signed');
  }
  if (config.alerts.webhook) assertStrongSecret('CALLCHART_ALERT_WEBHOOK_SECRET', alertWebhookSecret, 'webhook-secret');
  // On-call push notices are only sent signed: a roster with a webhook and no (or a weak) secret stops the start.
  const onCallWebhookSecret = options.onCallWebhookSecret ?? process.env.CALLCHART_ON_CALL_WEBHOOK_SECRET;
  if (config.onCall.roster.some((entry) => 'webhook' in entry.notify)) {
    if (!onCallWebhookSecret) throw new CallchartError('CONFIG_INVALID', 'onCall.roster has a push webhook but CALLCHART_ON_CALL_WEBHOOK_SECRET is not set: notices are only sent signed');
    assertStrongSecret('CALLCHART_ON_CALL_WEBHOOK_SECRET', onCallWebhookSecret, 'webhook-secret');
  }
  // RingCentral (issue 19): no, or a weak, verification token stops the start, before anything opens.
  const ringcentral = config.ringcentral.enabled ? (options.ringcentral ?? ringcentralSecretsFromEnv(process.env, { manageSubscription: Boolean(config.ringcentral.subscription) })) : null;
  // The transcription service's keys are checked before anything opens: none, or a weak one, stops the start.
  const speechServiceKeys = config.speech.service.enabled ? (options.speechService?.keys ?? speechServiceKeysFromEnv()) : [];
  if (config.speech.service.enabled && speechServiceKeys.length === 0) {
    throw new CallchartError('CONFIG_INVALID', 'speech.service.enabled is on but CALLCHART_SPEECH_SERVICE_KEYS is not set: the transcription service would refuse every caller');
  }
  speechServiceKeys.forEach((key, index) => assertStrongSecret(`CALLCHART_SPEECH_SERVICE_KEYS (key ${index + 1} of ${speechServiceKeys.length})`, key, 'base64-key'));
  // Before the store opens: a configured speech engine that cannot start stops the start, saying why.
  const speechEngines: SpeechEngines = await createSpeechEngines(config.speech, {
    logger, httpApiKey: process.env[speechHttpApiKeyVariable], ...(options.speechLoaders ? { loaders: options.speechLoaders } : {}),
  });
  let db: Awaited<ReturnType<typeof openDb>>;
  try {
    db = await openDb({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  } catch (error) {
    await speechEngines.close();
    throw error;
  }
  if (db.kind === 'pglite') {
    logger.warn(
      { storage: 'pglite' },
      'Embedded PGlite store: for trials and demos only (fsync off). Production PHI belongs in PostgreSQL: set DATABASE_URL.',
    );
  }
  await migrate(db);
  const duties = new LeaderLocks({
    db, logger, ...(options.dutyRetryMs ? { retryMs: options.dutyRetryMs } : {}),
    onChange: ({ duty: name, leading, reason }) => logger.info({ duty: name, leading, reason }, leading ? 'leading a single-writer duty' : 'no longer leading a single-writer duty'),
  });
  const readiness: Readiness = { role, migrated: true, draining: false, leading: () => duties.leading() };
  // Before anything else starts: a KEK that cannot open the stored data keys stops the start here.
  let cipher: EnvelopeKeyring;
  try {
    const kek = options.kek ?? (await resolveKekProvider({ db, mode: options.kekMode ?? 'embedded', dataDir: options.dataDir }));
    if (kek.kind === 'memory') logger.warn({ kek: 'ephemeral' }, 'No key-encryption key configured: content sealed now cannot be opened after this process ends; set CALLCHART_KEK_FILE');
    cipher = new EnvelopeKeyring({ db, kek, legacyKeys: options.dataKey ? [options.dataKey] : [], ...(options.keyRefreshMs !== undefined ? { refreshMs: options.keyRefreshMs } : {}) });
    await cipher.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  if (!options.auditKey && !options.dataDir && !process.env.CALLCHART_AUDIT_KEY) logger.warn({ auditKey: 'ephemeral' }, 'No audit key: this log cannot be verified after the engine stops; set CALLCHART_AUDIT_KEY');
  const checkpointFile = options.auditCheckpointFile ?? (options.dataDir ? path.join(options.dataDir, 'audit-checkpoints.jsonl') : undefined);
  const chainer = new AuditChainer(db, {
    key: auditKey,
    checkpoints: options.auditCheckpoints ?? (checkpointFile ? new FileCheckpointSink(checkpointFile) : new MemoryCheckpointSink()),
    ...(options.auditCheckpointIntervalMs ? { checkpointIntervalMs: options.auditCheckpointIntervalMs } : {}),
    intervalMs: 100,
    onError: (error) => logger.error({ err: { message: (error as Error).message } }, 'audit chaining failed'),
    // An unreachable sink is an audit event (once per outage), which raises an alert (AU-4).
    onCheckpointFailed: (error) =>
      void recordAuditEvent(db, { actor: 'system', action: 'audit.checkpoint.failed', objectType: 'checkpoint-sink', outcome: 'failure', reason: (error as { code?: string }).code ?? 'SINK_UNREACHABLE' }).catch(() => undefined),
    onCheckpointRecovered: () =>
      void recordAuditEvent(db, { actor: 'system', action: 'audit.checkpoint.recovered', objectType: 'checkpoint-sink', outcome: 'success' }).catch(() => undefined),
  });
  // Every process chains its own readers' writes (flush); one process at a time leads the chaining
  // on a timer and writes the checkpoints (issue 18): the duty a worker takes over when its holder dies.
  chainer.register();
  if (works) duties.add(duty('audit-chain', () => chainer.lead(), () => chainer.follow()));
  await duties.start();
  // Rules are validated before anything listens: a broken rules file stops the start, with every problem listed.
  let rules: RoutingRules;
  try {
    rules = loadRoutingRules(config.routing.rulesFile);
  } catch (error) {
    // The refusal is audited (invariant 7), then the store is closed so the next start finds it free.
    await auditRulesRejected(db, error, config.routing.rulesFile).catch(() => undefined);
    await duties.stop();
    await chainer.stop();
    cipher.close();
    await db.close();
    throw error;
  }
  const policyFile = config.policy.file ?? exampleQueuePolicyFile;
  const policies = new QueuePolicyStore(db, loadQueuePolicy(policyFile));
  // A policy file changed since the last start wins (audited); otherwise a change made through the
  // API since then stays in force (QueuePolicyStore.loadActive).
  await policies.loadActive({ policy: policies.current.policy, changedBy: 'system:config', reason: `loaded from ${policyFile.split('/').at(-1)}` });
  // Settings saved from the staff app (issue 14) override the files they were saved against; a
  // file edited since wins (resolveStartSettings). The queue policy keeps its own rule (above).
  const fileSettings = { 'routing-rules': rules, ivr: config.ivr, retention: config.retention };
  const startSettings = await resolveStartSettings(db, fileSettings);
  if (startSettings.fromStore.length > 0) logger.info({ sections: startSettings.fromStore }, 'settings saved from the staff app are in force');
  rules = startSettings.documents['routing-rules'];
  const { ivr, retention: retentionSchedule } = startSettings.documents;

  // Numbers an older version kept in clear are sealed before anything reads them.
  const sealedNumbers = await sealLegacyCallerNumbers(db, cipher);
  if (sealedNumbers > 0) logger.info({ sealedNumbers }, 'sealed caller numbers kept in clear by an earlier version');
  // Twilio's REST API only with an account and a usable token: a half-configured one says so at start.
  if (config.twilio.accountSid && !options.twilioRest && !options.twilioAuthToken) {
    logger.warn({ twilio: 'rest-disabled' }, 'twilio.accountSid is set but TWILIO_AUTH_TOKEN is not: no outbound call or SMS will be placed');
  }
  const twilioRest = options.twilioRest
    ?? (config.twilio.accountSid && options.twilioAuthToken
      ? twilioRestClient({ accountSid: config.twilio.accountSid, authToken: options.twilioAuthToken, ...(config.twilio.apiBaseUrl ? { apiBaseUrl: config.twilio.apiBaseUrl } : {}) })
      : null);
  const metrics = new CallchartMetrics({
    fallbackQueue: config.access.fallbackQueue, outboxStats: () => outboxBacklog(db),
    // Callback metrics (issue 16, AN-1) over the trailing 30 days, all queues.
    callbackStats: () => {
      const now = options.clock?.() ?? new Date();
      return callbackMetrics(db, { queues: '*', from: new Date(now.getTime() - 30 * 86_400_000), to: now, now });
    },
  });
  const ehrFailures = (client: string) => (failure: { code: string; retry: string }) => metrics.ehrFailed({ client, ...failure });
  // Two clients, two budgets: the live path (ringing → screen pop) gives up within the live budget
  // and falls back (invariant 6); after-call work can wait longer and has its own breaker, so a slow
  // EHR during a burst does not trip the live path's breaker and vice versa.
  // On PostgreSQL the EHR's budget is shared by every engine process of the deployment (issue 18):
  // a token bucket per EHR in the database, so N worker processes do not send N times the budget.
  const governor = createEhrGovernor({
    maxRequestsPerSecond: config.ehr.maxRequestsPerSecond, maxConcurrent: config.ehr.maxConcurrent,
    ...(db.kind === 'postgres' ? { shared: { db, ehr: ehrBudgetKey(options.fhirBaseUrl) } } : {}),
  });
  // One token for both clients: one client registration at the EHR, one token request per ~4 minutes.
  const ehrClient = options.ehrAuth === false ? null : (options.ehrAuth ?? ehrClientFromEnv(process.env, { keysFile: ehrKeysFile }));
  // What the EHR fetches at /.well-known/jwks.json: the key set of `callchart keys ehr`, else the public half of the configured key.
  const configuredJwks: JSONWebKeySet | null = ehrClient && typeof ehrClient.privateKey === 'object' ? publicJwksOf(ehrClient.privateKey as JWK) : null;
  const ehrJwks = () => ehrKeys?.jwks() ?? configuredJwks;
  const tokenProvider = ehrClient ? new SmartBackendTokenProvider({ ...ehrClient, timeoutMs: config.ehr.backgroundTimeoutMs }) : undefined;
  if (tokenProvider) {
    // Fetch the first token now, so the first ringing call does not wait for it.
    void tokenProvider.getAccessToken().catch((error: unknown) => logger.warn({ errCode: (error as { code?: string }).code }, 'first EHR access token failed; will retry on demand'));
  } else {
    logger.warn({ ehrAuth: 'none' }, 'EHR requests carry no SMART token: set EHR_CLIENT_ID, EHR_CLIENT_PRIVATE_JWK and EHR_TOKEN_URL for an EHR that requires it');
  }
  // A live request may wait in the governor's queue as long as routing waits for it (the card can
  // still use it after); its own timeout counts from when it is sent. Chart slices for the card
  // queue behind caller lookups: who is calling decides the route, the chart can follow. Routing
  // never waits for the chart, so a chart request may wait as long as background work: in a burst
  // (20 calls × 8 chart requests against the per-second budget) giving up at the routing budget
  // left cards without their chart. A chart that still does not come is retried by ScreenPopService.
  const liveQueueWaitMs = Math.max(config.ehr.timeoutMs, config.routing.budgetMs);
  const liveFhir = new FhirClient({ baseUrl: options.fhirBaseUrl, timeoutMs: config.ehr.timeoutMs, governor, priority: 1, queueWaitMs: liveQueueWaitMs, tokenProvider, tracer, onFailure: ehrFailures('live') });
  const liveChartFhir = new FhirClient({
    baseUrl: options.fhirBaseUrl, timeoutMs: config.ehr.timeoutMs, governor, priority: 3, queueWaitMs: Math.max(liveQueueWaitMs, config.ehr.backgroundTimeoutMs), tokenProvider,
    tracer, onFailure: ehrFailures('chart'),
  });
  const fhir = new FhirClient({
    baseUrl: options.fhirBaseUrl, timeoutMs: config.ehr.backgroundTimeoutMs, governor, priority: 7, tokenProvider,
    breakerThreshold: config.ehr.breakerThreshold, breakerHalfOpenMs: config.ehr.breakerHalfOpenMs, tracer, onFailure: ehrFailures('after-call'),
  });
  // Staff at a screen (patient search, the chart beside a review item, a link): ahead of after-call
  // work in the governor, behind live calls; a breaker of its own; an answer within 5 s either way.
  const staffFhir = new FhirClient({
    baseUrl: options.fhirBaseUrl, timeoutMs: Math.min(config.ehr.backgroundTimeoutMs, 5_000), governor, priority: 4, tokenProvider,
    breakerThreshold: config.ehr.breakerThreshold, breakerHalfOpenMs: config.ehr.breakerHalfOpenMs, tracer, onFailure: ehrFailures('staff'),
  });
  // Outreach lists (FU-2): scheduled searches of whole lists, last in the governor's queue (behind
  // after-call work), a breaker of their own, and a per-run cap: they only use budget others leave.
  const outreachFhir = new FhirClient({
    baseUrl: options.fhirBaseUrl, timeoutMs: config.ehr.backgroundTimeoutMs, governor, priority: 9, queueWaitMs: config.ehr.backgroundTimeoutMs * 4, tokenProvider,
    breakerThreshold: config.ehr.breakerThreshold, breakerHalfOpenMs: config.ehr.breakerHalfOpenMs, tracer, onFailure: ehrFailures('outreach'),
  });
  const patients = new PatientDirectory(staffFhir, { cacheSeconds: config.ehr.cacheSeconds, defaultRegion: config.clinic.defaultRegion as CountryCode });
  // The pipeline reads charts on the after-call client: its waits and failures stay off the staff's breaker.
  const afterCallPatients = new PatientDirectory(fhir, { cacheSeconds: config.ehr.cacheSeconds, defaultRegion: config.clinic.defaultRegion as CountryCode });
  const liveIdentity = new CallerIdentityService(liveFhir, { cacheSeconds: config.ehr.cacheSeconds, chartFhir: liveChartFhir });
  const identity = new CallerIdentityService(fhir, { cacheSeconds: config.ehr.cacheSeconds });
  // Screen pops delivered, in the access log: one entry per person, call and chart (AU-3).
  const screenPopAccess = new ScreenPopAccessRecorder(db, { onError: (error) => logger.error({ err: { code: (error as { code?: string }).code } }, 'screen-pop access log failed') });
  const hub = new LiveCallsHub({
    fallbackQueue: config.access.fallbackQueue,
    onCardShown: (shown) => screenPopAccess.shown(shown),
    onDropped: ({ user, reason }) =>
      void recordAuditEvent(db, { actor: 'system', action: 'staff.live.dropped', objectType: 'websocket', objectId: user, outcome: 'failure', reason }).catch(() => undefined),
  });
  // What the services publish to: this process's hub, and through PostgreSQL every other
  // process's (issue 18, ADR 0026). The embedded store is one process: nothing to cross.
  const fanOutMode = resolveLiveFanOut(config.live.fanOut, db.kind);
  if (fanOutMode === null) {
    await duties.stop();
    await chainer.stop();
    cipher.close();
    await db.close();
    throw new CallchartError('CONFIG_INVALID', 'live.fanOut is postgres but the store is the embedded one: set DATABASE_URL, or live.fanOut: none (one process)');
  }
  const liveFanOut = fanOutMode === 'postgres' ? new PostgresLiveFanOut({ db, cipher, hub, logger }) : null;
  const live: LivePublisher = liveFanOut ?? hub;
  const screenPops = new ScreenPopService({ db, cipher, identity: liveIdentity, display: live, logger, timeZone: config.clinic.timeZone });
  const workflows = resolveRequestWorkflows(config.requestTypes);
  const senders: WriteBackSender[] = [new FhirChartRecordSender({ db, cipher, fhir, policies, workflows })];
  const hl7 = config.writeBack.hl7;
  const mllp = hl7 ? new MllpClient({ host: hl7.host, port: hl7.port, ackTimeoutMs: hl7.ackTimeoutMs, logger }) : null;
  if (hl7 && mllp) {
    senders.push(new Hl7MdmSender({
      db, cipher, client: mllp, policies,
      endpoints: { sendingApp: hl7.sendingApplication, sendingFacility: hl7.sendingFacility, receivingApp: hl7.receivingApplication, receivingFacility: hl7.receivingFacility },
      messageTypes: hl7.messageTypes,
    }));
  }
  const dispatcher = new WriteBackDispatcher({
    db, logger, senders,
    batchSize: config.writeBack.batchSize, leaseMs: config.writeBack.leaseSeconds * 1_000, backoffBaseMs: config.writeBack.retryBaseMs, backoffCapMs: config.writeBack.maxBackoffMs,
    tracer, onAttempt: (attempt) => metrics.writeBackAttempted(attempt),
  });
  const review = new ReviewService({
    db, cipher, policies, workflows, targets: senders.map((sender) => sender.target), onWriteBackQueued: () => dispatcher.wake(),
    onDecided: (decision) => metrics.reviewDecided(decision),
  });
  // A language model the clinic runs (issue 15, item 6): asked after the rules, never instead of them.
  const languageModel = config.languageModel
    ? languageModelAssistFor(config.languageModel, { logger, onRequest: (request) => metrics.languageModelAsked(request) })
    : undefined;
  if (config.languageModel?.sendRawText) {
    logger.warn({ languageModel: { host: new URL(config.languageModel.baseUrl).host, sent: 'raw' } }, 'languageModel.sendRawText is on: transcripts go to the language model unredacted (the clinic policy must allow it)');
  }
  const reviewPatients = new ReviewPatients(patients);
  // The clinic calendar the on-call notices read: the rules loaded now, then routing's active rules.
  let clinicCalendar = () => ({ hours: rules.hours, timeZone: rules.timeZone });
  let ownBaseUrl = '';
  const onCall = new OnCallService({
    db, cipher, logger, review, reviewPatients, fhir: staffFhir, fallbackQueue: config.access.fallbackQueue,
    settings: config.onCall, clinicName: config.clinic.name,
    calendar: () => clinicCalendar(),
    publicBaseUrl: () => config.onCall.publicBaseUrl ?? config.twilio.publicBaseUrl ?? ownBaseUrl,
    twilio: twilioRest && config.twilio.clinicNumber ? { rest: twilioRest, clinicNumber: config.twilio.clinicNumber } : null,
    webhookSecret: onCallWebhookSecret ?? null,
    ...(options.clock ? { clock: options.clock } : {}),
    onWriteBackQueued: () => dispatcher.wake(),
    onFirstAction: (response) => metrics.onCallResponded(response),
  });
  if (config.onCall.roster.some((entry) => 'sms' in entry.notify) && !(twilioRest && config.twilio.clinicNumber)) {
    logger.warn({ onCall: 'sms-disabled' }, 'onCall.roster sends SMS but Twilio (twilio.accountSid, twilio.clinicNumber, TWILIO_AUTH_TOKEN) is not configured: those notices will fail');
  }
  const pipeline = await startPipeline({
    db,
    logger,
    concurrency: config.pipeline.concurrency,
    work: works,
    tracer,
    onStageRun: (run) => metrics.stageRan(run),
    handlers: afterCallHandlers({
      db, cipher, identity, fhir, hub: live, logger, workflows, policies, review, patients: afterCallPatients, clinicLanguage: ivr.default.language, languageModel,
      onCallerIdentified: (callId) => screenPops.reconcile(callId),
      // Which transcript to read when a call has several, and which words to mark (issue 17).
      speech: { fallback: config.speech.fallback, lowConfidence: config.speech.lowConfidence },
      // Callback tasks (issue 16): an unidentified caller's repeat calls merge on a keyed hash of the
      // number, keyed by a label-derived key from the staff token secret (never stored).
      callbacks: {
        settings: config.callbacks, fallbackQueue: config.access.fallbackQueue, ...(options.clock ? { clock: options.clock } : {}),
        callerKeySecret: createHmac('sha256', options.staffTokenSecret).update('callchart callback caller key').digest(),
      },
      onReviewPlanned: (callId) => onCall.noticeForCall(callId),
    }),
  });
  const patientLink = new PatientLinkService({ db, cipher, patients, pipeline, clinicLanguage: ivr.default.language });
  if (works) dispatcher.start();
  const ingest = new CallIngestService({
    db, cipher, policies, pipeline, identity: liveIdentity, hub: live, screenPops, logger, defaultRegion: config.clinic.defaultRegion as CountryCode,
    settleSeconds: config.pipeline.settleSeconds, groupCommit: options.groupCommit,
    onCallEnded: (call) => metrics.callEnded(call), onScreenPop: (pop) => metrics.screenPopShown(pop),
  });
  const routing = new RoutingService({ db, ingest, hub: live, logger, rules, budgetMs: config.routing.budgetMs, onDecided: (decision) => metrics.routingDecided(decision) });
  clinicCalendar = () => ({ hours: routing.currentRules.hours, timeZone: routing.currentRules.timeZone });
  // The purge deletes what is due and destroys the data keys that seal nothing any more (crypto-shredding).
  const retention = new RetentionScheduler({
    db, logger, everyMinutes: retentionSchedule.purgeEveryMinutes,
    purge: new RetentionPurge({ db, policies, destroyDataKeys: (store, keyIds, reason) => destroyDataKeys(store, keyIds, reason, 'system:retention'), logger }),
  });
  // The single-writer duties below run in the one worker process that holds each one's lock.
  if (works && retentionSchedule.enabled) duties.add(duty('retention-purge', () => retention.start(), () => retention.stop()));
  // Callback tasks past their deadline are marked overdue (an urgent one alerts, alert-rules.ts).
  const callbackSweeper = new CallbackSweeper({ db, everySeconds: config.callbacks.sweepIntervalSeconds, logger, ...(options.clock ? { now: options.clock } : {}) });
  if (works) duties.add(duty('callback-sweep', () => callbackSweeper.start(), () => callbackSweeper.stop()));
  await routing.activate();
  const settings = new SettingsService({ db, policies, routing, running: { ivr, retention: retentionSchedule }, files: fileSettings });
  const signIn = new StaffSignIn({
    db, cipher, secret: options.staffTokenSecret, clock: options.clock ?? (() => new Date()),
    settings: {
      idleMinutes: config.auth.session.idleMinutes, absoluteHours: config.auth.session.absoluteHours, stepUpMinutes: config.auth.stepUpMinutes,
      maxFailedSignIns: config.auth.lockout.maxFailures, lockMinutes: config.auth.lockout.lockMinutes, issuer: `Callchart ${config.clinic.name}`,
    },
  });
  // The callback URL the IdP redirects to: the configured one (behind a proxy), else this engine's own.
  let ownUrl = '';
  const sso = config.auth.sso && ssoSecret ? { settings: config.auth.sso, client: new SsoClient(config.auth.sso, ssoSecret, () => config.auth.sso?.redirectUrl ?? `${ownUrl}/auth/sso/callback`) } : null;
  const outreach = new OutreachService({
    db, cipher, fhir: outreachFhir, settings: config.outreach, clinicName: config.clinic.name, logger,
    tasks: outreachCallbackTasks(config.callbacks, options.clock),
    ...(options.clock ? { now: options.clock } : {}),
  });
  const outreachScheduler = new OutreachScheduler({ service: outreach, everyMinutes: config.outreach.everyMinutes, logger });
  if (works && config.outreach.enabled) duties.add(duty('outreach-schedule', () => outreachScheduler.start(), () => outreachScheduler.stop()));
  const keys = new KeyOperations({ db, keyring: cipher, onBackgroundError: (error) => logger.error({ errCode: (error as { code?: string }).code }, 'data key re-wrap stopped; run it again with callchart keys rotate') });
  // Outbound event webhooks (OW-1): built before the API, which lists their troubles and redelivers.
  const eventWebhooks = new EventWebhookWorker({
    db, cipher, logger, fallbackQueue: config.access.fallbackQueue, ...config.eventWebhooks,
    ...(options.clock ? { now: options.clock } : {}),
    onAttempt: (attempt) => metrics.eventWebhookAttempted(attempt),
  });
  // Calls placed from callback tasks (issue 16, ADR 0021): the chart's number, the clinic's caller ID.
  const outbound = new OutboundCallService({
    db, logger, ingest, policies, twilio: twilioRest, tasks: callbackTaskPort(config.callbacks),
    ivr: () => ivr, clinicNumber: config.twilio.clinicNumber ?? null, clinicName: config.clinic.name,
    readPatient: (patientId) => staffFhir.read<Patient>('Patient', patientId), defaultRegion: config.clinic.defaultRegion as CountryCode,
    webhookBaseUrl: () => config.twilio.publicBaseUrl ?? ownUrl,
    ...(options.clock ? { now: options.clock } : {}),
  });
  // Self-scheduling links (issue 16, SC-1): the patient's page reads and books on the staff client
  // (a person waiting at a screen, within its budget and breaker).
  const booking = new BookingService({
    db, scheduling: new EhrScheduling(staffFhir, { ...(config.booking.serviceType ? { serviceType: config.booking.serviceType } : {}) }), sms: twilioRest, clock: options.clock ?? (() => new Date()),
    settings: {
      clinicName: config.clinic.name, clinicNumber: config.twilio.clinicNumber ?? null, // Read when a link is sent: the engine's own address is known only once it listens.
      get publicBaseUrl() { return config.booking.publicBaseUrl ?? config.twilio.publicBaseUrl ?? (ownUrl || null); },
      linkHours: config.booking.linkHours, maxBirthDateChecks: config.booking.maxBirthDateChecks, sessionMinutes: config.booking.sessionMinutes, horizonDays: config.booking.horizonDays,
    },
  });
  // The transcription service's local engine (issue 17): handed in, or pocketsphinx started here.
  // The live engine serves it too when it is pocketsphinx (one worker pool, the model loaded once).
  const liveServes = speechEngines.live.name === 'pocketsphinx';
  const ownSpeechServiceEngine = config.speech.service.enabled && !options.speechService?.engine && !liveServes;
  const speechServiceEngine = !config.speech.service.enabled ? null : options.speechService?.engine ?? (liveServes ? speechEngines.live : null)
    ?? await (await import('../speech/pocketsphinx/pocketsphinx.engine.ts')).PocketsphinxEngine.start({ ...config.speech.pocketsphinx, lowConfidence: config.speech.lowConfidence }, { logger });
  // Live transcripts of streamed calls (issue 17): redacted, to the call's clinical viewers, only with consent.
  const liveTranscripts = new LiveTranscriptService({
    db, display: live, logger, lowConfidence: config.speech.lowConfidence,
    // The identified caller's name and MRN from the card, so the redactor recognises them.
    patientContext: async (call) => {
      const patient = hub.shownScreenPop(call.id)?.patient;
      return patient ? { name: patient.name, ...(patient.mrn ? { mrn: patient.mrn } : {}) } : undefined;
    },
  });
  const finalTranscripts = new CallTranscriptService({
    db, ingest, logger, fallbackMode: config.speech.fallback, ...(speechEngines.fallback ? { fallback: speechEngines.fallback } : {}),
    stopReason: (callSid) => liveTranscripts.stopReason(callSid),
    // Call audio kept per policy (TR-3): with speech.audio.keep, sealed when record consent is granted at the call's end.
    ...(config.speech.audio.keep ? { keepAudio: callAudioKeeper({ db, cipher, settings: config.speech.audio }) } : {}),
  });
  const app = role === 'worker' ? healthOnlyApp(db, readiness) : await buildApp({
    db,
    readiness,
    speech: speechEngines.live,
    // Audio is held in memory for the call only when a fallback engine may need it, or it is kept (speech.audio.keep).
    speechTranscripts: { live: liveTranscripts, final: finalTranscripts, holdAudio: Boolean(speechEngines.fallback) || config.speech.audio.keep },
    signIn,
    outbound,
    authAttemptsPerMinute: config.auth.attemptsPerMinute,
    liveRecheckMs: config.auth.liveRecheckSeconds * 1_000,
    logger,
    keys,
    ingest,
    hub,
    version: engineVersion,
    clinic: { name: config.clinic.name, timeZone: config.clinic.timeZone },
    demoData: options.demoData ?? false,
    fhirBaseUrl: fhir.baseUrl,
    webhookSecrets: () => [options.webhookSecret],
    ringcentralVerificationTokens: () => ringcentral?.verificationTokens ?? [],
    staffTokenSecret: options.staffTokenSecret,
    routing,
    onPatientChanged: (patientId: string, phones: string[]) => liveIdentity.invalidatePatient(patientId, phones) + identity.invalidatePatient(patientId, phones) + patients.invalidate(patientId) + afterCallPatients.invalidate(patientId),
    twilio: {
      authToken: () => options.twilioAuthToken || undefined,
      publicBaseUrl: config.twilio.publicBaseUrl,
      ivr,
      defaultRegion: config.clinic.defaultRegion as CountryCode,
      // The IVR asks only the consents the call's queue can use (PX-1).
      queuePolicy: () => policies.current.policy,
      // Twilio's own real-time transcription, on calls with transcribe consent (issue 17): its
      // partials and finals go through the same redacting live path as our engine's.
      realtimeTranscription: {
        ...config.speech.twilioRealtime, lowConfidence: config.speech.lowConfidence, cipher,
        onLiveSegment: async (input) => {
          await options.onLiveTranscriptSegment?.(input);
          await liveTranscripts.accept(input);
        },
      },
    },
    zoom: { secretToken: () => zoomSecretToken },
    replayWindowSeconds: config.webhooks.replayWindowSeconds,
    maxBodyBytes: config.webhooks.maxBodyBytes,
    fallbackQueue: config.access.fallbackQueue,
    maxRejectionsPerMinute: config.access.maxRefusalsPerMinute,
    // Refusals are audited with a keyed hash of the source; the staff token secret keys it (never stored).
    auditSourceKey: options.staffTokenSecret,
    metrics: { registry: metrics, token: () => metricsToken },
    ...(telemetry.enabled ? { tracer } : {}),
    ehrJwks,
    governance: { incidents: { auditKey, notificationDays: config.alerts.incidents.notificationDays, evidenceHours: config.alerts.incidents.evidenceHours } },
    scim: { settings: config.scim, token: () => scimToken },
    sso,
    liveCalls: { cipher, identity: liveIdentity, screenPops, display: live, pipeline },
    onCall,
    settings,
    outreach: { outreach, scheduler: outreachScheduler },
    callbacks: { settings: config.callbacks, ...(options.clock ? { now: options.clock } : {}) },
    eventWebhooks: {
      cipher, allowLoopbackHttp: config.eventWebhooks.allowLoopbackHttp, onRedeliver: () => eventWebhooks.nudge(),
      ...(options.clock ? { now: options.clock } : {}),
    },
    booking: { service: booking, formKey: createHmac('sha256', options.staffTokenSecret).update('callchart booking forms v1').digest() },
    ...(speechServiceEngine ? { speechService: { engine: speechServiceEngine, keys: () => speechServiceKeys, settings: config.speech.service } } : {}),
    staff: {
      cipher, review, policies, onWriteBackQueued: () => dispatcher.wake(),
      patients, patientLink, reviewPatients, writeBackTargets: senders,
      patientExists: async (patientId: string) => {
        try {
          await fhir.read('Patient', patientId);
          return true;
        } catch (error) {
          if (isCallchartError(error) && error.code === 'EHR_REJECTED' && (error.detail?.status === 404 || error.detail?.status === 410)) return false;
          return null;
        }
      },
    },
  });
  const alertConfig = config.alerts;
  const alerts = new AlertWorker({
    db, logger,
    thresholds: { baseline: alertConfig.baseline, reviewEdits: alertConfig.reviewEdits, privilegedRoles: alertConfig.privilegedRoles },
    disabledRules: alertConfig.disabledRules,
    webhook: alertConfig.webhook && alertWebhookSecret ? { ...alertConfig.webhook, secret: alertWebhookSecret } : null,
    intervalMs: alertConfig.intervalMs,
    verifyIntervalMs: alertConfig.verifyIntervalMinutes * 60_000,
  });
  if (works) duties.add(duty('alerts', () => alerts.start(), () => alerts.stop()));
  if (works) duties.add(duty('event-webhooks', () => eventWebhooks.start(), () => eventWebhooks.stop()));
  // Listening, and holding what other processes show now, before the first viewer can connect.
  await liveFanOut?.start();
  await app.listen({ host: options.host ?? config.server.host, port: options.port ?? config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${options.host ?? config.server.host}:${port}`;
  ownUrl = url;
  ownBaseUrl = url;
  if (works) duties.add(duty('on-call-notices', () => onCall.start(), () => onCall.stop()));
  // The RingCentral subscription is kept alive by one worker (the duty's holder; the others stand by).
  const rcSubscription = config.ringcentral.subscription;
  const ringcentralKeeper = ringcentral?.credentials && rcSubscription && works
    ? new RingcentralSubscriptionKeeper({
      db, logger, client: new RingcentralRestClient({ serverUrl: rcSubscription.serverUrl, credentials: ringcentral.credentials }),
      verificationToken: () => ringcentral.verificationTokens[0]!,
      settings: { address: `${rcSubscription.publicBaseUrl.replace(/\/$/, '')}${ringcentralWebhookPath}`, expiresInSeconds: rcSubscription.expiresInSeconds, renewBeforeSeconds: rcSubscription.renewBeforeSeconds },
    })
    : null;
  if (ringcentralKeeper) duties.add(duty('ringcentral-subscription', () => ringcentralKeeper.start(), () => ringcentralKeeper.stop()));
  // A lone process leads every duty before it reports itself started (as before issue 18).
  await duties.tick();
  const { engine: speechEngine, fallback: speechFallback, httpHost: speechHttpHost } = describeSpeechEngines(config.speech, speechEngines);
  const speechDescription = { speechEngine, speechFallback, speechHttpHost };
  await recordAuditEvent(db, {
    actor: 'system', action: 'engine.started', objectType: 'engine', outcome: 'success',
    detail: {
      storage: db.kind, version: engineVersion, role,
      // Which model sees transcripts, and in which form: the record of the clinic's choice (raw text only by explicit setting).
      languageModelHost: config.languageModel ? new URL(config.languageModel.baseUrl).host : null,
      languageModelText: config.languageModel ? (config.languageModel.sendRawText ? 'raw' : 'redacted') : null,
      // Which speech engines hear calls (names and host only; never a key).
      ...speechDescription,
    },
  });
  logger.info(speechDescription, 'speech engines ready');

  let closed = false;
  const engine: Engine = {
    url, role, duties, readiness, db, app, hub, liveFanOut, pipeline, logger, routing, review, policies, dispatcher, metrics, telemetry, alerts, signIn, retention, keyring: cipher, keys, twilioRest, eventWebhooks, onCall,
    outreach: { service: outreach, scheduler: outreachScheduler },
    async close() {
      if (closed) return;
      closed = true;
      readiness.draining = true;
      hub.close();
      await app.close();
      await speechEngines.close();
      // Routing decisions answered just before the deadline may still be committing.
      await routing.drain();
      // No new tries from here; one in progress ends once the governor drops its waiting requests.
      const screenPopsStopped = screenPops.stop();
      await dispatcher.stop();
      // The duties stop and free their locks for a standby, the audit chain last (below). A list
      // run waiting in the governor ends once the governor drops its waiting requests.
      const dutiesStopped = duties.release(duties.names().filter((name) => name !== 'audit-chain'));
      // Stage runs in flight finish (within the pipeline's grace) or go back to the queue for a
      // peer, while the EHR client still works: stopping the governor first failed them instead.
      await pipeline.stop();
      await mllp?.close();
      await governor.stop({ dropWaitingJobs: true });
      await screenPopsStopped;
      await dutiesStopped;
      // After everything that publishes: what it shared last is written before the store closes.
      await liveFanOut?.stop();
      await screenPopAccess.stop();
      if (ownSpeechServiceEngine) await speechServiceEngine?.close?.().catch(() => undefined);
      await keys.idle();
      // The chain's last links and checkpoint, then its lock goes to a standby.
      await duties.stop();
      await chainer.stop();
      cipher.close();
      await db.close();
      // Last: the spans of everything above are sent before the exporter closes.
      await telemetry.shutdown().catch(() => undefined);
    },
    async drain({ drainMs, timeoutMs }) {
      readiness.draining = true;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timed-out'>((resolve) => {
        timer = setTimeout(() => resolve('timed-out'), timeoutMs);
        timer.unref();
      });
      const drained = (async () => {
        // Readiness is false now; the load balancer's next probe sees it before the listener closes.
        if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs).unref());
        await engine.close();
        return 'clean' as const;
      })();
      try {
        return await Promise.race([drained, deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return engine;
}

/**
 * A worker's HTTP listener (issue 18): liveness and readiness only, so an orchestrator can probe
 * it; no webhook, API or staff route is served by a process that does not serve them.
 */
function healthOnlyApp(db: Db, readiness: Readiness): FastifyInstance {
  const app = Fastify({ logger: false });
  registerHealthRoutes(app, { db, readiness });
  return app;
}
