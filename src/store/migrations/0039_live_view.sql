-- What the staff live display shows that is not otherwise in the store, shared between engine
-- processes (issue 18, ADR 0026): the screen pop a process built from the EHR, the understanding
-- the pipeline published, and the live transcript of a streamed call. One row per call and kind,
-- the latest only. The content is sealed with the content keyring like every other piece of call
-- content (the card under `call-metadata`, the understanding under `summary`, the transcript under
-- `redacted-transcript`); `key_id` keeps the data key from being destroyed while a row needs it.
-- A PostgreSQL NOTIFY carries only (kind, call id, origin, version): each web process loads the
-- row, opens it and role-filters it per viewer, as the process that built it does.
-- Rows are for the live display only: every process deletes those not updated for a day.
create table live_view (
  call_id text not null,
  kind text not null check (kind in ('screen-pop', 'understanding', 'transcript')),
  -- Bumped on every write: a process that already showed this version skips the notification.
  version bigint not null default 1,
  ciphertext bytea not null,
  key_id text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (call_id, kind)
);
create index live_view_updated_idx on live_view (updated_at);
