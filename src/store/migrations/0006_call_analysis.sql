-- What Callchart understood from a call (UN-1..4, PH-1..2, SU-1). Codes on the call row for lists
-- and routing (no PHI); the full analysis (redacted transcript, summary with evidence spans,
-- entities) encrypted like transcripts. `call.request_type` keeps the main request type.
alter table call add column request_types text[] not null default '{}';
alter table call add column red_flags text[] not null default '{}';
alter table call add column urgency text check (urgency in ('routine', 'urgent', 'emergency'));

create table call_analysis (
  call_id uuid primary key references call (id),
  -- The transcript analysed (null when the request type came from the IVR menu alone).
  transcript_event_id bigint,
  method text not null check (method in ('transcript', 'ivr-menu', 'none')),
  ciphertext bytea not null,
  key_id text not null,
  analyzed_at timestamptz not null default now()
);
