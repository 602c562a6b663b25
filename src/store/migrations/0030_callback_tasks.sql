-- Callback tasks (issue 16, FU-1): every missed call, abandoned call, voicemail and callback request
-- becomes a task with an owner, a deadline and its attempts, until a person reaches the caller or
-- the ladder runs out. Ids and codes only: the patient is an EHR id, an unidentified caller a keyed
-- hash of the number (never the number), the context codes (IVR reason, request types, red flags,
-- barriers), never words or names.
create table callback_task (
  id uuid primary key,
  origin text not null check (origin in ('missed-call', 'abandoned-call', 'voicemail', 'callback-request', 'post-discharge', 'no-show', 'on-call-handoff')),
  status text not null default 'open' check (status in ('open', 'in-progress', 'escalated', 'completed', 'closed-unreachable', 'cancelled')),
  patient_id text,
  -- HMAC of the caller's E.164 number under a Callchart key: lets repeat calls from an unidentified
  -- number merge without keeping the number itself outside its sealed, shreddable row.
  caller_key text,
  -- The calls merged into this task, oldest first (the first one's FHIR Task follows the task).
  call_ids text[] not null default '{}',
  request_type text,
  urgent boolean not null default false,
  queue text not null,
  owner text,
  due_at timestamptz not null,
  escalation_level integer not null default 0,
  -- Failed attempts since the task last climbed the ladder (the policy's N counts these).
  failed_attempts integer not null default 0,
  attempts integer not null default 0,
  -- Repeat calls merge into the open task with the same key (patient or caller key + request type).
  merge_key text,
  context jsonb not null default '{}',
  -- When the first call came in (the clock for call → first attempt and call → closure) and
  -- whether that was outside the clinic's opening hours.
  first_call_at timestamptz not null,
  after_hours boolean not null default false,
  last_call_at timestamptz not null,
  first_attempt_at timestamptz,
  overdue_at timestamptz,
  closed_at timestamptz,
  closed_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- One open task per merge key: two deliveries of a repeat call cannot open two tasks.
create unique index callback_task_open_merge_key on callback_task (merge_key)
  where merge_key is not null and status in ('open', 'in-progress', 'escalated');
create index callback_task_queue_status on callback_task (queue, status, due_at);
create index callback_task_due on callback_task (due_at) where status in ('open', 'in-progress', 'escalated') and overdue_at is null;

-- Each call belongs to at most one callback task: a redelivered pipeline job finds it here.
create table callback_task_call (
  call_id text primary key,
  task_id uuid not null references callback_task (id) on delete cascade,
  merged_at timestamptz not null
);
create index callback_task_call_task on callback_task_call (task_id);

create table callback_attempt (
  id uuid primary key,
  task_id uuid not null references callback_task (id) on delete cascade,
  outcome text not null check (outcome in ('answered', 'voicemail-left', 'no-answer', 'wrong-number', 'declined')),
  agent text not null,
  at timestamptz not null,
  -- The outbound call, when the attempt was placed through the PBX.
  call_id text,
  channel text not null default 'phone' check (channel in ('phone', 'sms')),
  -- The escalation level the task was at when this attempt was made.
  escalation_level integer not null,
  created_at timestamptz not null default now()
);
create index callback_attempt_task on callback_attempt (task_id, at);
-- One outbound call is one attempt (a redelivered status callback records it once).
create unique index callback_attempt_call on callback_attempt (call_id) where call_id is not null;

-- The call's FHIR Task follows its callback task's status through the write-back outbox.
alter table write_back_item drop constraint if exists write_back_item_kind_check;
alter table write_back_item add constraint write_back_item_kind_check check (kind in ('chart-record', 'event-task', 'rejection', 'callback-status'));
