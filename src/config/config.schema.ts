import { z } from 'zod';
import { ivrSettingsSchema } from '../ivr/ivr-settings.schema.ts';
import { requestWorkflowsSchema } from '../nlp/workflows.ts';
import { staffRoles } from '../auth/staff-token.ts';
import { scimSettingsSchema } from '../scim/scim-groups.ts';
import { ssoSettingsSchema } from '../auth/sso.ts';
import { languageModelSettingsSchema } from '../nlp/language-model/language-model.settings.ts';
import { callbackSettingsSchema, defaultCallbackSettings } from '../callbacks/callback-policy.ts';
import { defaultOutreachSettings, outreachSettingsSchema } from '../outreach/outreach-settings.ts';
import { speechSettingsSchema } from '../speech/speech.settings.ts';

/**
 * The one config file (YAML), validated by this schema. Secrets never live here: they come from
 * the environment (CALLCHART_WEBHOOK_SECRET, CALLCHART_DATA_KEY, DATABASE_URL) or the data
 * directory's generated secret files for trials.
 */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const alertsConfigSchema = z
  .object({
    /** Signed outbound webhook (secret: CALLCHART_ALERT_WEBHOOK_SECRET). Absent: table and log only. */
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
        retryBaseMs: z.number().int().min(10).max(3_600_000).default(5_000),
        maxBackoffMs: z.number().int().min(10).max(86_400_000).default(3_600_000),
        /** Tries before an alert's delivery is given up (audited as alert.delivery.failed). */
        maxAttempts: z.number().int().min(1).max(100).default(20),
      })
      .strict()
      .optional(),
    /** Access above a person's baseline: distinct patients per hour against max(floor, multiplier × trailing mean per active hour). */
    baseline: z
      .object({
        floor: z.number().int().min(1).max(100_000).default(25),
        multiplier: z.number().min(1).max(100).default(3),
        trailingDays: z.number().int().min(1).max(90).default(14),
      })
      .strict()
      .default({ floor: 25, multiplier: 3, trailingDays: 14 }),
    /** Repeated review edits: this many edits of one item by one person within the window. */
    reviewEdits: z
      .object({ count: z.number().int().min(2).max(1_000).default(5), windowMinutes: z.number().int().min(1).max(1_440).default(10) })
      .strict()
      .default({ count: 5, windowMinutes: 10 }),
    privilegedRoles: z.array(z.enum(staffRoles)).default(['admin', 'auditor']),
    /** Rule ids switched off (see the README's list). */
    disabledRules: z.array(z.string().min(1).max(64)).default([]),
    /** How often the worker reads new audit events (ms). */
    intervalMs: z.number().int().min(50).max(600_000).default(2_000),
    /** How often the whole audit chain is verified (minutes; 0: never). */
    verifyIntervalMinutes: z.number().min(0).max(10_080).default(60),
    incidents: z
      .object({
        /** Days from discovery to notify individuals (and HHS for 500 or more): 60 by federal rule. */
        notificationDays: z.number().int().min(1).max(365).default(60),
        /** Hours of audit log before the alert's event sealed into the evidence. */
        evidenceHours: z.number().int().min(1).max(24 * 90).default(24),
      })
      .strict()
      .default({ notificationDays: 60, evidenceHours: 24 }),
  })
  .strict()
  .default({
    baseline: { floor: 25, multiplier: 3, trailingDays: 14 }, reviewEdits: { count: 5, windowMinutes: 10 }, privilegedRoles: ['admin', 'auditor'], disabledRules: [],
    intervalMs: 2_000, verifyIntervalMinutes: 60, incidents: { notificationDays: 60, evidenceHours: 24 },
  });

