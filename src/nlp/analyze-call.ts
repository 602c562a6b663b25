import type {
  CallSubject, CallSummary, Entity, PatientContext, PhiSpan, RedFlag, RequestTypeCode, RequestTypeScore, SetAsideMention, Sentiment,
} from './analysis.types.ts';
import { summarizeCall } from './call-summary.ts';
import { detectPhi } from './phi/detect-phi.ts';
import { redactText } from './phi/redact.ts';
import { extractEntities } from './understand/entities.ts';
import { detectRedFlags } from './understand/red-flags.ts';
import { directiveEvidence, findUrgentDirectives } from './understand/urgent-directives.ts';
import { classifyRequestTypes } from './understand/request-types.ts';
import { assessSentiment } from './understand/sentiment.ts';
import { extractCallSubject } from './understand/call-subject.ts';
import { defaultRequestWorkflows, type RequestWorkflow } from './workflows.ts';

/** Everything Callchart understands from one transcript: the `callchart analyze` line, and what the pipeline stores (encrypted). */
export interface CallAnalysis {
  requestTypes: RequestTypeScore[];
  redFlags: RedFlag[];
  /** Mentions that are not red flags (negated, past, hypothetical, family history), shown to reviewers. */
  setAside: SetAsideMention[];
  urgent: boolean;
  sentiment: Sentiment;
  entities: Entity[];
  phi: PhiSpan[];
  redacted: string;
  summary: CallSummary;
  /** Who the call is about, as the caller put it (checked against the linked chart; PHI, sealed). */
  subject: CallSubject;
}

/**
 * Understands a call transcript (UN-1..4, PH-1..2, SU-1). Pure and deterministic for a given
 * `now`: the same text gives the same analysis. Red flags are found first and feed the request
 * types, so a red flag always brings `urgent_emergency` with it.
 */
export function analyzeCall(
  text: string,
  options: { patient?: PatientContext; workflows?: Record<RequestTypeCode, RequestWorkflow>; now?: Date } = {},
): CallAnalysis {
  const phi = detectPhi(text, options.patient ? { patient: options.patient } : {});
  const { redFlags, setAside } = detectRedFlags(text);
  const requestTypes = classifyRequestTypes(text, redFlags);
  // A clinician sending the patient to emergency care now, or a critical result: urgent with or without a named red flag.
  const directives = findUrgentDirectives(text);
  if (directives.length > 0 && !requestTypes.some((score) => score.type === 'urgent_emergency')) {
    requestTypes.push({ type: 'urgent_emergency', rank: requestTypes.length === 0 ? 'primary' : 'secondary', confidence: 0.8, evidence: directiveEvidence(directives) });
  }
  const sentiment = assessSentiment(text);
  const entities = extractEntities(text);
  const summary = summarizeCall({
    text, phi, requestTypes, redFlags, entities, sentiment,
    workflows: options.workflows ?? defaultRequestWorkflows,
    now: options.now ?? new Date(),
  });
  return {
    requestTypes,
    redFlags,
    setAside,
    // Urgent: an affirmed red flag, or urgent_emergency among the request types (explicit clinical urgency from the
    // caller). An uncertain flag stays visible to a person but does not by itself make a routine call urgent.
    urgent: redFlags.some((flag) => flag.status === 'affirmed') || requestTypes.some((score) => score.type === 'urgent_emergency'),
    sentiment,
    entities,
    phi,
    redacted: redactText(text, phi),
    summary,
    subject: extractCallSubject(text, phi.filter((span) => span.type === 'NAME')),
  };
}
