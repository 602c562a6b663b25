import { z } from 'zod';
import { redFlagCodes, requestTypeCodes } from '../analysis.types.ts';

/**
 * What the language model answers (issue 15, item 6): one schema gives the JSON schema the server
 * constrains its output with (`response_format`) and the check its answer gets when it arrives.
 * A server may not enforce the schema (or a model may ignore it): nothing from the model is used
 * until it has passed `readModelAnswer`.
 */
const probability = z.number().min(0).max(1);

export const modelAnswerSchema = z
  .object({
    /** What the caller called about (what they would say if asked "what did you call about?"). */
    primary: z.object({ code: z.enum(requestTypeCodes), probability }).strict(),
    /** Other things the caller asked for in this call (not things merely mentioned). */
    secondary: z.array(z.object({ code: z.enum(requestTypeCodes), probability }).strict()).max(4),
    /** Red flags said as happening now to the patient, each with the caller's words quoted. */
    redFlags: z
      .array(
        z
          .object({
            code: z.enum(redFlagCodes),
            /** The caller's words, copied exactly from the transcript. */
            evidence: z.string().min(1).max(300),
            certainty: z.enum(['affirmed', 'uncertain']),
          })
          .strict(),
      )
      .max(8),
    summary: z
      .object({
        /** One or two sentences on what happened in the call; placeholders kept as they are. */
        details: z.string().min(1).max(600),
        /** What the caller asks the clinic to do. */
        actionRequested: z.string().min(1).max(300),
      })
      .strict(),
  })
  .strict();

export type ModelAnswer = z.infer<typeof modelAnswerSchema>;

/** The JSON schema sent as `response_format.json_schema.schema` (strict: every field required, none extra). */
export const modelAnswerJsonSchema: Record<string, unknown> = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(modelAnswerSchema, { target: 'draft-7' }) as Record<string, unknown>;
  return schema;
})();

/** Why an answer was not used (codes only: never the answer's words, which may hold PHI). */
export type AnswerProblem = 'not-json' | 'schema-mismatch';

/**
 * The model's message content, checked. Code fences around the JSON are tolerated (servers that
 * ignore `response_format` often add them); anything else that is not the schema is refused with
 * the first problem's path, so the log says what was wrong without repeating what the model wrote.
 */
export function readModelAnswer(content: string): { ok: true; answer: ModelAnswer } | { ok: false; problem: AnswerProblem; path?: string } {
  const unfenced = content.trim().replace(/^```(?:json)?\s*\n?([\s\S]*?)\n?```$/i, '$1');
  let parsed: unknown;
  try {
    parsed = JSON.parse(unfenced);
  } catch {
    return { ok: false, problem: 'not-json' };
  }
  const result = modelAnswerSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, problem: 'schema-mismatch', path: issue?.path.map(String).join('.') || '(root)' };
  }
  return { ok: true, answer: result.data };
}
