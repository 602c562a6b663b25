import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { z } from 'zod';
import { analyzeCall, type CallAnalysis } from '../nlp/analyze-call.ts';
import type { PatientContext } from '../nlp/analysis.types.ts';
import { resolveRequestWorkflows } from '../nlp/workflows.ts';
import { loadConfigFile } from '../config/config.loader.ts';

/** One input line of `callchart analyze` (a stable contract used by benchmarks and evaluators). */
export const analyzeInputSchema = z.object({
  id: z.union([z.string().max(200), z.number()]),
  text: z.string().max(1_000_000),
  /** The EHR's view of the matched patient; a field (or the whole patient) the EHR lacks may be null or absent. */
  patient: z
    .object({
      name: z.string().max(300).nullish(),
      birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').nullish(),
      phones: z.array(z.string().max(40)).max(20).nullish(),
      mrn: z.string().max(64).nullish(),
    })
    .nullish()
    .transform((patient) => {
      if (!patient) return undefined;
      const known = Object.entries(patient).filter(([, value]) => value !== null && value !== undefined);
      return known.length > 0 ? (Object.fromEntries(known) as PatientContext) : undefined;
    }),
});

/** The output line: the analysis in the documented shape (offsets are UTF-16 indexes into `text`). */
export function analysisLine(id: string | number, analysis: CallAnalysis) {
  return {
    id,
    requestTypes: analysis.requestTypes.map(({ type, rank, confidence, evidence }, index) => ({ type, rank: rank ?? (index === 0 ? 'primary' : 'secondary'), confidence, evidence })),
    redFlags: analysis.redFlags.map(({ code, start, end, confidence, status, subject }) => ({ code, start, end, confidence, status, subject })),
    setAside: analysis.setAside,
    urgent: analysis.urgent,
    sentiment: analysis.sentiment,
    entities: analysis.entities,
    phi: analysis.phi.map(({ start, end, type, confidence }) => ({ start, end, type, confidence })),
    redacted: analysis.redacted,
    summary: analysis.summary,
  };
}

/**
 * `callchart analyze`: JSONL in on stdin, one JSONL line out per input line, same order. A bad line
 * answers `{"id", "error"}` and the rest goes on. Nothing of the input is logged.
 */
export async function runAnalyze(options: { config?: string; now?: string; languageModel?: boolean }): Promise<void> {
  const now = options.now ? new Date(options.now) : undefined;
  if (now && Number.isNaN(now.getTime())) {
    console.error('--now must be an ISO 8601 date-time, e.g. 2026-11-23T09:00:00Z');
    process.exit(2);
  }
  const config = options.config ? loadConfigFile(options.config) : null;
  if (config && !config.ok) {
    console.error(`Config ${options.config}: ${config.problems.length} problem(s); run \`callchart config check\`.`);
    process.exit(2);
  }
  const workflows = resolveRequestWorkflows(config?.ok ? config.config.requestTypes : {});
  // --language-model: the config's model is asked for every line, after the rules (ADR 18).
  const modelSettings = config?.ok ? config.config.languageModel : undefined;
  if (options.languageModel && !modelSettings) {
    console.error('--language-model needs --config with a languageModel section (docs/guides/language-model.md).');
    process.exit(2);
  }
  const assist = options.languageModel && modelSettings
    ? (await import('../nlp/language-model/language-model.service.ts')).languageModelAssistFor(modelSettings)
    : null;
  const withModel = assist ? (await import('./analyze-model.ts')).analyzeLineWithModel : null;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNumber = 0;
  let errors = 0;
  const modelOutcomes = new Map<string, number>();
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const lineOptions = { workflows, ...(now ? { now } : {}) };
    const output = assist && withModel ? await withModel(line, lineNumber, lineOptions, assist) : analyzeLine(line, lineNumber, lineOptions);
    if ('error' in output) errors++;
    if ('languageModel' in output) modelOutcomes.set(output.languageModel.used ? 'used' : output.languageModel.reason, (modelOutcomes.get(output.languageModel.used ? 'used' : output.languageModel.reason) ?? 0) + 1);
    if (!process.stdout.write(`${JSON.stringify(output)}\n`)) await once(process.stdout, 'drain');
  }
  if (errors > 0) console.error(`${errors} of ${lineNumber} lines could not be analysed (see their "error").`);
  if (assist) console.error(`Language model: ${[...modelOutcomes].map(([outcome, count]) => `${outcome} ${count}`).join(', ') || 'not asked'}.`);
}

export function analyzeLine(line: string, lineNumber: number, options: Parameters<typeof analyzeCall>[1]): ReturnType<typeof analysisLine> | { id: string | number | null; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { id: null, error: `line ${lineNumber}: not valid JSON` };
  }
  const input = analyzeInputSchema.safeParse(parsed);
  if (!input.success) {
    const id = typeof parsed === 'object' && parsed !== null && 'id' in parsed && (typeof parsed.id === 'string' || typeof parsed.id === 'number') ? parsed.id : null;
    const issue = input.error.issues[0]!;
    return { id, error: `line ${lineNumber}: ${issue.path.join('.') || '(line)'}: ${issue.message}` };
  }
  try {
    const { id, text, patient } = input.data;
    return analysisLine(id, analyzeCall(text, { ...options, ...(patient ? { patient } : {}) }));
  } catch (error) {
    return { id: input.data.id, error: `line ${lineNumber}: analysis failed (${(error as Error).name})` };
  }
}
