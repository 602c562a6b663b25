/**
 * Per key, one task in flight; a value submitted meanwhile replaces any waiting one and runs after
 * it (latest wins). Bursts of transcript partials or repeated notifications cost one write or load
 * per key at a time, never a queue of stale ones.
 */
export class LatestWins<T> {
  private readonly slots = new Map<string, { next: { value: T; task: (value: T) => Promise<void> } | null; done: Promise<void> }>();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs `task(value)` for `key` now, or after the one in flight (the newest submitted meanwhile wins). */
  run(key: string, value: T, task: (value: T) => Promise<void>): Promise<void> {
    const slot = this.slots.get(key);
    if (slot) {
      slot.next = { value, task };
      return slot.done;
    }
    const fresh: { next: { value: T; task: (value: T) => Promise<void> } | null; done: Promise<void> } = { next: { value, task }, done: Promise.resolve() };
    this.slots.set(key, fresh);
    fresh.done = (async () => {
      try {
        while (fresh.next !== null) {
          const current = fresh.next;
          fresh.next = null;
          await current.task(current.value).catch(this.onError);
        }
      } finally {
        this.slots.delete(key);
      }
    })();
    return fresh.done;
  }

  /** Resolves once no task is in flight or waiting. */
  async idle(): Promise<void> {
    while (this.slots.size > 0) await Promise.allSettled([...this.slots.values()].map((slot) => slot.done));
  }
}
