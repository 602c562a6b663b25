-- The on-call clinician's phone view (issue 16, AH-1). One notice per review item that needs a
-- clinician after hours: its id is the opaque link in the SMS or push (random, never derived from
-- the call), who was told and how (a channel code; the number or URL stays in the config), whether
-- it was sent, and the clinician's first action (the on-call response time). Ids and codes only.
create table on_call_notice (
  id text primary key,
  review_id uuid not null unique references review_item (id) on delete cascade,
  call_id uuid not null,
  clinician text not null,
  channel text not null check (channel in ('sms', 'webhook')),
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error_code text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  first_action text,
  first_action_at timestamptz
);
create index on_call_notice_due on on_call_notice (next_attempt_at) where status = 'pending';

-- A refill the on-call clinician approved becomes a MedicationRequest and its Provenance through the
-- outbox (`refill-order`). The list repeats every kind other branches of issue 16 add ('callback-status'),
-- so whichever migration runs last keeps them all.
alter table write_back_item drop constraint if exists write_back_item_kind_check;
alter table write_back_item add constraint write_back_item_kind_check check (kind in ('chart-record', 'event-task', 'rejection', 'callback-status', 'refill-order'));
-- What the refill order is for (ids only): the active MedicationRequest it renews, and who approved it.
alter table write_back_item add column if not exists refill jsonb;