export const configSchema = z
  .object({
    clinic: z
      .object({
        name: z.string().min(1).max(120).default('Demo Clinic (synthetic)'),
        /** Region used to read national-format caller numbers (ISO 3166 alpha-2). */
        defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, e.g. US').default('US'),
        timeZone: z.string().min(1).refine(isTimeZone, 'unknown IANA time zone, e.g. America/New_York').default('America/New_York'),
      })
      .strict()
      .default({ name: 'Demo Clinic (synthetic)', defaultRegion: 'US', timeZone: 'America/New_York' }),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8787),
        /**
         * Graceful shutdown (issue 18): on SIGTERM readiness turns false this long before the
         * listener closes, so a load balancer stops sending first; then in-flight work drains.
         */
        drainSeconds: z.number().min(0).max(120).default(2),
        /** The whole shutdown, drain included, ends within this; past it the process exits 1. */
        shutdownTimeoutSeconds: z.number().int().min(1).max(600).default(30),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8787, drainSeconds: 2, shutdownTimeoutSeconds: 30 }),
    ehr: z
      .object({
        /** FHIR R4 base URL; absent means the built-in sandbox EHR (demo only). */
        fhirBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** Live-path budget for one EHR request (ID-5). */
        timeoutMs: z.number().int().min(50).max(30_000).default(800),
        /** Budget for one EHR request from after-call work (write-back), which can wait longer. */
        backgroundTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        /** How long a caller lookup is reused for repeat callers. */
        cacheSeconds: z.number().int().min(0).max(3_600).default(60),
        /** The EHR's published budget: requests started per second, and in flight at once. */
        maxRequestsPerSecond: z.number().int().min(1).max(10_000).default(100),
        maxConcurrent: z.number().int().min(1).max(1_000).default(32),
        /** Consecutive failures that open the circuit breaker, and how long it stays open before a trial request. */
        breakerThreshold: z.number().int().min(1).max(1_000).default(5),
        breakerHalfOpenMs: z.number().int().min(100).max(600_000).default(10_000),
      })
      .strict()
      .default({ timeoutMs: 800, backgroundTimeoutMs: 10_000, cacheSeconds: 60, maxRequestsPerSecond: 100, maxConcurrent: 32, breakerThreshold: 5, breakerHalfOpenMs: 10_000 }),
    webhooks: z
      .object({
        replayWindowSeconds: z.number().int().min(30).max(3_600).default(300),
        maxBodyBytes: z.number().int().min(1_024).max(5 * 1024 * 1024).default(256 * 1024),
      })
      .strict()
      .default({ replayWindowSeconds: 300, maxBodyBytes: 256 * 1024 }),
    twilio: z
      .object({
        /** The base URL Twilio calls (behind a proxy or tunnel); signatures are checked against it. */
        publicBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
        /**
         * The account for Twilio's REST API (issue 16: outbound calls, SMS); it authenticates with
         * TWILIO_AUTH_TOKEN, the same token that signs Twilio's webhooks. Absent: nothing is placed or sent.
         */
        accountSid: z.string().regex(/^AC[0-9a-f]{32}$/i, 'an account SID: AC and 32 hex digits').optional(),
        /** Where the REST API is (default Twilio's cloud; the demo points it at its local Twilio stand-in). */
        apiBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** The clinic's number (E.164): the caller ID of outbound calls and the sender of SMS. */
        clinicNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +15555550100').optional(),
      })
      .strict()
      .default({}),
    /**
     * RingCentral as a call source (issue 19; README "RingCentral"): telephony session notifications
     * to POST /webhooks/ringcentral, checked with RINGCENTRAL_VERIFICATION_TOKEN. With `subscription`
     * set, Callchart creates the WebHook subscription itself and renews it before it expires, with
     * RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET and RINGCENTRAL_JWT from the environment.
     */
    ringcentral: z
      .object({
        enabled: z.boolean().default(false),
        subscription: z
          .object({
            /** The public base URL RingCentral posts to; the address is `<publicBaseUrl>/webhooks/ringcentral` (https in production). */
            publicBaseUrl: z.url({ protocol: /^https?$/ }),
            /** RingCentral's platform (the demo points it at its local stand-in). */
            serverUrl: z.url({ protocol: /^https?$/ }).default('https://platform.ringcentral.com'),
            /** Requested lifetime of the subscription; RingCentral may grant less. */
            expiresInSeconds: z.number().int().min(600).max(315_360_000).default(604_800),
            /** Renew this long before it expires (at most half the lifetime is used). */
            renewBeforeSeconds: z.number().int().min(60).max(604_800).default(86_400),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ enabled: false }),
    /**
     * Zoom Phone as a call source (issue 19): POST /webhooks/zoom, signed with the Zoom app's Secret
     * Token from CALLCHART_ZOOM_WEBHOOK_SECRET. Enabled without a usable token: the engine does not
     * start. Disabled: the route refuses every request (403 ZOOM_NOT_CONFIGURED).
     */
    zoom: z.object({ enabled: z.boolean().default(false) }).strict().default({ enabled: false }),
    /** Self-scheduling links (issue 16, SC-1; docs/guides/self-scheduling.md): texted to the chart's mobile, booked in the EHR. */
    booking: z
      .object({
        /** Where patients open links (`<publicBaseUrl>/book/<token>`); absent: `twilio.publicBaseUrl`. */
        publicBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** How long a link works after it is sent. */
        linkHours: z.number().int().min(1).max(24 * 14).default(72),
        /** Wrong dates of birth before a link locks. */
        maxBirthDateChecks: z.number().int().min(1).max(10).default(5),
        /** How long the page stays open after the date of birth checks out. */
        sessionMinutes: z.number().int().min(5).max(240).default(30),
        /** How far ahead free times are offered. */
        horizonDays: z.number().int().min(1).max(90).default(14),
        /** Only slots of this service type (FHIR token, e.g. `http://terminology.hl7.org/CodeSystem/service-type|124`); absent: any. */
        serviceType: z.string().min(1).max(200).optional(),
      })
      .strict()
      .default({ linkHours: 72, maxBirthDateChecks: 5, sessionMinutes: 30, horizonDays: 14 }),
    routing: z
      .object({
        /** Routing rules (YAML); absent means the bundled synthetic example rules (demo only). */
        rulesFile: z.string().min(1).optional(),
        /** The routing decision is always made within this budget (RT-2). */
        budgetMs: z.number().int().min(200).max(2_000).default(2_000),
      })
      .strict()
      .default({ budgetMs: 2_000 }),
    ivr: ivrSettingsSchema.default(ivrSettingsSchema.parse({})),
    /** Queue policy (CO-3): transcription, AI, integration pattern, retention, sensitive categories. */
    policy: z
      .object({
        /** Queue policy YAML; absent means the bundled synthetic example policy (demo only). */
        file: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    writeBack: z
      .object({
        /** Items claimed per round per target; they are sent one after another, oldest first. */
        batchSize: z.number().int().min(1).max(500).default(16),
        /** A claimed item is reserved this long before another worker may take it over (as ambiguous). */
        leaseSeconds: z.number().int().min(5).max(3_600).default(60),
        /** First wait before retrying a transient failure; doubles per attempt (with jitter). */
        retryBaseMs: z.number().int().min(10).max(60_000).default(1_000),
        /** Longest wait between retries of one item while the EHR is failing (Retry-After is capped by it too). */
        maxBackoffMs: z.number().int().min(10).max(3_600_000).default(60_000),
        /** HL7 v2 (WB-2): approved notes also go as MDM^T02 over MLLP to this peer. */
        hl7: z
          .object({
            host: z.string().min(1),
            port: z.number().int().min(1).max(65_535),
            sendingApplication: z.string().min(1).max(40).default('CALLCHART'),
            sendingFacility: z.string().min(1).max(40).default('CLINIC'),
            receivingApplication: z.string().min(1).max(40).default('EHR'),
            receivingFacility: z.string().min(1).max(40).default('CLINIC'),
            ackTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
            /** MDM^T02 always; ORU^R01 too where the receiver wants the note as a result. */
            messageTypes: z.array(z.enum(['MDM^T02', 'ORU^R01'])).min(1).default(['MDM^T02']),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ batchSize: 16, leaseSeconds: 60, retryBaseMs: 1_000, maxBackoffMs: 60_000 }),
    /** Where each request type goes in the EHR: queue, owner role, priority, due interval (UN-1). */
    requestTypes: requestWorkflowsSchema,
    /**
     * A language model the clinic runs (vLLM, llama.cpp server, Ollama), asked after the rules
     * (docs/guides/language-model.md). Absent: the rules alone. API key: CALLCHART_LANGUAGE_MODEL_API_KEY.
     */
    languageModel: languageModelSettingsSchema.optional(),
    /** Speech engines (issue 17): live and post-call transcription, honest about quality. Default: none of our own. */
    speech: speechSettingsSchema.default(() => speechSettingsSchema.parse({})),
    pipeline: z
      .object({
        /** Worker concurrency per stage. */
        concurrency: z.number().int().min(1).max(64).default(4),
        /** Seconds to wait after a call ends before writing to the chart, so late webhooks (a
         * transcript, a date of birth) are in. */
        settleSeconds: z.number().int().min(0).max(600).default(5),
      })
      .strict()
      .default({ concurrency: 4, settleSeconds: 5 }),
    /** Who sees what (SE-2): a call the PBX put in no queue belongs to this queue, never to everyone. */
    access: z
      .object({
        fallbackQueue: z.string().min(1).max(128).default('front-desk'),
        /** Refused requests (bad signatures, bad tokens, bad bodies) one source may send per minute before it gets 429s. */
        maxRefusalsPerMinute: z.number().int().min(10).max(1_000_000).default(120),
      })
      .strict()
      .default({ fallbackQueue: 'front-desk', maxRefusalsPerMinute: 120 }),
    /** OpenTelemetry traces (AN-1): off unless a collector's OTLP/HTTP traces URL is set. Spans hold ids and codes only. */
    telemetry: z
      .object({
        /** The collector's traces endpoint, OTLP over HTTP with JSON, e.g. http://127.0.0.1:4318/v1/traces. */
        otlpUrl: z.url({ protocol: /^https?$/ }).optional(),
        serviceName: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default('callchart'),
      })
      .strict()
      .default({ serviceName: 'callchart' }),
    /** Alerts and incidents (AU-4, IR-1): thresholds, the signed webhook, verification, deadlines. */
    alerts: alertsConfigSchema,
    /** Outbound event webhooks (OW-1): subscribers are added through the admin API; this is how delivery behaves. */
    eventWebhooks: z
      .object({
        /** How often new events are read and due deliveries sent. */
        intervalMs: z.number().int().min(50).max(600_000).default(1_000),
        timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
        retryBaseMs: z.number().int().min(10).max(3_600_000).default(5_000),
        maxBackoffMs: z.number().int().min(10).max(86_400_000).default(3_600_000),
        /** Tries before a delivery is dead (audited as event-webhook.delivery.dead, listed in the worklist). */
        maxAttempts: z.number().int().min(1).max(100).default(12),
        /** Plain http to a loopback address (development and tests only); every other subscriber URL must be https. */
        allowLoopbackHttp: z.boolean().default(false),
      })
      .strict()
      .default({ intervalMs: 1_000, timeoutMs: 5_000, retryBaseMs: 5_000, maxBackoffMs: 3_600_000, maxAttempts: 12, allowLoopbackHttp: false }),
    /** Staff sign-in (SE-3): sessions, step-up, lockout. */
    auth: z
      .object({
        /** The clinic's OpenID Connect identity provider (README "Sign-in with an identity provider"); client secret: CALLCHART_SSO_CLIENT_SECRET. */
        sso: ssoSettingsSchema.optional(),
        session: z
          .object({
            /** A session unused this long ends (HIPAA automatic logoff). */
            idleMinutes: z.number().int().min(1).max(240).default(15),
            /** A session ends this long after sign-in, used or not (a shift). */
            absoluteHours: z.number().int().min(1).max(24).default(12),
          })
          .strict()
          .default({ idleMinutes: 15, absoluteHours: 12 }),
        /** How long a re-authentication opens raw content, exports and key operations. */
        stepUpMinutes: z.number().int().min(1).max(60).default(5),
        /** Wrong passwords or codes in a row that lock an account, and for how long. */
        lockout: z
          .object({ maxFailures: z.number().int().min(3).max(50).default(5), lockMinutes: z.number().int().min(1).max(1_440).default(15) })
          .strict()
          .default({ maxFailures: 5, lockMinutes: 15 }),
        /** Sign-in attempts (any step) one source may make per minute before it gets 429s. */
        attemptsPerMinute: z.number().int().min(1).max(100_000).default(20),
        /** How often an open live socket re-checks its session or token (ended, revoked, disabled → closed). */
        liveRecheckSeconds: z.number().int().min(1).max(300).default(10),
      })
      .strict()
      .default({ session: { idleMinutes: 15, absoluteHours: 12 }, stepUpMinutes: 5, lockout: { maxFailures: 5, lockMinutes: 15 }, attemptsPerMinute: 20, liveRecheckSeconds: 10 }),
    /** SCIM provisioning (issue 13): what the identity provider's groups mean; the token is CALLCHART_SCIM_TOKEN. */
    scim: scimSettingsSchema.default({ groups: {}, defaultRole: 'intake', onDelete: 'disable' }),
    /**
     * The on-call clinician's phone view (issue 16, AH-1): who is on call, how each is told, and when
     * they cover. Staff numbers and webhook URLs are not patient PHI but are never logged. A push
     * webhook is signed with CALLCHART_ON_CALL_WEBHOOK_SECRET (like the CTI webhook).
     */
    onCall: z
      .object({
        roster: z
          .array(
            z
              .object({
                /** The clinician's staff user name (role clinician). */
                user: z.string().min(1).max(128),
                /** SMS to a staff phone (E.164, through Twilio) or a push webhook URL. */
                notify: z.union([
                  z.object({ sms: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +15555550100') }).strict(),
                  z.object({ webhook: z.url({ protocol: /^https?$/ }) }).strict(),
                ]),
                /** `after-hours`: when the clinic calendar (routing rules' hours) says closed; `always`: any time. */
                covers: z.enum(['after-hours', 'always']).default('after-hours'),
              })
              .strict(),
          )
          .default([]),
        /** Where the link in the notification points (the staff app as clinicians reach it). Absent: twilio.publicBaseUrl, else the engine's own URL. */
        publicBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** Request types that need a clinician after hours (red flags always do). */
        requestTypes: z.array(z.string().min(1).max(64)).default(['prescription_refill', 'symptom_report', 'urgent_emergency']),
        /** The queue "hand to nurse triage" moves an item to. */
        nurseTriageQueue: z.string().min(1).max(64).default('nurse-triage'),
      })
      .strict()
      .default({ roster: [], requestTypes: ['prescription_refill', 'symptom_report', 'urgent_emergency'], nurseTriageQueue: 'nurse-triage' }),
    /** The retention purge (RE-1): how often it runs; the days per artifact class are in the queue policy. */
    retention: z
      .object({
        /** Run the scheduled purge in processes that do pipeline work. */
        enabled: z.boolean().default(true),
        purgeEveryMinutes: z.number().int().min(1).max(24 * 60).default(60),
      })
      .strict()
      .default({ enabled: true, purgeEveryMinutes: 60 }),
    /**
     * The staff live display across engine processes (issue 18, ADR 0026). `fanOut`: `auto` (the
     * default) relays through PostgreSQL LISTEN/NOTIFY when DATABASE_URL is PostgreSQL and stays
     * in-process on the embedded store; `postgres` insists on it (refused on the embedded store);
     * `none`: one process only, nothing crosses.
     */
    live: z
      .object({ fanOut: z.enum(['auto', 'postgres', 'none']).default('auto') })
      .strict()
      .default({ fanOut: 'auto' }),
    /** Callback tasks (issue 16, FU-1): deadlines, the escalation ladder, merging repeat calls, the overdue sweep. */
    callbacks: callbackSettingsSchema.default(defaultCallbackSettings),
    /** Outreach lists (issue 16, FU-2): the EHR list schedule, its budget, the CSV limits, the scripts. */
    outreach: outreachSettingsSchema.default(defaultOutreachSettings),
  })
  .strict();

export type CallchartConfig = z.infer<typeof configSchema>;

export const defaultConfig: CallchartConfig = configSchema.parse({});
