-- Groups pushed by the clinic's identity provider over SCIM (issue 13, SE-2/SE-4). A group means
-- something only when config maps its name to a role or a queue (scim.groups); the others are
-- kept so the IdP's view and ours agree. Names are unique without case, as IdPs compare them.
create table staff_group (
  id uuid primary key default gen_random_uuid(),
  display_name text not null,
  external_id text unique,
  -- Bumped on every change (SCIM ETag).
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index staff_group_display_name_idx on staff_group (lower(display_name));

create table staff_group_member (
  group_id uuid not null references staff_group (id) on delete cascade,
  user_id uuid not null references staff_user (id) on delete cascade,
  primary key (group_id, user_id)
);
create index staff_group_member_user_idx on staff_group_member (user_id);

-- People the identity provider created (or took over): their mapped role and queues follow their
-- groups, and the admin screen says so.
alter table staff_user add column scim_provisioned_at timestamptz;
