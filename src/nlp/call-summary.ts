import type {
  CallSummary, Entity, EvidenceSpan, PhiSpan, RedFlag, RequestTypeCode, RequestTypeScore, Sentiment,
} from './analysis.types.ts';
import { redactText } from './phi/redact.ts';
import type { RequestWorkflow } from './workflows.ts';

/**
 * The structured summary of a call (SU-1), built from what the detectors found. Minimum necessary:
 * the details are the few transcript passages that carry the request, redacted; the action names
 * medications and symptoms (not identifiers) and never the callback number itself. Every field
 * points at the transcript spans it came from, so a reviewer can check it against the call.
 */
export function summarizeCall(input: {
  text: string;
  phi: readonly PhiSpan[];
  requestTypes: readonly RequestTypeScore[];
  redFlags: readonly RedFlag[];
  entities: readonly Entity[];
  sentiment: Sentiment;
  workflows: Record<RequestTypeCode, RequestWorkflow>;
  now: Date;
}): CallSummary {
  const { text, requestTypes, redFlags, entities, workflows } = input;
  const top = requestTypes[0]?.type;
  const reasonForCall: CallSummary['reasonForCall'] = redFlags.length > 0 ? 'urgent_emergency' : (top ?? 'unclassified');
  const workflow = reasonForCall === 'unclassified' ? workflows.administrative : workflows[reasonForCall];

  const reasonEvidence = requestTypes.filter((score) => score.type === reasonForCall).flatMap((score) => score.evidence);
  const urgencyEvidence: EvidenceSpan[] = redFlags.map((flag) => ({ start: flag.start, end: flag.end, cue: `red-flag:${flag.code}` }));
  const keyEntities = entities.filter((entity) => entity.type === 'medication' || entity.type === 'symptom');
  const passages = detailPassages(text, [...urgencyEvidence, ...reasonEvidence, ...keyEntities.map((entity) => ({ start: entity.start, end: entity.end, cue: entity.type }))]);

  // A red flag sets the urgency to emergency whatever its certainty: a person decides, never the rules.
  const urgency: CallSummary['urgency'] = redFlags.length > 0
    ? 'emergency'
    : input.sentiment.distress === 'high' || workflow.priority === 'urgent' || workflow.priority === 'stat' || workflow.priority === 'asap' ? 'urgent' : 'routine';

  return {
    reasonForCall,
    details: passages.map((passage) => redactedSlice(text, input.phi, passage.start, passage.end)).join(' … '),
    actionRequested: actionFor(reasonForCall, requestTypes, redFlags, entities),
    nextStep: workflow.nextStep,
    owner: `${workflow.queue} (${workflow.ownerRole})`,
    followUpDue: new Date(input.now.getTime() + workflow.dueHours * 3_600_000).toISOString(),
    urgency,
    evidence: {
      reasonForCall: reasonEvidence,
      details: passages.map((passage) => ({ start: passage.start, end: passage.end, cue: 'passage' })),
      actionRequested: keyEntities.map((entity) => ({ start: entity.start, end: entity.end, cue: entity.type })),
      urgency: urgencyEvidence,
    },
    generatedBy: 'callchart-rules',
    reviewed: false,
  };
}

const maxPassages = 3;
const passageWords = 12;

/**
 * The passages around the evidence: the sentence when the text has punctuation, else a window of
 * words on either side (ASR text often has none). Overlapping passages merge; at most three.
 */
export function detailPassages(text: string, evidence: readonly EvidenceSpan[]): { start: number; end: number }[] {
  const sorted = [...evidence].sort((a, b) => a.start - b.start);
  const passages: { start: number; end: number }[] = [];
  for (const span of sorted) {
    const passage = passageAround(text, span.start, span.end);
    const last = passages.at(-1);
    if (last && passage.start <= last.end) last.end = Math.max(last.end, passage.end);
    else passages.push(passage);
  }
  return passages.slice(0, maxPassages);
}

