import { randomUUID } from 'node:crypto';
import type { Queryable, Transaction } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { CallEvent } from './call-event.schema.ts';
import { transcriptOf, withoutTranscript } from './call-event.schema.ts';
import type { CallerNumber } from './caller-number.ts';
import { sealCallerNumber } from './caller-number.repository.ts';
import { newestTranscript, storeTranscript } from './transcript.repository.ts';
import { deriveCallState, type CallLifecycleEvent, type CallState, type CallStatus } from './call-state.ts';
import type { CallerMatch, SubjectCheck } from '../ehr/patient-match.ts';

/**
 * A call as the ledger holds it. The caller's number is not here: it is sealed content
 * (`callerNumberOf` in caller-number.repository.ts), read only to identify the caller.
 */
export interface CallRecord {
  id: string;
  provider: string;
  providerCallId: string;
  /** Which way the call went (migration 0031). */
  direction: 'inbound' | 'outbound';
  status: CallStatus;
  aniPresentation: CallerNumber['presentation'] | 'unknown';
  dnis: string | null;
  queue: string | null;
  agent: string | null;
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  callerMatch: CallerMatch | null;
  requestType: string | null;
  /** Every request type found, main one first (codes only). */
  requestTypes: string[];
  /** Red flag codes found in the call (codes only; the spans are in the encrypted analysis). */
  redFlags: string[];
  urgency: 'routine' | 'urgent' | 'emergency' | null;
  writeBackStatus: string;
  fhirTaskId: string | null;
  lastErrorCode: string | null;
  ivrReason: string | null;
  urgent: boolean;
  routing: Record<string, unknown> | null;
  /** The policy function's last decision for the call (codes only), from its latest stage. */
  policyDecision: { stage: string; policyVersion: string; sensitive: string[]; [code: string]: unknown } | null;
  updatedAt: string;
}

