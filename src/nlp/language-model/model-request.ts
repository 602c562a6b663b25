import { redFlagCodes, requestTypeCodes } from '../analysis.types.ts';
import { modelAnswerJsonSchema } from './model-answer.schema.ts';
import type { TranscriptForModel } from './model-transcript.ts';

/** The body of `POST {baseUrl}/v1/chat/completions`, as vLLM, llama.cpp server and Ollama accept it. */
export interface ChatCompletionRequest {
  model: string;
  messages: { role: 'system' | 'user'; content: string }[];
  temperature: number;
  max_tokens: number;
  response_format: { type: 'json_schema'; json_schema: { name: string; strict: true; schema: Record<string, unknown> } };
}

/**
 * The instructions: the labelling conventions (docs/guides/labelling-calls.md) in brief. They are
 * what people label calls by, so a model told them is scored against the same truth as the rules.
 */
export const modelInstructions = [
  'You read one phone call to a medical clinic and say what the caller wants. Answer with JSON only, in the given schema.',
  '',
  'Request types: label only what the CALLER asks the clinic to do or answer in this call, never what is merely mentioned.',
  `Codes: ${requestTypeCodes.join(', ')}.`,
  '- callback_request: the caller asks to be called back. Not when the agent offers or promises a call back.',
  '- symptom_report: a new or worsening symptom the caller wants a clinician to know about or advise on; not a symptom given only as the reason for a refill or appointment, not a past or resolved one.',
  '- appointment: book, move, cancel, confirm or check one. prescription_refill: renew, refill, send or transfer a prescription.',
  '- test_results: results or what they mean. referral: a referral or its status. billing_insurance: bills, payments, coverage.',
  '- prior_authorization: a PA for a drug, scan or procedure. medical_records: copies or transfers of records.',
  '- administrative: forms, notes, portal, hours, directions, updating details, changing doctor.',
  '- provider_to_provider: a pharmacy, lab, hospital or other clinic calls about a patient (primary; what they ask for is secondary).',
  '- urgent_emergency: an emergency happening now, or the caller says it is clinically urgent.',
  'primary is what the call is mostly for. A call with a red flag happening now has primary urgent_emergency. callback_request is primary only when a call back is all the caller asks for.',
  'secondary: other requests of the caller in this call (most calls have none or one). probability: how likely each code is right, from 0 to 1.',
  '',
  `Red flags (${redFlagCodes.join(', ')}): only when said as happening now, or in the last hours, to the patient (a baby, child or dependent adult the caller speaks for is the patient).`,
  'Not a red flag: negated ("no chest pain"), past history, resolved, hypothetical or education questions, family history, someone not in the clinic\'s care, mild or usual versions, the agent\'s own questions.',
  'Less obvious codes: infant_fever is a fever in a baby under three months; pregnancy_emergency is bleeding, severe pain, fluid loss or fewer baby movements in pregnancy; sepsis_signs is fever or infection with confusion, mottled skin or very fast breathing; stroke_signs includes a drooping face, slurred speech or one-sided weakness.',
  'For each red flag copy the caller\'s words exactly as evidence. certainty: uncertain when it may not be a red flag at all.',
  '',
  'summary.details: one or two sentences on what the caller said. summary.actionRequested: what the caller asks the clinic to do.',
  'Write no names, numbers, dates or addresses in the summary; where the transcript has a placeholder such as [NAME] or [PHONE], keep the placeholder.',
].join('\n');

/** The chat request for one transcript: deterministic (temperature 0), the answer held to the schema. */
export function chatRequestFor(transcript: TranscriptForModel, options: { model: string; maxAnswerTokens: number }): ChatCompletionRequest {
  const form = transcript.form === 'redacted' ? 'Identifiers in it are replaced by placeholders such as [NAME].' : 'It is the transcript as said.';
  return {
    model: options.model,
    messages: [
      { role: 'system', content: modelInstructions },
      { role: 'user', content: `The call transcript follows between the lines. ${form}\n---\n${transcript.text}\n---` },
    ],
    temperature: 0,
    max_tokens: options.maxAnswerTokens,
    response_format: { type: 'json_schema', json_schema: { name: 'call_understanding', strict: true, schema: modelAnswerJsonSchema } },
  };
}
