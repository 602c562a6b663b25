/**
 * Prometheus metrics (AN-1): what an operations dashboard for a clinic's phones needs, from where
 * each thing is measured (ingest, routing, the screen pop, the pipeline, write-back, the EHR client,
 * review). Services report through small callbacks the engine wires to this class, so no domain
 * file knows about Prometheus; what lives in the database (the outbox) is read at scrape time.
 *
 * Labels are codes and queue names only — never a number, a name, a date or an id: ids would
 * explode cardinality, and anything else could be PHI. Every label value passes `codeLabel` or
 * `queueLabel`, which turn anything unexpected into `other`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The callback figures the gauges show (src/callbacks/callback-metrics.repository.ts CallbackMetrics). */
export interface CallbackStats {
  overdueNow: number;
  urgentOverdueNow: number;
  completionRate: number | null;
  attemptsPerCompleted: number | null;
  callToFirstAttempt: { medianMinutes: number | null; p90Minutes: number | null };
  callToClosure: { medianMinutes: number | null; p90Minutes: number | null };
  afterHoursShare: number | null;
}

/** Outbox rows by target and status, with the age of the oldest, as the store reports them at scrape time. */
export interface OutboxStats {
  target: string;
  status: string;
  count: number;
  oldestAgeSeconds: number;
}

/** Distinct queue labels kept before the rest count as `other` (a PBX sending many queue names). */
const maxQueueLabels = 50;
const codePattern = /^[A-Za-z0-9_.:-]{1,64}$/;
/** A queue id as the queue policy spells them (lowercase, hyphens), starting with a letter: never digits or a date. */
const queuePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A code as a label value; anything else (free text, an empty value) is `other`. */
export function codeLabel(value: string | null | undefined): string {
  return value && codePattern.test(value) ? value : 'other';
}

export class CallchartMetrics {
  readonly registry = new Registry();
  private readonly queues = new Set<string>();
  private readonly fallbackQueue: string;

  private readonly calls: Counter<'direction' | 'outcome' | 'queue'>;
  private readonly speedToAnswer: Histogram<'queue'>;
  private readonly consents: Counter<'scope' | 'status'>;
  private readonly screenPop: Histogram<'outcome'>;
  private readonly routing: Histogram<'fallback' | 'ehr_context'>;
  private readonly stageDuration: Histogram<'stage' | 'outcome'>;
  private readonly stageFailures: Counter<'stage' | 'code'>;
  private readonly writeBack: Histogram<'target' | 'outcome'>;
  private readonly writeBackFailures: Counter<'target' | 'code' | 'retry'>;
  private readonly ehrErrors: Counter<'client' | 'code' | 'retry'>;
  private readonly reviewTurnaround: Histogram<'decision'>;
  private readonly languageModel: Histogram<'outcome' | 'reason'>;

