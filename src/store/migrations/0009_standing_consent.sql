-- Standing preferences (CO-1) read from the patient's FHIR Consent when the caller is identified:
-- per call and scope, what the chart said, and which Consent said it. A standing "deny" always
-- holds; a standing "permit" fills in only what the call did not ask, and only for a verified caller.
create table call_standing_consent (
  call_id uuid not null references call (id),
  scope text not null check (scope in ('record', 'transcribe', 'ai', 'ehr')),
  status text not null check (status in ('granted', 'declined')),
  fhir_consent_id text not null,
  read_at timestamptz not null default now(),
  primary key (call_id, scope)
);

-- When the chart's preferences were read for the call (once per call; null: not yet).
alter table call add column standing_consent_read_at timestamptz;
