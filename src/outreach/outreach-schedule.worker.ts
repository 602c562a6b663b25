import type { Logger } from '../lib/logger.ts';
import type { OutreachRunSummary, OutreachService } from './outreach.service.ts';

/**
 * Searches the EHR lists every `everyMinutes` (in processes that do pipeline work). The first run
 * comes one interval after start, so a restart storm does not hit the EHR. The service reads the
 * engine's clock for windows; tests call `runNow` with their own clock instead of waiting.
 */
export class OutreachScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(private readonly options: { service: OutreachService; everyMinutes: number; logger?: Logger }) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Both lists now (the API's "run now", the CLI and tests). */
  async runNow(trigger: 'schedule' | 'manual' = 'manual', actor?: string): Promise<OutreachRunSummary[]> {
    const run = this.options.service.runLists(trigger, actor);
    this.running = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runNow('schedule')
        .catch((error: unknown) => this.options.logger?.error({ err: { code: (error as { code?: string }).code } }, 'outreach lists run failed'))
        .finally(() => this.schedule());
    }, this.options.everyMinutes * 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
