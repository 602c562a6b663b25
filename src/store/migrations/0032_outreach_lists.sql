-- Outreach lists (issue 16, FU-2): post-discharge and no-show entries from the EHR (scheduled
-- searches) or uploaded as CSV. Ids, dates and codes only: the patient is an EHR id, the reason a
-- code, the barriers codes heard in earlier calls (never their words). One entry per list and
-- source record (the EHR Encounter or Appointment, or the upload's kind|patient|date), so a
-- re-run or a re-upload adds nothing. Attempts and escalation live on the entry's callback task.
create table outreach_entry (
  id uuid primary key,
  kind text not null check (kind in ('post-discharge', 'no-show')),
  source text not null check (source in ('ehr', 'csv')),
  source_ref text not null,
  patient_id text not null,
  queue text not null,
  -- The discharge, or the missed visit.
  event_at timestamptz not null,
  reason_code text,
  barriers text[] not null default '{}',
  callback_task_id uuid,
  import_id uuid,
  created_by text not null,
  created_at timestamptz not null default now(),
  unique (kind, source_ref)
);
create index outreach_entry_queue_idx on outreach_entry (queue, kind, created_at desc);

-- Each upload: who and the counts (the file itself is not kept).
create table outreach_import (
  id uuid primary key,
  imported_by text not null,
  rows_total integer not null,
  rows_imported integer not null,
  rows_already integer not null,
  rows_rejected integer not null,
  created_at timestamptz not null default now()
);

-- Each EHR list run: what it read, what it added, and where the next run carries on when the
-- per-run cap stopped it (`resume_link`: the EHR's own `next` paging link, dates and codes only).
create table outreach_run (
  id uuid primary key,
  -- Run order (the clock may stand still in tests, and two processes' clocks differ).
  seq bigserial not null unique,
  kind text not null check (kind in ('post-discharge', 'no-show')),
  trigger text not null check (trigger in ('schedule', 'manual')),
  started_at timestamptz not null,
  finished_at timestamptz,
  window_from timestamptz not null,
  read_count integer not null default 0,
  imported integer not null default 0,
  already integer not null default 0,
  capped boolean not null default false,
  resume_link text,
  error_code text
);
create index outreach_run_kind_idx on outreach_run (kind, seq desc);
