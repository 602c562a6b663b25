-- The chart worklist (issue 14, item 4). A supervisor may cancel a chart write that must not go
-- (a duplicate, the wrong patient, entered in the EHR by hand): a cancelled item is never sent and
-- stays listed with who cancelled it and why (a reason code, never free text). The claim takes
-- only `pending` items, so a cancelled one is never claimed; a claimed one (`sending`) cannot be
-- cancelled (the row lock orders the two).
alter table write_back_item drop constraint if exists write_back_item_status_check;
alter table write_back_item add constraint write_back_item_status_check check (status in ('pending', 'sending', 'delivered', 'failed', 'cancelled'));
alter table write_back_item add column cancelled_at timestamptz;
alter table write_back_item add column cancelled_by text;
alter table write_back_item add column cancel_reason text check (cancel_reason in ('duplicate', 'wrong-patient', 'entered-by-hand', 'consent-withdrawn', 'not-needed', 'other'));
-- The EHR's reason for the last failed attempt, as codes only: the HTTP status, OperationOutcome
-- issue codes and expressions, or the HL7 ACK code, error code and location. The EHR's free text
-- is not kept (it may echo patient data); the app says each code in words.
alter table write_back_item add column last_error_detail jsonb;
-- When the item started waiting for the EHR (its first failed attempt since it last moved): the
-- worklist says since when the EHR is down and how many wait.
alter table write_back_item add column waiting_since timestamptz;
