-- Finding 7 (issue 11): a SIGKILLed process's stage job stayed 'active' until pg-boss expired it
-- (5 minutes). Each engine process that runs pipeline stages registers here and beats every few
-- seconds; a process whose beat stops is gone, and the stage jobs it held are put back to run.
create table worker_process (
  id uuid primary key,
  host text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);

-- Which process runs which stage job right now, written in the transaction that fetched the job.
-- `run_started_on` is the job's started_on for that run: it tells this run from a later one (after
-- a retry, or after pg-boss expired the job), so a late finisher never settles someone else's run.
create table stage_job_claim (
  job_id uuid primary key,
  queue text not null,
  process_id uuid not null,
  run_started_on timestamptz not null,
  claimed_at timestamptz not null default now()
);
create index stage_job_claim_process on stage_job_claim (process_id);
