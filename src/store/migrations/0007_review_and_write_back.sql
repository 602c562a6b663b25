-- Queue policy, the review queue and the write-back outbox (CO-3, RV-1, SU-1, WB-1..4).

-- Every queue policy that was ever active, by content hash; activations say who and why.
create table queue_policy_version (
  version text primary key,
  label text not null,
  policy jsonb not null,
  created_at timestamptz not null default now()
);

create table queue_policy_activation (
  id bigserial primary key,
  version text not null references queue_policy_version (version),
  changed_by text not null,
  reason text not null,
  activated_at timestamptz not null default now()
);

-- What the policy function decided for a call at its last stage: codes only, no content.
alter table call add column policy_decision jsonb;

-- One review item per call that a person must (or may) review. Content lives only in the
-- encrypted versions below; this row holds codes, ids and dates for lists and aging.
create table review_item (
  id uuid primary key,
  call_id uuid not null unique references call (id),
  status text not null check (status in ('pending', 'approved', 'rejected', 'auto-approved')),
  pattern text not null check (pattern in ('summary-only', 'review', 'event')),
  reasons text[] not null default '{}',
  priority text not null check (priority in ('routine', 'urgent', 'asap', 'stat')),
  request_type text not null,
  red_flags text[] not null default '{}',
  queue text,
  assigned_to text,
  current_version integer not null,
  policy_version text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  decided_at timestamptz,
  decided_by text
);

create index review_item_open_idx on review_item (status, priority, created_at);

-- Every version is kept (SU-1): the AI draft, each edit, the approval. `changed_fields` names
-- the fields that differ from the previous version (names only; the values are in the sealed body).
create table review_version (
  review_id uuid not null references review_item (id),
  version integer not null,
  kind text not null check (kind in ('ai-draft', 'blank-draft', 'edit', 'approved', 'rejected', 'auto-approved')),
  author text not null,
  generated_by_ai boolean not null,
  changed_fields text[] not null default '{}',
  checklist jsonb,
  ciphertext bytea not null,
  key_id text not null,
  created_at timestamptz not null default now(),
  primary key (review_id, version)
);

-- Versions are history: never rewritten.
create function review_version_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'review_version is append-only (% refused)', tg_op using errcode = '42501';
end;
$$;

create trigger review_version_no_update_delete
  before update or delete on review_version
  for each row execute function review_version_is_append_only();

-- The write-back outbox (WB-3, WB-4): written in the same transaction as the state change that
-- calls for it; drained in `seq` order per target. Rows hold ids and codes; the resources are
-- built from the approved version when sent. `business_id` is what the EHR is searched by.
create table write_back_item (
  id uuid primary key,
  seq bigserial not null unique,
  call_id uuid not null references call (id),
  target text not null check (target in ('fhir', 'hl7')),
  kind text not null check (kind in ('chart-record', 'event-task')),
  business_id text not null,
  review_id uuid references review_item (id),
  review_version integer,
  status text not null check (status in ('pending', 'sending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until timestamptz,
  last_error_code text,
  -- The outcome of the last attempt: its retry class, so a retry after an ambiguous one reads back first.
  last_retry_class text check (last_retry_class in ('transient', 'ambiguous', 'permanent')),
  result jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  delivered_at timestamptz,
  unique (target, business_id)
);

create index write_back_item_due_idx on write_back_item (target, status, seq);
