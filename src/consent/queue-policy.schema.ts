import { z } from 'zod';
import { requestTypeCodes } from '../nlp/analysis.types.ts';
import { documentVersion, parseYamlWithSchema, type ParseYamlResult } from '../lib/yaml-document.ts';

/**
 * Queue policy as data (CO-3, IP-1): per queue and per request type, whether calls may be
 * transcribed, whether AI may draft from them, how the result reaches the chart, how long content
 * is kept, and which sensitive categories force a human review. One YAML file per clinic
 * (`queue-policy.example.yaml` is complete), validated here, hashed into a version; every version
 * that becomes active is stored and audited with who changed it and why.
 *
 * Layers, most general first: `defaults`, then `requestTypes.<type>`, then `queues.<queue>`, then
 * `queues.<queue>.requestTypes.<type>`. The layers can only make handling stricter where privacy
 * is concerned: `transcription` and `ai` are on only if no layer turns them off, `sensitive`
 * categories add up, `review: always` anywhere means always, and the retention class with the
 * shortest content lifetime wins. The integration pattern is the most specific layer's choice.
 */

/** How an approved call reaches the chart (IP-1). */
export const integrationPatterns = ['summary-only', 'review', 'event'] as const;
export type IntegrationPattern = (typeof integrationPatterns)[number];

/** Categories that force a human review and raise a prompt for the staff member (CO-3). */
export const sensitiveCategories = ['behavioral-health', 'minor', 'interpreter', 'proxy-caller'] as const;
export type SensitiveCategory = (typeof sensitiveCategories)[number];

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase id with hyphens, e.g. front-desk');
const versionLabel = z.string().min(1).max(80);

/** One layer of policy: every field optional, the layers below fill in what it leaves out. */
export const policyLayerSchema = z
  .object({
    /**
     * Audio may be recorded (voicemail). Off: the IVR does not ask the recording consent on calls
     * bound for this queue, and nothing is recorded (PX-1).
     */
    recording: z.boolean().optional(),
    /** Transcripts may be made and stored. Off: the human-only note path. */
    transcription: z.boolean().optional(),
    /** AI may classify and draft a summary. Off: no AI output at all; a person writes the note. */
    ai: z.boolean().optional(),
    pattern: z.enum(integrationPatterns).optional(),
    /** A retention class name from `retention`. */
    retention: slug.optional(),
    sensitive: z.array(z.enum(sensitiveCategories)).optional(),
    /** `always`: every call is reviewed by a person; `when-needed`: only when the decision requires it. */
    review: z.enum(['always', 'when-needed']).optional(),
  })
  .strict();
export type PolicyLayer = z.infer<typeof policyLayerSchema>;

const requestTypeLayers = z.partialRecord(z.enum(requestTypeCodes), policyLayerSchema);

const contentDays = z.number().int().min(0).max(3_650);

/**
 * How long a call's artifacts are kept (RE-1). The three original keys keep their meaning; the
 * per-class keys are optional and default to `contentDays` (identity evidence: the smaller of one
 * day and `contentDays`). No default is written into the parsed policy, so a file without the new
 * keys keeps its version hash. Every class is kept no longer than the call's metadata. The purge
 * reads these (src/retention/retention-schedule.ts); the audit log is never purged by it.
 */
export const retentionClassSchema = z
  .object({
    /** Days the transcript and the AI draft are kept after the call ends (the default of every content class). */
    contentDays,
    /** Days recordings are kept (0: never stored). */
    audioDays: z.number().int().min(0).max(3_650),
    /** Days the call's metadata and review history are kept. */
    metadataDays: z.number().int().min(1).max(3_650 * 3),
    /** Days the transcript is kept after the call ends (default: contentDays). */
    transcriptDays: contentDays.optional(),
    /** Days the redacted transcript is kept (default: contentDays). Stored with the summary: both go when the earlier is due. */
    redactedTranscriptDays: contentDays.optional(),
    /** Days the structured summary is kept (default: contentDays). */
    summaryDays: contentDays.optional(),
    /** Days draft versions (AI draft, edits, the approved note) are kept after the review decision (default: contentDays). */
    draftDays: contentDays.optional(),
    /** Days a keyed date of birth is kept when it was never checked (default: min(1, contentDays)). */
    identityEvidenceDays: contentDays.optional(),
  })
  .strict()
  .superRefine((retention, ctx) => {
    for (const key of ['contentDays', 'audioDays', 'transcriptDays', 'redactedTranscriptDays', 'summaryDays', 'draftDays', 'identityEvidenceDays'] as const) {
      const days = retention[key];
      if (days !== undefined && days > retention.metadataDays) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} (${days}) is longer than metadataDays (${retention.metadataDays}): content cannot outlive its call` });
      }
    }
  });
export type RetentionClass = z.infer<typeof retentionClassSchema>;

export const queuePolicySchema = z
  .object({
    version: versionLabel,
    defaults: policyLayerSchema
      .required({ transcription: true, ai: true, pattern: true, retention: true, review: true })
      .extend({ sensitive: z.array(z.enum(sensitiveCategories)).default([]) }),
    retention: z.record(slug, retentionClassSchema).refine((classes) => Object.keys(classes).length > 0, 'name at least one retention class'),
    requestTypes: requestTypeLayers.default({}),
    /** Keyed by the queue the call was answered in (`queue` on the call). */
    queues: z.record(slug, policyLayerSchema.extend({ requestTypes: requestTypeLayers.optional() })).default({}),
    /** What the staff member is told when a category applies, in the clinic's words. */
    prompts: z.partialRecord(z.enum(sensitiveCategories), z.string().min(1).max(300)).default({}),
    /** Years the audit log is kept (at least 6; default 6). The retention purge never deletes audit events. */
    auditYears: z.number().int().min(6).max(100).optional(),
    /** Event-triggered write-back (IP-1): the Task each event creates, without a note. */
    events: z
      .object({
        queue: slug.default('front-desk'),
        dueHours: z.number().positive().max(24 * 30).default(24),
      })
      .strict()
      .default({ queue: 'front-desk', dueHours: 24 }),
  })
  .strict()
  .superRefine((policy, ctx) => {
    // Every retention class a layer names must exist.
    const check = (layer: PolicyLayer | undefined, path: (string | number)[]) => {
      if (layer?.retention && !(layer.retention in policy.retention)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'retention'], message: `unknown retention class "${layer.retention}"; define it under retention:` });
      }
    };
    check(policy.defaults, ['defaults']);
    for (const [type, layer] of Object.entries(policy.requestTypes)) check(layer, ['requestTypes', type]);
    for (const [queue, layer] of Object.entries(policy.queues)) {
      check(layer, ['queues', queue]);
      for (const [type, inner] of Object.entries(layer.requestTypes ?? {})) check(inner, ['queues', queue, 'requestTypes', type]);
    }
  });
export type QueuePolicy = z.infer<typeof queuePolicySchema>;

export function parseQueuePolicyYaml(text: string): ParseYamlResult<QueuePolicy> {
  return parseYamlWithSchema(text, queuePolicySchema);
}

/** The audited version of a queue policy (sha256 of its canonical JSON). */
export function queuePolicyVersion(policy: QueuePolicy): string {
  return documentVersion(policy);
}
