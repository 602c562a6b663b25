-- Outbound event webhooks (OW-1): other systems subscribe to call and case events, ids and codes
-- only. A subscriber hears only the event types and queues it was given (deny by default); its
-- signing secret is sealed under the staff-credential data key (like TOTP secrets), never stored
-- or shown in clear after it was created.
create table event_subscription (
  id uuid primary key,
  name text not null,
  url text not null,
  event_types text[] not null,
  -- Queue names, or '*' for every queue. A call in no queue counts as the fallback queue.
  queues text[] not null,
  secret_sealed bytea not null,
  secret_key_id text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  disabled_at timestamptz,
  disabled_by text
);

-- The outbox: one row per (subscriber, event), written with the cursor move in one transaction,
-- so an event is queued once per subscriber however often the audit log is read again. The
-- payload is frozen at queueing time: a retry sends the same body with the same event id.
create table event_delivery (
  id uuid primary key,
  subscription_id uuid not null references event_subscription (id),
  event_id uuid not null,
  event_type text not null,
  queue text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  dead_at timestamptz,
  created_at timestamptz not null default now(),
  unique (subscription_id, event_id)
);
create index event_delivery_due on event_delivery (next_attempt_at) where status = 'pending';
-- The worklist shows deliveries failing (pending after a failed try) and dead ones.
create index event_delivery_troubled on event_delivery (created_at desc) where status = 'dead' or (status = 'pending' and attempts > 0);
