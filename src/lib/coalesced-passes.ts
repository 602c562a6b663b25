/**
 * A worker's passes, one at a time: `nudge` runs a pass soon, and a nudge during a pass runs one
 * more after it (never two at once, never a nudge lost). Used by the workers that follow the audit
 * log (alerts, event webhooks).
 */
export class CoalescedPasses {
  private running: Promise<void> | null = null;
  private again = false;
  private open = false;

  constructor(private readonly pass: () => Promise<void>, private readonly onError: (error: unknown) => void) {}

  /** Nudges count from here (a process that does no work runs no pass). */
  start(): void {
    this.open = true;
  }

  nudge(): void {
    if (!this.open) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Waits for a pass in progress, then runs one more to the end; its failure is the caller's. */
  async runOnce(): Promise<void> {
    await this.idle();
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  /** No more passes start; resolves once the one in progress has ended. */
  async stop(): Promise<void> {
    this.open = false;
    await this.idle();
  }

  private async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }
}