interface CallRow {
  id: string;
  provider: string;
  provider_call_id: string;
  direction?: 'inbound' | 'outbound' | null;
  status: CallStatus;
  ani_presentation: CallRecord['aniPresentation'];
  dnis: string | null;
  queue: string | null;
  agent: string | null;
  started_at: Date | string | null;
  answered_at: Date | string | null;
  ended_at: Date | string | null;
  caller_outcome: CallerMatch['outcome'] | null;
  caller_confidence: CallerMatch['confidence'] | null;
  caller_patient_ids: string[];
  caller_related_person_ids: string[];
  caller_match: CallerMatch | null;
  request_type: string | null;
  request_types: string[] | null;
  red_flags: string[] | null;
  urgency: CallRecord['urgency'];
  write_back_status: string;
  fhir_task_id: string | null;
  last_error_code: string | null;
  ivr_reason: string | null;
  urgent: boolean;
  routing: Record<string, unknown> | null;
  policy_decision?: CallRecord['policyDecision'] | string | null;
  updated_at: Date | string;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function fromRow(row: CallRow): CallRecord {
  return {
    id: row.id,
    provider: row.provider,
    providerCallId: row.provider_call_id,
    direction: row.direction ?? 'inbound',
    status: row.status,
    aniPresentation: row.ani_presentation,
    dnis: row.dnis,
    queue: row.queue,
    agent: row.agent,
    startedAt: iso(row.started_at),
    answeredAt: iso(row.answered_at),
    endedAt: iso(row.ended_at),
    callerMatch: row.caller_match ?? null,
    requestType: row.request_type,
    requestTypes: row.request_types ?? [],
    redFlags: row.red_flags ?? [],
    urgency: row.urgency ?? null,
    writeBackStatus: row.write_back_status,
    fhirTaskId: row.fhir_task_id,
    lastErrorCode: row.last_error_code,
    ivrReason: row.ivr_reason ?? null,
    urgent: Boolean(row.urgent),
    routing: row.routing ?? null,
    policyDecision: typeof row.policy_decision === 'string' ? (JSON.parse(row.policy_decision) as CallRecord['policyDecision']) : (row.policy_decision ?? null),
    updatedAt: iso(row.updated_at)!,
  };
}

export interface RecordedEvent {
  duplicate: boolean;
  callId: string;
  eventId: string | null;
  previousStatus: CallStatus | null;
  state: CallState;
  /** True when this event carried a transcript that is now stored (encrypted). */
  storedTranscript: boolean;
  /** The call after this event (null for a duplicate, which changed nothing). */
  call: CallRecord | null;
}

function lifecycleOf(event: CallEvent): CallLifecycleEvent {
  return {
    providerEventId: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    queue: event.call.queue,
    agent: event.call.agent,
    toQueue: event.type === 'call.transferred' ? event.data.toQueue : undefined,
    toAgent: event.type === 'call.transferred' ? event.data.toAgent : undefined,
    hasTranscript: Boolean(transcriptOf(event)),
  };
}

/**
 * Records one PBX event in the caller's transaction: the call row (created on first sight, in
 * whatever order events arrive), the event (idempotent on provider + provider event id), the
 * transcript (encrypted), and the call state recomputed from all its events.
 */
export async function recordCallEvent(
  tx: Transaction,
  event: CallEvent,
  callerNumber: CallerNumber,
  cipher: ContentKeyring,
  /**
   * Asked, with the call row locked, before a transcript is written (invariant 1): a transcript
   * the policy refuses is never stored, not even encrypted. Absent: stored (tests of the ledger).
   */
  mayStoreTranscript?: (tx: Transaction, callId: string) => Promise<boolean>,
): Promise<RecordedEvent> {
  // Locks the call row for this transaction: one call's events are applied one at a time.
  const upsert = await tx.query<{ id: string; status: CallStatus; inserted: boolean }>(
    `insert into call (id, provider, provider_call_id, status, ani_presentation, dnis, queue, agent, direction)
     values ($1, $2, $3, 'ringing', $4, $5, $6, $7, $8)
     on conflict (provider, provider_call_id) do update set updated_at = call.updated_at
     returning id, status, (xmax = 0) as inserted`,
    // The first event decides the direction (migration 0031): an outbound call's first event says so.
    [randomUUID(), event.provider, event.call.id, callerNumber.presentation, event.call.dnis ?? null, event.call.queue ?? null, event.call.agent ?? null, event.call.direction ?? 'inbound'],
  );
  const call = upsert.rows[0]!;
  // The first event that carries a number seals it; later ones (a follow-up with no or another ANI) change nothing.
  if (callerNumber.presentation === 'number') await sealCallerNumber(tx, call.id, callerNumber.e164, cipher);
  const inserted = await tx.query<{ id: string }>(
    `insert into call_event (call_id, provider, provider_event_id, type, occurred_at, envelope)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (provider, provider_event_id) do nothing
     returning id`,
    [call.id, event.provider, event.id, event.type, event.occurredAt, JSON.stringify(lifecycleEnvelope(event))],
  );
  const eventRow = inserted.rows[0];
  const events = await tx.query<{ envelope: CallLifecycleEvent | string }>(
    'select envelope from call_event where call_id = $1',
    [call.id],
  );
  const state = deriveCallState(
    events.rows.map((row) => (typeof row.envelope === 'string' ? (JSON.parse(row.envelope) as CallLifecycleEvent) : row.envelope)),
  );
  if (!eventRow) {
    return { duplicate: true, callId: call.id, eventId: null, previousStatus: call.status, state, storedTranscript: false, call: null };
  }

  const offered = transcriptOf(event);
  const transcript = offered && (!mayStoreTranscript || (await mayStoreTranscript(tx, call.id))) ? offered : null;
  if (transcript) {
    // With its quality and segments (migration 0037): the words sealed with the text.
    await storeTranscript(tx, cipher, { eventId: String(eventRow.id), callId: call.id, source: transcript.source ?? event.provider, transcript });
  }
  const updated = await tx.query<CallRow>(
    `update call set status = $2, started_at = $3, answered_at = $4, ended_at = $5,
       queue = coalesce($6, queue), agent = coalesce($7, agent),
       ani_presentation = case when ani_presentation = 'number' then ani_presentation else $8 end,
       updated_at = now()
     where id = $1
     returning *, caller_match_json as caller_match`,
    [call.id, state.status, state.startedAt, state.answeredAt, state.endedAt, state.queue, state.agent, callerNumber.presentation],
  );
  return {
    duplicate: false,
    callId: call.id,
    eventId: String(eventRow.id),
    previousStatus: call.inserted ? null : call.status,
    state,
    storedTranscript: Boolean(transcript),
    call: updated.rows[0] ? fromRow(updated.rows[0]) : null,
  };
}

/** What the event log keeps in clear: lifecycle facts, no transcript, no caller number. */
function lifecycleEnvelope(event: CallEvent): CallLifecycleEvent & { provider: string; data: unknown } {
  const clean = withoutTranscript(event);
  return { ...lifecycleOf(event), provider: event.provider, data: clean.type === 'ivr.input' ? { kind: clean.data.kind, menu: clean.data.menu } : clean.data };
}

const selectCall = `select c.*, c.caller_match_json as caller_match from call c`;

export async function findCall(db: Queryable, callId: string): Promise<CallRecord | null> {
  const { rows } = await db.query<CallRow>(`${selectCall} where c.id = $1`, [callId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * The newest calls, optionally only those in `scope.queues` (a call in no queue counts as
 * `scope.fallbackQueue`); `*` or no scope means all.
 */
export async function listRecentCalls(db: Queryable, limit = 50, scope?: { queues: readonly string[]; fallbackQueue: string }): Promise<CallRecord[]> {
  if (scope && !scope.queues.includes('*')) {
    const { rows } = await db.query<CallRow>(
      `${selectCall} where coalesce(c.queue, $2) = any($3::text[]) order by c.updated_at desc limit $1`,
      [limit, scope.fallbackQueue, [...scope.queues]],
    );
    return rows.map(fromRow);
  }
  const { rows } = await db.query<CallRow>(`${selectCall} order by c.updated_at desc limit $1`, [limit]);
  return rows.map(fromRow);
}

/** Who each call is (its caller match) and its queue, by call id: for lists that show the chart beside each item. */
export async function findCallerMatches(db: Queryable, callIds: readonly string[]): Promise<Map<string, { match: CallerMatch | null; queue: string | null }>> {
  if (callIds.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; caller_match_json: CallerMatch | string | null; queue: string | null }>(
    'select id, caller_match_json, queue from call where id = any($1::uuid[])',
    [[...new Set(callIds)]],
  );
  return new Map(rows.map((row) => [row.id, { match: typeof row.caller_match_json === 'string' ? (JSON.parse(row.caller_match_json) as CallerMatch) : row.caller_match_json, queue: row.queue }]));
}

/** Saves who the caller is; the first answer wins, so a late duplicate lookup cannot flip it. */
export async function saveCallerMatch(tx: Queryable, callId: string, match: CallerMatch): Promise<boolean> {
  const result = await tx.query(
    `update call set caller_outcome = $2, caller_confidence = $3, caller_patient_ids = $4,
       caller_related_person_ids = $5, caller_match_json = $6, identified_at = now(), updated_at = now()
     where id = $1 and (caller_outcome is null or caller_outcome = 'lookup-failed')`,
    [
      callId, match.outcome, match.confidence, match.candidates.map((c) => c.patientId),
      match.candidates.flatMap((c) => (c.relatedPersonId ? [c.relatedPersonId] : [])), JSON.stringify(match),
    ],
  );
  return result.rowCount > 0;
}

/**
 * Saves what the call was understood to be: codes on the call row, the full analysis encrypted.
 * Re-running it (at-least-once jobs) replaces the previous analysis of the same call.
 */
export async function saveCallAnalysis(
  tx: Queryable,
  callId: string,
  analysis: {
    requestType: string;
    requestTypes: string[];
    redFlags: string[];
    urgency: 'routine' | 'urgent' | 'emergency';
    method: 'transcript' | 'ivr-menu' | 'none';
    transcriptEventId: string | null;
    /** Which transcript was used and how good it was (migration 0037): codes only. */
    transcriptUsed?: { source: string; quality: 'ok' | 'low' | 'unusable' | null; qualityReasons: string[] } | null;
    sealed: Uint8Array;
    keyId: string;
  },
): Promise<void> {
  await tx.query(
    // Red flags are only ever added: a re-analysis (a replayed job, a later transcript) never
    // silently removes one; a person clears them in review. Urgency never drops below emergency
    // while a red flag stands.
    `update call set request_type = $2, request_types = $3,
       red_flags = array(select distinct unnest(red_flags || $4::text[]) order by 1),
       urgency = case when cardinality(red_flags || $4::text[]) > 0 then 'emergency' else $5 end,
       updated_at = now() where id = $1`,
    [callId, analysis.requestType, analysis.requestTypes, analysis.redFlags, analysis.urgency],
  );
  await tx.query(
    `insert into call_analysis (call_id, transcript_event_id, method, ciphertext, key_id, transcript_source, transcript_quality, transcript_quality_reasons)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (call_id) do update set transcript_event_id = excluded.transcript_event_id, method = excluded.method,
       ciphertext = excluded.ciphertext, key_id = excluded.key_id, analyzed_at = now(), transcript_source = excluded.transcript_source,
       transcript_quality = excluded.transcript_quality, transcript_quality_reasons = excluded.transcript_quality_reasons`,
    [
      callId, analysis.transcriptEventId, analysis.method, analysis.sealed, analysis.keyId,
      analysis.transcriptUsed?.source ?? null, analysis.transcriptUsed?.quality ?? null, analysis.transcriptUsed?.qualityReasons ?? [],
    ],
  );
}

/** The stored analysis of a call, decrypted (null if the call was not analysed yet). */
export async function loadCallAnalysis<T>(db: Queryable, callId: string, cipher: ContentKeyring): Promise<{ method: string; analysis: T; transcriptUsed: TranscriptUsed | null } | null> {
  const { rows } = await db.query<{ method: string; ciphertext: Uint8Array; key_id: string; transcript_event_id: string | number | null; transcript_source: string | null; transcript_quality: TranscriptUsed['quality']; transcript_quality_reasons: string[] | null }>(
    'select method, ciphertext, key_id, transcript_event_id, transcript_source, transcript_quality, transcript_quality_reasons from call_analysis where call_id = $1',
    [callId],
  );
  const row = rows[0];
  if (!row) return null;
  const transcriptUsed = row.transcript_source && row.transcript_event_id !== null
    ? { eventId: String(row.transcript_event_id), source: row.transcript_source, quality: row.transcript_quality, qualityReasons: row.transcript_quality_reasons ?? [] }
    : null;
  return { method: row.method, analysis: JSON.parse(await cipher.open(row.ciphertext, row.key_id, db)) as T, transcriptUsed };
}

/** The transcript an analysis read (codes only): its event, source and verdict (null: not judged by its source). */
export interface TranscriptUsed {
  eventId: string;
  source: string;
  quality: 'ok' | 'low' | 'unusable' | null;
  qualityReasons: string[];
}

export async function markWriteBack(
  tx: Queryable,
  callId: string,
  outcome: { status: 'pending' | 'written' | 'failed'; fhirTaskId?: string; errorCode?: string; error?: string },
): Promise<void> {
  await tx.query(
    `update call set write_back_status = $2, fhir_task_id = coalesce($3, fhir_task_id), last_error_code = $4, last_error = $5,
       updated_at = now() where id = $1`,
    [callId, outcome.status, outcome.fhirTaskId ?? null, outcome.errorCode ?? null, outcome.error ?? null],
  );
}

/** The newest transcript of a call, decrypted. */
export async function latestTranscript(db: Queryable, callId: string, cipher: ContentKeyring): Promise<string | null> {
  return (await latestTranscriptWithId(db, callId, cipher))?.text ?? null;
}

/** The newest transcript of a call with the id of the event that carried it (see bestTranscript for the pipeline's choice). */
export async function latestTranscriptWithId(db: Queryable, callId: string, cipher: ContentKeyring): Promise<{ eventId: string; text: string } | null> {
  const newest = await newestTranscript(db, callId, cipher);
  return newest ? { eventId: newest.eventId, text: newest.text } : null;
}

export async function countCallEvents(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ count: string }>('select count(*)::text as count from call_event');
  return Number(rows[0]?.count ?? 0);
}

export interface ConsentCapture {
  scope: 'record' | 'transcribe' | 'ai' | 'ehr';
  status: 'granted' | 'declined' | 'not-captured';
  source: string;
  capturedAt: string;
  providerEventId: string;
}

/** Records a consent capture; an older capture (late webhook) never overwrites a newer one. */
export async function saveConsent(tx: Queryable, callId: string, consent: ConsentCapture): Promise<boolean> {
  const result = await tx.query(
    `insert into call_consent (call_id, scope, status, source, captured_at, provider_event_id)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (call_id, scope) do update
       set status = excluded.status, source = excluded.source, captured_at = excluded.captured_at,
           provider_event_id = excluded.provider_event_id
       where call_consent.captured_at <= excluded.captured_at`,
    [callId, consent.scope, consent.status, consent.source, consent.capturedAt, consent.providerEventId],
  );
  return result.rowCount > 0;
}

export async function listConsents(db: Queryable, callId: string): Promise<Record<string, { status: string; source: string; capturedAt: string }>> {
  const { rows } = await db.query<{ scope: string; status: string; source: string; captured_at: Date | string }>(
    'select scope, status, source, captured_at from call_consent where call_id = $1',
    [callId],
  );
  return Object.fromEntries(rows.map((row) => [row.scope, { status: row.status, source: row.source, capturedAt: iso(row.captured_at)! }]));
}

export async function saveIvrReason(tx: Queryable, callId: string, reason: string, urgent: boolean): Promise<void> {
  await tx.query('update call set ivr_reason = $2, urgent = urgent or $3, updated_at = now() where id = $1', [callId, reason, urgent]);
}

export async function saveRouting(tx: Queryable, callId: string, routing: Record<string, unknown>): Promise<boolean> {
  // The first decision stands: a retried webhook must not send the caller somewhere else.
  const result = await tx.query('update call set routing = $2, routed_at = now(), updated_at = now() where id = $1 and routing is null', [callId, JSON.stringify(routing)]);
  return result.rowCount > 0;
}

/**
 * Replaces the caller match with a verified one (DOB step-up, staff); returns the call's Task id if
 * one is already written. A check of the caller's words against a chart (`subjectCheck`) stays
 * when the match is still on that chart, unless the new match brings its own.
 */
export async function upgradeCallerMatch(tx: Queryable, callId: string, match: CallerMatch): Promise<{ fhirTaskId: string | null }> {
  const { rows } = await tx.query<{ fhir_task_id: string | null }>(
    `update call set caller_outcome = $2, caller_confidence = $3, caller_patient_ids = $4,
       caller_related_person_ids = $5, identified_at = now(), updated_at = now(),
       caller_match_json = case
         when $6::jsonb ? 'subjectCheck' then $6::jsonb
         when caller_match_json->'subjectCheck'->>'patientId' = $7 then jsonb_set($6::jsonb, '{subjectCheck}', caller_match_json->'subjectCheck')
         else $6::jsonb end
     where id = $1
     returning fhir_task_id`,
    [
      callId, match.outcome, match.confidence, match.candidates.map((c) => c.patientId),
      match.candidates.flatMap((c) => (c.relatedPersonId ? [c.relatedPersonId] : [])), JSON.stringify(match),
      match.outcome === 'unique' ? (match.candidates[0]?.patientId ?? null) : null,
    ],
  );
  return { fhirTaskId: rows[0]?.fhir_task_id ?? null };
}

/**
 * Adds sensitive categories to the call's recorded policy decision (a chart linked later is a
 * minor's): every later stage's decision starts from them, so their prompts reach the reviewer.
 */
export async function addSensitiveCategories(tx: Queryable, callId: string, categories: readonly string[]): Promise<void> {
  if (categories.length === 0) return;
  await tx.query(
    `update call set policy_decision = jsonb_set(policy_decision, '{sensitive}', (
       select coalesce(jsonb_agg(distinct category order by category), '[]'::jsonb)
       from jsonb_array_elements_text(coalesce(policy_decision->'sensitive', '[]'::jsonb) || $2::jsonb) as category))
     where id = $1 and policy_decision is not null`,
    [callId, JSON.stringify(categories)],
  );
}

/**
 * Keeps the check of the caller's words against the chart with the call's match, only while the
 * match is still that one chart (a relink since then makes it stale: it is not written).
 */
export async function saveSubjectCheck(tx: Queryable, callId: string, check: SubjectCheck): Promise<boolean> {
  const result = await tx.query(
    `update call set caller_match_json = jsonb_set(caller_match_json, '{subjectCheck}', $2::jsonb), updated_at = now()
     where id = $1 and caller_outcome = 'unique' and caller_match_json->'candidates'->0->>'patientId' = $3`,
    [callId, JSON.stringify(check), check.patientId],
  );
  return result.rowCount > 0;
}

export async function loadIvrSession<T>(db: Queryable, callId: string): Promise<{ session: T; turn: number; dialledNumber: string | null } | null> {
  const { rows } = await db.query<{ session: T | string; turn: number; dialled_number: string | null }>(
    'select session, turn, dialled_number from ivr_session where call_id = $1',
    [callId],
  );
  const row = rows[0];
  if (!row) return null;
  return { session: typeof row.session === 'string' ? (JSON.parse(row.session) as T) : row.session, turn: row.turn, dialledNumber: row.dialled_number };
}

/** Saves the IVR state; `expectedTurn` makes a replayed keypad webhook a no-op (optimistic lock). */
export async function saveIvrSession(tx: Queryable, callId: string, session: unknown, expectedTurn: number | null, dialledNumber: string | null): Promise<boolean> {
  if (expectedTurn === null) {
    const inserted = await tx.query(
      'insert into ivr_session (call_id, dialled_number, session) values ($1, $2, $3) on conflict (call_id) do nothing',
      [callId, dialledNumber, JSON.stringify(session)],
    );
    return inserted.rowCount > 0;
  }
  const updated = await tx.query(
    'update ivr_session set session = $2, turn = turn + 1, updated_at = now() where call_id = $1 and turn = $3',
    [callId, JSON.stringify(session), expectedTurn],
  );
  return updated.rowCount > 0;
}

export async function findCallByProvider(db: Queryable, provider: string, providerCallId: string): Promise<CallRecord | null> {
  const { rows } = await db.query<CallRow>(`${selectCall} where c.provider = $1 and c.provider_call_id = $2`, [provider, providerCallId]);
  return rows[0] ? fromRow(rows[0]) : null;
}
