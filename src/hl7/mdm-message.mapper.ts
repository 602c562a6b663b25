import { createHash } from 'node:crypto';
import { Hl7Context, Hl7Field, Hl7Message, Hl7Segment } from '@medplum/core';
import { CallchartError } from '../lib/errors.ts';
import { escapeHl7Text, formatHl7Date, formatHl7Timestamp } from './hl7-encoding.ts';

/**
 * Approved call note → HL7 v2.5.1 MDM^T02 (original document notification and content), and
 * optionally ORU^R01, for EHRs that take notes over MLLP instead of FHIR (requirement WB-2).
 *
 * Identifiers, and why they are what they are:
 * - TXA-12 (unique document number) and OBR-3 (filler order number) carry the note's business
 *   identifier, `documentId^<sendingApp>`. It is stable per call, so a receiver that indexes
 *   documents by number files a resend onto the first copy instead of charting it twice.
 * - MSH-10 (message control id) is derived from the document id, message type and revision, so it
 *   is also stable: a resend after an ambiguous timeout is byte-identical to the first attempt
 *   (given the same input). Interface engines that drop duplicates by MSH-10 (a common default)
 *   then catch it too, and a late ACK from the first attempt correctly confirms the resend. Per-
 *   attempt ids would buy nothing: the client sends one message at a time and opens a fresh
 *   connection after a timeout, so ACKs are never confused between attempts. Bump `revision` only
 *   when the content changes.
 */

export const WriteBackMessageType = { mdm: 'MDM^T02', oru: 'ORU^R01' } as const;
export type WriteBackMessageType = (typeof WriteBackMessageType)[keyof typeof WriteBackMessageType];

/** LOINC 34748-4 "Telephone encounter Note": what a call note is, in the receiver's vocabulary. */
export const telephoneEncounterNoteCode = { code: '34748-4', display: 'Telephone encounter Note', system: 'LN' } as const;

export interface Hl7Endpoints {
  sendingApp: string;
  sendingFacility: string;
  receivingApp: string;
  receivingFacility: string;
}

export interface CallNoteMessageInput extends Hl7Endpoints {
  /** When the message is made. Pass the same value on a resend (for example the approval time). */
  at: Date;
  /** MSH-11: P production, T training/test, D debugging. */
  processingId?: 'P' | 'T' | 'D';
  /** Increase only when the note's content changes; it is part of the message control id. */
  revision?: number;
  /** TXA-2 (HL7 table 0270, user-extensible). Default `PR` progress note; many sites define their own. */
  documentType?: string;
  /** PV1-2 patient class (table 0004). Default `O` outpatient. */
  patientClass?: string;
  /** PV1-19: the EHR's own visit number, when the call is tied to one. Never a Callchart id. */
  encounterId?: string;
  patient: {
    /** The EHR's patient id (PID-3, type PI). */
    id: string;
    idAuthority?: string;
    mrn?: string;
    mrnAuthority?: string;
    familyName?: string;
    givenName?: string;
    /** ISO calendar date, `YYYY-MM-DD`. */
    birthDate?: string;
  };
  note: {
    /** Business identifier, stable per call: TXA-12 and OBR-3. */
    documentId: string;
    title: string;
    text: string;
    /** Staff id of the author (not a name). */
    authoredBy: string;
    authoredAt?: Date;
    /** Staff id of the approver. */
    approvedBy?: string;
    approvedAt?: Date;
    /** Only approved notes leave Callchart. */
    status: 'approved';
  };
}

const context = new Hl7Context();
const hl7Version = '2.5.1';
// ST fields in v2.5.1: MSH-10 is 20 characters, EI.1 is 199.
const maxControlIdLength = 20;
const maxDocumentIdLength = 199;

/** A field whose components are plain values: each is escaped. */
function field(...components: (string | undefined)[]): Hl7Field {
  const values = components.map((value) => escapeHl7Text(value ?? ''));
  while (values.length > 1 && values[values.length - 1] === '') values.pop();
  return new Hl7Field([values], context);
}

/** A repeating field: one escaped component list per repetition. */
function repeatedField(repetitions: (string | undefined)[][]): Hl7Field {
  const rows = repetitions.length > 0 ? repetitions : [['']];
  return new Hl7Field(rows.map((row) => row.map((value) => escapeHl7Text(value ?? ''))), context);
}

function segment(name: string, fields: Hl7Field[]): Hl7Segment {
  // Trailing empty fields are legal but noise; receivers parse either way.
  const trimmed = [...fields];
  while (trimmed.length > 0 && trimmed[trimmed.length - 1]?.toString() === '') trimmed.pop();
  return new Hl7Segment([new Hl7Field([[name]], context), ...trimmed], context);
}

