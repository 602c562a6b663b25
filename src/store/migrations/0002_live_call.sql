-- The live call: IVR answers, consents as captured, routing decisions.

alter table call add column ivr_reason text;
alter table call add column urgent boolean not null default false;
-- Ids and codes only: destination id, rule id, reason text without PHI, fallback flag.
alter table call add column routing jsonb;
alter table call add column routed_at timestamptz;

-- The four consents per call (CO-1): the latest capture of each scope wins; the audit log keeps
-- every change.
create table call_consent (
  call_id uuid not null references call (id),
  scope text not null check (scope in ('record', 'transcribe', 'ai', 'ehr')),
  status text not null check (status in ('granted', 'declined', 'not-captured')),
  source text not null,
  captured_at timestamptz not null,
  provider_event_id text not null,
  primary key (call_id, scope)
);

-- Where each call is in its IVR. Keypad answers are not kept here (a date of birth is PHI):
-- only their outcomes.
create table ivr_session (
  call_id uuid primary key references call (id),
  dialled_number text,
  session jsonb not null,
  turn integer not null default 0,
  updated_at timestamptz not null default now()
);
