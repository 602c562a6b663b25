/**
 * What the live feed (`/ws`) and the live-call routes send, as this screen reads it. The engine's
 * own types are in src/api/live-calls.hub.ts and src/ehr/screen-pop.mapper.ts; these mirror them
 * (the API's responses are untyped in openapi.d.ts).
 */

export interface LiveRouting {
  destination: string;
  reason: string;
  ruleId: string;
  fallback: boolean;
  afterHours: boolean;
}

export interface LiveCallSummary {
  callId: string;
  provider: string;
  status: string;
  queue: string | null;
  agent: string | null;
  callerOutcome: string | null;
  identityConfidence: string | null;
  ivrReason: string | null;
  urgent: boolean;
  routedTo: string | null;
  routing?: LiveRouting | null;
  requestType: string | null;
  requestTypes: string[];
  redFlagCount: number;
  urgency: 'routine' | 'urgent' | 'emergency' | null;
  writeBackStatus: string;
  updatedAt: string;
}

export interface ScreenPopPatient {
  id: string;
  name: string;
  age: number | null;
  sex: string | null;
  mrn: string | null;
  allergies: { substance: string; criticality: string | null; highRisk: boolean }[];
  noKnownAllergies: boolean;
  primaryProblem: string | null;
  problems: string[];
  activeMedications: string[];
  lastVisit: { date: string; reason: string | null } | null;
  pendingOrders: string[];
  openTasks: string[];
  pcp: string | null;
  careTeam: string[];
  fieldsWithheld?: boolean;
}

export interface ScreenPopCandidate {
  patientId: string;
  name: string;
  birthYear: number | null;
  matchedOn: string;
}

export interface ScreenPop {
  callId: string;
  outcome: string;
  confidence: string;
  callerRole: 'patient' | 'caregiver' | 'unknown';
  relationship: string | null;
  patient: ScreenPopPatient | null;
  candidates: ScreenPopCandidate[];
  complete: boolean;
  chartUnavailable?: boolean;
  moreCandidates: number;
  restricted: boolean;
  queue?: string | null;
  agent?: string | null;
  generatedAt: string;
}

export interface CallUnderstanding {
  callId: string;
  queue: string | null;
  agent: string | null;
  /** `source`: who proposed it (`callchart-language-model` when the clinic's model did); absent from older engines. */
  requestTypes: { type: string; confidence: number; source?: string }[];
  redFlags: { code: string; status: 'affirmed' | 'uncertain' }[];
  urgency: 'routine' | 'urgent' | 'emergency';
  summary: { reasonForCall: string; details: string; actionRequested: string; nextStep: string; owner: string; followUpDue: string } | null;
  generatedBy: string;
  reviewed: false;
}

export type TranscriptQuality = 'ok' | 'low' | 'unusable';

/** A call's live transcript (issue 17): redacted by the engine; clinical roles only. */
export interface LiveTranscript {
  callId: string;
  queue: string | null;
  agent: string | null;
  source: string;
  pieces: { text: string; kind: 'text' | 'redacted' | 'low-confidence' }[];
  /** Words not settled yet (held back or still being heard): shown lighter, may change. */
  pending: string;
  quality: TranscriptQuality;
  qualityReasons: string[];
  lowConfidenceWords: number;
  truncated: boolean;
  updatedAt: string;
}

export type LiveMessage =
  | { type: 'hello'; user: string; role: string; queues: string[]; calls: LiveCallSummary[]; screenPops: ScreenPop[]; understandings?: CallUnderstanding[]; transcripts?: LiveTranscript[] }
  | { type: 'transcript.live'; transcript: LiveTranscript }
  | { type: 'transcript.live.removed'; callId: string }
  | { type: 'call.updated'; call: LiveCallSummary }
  | { type: 'screen-pop' | 'screen-pop.updated'; screenPop: ScreenPop }
  | { type: 'call.understood'; understanding: CallUnderstanding };

export interface ConsentRow {
  scope: string;
  status: 'granted' | 'declined' | 'not-captured' | string;
  source: string | null;
  capturedAt: string | null;
}

export interface RedFlagAcknowledgement {
  code: string;
  acknowledgedAt: string;
  acknowledgedBy: string;
  secondsToAcknowledge: number;
}

export interface RedFlagsAnswer {
  callId: string;
  redFlags: { code: string; acknowledgement: RedFlagAcknowledgement | null }[];
}

export type DobAnswer = { verified: true; patientId: string; identityConfidence: string } | { verified: false; reason: 'no-candidates' | 'no-match' | 'ambiguous' };