/** Empty field placeholder, to keep field positions readable below. */
const empty = (): Hl7Field => field('');

/**
 * MSH-10 for a document: `CC` + 18 hex characters of SHA-256 over (document id, message type,
 * revision). Deterministic, so resends keep it; short enough for v2.5.1's 20-character limit.
 */
export function messageControlIdFor(documentId: string, messageType: WriteBackMessageType, revision = 1): string {
  const digest = createHash('sha256').update(`${documentId}\u0000${messageType}\u0000${revision}`).digest('hex');
  return `CC${digest.slice(0, maxControlIdLength - 2)}`.toUpperCase();
}

function assertWritable(input: CallNoteMessageInput): void {
  const problems: string[] = [];
  if (input.note.status !== 'approved') problems.push('note.status');
  const documentId = input.note.documentId;
  // eslint-disable-next-line no-control-regex
  if (!documentId || documentId.length > maxDocumentIdLength || /[\u0000-\u001f]/.test(documentId)) problems.push('note.documentId');
  if (!input.patient.id) problems.push('patient.id');
  if (!input.note.authoredBy) problems.push('note.authoredBy');
  if (Number.isNaN(input.at.getTime())) problems.push('at');
  for (const [name, value] of Object.entries({ sendingApp: input.sendingApp, receivingApp: input.receivingApp })) {
    if (!value) problems.push(name);
  }
  if (problems.length > 0) {
    // Field names only: the values may be PHI.
    throw new CallchartError('PAYLOAD_INVALID', 'Call note cannot be written as HL7', { fields: problems });
  }
}

function mshSegment(input: CallNoteMessageInput, type: WriteBackMessageType): Hl7Segment {
  const [messageCode, triggerEvent] = type.split('^') as [string, string];
  return segment('MSH', [
    new Hl7Field([[context.getMsh2()]], context), // MSH-2 encoding characters, never escaped
    field(input.sendingApp),
    field(input.sendingFacility),
    field(input.receivingApp),
    field(input.receivingFacility),
    field(formatHl7Timestamp(input.at)),
    empty(), // MSH-8 security
    field(messageCode, triggerEvent, `${messageCode}_${triggerEvent}`),
    field(messageControlIdFor(input.note.documentId, type, input.revision ?? 1)),
    field(input.processingId ?? 'P'),
    field(hl7Version),
    // MSH-15/16 left empty: original acknowledgment mode, the receiver answers with one
    // application ACK (AA/AE/AR). The client still copes with enhanced-mode CA/CE/CR.
  ]);
}

function pidSegment(input: CallNoteMessageInput): Hl7Segment {
  const { patient } = input;
  const identifiers: (string | undefined)[][] = [];
  if (patient.mrn) identifiers.push([patient.mrn, '', '', patient.mrnAuthority ?? input.receivingFacility, 'MR']);
  identifiers.push([patient.id, '', '', patient.idAuthority ?? input.receivingApp, 'PI']);
  const hasName = Boolean(patient.familyName || patient.givenName);
  return segment('PID', [
    field('1'),
    empty(), // PID-2 external id (backward compatible only)
    repeatedField(identifiers),
    empty(), // PID-4 alternate id (backward compatible only)
    hasName ? field(patient.familyName, patient.givenName) : empty(),
    empty(), // PID-6 mother's maiden name
    field(formatHl7Date(patient.birthDate)),
  ]);
}

function pv1Segment(input: CallNoteMessageInput): Hl7Segment {
  const fields: Hl7Field[] = [field('1'), field(input.patientClass ?? 'O')];
  if (input.encounterId) {
    while (fields.length < 18) fields.push(empty());
    fields.push(field(input.encounterId)); // PV1-19 visit number
  }
  return segment('PV1', fields);
}

function documentIdentifier(input: CallNoteMessageInput): Hl7Field {
  return field(input.note.documentId, input.sendingApp);
}

function noteObservationId(input: CallNoteMessageInput): Hl7Field {
  // CWE: the LOINC code, plus the note's own title as the local alternate text.
  const { code, display, system } = telephoneEncounterNoteCode;
  return field(code, display, system, '', input.note.title);
}

/** Note text split into lines; trailing blank lines dropped, blank lines inside kept. */
export function noteLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines;
}