function passageAround(text: string, start: number, end: number): { start: number; end: number } {
  const sentenceStart = Math.max(text.lastIndexOf('.', start - 1), text.lastIndexOf('?', start - 1), text.lastIndexOf('!', start - 1), text.lastIndexOf('\n', start - 1)) + 1;
  const ends = ['.', '?', '!', '\n'].map((mark) => text.indexOf(mark, end)).filter((index) => index >= 0);
  const sentenceEnd = ends.length ? Math.min(...ends) + 1 : text.length;
  let from = sentenceStart;
  let to = sentenceEnd;
  // Unpunctuated or very long sentence: keep a window of words around the evidence.
  if (countWords(text.slice(from, start)) > passageWords) from = wordBoundaryBefore(text, start, passageWords);
  if (countWords(text.slice(end, to)) > passageWords) to = wordBoundaryAfter(text, end, passageWords);
  while (from < to && /\s/.test(text[from]!)) from++;
  while (to > from && /\s/.test(text[to - 1]!)) to--;
  return { start: from, end: to };
}

function countWords(slice: string): number {
  return slice.split(/\s+/).filter(Boolean).length;
}

function wordBoundaryBefore(text: string, index: number, words: number): number {
  let position = index;
  for (let seen = 0; position > 0 && seen <= words; position--) {
    if (/\s/.test(text[position - 1]!) && !/\s/.test(text[position]!)) seen++;
    if (seen > words) break;
  }
  return position;
}

function wordBoundaryAfter(text: string, index: number, words: number): number {
  let position = index;
  for (let seen = 0; position < text.length; position++) {
    if (/\s/.test(text[position]!) && position > 0 && !/\s/.test(text[position - 1]!)) seen++;
    if (seen > words) break;
  }
  return position;
}

/** `text.slice(start, end)` with every PHI span that touches it redacted (a cut span is redacted whole). */
export function redactedSlice(text: string, phi: readonly PhiSpan[], start: number, end: number): string {
  const touching = phi.filter((span) => span.end > start && span.start < end);
  const from = Math.min(start, ...touching.map((span) => span.start));
  const to = Math.max(end, ...touching.map((span) => span.end));
  const shifted = touching.map((span) => ({ ...span, start: span.start - from, end: span.end - from }));
  return redactText(text.slice(from, to), shifted).trim();
}

const actionByType: Record<RequestTypeCode | 'unclassified', string> = {
  prescription_refill: 'Refill request',
  appointment: 'Book, change or cancel an appointment',
  symptom_report: 'Advice about symptoms',
  test_results: 'Wants test results',
  referral: 'Referral request or status',
  billing_insurance: 'Billing or insurance question',
  prior_authorization: 'Prior authorization question',
  medical_records: 'Records or forms request',
  callback_request: 'Asks for a call back',
  urgent_emergency: 'Possible emergency: needs a nurse now',
  administrative: 'Administrative request',
  provider_to_provider: 'Another provider asks to speak with a clinician',
  unclassified: 'Listen to the call: the request was not recognised',
};

function actionFor(reason: CallSummary['reasonForCall'], requestTypes: readonly RequestTypeScore[], redFlags: readonly RedFlag[], entities: readonly Entity[]): string {
  const parts = [actionByType[reason]];
  const named = (type: Entity['type']) => [...new Set(entities.filter((entity) => entity.type === type && entity.normalized).map((entity) => entity.normalized!))];
  if (redFlags.length > 0) parts.push(`red flags: ${[...new Set(redFlags.map((flag) => flag.code.replace(/_/g, ' ')))].join(', ')}`);
  if (reason === 'prescription_refill' && named('medication').length) parts[0] = `Refill: ${named('medication').join(', ')}`;
  if ((reason === 'symptom_report' || reason === 'urgent_emergency') && named('symptom').length) parts.push(`symptoms: ${named('symptom').slice(0, 5).join(', ')}`);
  if (reason !== 'callback_request' && requestTypes.some((score) => score.type === 'callback_request')) parts.push('call back requested');
  const times = named('preferred_time');
  if (times.length) parts.push(`preferred time: ${times.slice(0, 2).join(', ')}`);
  return parts.join('; ');
}
