/** What the review API answers (src/review/review.routes.ts); openapi.d.ts leaves responses untyped. */

export type ReviewStatus = 'pending' | 'approved' | 'rejected' | 'auto-approved';
export type Priority = 'routine' | 'urgent' | 'asap' | 'stat';

export interface ReviewPatient {
  id: string;
  name: string | null;
  birthDate: string | null;
  gender: string | null;
  mrn: string | null;
  phone: string | null;
  verified: boolean;
  unavailable?: string;
  /** A link into the EHR's own chart, where the deployment has one. */
  ehrUrl?: string | null;
}

export interface ReviewItem {
  id: string;
  callId: string;
  status: ReviewStatus;
  pattern: string;
  reasons: string[];
  priority: Priority;
  requestType: string;
  redFlags: string[];
  queue: string | null;
  assignedTo: string | null;
  currentVersion: number;
  createdAt: string;
  updatedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  rejectionReason: string | null;
}

export interface ListedItem extends ReviewItem {
  ageMinutes: number;
  patient: ReviewPatient | null;
}

export interface ReviewList {
  items: ListedItem[];
  /** Display names by staff id. */
  people?: Record<string, string>;
}

export interface ReviewNote {
  reasonForCall: string;
  details: string;
  actionRequested: string;
  nextStep: string;
  owner: string;
  followUpDue: string | null;
  urgency: 'routine' | 'urgent' | 'emergency';
  note: string;
}
export type NoteField = keyof ReviewNote;

export interface Checklist {
  patientIdentifiedCorrectly: boolean;
  actionAppropriate: boolean;
  noUnnecessaryPhi: boolean;
  neutralFactualTone: boolean;
}

export interface VersionEntry {
  version: number;
  kind: 'ai-draft' | 'blank-draft' | 'edit' | 'approved' | 'rejected' | 'auto-approved';
  author: string;
  generatedByAi: boolean;
  createdAt: string;
  checklist: Checklist | null;
  changes: { field: NoteField; before: unknown; after: unknown }[];
}

export interface Span {
  start: number;
  end: number;
}

export interface RedFlagFound {
  code: string;
  status?: 'affirmed' | 'uncertain';
  subject?: 'patient' | 'other';
  start?: number;
  end?: number;
}

export interface OpenedItem {
  item: ReviewItem;
  note: ReviewNote;
  disagreements: string[];
  aiDraft: boolean;
  redFlags: RedFlagFound[];
  prompts: string[];
  identity: {
    confidence: string;
    verified: boolean;
    candidates: ReviewPatient[];
    check: { method: string; by: string; at: string } | null;
    mismatch: string[];
  };
  patient: ReviewPatient | null;
  transcript: {
    redaction: 'on' | 'off';
    text: string | null;
    /** Where the transcript came from and how far it can be trusted (issue 17); null: no transcript was read. */
    quality?: TranscriptQualityInfo | null;
    /** Words the machine was unsure of, as spans of `text`. */
    unsureWords?: (Span & { confidence: number })[];
  };
  versions: VersionEntry[];
  highlights?: { evidence: Partial<Record<NoteField, (Span & { cue: string })[]>>; redFlags: (RedFlagFound & Span)[] };
  people?: Record<string, string>;
}

export interface RedFlagAcknowledgements {
  callId: string;
  redFlags: { code: string; acknowledgement: { acknowledgedBy: string; acknowledgedAt: string; secondsToAcknowledge: number } | null }[];
}

/** The transcript's source and verdict as the review API gives them (codes; words.ts says them). */
export interface TranscriptQualityInfo {
  source: string;
  sourceKind: 'pbx' | 'http' | 'local';
  /** null: the source did not say how sure it was. */
  quality: 'ok' | 'low' | 'unusable' | null;
  reasons: string[];
}
