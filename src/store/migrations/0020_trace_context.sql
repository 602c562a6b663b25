-- OpenTelemetry trace context of the work that queued a write-back item (AN-1): a W3C traceparent
-- (ids only), so the delivery's span joins the call's trace. Null when tracing is off.
alter table write_back_item add column traceparent text;
