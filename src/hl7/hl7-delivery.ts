import type { Hl7Message } from '@medplum/core';
import { CallchartError, type ErrorCode, type RetryClass } from '../lib/errors.ts';

/**
 * What an HL7 v2 write-back attempt ended as, and what the worker should do next. Pure: the MLLP
 * client feeds it the ACK (or the lack of one) and throws the error this module builds.
 *
 * Each HL7 failure has its own code in src/lib/errors.ts (HTTP status and retry class) and names
 * itself in `detail.hl7Failure`. The retry class below must equal the code's; a unit test checks it.
 */
export const Hl7Failure = {
  /** Connect refused, reset or timed out before a byte was written: nothing can have happened. */
  HL7_PEER_UNAVAILABLE: { errorCode: 'HL7_PEER_UNAVAILABLE', retry: 'transient' },
  /** Written, no ACK in time: the receiver may have filed the note. Check, or resend the same bytes. */
  HL7_ACK_TIMEOUT: { errorCode: 'HL7_ACK_TIMEOUT', retry: 'ambiguous' },
  /** Written, then the connection closed before the ACK: as ambiguous as a timeout. */
  HL7_CONNECTION_LOST: { errorCode: 'HL7_CONNECTION_LOST', retry: 'ambiguous' },
  /** An ACK whose MSA-1 we cannot read: we cannot tell what the receiver did. */
  HL7_ACK_UNREADABLE: { errorCode: 'HL7_ACK_UNREADABLE', retry: 'ambiguous' },
  /** AE: the receiver could not process it (unknown patient, missing field). Needs a person. */
  HL7_APPLICATION_ERROR: { errorCode: 'HL7_APPLICATION_ERROR', retry: 'permanent' },
  /** AR: the receiver refused it (type, version, processing id not accepted). */
  HL7_APPLICATION_REJECTED: { errorCode: 'HL7_APPLICATION_REJECTED', retry: 'permanent' },
  /** CE: not committed to the receiver's store (sequence or storage trouble); nothing happened. */
  HL7_COMMIT_ERROR: { errorCode: 'HL7_COMMIT_ERROR', retry: 'transient' },
  /** CR: the receiver's engine refused MSH-9/11/12. */
  HL7_COMMIT_REJECTED: { errorCode: 'HL7_COMMIT_REJECTED', retry: 'permanent' },
} as const satisfies Record<string, { errorCode: ErrorCode; retry: RetryClass }>;
export type Hl7Failure = keyof typeof Hl7Failure;

/**
 * ACK code (MSA-1) → outcome. Original mode: AA/AE/AR. Enhanced mode: CA/CE/CR are commit-level
 * answers from the receiver's engine; CA alone is not delivery (the application may still say AE),
 * so the client keeps waiting for the application ACK after a CA.
 */
export const AckDisposition = {
  AA: { outcome: 'delivered' },
  CA: { outcome: 'committed' },
  AE: { outcome: 'failed', failure: 'HL7_APPLICATION_ERROR' },
  AR: { outcome: 'failed', failure: 'HL7_APPLICATION_REJECTED' },
  CE: { outcome: 'failed', failure: 'HL7_COMMIT_ERROR' },
  CR: { outcome: 'failed', failure: 'HL7_COMMIT_REJECTED' },
} as const satisfies Record<string, { outcome: 'delivered' | 'committed' } | { outcome: 'failed'; failure: Hl7Failure }>;
export type AckCode = keyof typeof AckDisposition;

export interface AckReading {
  ackCode: AckCode | undefined;
  /** Coded error only (ERR-3.1 from v2.5, ERR-1.4.1 or MSA-6.1 before): never free text. */
  errorCode: string | undefined;
  /** Where the receiver says the problem is, as `SEG-n` (ERR-2, or ERR-1 before v2.5). */
  errorLocation: string | undefined;
}

// Codes and locations are short tokens. Anything else (free text that could quote the patient)
// is dropped rather than trimmed.
const safeCode = (value: string | undefined): string | undefined =>
  value && /^[A-Za-z0-9._-]{1,20}$/.test(value) ? value : undefined;

function location(segmentId: string | undefined, fieldPosition: string | undefined): string | undefined {
  if (!segmentId || !/^[A-Z][A-Z0-9]{2}$/.test(segmentId)) return undefined;
  return fieldPosition && /^\d{1,3}$/.test(fieldPosition) ? `${segmentId}-${fieldPosition}` : segmentId;
}

/** Reads MSA and ERR of an ACK without keeping any free text (MSA-3, ERR-8 may quote PHI). */
export function readAck(ack: Hl7Message): AckReading {
  const msa = ack.getSegment('MSA');
  const code = msa?.getComponent(1, 1).toUpperCase();
  const ackCode = code && code in AckDisposition ? (code as AckCode) : undefined;
  const err = ack.getSegment('ERR');
  const errorCode = safeCode(err?.getComponent(3, 1)) ?? safeCode(err?.getComponent(1, 4)?.split('&')[0]) ?? safeCode(msa?.getComponent(6, 1));
  const errorLocation = location(err?.getComponent(2, 1), err?.getComponent(2, 3)) ?? location(err?.getComponent(1, 1), err?.getComponent(1, 3));
  return { ackCode, errorCode, errorLocation };
}

/** A write-back failure: a CallchartError, so workers read `retry` as for any other adapter. */
export class Hl7DeliveryError extends CallchartError {
  readonly hl7Failure: Hl7Failure;

  constructor(failure: Hl7Failure, detail: Record<string, unknown>, options?: { cause?: unknown }) {
    super(Hl7Failure[failure].errorCode, `HL7 write-back failed: ${failure}`, { hl7Failure: failure, ...detail }, options);
    this.name = 'Hl7DeliveryError';
    this.hl7Failure = failure;
  }
}

export type AckClassification =
  | { outcome: 'delivered'; ackCode: 'AA' }
  | { outcome: 'committed'; ackCode: 'CA' }
  | { outcome: 'failed'; failure: Hl7Failure; reading: AckReading };

/** Classifies one ACK. An ACK we cannot read is ambiguous, never success. */
export function classifyAck(ack: Hl7Message): AckClassification {
  const reading = readAck(ack);
  if (!reading.ackCode) return { outcome: 'failed', failure: 'HL7_ACK_UNREADABLE', reading };
  const disposition: (typeof AckDisposition)[AckCode] = AckDisposition[reading.ackCode];
  if (disposition.outcome === 'delivered') return { outcome: 'delivered', ackCode: 'AA' };
  if (disposition.outcome === 'committed') return { outcome: 'committed', ackCode: 'CA' };
  return { outcome: 'failed', failure: disposition.failure, reading };
}
