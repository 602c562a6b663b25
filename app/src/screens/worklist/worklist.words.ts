import type { CancelReason, WorklistItem, WriteBackKind, WriteBackStatus } from './worklist.types';

/** Status in the clinic's words (never the engine's codes). */
export const statusWords: Record<WriteBackStatus, string> = {
  pending: 'Waiting to send',
  sending: 'Sending now',
  delivered: 'Sent',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Badge colours dark enough for white text at 4.5:1 (WCAG AA) in both themes. */
export const statusColor: Record<WriteBackStatus | 'waiting', string> = {
  pending: '#1864ab',
  sending: '#1864ab',
  delivered: '#237032',
  failed: '#c92a2a',
  cancelled: '#495057',
  waiting: '#a63c06',
};

export const kindWords: Record<WriteBackKind, string> = {
  'chart-record': 'Call note for the chart',
  'event-task': 'Follow-up task',
  rejection: 'Withdraw a rejected call from the chart',
};

export const eventWords: Record<string, string> = {
  'refill-denied': 'refill denied',
  'missed-appointment': 'missed appointment',
  'callback-request': 'callback requested',
};

export const targetWords: Record<'fhir' | 'hl7', string> = { fhir: 'EHR (FHIR)', hl7: 'EHR interface (HL7)' };

export const cancelReasonWords: Record<CancelReason, string> = {
  duplicate: 'A duplicate of another chart write',
  'wrong-patient': 'For the wrong patient',
  'entered-by-hand': 'Already entered in the EHR by hand',
  'consent-withdrawn': 'The caller withdrew consent',
  'not-needed': 'No longer needed',
  other: 'Another reason (tell your team)',
};

/**
 * Waiting for the EHR: in line while the EHR is down (its own attempt failed, or it waits behind
 * one that did), or tried and not taken yet.
 */
export function waitsForEhr(item: WorklistItem, ehrDown: boolean): boolean {
  return (item.status === 'pending' || item.status === 'sending') && (item.waitingSince !== null || ehrDown);
}

/** The status a supervisor reads: "Waiting for the EHR" beats "Waiting to send" during downtime. */
export function statusLabel(item: WorklistItem, ehrDown: boolean): string {
  return waitsForEhr(item, ehrDown) ? 'Waiting for the EHR' : statusWords[item.status];
}

export const mayCancel = (item: WorklistItem) => item.status === 'pending' || item.status === 'failed';
export const mayRetry = (item: WorklistItem) => item.status === 'failed';

/** A short, readable reference for an id (the full id is in the link and its label). */
export const shortId = (id: string) => id.slice(0, 8);
