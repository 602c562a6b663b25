-- Envelope encryption (issue 13, SE-1). Content is sealed under data keys, one per tenant,
-- artifact class and UTC day, so retention can crypto-shred one day of one class by destroying
-- its key. A data key is stored only wrapped by a key-encryption key (KEK) that lives outside the
-- database (a key file, Vault transit, a cloud KMS): this table alone opens nothing.
-- `id` is the value content rows keep in their `key_id` columns.
create table data_key (
  id text primary key,
  tenant text not null default 'default',
  artifact_class text not null,
  bucket date not null,
  wrapped_key bytea,
  kek_id text,
  created_at timestamptz not null default now(),
  destroyed_at timestamptz,
  destroyed_reason text,
  -- A destroyed key keeps its row (the proof it existed and when it was destroyed) but no key.
  constraint data_key_destroyed_has_no_key check ((destroyed_at is null) = (wrapped_key is not null))
);
-- The newest live key of a (tenant, class, day) seals new content; older live ones (after a
-- data-key rotation) still open what they sealed.
create index data_key_current on data_key (tenant, artifact_class, bucket, created_at desc) where destroyed_at is null;
-- Re-wrap walks the keys still under an old KEK.
create index data_key_by_kek on data_key (kek_id) where destroyed_at is null;

-- One row per KEK rotation: which KEK replaced which, and how far the background re-wrap of data
-- keys has come. Ids and counts only.
create table key_rotation (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('kek', 'data-keys')),
  from_kek_id text,
  to_kek_id text,
  requested_by text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  keys_total integer not null default 0,
  keys_done integer not null default 0,
  rows_resealed integer not null default 0,
  last_error text
);

-- Review versions stay append-only, with one exception: a re-seal after a key rotation
-- (`callchart keys rotate --reseal`) puts the same content under another data key. Only the
-- ciphertext and key id may change; every other column must stay as it was.
create or replace function review_version_is_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.key_id is distinct from old.key_id
     and (new.review_id, new.version, new.kind, new.author, new.generated_by_ai, new.changed_fields, new.checklist::text, new.created_at)
         is not distinct from (old.review_id, old.version, old.kind, old.author, old.generated_by_ai, old.changed_fields, old.checklist::text, old.created_at) then
    return new;
  end if;
  raise exception 'review_version is append-only (% refused)', tg_op using errcode = '42501';
end;
$$;
