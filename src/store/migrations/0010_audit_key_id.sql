-- The audit chain becomes keyed (ADR 11): each link is HMAC-SHA256 under the audit key, which the
-- database does not hold, and each row names that key by its id (derived from the key, never the
-- key itself). Rows chained before this migration keep a null key id: the unkeyed v1 chain, which
-- `audit verify` checks as such and reports. The append-only triggers of 0001/0004 stay as they are.
alter table audit_event add column key_id text;
