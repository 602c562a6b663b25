import type { RequestTypeCode } from '../analysis.types.ts';
import type { CallAnalysis } from '../analyze-call.ts';
import type { RequestWorkflow } from '../workflows.ts';
import type { Logger } from '../../lib/logger.ts';
import { ChatCompletionsClient, LanguageModelUnavailable } from './chat-completions.client.ts';
import { languageModelApiKeyVariable, type LanguageModelSettings } from './language-model.settings.ts';
import { readModelAnswer } from './model-answer.schema.ts';
import { mergeModelAnswer, rulesUnderstanding, type AssistedUnderstanding, type LanguageModelOutcome } from './model-merge.ts';
import { chatRequestFor } from './model-request.ts';
import { transcriptForModel } from './model-transcript.ts';

/** One model request as metrics see it: whether the answer was used, the fallback reason, how long it took. */
export interface LanguageModelRequestRecord {
  used: boolean;
  reason: string | null;
  sent: 'redacted' | 'raw' | null;
  seconds: number;
}

/**
 * The language model at the edge of call understanding (issue 15, item 6): the rules analyse
 * first (pure, always), then this asks the clinic's model and merges its answer over theirs
 * (`mergeModelAnswer`, pure). Every way the model can fail (too slow, down, refusing, answering
 * garbage) ends in the rules' analysis with a reason code, never in a failed stage.
 */
export class LanguageModelAssist {
  constructor(private readonly deps: {
    client: Pick<ChatCompletionsClient, 'complete'>;
    settings: LanguageModelSettings;
    logger?: Logger;
    /** Told about every request (metrics); codes and durations only. */
    onRequest?: (record: LanguageModelRequestRecord) => void;
    /** The clock for durations (tests). */
    clock?: () => number;
  }) {}

  /** The understanding of one call: the model's answer merged over the rules' analysis, or the rules' alone with the reason. */
  async understand(text: string, analysis: CallAnalysis, options: { workflows: Record<RequestTypeCode, RequestWorkflow>; now: Date }): Promise<AssistedUnderstanding> {
    const { settings } = this.deps;
    const clock = this.deps.clock ?? (() => performance.now());
    const form = settings.sendRawText ? 'raw' : 'redacted';
    if (text.length > settings.maxTranscriptChars) return this.fallBack(analysis, { used: false, reason: 'transcript-too-long', sent: null }, 0);
    const transcript = transcriptForModel(text, analysis.phi, form);
    const started = clock();
    let content: string;
    try {
      content = await this.deps.client.complete(chatRequestFor(transcript, settings));
    } catch (error) {
      const reason = error instanceof LanguageModelUnavailable ? error.reason : 'connection-failed';
      return this.fallBack(analysis, { used: false, reason, sent: form }, (clock() - started) / 1_000);
    }
    const seconds = (clock() - started) / 1_000;
    const read = readModelAnswer(content);
    if (!read.ok) {
      // The path of the first wrong field helps whoever runs the model; the model's words never leave here.
      this.deps.logger?.warn({ languageModel: { reason: read.problem, field: read.path ?? null } }, 'language model answer refused; the rules stand alone');
      return this.fallBack(analysis, { used: false, reason: read.problem, sent: form }, seconds);
    }
    const understanding = mergeModelAnswer(analysis, read.answer, {
      text, transcript, model: settings.model, workflows: options.workflows, now: options.now, secondaryThreshold: settings.secondaryThreshold,
    });
    this.deps.onRequest?.({ used: true, reason: null, sent: form, seconds });
    this.deps.logger?.info({ languageModel: { used: true, sent: form, seconds, redFlagsAdded: understanding.languageModel.used ? understanding.languageModel.redFlagsAdded : 0 } }, 'language model answer merged');
    return understanding;
  }

  private fallBack(analysis: CallAnalysis, outcome: Extract<LanguageModelOutcome, { used: false }>, seconds: number): AssistedUnderstanding {
    this.deps.onRequest?.({ used: false, reason: outcome.reason, sent: outcome.sent, seconds });
    this.deps.logger?.warn({ languageModel: { used: false, reason: outcome.reason, sent: outcome.sent, seconds } }, 'language model not used; the rules stand alone');
    return rulesUnderstanding(analysis, outcome);
  }
}

/** The assist for the configured model, its API key (if any) from the environment. */
export function languageModelAssistFor(
  settings: LanguageModelSettings,
  deps: { env?: NodeJS.ProcessEnv; logger?: Logger; onRequest?: (record: LanguageModelRequestRecord) => void } = {},
): LanguageModelAssist {
  const apiKey = (deps.env ?? process.env)[languageModelApiKeyVariable] || undefined;
  const client = new ChatCompletionsClient({
    baseUrl: settings.baseUrl, apiKey, timeoutMs: settings.timeoutMs, breakerThreshold: settings.breakerThreshold, breakerHalfOpenMs: settings.breakerHalfOpenMs,
  });
  return new LanguageModelAssist({ client, settings, ...(deps.logger ? { logger: deps.logger } : {}), ...(deps.onRequest ? { onRequest: deps.onRequest } : {}) });
}
