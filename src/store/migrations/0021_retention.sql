-- Retention with proof (RE-1, issue 13): the content inventory, legal holds, purge runs.

-- Every piece of call content and every call's metadata, as an artifact: its class, its id, the
-- call it belongs to and the data key that seals it. Triggers on the content tables keep it, so
-- nothing is stored that the purge does not know of. A deletion by a named deleter (the purge, a
-- consent refusal, used identity evidence) marks the artifact deleted in the same statement; a row
-- that is gone while its artifact is still live was deleted outside policy, and the purge and the
-- report say so. Ids, classes and key ids only: no content, no PHI.
create table content_inventory (
  artifact_class text not null check (artifact_class in (
    'audio', 'transcript', 'redacted-transcript', 'summary', 'draft-version', 'identity-evidence', 'call-metadata')),
  object_id text not null,
  call_id uuid not null,
  key_id text,
  stored_at timestamptz not null default now(),
  deleted_at timestamptz,
  -- 'retention-purge', 'consent-refused', 'identity-evidence-used', 'outside-policy' (found missing).
  deleted_by text,
  purge_run_id uuid,
  primary key (artifact_class, object_id)
);
create index content_inventory_call_idx on content_inventory (call_id);
create index content_inventory_key_idx on content_inventory (key_id);

-- Who deletes: a deleter names itself for its transaction (set_config('callchart.deleted_by', …,
-- true)); a delete that names nobody leaves the artifact live, to be found missing.
create function content_deleted_by() returns text language sql stable as $$
  select nullif(current_setting('callchart.deleted_by', true), '')
$$;

-- One upsert for every table: stored again (a replayed stage re-creating content) is live again.
create function content_inventory_store(p_class text, p_object text, p_call uuid, p_key text) returns void language sql as $$
  insert into content_inventory (artifact_class, object_id, call_id, key_id)
  values (p_class, p_object, p_call, p_key)
  on conflict (artifact_class, object_id) do update set key_id = excluded.key_id, call_id = excluded.call_id,
    stored_at = now(), deleted_at = null, deleted_by = null, purge_run_id = null
$$;

create function content_inventory_forget(p_class text, p_object text) returns void language sql as $$
  update content_inventory set deleted_at = now(), deleted_by = content_deleted_by()
  where artifact_class = p_class and object_id = p_object and deleted_at is null and content_deleted_by() is not null
$$;

create function transcript_inventory() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform content_inventory_forget('transcript', old.event_id::text);
    return old;
  end if;
  perform content_inventory_store('transcript', new.event_id::text, new.call_id, new.key_id);
  return new;
end;
$$;
create trigger transcript_inventory after insert or update of key_id on transcript for each row execute function transcript_inventory();
create trigger transcript_inventory_delete before delete on transcript for each row execute function transcript_inventory();

-- The analysis row seals the redacted transcript and the summary together: two artifacts, one row.
create function call_analysis_inventory() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform content_inventory_forget('redacted-transcript', old.call_id::text);
    perform content_inventory_forget('summary', old.call_id::text);
    return old;
  end if;
  perform content_inventory_store('redacted-transcript', new.call_id::text, new.call_id, new.key_id);
  perform content_inventory_store('summary', new.call_id::text, new.call_id, new.key_id);
  return new;
end;
$$;
create trigger call_analysis_inventory after insert or update on call_analysis for each row execute function call_analysis_inventory();
create trigger call_analysis_inventory_delete before delete on call_analysis for each row execute function call_analysis_inventory();

create function identity_evidence_inventory() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform content_inventory_forget('identity-evidence', old.call_id::text || ':' || old.method);
    return old;
  end if;
  perform content_inventory_store('identity-evidence', new.call_id::text || ':' || new.method, new.call_id, new.key_id);
  return new;
end;
$$;
create trigger identity_evidence_inventory after insert or update on identity_evidence for each row execute function identity_evidence_inventory();
create trigger identity_evidence_inventory_delete before delete on identity_evidence for each row execute function identity_evidence_inventory();

create function review_version_inventory() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform content_inventory_forget('draft-version', old.review_id::text || ':' || old.version);
    return old;
  end if;
  perform content_inventory_store('draft-version', new.review_id::text || ':' || new.version,
    (select call_id from review_item where id = new.review_id), new.key_id);
  return new;
