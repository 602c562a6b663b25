-- Settings changed from the staff app (issue 14, item 6): one row per saved version of a section
-- (queue policy, routing rules, IVR texts, retention schedule), with who saved it, why, and the
-- version it replaced. Clinic configuration only: no call content, no PHI, so no retention
-- inventory trigger. `file_version` is the version of the file (or config part) that was in force
-- when the row was saved: a file edited after that wins at the next start (the file is the
-- starting version; a saved version overrides it until someone edits the file).
create table settings_version (
  id bigserial primary key,
  section text not null check (section in ('queue-policy', 'routing-rules', 'ivr', 'retention')),
  version text not null,
  document jsonb not null,
  previous_version text,
  file_version text,
  changed_by text not null,
  reason text not null,
  saved_at timestamptz not null default now()
);
create index settings_version_section_idx on settings_version (section, id desc);
