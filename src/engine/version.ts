import { readFileSync } from 'node:fs';

/** The package version, read without loading the engine (the CLI's --version and help stay fast). */
export const engineVersion: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
