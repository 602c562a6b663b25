-- Call ledger, event log, encrypted transcripts and the hash-chained audit log.
-- Forward-only: never edit an applied migration; add a new numbered file instead.

create table call (
  id uuid primary key,
  provider text not null,
  provider_call_id text not null,
  status text not null,
  -- The caller's number is PHI: it is stored to identify the caller and never logged.
  ani_e164 text,
  ani_presentation text not null default 'unknown',
  dnis text,
  queue text,
  agent text,
  started_at timestamptz,
  answered_at timestamptz,
  ended_at timestamptz,
  caller_outcome text,
  caller_confidence text,
  caller_patient_ids text[] not null default '{}',
  caller_related_person_ids text[] not null default '{}',
  caller_match_json jsonb,
  identified_at timestamptz,
  request_type text,
  -- EHR delivery has its own axis, separate from the call's lifecycle status.
  write_back_status text not null default 'not-due',
  fhir_task_id text,
  last_error_code text,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (provider, provider_call_id)
);

create index call_updated_at_idx on call (updated_at desc);

create table call_event (
  id bigserial primary key,
  call_id uuid not null references call (id),
  provider text not null,
  provider_event_id text not null,
  type text not null,
  occurred_at timestamptz not null,
  received_at timestamptz not null default now(),
  -- The normalized event without any transcript text (that lives encrypted in transcript).
  envelope jsonb not null,
  unique (provider, provider_event_id)
);

create index call_event_call_idx on call_event (call_id, occurred_at);

create table transcript (
  event_id bigint primary key references call_event (id),
  call_id uuid not null references call (id),
  source text not null,
  -- AES-256-GCM: iv || tag || ciphertext. Call content is never stored in clear.
  ciphertext bytea not null,
  key_id text not null,
  created_at timestamptz not null default now()
);

create index transcript_call_idx on transcript (call_id, created_at);

create table audit_event (
  seq bigint primary key,
  at timestamptz not null,
  actor text not null,
  action text not null,
  object_type text not null,
  object_id text,
  outcome text not null,
  reason text,
  consent_status text,
  detail jsonb not null default '{}'::jsonb,
  prev_hash text not null,
  hash text not null unique
);

-- The audit log is append-only: the database itself refuses to rewrite history.
create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only (% refused)', tg_op using errcode = '42501';
end;
$$;

create trigger audit_event_no_update_delete
  before update or delete on audit_event
  for each row execute function audit_event_is_append_only();

create trigger audit_event_no_truncate
  before truncate on audit_event
  for each statement execute function audit_event_is_append_only();