  constructor(options: {
    fallbackQueue: string; outboxStats?: () => Promise<readonly OutboxStats[]>; defaultMetrics?: boolean;
    /** Callback metrics (issue 16, AN-1) over a trailing window, read from the store at scrape time. */
    callbackStats?: () => Promise<CallbackStats>;
  }) {
    this.fallbackQueue = options.fallbackQueue;
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'callchart_' });
    this.calls = new Counter({ name: 'callchart_calls_total', help: 'Calls ended, by direction, outcome (answered, missed, voicemail) and queue', labelNames: ['direction', 'outcome', 'queue'], registers });
    this.speedToAnswer = new Histogram({
      name: 'callchart_speed_to_answer_seconds', help: 'Seconds from ringing to answered, for answered calls (observed when the call ends)', labelNames: ['queue'], registers,
      buckets: [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600],
    });
    this.consents = new Counter({
      name: 'callchart_call_consents_total', help: 'Ended calls by consent scope and what the caller said (granted, declined, not-captured); capture rate = (granted + declined) / all', labelNames: ['scope', 'status'], registers,
    });
    this.screenPop = new Histogram({
      name: 'callchart_screen_pop_seconds', help: 'Seconds from the ringing webhook to the first card on the staff display, by caller match outcome', labelNames: ['outcome'], registers,
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.5, 2, 3, 5],
    });
    this.routing = new Histogram({
      name: 'callchart_routing_decision_seconds', help: 'Seconds from the ringing webhook to the routing decision (budget 2 s), by fallback and EHR context used', labelNames: ['fallback', 'ehr_context'], registers,
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3],
    });
    this.stageDuration = new Histogram({
      name: 'callchart_pipeline_stage_seconds', help: 'Seconds one after-call stage run took, by stage and outcome (completed, failed, deferred)', labelNames: ['stage', 'outcome'], registers,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    });
    this.stageFailures = new Counter({ name: 'callchart_pipeline_stage_failures_total', help: 'Failed after-call stage runs, by stage and error code', labelNames: ['stage', 'code'], registers });
    this.writeBack = new Histogram({
      name: 'callchart_write_back_attempt_seconds', help: 'Seconds one write-back attempt took, by target (fhir, hl7) and outcome (delivered, retrying, failed)', labelNames: ['target', 'outcome'], registers,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    });
    this.writeBackFailures = new Counter({ name: 'callchart_write_back_failures_total', help: 'Failed write-back attempts, by target, error code and retry class', labelNames: ['target', 'code', 'retry'], registers });
    this.ehrErrors = new Counter({
      name: 'callchart_ehr_errors_total', help: 'Failed EHR requests, by client (live, chart, after-call, staff), error code and class (transient, ambiguous, permanent)', labelNames: ['client', 'code', 'retry'], registers,
    });
    this.reviewTurnaround = new Histogram({
      name: 'callchart_review_turnaround_seconds', help: 'Seconds from a review item being created to a person approving or rejecting it', labelNames: ['decision'], registers,
      buckets: [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 604_800],
    });
    this.languageModel = new Histogram({
      name: 'callchart_language_model_request_seconds', help: 'Seconds one language model request took, by outcome (used, fallback) and fallback reason (none when used)', labelNames: ['outcome', 'reason'], registers,
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 4, 6, 10, 30],
    });
    const outboxStats = options.outboxStats;
    // One query per scrape fills both gauges: the first gauge's collect starts it (the registry
    // collects every metric at once), the second waits for the same answer. A store that does not
    // answer leaves them empty and the scrape still answers.
    let backlog: Promise<readonly OutboxStats[] | null> = Promise.resolve(null);
    const labelsOf = (row: OutboxStats) => ({ target: codeLabel(row.target), status: codeLabel(row.status) });
    new Gauge({
      name: 'callchart_outbox_items', help: 'Write-back outbox items by target and status (pending, sending, failed), read from the store at scrape time', labelNames: ['target', 'status'], registers,
      async collect() {
        backlog = outboxStats ? outboxStats().catch(() => null) : Promise.resolve(null);
        const rows = await backlog;
        this.reset();
        for (const row of rows ?? []) this.set(labelsOf(row), row.count);
      },
    });
    new Gauge({
      name: 'callchart_outbox_oldest_age_seconds', help: 'Age of the oldest outbox item not yet delivered, by target and status, read at scrape time', labelNames: ['target', 'status'], registers,
      async collect() {
        const rows = await backlog;
        this.reset();
        for (const row of rows ?? []) this.set(labelsOf(row), row.oldestAgeSeconds);
      },
    });
    if (options.callbackStats) this.callbackGauges(registers, options.callbackStats);
  }

  /**
   * Callback metrics (issue 16, AN-1), read from the store at scrape time over the trailing window
   * the engine asks for (30 days): one set of queries per scrape, shared by every gauge; no labels
   * but a quantile or urgency. A store that does not answer leaves them empty (NaN).
   */
  private callbackGauges(registers: Registry[], callbackStats: () => Promise<CallbackStats>): void {
    let stats: Promise<CallbackStats | null> = Promise.resolve(null);
    const gauge = (name: string, help: string, fill: (gauge: Gauge<string>, value: CallbackStats) => void, labelNames: string[] = [], first = false) =>
      new Gauge({
        name, help, labelNames, registers,
        async collect() {
          if (first) stats = callbackStats().catch(() => null);
          const value = await stats;
          this.reset();
          if (value) fill(this, value);
          else if (labelNames.length === 0) this.set(Number.NaN);
        },
      });
    // Not known yet (nothing completed in the window): NaN, never a zero that reads as "none done".
    const set = (target: Gauge<string>, value: number | null, labels: Record<string, string> = {}) => target.set(labels, value ?? Number.NaN);
    gauge('callchart_callback_overdue_tasks', 'Callback tasks open past their deadline now, by urgency', (target, value) => {
      target.set({ urgent: 'true' }, value.urgentOverdueNow);
      target.set({ urgent: 'false' }, value.overdueNow - value.urgentOverdueNow);
    }, ['urgent'], true);
    gauge('callchart_callback_completion_ratio', 'Callback tasks completed over those opened (not cancelled) in the trailing window', (target, value) => set(target, value.completionRate));
    gauge('callchart_callback_attempts_per_completed', 'Mean attempts per completed callback in the trailing window', (target, value) => set(target, value.attemptsPerCompleted));
    gauge('callchart_callback_call_to_first_attempt_minutes', 'Minutes from the call to the first callback attempt in the trailing window, by quantile (0.5, 0.9)', (target, value) => {
      set(target, value.callToFirstAttempt.medianMinutes, { quantile: '0.5' });
      set(target, value.callToFirstAttempt.p90Minutes, { quantile: '0.9' });
    }, ['quantile']);
    gauge('callchart_callback_call_to_closure_minutes', 'Minutes from the call to a completed callback in the trailing window, by quantile (0.5, 0.9)', (target, value) => {
      set(target, value.callToClosure.medianMinutes, { quantile: '0.5' });
      set(target, value.callToClosure.p90Minutes, { quantile: '0.9' });
    }, ['quantile']);
    gauge('callchart_callback_after_hours_call_share', 'Share of calls in the trailing window that came outside opening hours', (target, value) => set(target, value.afterHoursShare));
  }

  /** A queue name as a label: the clinic's queue ids only, at most 50 of them; anything else is `other`. */
  queueLabel(queue: string | null | undefined): string {
    const name = queue ?? this.fallbackQueue;
    if (!queuePattern.test(name) || name.length > 64) return 'other';
    if (this.queues.has(name)) return name;
    if (this.queues.size >= maxQueueLabels) return 'other';
    this.queues.add(name);
    return name;
  }

  callEnded(call: { direction: string; outcome: 'answered' | 'missed' | 'voicemail'; queue: string | null; speedToAnswerSeconds: number | null; consents: Record<string, string> }): void {
    const queue = this.queueLabel(call.queue);
    this.calls.inc({ direction: codeLabel(call.direction), outcome: call.outcome, queue });
    if (call.speedToAnswerSeconds !== null && call.speedToAnswerSeconds >= 0) this.speedToAnswer.observe({ queue }, call.speedToAnswerSeconds);
    for (const [scope, status] of Object.entries(call.consents)) this.consents.inc({ scope: codeLabel(scope), status: codeLabel(status) });
  }

  screenPopShown(pop: { seconds: number; outcome: string }): void {
    this.screenPop.observe({ outcome: codeLabel(pop.outcome) }, pop.seconds);
  }

  routingDecided(decision: { seconds: number; fallback: boolean; ehrContext: string }): void {
    this.routing.observe({ fallback: String(decision.fallback), ehr_context: codeLabel(decision.ehrContext) }, decision.seconds);
  }

  stageRan(run: { stage: string; seconds: number; outcome: 'completed' | 'failed' | 'deferred'; code?: string | undefined }): void {
    this.stageDuration.observe({ stage: codeLabel(run.stage), outcome: run.outcome }, run.seconds);
    if (run.code) this.stageFailures.inc({ stage: codeLabel(run.stage), code: codeLabel(run.code) });
  }

  writeBackAttempted(attempt: { target: string; seconds: number; outcome: 'delivered' | 'retrying' | 'failed'; code?: string | undefined; retry?: string | undefined }): void {
    this.writeBack.observe({ target: codeLabel(attempt.target), outcome: attempt.outcome }, attempt.seconds);
    if (attempt.code) this.writeBackFailures.inc({ target: codeLabel(attempt.target), code: codeLabel(attempt.code), retry: codeLabel(attempt.retry) });
  }

  ehrFailed(failure: { client: string; code: string; retry: string }): void {
    this.ehrErrors.inc({ client: codeLabel(failure.client), code: codeLabel(failure.code), retry: codeLabel(failure.retry) });
  }

  languageModelAsked(request: { used: boolean; reason: string | null; seconds: number }): void {
    this.languageModel.observe({ outcome: request.used ? 'used' : 'fallback', reason: codeLabel(request.reason ?? 'none') }, request.seconds);
  }

  reviewDecided(decision: { decision: 'approved' | 'rejected'; seconds: number }): void {
    if (decision.seconds >= 0) this.reviewTurnaround.observe({ decision: decision.decision }, decision.seconds);
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
