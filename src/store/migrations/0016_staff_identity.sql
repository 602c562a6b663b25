-- The identity store (issue 13, SE-3): staff accounts, server-side sessions, and the register of
-- staff tokens issued for service and kiosk use. Role and queues live here, not in a cookie or a
-- token, so a role change or a disabled account takes effect on the next request.
create table staff_user (
  id uuid primary key default gen_random_uuid(),
  -- Lower-case login name; also SCIM userName.
  user_name text not null unique check (user_name = lower(user_name)),
  display_name text,
  email text,
  role text not null check (role in ('intake', 'nurse', 'clinician', 'supervisor', 'analyst', 'admin', 'auditor')),
  queues text[] not null default '{}',
  extensions text[] not null default '{}',
  active boolean not null default true,
  -- argon2id (PHC string); null for people who sign in only through the identity provider.
  password_hash text,
  -- The TOTP secret sealed with the engine's content cipher; enrolled once a first code confirmed it.
  totp_ciphertext bytea,
  totp_key_id text,
  totp_enrolled_at timestamptz,
  -- The last TOTP time step accepted: a code is good once, never replayed within its window.
  totp_last_step bigint,
  -- argon2id hashes of the unused recovery codes; a used code is removed.
  recovery_code_hashes text[] not null default '{}',
  failed_sign_ins int not null default 0,
  locked_until timestamptz,
  sso_issuer text,
  sso_subject text,
  external_id text unique,
  -- Bumped on every change (SCIM ETag).
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  disabled_at timestamptz,
  unique (sso_issuer, sso_subject)
);

create table staff_session (
  -- SHA-256 hex of the cookie value: a copy of this table cannot be replayed as a cookie.
  id text primary key,
  user_id uuid not null references staff_user (id),
  auth_method text not null check (auth_method in ('password+totp', 'recovery-code', 'sso')),
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  stepped_up_at timestamptz,
  revoked_at timestamptz,
  revoke_reason text
);
create index staff_session_user_idx on staff_session (user_id) where revoked_at is null;

-- Staff tokens for service and kiosk use (people sign in with sessions). The token itself is never
-- stored; its id (jti) is, so a revoked token is refused on its next request.
create table staff_token (
  id uuid primary key,
  name text not null,
  role text not null,
  queues text[] not null default '{}',
  scopes text[] not null default '{}',
  issued_by text not null,
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by text
);
create index staff_token_revoked_idx on staff_token (id) where revoked_at is not null;
