-- Access logging (AU-3): an auditor asks "who saw this patient's calls" and "what did this user
-- see today". Both read `phi.viewed` events; these partial indexes keep both answers quick
-- however long the log grows (every other action is left out of them).
create index audit_event_phi_by_patient on audit_event ((detail->>'patientId'), seq) where action = 'phi.viewed';
create index audit_event_phi_by_actor on audit_event (actor, at) where action = 'phi.viewed';
-- Alert rules count recent events of one person (review edits, distinct patients per hour).
create index audit_event_by_actor_action on audit_event (actor, action, at);

-- How far the alert worker has read the audit log (by chain sequence number). At-least-once: the
-- cursor moves after the alerts of a batch are stored, in the same transaction.
create table alert_cursor (
  name text primary key,
  last_seq bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Alerts (AU-4). One per rule and dedupe key (by default the event's sequence number), so
-- re-reading the log after a crash raises nothing twice. Ids and codes only, like the audit log.
create table alert (
  id uuid primary key,
  rule text not null,
  severity text not null,
  dedupe_key text not null,
  event_seq bigint not null,
  event_at timestamptz not null,
  actor text,
  object_type text,
  object_id text,
  detail jsonb not null default '{}'::jsonb,
  raised_at timestamptz not null default now(),
  status text not null default 'open',
  acknowledged_by text,
  acknowledged_at timestamptz,
  -- The signed outbound webhook: pending until delivered, retried with backoff; 'none' without a URL.
  delivery_status text not null default 'pending',
  delivery_attempts int not null default 0,
  next_delivery_at timestamptz not null default now(),
  delivered_at timestamptz,
  delivery_error text,
  unique (rule, dedupe_key)
);
create index alert_raised on alert (raised_at desc);
create index alert_delivery_due on alert (next_delivery_at) where delivery_status = 'pending';

-- Incidents (IR-1): an alert opened as an incident record with the HIPAA four-factor breach risk
-- assessment, a signed audit export as evidence, and the notification deadline.
create table incident (
  id uuid primary key,
  alert_id uuid not null unique references alert (id),
  status text not null default 'open',
  opened_by text not null,
  discovered_at timestamptz not null,
  notify_by timestamptz not null,
  assessment jsonb not null default '{}'::jsonb,
  evidence text not null,
  evidence_first_seq bigint,
  evidence_last_seq bigint,
  evidence_count int not null,
  evidence_mac text not null,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table incident_status (
  incident_id uuid not null references incident (id),
  at timestamptz not null default now(),
  status text not null,
  actor text not null,
  note_code text
);
create index incident_status_by_incident on incident_status (incident_id, at);
