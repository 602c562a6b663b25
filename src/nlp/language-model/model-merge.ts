import type { CallSummary, EvidenceSpan, PhiSpan, RedFlag, RequestTypeCode } from '../analysis.types.ts';
import type { CallAnalysis } from '../analyze-call.ts';
import { detectPhi } from '../phi/detect-phi.ts';
import { redactText } from '../phi/redact.ts';
import type { RequestWorkflow } from '../workflows.ts';
import type { ModelAnswer } from './model-answer.schema.ts';
import { findQuote, type TranscriptForModel } from './model-transcript.ts';

/** Who proposed a request type, a red flag or the summary. Both are AI output until a person approves it. */
export const understandingSources = ['callchart-rules', 'callchart-language-model'] as const;
export type UnderstandingSource = (typeof understandingSources)[number];

/** Why the model's answer was not used; the rules' analysis stood alone. Codes only, never content. */
export const modelFallbackReasons = [
  'transcript-too-long', 'timeout', 'connection-failed', 'http-client-error', 'http-server-error', 'circuit-open',
  'unreadable-response', 'not-json', 'schema-mismatch',
] as const;
export type ModelFallbackReason = (typeof modelFallbackReasons)[number];

/** A part of the model's answer that was left out, and why (the rest of the answer is used). */
export interface SetAsideProposal {
  what: 'red-flag' | 'request-type';
  code: string;
  reason: 'already-found' | 'below-threshold' | 'repeated';
}

/** What became of the language model for one call; kept with the analysis and in the audit log. */
export type LanguageModelOutcome =
  | { used: true; model: string; sent: 'redacted' | 'raw'; redFlagsAdded: number; setAside: SetAsideProposal[] }
  | { used: false; reason: ModelFallbackReason | 'not-configured'; sent: 'redacted' | 'raw' | null };

export interface AssistedRequestType {
  type: RequestTypeCode;
  rank: 'primary' | 'secondary';
  /** The proposer's probability (the model's own, or the rules' confidence). */
  confidence: number;
  source: UnderstandingSource;
}

export interface AssistedRedFlag extends RedFlag {
  source: UnderstandingSource;
}

export interface AssistedSummary extends Omit<CallSummary, 'generatedBy'> {
  generatedBy: UnderstandingSource;
}

/**
 * The understanding a call is routed, reviewed and charted on: the rules' analysis with, where a
 * clinic runs one, the language model's proposals merged over it. The rules are the floor: every
 * red flag they found is here, and urgency is never lower than theirs said on red flags.
 */
export interface AssistedUnderstanding {
  /** Primary first. */
  requestTypes: AssistedRequestType[];
  redFlags: AssistedRedFlag[];
  urgent: boolean;
  summary: AssistedSummary;
  languageModel: LanguageModelOutcome;
}

/** The rules' analysis as it stands, when no model answered (or none is configured). */
export function rulesUnderstanding(analysis: CallAnalysis, languageModel: LanguageModelOutcome): AssistedUnderstanding {
  return {
    requestTypes: analysis.requestTypes.map(({ type, confidence }, index) => ({ type, confidence, rank: index === 0 ? 'primary' : 'secondary', source: 'callchart-rules' })),
    redFlags: analysis.redFlags.map((flag) => ({ ...flag, source: 'callchart-rules' })),
    urgent: analysis.urgent,
    summary: { ...analysis.summary, generatedBy: 'callchart-rules' },
    languageModel,
  };
}

/** Confidence given to a model's red flag: its word, grounded in a quote, is strong but not the rules' certainty. */
const modelFlagConfidence = { affirmed: 0.85, uncertain: 0.5 } as const;

/**
 * Merges a validated model answer over the rules' analysis (pure). What the model may do:
 * - **red flags**: add one the rules did not affirm. Its quote must be found in the transcript
 *   (the span points at it); a flag whose quote is not there is kept but `uncertain`, visible to a
 *   person without making the call urgent. No rules flag is ever removed or weakened.
 * - **request types**: replace the rules' proposal (primary, then secondaries at or above
 *   `secondaryThreshold`), marked as the model's. A call with an affirmed red flag from either has
 *   primary `urgent_emergency` whatever the model said (labelling-calls.md §1).
 * - **summary**: its details and requested action, redacted again here (a model sent raw text can
 *   repeat an identifier), with the next step, owner and due time from the clinic's workflow.
 */
