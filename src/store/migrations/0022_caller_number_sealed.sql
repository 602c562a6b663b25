-- The caller's number is PHI (issue 13, canary test): it was kept in clear in call.ani_e164. It is
-- now sealed like every other piece of call content, one row per call, under the content cipher.
-- Numbers already in clear are sealed and cleared at the next engine start (the key is not in the
-- database, so SQL cannot do it): see sealLegacyCallerNumbers in src/calls/caller-number.repository.ts.
create table call_caller_number (
  call_id uuid primary key references call (id),
  ciphertext bytea not null,
  key_id text not null,
  created_at timestamptz not null default now()
);

-- The start-up check for numbers still in clear reads this (empty once they are sealed) instead of
-- scanning every call.
create index call_ani_in_clear_idx on call (id) where ani_e164 is not null;
