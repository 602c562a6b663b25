-- Which version of the queue policy file each start read (issue 11, finding 10): a file that
-- changed since the last start wins over the stored policy; an API change holds until then.
create table queue_policy_file (
  id bigserial primary key,
  version text not null,
  seen_at timestamptz not null default now()
);
