-- Outbound calls (issue 16, FU-1/FU-2): staff call a patient back from a callback task through
-- Twilio's REST API. One row per press of "Call": its Twilio call SID, the progress Twilio reports,
-- and the attempt it came to on the task. Ids and codes only: the patient is an EHR id; the number
-- dialled is read from the chart when the call is placed and kept nowhere here (once the patient
-- answers, the call ledger seals it like an inbound caller's number).
create table outbound_call (
  id uuid primary key,
  task_id uuid not null references callback_task (id) on delete cascade,
  queue text not null,
  patient_id text not null,
  -- Who pressed "Call" (staff id) and where the answered call is connected (a Twilio Client
  -- identity or the person's extension from the staff directory: an id or an internal number).
  agent text not null,
  agent_target jsonb not null,
  status text not null check (status in (
    'placing', 'queued', 'initiated', 'ringing', 'in-progress',
    'completed', 'no-answer', 'busy', 'failed', 'canceled', 'not-placed', 'place-unknown'
  )),
  provider text not null default 'twilio',
  provider_call_id text unique,
  -- The ledger call, once the patient answered (a machine answering is not a conversation).
  call_id uuid references call (id),
  answered_by text,
  -- Twilio's SequenceNumber of the last status callback applied: an older one changes nothing.
  last_sequence integer,
  -- The attempt recorded on the task for this call (once; the attempt row has the call id too).
  attempt_outcome text check (attempt_outcome in ('answered', 'voicemail-left', 'no-answer', 'wrong-number', 'declined')),
  error_code text,
  requested_at timestamptz not null,
  placed_at timestamptz,
  answered_at timestamptz,
  ended_at timestamptz,
  updated_at timestamptz not null
);
-- Pressing "Call" twice while a call is on its way places one call: one active row per task.
create unique index outbound_call_active_per_task on outbound_call (task_id)
  where status in ('placing', 'queued', 'initiated', 'ringing', 'in-progress');
create index outbound_call_task on outbound_call (task_id, requested_at desc);

-- The ledger says which way a call went; every call so far came in.
alter table call add column direction text not null default 'inbound' check (direction in ('inbound', 'outbound'));
