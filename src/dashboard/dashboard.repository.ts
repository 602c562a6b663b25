import type { Queryable } from '../store/db.ts';
import type { DashboardAggregates } from './dashboard.shape.ts';

/**
 * The dashboard's aggregates in SQL (issue 14, item 7): counts and seconds only, never an id, a
 * number or a text. Every figure is about one cohort: the calls that started in the range (the
 * clinic's days, `from` 00:00 to `to` 24:00 in its time zone) in the queues the person sees, so
 * "review turnaround" and "write-back failures" are those of the same calls as "calls by hour".
 * A call the PBX put in no queue counts in the fallback queue (as everywhere else).
 */
export interface DashboardScope {
  /** Inclusive first and last clinic day (YYYY-MM-DD). */
  from: string;
  to: string;
  timeZone: string;
  /** The person's queues; `*` for every queue. */
  queues: readonly string[];
  fallbackQueue: string;
}

// $1 from day, $2 to day, $3 time zone, $4 queues (null: all), $5 fallback queue.
const cohort = `
  select c.* from call c
  where coalesce(c.started_at, c.created_at) >= ($1::date)::timestamp at time zone $3
    and coalesce(c.started_at, c.created_at) < (($2::date + 1)::timestamp at time zone $3)
    and ($4::text[] is null or coalesce(c.queue, $5) = any($4::text[]))`;

const seconds = (from: string, to: string) => `extract(epoch from (${to} - ${from}))`;

type Num = number | string | null;
const num = (value: Num): number => (value === null ? 0 : Number(value));
const maybe = (value: Num): number | null => (value === null ? null : Number(value));

