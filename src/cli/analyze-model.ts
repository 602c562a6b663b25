import type { RequestTypeCode } from '../nlp/analysis.types.ts';
import { analyzeCall } from '../nlp/analyze-call.ts';
import type { RequestWorkflow } from '../nlp/workflows.ts';
import type { LanguageModelAssist } from '../nlp/language-model/language-model.service.ts';
import { analyzeInputSchema, analyzeLine } from './analyze.command.ts';

interface AnalyzeOptions {
  workflows: Record<RequestTypeCode, RequestWorkflow>;
  now?: Date;
}

/**
 * One `callchart analyze --language-model` line: the rules' line, with the request types, red
 * flags, urgency and summary of the understanding the clinic's model and the rules agree on
 * (ADR 18), each marked with its source, and `languageModel` saying whether the model's answer
 * was used or why not. A bad line answers its error exactly as without the flag.
 */
export async function analyzeLineWithModel(line: string, lineNumber: number, options: AnalyzeOptions, assist: LanguageModelAssist) {
  const rulesLine = analyzeLine(line, lineNumber, options);
  if ('error' in rulesLine) return rulesLine;
  const { text, patient } = analyzeInputSchema.parse(JSON.parse(line));
  const analysis = analyzeCall(text, { ...options, ...(patient ? { patient } : {}) });
  const understood = await assist.understand(text, analysis, { workflows: options.workflows, now: options.now ?? new Date() });
  return {
    ...rulesLine,
    requestTypes: understood.requestTypes,
    redFlags: understood.redFlags.map(({ code, start, end, confidence, status, subject, source }) => ({ code, start, end, confidence, status, subject, source })),
    urgent: understood.urgent,
    summary: understood.summary,
    languageModel: understood.languageModel,
  };
}
