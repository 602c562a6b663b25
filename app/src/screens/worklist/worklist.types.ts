/**
 * What the chart worklist reads from the engine (src/write-back/worklist.routes.ts): ids, codes,
 * and the EHR's reason in words. Declared here because the engine's OpenAPI responses are untyped.
 */
export type WriteBackStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'cancelled';
export type WriteBackKind = 'chart-record' | 'event-task' | 'rejection';
export type CancelReason = 'duplicate' | 'wrong-patient' | 'entered-by-hand' | 'consent-withdrawn' | 'not-needed' | 'other';

export interface WorklistItem {
  id: string;
  seq: number;
  status: WriteBackStatus;
  kind: WriteBackKind;
  target: 'fhir' | 'hl7';
  callId: string | null;
  reviewId: string | null;
  reviewVersion: number | null;
  eventType: string | null;
  /** The chart's id in the EHR, for people who review calls in queues they work; no names. */
  patientId: string | null;
  attempts: number;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
  retryClass: 'transient' | 'ambiguous' | 'permanent' | null;
  failure: { code: string; words: string; ehrReasons: { code: string; words: string }[] } | null;
  waitingSince: string | null;
  cancelled: { at: string; by: string | null; byName: string | null; reason: CancelReason | null } | null;
}

export interface EhrLine {
  target: 'fhir' | 'hl7';
  /** False while Callchart's breaker for this EHR is open. */
  available: boolean;
  down: boolean;
  waitingSince: string | null;
  waiting: number;
  queued: number;
}

export interface WorklistPage {
  items: WorklistItem[];
  nextBefore: number | null;
  ehr: EhrLine[];
}

export interface WriteBackSummary {
  counts: Record<'fhir' | 'hl7', Record<WriteBackStatus, number>>;
}
