/** The Audit screen's answers (src/audit/audit-search.routes.ts): ids, codes, times and staff names. */

export type AuditOutcome = 'success' | 'failure' | 'duplicate' | 'rejected' | 'deferred';

export interface TrailEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  consentStatus: string | null;
  detail: Record<string, unknown>;
}

/** Staff who acted, by actor (`staff:<id>`). */
export type People = Record<string, { name: string; role: string }>;

export interface TrailPage {
  events: TrailEvent[];
  nextBeforeSeq: number | null;
  people: People;
}

export interface CallFacts {
  id: string;
  provider: string;
  providerCallId: string;
  queue: string | null;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  patientIds: string[];
}

export interface CallTimelineAnswer {
  call: CallFacts | null;
  events: TrailEvent[];
  people: People;
}

export interface Verification {
  ok: boolean;
  checkedAt: string;
  events: number;
  headSeq: number;
  pending: number;
  unkeyedEvents: number;
  uncovered: number;
  checkpoints: number;
  newestCheckpoint: { at: string; seq: number } | null;
  problems: { kind: string; firstSeq: number | null; words: string }[];
}

/** The search as the URL keeps it (`/audit?callId=…`): every field optional. */
export interface TrailSearch {
  callId?: string;
  patientRef?: string;
  actor?: string;
  action?: string;
  /** Clinic dates, YYYY-MM-DD (inclusive). */
  fromDate?: string;
  toDate?: string;
}
