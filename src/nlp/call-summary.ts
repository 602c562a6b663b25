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
  // An affirmed red flag makes the call an emergency. An uncertain one (hedged beyond the rules'
  // reach, or perhaps about someone else) stays in the note, loud, for the person who reviews it,
  // and does not by itself make a routine call urgent (issue 15).
  const affirmed = redFlags.filter((flag) => flag.status === 'affirmed');
  const reasonForCall: CallSummary['reasonForCall'] = affirmed.length > 0 ? 'urgent_emergency' : (top ?? 'unclassified');
  const workflow = reasonForCall === 'unclassified' ? workflows.administrative : workflows[reasonForCall];

  const reasonEvidence = requestTypes.filter((score) => score.type === reasonForCall).flatMap((score) => score.evidence);
  const urgencyEvidence: EvidenceSpan[] = redFlags.map((flag) => ({ start: flag.start, end: flag.end, cue: `red-flag:${flag.code}` }));
  const keyEntities = entities.filter((entity) => entity.type === 'medication' || entity.type === 'symptom');
  const passages = detailPassages(text, [...urgencyEvidence, ...reasonEvidence, ...keyEntities.map((entity) => ({ start: entity.start, end: entity.end, cue: entity.type }))]);

  const urgency: CallSummary['urgency'] = affirmed.length > 0
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
 * One pass over the words, then a binary search per evidence span: the summary must not cost
 * more than the detectors.
 */
export function detailPassages(text: string, evidence: readonly EvidenceSpan[]): { start: number; end: number }[] {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const word of text.matchAll(/\S+/g)) {
    starts.push(word.index);
    ends.push(word.index + word[0].length);
  }
  if (starts.length === 0) return [];
  const endsSentence = (index: number) => /[.?!]["')\]]*$/.test(text.slice(starts[index]!, ends[index]!));
  const sorted = [...evidence].sort((a, b) => a.start - b.start);
  const passages: { start: number; end: number }[] = [];
  for (const span of sorted) {
    const first = firstWordEndingAfter(ends, span.start);
    let last = first;
    while (last + 1 < starts.length && starts[last + 1]! < span.end) last++;
    let from = first;
    while (from > 0 && first - from < passageWords && !endsSentence(from - 1)) from--;
    let to = last;
    while (to + 1 < starts.length && to - last < passageWords && !endsSentence(to)) to++;
    const passage = { start: starts[from]!, end: ends[to]! };
    const previous = passages.at(-1);
    if (previous && passage.start <= previous.end) previous.end = Math.max(previous.end, passage.end);
    else passages.push(passage);
  }
  return passages.slice(0, maxPassages);
}

function firstWordEndingAfter(ends: readonly number[], offset: number): number {
  let low = 0;
  let high = ends.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ends[middle]! > offset) high = middle;
    else low = middle + 1;
  }
  return low;
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
  const words = (flags: readonly RedFlag[]) => [...new Set(flags.map((flag) => flag.code.replace(/_/g, ' ')))].join(', ');
  const affirmed = redFlags.filter((flag) => flag.status === 'affirmed');
  const uncertain = redFlags.filter((flag) => flag.status !== 'affirmed' && !affirmed.some((other) => other.code === flag.code));
  if (affirmed.length > 0) parts.push(`red flags: ${words(affirmed)}`);
  if (uncertain.length > 0) parts.push(`possible red flags, check with the caller: ${words(uncertain)}`);
  if (reason === 'prescription_refill' && named('medication').length) parts[0] = `Refill: ${named('medication').join(', ')}`;
  // Symptom codes in words (chest_pain → chest pain): the note is read by people.
  if ((reason === 'symptom_report' || reason === 'urgent_emergency') && named('symptom').length) parts.push(`symptoms: ${named('symptom').slice(0, 5).map((code) => code.replace(/_/g, ' ')).join(', ')}`);
  if (reason !== 'callback_request' && requestTypes.some((score) => score.type === 'callback_request')) parts.push('call back requested');
  const times = named('preferred_time');
  if (times.length) parts.push(`preferred time: ${times.slice(0, 2).join(', ')}`);
  return parts.join('; ');
}
