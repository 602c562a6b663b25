-- Review decisions reach the chart (issue 12): a rejection goes through the outbox like an
-- approval (the Task cancelled or entered-in-error, earlier notes withdrawn), and the item keeps
-- the reason code it was rejected for (a code, never free text).
alter table write_back_item drop constraint if exists write_back_item_kind_check;
alter table write_back_item add constraint write_back_item_kind_check check (kind in ('chart-record', 'event-task', 'rejection'));
alter table review_item add column rejection_reason text check (rejection_reason in ('wrong-patient', 'not-clinical', 'duplicate', 'inappropriate', 'other'));