end;
$$;
create trigger review_version_inventory after insert or update of key_id on review_version for each row execute function review_version_inventory();

-- Versions stay history (0007): never rewritten. Two exceptions: a re-seal after a key rotation
-- (0017: the same content under another data key; only ciphertext and key id change), and a
-- delete by the retention purge, which audits each one and marks it in the inventory here.
create or replace function review_version_is_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.key_id is distinct from old.key_id
     and (new.review_id, new.version, new.kind, new.author, new.generated_by_ai, new.changed_fields, new.checklist::text, new.created_at)
         is not distinct from (old.review_id, old.version, old.kind, old.author, old.generated_by_ai, old.changed_fields, old.checklist::text, old.created_at) then
    return new;
  end if;
  if tg_op = 'DELETE' and content_deleted_by() = 'retention-purge' then
    perform content_inventory_forget('draft-version', old.review_id::text || ':' || old.version);
    return old;
  end if;
  raise exception 'review_version is append-only (% refused)', tg_op using errcode = '42501';
end;
$$;

create function call_inventory() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform content_inventory_forget('call-metadata', old.id::text);
    return old;
  end if;
  perform content_inventory_store('call-metadata', new.id::text, new.id, null);
  return new;
end;
$$;
create trigger call_inventory after insert on call for each row execute function call_inventory();
create trigger call_inventory_delete before delete on call for each row execute function call_inventory();

-- What was stored before this migration.
insert into content_inventory (artifact_class, object_id, call_id, key_id, stored_at)
  select 'call-metadata', id::text, id, null, created_at from call;
insert into content_inventory (artifact_class, object_id, call_id, key_id, stored_at)
  select 'transcript', event_id::text, call_id, key_id, created_at from transcript;
insert into content_inventory (artifact_class, object_id, call_id, key_id, stored_at)
  select 'redacted-transcript', call_id::text, call_id, key_id, analyzed_at from call_analysis;
insert into content_inventory (artifact_class, object_id, call_id, key_id, stored_at)
  select 'summary', call_id::text, call_id, key_id, analyzed_at from call_analysis;
insert into content_inventory (artifact_class, object_id, call_id, key_id, stored_at)
  select 'identity-evidence', call_id::text || ':' || method, call_id, key_id, created_at from identity_evidence;
insert into content_inventory (artifact_class, object_id, call_id, key_id, stored_at)
  select 'draft-version', v.review_id::text || ':' || v.version, i.call_id, v.key_id, v.created_at
  from review_version v join review_item i on i.id = v.review_id;

-- Legal holds: set and released by an auditor, with a reason. No foreign key to call: a released
-- hold must not keep the call from its purge, and a hold may name a patient's calls yet to come.
create table legal_hold (
  id uuid primary key,
  scope text not null check (scope in ('call', 'patient')),
  call_id uuid,
  patient_id text,
  -- The auditor's words (a matter reference); shown to auditors only, never in the audit log.
  reason text not null,
  set_by text not null,
  set_at timestamptz not null default now(),
  released_by text,
  released_at timestamptz,
  release_reason text,
  check ((scope = 'call') = (call_id is not null)),
  check ((scope = 'patient') = (patient_id is not null))
);
create index legal_hold_call_idx on legal_hold (call_id) where released_at is null;
create index legal_hold_patient_idx on legal_hold (patient_id) where released_at is null;

-- One row per purge run: the clock it used, what it did, the keys it destroyed. Each artifact's
-- own record is its inventory row (deleted_by 'retention-purge', purge_run_id) and its audit entry.
create table retention_purge_run (
  id uuid primary key,
  as_of timestamptz not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null check (status in ('running', 'finished', 'failed')),
  policy_version text,
  artifacts_purged integer not null default 0,
  calls_removed integer not null default 0,
  deleted_outside_policy integer not null default 0,
  keys_destroyed text[] not null default '{}',
  error_code text
);
create index retention_purge_run_started_idx on retention_purge_run (started_at desc);

-- When the next scheduled run is due (written by the engine's scheduler, read by the report).
create table retention_schedule (
  id integer primary key check (id = 1),
  every_minutes integer not null,
  next_run_at timestamptz not null,
  updated_at timestamptz not null default now()
);
