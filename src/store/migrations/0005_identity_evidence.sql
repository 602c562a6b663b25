-- A date of birth keyed in the IVR, kept only until it has been checked against the EHR. When the
-- EHR is slow or down during the call, the check happens in the after-call pipeline instead of
-- being lost. Encrypted like transcripts; deleted as soon as it has been used.
create table identity_evidence (
  call_id uuid not null references call (id),
  method text not null check (method in ('dob')),
  ciphertext bytea not null,
  key_id text not null,
  provider_event_id text not null,
  created_at timestamptz not null default now(),
  primary key (call_id, method)
);
