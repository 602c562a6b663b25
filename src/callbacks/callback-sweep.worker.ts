import type { Db } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';
import { markOverdueCallbackTasks, type CallbackTask } from './callback.repository.ts';

/**
 * The overdue sweep (FU-1): on a timer, open callback tasks past their deadline are marked once,
 * each with a `callback.overdue` audit event; the alert worker's `callback-overdue-urgent` rule
 * turns an urgent one into an alert (once per task). Several processes may sweep: `skip locked`
 * and the once-only mark keep each task to one event. The clock is an input (tests move it).
 */
export class CallbackSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;

  constructor(private readonly options: { db: Db; everySeconds: number; now?: () => Date; logger?: Logger; onSwept?: (marked: readonly CallbackTask[]) => void }) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweepNow()
        .catch((error: unknown) => this.options.logger?.error({ err: { code: (error as { code?: string }).code } }, 'callback sweep failed'))
        .finally(() => {
          this.running = null;
        });
    }, this.options.everySeconds * 1_000);
    this.timer.unref();
  }

  /** One sweep on the sweeper's clock: the tasks it marked overdue. */
  async sweepNow(): Promise<CallbackTask[]> {
    const now = this.options.now?.() ?? new Date();
    const marked = await this.options.db.transaction((tx) => markOverdueCallbackTasks(tx, now));
    if (marked.length > 0) {
      this.options.logger?.info({ overdue: marked.length, urgent: marked.filter((task) => task.urgent).length }, 'callback tasks overdue');
      this.options.onSwept?.(marked);
    }
    return marked;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
