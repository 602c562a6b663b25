/** Progress on stderr: one updating line on a terminal, a few plain lines otherwise (CI logs). */
export function progressLine(label: string): { update(done: number, total: number): void; done(message?: string): void } {
  const tty = process.stderr.isTTY;
  let lastPrinted = -1;
  return {
    update(done, total) {
      const percent = total ? Math.floor((done / total) * 100) : 100;
      if (tty) {
        const width = 24;
        const filled = Math.round((percent / 100) * width);
        process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
      } else if (percent >= lastPrinted + 25 || done === total) {
        lastPrinted = percent;
        process.stderr.write(`${label}: ${done}/${total}\n`);
      }
    },
    done(message) {
      if (tty) process.stderr.write('\n');
      if (message) process.stderr.write(`${message}\n`);
    },
  };
}

/** Runs a step and prints how long it took. */
export async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stderr.write(`• ${label}… `);
  try {
    const value = await work();
    process.stderr.write(`done (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return value;
  } catch (error) {
    process.stderr.write('failed\n');
    throw error;
  }
}
