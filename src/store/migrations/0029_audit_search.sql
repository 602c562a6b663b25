-- The auditor's search and a call's chain of custody (issue 14, the Audit screen). The trail is
-- searched newest first by action, and a call's events are found by the object they are about
-- (a call, a review item, a write-back item) or by the call id their detail carries. Without these
-- each question reads the whole log, which grows by every event of every call.
create index audit_event_by_action on audit_event (action, seq);
create index audit_event_by_object on audit_event (object_id, seq) where object_id is not null;
create index audit_event_by_call_detail on audit_event ((detail->>'callId'), seq) where detail ? 'callId';
