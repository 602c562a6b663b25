-- Routing rules are data: every version that was ever active is kept, with when it became active.
create table routing_rules_version (
  version text primary key,
  label text not null,
  rules jsonb not null,
  activated_at timestamptz not null default now()
);
