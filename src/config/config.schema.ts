import { z } from 'zod';
import { ivrSettingsSchema } from '../ivr/ivr-settings.schema.ts';
import { requestWorkflowsSchema } from '../nlp/workflows.ts';

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
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8787 }),
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
      })
      .strict()
      .default({}),
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
    /** The retention purge (RE-1): how often it runs; the days per artifact class are in the queue policy. */
    retention: z
      .object({
        /** Run the scheduled purge in processes that do pipeline work. */
        enabled: z.boolean().default(true),
        purgeEveryMinutes: z.number().int().min(1).max(24 * 60).default(60),
      })
      .strict()
      .default({ enabled: true, purgeEveryMinutes: 60 }),
  })
  .strict();

export type CallchartConfig = z.infer<typeof configSchema>;

export const defaultConfig: CallchartConfig = configSchema.parse({});
