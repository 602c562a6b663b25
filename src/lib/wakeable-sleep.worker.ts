/**
 * A sleep that ends early when woken: a worker's poll loop waits its interval, and new work (or a
 * stop) calls every waiter in `wakers` to look now. Used by the pipeline and write-back workers.
 */
export function wakeableSleep(ms: number, wakers: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wakers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wakers.add(done);
  });
}
