-- Self-scheduling links (issue 16, SC-1; ADR 0022). One row per link sent for a call: the token's
-- SHA-256 only (never the token), the chart id it books for, where it stands, and the Appointment
-- it booked. Ids, codes and times only: no name, number or birth date.
create table booking_link (
  id uuid primary key,
  token_hash text not null unique,
  call_id uuid not null references call (id) on delete cascade,
  patient_id text not null,
  queue text,
  status text not null check (status in ('sent', 'send-failed', 'opened', 'verified', 'booked', 'locked', 'superseded')),
  sent_by text not null,
  message_sid text,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  opened_at timestamptz,
  verified_at timestamptz,
  failed_birth_date_checks integer not null default 0,
  -- The page's session after the birth-date check (a cookie), stored hashed.
  session_hash text,
  session_expires_at timestamptz,
  -- A booking in flight: a second submit waits for it instead of booking again.
  booking_claimed_at timestamptz,
  booked_at timestamptz,
  appointment_id text,
  slot_id text,
  superseded_at timestamptz
);
-- One live link per call: sending again supersedes the previous one.
create unique index booking_link_one_live_per_call on booking_link (call_id) where superseded_at is null;
