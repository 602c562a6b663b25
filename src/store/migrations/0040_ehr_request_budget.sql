-- The EHR's request budget shared by every engine process on this database (issue 18): one token
-- bucket per EHR, refilled by time, taken under the row lock. With N worker processes the EHR still
-- sees at most `ehr.maxRequestsPerSecond`, not N times it. PGlite (one process) keeps its in-process
-- bucket and never reads this table.
create table ehr_request_budget (
  -- The EHR's FHIR base URL (no credentials, no query).
  ehr text primary key,
  tokens double precision not null,
  refilled_at timestamptz not null
);

-- Takes up to p_want requests from the EHR's bucket: refills it for the time since the last take
-- (at p_rate per second, never above p_burst), grants what is there, and says how long until the
-- next whole token. One row lock, one round trip; a clock read after the lock, so a take that
-- waited for another never counts that wait twice.
create function take_ehr_requests(p_ehr text, p_rate double precision, p_burst double precision, p_want integer)
returns table (granted integer, next_token_ms integer)
language plpgsql as $$
declare
  v_tokens double precision;
  v_at timestamptz;
  v_now timestamptz;
  v_granted integer;
begin
  select b.tokens, b.refilled_at into v_tokens, v_at from ehr_request_budget b where b.ehr = p_ehr for update;
  if not found then
    insert into ehr_request_budget (ehr, tokens, refilled_at) values (p_ehr, p_burst, clock_timestamp()) on conflict (ehr) do nothing;
    select b.tokens, b.refilled_at into v_tokens, v_at from ehr_request_budget b where b.ehr = p_ehr for update;
  end if;
  v_now := clock_timestamp();
  v_tokens := least(p_burst, v_tokens + greatest(0, extract(epoch from (v_now - v_at))) * p_rate);
  v_granted := greatest(0, least(p_want, floor(v_tokens)))::integer;
  v_tokens := v_tokens - v_granted;
  update ehr_request_budget b set tokens = v_tokens, refilled_at = greatest(v_at, v_now) where b.ehr = p_ehr;
  return query select v_granted, ceil(greatest(0, 1 - v_tokens) / p_rate * 1000)::integer;
end $$;