/** One OBX per line of text (TX), the layout most MDM receivers display as written. */
function textObservations(input: CallNoteMessageInput): Hl7Segment[] {
  const observedAt = formatHl7Timestamp(input.note.authoredAt ?? input.at);
  return noteLines(input.note.text).map((line, index) =>
    segment('OBX', [
      field(String(index + 1)),
      field('TX'),
      noteObservationId(input),
      empty(), // OBX-4 sub-id
      field(line),
      empty(), empty(), empty(), empty(), empty(), // OBX-6..10
      field('F'), // OBX-11 final
      empty(), empty(), // OBX-12, 13
      field(observedAt), // OBX-14
    ]),
  );
}

/**
 * Builds the MDM^T02 for an approved call note: MSH, EVN, PID, PV1, TXA, and one OBX per line of
 * the note. Pure: the same input gives the same message, byte for byte.
 * @throws CallchartError PAYLOAD_INVALID (field names only in `detail`) when the input is incomplete.
 */
export function buildMdmT02(input: CallNoteMessageInput): Hl7Message {
  assertWritable(input);
  const { note } = input;
  const authoredAt = formatHl7Timestamp(note.authoredAt ?? input.at);
  const approvedAt = note.approvedAt ? formatHl7Timestamp(note.approvedAt) : '';
  const txa = segment('TXA', [
    field('1'),
    field(input.documentType ?? 'PR'), // TXA-2 document type
    field('TX'), // TXA-3 content presentation: machine-readable text
    field(authoredAt), // TXA-4 activity date/time
    field(note.authoredBy), // TXA-5 primary activity provider
    field(authoredAt), // TXA-6 origination date/time
    empty(), empty(), // TXA-7 transcription, TXA-8 edit date/time
    field(note.authoredBy), // TXA-9 originator
    field(note.approvedBy ?? ''), // TXA-10 assigned document authenticator
    empty(), // TXA-11 transcriptionist
    documentIdentifier(input), // TXA-12 unique document number: the business identifier
    empty(), empty(), empty(), empty(), // TXA-13..16
    field('AU'), // TXA-17 completion status: authenticated (a person approved it)
    empty(), // TXA-18 confidentiality: the receiver's default
    field('AV'), // TXA-19 availability: available
    empty(), empty(), // TXA-20, 21
    // TXA-22 authentication person and time (PPN: id … component 15 = date/time of action)
    note.approvedBy ? field(note.approvedBy, '', '', '', '', '', '', '', '', '', '', '', '', '', approvedAt) : empty(),
  ]);
  return new Hl7Message(
    [
      mshSegment(input, WriteBackMessageType.mdm),
      segment('EVN', [field('T02'), field(formatHl7Timestamp(input.at))]),
      pidSegment(input),
      pv1Segment(input),
      txa,
      ...textObservations(input),
    ],
    context,
  );
}

/**
 * Builds the ORU^R01 variant some EHRs want for notes instead of MDM: MSH, PID, PV1, OBR (filler
 * order number = the business identifier), and the same OBX lines.
 * @throws CallchartError PAYLOAD_INVALID when the input is incomplete.
 */
export function buildOruR01(input: CallNoteMessageInput): Hl7Message {
  assertWritable(input);
  const authoredAt = formatHl7Timestamp(input.note.authoredAt ?? input.at);
  const { code, display, system } = telephoneEncounterNoteCode;
  const obr = segment('OBR', [
    field('1'),
    empty(), // OBR-2 placer order number: there was no order
    documentIdentifier(input), // OBR-3 filler order number: the business identifier
    field(code, display, system),
    empty(), empty(), // OBR-5, 6
    field(authoredAt), // OBR-7 observation date/time
    ...Array.from({ length: 17 }, empty), // OBR-8..24
    field('F'), // OBR-25 result status
  ]);
  return new Hl7Message(
    [mshSegment(input, WriteBackMessageType.oru), pidSegment(input), pv1Segment(input), obr, ...textObservations(input)],
    context,
  );
}

/** The messages configured for one note, in send order (MDM first). */
export function buildWriteBackMessages(
  input: CallNoteMessageInput,
  messageTypes: readonly WriteBackMessageType[] = [WriteBackMessageType.mdm],
): { messageType: WriteBackMessageType; messageControlId: string; message: Hl7Message }[] {
  const builders = { [WriteBackMessageType.mdm]: buildMdmT02, [WriteBackMessageType.oru]: buildOruR01 };
  return [WriteBackMessageType.mdm, WriteBackMessageType.oru]
    .filter((type) => messageTypes.includes(type))
    .map((messageType) => ({
      messageType,
      messageControlId: messageControlIdFor(input.note.documentId, messageType, input.revision ?? 1),
      message: builders[messageType](input),
    }));
}