export function mergeModelAnswer(
  analysis: CallAnalysis,
  answer: ModelAnswer,
  context: {
    /** The transcript as said (the analysis' offsets point into it). */
    text: string;
    transcript: TranscriptForModel;
    model: string;
    workflows: Record<RequestTypeCode, RequestWorkflow>;
    now: Date;
    secondaryThreshold: number;
  },
): AssistedUnderstanding {
  const setAside: SetAsideProposal[] = [];
  const redFlags: AssistedRedFlag[] = analysis.redFlags.map((flag) => ({ ...flag, source: 'callchart-rules' }));
  const added: AssistedRedFlag[] = [];
  for (const proposal of answer.redFlags) {
    const quoted = findQuote(context.transcript.text, proposal.evidence);
    const status = quoted ? proposal.certainty : 'uncertain';
    const known = [...redFlags, ...added].filter((flag) => flag.code === proposal.code);
    // Already there as strongly (or more): nothing to add. An uncertain rules flag the model affirms is added beside it.
    if (known.some((flag) => flag.status === 'affirmed' || status === 'uncertain')) {
      setAside.push({ what: 'red-flag', code: proposal.code, reason: known.some((flag) => flag.source === 'callchart-language-model') ? 'repeated' : 'already-found' });
      continue;
    }
    const span = quoted ? context.transcript.toOriginal(quoted.start, quoted.end) : { start: 0, end: 0 };
    added.push({
      code: proposal.code, ...span, confidence: modelFlagConfidence[status], status, subject: 'patient',
      cue: quoted ? 'language-model' : 'language-model:quote-not-found', source: 'callchart-language-model',
    });
  }
  redFlags.push(...added);
  const affirmed = redFlags.filter((flag) => flag.status === 'affirmed');

  const requestTypes = modelRequestTypes(answer, context.secondaryThreshold, setAside);
  if (affirmed.length > 0 && requestTypes[0]?.type !== 'urgent_emergency') {
    const existing = requestTypes.findIndex((score) => score.type === 'urgent_emergency');
    if (existing >= 0) requestTypes.splice(existing, 1);
    const decidedBy = affirmed.some((flag) => flag.source === 'callchart-rules') ? 'callchart-rules' : 'callchart-language-model';
    requestTypes.unshift({ type: 'urgent_emergency', rank: 'primary', confidence: Math.max(...affirmed.map((flag) => flag.confidence)), source: decidedBy });
    for (const score of requestTypes.slice(1)) score.rank = 'secondary';
  }
  const urgentType = requestTypes.some((score) => score.type === 'urgent_emergency');
  const urgent = analysis.urgent || added.some((flag) => flag.status === 'affirmed') || urgentType;

  const reasonForCall = requestTypes[0]!.type;
  const workflow = context.workflows[reasonForCall];
  const urgency: CallSummary['urgency'] = analysis.summary.urgency === 'emergency' || added.some((flag) => flag.status === 'affirmed')
    ? 'emergency'
    : urgentType || analysis.sentiment.distress === 'high' || workflow.priority !== 'routine' ? 'urgent' : 'routine';
  const phiValues = analysis.phi.map((span) => ({ type: span.type, value: context.text.slice(span.start, span.end).trim() })).filter((item) => item.value.length >= 2);
  const summary: AssistedSummary = {
    reasonForCall,
    details: scrubbed(answer.summary.details, phiValues),
    actionRequested: scrubbed(answer.summary.actionRequested, phiValues),
    nextStep: workflow.nextStep,
    owner: `${workflow.queue} (${workflow.ownerRole})`,
    followUpDue: new Date(context.now.getTime() + workflow.dueHours * 3_600_000).toISOString(),
    urgency,
    evidence: {
      urgency: [
        ...(analysis.summary.evidence.urgency ?? []),
        ...added.filter((flag) => flag.end > flag.start).map((flag): EvidenceSpan => ({ start: flag.start, end: flag.end, cue: `red-flag:${flag.code}` })),
      ],
    },
    generatedBy: 'callchart-language-model',
    reviewed: false,
  };
  return {
    requestTypes, redFlags, urgent, summary,
    languageModel: { used: true, model: context.model, sent: context.transcript.form, redFlagsAdded: added.length, setAside },
  };
}

/** The model's primary and its secondaries at or above the threshold, each code once, primary first. */
function modelRequestTypes(answer: ModelAnswer, threshold: number, setAside: SetAsideProposal[]): AssistedRequestType[] {
  const result: AssistedRequestType[] = [{ type: answer.primary.code, rank: 'primary', confidence: answer.primary.probability, source: 'callchart-language-model' }];
  for (const proposal of [...answer.secondary].sort((a, b) => b.probability - a.probability)) {
    if (result.some((score) => score.type === proposal.code)) {
      setAside.push({ what: 'request-type', code: proposal.code, reason: 'repeated' });
    } else if (proposal.probability < threshold) {
      setAside.push({ what: 'request-type', code: proposal.code, reason: 'below-threshold' });
    } else {
      result.push({ type: proposal.code, rank: 'secondary', confidence: proposal.probability, source: 'callchart-language-model' });
    }
  }
  return result;
}

/**
 * The model's words with identifiers replaced by `[TYPE]`: whatever the detectors find in them,
 * and every identifier of the call the model may have repeated from a raw transcript.
 */
function scrubbed(text: string, phiValues: readonly { type: PhiSpan['type']; value: string }[]): string {
  const spans: PhiSpan[] = detectPhi(text);
  const lower = text.toLowerCase();
  for (const { type, value } of phiValues) {
    const needle = value.toLowerCase();
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
      // Whole words only: a name "Al" is not the "al" of "normal".
      if (isWordChar(lower[at - 1]) || isWordChar(lower[at + needle.length])) continue;
      spans.push({ start: at, end: at + needle.length, type, confidence: 1, source: 'context' });
    }
  }
  return redactText(text, spans);
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}
