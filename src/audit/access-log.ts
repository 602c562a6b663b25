import type { AuditEventInput } from './audit-chain.ts';

/**
 * Access logging (AU-3). Every view of PHI is one `phi.viewed` audit event: who (`actor`), why
 * (`detail.purpose`), what (`objectType`/`objectId`: the call, review item or export) and whose
 * chart (`detail.patientId`, the EHR's id: an id, never a name or number). The auditor's two
 * questions, "who saw this patient's calls" and "what did this user see", read these events only.
 *
 * One action, one meaning: `phi.viewed` is the access log. Workflow events that record what was
 * done (`review.edited`, `ehr.patient.searched` with its criteria kinds) stay as they are; opening a
 * review item changes nothing, so it is a `phi.viewed` and nothing else.
 */
export const phiViewedAction = 'phi.viewed' as const;

export const viewPurposes = ['screen-pop', 'review-opened', 'raw-content', 'export', 'patient-search', 'chart-readback', 'audit-review', 'callback-opened'] as const;
export type ViewPurpose = (typeof viewPurposes)[number];

export interface PhiView {
  /** `staff:<id>`, `operator:<name>` (a CLI user on the host), `system`. */
  actor: string;
  purpose: ViewPurpose;
  objectType: 'call' | 'review-item' | 'patient' | 'audit-export' | 'incident-evidence' | 'chart-readback' | 'callback-task';
  objectId: string | null;
  /** The EHR patient id whose PHI was shown, when one is known. */
  patientId?: string | null;
  /** Other charts shown beside it (a card's candidates on a shared line). */
  otherPatientIds?: readonly string[];
  /** Ids and codes only: versions, counts, sequence ranges. */
  extra?: Record<string, string | number | boolean | null>;
}

/** The audit event for one view. */
export function phiViewedEvent(view: PhiView): AuditEventInput {
  return {
    actor: view.actor,
    action: phiViewedAction,
    objectType: view.objectType,
    objectId: view.objectId,
    outcome: 'success',
    detail: {
      purpose: view.purpose,
      patientId: view.patientId ?? null,
      ...(view.otherPatientIds?.length ? { otherPatientIds: [...view.otherPatientIds] } : {}),
      ...(view.extra ?? {}),
    },
  };
}

/** A live card showing a patient's details, sent to one person's display. */
export interface CardShown {
  /** The staff member's id (the token's `sub`). */
  user: string;
  callId: string;
  patientId: string | null;
  otherPatientIds: string[];
}