/** Reads every aggregate the dashboard shows, in a handful of queries over the same cohort. */
export async function readDashboardAggregates(db: Queryable, scope: DashboardScope): Promise<DashboardAggregates> {
  const params = [scope.from, scope.to, scope.timeZone, scope.queues.includes('*') ? null : [...scope.queues], scope.fallbackQueue];

  const totals = await db.query<Record<string, Num>>(
    `with cohort as (${cohort})
     select count(*) as total,
       count(*) filter (where c.status in ('ended', 'missed')) as finished,
       count(*) filter (where c.answered_at is not null) as answered,
       -- Hung up before anyone answered (abandoned), voicemail included: the clinic missed it.
       count(*) filter (where c.status = 'missed') as missed,
       count(*) filter (where exists (select 1 from call_event e where e.call_id = c.id and e.type = 'call.transferred')) as transferred,
       count(*) filter (where c.urgent or c.urgency in ('urgent', 'emergency') or cardinality(c.red_flags) > 0) as urgent,
       count(*) filter (where cardinality(c.red_flags) > 0) as red_flagged,
       -- Consent captured: each of the four scopes answered (granted or declined), not left "not captured".
       count(*) filter (where (select count(*) from call_consent cc where cc.call_id = c.id and cc.status in ('granted', 'declined')) = 4) as all_consents,
       count(*) filter (where c.answered_at is not null and c.started_at is not null) as answer_basis,
       percentile_cont(0.5) within group (order by ${seconds('c.started_at', 'c.answered_at')}) filter (where c.answered_at is not null and c.started_at is not null) as answer_median,
       percentile_cont(0.9) within group (order by ${seconds('c.started_at', 'c.answered_at')}) filter (where c.answered_at is not null and c.started_at is not null) as answer_p90
     from cohort c`,
    params,
  );
  const t = totals.rows[0]!;

  const byHour = await db.query<{ hour: Num; calls: Num }>(
    `with cohort as (${cohort})
     select extract(hour from coalesce(c.started_at, c.created_at) at time zone $3) as hour, count(*) as calls from cohort c group by 1`,
    params,
  );
  const byDay = await db.query<{ day: string; calls: Num }>(
    `with cohort as (${cohort})
     select to_char((coalesce(c.started_at, c.created_at) at time zone $3)::date, 'YYYY-MM-DD') as day, count(*) as calls from cohort c group by 1`,
    params,
  );
  const byType = await db.query<{ request_type: string; calls: Num }>(
    `with cohort as (${cohort})
     select coalesce(c.request_type, 'not-known') as request_type, count(*) as calls from cohort c group by 1`,
    params,
  );

  // The first acknowledgement of any of a call's red flags: how long the call waited for a person.
  const acknowledgement = await db.query<Record<string, Num>>(
    `with cohort as (${cohort}),
     first_ack as (
       select a.call_id, min(${seconds('a.raised_at', 'a.acknowledged_at')}) as waited
       from red_flag_acknowledgement a join cohort c on c.id = a.call_id
       where cardinality(c.red_flags) > 0 group by a.call_id)
     select count(*) as basis, percentile_cont(0.5) within group (order by waited) as median, percentile_cont(0.9) within group (order by waited) as p90 from first_ack`,
    params,
  );
  const a = acknowledgement.rows[0]!;

  // Review: decided by a person (approved or rejected; auto-approved is not a review), from the
  // item's creation to the decision. Drafts approved without edits: items whose first version was
  // the AI's draft, approved with no edit version and no change in the approval itself.
  const review = await db.query<Record<string, Num>>(
    `with cohort as (${cohort})
     select count(*) filter (where r.status = 'pending') as pending,
       count(*) filter (where r.status in ('approved', 'rejected') and r.decided_at is not null) as decided,
       percentile_cont(0.5) within group (order by ${seconds('r.created_at', 'r.decided_at')}) filter (where r.status in ('approved', 'rejected') and r.decided_at is not null) as median,
       percentile_cont(0.9) within group (order by ${seconds('r.created_at', 'r.decided_at')}) filter (where r.status in ('approved', 'rejected') and r.decided_at is not null) as p90,
       count(*) filter (where r.status = 'approved' and exists (select 1 from review_version v where v.review_id = r.id and v.version = 1 and v.kind = 'ai-draft')) as ai_approved,
       count(*) filter (where r.status = 'approved' and exists (select 1 from review_version v where v.review_id = r.id and v.version = 1 and v.kind = 'ai-draft')
         and not exists (select 1 from review_version v where v.review_id = r.id and (v.kind = 'edit' or (v.kind = 'approved' and cardinality(v.changed_fields) > 0)))) as ai_unedited
     from review_item r join cohort c on c.id = r.call_id`,
    params,
  );
  const r = review.rows[0]!;

  // Chart writes for the cohort's calls (an event Task with no call behind it belongs to no cohort).
  const writeBack = await db.query<Record<string, Num>>(
    `with cohort as (${cohort})
     select count(*) as items, count(*) filter (where w.status = 'failed') as failed, count(*) filter (where w.status = 'delivered') as delivered
     from write_back_item w join cohort c on c.id = w.call_id`,
    params,
  );
  const w = writeBack.rows[0]!;

  const consent = await db.query<{ scope: string; captured: Num; granted: Num }>(
    `with cohort as (${cohort})
     select cc.scope, count(*) filter (where cc.status in ('granted', 'declined')) as captured, count(*) filter (where cc.status = 'granted') as granted
     from call_consent cc join cohort c on c.id = cc.call_id group by cc.scope`,
    params,
  );

  return {
    calls: {
      total: num(t.total!), finished: num(t.finished!), answered: num(t.answered!), missed: num(t.missed!), transferred: num(t.transferred!),
      urgent: num(t.urgent!), redFlagged: num(t.red_flagged!), allConsentsCaptured: num(t.all_consents!),
    },
    speedToAnswer: { basis: num(t.answer_basis!), medianSeconds: maybe(t.answer_median!), p90Seconds: maybe(t.answer_p90!) },
    byHour: byHour.rows.map((row) => ({ hour: num(row.hour), calls: num(row.calls) })),
    byDay: byDay.rows.map((row) => ({ day: row.day, calls: num(row.calls) })),
    byRequestType: byType.rows.map((row) => ({ requestType: row.request_type, calls: num(row.calls) })),
    acknowledgement: { basis: num(a.basis!), medianSeconds: maybe(a.median!), p90Seconds: maybe(a.p90!) },
    review: {
      pending: num(r.pending!), decided: { basis: num(r.decided!), medianSeconds: maybe(r.median!), p90Seconds: maybe(r.p90!) },
      aiApproved: num(r.ai_approved!), aiApprovedWithoutEdits: num(r.ai_unedited!),
    },
    writeBack: { items: num(w.items!), failed: num(w.failed!), delivered: num(w.delivered!) },
    consent: consent.rows.map((row) => ({ scope: row.scope, captured: num(row.captured), granted: num(row.granted) })),
  };
}
