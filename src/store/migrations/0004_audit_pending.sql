-- Audit events are written in the state change's own transaction into audit_pending (no global
-- lock on the hot path), then linked into the hash chain by the chainer in id order, in batches.
-- A pending row is durable with the change it records; the chain follows within milliseconds.
create table audit_pending (
  id bigserial primary key,
  at timestamptz not null,
  actor text not null,
  action text not null,
  object_type text not null,
  object_id text,
  outcome text not null,
  reason text,
  consent_status text,
  detail jsonb not null default '{}'::jsonb
);

-- Pending rows may only be inserted, and deleted by the chainer once chained.
create trigger audit_pending_no_update
  before update on audit_pending
  for each row execute function audit_event_is_append_only();
