import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The public data sets in `../shared/data/` beside the project (never copied into the repo).
 * CI clones the project elsewhere, so the workplace path is tried too; CALLCHART_SHARED_DATA wins.
 */
export function sharedDataDir(): string {
  const candidates = [process.env.CALLCHART_SHARED_DATA, path.resolve('../shared/data'), '/work/shared/data'].filter((dir): dir is string => Boolean(dir));
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`Shared data not found; looked in ${candidates.join(', ')}. Set CALLCHART_SHARED_DATA.`);
  return found;
}
