/**
 * Why a chart write did not reach the EHR, in words a supervisor reads (issue 14, item 4), with
 * each code beside its words. Pure. The EHR's own free text is never stored (it may echo patient
 * data), so the words come from the code tables the EHR answers with: FHIR's IssueType for an
 * OperationOutcome, HL7 v2 table 0357 for an ACK's ERR segment.
 */
export interface FailureInWords {
  /** Callchart's code for the failure (EHR_REJECTED, HL7_APPLICATION_ERROR, …). */
  code: string;
  /** What happened and what to do, in a sentence or two. */
  words: string;
  /** The EHR's own codes, each with its meaning (`error:required` → "A required element is missing"). */
  ehrReasons: { code: string; words: string }[];
}

const failureWords: Record<string, string> = {
  EHR_REJECTED: 'The EHR refused this record. Fix what it names below (in the EHR or in the call), then retry.',
  EHR_AUTH_REJECTED: "The EHR refused Callchart's access: the clinic's EHR registration does not allow this write, or its credentials were withdrawn. Ask the EHR administrator, then retry.",
  EHR_UNAVAILABLE: 'The EHR is not answering (down, overloaded or restarting). Callchart sends it by itself when the EHR is back.',
  EHR_TIMEOUT: 'The EHR did not answer in time. Callchart checks whether it arrived before sending it again.',
  EHR_CONNECTION_LOST: 'The connection to the EHR dropped while sending. Callchart checks whether it arrived before sending it again.',
  EHR_CONFLICT: 'Someone changed this record in the EHR since Callchart read it. Callchart reads it again and retries by itself.',
  CONSENT_FORBIDS: "The caller's consent no longer allows this in the chart. Cancel it, or retry if consent was given again.",
  IDENTITY_UNVERIFIED: 'The patient is not verified. Link the call to the right chart in Review, then retry.',
  PAYLOAD_INVALID: 'Callchart built a record the EHR would not accept (it failed FHIR validation). Tell your administrator.',
  NOT_FOUND: 'The call or its review is missing, so there is nothing to send. Cancel it.',
  HL7_PEER_UNAVAILABLE: 'The EHR interface is not answering. Callchart sends it by itself when it is back.',
  HL7_ACK_TIMEOUT: 'The EHR interface did not acknowledge in time. Callchart sends the same message again; the EHR files it once.',
  HL7_CONNECTION_LOST: 'The connection to the EHR interface dropped before it acknowledged. Callchart sends the same message again.',
  HL7_ACK_UNREADABLE: 'The EHR interface answered with an acknowledgement Callchart cannot read. Callchart sends the same message again.',
  HL7_APPLICATION_ERROR: 'The EHR could not file this note (an application error). Fix what it names below, then retry.',
  HL7_APPLICATION_REJECTED: 'The EHR rejected this message. Fix what it names below, or ask the interface team, then retry.',
  HL7_COMMIT_ERROR: 'The EHR interface could not store the message yet. Callchart sends it again by itself.',
  HL7_COMMIT_REJECTED: "The EHR interface refused the message's type or version. Ask the interface team, then retry.",
  INTERNAL: 'Something went wrong inside Callchart while sending. It tries again by itself; tell your administrator if it keeps happening.',
};

/** FHIR R4 IssueType (http://hl7.org/fhir/issue-type), the OperationOutcome's `issue.code`. */
const fhirIssueWords: Record<string, string> = {
  invalid: 'The record is not valid',
  structure: 'The record is not structured correctly',
  required: 'A required element is missing',
  value: 'An element has a wrong value',
  invariant: 'A validation rule failed',
  security: 'Not allowed for security reasons',
  login: 'The EHR needs a sign-in',
  unknown: 'The EHR does not know the user',
  expired: 'The sign-in or session expired',
  forbidden: 'Not permitted for this client (a scope is missing)',
  suppressed: 'Some information was withheld',
  processing: 'The EHR could not process it',
  'not-supported': 'The EHR does not support this',
  duplicate: 'The EHR already has this record',
  'multiple-matches': 'More than one record matched',
  'not-found': 'The EHR could not find what it refers to',
  deleted: 'What it refers to was deleted',
  'too-long': 'Something is too long',
  'code-invalid': 'A code is not one the EHR knows',
  extension: 'An extension is not accepted',
  'too-costly': 'The request was too costly for the EHR',
  'business-rule': 'A business rule in the EHR was broken',
  conflict: 'It conflicts with the EHR\'s current copy',
  transient: 'A passing problem in the EHR',
  'lock-error': 'The record is locked in the EHR',
  'no-store': 'The EHR has no storage available',
  exception: 'The EHR had an internal error',
  timeout: 'The EHR timed out',
  incomplete: 'The EHR returned an incomplete result',
  throttled: 'The EHR is throttling requests',
  informational: 'Information only',
};

/** HL7 v2 table 0357 (message error condition codes), ERR-3. */
const hl7ErrorWords: Record<string, string> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '104': 'Value too long',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier (for example an unknown patient)',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

const ackWords: Record<string, string> = {
  AE: 'Application error',
  AR: 'Application reject',
  CE: 'Commit error',
  CR: 'Commit reject',
};

/**
 * The EHR's reason for a failed attempt, as codes only (migration 0026): the HTTP status, the
 * OperationOutcome's issue codes (`severity:code`) and expressions, or the HL7 ACK's code, error
 * code (table 0357) and location. Never the EHR's free text: it may echo patient data.
 */
export interface WriteBackFailureDetail {
  status?: number;
  issues?: string[];
  paths?: string[];
  ackCode?: string;
  errorCode?: string;
  errorLocation?: string;
}

/** The failure of a chart write in words, with every code beside its words; null when it has none. */
export function failureInWords(code: string | null, detail: WriteBackFailureDetail | null): FailureInWords | null {
  if (!code) return null;
  const ehrReasons: FailureInWords['ehrReasons'] = [];
  if (detail?.status) ehrReasons.push({ code: `HTTP ${detail.status}`, words: httpWords(detail.status) });
  for (const issue of detail?.issues ?? []) {
    const type = issue.split(':').at(-1) ?? issue;
    ehrReasons.push({ code: issue, words: fhirIssueWords[type] ?? 'The EHR named a problem Callchart has no words for' });
  }
  for (const path of detail?.paths ?? []) ehrReasons.push({ code: path, words: 'Where in the record' });
  if (detail?.ackCode) ehrReasons.push({ code: `ACK ${detail.ackCode}`, words: ackWords[detail.ackCode] ?? 'Acknowledgement' });
  if (detail?.errorCode) ehrReasons.push({ code: `ERR ${detail.errorCode}`, words: hl7ErrorWords[detail.errorCode] ?? 'An error code Callchart has no words for' });
  if (detail?.errorLocation) ehrReasons.push({ code: detail.errorLocation, words: 'Where in the message' });
  return { code, words: failureWords[code] ?? 'The write did not go through. Retry; if it fails again, tell your administrator.', ehrReasons };
}

function httpWords(status: number): string {
  if (status === 400) return 'Bad request';
  if (status === 401) return 'Not signed in';
  if (status === 403) return 'Forbidden';
  if (status === 404) return 'Not found';
  if (status === 409) return 'Conflict';
  if (status === 412) return 'Changed since it was read';
  if (status === 422) return 'Not processable';
  if (status === 429) return 'Too many requests';
  if (status >= 500) return 'EHR server error';
  return 'Refused';
}
