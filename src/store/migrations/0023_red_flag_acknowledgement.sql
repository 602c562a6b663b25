-- A person acknowledged a red flag on a call (issue 14): who, when, and how long after Callchart
-- raised it, on which screen. Codes and ids only (no PHI). One row per call and flag: the first
-- acknowledgement counts; a second answers with the first. The audit trail has the same event.
create table red_flag_acknowledgement (
  call_id uuid not null references call (id) on delete cascade,
  flag_code text not null,
  raised_at timestamptz not null,
  acknowledged_at timestamptz not null,
  acknowledged_by text not null,
  screen text not null check (screen in ('live', 'review', 'on-call')),
  primary key (call_id, flag_code)
);
create index red_flag_acknowledgement_acknowledged_at on red_flag_acknowledgement (acknowledged_at);
