-- Event-triggered write-back (IP-1): a refill denial or a missed appointment makes a Task with no
-- note and, for a missed appointment, no call behind it. The event holds ids and codes only.
alter table write_back_item alter column call_id drop not null;
alter table write_back_item add column event jsonb;
