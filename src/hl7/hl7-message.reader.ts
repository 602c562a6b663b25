import { Hl7Message } from '@medplum/core';
import { unescapeHl7Text } from './hl7-encoding.ts';

/**
 * The receiving side's reading of an HL7 v2 message: tolerant of what real feeds send (byte-order
 * mark, LF or CRLF instead of CR, MLLP framing left on, blank lines), strict about what a receiver
 * cannot work without (MSH-2 encoding characters, MSH-9 type, MSH-10 control id, MSH-12 version).
 * Problems are codes, never message content.
 */

export const Hl7ReadProblem = {
  empty: 'EMPTY',
  notMsh: 'NOT_MSH',
  badEncodingCharacters: 'BAD_ENCODING_CHARACTERS',
  missingMessageType: 'MISSING_MESSAGE_TYPE',
  missingControlId: 'MISSING_CONTROL_ID',
  missingVersion: 'MISSING_VERSION',
  /** FHS/BHS batch file: several messages in an envelope. MLLP carries one message; split first. */
  batch: 'BATCH_NOT_SUPPORTED',
} as const;
export type Hl7ReadProblem = (typeof Hl7ReadProblem)[keyof typeof Hl7ReadProblem];

export interface Hl7Header {
  messageCode: string;
  triggerEvent: string;
  controlId: string;
  versionId: string;
  processingId: string;
}

export type Hl7ReadResult =
  | { ok: true; message: Hl7Message; header: Hl7Header }
  | { ok: false; problem: Hl7ReadProblem };

const mllpStart = '\u000b';
const mllpEnd = '\u001c';

/**
 * Splits text that may hold several MLLP frames. @medplum/hl7 4.5.2 ends a message only where a
 * socket read ends with FS CR, so two frames arriving in one read (an enhanced-mode CA followed
 * at once by the AA) reach us as one "message" with the second frame glued on.
 */
export function splitMllpFrames(text: string): string[] {
  return text
    .split(mllpEnd)
    .map((frame) => normalizeHl7Text(frame))
    .filter((frame) => frame !== '');
}

/** Segment text with framing, BOM and line-ending variants removed; segments joined by CR. */
export function normalizeHl7Text(text: string): string {
  let body = (text.startsWith('\uFEFF') ? text.slice(1) : text).replace(/^[\r\n]+/, '');
  if (body.startsWith(mllpStart)) body = body.slice(1);
  const end = body.lastIndexOf(mllpEnd);
  if (end !== -1 && body.slice(end + 1).trim() === '') body = body.slice(0, end);
  return body
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '')
    .join('\r');
}

/** MSH-1 and MSH-2: five distinct non-alphanumeric characters (six from v2.7, with truncation). */
function validEncodingCharacters(fieldSeparator: string, encodingCharacters: string): boolean {
  const all = fieldSeparator + encodingCharacters;
  return /^[^A-Za-z0-9\s]{5,6}$/.test(all) && new Set(all).size === all.length;
}

/** Reads the header of a parsed message; undefined fields are treated as missing. */
export function readHl7Header(message: Hl7Message): Hl7ReadResult {
  const msh = message.getSegment(0);
  if (!msh || msh.name !== 'MSH') return { ok: false, problem: Hl7ReadProblem.notMsh };
  if (!validEncodingCharacters(message.context.fieldSeparator, msh.fields[1]?.toString() ?? '')) {
    return { ok: false, problem: Hl7ReadProblem.badEncodingCharacters };
  }
  const messageCode = msh.getComponent(9, 1);
  const triggerEvent = msh.getComponent(9, 2);
  if (!messageCode) return { ok: false, problem: Hl7ReadProblem.missingMessageType };
  const controlId = msh.getField(10)?.toString() ?? '';
  if (!controlId) return { ok: false, problem: Hl7ReadProblem.missingControlId };
  const versionId = msh.getComponent(12, 1);
  if (!versionId) return { ok: false, problem: Hl7ReadProblem.missingVersion };
  return {
    ok: true,
    message,
    header: { messageCode, triggerEvent, controlId, versionId, processingId: msh.getComponent(11, 1) },
  };
}

/** Parses and checks one message from text as it arrives from a file or a socket. */
export function readHl7Message(text: string): Hl7ReadResult {
  const normalized = normalizeHl7Text(text);
  if (normalized === '') return { ok: false, problem: Hl7ReadProblem.empty };
  if (/^(FHS|BHS)/.test(normalized)) return { ok: false, problem: Hl7ReadProblem.batch };
  if (!normalized.startsWith('MSH')) return { ok: false, problem: Hl7ReadProblem.notMsh };
  // Check MSH-1 and MSH-2 on the raw text: @medplum/core's parser takes characters 3-7 as the
  // delimiters whatever they are, and with a missing MSH-2 it would split on letters.
  const fieldSeparator = normalized.charAt(3);
  const encodingCharacters = normalized.slice(4).split(fieldSeparator, 1)[0] ?? '';
  if (!validEncodingCharacters(fieldSeparator, encodingCharacters)) {
    return { ok: false, problem: Hl7ReadProblem.badEncodingCharacters };
  }
  return readHl7Header(Hl7Message.parse(normalized));
}

export const DocumentReadProblem = {
  unsupportedType: 'UNSUPPORTED_MESSAGE_TYPE',
  missingDocumentNumber: 'MISSING_DOCUMENT_NUMBER',
} as const;
export type DocumentReadProblem = (typeof DocumentReadProblem)[keyof typeof DocumentReadProblem];

export interface ReceivedDocument {
  messageType: 'MDM^T02' | 'ORU^R01';
  /** TXA-12 (MDM) or OBR-3 (ORU): entity id and namespace, unescaped. */
  documentId: string;
  namespace: string;
  /** OBX-5 text lines, unescaped, joined with LF. */
  text: string;
}

export type DocumentReadResult =
  | { ok: true; document: ReceivedDocument }
  | { ok: false; problem: DocumentReadProblem; location?: string };

/** What a note receiver needs from a written-back document: its business identifier and text. */
export function readWrittenDocument(message: Hl7Message): DocumentReadResult {
  const msh = message.getSegment('MSH');
  const type = `${msh?.getComponent(9, 1) ?? ''}^${msh?.getComponent(9, 2) ?? ''}`;
  let identifierField;
  let location;
  if (type === 'MDM^T02') {
    identifierField = message.getSegment('TXA')?.getField(12);
    location = 'TXA-12';
  } else if (type === 'ORU^R01') {
    identifierField = message.getSegment('OBR')?.getField(3);
    location = 'OBR-3';
  } else {
    return { ok: false, problem: DocumentReadProblem.unsupportedType, location: 'MSH-9' };
  }
  const documentId = unescapeHl7Text(identifierField?.getComponent(1) ?? '');
  if (!documentId) return { ok: false, problem: DocumentReadProblem.missingDocumentNumber, location };
  const text = message
    .getAllSegments('OBX')
    .filter((obx) => obx.getComponent(2, 1) === 'TX' || obx.getComponent(2, 1) === 'FT' || obx.getComponent(2, 1) === 'ST')
    .map((obx) => unescapeHl7Text(obx.getField(5)?.toString() ?? ''))
    .join('\n');
  return {
    ok: true,
    document: { messageType: type, documentId, namespace: unescapeHl7Text(identifierField?.getComponent(2) ?? ''), text },
  };
}
